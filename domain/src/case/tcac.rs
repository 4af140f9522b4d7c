//! TCAC — Termo de Compromisso de Ajuste de Conduta (docs/DOMAIN.md §2.6; Lei 9.656/1998 art. 29
//! §§1–9; RDC 57/2001; RN 372/2015): the request or offer with its eligibility rules, screening,
//! draft, signatures, DICOL authorisation, the upfront payment (RN 372), the term in force, and
//! the DICOL decision on compliance. A term in force is recorded on the operator's stream with the
//! sanctioning processes it suspends, and removed when DICOL decides on compliance; a breach
//! bars a new TCAC for the configured number of years there too, so both hold across cases and
//! under concurrency.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{wrong_phase, Abertura, Act, CaseCommand, CaseDetail, CaseEvent, CaseState, DeadlineKey};
use crate::acts::Family;
use crate::rules::{TcacBarStart, TcacProcedure};
use crate::DeadlineSetting;
use crate::{Deadline, DomainError, Emitted, OperatorEvent};

const NORM: &str = "Lei 9.656/1998 art. 29; RN 372/2015";
const NORM_BAR: &str = "Lei 9.656/1998 art. 29 §7; RDC 57/2001; RN 372/2015 art. 5";

/// Phases of a TCAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TcacPhase {
    Requerido,
    Indeferido,
    AjusteAberto,
    AssinaturaPendente,
    AutorizacaoDicol,
    /// Signed by the DIFIS director; the upfront payment is due (RN 372).
    AssinadoPelaDifis,
    EmVigor,
    Nulo,
    Cumprido,
    Descumprido,
}

impl TcacPhase {
    /// Whether the TCAC reached an end.
    pub fn is_terminal(self) -> bool {
        matches!(self, TcacPhase::Indeferido | TcacPhase::Nulo | TcacPhase::Cumprido | TcacPhase::Descumprido)
    }
}

/// TCAC state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TcacState {
    pub phase: TcacPhase,
    /// The sanctioning processes the term covers (their numbers), suspended while it is in force.
    pub processos: Vec<String>,
    pub conduta: String,
    pub numero: Option<String>,
}

/// Events of a TCAC case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum TcacEvent {
    #[serde(rename = "tcac.requerido")]
    Requerido { abertura: Abertura, processos: Vec<String>, conduta: String, oferecido_pela_ans: bool },
    #[serde(rename = "tcac.triado")]
    Triado { admitido: bool, fundamentacao: String },
    #[serde(rename = "tcac.minuta_aprovada")]
    MinutaAprovada { prazo_assinatura: Option<Deadline> },
    #[serde(rename = "tcac.assinado_pela_compromissaria")]
    AssinadoPelaCompromissaria {},
    #[serde(rename = "tcac.autorizado")]
    Autorizado { numero: String, prazo_pagamento: Option<Deadline> },
    #[serde(rename = "tcac.pagamento_antecipado_comprovado")]
    PagamentoAntecipadoComprovado {},
    #[serde(rename = "tcac.anulado")]
    Anulado {},
    #[serde(rename = "tcac.cumprimento_decidido")]
    CumprimentoDecidido { cumprido: bool },
}

fn set_phase(case: &mut CaseState, phase: TcacPhase) {
    if let CaseDetail::Tcac(s) = &mut case.detalhe {
        s.phase = phase;
    }
    if phase.is_terminal() {
        case.prazos.clear();
    }
}

pub(super) fn evolve(case: &mut CaseState, event: &TcacEvent) {
    match event {
        TcacEvent::Requerido { abertura, processos, conduta, .. } => {
            let state = TcacState {
                phase: TcacPhase::Requerido,
                processos: processos.clone(),
                conduta: conduta.clone(),
                numero: None,
            };
            case.open(Family::Tcac, abertura, CaseDetail::Tcac(state));
        }
        TcacEvent::Triado { admitido, .. } => {
            set_phase(case, if *admitido { TcacPhase::AjusteAberto } else { TcacPhase::Indeferido })
        }
        TcacEvent::MinutaAprovada { prazo_assinatura } => {
            case.set_deadline(DeadlineKey::AssinaturaTcac, prazo_assinatura.as_ref());
            set_phase(case, TcacPhase::AssinaturaPendente);
        }
        TcacEvent::AssinadoPelaCompromissaria {} => {
            case.set_deadline(DeadlineKey::AssinaturaTcac, None);
            set_phase(case, TcacPhase::AutorizacaoDicol);
        }
        TcacEvent::Autorizado { numero, prazo_pagamento } => {
            if let CaseDetail::Tcac(s) = &mut case.detalhe {
                s.numero = Some(numero.clone());
            }
            case.set_deadline(DeadlineKey::PagamentoAntecipado, prazo_pagamento.as_ref());
            set_phase(case, if prazo_pagamento.is_some() { TcacPhase::AssinadoPelaDifis } else { TcacPhase::EmVigor });
        }
        TcacEvent::PagamentoAntecipadoComprovado {} => {
            case.set_deadline(DeadlineKey::PagamentoAntecipado, None);
            set_phase(case, TcacPhase::EmVigor);
        }
        TcacEvent::Anulado {} => set_phase(case, TcacPhase::Nulo),
        TcacEvent::CumprimentoDecidido { cumprido } => {
            set_phase(case, if *cumprido { TcacPhase::Cumprido } else { TcacPhase::Descumprido });
        }
    }
}

fn ev(e: TcacEvent) -> CaseEvent {
    CaseEvent::Tcac(e)
}

/// The date `years` after `from` (29 February rolls to 28).
fn years_after(from: NaiveDate, years: u32) -> NaiveDate {
    let year = from.year() + i32::try_from(years).unwrap_or(i32::MAX - from.year());
    from.with_year(year).or_else(|| NaiveDate::from_ymd_opt(year, from.month(), 28)).unwrap_or(from)
}

/// The opening act: who may still sign a TCAC (RN 372/2015 arts. 2 and 5).
fn request(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    let CaseCommand::RequererTcac {
        processos,
        conduta,
        oferecido_pela_ans,
        conduta_em_nip,
        negativa_de_urgencia,
        documento,
        ..
    } = command
    else {
        return Err(DomainError::invalid("act", "ato de abertura de TCAC esperado"));
    };
    let op = act.op;
    op.require_not_cancelled()?;
    if let Some(until) = op.tcac_vedado_ate.filter(|until| act.ctx.today < *until) {
        return Err(DomainError::rule(
            "tcac.vedado_apos_descumprimento",
            NORM_BAR,
            format!("a operadora descumpriu um TCAC e não pode firmar outro até {}", until.format("%d/%m/%Y")),
        ));
    }
    if op.caso_liquidacao.is_some() || op.caso_alienacao_compulsoria.is_some() || op.portabilidade_especial.is_some() {
        return Err(DomainError::rule(
            "tcac.operadora_inelegivel",
            "RN 372/2015 art. 5",
            "não cabe TCAC com a operadora em liquidação, alienação compulsória ou portabilidade especial decretada",
        ));
    }
    if conduta_em_nip {
        return Err(DomainError::rule(
            "tcac.conduta_em_nip",
            "RN 372/2015 art. 5",
            "não cabe TCAC para conduta ainda em Notificação de Intermediação Preliminar",
        ));
    }
    if negativa_de_urgencia {
        return Err(DomainError::rule(
            "tcac.negativa_de_urgencia",
            "RN 372/2015 art. 5",
            "não cabe TCAC para negativa de cobertura de urgência ou emergência",
        ));
    }
    if processos.iter().all(|p| p.trim().is_empty()) {
        return Err(DomainError::invalid("processos", "informe ao menos um processo sancionador abrangido pelo termo"));
    }
    let conduta = String::from(conduta);
    let requested = TcacEvent::Requerido { abertura: act.abertura(None), processos, conduta, oferecido_pela_ans };
    Ok(vec![act.case_event(ev(requested), NORM, Some(&documento))])
}

/// The operator-stream record of a term in force: the processes it suspends (Lei 9.656 art. 29 §1).
fn in_force(act: &Act<'_>, s: &TcacState, doc: Option<&str>) -> Emitted {
    let event = OperatorEvent::TcacEmVigor { caso: act.case_id, processos: s.processos.clone() };
    act.operator_event(event, "Lei 9.656/1998 art. 29 §1", doc)
}

pub(super) fn decide(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    use CaseCommand as C;
    if matches!(command, C::RequererTcac { .. }) {
        return request(act, command);
    }
    let CaseDetail::Tcac(s) = &act.case.detalhe else {
        return Err(DomainError::invalid("caso", "o caso não é um TCAC"));
    };
    let rn372 = act.rules.tcac_procedimento == TcacProcedure::Rn372;
    let name = command.act();
    let one = |event: TcacEvent, doc: Option<&str>| Ok(vec![act.case_event(ev(event), NORM, doc)]);
    match (s.phase, command) {
        (TcacPhase::Requerido, C::TriarTcac { admitido, fundamentacao }) => {
            one(TcacEvent::Triado { admitido, fundamentacao: String::from(fundamentacao) }, None)
        }
        (TcacPhase::AjusteAberto, C::AprovarMinutaTcac { documento }) => {
            let prazo = if rn372 { Some(act.deadline(DeadlineSetting::TcacEtapa, act.ctx.today)?) } else { None };
            one(TcacEvent::MinutaAprovada { prazo_assinatura: prazo }, Some(&documento))
        }
        (TcacPhase::AssinaturaPendente, C::RegistrarAssinaturaCompromissaria {}) => {
            if let Some(due) = act.case.prazos.get(&DeadlineKey::AssinaturaTcac).filter(|d| !d.is_timely(act.ctx.today))
            {
                return Err(DomainError::rule(
                    "tcac.assinatura_fora_do_prazo",
                    &due.norm,
                    format!("o prazo de assinatura venceu em {}", due.due),
                ));
            }
            one(TcacEvent::AssinadoPelaCompromissaria {}, None)
        }
        (TcacPhase::AutorizacaoDicol, C::AutorizarTcac { numero, documento }) => {
            let numero = String::from(numero);
            let prazo = if rn372 { Some(act.deadline(DeadlineSetting::TcacEtapa, act.ctx.today)?) } else { None };
            let mut out = vec![act.case_event(
                ev(TcacEvent::Autorizado { numero, prazo_pagamento: prazo }),
                NORM,
                Some(&documento),
            )];
            // RDC 57/2001: in force on authorisation, suspending the listed processes.
            if !rn372 {
                out.push(in_force(act, s, Some(&documento)));
            }
            Ok(out)
        }
        (TcacPhase::AssinadoPelaDifis, C::ComprovarPagamentoAntecipadoTcac {}) => {
            if let Some(due) =
                act.case.prazos.get(&DeadlineKey::PagamentoAntecipado).filter(|d| !d.is_timely(act.ctx.today))
            {
                return Err(DomainError::rule(
                    "tcac.pagamento_fora_do_prazo",
                    &due.norm,
                    format!("o prazo do pagamento antecipado venceu em {}", due.due),
                ));
            }
            Ok(vec![
                act.case_event(ev(TcacEvent::PagamentoAntecipadoComprovado {}), NORM, None),
                in_force(act, s, None),
            ])
        }
        (TcacPhase::AssinadoPelaDifis, C::DeclararNulidadeTcac { documento }) => {
            act.require_expired(DeadlineKey::PagamentoAntecipado, NORM)?;
            one(TcacEvent::Anulado {}, Some(&documento))
        }
        (TcacPhase::EmVigor, C::DecidirCumprimentoTcac { cumprido, data_descumprimento, documento }) => {
            let mut out = vec![
                act.case_event(ev(TcacEvent::CumprimentoDecidido { cumprido }), NORM, Some(&documento)),
                act.operator_event(OperatorEvent::TcacEncerrado { caso: act.case_id }, NORM, Some(&documento)),
            ];
            if !cumprido {
                let from = match act.rules.tcac_vedacao_inicio()? {
                    TcacBarStart::DataDaDecisaoDicol => act.ctx.today,
                    TcacBarStart::DataDoDescumprimento => data_descumprimento.ok_or_else(|| {
                        DomainError::invalid(
                            "data_descumprimento",
                            "informe a data do descumprimento, que inicia a vedação",
                        )
                    })?,
                };
                let ate = years_after(from, act.rules.tcac_vedacao_anos);
                out.push(act.operator_event(
                    OperatorEvent::TcacVedado { caso: act.case_id, ate },
                    NORM_BAR,
                    Some(&documento),
                ));
            }
            Ok(out)
        }
        (phase, _) => Err(wrong_phase("tcac", phase, name)),
    }
}
