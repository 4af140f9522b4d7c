//! Cancelamento de registro (docs/DOMAIN.md §2.11): motive from the closed list, portabilidade
//! especial before a compulsory cancellation of an operator that still has members, and the
//! terminal cancellation on both streams.

use serde::{Deserialize, Serialize};

use super::{wrong_phase, Abertura, Act, CaseCommand, CaseDetail, CaseEvent, CaseState, DeadlineKey};
use crate::acts::Family;
use crate::operator::MotivoCancelamento;
use crate::DeadlineSetting;
use crate::{Deadline, DomainError, Emitted, OperatorEvent};

const NORM: &str = "Lei 9.656/1998 arts. 8 e 25 VI; RN 85/2004";

/// Phases of a cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CancelPhase {
    EmCancelamento,
    Cancelado,
}

/// Cancellation state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelamentoState {
    pub phase: CancelPhase,
    pub motivo: MotivoCancelamento,
}

/// Events of a cancellation case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum CancelEvent {
    #[serde(rename = "cancelamento.iniciado")]
    Iniciado { abertura: Abertura, motivo: MotivoCancelamento },
    #[serde(rename = "cancelamento.portabilidade_especial_decretada")]
    PortabilidadeEspecialDecretada { prazo: Deadline },
    #[serde(rename = "cancelamento.registro_cancelado")]
    RegistroCancelado {},
}

pub(super) fn evolve(case: &mut CaseState, event: &CancelEvent) {
    match event {
        CancelEvent::Iniciado { abertura, motivo } => {
            case.open(
                Family::CancelamentoRegistro,
                abertura,
                CaseDetail::Cancelamento(CancelamentoState { phase: CancelPhase::EmCancelamento, motivo: *motivo }),
            );
        }
        CancelEvent::PortabilidadeEspecialDecretada { prazo } => {
            case.set_deadline(DeadlineKey::PortabilidadeEspecial, Some(prazo))
        }
        CancelEvent::RegistroCancelado {} => {
            case.prazos.clear();
            if let CaseDetail::Cancelamento(s) = &mut case.detalhe {
                s.phase = CancelPhase::Cancelado;
            }
        }
    }
}

fn ev(e: CancelEvent) -> CaseEvent {
    CaseEvent::Cancelamento(e)
}

pub(super) fn decide(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    use CaseCommand as C;
    if let C::IniciarCancelamentoRegistro { motivo, documento, .. } = command {
        act.op.require_not_cancelled()?;
        if motivo == MotivoCancelamento::LiquidacaoExtrajudicial {
            return Err(DomainError::invalid(
                "motivo",
                "o cancelamento por liquidação decorre do próprio decreto de liquidação",
            ));
        }
        if act.op.caso_cancelamento.is_some() {
            return Err(DomainError::rule(
                "cancelamento.ja_em_curso",
                NORM,
                "já há cancelamento em curso para a operadora",
            ));
        }
        return Ok(vec![
            act.case_event(ev(CancelEvent::Iniciado { abertura: act.abertura(None), motivo }), NORM, Some(&documento)),
            act.operator_event(
                OperatorEvent::CancelamentoIniciado { caso: act.case_id, motivo },
                NORM,
                Some(&documento),
            ),
        ]);
    }
    let CaseDetail::Cancelamento(s) = &act.case.detalhe else {
        return Err(DomainError::invalid("caso", "o caso não é um cancelamento de registro"));
    };
    let name = command.act();
    match command {
        C::DecretarPortabilidadeEspecial { publicada_em, documento }
            if !act.case.prazos.contains_key(&DeadlineKey::PortabilidadeEspecial) =>
        {
            let prazo = act.deadline(DeadlineSetting::PortabilidadeEspecial, publicada_em)?;
            Ok(vec![
                act.case_event(
                    ev(CancelEvent::PortabilidadeEspecialDecretada { prazo: prazo.clone() }),
                    "RN 438/2018",
                    Some(&documento),
                ),
                act.operator_event(
                    OperatorEvent::PortabilidadeEspecialDecretada { caso: act.case_id, prazo },
                    "RN 438/2018",
                    Some(&documento),
                ),
            ])
        }
        C::CancelarRegistro { documento } => {
            act.op.require_not_cancelled()?;
            if s.motivo.is_compulsory() {
                act.op.require_members_provided_for(act.ctx.today)?;
            }
            Ok(vec![
                act.case_event(ev(CancelEvent::RegistroCancelado {}), NORM, Some(&documento)),
                act.operator_event(
                    OperatorEvent::RegistroCancelado { caso: act.case_id, motivo: s.motivo, em: act.ctx.today },
                    NORM,
                    Some(&documento),
                ),
            ])
        }
        _ => Err(wrong_phase("cancelamento", s.phase, name)),
    }
}
