//! NIP — Notificação de Intermediação Preliminar (docs/DOMAIN.md §2.8, the flow of RN 343/2013 →
//! RN 388/2015 → RN 483/2022 as amended by RN 579/2023): a complaint registered with the
//! operator's protocol number, the operator notified with the resolution deadline (5 business
//! days when assistencial, 10 otherwise, from the first business day after notification) and the
//! answer deadline, the answer, and the classification. Only *não resolvida* sends the NIP to a
//! sanctioning process; the PAS itself is a separate case whose `origem` is this one. A NIP
//! finalised as RVE may be reviewed at any time (RN 343 art. 17) and then becomes não resolvida.
//!
//! A NIP demand from ANS's open data is recorded whole by one act, with its classification and
//! outcome as published, keyed by ANS's demand number; that file holds no personal data and
//! the act asks for none.
//!
//! The beneficiary travels only sealed (docs/ARCHITECTURE.md §4b): the events hold the sealed record,
//! the state none of it. The operator's answer is kept as a document reference, never its text,
//! because it routinely carries health data.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{wrong_phase, Abertura, Act, CaseCommand, CaseDetail, CaseEvent, CaseState, DeadlineKey, TemaDemanda};
use crate::acts::Family;
use crate::operator::competencia_of;
use crate::rules::ComplaintProcedure;
use crate::{Deadline, DeadlineSetting, DomainError, Emitted, SealedPersonalData, Uf};

const NORM: &str = "RN 343/2013; RN 388/2015; RN 483/2022 (NIP)";
const NORM_RVE: &str = "RN 48/2003 art. 11 §§1, 4 e 5 (redação da RN 343/2013)";
const NORM_REVIEW: &str = "RN 343/2013 art. 17";
/// ANS's open data of NIP consumer demands (Lei 12.527/2011, transparência ativa) over the NIP norms.
const NORM_PUBLISHED: &str = "RN 483/2022 (NIP); dados abertos da ANS, demandas de consumidores (Lei 12.527/2011)";

/// Coverage NIP (access to care restricted) or any other subject (RN 343 art. 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NipKind {
    Assistencial,
    NaoAssistencial,
}

/// The classifications of RN 388/2015.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NipClassification {
    SemIndicioDeInfracao,
    /// Reparação voluntária e eficaz.
    Rve,
    /// Sent to a sanctioning process.
    NaoResolvida,
    NaoBeneficiario,
    Duplicada,
    DadosInsuficientes,
    AgenteNaoResponsavel,
}

/// Phases of a NIP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum NipPhase {
    ReclamacaoRegistrada,
    /// Notified through the Espaço da Operadora; silence runs against it.
    OperadoraNotificada,
    /// The operator answered; awaiting classification.
    Classificacao,
    /// Terminal, except that an RVE may be reviewed (see [`NipState::admits_review`]).
    Finalizada,
    /// Terminal: classified não resolvida, the ground of a PAS.
    EncaminhadaParaPas,
}

impl NipPhase {
    /// Whether the NIP reached an end (an RVE still admits its review).
    pub fn is_terminal(self) -> bool {
        matches!(self, NipPhase::Finalizada | NipPhase::EncaminhadaParaPas)
    }
}

/// NIP state (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NipState {
    pub phase: NipPhase,
    pub tema: TemaDemanda,
    pub protocolo_operadora: String,
    pub tipo: Option<NipKind>,
    pub respondida: bool,
    /// Whether the answer proves a redress made within the resolution deadline (an RVE requisite).
    pub reparacao_no_prazo: bool,
    pub classificacao: Option<NipClassification>,
}

impl NipState {
    /// A NIP finalised as RVE stays open to review at any time (RN 343 art. 17).
    pub fn admits_review(&self) -> bool {
        self.phase == NipPhase::Finalizada && self.classificacao == Some(NipClassification::Rve)
    }
}

/// Events of a NIP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum NipEvent {
    #[serde(rename = "nip.reclamacao_registrada")]
    ReclamacaoRegistrada {
        abertura: Abertura,
        canal: String,
        protocolo_operadora: String,
        tema: TemaDemanda,
        /// Sealed by the store's personal-data vault.
        beneficiario: SealedPersonalData,
    },
    #[serde(rename = "nip.operadora_notificada")]
    OperadoraNotificada { tipo: NipKind, prazo_resolucao: Deadline, prazo_resposta: Deadline },
    #[serde(rename = "nip.resposta_registrada")]
    RespostaRegistrada {
        no_prazo: bool,
        /// Date of the redress the answer proves, if any.
        reparacao_em: Option<NaiveDate>,
        reparacao_no_prazo: bool,
    },
    #[serde(rename = "nip.classificada")]
    Classificada {
        classificacao: NipClassification,
        fundamentacao: String,
        /// Classified on the operator's silence after the resolution deadline.
        sem_resposta: bool,
        encaminhada_para_pas: bool,
        /// RN 579/2023 holds for the case's rule version: não resolvida is the only way to a PAS.
        pas_somente_se_nao_resolvida: bool,
    },
    /// A demand from ANS's open data, recorded whole (no personal data).
    #[serde(rename = "nip.demanda_publicada_registrada")]
    DemandaPublicadaRegistrada {
        abertura: Abertura,
        tema: TemaDemanda,
        tipo: NipKind,
        classificacao: Option<NipClassification>,
        /// Classified (as one of the list or as published): the NIP reached its end.
        finalizada: bool,
        encaminhada_para_pas: bool,
        /// The demand as published; boxed, since most events are far smaller.
        demanda: Box<PublishedDemand>,
    },
    #[serde(rename = "nip.rve_revisada")]
    RveRevisada { fundamentacao: String, pas_somente_se_nao_resolvida: bool },
}

/// The published columns of a NIP demand, kept as ANS wrote them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedDemand {
    pub numero_demanda: String,
    pub canal: String,
    /// The `>>` path of themes.
    pub assunto: String,
    pub classificacao_publicada: Option<String>,
    pub situacao_demanda: Option<String>,
    pub situacao_nip: Option<String>,
    pub tipo_de_plano: Option<String>,
    pub uf_consumidor: Option<Uf>,
    pub data_do_auto: Option<NaiveDate>,
    pub numero_processo: Option<String>,
    /// The month ANS counts the demand in (AAAA-MM).
    #[serde(default)]
    pub competencia: Option<String>,
    #[serde(default)]
    pub modalidade_publicada: Option<String>,
}

fn set_phase(case: &mut CaseState, phase: NipPhase) {
    if let CaseDetail::Nip(s) = &mut case.detalhe {
        s.phase = phase;
    }
    if phase.is_terminal() {
        case.prazos.clear();
    }
}

pub(super) fn evolve(case: &mut CaseState, event: &NipEvent) {
    match event {
        NipEvent::ReclamacaoRegistrada { abertura, protocolo_operadora, tema, .. } => {
            let state = NipState {
                phase: NipPhase::ReclamacaoRegistrada,
                tema: *tema,
                protocolo_operadora: protocolo_operadora.clone(),
                tipo: None,
                respondida: false,
                reparacao_no_prazo: false,
                classificacao: None,
            };
            case.open(Family::Nip, abertura, CaseDetail::Nip(state));
        }
        NipEvent::DemandaPublicadaRegistrada {
            abertura,
            tema,
            tipo,
            classificacao,
            finalizada,
            encaminhada_para_pas,
            ..
        } => {
            let state = NipState {
                phase: NipPhase::Classificacao,
                tema: *tema,
                protocolo_operadora: String::new(),
                tipo: Some(*tipo),
                respondida: false,
                reparacao_no_prazo: false,
                classificacao: *classificacao,
            };
            case.open(Family::Nip, abertura, CaseDetail::Nip(state));
            if *encaminhada_para_pas {
                set_phase(case, NipPhase::EncaminhadaParaPas);
            } else if *finalizada {
                set_phase(case, NipPhase::Finalizada);
            }
        }
        NipEvent::OperadoraNotificada { tipo, prazo_resolucao, prazo_resposta } => {
            if let CaseDetail::Nip(s) = &mut case.detalhe {
                s.tipo = Some(*tipo);
            }
            case.set_deadline(DeadlineKey::ResolucaoNip, Some(prazo_resolucao));
            case.set_deadline(DeadlineKey::RespostaNip, Some(prazo_resposta));
            set_phase(case, NipPhase::OperadoraNotificada);
        }
        NipEvent::RespostaRegistrada { reparacao_no_prazo, .. } => {
            if let CaseDetail::Nip(s) = &mut case.detalhe {
                s.respondida = true;
                s.reparacao_no_prazo = *reparacao_no_prazo;
            }
            case.prazos.clear();
            set_phase(case, NipPhase::Classificacao);
        }
        NipEvent::Classificada { classificacao, encaminhada_para_pas, .. } => {
            if let CaseDetail::Nip(s) = &mut case.detalhe {
                s.classificacao = Some(*classificacao);
            }
            set_phase(case, if *encaminhada_para_pas { NipPhase::EncaminhadaParaPas } else { NipPhase::Finalizada });
        }
        NipEvent::RveRevisada { .. } => {
            if let CaseDetail::Nip(s) = &mut case.detalhe {
                s.classificacao = Some(NipClassification::NaoResolvida);
            }
            set_phase(case, NipPhase::EncaminhadaParaPas);
        }
    }
}

fn ev(e: NipEvent) -> CaseEvent {
    CaseEvent::Nip(e)
}

fn register(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    let CaseCommand::RegistrarReclamacaoNip { canal, protocolo_operadora, tema, beneficiario, .. } = command else {
        return Err(DomainError::invalid("act", "ato de abertura de NIP esperado"));
    };
    if act.rules.reclamacoes != ComplaintProcedure::Nip {
        return Err(DomainError::rule(
            "nip.procedimento_nao_vigente",
            NORM,
            format!("a NIP não existe nas regras vigentes ({}); use a demanda do Disque ANS", act.rules.versao),
        ));
    }
    if protocolo_operadora.trim().is_empty() {
        return Err(DomainError::rule(
            "nip.protocolo_operadora_ausente",
            NORM,
            "a reclamação exige o número de protocolo do atendimento prévio na operadora",
        ));
    }
    beneficiario.validate("beneficiario")?;
    let registered = NipEvent::ReclamacaoRegistrada {
        abertura: act.abertura(None),
        canal: String::from(canal),
        protocolo_operadora: protocolo_operadora.trim().to_owned(),
        tema,
        beneficiario,
    };
    Ok(vec![act.case_event(ev(registered), NORM, None)])
}

/// Records a published demand whole.
fn register_published(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    let CaseCommand::RegistrarDemandaNipPublicada {
        numero_demanda,
        canal,
        assunto,
        tema,
        natureza,
        classificacao,
        classificacao_publicada,
        situacao_demanda,
        situacao_nip,
        tipo_de_plano,
        uf_consumidor,
        data_do_auto,
        numero_processo,
        competencia,
        modalidade_publicada,
        ..
    } = command
    else {
        return Err(DomainError::invalid("act", "ato de registro de demanda publicada esperado"));
    };
    let text = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let classificacao_publicada = text(classificacao_publicada);
    let registered = NipEvent::DemandaPublicadaRegistrada {
        abertura: act.abertura(None),
        tema,
        tipo: natureza,
        finalizada: classificacao.is_some() || classificacao_publicada.is_some(),
        encaminhada_para_pas: classificacao == Some(NipClassification::NaoResolvida),
        classificacao,
        demanda: Box::new(PublishedDemand {
            numero_demanda: String::from(numero_demanda),
            canal: String::from(canal),
            assunto: String::from(assunto),
            classificacao_publicada,
            situacao_demanda: text(situacao_demanda),
            situacao_nip: text(situacao_nip),
            tipo_de_plano: text(tipo_de_plano),
            uf_consumidor,
            data_do_auto,
            numero_processo: text(numero_processo),
            competencia: match text(competencia) {
                Some(month) => Some(competencia_of(&month)?),
                None => None,
            },
            modalidade_publicada: text(modalidade_publicada),
        }),
    };
    Ok(vec![act.case_event(ev(registered), NORM_PUBLISHED, None)])
}

pub(super) fn decide(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    use CaseCommand as C;
    use NipPhase as P;
    if matches!(command, C::RegistrarReclamacaoNip { .. }) {
        return register(act, command);
    }
    if matches!(command, C::RegistrarDemandaNipPublicada { .. }) {
        return register_published(act, command);
    }
    let CaseDetail::Nip(s) = &act.case.detalhe else {
        return Err(DomainError::invalid("caso", "o caso não é uma NIP"));
    };
    let name = command.act();
    let only_unresolved = act.rules.nip_so_nao_resolvida_gera_pas;
    let one = |e: NipEvent, basis: &str, doc: Option<&str>| Ok(vec![act.case_event(ev(e), basis, doc)]);
    match (s.phase, command) {
        (P::ReclamacaoRegistrada, C::NotificarOperadoraNip { tipo }) => {
            let setting = match tipo {
                NipKind::Assistencial => DeadlineSetting::NipAssistencial,
                NipKind::NaoAssistencial => DeadlineSetting::NipNaoAssistencial,
            };
            let prazo_resolucao = act.deadline(setting, act.ctx.today)?;
            let prazo_resposta = act.deadline(DeadlineSetting::NipResposta, act.ctx.today)?;
            one(NipEvent::OperadoraNotificada { tipo, prazo_resolucao, prazo_resposta }, NORM, None)
        }
        (P::OperadoraNotificada, C::RegistrarRespostaOperadora { reparacao_em, documento }) => {
            let documento = String::from(documento);
            if reparacao_em.is_some_and(|d| d > act.ctx.today) {
                return Err(DomainError::invalid("reparacao_em", "a reparação comprovada não pode ser futura"));
            }
            let no_prazo = act.running(DeadlineKey::RespostaNip)?.is_timely(act.ctx.today);
            let resolucao = act.running(DeadlineKey::ResolucaoNip)?;
            let reparacao_no_prazo = reparacao_em.is_some_and(|d| resolucao.is_timely(d));
            one(NipEvent::RespostaRegistrada { no_prazo, reparacao_em, reparacao_no_prazo }, NORM, Some(&documento))
        }
        (P::ReclamacaoRegistrada, C::ClassificarNip { .. }) => Err(DomainError::rule(
            "nip.classificacao_prematura",
            NORM,
            "a NIP só pode ser classificada depois de notificada a operadora",
        )),
        (phase @ (P::OperadoraNotificada | P::Classificacao), C::ClassificarNip { classificacao, fundamentacao }) => {
            let sem_resposta = phase == P::OperadoraNotificada;
            if sem_resposta {
                act.require_expired(DeadlineKey::ResolucaoNip, NORM)?;
            }
            if classificacao == NipClassification::Rve && !s.reparacao_no_prazo {
                return Err(DomainError::rule(
                    "nip.rve_sem_reparacao_no_prazo",
                    NORM_RVE,
                    "só há reparação voluntária e eficaz com reparação comprovada dentro do prazo da NIP",
                ));
            }
            let classified = NipEvent::Classificada {
                classificacao,
                fundamentacao: String::from(fundamentacao),
                sem_resposta,
                encaminhada_para_pas: classificacao == NipClassification::NaoResolvida,
                pas_somente_se_nao_resolvida: only_unresolved,
            };
            one(classified, NORM, None)
        }
        (P::Finalizada, C::RevisarRve { fundamentacao, documento }) if s.admits_review() => {
            let reviewed = NipEvent::RveRevisada {
                fundamentacao: String::from(fundamentacao),
                pas_somente_se_nao_resolvida: only_unresolved,
            };
            one(reviewed, NORM_REVIEW, Some(&documento))
        }
        (phase, _) => Err(wrong_phase("nip", phase, name)),
    }
}
