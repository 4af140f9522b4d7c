//! Representações (docs/DOMAIN.md §2.9): an ANS area's internal referral to DIFIS when an operator
//! fails an obligation — registered with its origin, subject, the concrete obligation and the
//! period it concerns, distributed to a Núcleo or DIFIS, then archived with a reason (the path to
//! an auto de infração belongs to the sanctioning process, §2.7).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{wrong_phase, Abertura, Act, CaseCommand, CaseDetail, CaseEvent, CaseState};
use crate::acts::Family;
use crate::{DomainError, Emitted};

const NORM: &str = "Lei 9.961/2000 art. 4; RN 48/2003";

/// The ANS area that refers the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginArea {
    Diope,
    Dides,
    Dipro,
    Outra,
}

/// Subjects of the report's representações table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepresentationSubject {
    Sib,
    Sip,
    Diops,
    CoordenadorMedico,
    DivergenciaSibTss,
    PlanoDeContasPadrao,
    RequerimentoDeInformacoes,
    RedeCredenciadaSubstituicaoDeHospital,
    Reajuste,
}

/// Phases of a representação.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RepresentationPhase {
    Registrada,
    Distribuida,
    Arquivada,
}

/// Representação state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepresentacaoState {
    pub phase: RepresentationPhase,
    pub origem: OriginArea,
    pub assunto: RepresentationSubject,
    pub obrigacao: String,
    pub periodo_inicio: NaiveDate,
    pub periodo_fim: NaiveDate,
    pub unidade: Option<String>,
}

/// Events of a representação.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum RepresentationEvent {
    #[serde(rename = "representacao.registrada")]
    Registrada {
        abertura: Abertura,
        origem: OriginArea,
        assunto: RepresentationSubject,
        obrigacao: String,
        periodo_inicio: NaiveDate,
        periodo_fim: NaiveDate,
    },
    #[serde(rename = "representacao.distribuida")]
    Distribuida { unidade: String },
    #[serde(rename = "representacao.arquivada")]
    Arquivada { motivo: String },
}

pub(super) fn evolve(case: &mut CaseState, event: &RepresentationEvent) {
    match event {
        RepresentationEvent::Registrada { abertura, origem, assunto, obrigacao, periodo_inicio, periodo_fim } => {
            let state = RepresentacaoState {
                phase: RepresentationPhase::Registrada,
                origem: *origem,
                assunto: *assunto,
                obrigacao: obrigacao.clone(),
                periodo_inicio: *periodo_inicio,
                periodo_fim: *periodo_fim,
                unidade: None,
            };
            case.open(Family::Representacao, abertura, CaseDetail::Representacao(state));
        }
        RepresentationEvent::Distribuida { unidade } => {
            if let CaseDetail::Representacao(s) = &mut case.detalhe {
                s.phase = RepresentationPhase::Distribuida;
                s.unidade = Some(unidade.clone());
            }
        }
        RepresentationEvent::Arquivada { .. } => {
            if let CaseDetail::Representacao(s) = &mut case.detalhe {
                s.phase = RepresentationPhase::Arquivada;
            }
        }
    }
}

fn ev(e: RepresentationEvent) -> CaseEvent {
    CaseEvent::Representacao(e)
}

pub(super) fn decide(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    use CaseCommand as C;
    if let C::RegistrarRepresentacao { origem, assunto, obrigacao, periodo_inicio, periodo_fim, documento, .. } =
        command
    {
        // docs/DOMAIN.md §2.9: a representação names a concrete obligation and period.
        let obrigacao = String::from(obrigacao);
        if periodo_fim < periodo_inicio {
            return Err(DomainError::invalid("periodo_fim", "o fim do período é anterior ao início"));
        }
        if periodo_inicio > act.ctx.today {
            return Err(DomainError::invalid("periodo_inicio", "o período da obrigação ainda não começou"));
        }
        let registered = RepresentationEvent::Registrada {
            abertura: act.abertura(None),
            origem,
            assunto,
            obrigacao,
            periodo_inicio,
            periodo_fim,
        };
        return Ok(vec![act.case_event(ev(registered), NORM, Some(&documento))]);
    }
    let CaseDetail::Representacao(s) = &act.case.detalhe else {
        return Err(DomainError::invalid("caso", "o caso não é uma representação"));
    };
    let name = command.act();
    match (s.phase, command) {
        (RepresentationPhase::Registrada, C::DistribuirRepresentacao { unidade }) => {
            let unidade = String::from(unidade);
            Ok(vec![act.case_event(ev(RepresentationEvent::Distribuida { unidade }), NORM, None)])
        }
        (RepresentationPhase::Registrada | RepresentationPhase::Distribuida, C::ArquivarRepresentacao { motivo }) => {
            let motivo = String::from(motivo);
            Ok(vec![act.case_event(ev(RepresentationEvent::Arquivada { motivo }), NORM, None)])
        }
        (phase, _) => Err(wrong_phase("representacao", phase, name)),
    }
}
