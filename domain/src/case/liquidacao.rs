//! Liquidação extrajudicial (docs/DOMAIN.md §2.4; Lei 9.656 arts. 23, 24, 24-A, 24-D; RN 316/2012
//! arts. 15ff). The decree cancels the registration, closes any DF/DT, imposes the asset freeze
//! when none is in force and opens the inquiry; bankruptcy may be requested only by the
//! liquidante authorised by ANS on the grounds of art. 23 §1.

use serde::{Deserialize, Serialize};

use super::{
    indisponibilidade, regime, wrong_phase, Abertura, Act, CaseCommand, CaseDetail, CaseEvent, CaseState, DeadlineKey,
    RegimeClosure,
};
use crate::acts::Family;
use crate::operator::MotivoCancelamento;
use crate::DeadlineSetting;
use crate::{Deadline, DomainError, Emitted, NonEmptyText, OperatorEvent};

const NORM: &str = "Lei 9.656/1998 arts. 23 e 24; RN 316/2012";

/// Decree grounds (RN 316, docs/DOMAIN.md §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeGround {
    DissolucaoIrregular,
    MetasDeSaneamentoNaoAtingidas,
    AdministradoresNaoSubstituidos,
    CancelamentoDaAutorizacao,
    ViolacaoGrave,
    RiscoIminenteSemDfPrevia,
    PedidoDosAdministradores,
}

/// Grounds on which ANS may authorise a bankruptcy/insolvency filing (Lei 9.656 art. 23 §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BankruptcyGround {
    AtivoInferiorAMetadeDosQuirografarios,
    AtivoInsuficienteParaCustos,
    IndiciosDeCrimeFalimentar,
}

/// Closure reasons (RN 316 art. 25).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeClosure {
    AssuncaoPelosInteressados,
    ContasFinaisAprovadas,
    FalenciaOuInsolvenciaDecretada,
    ConversaoEmLiquidacaoOrdinaria,
}

/// How members left the estate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberTransfer {
    Alienacao,
    PortabilidadeEspecial,
}

/// Phases of the administrative inquiry (RN 276/2011), in order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum InquiryPhase {
    Instaurado,
    Instrucao,
    ExAdministradoresNotificados,
    RelatorioPreliminar,
    Alegacoes,
    DiligenciasFinais,
    RelatorioFinal,
    Concluido,
}

/// Phases of an LE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum LePhase {
    Aberta,
    Encerrada,
}

/// LE state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiquidacaoState {
    pub phase: LePhase,
    pub liquidante: String,
    pub fundamento: LeGround,
    pub beneficiarios_transferidos: Option<MemberTransfer>,
    pub balanco_apresentado: bool,
    pub inquerito: InquiryPhase,
    pub falencia_autorizada: Option<BankruptcyGround>,
    pub encerramento: Option<LeClosure>,
}

/// Events of an LE case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum LeEvent {
    #[serde(rename = "liquidacao.decretada")]
    Decretada {
        abertura: Abertura,
        liquidante: String,
        fundamento: LeGround,
        prazo_balanco: Option<Deadline>,
        prazo_inquerito: Option<Deadline>,
    },
    #[serde(rename = "liquidacao.beneficiarios_transferidos")]
    BeneficiariosTransferidos { forma: MemberTransfer },
    #[serde(rename = "liquidacao.balanco_apresentado")]
    BalancoApresentado { credores: u32, no_prazo: bool },
    #[serde(rename = "liquidacao.inquerito_avancou")]
    InqueritoAvancou { fase: InquiryPhase },
    #[serde(rename = "liquidacao.inquerito_concluido")]
    InqueritoConcluido { houve_prejuizo: bool },
    #[serde(rename = "liquidacao.falencia_autorizada")]
    FalenciaAutorizada { fundamento: BankruptcyGround },
    #[serde(rename = "liquidacao.encerrada")]
    Encerrada { motivo: LeClosure },
}

pub(super) fn evolve(case: &mut CaseState, event: &LeEvent) {
    if let LeEvent::Decretada { abertura, liquidante, fundamento, prazo_balanco, prazo_inquerito } = event {
        let state = LiquidacaoState {
            phase: LePhase::Aberta,
            liquidante: liquidante.clone(),
            fundamento: *fundamento,
            beneficiarios_transferidos: None,
            balanco_apresentado: false,
            inquerito: InquiryPhase::Instaurado,
            falencia_autorizada: None,
            encerramento: None,
        };
        case.open(Family::LiquidacaoExtrajudicial, abertura, CaseDetail::Liquidacao(state));
        case.set_deadline(DeadlineKey::Balanco, prazo_balanco.as_ref());
        case.set_deadline(DeadlineKey::Inquerito, prazo_inquerito.as_ref());
        return;
    }
    match event {
        LeEvent::BalancoApresentado { .. } => case.set_deadline(DeadlineKey::Balanco, None),
        LeEvent::InqueritoConcluido { .. } => case.set_deadline(DeadlineKey::Inquerito, None),
        LeEvent::Encerrada { .. } => case.prazos.clear(),
        _ => {}
    }
    let CaseDetail::Liquidacao(s) = &mut case.detalhe else { return };
    match event {
        LeEvent::Decretada { .. } => {}
        LeEvent::BeneficiariosTransferidos { forma } => s.beneficiarios_transferidos = Some(*forma),
        LeEvent::BalancoApresentado { .. } => s.balanco_apresentado = true,
        LeEvent::InqueritoAvancou { fase } => s.inquerito = *fase,
        LeEvent::InqueritoConcluido { .. } => s.inquerito = InquiryPhase::Concluido,
        LeEvent::FalenciaAutorizada { fundamento } => s.falencia_autorizada = Some(*fundamento),
        LeEvent::Encerrada { motivo } => {
            s.phase = LePhase::Encerrada;
            s.encerramento = Some(*motivo);
        }
    }
}

fn ev(e: LeEvent) -> CaseEvent {
    CaseEvent::Liquidacao(e)
}

pub(super) fn decide(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    use CaseCommand as C;
    if let C::DecretarLiquidacao { liquidante, fundamento, documento, .. } = command {
        return decree(act, liquidante, fundamento, &documento);
    }
    let CaseDetail::Liquidacao(s) = &act.case.detalhe else {
        return Err(DomainError::invalid("caso", "o caso não é uma liquidação extrajudicial"));
    };
    let name = command.act();
    let one = |e: LeEvent, basis: &str, doc: Option<&str>| Ok(vec![act.case_event(ev(e), basis, doc)]);
    match command {
        C::RegistrarTransferenciaBeneficiarios { forma } => {
            let mut out = vec![act.case_event(
                ev(LeEvent::BeneficiariosTransferidos { forma }),
                "RN 316/2012; RN 438/2018",
                None,
            )];
            out.push(act.operator_event(
                OperatorEvent::CarteiraTransferida {
                    caso: act.case_id,
                    beneficiarios: act.op.beneficiaries_on(act.ctx.today),
                },
                "RN 316/2012",
                None,
            ));
            Ok(out)
        }
        C::ApresentarBalancoECredores { credores } if !s.balanco_apresentado => {
            let no_prazo = act.case.prazos.get(&DeadlineKey::Balanco).is_none_or(|d| d.is_timely(act.ctx.today));
            one(
                LeEvent::BalancoApresentado { credores, no_prazo },
                "RN 316/2012 (balanço e quadro geral de credores)",
                None,
            )
        }
        C::AvancarInquerito { fase } if fase > s.inquerito && fase < InquiryPhase::Concluido => {
            let next = next_inquiry_phase(s.inquerito);
            if fase != next {
                return Err(DomainError::rule(
                    "inquerito.fase_fora_de_ordem",
                    "RN 276/2011",
                    format!("a próxima fase do inquérito é \"{}\"", super::code_label(&next)),
                ));
            }
            one(LeEvent::InqueritoAvancou { fase }, "RN 276/2011", None)
        }
        C::ConcluirInquerito { houve_prejuizo, documento } if s.inquerito == InquiryPhase::RelatorioFinal => {
            let mut out = vec![act.case_event(
                ev(LeEvent::InqueritoConcluido { houve_prejuizo }),
                "RN 276/2011",
                Some(&documento),
            )];
            for freeze_id in &act.op.indisponibilidades_ativas {
                out.extend(indisponibilidade::outcome(act, *freeze_id, houve_prejuizo, &documento));
            }
            Ok(out)
        }
        C::AutorizarRequerimentoFalencia { fundamento, documento } if s.falencia_autorizada.is_none() => {
            one(LeEvent::FalenciaAutorizada { fundamento }, "Lei 9.656/1998 art. 23 §§1 e 3", Some(&documento))
        }
        C::EncerrarLiquidacao { motivo, documento } => {
            if motivo == LeClosure::FalenciaOuInsolvenciaDecretada && s.falencia_autorizada.is_none() {
                return Err(DomainError::rule(
                    "liquidacao.falencia_nao_autorizada",
                    "Lei 9.656/1998 art. 23 §§1 e 3",
                    "só o liquidante autorizado pela ANS pode requerer falência ou insolvência",
                ));
            }
            if motivo == LeClosure::ContasFinaisAprovadas && !s.balanco_apresentado {
                return Err(DomainError::rule(
                    "liquidacao.contas_sem_balanco",
                    "RN 316/2012 art. 25 II",
                    "não há balanço e quadro de credores apresentados",
                ));
            }
            Ok(vec![
                act.case_event(ev(LeEvent::Encerrada { motivo }), "RN 316/2012 art. 25", Some(&documento)),
                act.operator_event(
                    OperatorEvent::LiquidacaoEncerrada { caso: act.case_id },
                    "RN 316/2012 art. 25",
                    Some(&documento),
                ),
            ])
        }
        _ => Err(wrong_phase("liquidacao", s.phase, name)),
    }
}

fn next_inquiry_phase(current: InquiryPhase) -> InquiryPhase {
    use InquiryPhase as I;
    match current {
        I::Instaurado => I::Instrucao,
        I::Instrucao => I::ExAdministradoresNotificados,
        I::ExAdministradoresNotificados => I::RelatorioPreliminar,
        I::RelatorioPreliminar => I::Alegacoes,
        I::Alegacoes => I::DiligenciasFinais,
        I::DiligenciasFinais | I::RelatorioFinal => I::RelatorioFinal,
        I::Concluido => I::Concluido,
    }
}

fn decree(
    act: &Act<'_>,
    liquidante: NonEmptyText,
    fundamento: LeGround,
    doc: &str,
) -> Result<Vec<Emitted>, DomainError> {
    if act.op.caso_liquidacao.is_some() {
        return Err(DomainError::rule(
            "liquidacao.ja_decretada",
            NORM,
            "a operadora já está em liquidação extrajudicial",
        ));
    }
    let prazo_balanco = act.optional_deadline(DeadlineSetting::LeBalanco, act.ctx.today)?;
    let prazo_inquerito = act.optional_deadline(DeadlineSetting::LeInquerito, act.ctx.today)?;
    let abertura = act.abertura(None);
    let mut out = vec![
        act.case_event(
            ev(LeEvent::Decretada {
                abertura,
                liquidante: String::from(liquidante),
                fundamento,
                prazo_balanco,
                prazo_inquerito,
            }),
            NORM,
            Some(doc),
        ),
        act.operator_event(OperatorEvent::LiquidacaoDecretada { caso: act.case_id }, NORM, Some(doc)),
    ];
    if !act.op.is_cancelled() {
        let motivo = MotivoCancelamento::LiquidacaoExtrajudicial;
        out.push(act.operator_event(
            OperatorEvent::RegistroCancelado { caso: act.case_id, motivo, em: act.ctx.today },
            "RN 316/2012 art. 20",
            Some(doc),
        ));
    }
    for (kind, regime) in &act.op.regimes {
        out.extend(regime::closing_events(regime.caso, act, *kind, RegimeClosure::LiquidacaoDecretada, doc));
    }
    if act.op.indisponibilidades_ativas.is_empty() {
        out.extend(indisponibilidade::impose(act, doc)?);
    }
    Ok(out)
}
