//! Direção fiscal (docs/DOMAIN.md §2.2; Lei 9.656 art. 24; RN 316/2012) and direção técnica (§2.3;
//! RN 417/2016) share one core — decree, instruções diretivas, removal of administrators,
//! renewal within 365 days, measures, closure — and differ in their programmes: the DF
//! *programa de saneamento* decided by DIOPE with appeal to DICOL, the DT assistance programme
//! preceded by the DIPRO ofício. DF start also opens the asset freeze (Lei 9.656 art. 24-A).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    indisponibilidade, wrong_phase, Abertura, Act, CaseCommand, CaseDetail, CaseEvent, CaseState, DeadlineKey,
};
use crate::acts::Family;
use crate::operator::RegimeKind;
use crate::DeadlineSetting;
use crate::{Deadline, DomainError, Emitted, OperatorEvent};

const NORM_ART24: &str = "Lei 9.656/1998 art. 24";
const NORM_DF: &str = "Lei 9.656/1998 art. 24; RN 316/2012";
const NORM_DT: &str = "Lei 9.656/1998 art. 24; RN 417/2016";

/// Phases of DF and DT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RegimePhase {
    /// DT pre-step: DIPRO ofício, time to prove cessation.
    AnomaliaNotificada,
    /// DT not instaurated: cessation proved (terminal).
    CessacaoComprovada,
    Ativa,
    AguardandoPrograma,
    ProgramaEmAnalise,
    /// Programme approved: proposal to DICOL to close (DF_CLOSING).
    ProgramaAprovado,
    /// Programme rejected, not presented or breached: DICOL orders measures.
    ProgramaFrustrado,
    Encerrada,
}

impl RegimePhase {
    /// Terminal phases admit no act.
    pub fn is_terminal(self) -> bool {
        matches!(self, RegimePhase::Encerrada | RegimePhase::CessacaoComprovada)
    }
}

/// Why a DT may be instaurated (RN 417, docs/DOMAIN.md §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DtHypothesis {
    /// No answer or no proof within the ofício deadline.
    SemComprovacaoNoPrazo,
    MedidasImpertinentes,
    PrassNaoApresentadoOuDescumprido,
    ReincidenciaEmDoisAnos,
    RiscoIminente,
    FalhaReiteradaDeInformacoes,
}

/// Steps of the DT assistance programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DtProgramStage {
    Solicitado,
    Apresentado,
    Monitorado,
}

/// What DICOL orders when a regime fails (docs/DOMAIN.md §2.2 DF_PROGRAM_FAILED, §2.3 orderly exit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medida {
    AlienacaoDeCarteira,
    PortabilidadeEspecial,
    LiquidacaoExtrajudicial,
    CancelamentoDeRegistro,
    SaidaOrdenadaDoMercado,
}

/// Closure reasons (RN 316 art. 4; RN 417 art. 34).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegimeClosure {
    GravidadeSuperada,
    ProgramaAprovado,
    LiquidacaoDecretada,
    RegistroCancelado,
    /// DF closed cancelling the registration (seed: 49 "com cancelamento").
    ComCancelamentoDeRegistro,
    OperacaoIrregularCessada,
    PrazoEncerrado,
    CarteiraExtinta,
}

/// DF/DT state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimeState {
    pub kind: RegimeKind,
    pub phase: RegimePhase,
    pub diretor: Option<String>,
    pub motivos: Vec<String>,
    pub instrucoes_diretivas: u32,
    pub renovacoes: u32,
    pub recurso_interposto: bool,
    pub programa_assistencial: Option<DtProgramStage>,
    pub medidas: Vec<Medida>,
    pub afastados: Vec<Uuid>,
    pub encerramento: Option<RegimeClosure>,
}

/// Events of DF and DT cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum RegimeEvent {
    #[serde(rename = "direcao_tecnica.anomalia_notificada")]
    AnomaliaNotificada { abertura: Abertura, falhas: Vec<String>, prazo: Deadline },
    #[serde(rename = "direcao_tecnica.cessacao_comprovada")]
    CessacaoComprovada { descricao: String },
    #[serde(rename = "regime_especial.instaurado")]
    Instaurado { abertura: Abertura, regime: RegimeKind, diretor: String, motivos: Vec<String>, vigencia: Deadline },
    #[serde(rename = "regime_especial.instrucao_diretiva_emitida")]
    InstrucaoDiretivaEmitida { numero: String, assunto: String },
    #[serde(rename = "regime_especial.administrador_afastado")]
    AdministradorAfastado { administrador_id: Uuid, motivo: String },
    #[serde(rename = "regime_especial.renovado")]
    Renovado { vigencia: Deadline, justificativa: String },
    #[serde(rename = "regime_especial.medida_determinada")]
    MedidaDeterminada { medida: Medida },
    #[serde(rename = "regime_especial.encerrado")]
    Encerrado { motivo: RegimeClosure },
    #[serde(rename = "direcao_fiscal.programa_solicitado")]
    ProgramaSolicitado { prazo: Deadline },
    #[serde(rename = "direcao_fiscal.programa_apresentado")]
    ProgramaApresentado { protocolo: String },
    #[serde(rename = "direcao_fiscal.programa_nao_apresentado")]
    ProgramaNaoApresentado {},
    #[serde(rename = "direcao_fiscal.programa_decidido")]
    ProgramaDecidido { aprovado: bool, fundamentacao: String, prazo_recurso: Option<Deadline> },
    #[serde(rename = "regime_especial.programa_descumprido")]
    ProgramaDescumprido { descricao: String },
    #[serde(rename = "direcao_fiscal.recurso_interposto")]
    RecursoInterposto { efeito_suspensivo_pedido: bool },
    #[serde(rename = "direcao_fiscal.recurso_julgado")]
    RecursoJulgado { provido: bool },
    #[serde(rename = "direcao_tecnica.programa_assistencial_registrado")]
    ProgramaAssistencialRegistrado { etapa: DtProgramStage },
    #[serde(rename = "direcao_tecnica.programa_assistencial_dispensado")]
    ProgramaAssistencialDispensado { motivo: String },
}

fn fresh(kind: RegimeKind, phase: RegimePhase) -> RegimeState {
    RegimeState {
        kind,
        phase,
        diretor: None,
        motivos: Vec::new(),
        instrucoes_diretivas: 0,
        renovacoes: 0,
        recurso_interposto: false,
        programa_assistencial: None,
        medidas: Vec::new(),
        afastados: Vec::new(),
        encerramento: None,
    }
}

fn family_of(kind: RegimeKind) -> Family {
    match kind {
        RegimeKind::DirecaoFiscal => Family::DirecaoFiscal,
        RegimeKind::DirecaoTecnica => Family::DirecaoTecnica,
    }
}

pub(super) fn evolve(case: &mut CaseState, event: &RegimeEvent) {
    use RegimeEvent as E;
    match event {
        E::AnomaliaNotificada { abertura, prazo, .. } => {
            let kind = RegimeKind::DirecaoTecnica;
            case.open(family_of(kind), abertura, CaseDetail::Regime(fresh(kind, RegimePhase::AnomaliaNotificada)));
            case.set_deadline(DeadlineKey::ComprovacaoCessacao, Some(prazo));
            return;
        }
        E::Instaurado { abertura, regime, diretor, motivos, vigencia } => {
            if case.familia.is_none() {
                case.open(family_of(*regime), abertura, CaseDetail::Regime(fresh(*regime, RegimePhase::Ativa)));
            }
            case.set_deadline(DeadlineKey::ComprovacaoCessacao, None);
            case.set_deadline(DeadlineKey::Vigencia, Some(vigencia));
            if let CaseDetail::Regime(s) = &mut case.detalhe {
                s.phase = RegimePhase::Ativa;
                s.diretor = Some(diretor.clone());
                s.motivos.clone_from(motivos);
            }
            return;
        }
        E::Renovado { vigencia, .. } => case.set_deadline(DeadlineKey::Vigencia, Some(vigencia)),
        E::ProgramaSolicitado { prazo } => case.set_deadline(DeadlineKey::ProgramaSaneamento, Some(prazo)),
        E::ProgramaApresentado { .. } | E::ProgramaNaoApresentado {} => {
            case.set_deadline(DeadlineKey::ProgramaSaneamento, None)
        }
        E::ProgramaDecidido { prazo_recurso, .. } => {
            case.set_deadline(DeadlineKey::RecursoPrograma, prazo_recurso.as_ref())
        }
        E::RecursoInterposto { .. } => case.set_deadline(DeadlineKey::RecursoPrograma, None),
        E::Encerrado { .. } | E::CessacaoComprovada { .. } => case.prazos.clear(),
        _ => {}
    }
    let CaseDetail::Regime(s) = &mut case.detalhe else { return };
    match event {
        E::CessacaoComprovada { .. } => s.phase = RegimePhase::CessacaoComprovada,
        E::InstrucaoDiretivaEmitida { .. } => s.instrucoes_diretivas += 1,
        E::AdministradorAfastado { administrador_id, .. } => s.afastados.push(*administrador_id),
        E::Renovado { .. } => s.renovacoes += 1,
        E::MedidaDeterminada { medida } => s.medidas.push(*medida),
        E::Encerrado { motivo } => {
            s.phase = RegimePhase::Encerrada;
            s.encerramento = Some(*motivo);
        }
        E::ProgramaSolicitado { .. } => s.phase = RegimePhase::AguardandoPrograma,
        E::ProgramaApresentado { .. } => s.phase = RegimePhase::ProgramaEmAnalise,
        E::ProgramaNaoApresentado {} | E::ProgramaDescumprido { .. } => s.phase = RegimePhase::ProgramaFrustrado,
        E::ProgramaDecidido { aprovado, .. } => {
            s.phase = if *aprovado { RegimePhase::ProgramaAprovado } else { RegimePhase::ProgramaFrustrado }
        }
        E::RecursoInterposto { .. } => s.recurso_interposto = true,
        E::RecursoJulgado { provido } => {
            if *provido {
                s.phase = RegimePhase::ProgramaAprovado;
            }
        }
        E::ProgramaAssistencialRegistrado { etapa } => s.programa_assistencial = Some(*etapa),
        E::ProgramaAssistencialDispensado { .. } => s.programa_assistencial = None,
        E::AnomaliaNotificada { .. } | E::Instaurado { .. } => {}
    }
}

fn ev(e: RegimeEvent) -> CaseEvent {
    CaseEvent::Regime(e)
}

fn kind_of(family: Family) -> RegimeKind {
    if family == Family::DirecaoTecnica {
        RegimeKind::DirecaoTecnica
    } else {
        RegimeKind::DirecaoFiscal
    }
}

/// Refuses a new regime where the operator's standing forbids it (docs/DOMAIN.md §2.2 inv. 2, §2.4).
fn check_can_start(act: &Act<'_>, kind: RegimeKind, vigencia_dias: Option<u32>) -> Result<u32, DomainError> {
    act.op.require_not_cancelled()?;
    if act.op.caso_liquidacao.is_some() {
        return Err(DomainError::rule(
            "regime.liquidacao_em_curso",
            "RN 316/2012 art. 4 III; RN 417/2016 art. 34 III",
            "operadora em liquidação extrajudicial não pode entrar em direção fiscal ou técnica",
        ));
    }
    if let Some(active) = act.op.regimes.get(&kind) {
        return Err(DomainError::rule(
            "regime.ja_ativo",
            NORM_ART24,
            format!("já há {} ativa para a operadora (caso {})", family_of(kind).label().to_lowercase(), active.caso),
        ));
    }
    let max = act.rules.regime_duracao_maxima.days;
    let days = vigencia_dias.unwrap_or(max);
    if days == 0 || days > max {
        return Err(DomainError::rule(
            "regime.prazo_maximo",
            NORM_ART24,
            format!("o regime dura no máximo {max} dias"),
        ));
    }
    Ok(days)
}

fn start(
    act: &Act<'_>,
    kind: RegimeKind,
    abertura: Abertura,
    diretor: String,
    motivos: Vec<String>,
    days: u32,
    doc: &str,
) -> Result<Vec<Emitted>, DomainError> {
    let rule = &act.rules.regime_duracao_maxima;
    let vigencia = Deadline::open(act.ctx.today, days, rule.calendar, &rule.norm, &act.ctx.rules.holidays);
    let norm = if kind == RegimeKind::DirecaoFiscal { NORM_DF } else { NORM_DT };
    let mut out = vec![
        act.case_event(
            ev(RegimeEvent::Instaurado { abertura, regime: kind, diretor, motivos, vigencia: vigencia.clone() }),
            norm,
            Some(doc),
        ),
        act.operator_event(
            OperatorEvent::RegimeInstaurado {
                regime: kind,
                caso: act.case_id,
                desde: act.ctx.today,
                vigencia_ate: vigencia.due,
            },
            norm,
            Some(doc),
        ),
    ];
    if kind == RegimeKind::DirecaoFiscal {
        out.extend(indisponibilidade::impose(act, doc)?);
    }
    Ok(out)
}

fn state<'a>(act: &Act<'a>) -> Result<&'a RegimeState, DomainError> {
    match &act.case.detalhe {
        CaseDetail::Regime(s) => Ok(s),
        _ => Err(DomainError::invalid("caso", "o caso não é um regime especial")),
    }
}

pub(super) fn decide(act: &Act<'_>, family: Family, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    use CaseCommand as C;
    use RegimePhase as P;
    let kind = kind_of(family);
    let name = command.act();
    let norm = if kind == RegimeKind::DirecaoFiscal { NORM_DF } else { NORM_DT };
    match command {
        C::InstaurarDirecaoFiscal { motivos, diretor_fiscal, documento, vigencia_dias, .. } => {
            let days = check_can_start(act, kind, vigencia_dias)?;
            let motivos = required_list("motivos", motivos)?;
            start(act, kind, act.abertura(None), String::from(diretor_fiscal), motivos, days, &documento)
        }
        C::NotificarAnomaliaAssistencial { falhas, recebido_em, documento, .. } => {
            act.op.require_not_cancelled()?;
            let falhas = required_list("falhas", falhas)?;
            let prazo = act.deadline(DeadlineSetting::DtComprovacaoCessacao, recebido_em)?;
            Ok(vec![act.case_event(
                ev(RegimeEvent::AnomaliaNotificada { abertura: act.abertura(None), falhas, prazo }),
                NORM_DT,
                Some(&documento),
            )])
        }
        command => {
            let s = state(act)?;
            let in_regime = !matches!(s.phase, P::AnomaliaNotificada | P::CessacaoComprovada);
            if in_regime && !matches!(command, C::EncerrarRegime { .. }) {
                if let Ok(vigencia) = act.running(DeadlineKey::Vigencia) {
                    if vigencia.has_expired(act.ctx.today) {
                        return Err(DomainError::rule(
                            "regime.vigencia_expirada",
                            NORM_ART24,
                            format!("a vigência do regime terminou em {}; só cabe encerrá-lo (a continuidade exige renovação antes do término)", vigencia.due),
                        ));
                    }
                }
            }
            decide_ongoing(act, kind, s, command, name, norm)
        }
    }
}

fn decide_ongoing(
    act: &Act<'_>,
    kind: RegimeKind,
    s: &RegimeState,
    command: CaseCommand,
    name: &str,
    norm: &str,
) -> Result<Vec<Emitted>, DomainError> {
    use CaseCommand as C;
    use RegimePhase as P;
    let df = kind == RegimeKind::DirecaoFiscal;
    let phase = s.phase;
    let refuse = || Err(wrong_phase(if df { "direcao_fiscal" } else { "direcao_tecnica" }, phase, name));
    let in_regime = !matches!(phase, P::AnomaliaNotificada | P::CessacaoComprovada);
    let one = |e: RegimeEvent, basis: &str, doc: Option<&str>| Ok(vec![act.case_event(ev(e), basis, doc)]);
    match command {
        C::ComprovarCessacaoAnomalias { descricao } if phase == P::AnomaliaNotificada => {
            act.require_timely(DeadlineKey::ComprovacaoCessacao, "direcao_tecnica.cessacao_fora_do_prazo", NORM_DT)?;
            one(RegimeEvent::CessacaoComprovada { descricao: String::from(descricao) }, NORM_DT, None)
        }
        C::InstaurarDirecaoTecnica { diretor_tecnico, hipotese, documento, vigencia_dias }
            if phase == P::AnomaliaNotificada =>
        {
            if hipotese == DtHypothesis::SemComprovacaoNoPrazo {
                act.require_expired(DeadlineKey::ComprovacaoCessacao, NORM_DT)?;
            }
            let days = check_can_start(act, kind, vigencia_dias)?;
            let abertura =
                act.case.abertura.clone().ok_or_else(|| DomainError::invalid("caso", "caso sem abertura"))?;
            let motivos = vec![serde_json::to_value(hipotese)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()];
            start(act, kind, abertura, String::from(diretor_tecnico), motivos, days, &documento)
        }
        C::EmitirInstrucaoDiretiva { numero, assunto } if in_regime => one(
            RegimeEvent::InstrucaoDiretivaEmitida { numero: String::from(numero), assunto: String::from(assunto) },
            "RN 316/2012 art. 6 §1",
            None,
        ),
        C::AfastarAdministrador { administrador_id, motivo, documento } if in_regime => {
            if !act.op.administradores.iter().any(|a| a.administrador_id == administrador_id && a.fim.is_none()) {
                return Err(DomainError::invalid(
                    "administrador_id",
                    "administrador não está em exercício na operadora",
                ));
            }
            let basis = "Lei 9.656/1998 art. 24 §§1–2";
            Ok(vec![
                act.case_event(
                    ev(RegimeEvent::AdministradorAfastado { administrador_id, motivo: String::from(motivo) }),
                    basis,
                    Some(&documento),
                ),
                act.operator_event(
                    OperatorEvent::AdministradorDesligado {
                        administrador_id,
                        fim: act.ctx.today,
                        afastado_pela_ans: true,
                    },
                    basis,
                    Some(&documento),
                ),
            ])
        }
        C::RenovarRegime { vigencia_dias, justificativa, documento } if in_regime => {
            let rule = &act.rules.regime_duracao_maxima;
            if vigencia_dias == 0 || vigencia_dias > rule.days {
                return Err(DomainError::rule(
                    "regime.prazo_maximo",
                    NORM_ART24,
                    format!("cada período do regime dura no máximo {} dias", rule.days),
                ));
            }
            let vigencia = act.running(DeadlineKey::Vigencia)?.extended(
                vigencia_dias,
                rule.calendar,
                &rule.norm,
                &act.ctx.rules.holidays,
            );
            let due = vigencia.due;
            Ok(vec![
                act.case_event(
                    ev(RegimeEvent::Renovado { vigencia, justificativa: String::from(justificativa) }),
                    NORM_ART24,
                    Some(&documento),
                ),
                act.operator_event(
                    OperatorEvent::RegimeRenovado { regime: kind, caso: act.case_id, vigencia_ate: due },
                    NORM_ART24,
                    Some(&documento),
                ),
            ])
        }
        C::DeterminarMedida { medida, documento } if phase == P::ProgramaFrustrado => one(
            RegimeEvent::MedidaDeterminada { medida },
            "Lei 9.656/1998 art. 24 §§4–5; RN 316/2012",
            Some(&documento),
        ),
        C::EncerrarRegime { motivo, documento } if in_regime => close(act, kind, s, motivo, &documento),
        C::SolicitarProgramaSaneamento { recebido_em } if df && phase == P::Ativa => {
            let prazo = act.deadline(DeadlineSetting::DfPrograma, recebido_em)?;
            one(RegimeEvent::ProgramaSolicitado { prazo }, "RN 316/2012 art. 8", None)
        }
        C::RegistrarProgramaApresentado { protocolo } if df && phase == P::AguardandoPrograma => {
            act.require_timely(
                DeadlineKey::ProgramaSaneamento,
                "direcao_fiscal.programa_fora_do_prazo",
                "RN 316/2012 art. 8",
            )?;
            one(RegimeEvent::ProgramaApresentado { protocolo: String::from(protocolo) }, "RN 316/2012 art. 8", None)
        }
        C::RegistrarProgramaNaoApresentado {} if df && phase == P::AguardandoPrograma => {
            act.require_expired(DeadlineKey::ProgramaSaneamento, "RN 316/2012 art. 8")?;
            one(RegimeEvent::ProgramaNaoApresentado {}, "RN 316/2012 art. 8", None)
        }
        C::DecidirProgramaSaneamento { aprovado, fundamentacao } if df && phase == P::ProgramaEmAnalise => {
            let prazo_recurso = Some(act.deadline(DeadlineSetting::DfProgramaRecurso, act.ctx.today)?);
            one(
                RegimeEvent::ProgramaDecidido { aprovado, fundamentacao: String::from(fundamentacao), prazo_recurso },
                "RN 316/2012 arts. 9–10",
                None,
            )
        }
        C::RegistrarDescumprimentoPrograma { descricao }
            if phase == P::ProgramaAprovado || (!df && phase == P::Ativa && s.programa_assistencial.is_some()) =>
        {
            one(RegimeEvent::ProgramaDescumprido { descricao: String::from(descricao) }, norm, None)
        }
        C::InterporRecursoPrograma { efeito_suspensivo_pedido }
            if df && matches!(phase, P::ProgramaFrustrado | P::ProgramaAprovado) =>
        {
            if s.recurso_interposto {
                return Err(DomainError::rule(
                    "direcao_fiscal.recurso_ja_interposto",
                    "RN 316/2012 art. 11 §2",
                    "já houve recurso contra a decisão do programa",
                ));
            }
            act.require_timely(
                DeadlineKey::RecursoPrograma,
                "direcao_fiscal.recurso_intempestivo",
                "RN 316/2012 art. 11 §2",
            )?;
            one(RegimeEvent::RecursoInterposto { efeito_suspensivo_pedido }, "RN 316/2012 art. 11 §2", None)
        }
        C::JulgarRecursoPrograma { provido, documento }
            if df && s.recurso_interposto && phase == P::ProgramaFrustrado =>
        {
            one(RegimeEvent::RecursoJulgado { provido }, "RN 316/2012 art. 11 §2", Some(&documento))
        }
        C::RegistrarProgramaAssistencial { etapa } if !df && phase == P::Ativa => {
            one(RegimeEvent::ProgramaAssistencialRegistrado { etapa }, "RN 417/2016 art. 27", None)
        }
        C::DispensarProgramaAssistencial { motivo } if !df && phase == P::Ativa => {
            one(RegimeEvent::ProgramaAssistencialDispensado { motivo: String::from(motivo) }, "RN 417/2016", None)
        }
        _ => refuse(),
    }
}

fn close(
    act: &Act<'_>,
    kind: RegimeKind,
    s: &RegimeState,
    motivo: RegimeClosure,
    doc: &str,
) -> Result<Vec<Emitted>, DomainError> {
    use RegimeClosure as R;
    let df = kind == RegimeKind::DirecaoFiscal;
    let norm = if df { "RN 316/2012 art. 4" } else { "RN 417/2016 art. 34" };
    let refuse = |why: &str| Err(DomainError::rule("regime.motivo_de_encerramento_invalido", norm, why.to_owned()));
    match motivo {
        R::ProgramaAprovado if !(df && s.phase == RegimePhase::ProgramaAprovado) => {
            return refuse("não há programa de saneamento aprovado")
        }
        R::LiquidacaoDecretada if act.op.caso_liquidacao.is_none() => {
            return refuse("não há liquidação extrajudicial decretada")
        }
        R::RegistroCancelado if !act.op.is_cancelled() => return refuse("o registro da operadora não foi cancelado"),
        R::ComCancelamentoDeRegistro if !df => {
            return refuse("encerramento com cancelamento de registro é próprio da direção fiscal")
        }
        R::PrazoEncerrado | R::CarteiraExtinta if df => return refuse("motivo próprio da direção técnica"),
        _ => {}
    }
    let mut out = closing_events(act.case_id, act, kind, motivo, doc);
    if motivo == R::ComCancelamentoDeRegistro {
        act.op.require_not_cancelled()?;
        act.op.require_members_provided_for(act.ctx.today)?;
        let motivo = crate::operator::MotivoCancelamento::EncerramentoDeDfComCancelamento;
        out.push(act.operator_event(
            OperatorEvent::RegistroCancelado { caso: act.case_id, motivo, em: act.ctx.today },
            norm,
            Some(doc),
        ));
    }
    Ok(out)
}

/// The events that close a regime case, for its own closure or for the LE decree that ends it.
pub(super) fn closing_events(
    case_id: Uuid,
    act: &Act<'_>,
    kind: RegimeKind,
    motivo: RegimeClosure,
    doc: &str,
) -> Vec<Emitted> {
    let norm = if kind == RegimeKind::DirecaoFiscal { "RN 316/2012 art. 4" } else { "RN 417/2016 art. 34" };
    vec![
        Emitted::case(case_id, ev(RegimeEvent::Encerrado { motivo }), act.ctx, norm, Some(doc)),
        act.operator_event(
            OperatorEvent::RegimeEncerrado { regime: kind, caso: case_id, em: act.ctx.today },
            norm,
            Some(doc),
        ),
    ]
}

pub(super) fn required_list(field: &str, items: Vec<String>) -> Result<Vec<String>, DomainError> {
    let items: Vec<String> = items.into_iter().map(|i| i.trim().to_owned()).filter(|i| !i.is_empty()).collect();
    if items.is_empty() {
        return Err(DomainError::invalid(field, "informe ao menos um item"));
    }
    Ok(items)
}
