//! Indisponibilidade de bens (docs/DOMAIN.md §2.10; Lei 9.656 art. 24-A): the automatic freeze of the
//! assets of everyone in office in the 12 months before a DF or LE decree. The set of persons is
//! fixed at decree time; adding someone needs an explicit, motivated event; lifting needs an
//! inquiry outcome or a court order — there is no discretionary "lift" act.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{wrong_phase, Abertura, Act, CaseCommand, CaseDetail, CaseEvent, CaseState};
use crate::acts::Family;
use crate::{DomainError, Emitted, OperatorEvent};

const NORM: &str = "Lei 9.656/1998 art. 24-A";

/// Phases of a freeze.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FreezePhase {
    Imposta,
    /// Inquiry found loss: sent to court, freeze continues until the judge decides.
    Mantida,
    /// Suspended by a court injunction.
    Suspensa,
    Levantada,
}

/// A person whose assets are frozen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenPerson {
    pub pessoa_id: Uuid,
    pub nome: String,
    pub cargo: String,
    pub inicio: Option<NaiveDate>,
    pub fim: Option<NaiveDate>,
}

/// What a court order does to the freeze.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourtEffect {
    Suspende,
    Levanta,
    Restabelece,
}

/// Freeze state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndisponibilidadeState {
    pub phase: FreezePhase,
    pub pessoas: Vec<FrozenPerson>,
    /// Start of the look-back window (decree date − 12 months).
    pub janela_desde: NaiveDate,
    pub apuracao_concluida: bool,
    /// Phase to return to when a suspension is revoked.
    pub antes_da_suspensao: Option<FreezePhase>,
}

/// Events of a freeze case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum FreezeEvent {
    #[serde(rename = "indisponibilidade.imposta")]
    Imposta { abertura: Abertura, pessoas: Vec<FrozenPerson>, janela_desde: NaiveDate },
    #[serde(rename = "indisponibilidade.estendida")]
    Estendida { pessoa: FrozenPerson, motivacao: String },
    #[serde(rename = "indisponibilidade.apuracao_concluida")]
    ApuracaoConcluida { houve_prejuizo: bool },
    #[serde(rename = "indisponibilidade.decisao_judicial_registrada")]
    DecisaoJudicialRegistrada { efeito: CourtEffect },
}

pub(super) fn evolve(case: &mut CaseState, event: &FreezeEvent) {
    if let FreezeEvent::Imposta { abertura, pessoas, janela_desde } = event {
        let state = IndisponibilidadeState {
            phase: FreezePhase::Imposta,
            pessoas: pessoas.clone(),
            janela_desde: *janela_desde,
            apuracao_concluida: false,
            antes_da_suspensao: None,
        };
        case.open(Family::IndisponibilidadeBens, abertura, CaseDetail::Indisponibilidade(state));
        return;
    }
    let CaseDetail::Indisponibilidade(s) = &mut case.detalhe else { return };
    match event {
        FreezeEvent::Imposta { .. } => {}
        FreezeEvent::Estendida { pessoa, .. } => s.pessoas.push(pessoa.clone()),
        FreezeEvent::ApuracaoConcluida { houve_prejuizo } => {
            s.apuracao_concluida = true;
            s.phase = if *houve_prejuizo { FreezePhase::Mantida } else { FreezePhase::Levantada };
        }
        FreezeEvent::DecisaoJudicialRegistrada { efeito } => match efeito {
            CourtEffect::Suspende => {
                s.antes_da_suspensao = Some(s.phase);
                s.phase = FreezePhase::Suspensa;
            }
            CourtEffect::Levanta => s.phase = FreezePhase::Levantada,
            CourtEffect::Restabelece => s.phase = s.antes_da_suspensao.take().unwrap_or(FreezePhase::Imposta),
        },
    }
}

/// The freeze a DF or LE decree imposes, as a new case (Lei 9.656 art. 24-A).
pub(super) fn impose(act: &Act<'_>, doc: &str) -> Result<Vec<Emitted>, DomainError> {
    let freeze_id = act.ctx.fresh_id(0)?;
    let months = act.rules.indisponibilidade_meses_retroativos;
    let janela_desde = act.ctx.today.checked_sub_months(Months::new(months)).unwrap_or(act.ctx.today);
    let pessoas = act
        .op
        .administrators_within(act.ctx.today, months)
        .into_iter()
        .map(|a| FrozenPerson {
            pessoa_id: a.administrador_id,
            nome: a.nome,
            cargo: a.cargo,
            inicio: Some(a.inicio),
            fim: a.fim,
        })
        .collect();
    let abertura = Abertura {
        registro: act.registro,
        versao_regras: act.rules.versao.clone(),
        fato_gerador: act.ctx.today,
        origem: Some(act.case_id),
    };
    Ok(vec![
        Emitted::case(
            freeze_id,
            CaseEvent::Indisponibilidade(FreezeEvent::Imposta { abertura, pessoas, janela_desde }),
            act.ctx,
            NORM,
            Some(doc),
        ),
        act.operator_event(OperatorEvent::IndisponibilidadeRegistrada { caso: freeze_id }, NORM, Some(doc)),
    ])
}

/// Events recording an inquiry outcome on a freeze case (from the freeze case or from the LE inquiry).
pub(super) fn outcome(act: &Act<'_>, freeze_id: Uuid, houve_prejuizo: bool, doc: &str) -> Vec<Emitted> {
    let basis = "Lei 9.656/1998 art. 24-A; RN 276/2011";
    let mut out = vec![Emitted::case(
        freeze_id,
        CaseEvent::Indisponibilidade(FreezeEvent::ApuracaoConcluida { houve_prejuizo }),
        act.ctx,
        basis,
        Some(doc),
    )];
    if !houve_prejuizo {
        out.push(act.operator_event(OperatorEvent::IndisponibilidadeEncerrada { caso: freeze_id }, basis, Some(doc)));
    }
    out
}

pub(super) fn decide(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    use CaseCommand as C;
    let CaseDetail::Indisponibilidade(s) = &act.case.detalhe else {
        return Err(DomainError::invalid("caso", "o caso não é uma indisponibilidade de bens"));
    };
    let name = command.act();
    match command {
        C::EstenderIndisponibilidade { pessoa_id, nome, cargo, motivacao } => {
            if motivacao.trim().is_empty() {
                return Err(DomainError::rule(
                    "indisponibilidade.extensao_sem_motivacao",
                    NORM,
                    "incluir pessoa após o decreto exige motivação expressa",
                ));
            }
            if s.pessoas.iter().any(|p| p.pessoa_id == pessoa_id) {
                return Err(DomainError::invalid("pessoa_id", "a pessoa já está alcançada pela indisponibilidade"));
            }
            let pessoa = FrozenPerson {
                pessoa_id,
                nome: String::from(nome),
                cargo: String::from(cargo),
                inicio: None,
                fim: None,
            };
            Ok(vec![act.case_event(
                CaseEvent::Indisponibilidade(FreezeEvent::Estendida { pessoa, motivacao }),
                NORM,
                None,
            )])
        }
        C::RegistrarResultadoApuracao { houve_prejuizo, documento } => {
            if s.apuracao_concluida {
                return Err(DomainError::rule(
                    "indisponibilidade.apuracao_ja_concluida",
                    NORM,
                    "a apuração já foi concluída; só decisão judicial altera a indisponibilidade",
                ));
            }
            if s.phase != FreezePhase::Imposta {
                return Err(wrong_phase("indisponibilidade", s.phase, name));
            }
            Ok(outcome(act, act.case_id, houve_prejuizo, &documento))
        }
        C::RegistrarDecisaoJudicial { efeito, documento } => {
            let allowed = match efeito {
                CourtEffect::Suspende => matches!(s.phase, FreezePhase::Imposta | FreezePhase::Mantida),
                CourtEffect::Levanta => true,
                CourtEffect::Restabelece => s.phase == FreezePhase::Suspensa,
            };
            if !allowed {
                return Err(wrong_phase("indisponibilidade", s.phase, name));
            }
            let basis = "Lei 9.656/1998 art. 24-A (decisão judicial)";
            let mut out = vec![act.case_event(
                CaseEvent::Indisponibilidade(FreezeEvent::DecisaoJudicialRegistrada { efeito }),
                basis,
                Some(&documento),
            )];
            if efeito == CourtEffect::Levanta {
                out.push(act.operator_event(
                    OperatorEvent::IndisponibilidadeEncerrada { caso: act.case_id },
                    basis,
                    Some(&documento),
                ));
            }
            Ok(out)
        }
        _ => Err(wrong_phase("indisponibilidade", s.phase, name)),
    }
}
