//! The enforcement read models the core projection keeps beside the operator status: the
//! sanctions ledger (every fine with its stored factors, discount, payments and instalments), the
//! fines totals of each operator (imposed, paid, outstanding, in dívida ativa), asset freezes by
//! person, and the seed report's dashboard counters of portfolio transfers (year × total or
//! partial) and sanctioning processes (subject × period).
//!
//! Like the core projection's counters, these match on the typed [`CaseEvent`]. Documents (keys
//! built by [`crate::keys`]):
//! - `sancao/{registro}/{case_id}` → [`SanctionEntry`]
//! - `indisponibilidade_por_pessoa/{pessoa_id}/{case_id}` → [`FrozenAssetsEntry`]
//! - `painel/transferencias/{ano}/{total|parcial}` and `painel/processos/{periodo}/{assunto}` →
//!   `{"quantidade": n}`, where `periodo` is `ate_2000`, `2001`, `2002`… as in the report.

use autos_domain::case::{
    Abrangencia, AlienationEvent, CaseDetail, FreezePhase, Instalment, Penalty, SanctionEvent, SanctionPhase,
};
use autos_domain::{CaseEvent, FineComputation, Money};
use autos_store::StoredEvent;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::docs::{load, store, Docs};
use crate::models::{count, CaseDoc, OperatorDoc, OPERATOR};
use crate::{keys, ProjectionError};

pub const SANCTIONS: &str = "sancao";
pub const FREEZES_BY_PERSON: &str = "indisponibilidade_por_pessoa";

/// One sanctioning process in the ledger.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SanctionEntry {
    pub case_id: String,
    pub registro: String,
    pub processo: String,
    pub tipo_infracao: String,
    pub phase: String,
    pub aberto_em: Option<NaiveDate>,
    pub penalidade: Option<Penalty>,
    /// The fine in force with every factor, the discount included when one was chosen.
    pub multa: Option<FineComputation>,
    pub pago: Money,
    pub saldo: Money,
    pub parcelas: Vec<Instalment>,
    pub em_divida_ativa: bool,
}

impl SanctionEntry {
    fn totals(&self) -> FineTotals {
        let imposta = self.multa.as_ref().map_or(Decimal::ZERO, |m| m.valor_devido.amount());
        let saldo = self.saldo.amount();
        FineTotals {
            imposta,
            paga: self.pago.amount(),
            em_aberto: saldo,
            em_divida_ativa: if self.em_divida_ativa { saldo } else { Decimal::ZERO },
        }
    }
}

/// An operator's fines, summed over its sanctioning processes (exact reais).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FineTotals {
    pub imposta: Decimal,
    pub paga: Decimal,
    pub em_aberto: Decimal,
    pub em_divida_ativa: Decimal,
}

impl FineTotals {
    fn moved_by(self, old: FineTotals, new: FineTotals) -> FineTotals {
        FineTotals {
            imposta: self.imposta - old.imposta + new.imposta,
            paga: self.paga - old.paga + new.paga,
            em_aberto: self.em_aberto - old.em_aberto + new.em_aberto,
            em_divida_ativa: self.em_divida_ativa - old.em_divida_ativa + new.em_divida_ativa,
        }
    }
}

/// A person whose assets a case froze.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrozenAssetsEntry {
    pub pessoa_id: String,
    pub nome: String,
    pub cargo: String,
    pub registro: String,
    pub case_id: String,
    pub phase: FreezePhase,
    pub desde: Option<NaiveDate>,
}

/// Updates the enforcement models after `case` folded `event` (recorded as `stored`).
///
/// # Errors
/// `Corrupt` when a stored document cannot be read back.
pub(crate) async fn apply(
    stored: &StoredEvent,
    event: &CaseEvent,
    case: &CaseDoc,
    registro: &str,
    docs: &mut dyn Docs,
) -> Result<(), ProjectionError> {
    match &case.state.detalhe {
        CaseDetail::Sancionador(state) => {
            if let CaseEvent::Sancionador(SanctionEvent::AutoLavrado { .. }) = event {
                count(docs, &keys::processes(&period_of(stored.occurred_on), &state.tipo_infracao), 1).await?;
            }
            let key = keys::sanction(registro, &case.case_id);
            let old: SanctionEntry = load(docs, SANCTIONS, &key).await?;
            let entry = SanctionEntry {
                case_id: case.case_id.clone(),
                registro: registro.to_owned(),
                processo: state.processo.clone(),
                tipo_infracao: state.tipo_infracao.clone(),
                phase: case.phase.clone(),
                aberto_em: case.opened_on,
                penalidade: state.penalidade,
                multa: state.multa.as_deref().cloned(),
                pago: state.pago,
                saldo: state.owed(),
                parcelas: state.parcelas.clone(),
                em_divida_ativa: state.phase == SanctionPhase::DividaAtiva,
            };
            let (before, after) = (old.totals(), entry.totals());
            if before != after {
                let mut operator: OperatorDoc = load(docs, OPERATOR, &keys::operator(registro)).await?;
                operator.multas = operator.multas.moved_by(before, after);
                store(docs, OPERATOR, &keys::operator(registro), operator);
            }
            store(docs, SANCTIONS, &key, entry);
            Ok(())
        }
        CaseDetail::Indisponibilidade(state) => {
            for person in &state.pessoas {
                let entry = FrozenAssetsEntry {
                    pessoa_id: person.pessoa_id.to_string(),
                    nome: person.nome.clone(),
                    cargo: person.cargo.clone(),
                    registro: registro.to_owned(),
                    case_id: case.case_id.clone(),
                    phase: state.phase,
                    desde: case.opened_on,
                };
                store(docs, FREEZES_BY_PERSON, &keys::frozen_assets(person.pessoa_id, &case.case_id), entry);
            }
            Ok(())
        }
        CaseDetail::Alienacao(state)
            if matches!(event, CaseEvent::Alienacao(AlienationEvent::TransferenciaComprovada { .. })) =>
        {
            let scope = match state.abrangencia {
                Abrangencia::Total => "total",
                Abrangencia::Parcial => "parcial",
            };
            count(docs, &keys::transfers(stored.occurred_on.year(), scope), 1).await
        }
        _ => Ok(()),
    }
}

/// The report's period column: everything up to 2000 together, then one column a year.
pub fn period_of(date: NaiveDate) -> String {
    if date.year() <= 2000 {
        "ate_2000".to_owned()
    } else {
        date.year().to_string()
    }
}
