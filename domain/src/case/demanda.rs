//! Demandas do Disque ANS (docs/DOMAIN.md §2.8, seed flow 2001–2003): a *consulta* answered, or a
//! *denúncia* judged in two internal evaluation instances, sent when potentially irregular to a
//! Núcleo Regional de Fiscalização, whose investigation (*apuração*) concludes it. The
//! complainant's personal data travels only sealed (docs/ARCHITECTURE.md §4b); aggregates never need it.

use serde::{Deserialize, Serialize};

use super::{wrong_phase, Abertura, Act, CaseCommand, CaseDetail, CaseEvent, CaseState};
use crate::acts::Family;
use crate::{DomainError, Emitted, SealedPersonalData};

const NORM: &str = "Lei 9.961/2000 art. 4 XXXVI; Disque ANS (2001)";
/// The authority that decided may reconsider its decision.
const NORM_RECONSIDERATION: &str = "Lei 9.784/1999 art. 56 §1";

/// A call that asks (consulta) or reports (denúncia).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandKind {
    Consulta,
    Denuncia,
}

/// The 16 themes of the Disque ANS table (15 named + "Outros").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemaDemanda {
    AumentoDeMensalidade,
    OperadorasEPlanosDeSaude,
    CoberturaAssistencial,
    ContratoRegulamento,
    SobreAAns,
    DoencaOuLesaoPreexistente,
    RedePrestadora,
    Carencia,
    AposentadosDemitidosEExonerados,
    UrgenciaEEmergencia,
    Reembolso,
    MecanismosDeRegulacao,
    Internacao,
    CoberturaGeografica,
    Sus,
    Outros,
}

impl TemaDemanda {
    /// Every theme, in the report's order.
    pub const ALL: [TemaDemanda; 16] = [
        TemaDemanda::AumentoDeMensalidade,
        TemaDemanda::OperadorasEPlanosDeSaude,
        TemaDemanda::CoberturaAssistencial,
        TemaDemanda::ContratoRegulamento,
        TemaDemanda::SobreAAns,
        TemaDemanda::DoencaOuLesaoPreexistente,
        TemaDemanda::RedePrestadora,
        TemaDemanda::Carencia,
        TemaDemanda::AposentadosDemitidosEExonerados,
        TemaDemanda::UrgenciaEEmergencia,
        TemaDemanda::Reembolso,
        TemaDemanda::MecanismosDeRegulacao,
        TemaDemanda::Internacao,
        TemaDemanda::CoberturaGeografica,
        TemaDemanda::Sus,
        TemaDemanda::Outros,
    ];

    /// The report's label.
    pub fn label(self) -> &'static str {
        match self {
            TemaDemanda::AumentoDeMensalidade => "Aumento de mensalidade",
            TemaDemanda::OperadorasEPlanosDeSaude => "Operadoras e planos de saúde",
            TemaDemanda::CoberturaAssistencial => "Cobertura assistencial",
            TemaDemanda::ContratoRegulamento => "Contrato / regulamento",
            TemaDemanda::SobreAAns => "Sobre a ANS",
            TemaDemanda::DoencaOuLesaoPreexistente => "Doença ou lesão preexistente",
            TemaDemanda::RedePrestadora => "Rede prestadora",
            TemaDemanda::Carencia => "Carência",
            TemaDemanda::AposentadosDemitidosEExonerados => "Aposentados, demitidos e exonerados",
            TemaDemanda::UrgenciaEEmergencia => "Urgência e emergência",
            TemaDemanda::Reembolso => "Reembolso",
            TemaDemanda::MecanismosDeRegulacao => "Mecanismos de regulação",
            TemaDemanda::Internacao => "Internação",
            TemaDemanda::CoberturaGeografica => "Cobertura geográfica",
            TemaDemanda::Sus => "SUS - Sistema Único de Saúde",
            TemaDemanda::Outros => "Outros",
        }
    }
}

/// Phases of a demanda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DemandPhase {
    Registrada,
    /// A denúncia judged potentially irregular by the first instance.
    PrimeiraInstanciaIrregular,
    /// Judged potentially irregular by both instances.
    PotencialmenteIrregular,
    EncaminhadaAoNucleo,
    /// Terminal: consulta answered.
    Respondida,
    /// Terminal: no irregularity found by an instance.
    Arquivada,
    /// Terminal: the Núcleo's investigation concluded.
    ApuracaoConcluida,
}

impl DemandPhase {
    pub fn is_terminal(self) -> bool {
        matches!(self, DemandPhase::Respondida | DemandPhase::Arquivada | DemandPhase::ApuracaoConcluida)
    }
}

/// Demanda state (no personal data: only whether a sealed record exists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandaState {
    pub phase: DemandPhase,
    pub tipo: DemandKind,
    pub tema: TemaDemanda,
    pub nucleo: Option<String>,
    pub procedente: Option<bool>,
    /// The instance (1 or 2) of the last evaluation of a denúncia.
    #[serde(default)]
    pub ultima_instancia: Option<u8>,
}

/// Events of a demanda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum DemandEvent {
    #[serde(rename = "demanda.registrada")]
    Registrada {
        abertura: Abertura,
        tipo: DemandKind,
        tema: TemaDemanda,
        canal: String,
        reclamante: Option<SealedPersonalData>,
    },
    #[serde(rename = "demanda.consulta_respondida")]
    ConsultaRespondida { resposta: String },
    #[serde(rename = "demanda.denuncia_avaliada")]
    DenunciaAvaliada { instancia: u8, potencialmente_irregular: bool, fundamentacao: String },
    /// The last evaluation reconsidered: the denúncia is before the instance that made it again.
    #[serde(rename = "demanda.avaliacao_reconsiderada")]
    AvaliacaoReconsiderada { instancia: u8, fundamentacao: String, documento: String },
    #[serde(rename = "demanda.encaminhada_ao_nucleo")]
    EncaminhadaAoNucleo { nucleo: String },
    #[serde(rename = "demanda.apuracao_concluida")]
    ApuracaoConcluida { procedente: bool, relatorio: String },
}

fn set_phase(case: &mut CaseState, phase: DemandPhase) {
    if let CaseDetail::Demanda(s) = &mut case.detalhe {
        s.phase = phase;
    }
}

pub(super) fn evolve(case: &mut CaseState, event: &DemandEvent) {
    match event {
        DemandEvent::Registrada { abertura, tipo, tema, .. } => {
            let state = DemandaState {
                phase: DemandPhase::Registrada,
                tipo: *tipo,
                tema: *tema,
                nucleo: None,
                procedente: None,
                ultima_instancia: None,
            };
            case.open(Family::DemandaDisqueAns, abertura, CaseDetail::Demanda(state));
        }
        DemandEvent::ConsultaRespondida { .. } => set_phase(case, DemandPhase::Respondida),
        DemandEvent::DenunciaAvaliada { instancia, potencialmente_irregular, .. } => {
            if let CaseDetail::Demanda(s) = &mut case.detalhe {
                s.ultima_instancia = Some(*instancia);
            }
            set_phase(
                case,
                match (instancia, potencialmente_irregular) {
                    (_, false) => DemandPhase::Arquivada,
                    (1, true) => DemandPhase::PrimeiraInstanciaIrregular,
                    _ => DemandPhase::PotencialmenteIrregular,
                },
            );
        }
        DemandEvent::AvaliacaoReconsiderada { instancia, .. } => set_phase(
            case,
            if *instancia == 1 { DemandPhase::Registrada } else { DemandPhase::PrimeiraInstanciaIrregular },
        ),
        DemandEvent::EncaminhadaAoNucleo { nucleo } => {
            if let CaseDetail::Demanda(s) = &mut case.detalhe {
                s.nucleo = Some(nucleo.clone());
            }
            set_phase(case, DemandPhase::EncaminhadaAoNucleo);
        }
        DemandEvent::ApuracaoConcluida { procedente, .. } => {
            if let CaseDetail::Demanda(s) = &mut case.detalhe {
                s.procedente = Some(*procedente);
            }
            set_phase(case, DemandPhase::ApuracaoConcluida);
        }
    }
}

fn ev(e: DemandEvent) -> CaseEvent {
    CaseEvent::Demanda(e)
}

pub(super) fn decide(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    use CaseCommand as C;
    if let C::RegistrarDemandaDisqueAns { tipo, tema, canal, reclamante, .. } = command {
        let canal = String::from(canal);
        let registered = DemandEvent::Registrada { abertura: act.abertura(None), tipo, tema, canal, reclamante };
        return Ok(vec![act.case_event(ev(registered), NORM, None)]);
    }
    let CaseDetail::Demanda(s) = &act.case.detalhe else {
        return Err(DomainError::invalid("caso", "o caso não é uma demanda do Disque ANS"));
    };
    let name = command.act();
    let one = |event| Ok(vec![act.case_event(ev(event), NORM, None)]);
    match (s.tipo, s.phase, command) {
        (DemandKind::Consulta, DemandPhase::Registrada, C::ResponderConsulta { resposta }) => {
            one(DemandEvent::ConsultaRespondida { resposta: String::from(resposta) })
        }
        (
            DemandKind::Denuncia,
            phase @ (DemandPhase::Registrada | DemandPhase::PrimeiraInstanciaIrregular),
            C::AvaliarDenuncia { potencialmente_irregular, fundamentacao },
        ) => {
            let instancia = if phase == DemandPhase::Registrada { 1 } else { 2 };
            let fundamentacao = String::from(fundamentacao);
            one(DemandEvent::DenunciaAvaliada { instancia, potencialmente_irregular, fundamentacao })
        }
        (DemandKind::Denuncia, phase, C::ReconsiderarAvaliacaoDenuncia { fundamentacao, documento }) => {
            // The instance whose evaluation is reconsidered: the first archived or found it
            // irregular; the second archived it or found it potentially irregular.
            let instancia = match (phase, s.ultima_instancia) {
                (DemandPhase::PrimeiraInstanciaIrregular, _) | (DemandPhase::Arquivada, Some(1)) => 1,
                (DemandPhase::PotencialmenteIrregular, _) | (DemandPhase::Arquivada, Some(_)) => 2,
                _ => {
                    let phase: &'static str = phase.into();
                    return Err(DomainError::rule(
                        "demanda.reconsideracao_sem_avaliacao",
                        NORM_RECONSIDERATION,
                        format!(
                            "só se reconsidera uma avaliação que ainda produz efeito, antes do encaminhamento ao Núcleo; a denúncia está na fase {}",
                            phase.replace('_', " ")
                        ),
                    ));
                }
            };
            let documento = String::from(documento);
            let fundamentacao = String::from(fundamentacao);
            let reconsidered =
                DemandEvent::AvaliacaoReconsiderada { instancia, fundamentacao, documento: documento.clone() };
            Ok(vec![act.case_event(ev(reconsidered), NORM_RECONSIDERATION, Some(&documento))])
        }
        (DemandKind::Denuncia, DemandPhase::PotencialmenteIrregular, C::EncaminharAoNucleo { nucleo }) => {
            one(DemandEvent::EncaminhadaAoNucleo { nucleo: String::from(nucleo) })
        }
        (DemandKind::Denuncia, DemandPhase::EncaminhadaAoNucleo, C::ConcluirApuracao { procedente, relatorio }) => {
            one(DemandEvent::ApuracaoConcluida { procedente, relatorio: String::from(relatorio) })
        }
        (_, phase, _) => Err(wrong_phase("demanda", phase, name)),
    }
}
