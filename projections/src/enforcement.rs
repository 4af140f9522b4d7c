//! The enforcement read models the core projection keeps beside the operator status: the
//! sanctions ledger (every fine with its stored factors, discount, payments and instalments), the
//! fines totals of each operator (imposed, paid, outstanding, in dívida ativa), asset freezes by
//! person, and the seed report's dashboard counters of portfolio transfers (year × total or
//! partial) and sanctioning processes (subject × period).
//!
//! Documents:
//! - `sancao/{registro}/{case_id}` → [`SanctionEntry`]
//! - `indisponibilidade_por_pessoa/{pessoa_id}/{case_id}` → [`FrozenAssetsEntry`]
//! - `painel/transferencias/{ano}/{total|parcial}` and `painel/processos/{periodo}/{assunto}` →
//!   `{"quantidade": n}`, where `periodo` is `ate_2000`, `2001`, `2002`… as in the report.

use autos_domain::case::{Abrangencia, CaseDetail, FreezePhase, Instalment, Penalty, SanctionPhase};
use autos_domain::{FineComputation, Money};
use autos_store::StoredEvent;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::docs::Docs;
use crate::models::{count, load, store, CaseDoc, OperatorDoc, OPERATOR};
use crate::ProjectionError;

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

/// Updates the enforcement models after `case` folded `stored`.
///
/// # Errors
/// `Corrupt` when a stored document cannot be read back.
pub(crate) async fn apply(
    stored: &StoredEvent,
    case: &CaseDoc,
    registro: &str,
    docs: &mut dyn Docs,
) -> Result<(), ProjectionError> {
    match &case.state.detail {
        CaseDetail::Sancionador(state) => {
            if stored.event_type == "pas.auto_lavrado" {
                count(docs, &format!("processos/{}/{}", period_of(stored.occurred_on), state.tipo_infracao), 1).await?;
            }
            let key = format!("{registro}/{}", case.case_id);
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
                let mut operator: OperatorDoc = load(docs, OPERATOR, registro).await?;
                operator.multas = operator.multas.moved_by(before, after);
                store(docs, OPERATOR, registro, &operator)?;
            }
            store(docs, SANCTIONS, &key, &entry)
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
                store(docs, FREEZES_BY_PERSON, &format!("{}/{}", person.pessoa_id, case.case_id), &entry)?;
            }
            Ok(())
        }
        CaseDetail::Alienacao(state) if stored.event_type == "alienacao.transferencia_comprovada" => {
            let scope = match state.abrangencia {
                Abrangencia::Total => "total",
                Abrangencia::Parcial => "parcial",
            };
            count(docs, &format!("transferencias/{}/{scope}", stored.occurred_on.year()), 1).await
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
