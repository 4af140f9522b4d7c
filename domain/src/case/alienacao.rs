//! Alienação de carteira (docs/DOMAIN.md §2.5) in its three forms, one case each:
//! - *voluntária* (RDC 25/2000; RN 112/2005 as amended by RN 145/2007): total or partial, asked
//!   with enough notice before the intended date, authorised or denied by ANS, then transferred;
//! - *determinada* (RDC 84/2001): DICOL orders the whole carteira transferred within a deadline
//!   counted from receipt, extendable once (RN 35/2003, in `extend_deadline`); missed, it fails
//!   and DICOL records the next measure;
//! - *compulsória* (RDC 82/2001): ANS auctions the whole carteira after the licence is cancelled
//!   or on the proposal of a diretor fiscal/técnico; the auction has winners or draws no bid.
//!
//! Every transfer keeps the contracts as they are (RDC 84/2001 art. 2): the evidence declares no
//! new carência and the same anniversary date, and is refused otherwise. A total transfer marks
//! the seller's carteira as transferred on its stream; a compulsory one also opens and ends the
//! operator's "under compulsory alienation" standing.
//!
//! The acquirer bar (RN 112 art. 2 §1, RN 145/2007) is decided at the authorisation against the
//! acquirer's own stream, which the decision command names so the application layer loads and
//! pins it. It is applied to the voluntary form only: docs/DOMAIN.md leaves its reach over the other
//! forms `[UNCONF]`. The recovery-plan limb of the bar is not decidable here, since the operator
//! stream does not record recovery plans (§2.1 is not modelled).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{wrong_phase, Abertura, Act, CaseCommand, CaseDetail, CaseEvent, CaseState, DeadlineKey, Medida};
use crate::acts::Family;
use crate::DeadlineSetting;
use crate::{Calendar, Deadline, DomainError, Emitted, HolidayCalendar, OperatorEvent, Registro};

const NORM_VOLUNTARIA: &str = "RDC 25/2000; RN 112/2005 (alterada pela RN 145/2007)";
const NORM_DETERMINADA: &str = "Lei 9.656/1998 art. 24; RDC 84/2001";
const NORM_COMPULSORIA: &str = "RDC 82/2001";
const NORM_CONDICOES: &str = "RDC 84/2001 art. 2; Lei 9.656/1998 art. 17";
const NORM_ADQUIRENTE: &str = "RN 112/2005 art. 2 §1 (redação da RN 145/2007)";
const NORM_MEDIDA: &str = "Lei 9.656/1998 art. 24; RDC 84/2001; RN 438/2018";

/// The three forms of docs/DOMAIN.md §2.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlienationForm {
    Voluntaria,
    Determinada,
    Compulsoria,
}

/// Whether the whole carteira or part of it changes hands (partial only when voluntary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Abrangencia {
    Total,
    Parcial,
}

/// Why ANS auctions a carteira (RDC 82/2001).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompulsoryGround {
    /// The operator's registration was cancelled.
    CancelamentoDoRegistro,
    /// Proposal of the diretor fiscal or técnico during a regime especial.
    PropostaDoDiretor,
}

/// Phases of an alienação.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AlienationPhase {
    /// Voluntary request awaiting the ANS decision.
    Requerida,
    /// Voluntary transfer authorised; awaiting the evidence that members moved.
    Autorizada,
    /// Terminal: voluntary request denied.
    Negada,
    /// Ordered by DICOL; the transfer deadline runs.
    Determinada,
    /// Compulsory: the auction is being prepared or held.
    EmLeilao,
    /// Compulsory: the auction had winners; awaiting the evidence that members moved.
    Arrematada,
    /// Terminal: members transferred with their contracts kept.
    Transferida,
    /// Ordered transfer not made in time, or auction without bids; DICOL chooses what follows.
    Frustrada,
    /// Terminal: the next measure after a failed alienação is recorded.
    MedidaDeterminada,
}

impl AlienationPhase {
    /// Whether the alienação reached an end.
    pub fn is_terminal(self) -> bool {
        matches!(self, AlienationPhase::Negada | AlienationPhase::Transferida | AlienationPhase::MedidaDeterminada)
    }
}

/// Alienação state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlienacaoState {
    pub forma: AlienationForm,
    pub abrangencia: Abrangencia,
    pub phase: AlienationPhase,
    /// Acquirers, as soon as known: the requested one, the auction winners, or those the
    /// evidence of an ordered transfer names.
    pub adquirentes: Vec<Registro>,
    pub beneficiarios_transferidos: Option<u64>,
    pub medida: Option<Medida>,
}

/// Events of an alienação case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum AlienationEvent {
    #[serde(rename = "alienacao.voluntaria_requerida")]
    VoluntariaRequerida {
        abertura: Abertura,
        adquirente: Registro,
        abrangencia: Abrangencia,
        beneficiarios: u64,
        data_pretendida: NaiveDate,
    },
    #[serde(rename = "alienacao.voluntaria_decidida")]
    VoluntariaDecidida { autorizada: bool, fundamentacao: String },
    #[serde(rename = "alienacao.determinada")]
    Determinada { abertura: Abertura, motivos: Vec<String>, prazo: Deadline },
    #[serde(rename = "alienacao.compulsoria_iniciada")]
    CompulsoriaIniciada { abertura: Abertura, fundamento: CompulsoryGround },
    /// Winners of the auction; none means *leilão deserto*.
    #[serde(rename = "alienacao.resultado_leilao_registrado")]
    ResultadoLeilaoRegistrado { arrematantes: Vec<Registro> },
    /// The declared facts of RDC 84/2001 art. 2 are stored as declared.
    #[serde(rename = "alienacao.transferencia_comprovada")]
    TransferenciaComprovada {
        adquirentes: Vec<Registro>,
        beneficiarios: u64,
        nova_carencia: bool,
        aniversario_mantido: bool,
        /// For an ordered transfer, whether it met the (possibly extended) deadline.
        no_prazo: Option<bool>,
    },
    #[serde(rename = "alienacao.descumprida")]
    Descumprida { descricao: String },
    #[serde(rename = "alienacao.medida_determinada")]
    MedidaDeterminada { medida: Medida },
}

fn opened(forma: AlienationForm, abrangencia: Abrangencia, phase: AlienationPhase) -> AlienacaoState {
    AlienacaoState {
        forma,
        abrangencia,
        phase,
        adquirentes: Vec::new(),
        beneficiarios_transferidos: None,
        medida: None,
    }
}

pub(super) fn evolve(case: &mut CaseState, event: &AlienationEvent) {
    use AlienationEvent as E;
    use AlienationPhase as P;
    match event {
        E::VoluntariaRequerida { abertura, adquirente, abrangencia, .. } => {
            let mut state = opened(AlienationForm::Voluntaria, *abrangencia, P::Requerida);
            state.adquirentes.push(*adquirente);
            case.open(Family::AlienacaoCarteira, abertura, CaseDetail::Alienacao(state));
            return;
        }
        E::Determinada { abertura, prazo, .. } => {
            let state = opened(AlienationForm::Determinada, Abrangencia::Total, P::Determinada);
            case.open(Family::AlienacaoCarteira, abertura, CaseDetail::Alienacao(state));
            case.set_deadline(DeadlineKey::AlienacaoDeterminada, Some(prazo));
            return;
        }
        E::CompulsoriaIniciada { abertura, .. } => {
            let state = opened(AlienationForm::Compulsoria, Abrangencia::Total, P::EmLeilao);
            case.open(Family::AlienacaoCarteira, abertura, CaseDetail::Alienacao(state));
            return;
        }
        E::TransferenciaComprovada { .. } | E::Descumprida { .. } => case.prazos.clear(),
        _ => {}
    }
    let CaseDetail::Alienacao(s) = &mut case.detalhe else { return };
    match event {
        E::VoluntariaDecidida { autorizada, .. } => s.phase = if *autorizada { P::Autorizada } else { P::Negada },
        E::ResultadoLeilaoRegistrado { arrematantes } => {
            s.adquirentes.clone_from(arrematantes);
            s.phase = if arrematantes.is_empty() { P::Frustrada } else { P::Arrematada };
        }
        E::TransferenciaComprovada { adquirentes, beneficiarios, .. } => {
            s.adquirentes.clone_from(adquirentes);
            s.beneficiarios_transferidos = Some(*beneficiarios);
            s.phase = P::Transferida;
        }
        E::Descumprida { .. } => s.phase = P::Frustrada,
        E::MedidaDeterminada { medida } => {
            s.medida = Some(*medida);
            s.phase = P::MedidaDeterminada;
        }
        E::VoluntariaRequerida { .. } | E::Determinada { .. } | E::CompulsoriaIniciada { .. } => {}
    }
}

fn ev(e: AlienationEvent) -> CaseEvent {
    CaseEvent::Alienacao(e)
}

pub(super) fn decide(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    use CaseCommand as C;
    match command {
        C::RequererAlienacaoVoluntaria {
            adquirente, abrangencia, beneficiarios, data_pretendida, documento, ..
        } => request(act, adquirente, abrangencia, beneficiarios, data_pretendida, &documento),
        C::DeterminarAlienacao { recebido_em, motivos, documento, .. } => {
            act.op.require_not_cancelled()?;
            if recebido_em < act.ctx.today {
                return Err(DomainError::invalid("recebido_em", "o recebimento não pode ser anterior à decisão"));
            }
            let motivos = super::regime::required_list("motivos", motivos)?;
            let prazo = act.deadline(DeadlineSetting::AlienacaoDeterminada, recebido_em)?;
            let ordered = AlienationEvent::Determinada { abertura: act.abertura(None), motivos, prazo };
            Ok(vec![act.case_event(ev(ordered), NORM_DETERMINADA, Some(&documento))])
        }
        C::IniciarAlienacaoCompulsoria { fundamento, documento, .. } => start_auction(act, fundamento, &documento),
        command => ongoing(act, command),
    }
}

/// Acts on an opened alienação, by phase.
fn ongoing(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    use AlienationPhase as P;
    use CaseCommand as C;
    let CaseDetail::Alienacao(s) = &act.case.detalhe else {
        return Err(DomainError::invalid("caso", "o caso não é uma alienação de carteira"));
    };
    let name = command.act();
    let one = |e: AlienationEvent, basis: &str, doc: Option<&str>| Ok(vec![act.case_event(ev(e), basis, doc)]);
    match (s.phase, command) {
        (P::Requerida, C::DecidirAlienacaoVoluntaria { autorizada, adquirente, fundamentacao, documento }) => {
            if !s.adquirentes.contains(&adquirente) {
                return Err(DomainError::invalid("adquirente", "o adquirente não é o do pedido"));
            }
            if autorizada {
                check_acquirer(act, adquirente)?;
            }
            let fundamentacao = String::from(fundamentacao);
            one(AlienationEvent::VoluntariaDecidida { autorizada, fundamentacao }, NORM_VOLUNTARIA, Some(&documento))
        }
        (P::EmLeilao, C::RegistrarResultadoLeilao { arrematantes, documento }) => {
            auction_result(act, arrematantes, &documento)
        }
        (
            P::Autorizada | P::Determinada | P::Arrematada,
            C::ComprovarTransferenciaCarteira {
                adquirentes,
                beneficiarios,
                nova_carencia,
                aniversario_mantido,
                documento,
            },
        ) => {
            let terms = TransferTerms { beneficiarios, nova_carencia, aniversario_mantido };
            transfer(act, s, adquirentes, terms, &documento)
        }
        (P::Determinada, C::RegistrarDescumprimentoAlienacao { descricao }) => {
            act.require_expired(DeadlineKey::AlienacaoDeterminada, NORM_DETERMINADA)?;
            one(AlienationEvent::Descumprida { descricao: String::from(descricao) }, NORM_DETERMINADA, None)
        }
        (P::Frustrada, C::DeterminarMedida { medida, documento }) => {
            one(AlienationEvent::MedidaDeterminada { medida }, NORM_MEDIDA, Some(&documento))
        }
        (phase, _) => Err(wrong_phase("alienacao", phase, name)),
    }
}

/// The voluntary request: notice before the intended date (RN 112/2005, RN 145/2007).
fn request(
    act: &Act<'_>,
    adquirente: Registro,
    abrangencia: Abrangencia,
    beneficiarios: u64,
    data_pretendida: NaiveDate,
    doc: &str,
) -> Result<Vec<Emitted>, DomainError> {
    act.op.require_not_cancelled()?;
    if adquirente == act.registro {
        return Err(DomainError::invalid("adquirente", "a operadora não pode alienar a carteira a si mesma"));
    }
    if beneficiarios == 0 {
        return Err(DomainError::invalid("beneficiarios", "informe quantos beneficiários a alienação abrange"));
    }
    if data_pretendida < act.ctx.today {
        return Err(DomainError::invalid("data_pretendida", "a data pretendida não pode ser anterior ao pedido"));
    }
    // Seed-era notice is `[UNCONF]`: without a confirmed length the request is taken as filed.
    if let Ok((rule, norm)) = act.rules.deadline_rule(DeadlineSetting::AlienacaoVoluntariaAviso) {
        let earliest = match rule.calendar {
            Calendar::Corridos => HolidayCalendar::add_days(act.ctx.today, rule.days),
            Calendar::Uteis => act.ctx.rules.holidays.add_business_days(act.ctx.today, rule.days),
        };
        if data_pretendida < earliest {
            return Err(DomainError::rule(
                "alienacao.antecedencia_insuficiente",
                norm,
                format!(
                    "o pedido deve chegar à ANS ao menos {} dias antes da transferência; a data mais próxima admitida é {}",
                    rule.days,
                    earliest.format("%d/%m/%Y")
                ),
            ));
        }
    }
    let requested = AlienationEvent::VoluntariaRequerida {
        abertura: act.abertura(None),
        adquirente,
        abrangencia,
        beneficiarios,
        data_pretendida,
    };
    Ok(vec![act.case_event(ev(requested), NORM_VOLUNTARIA, Some(doc))])
}

/// Refuses an acquirer without a regular registration, or under a regime especial when the
/// rule version bars it (RN 112 art. 2 §1 as amended by RN 145/2007).
fn check_acquirer(act: &Act<'_>, adquirente: Registro) -> Result<(), DomainError> {
    let acquirer = act.ctx.related_operator(adquirente)?;
    if !acquirer.is_registered() || acquirer.is_cancelled() {
        return Err(DomainError::rule(
            "alienacao.adquirente_sem_registro",
            "Lei 9.656/1998 art. 8",
            format!("a operadora {adquirente} não tem registro ativo na ANS e não pode receber carteira"),
        ));
    }
    if act.rules.adquirente_em_regime_vedado && (!acquirer.regimes.is_empty() || acquirer.caso_liquidacao.is_some()) {
        return Err(DomainError::rule(
            "alienacao.adquirente_em_regime_especial",
            NORM_ADQUIRENTE,
            format!("a adquirente {adquirente} está em regime especial e não pode adquirir carteira"),
        ));
    }
    Ok(())
}

/// The start of a compulsory alienação (RDC 82/2001).
fn start_auction(act: &Act<'_>, fundamento: CompulsoryGround, doc: &str) -> Result<Vec<Emitted>, DomainError> {
    if let Some(other) = act.op.caso_alienacao_compulsoria {
        return Err(DomainError::rule(
            "alienacao.compulsoria_em_curso",
            NORM_COMPULSORIA,
            format!("já há alienação compulsória em curso para a operadora (caso {other})"),
        ));
    }
    let grounded = match fundamento {
        CompulsoryGround::CancelamentoDoRegistro => act.op.is_cancelled(),
        CompulsoryGround::PropostaDoDiretor => !act.op.regimes.is_empty(),
    };
    if !grounded {
        return Err(DomainError::rule(
            "alienacao.compulsoria_sem_fundamento",
            NORM_COMPULSORIA,
            match fundamento {
                CompulsoryGround::CancelamentoDoRegistro => "o registro da operadora não foi cancelado",
                CompulsoryGround::PropostaDoDiretor => "a operadora não está em direção fiscal nem técnica",
            },
        ));
    }
    let started = AlienationEvent::CompulsoriaIniciada { abertura: act.abertura(None), fundamento };
    Ok(vec![
        act.case_event(ev(started), NORM_COMPULSORIA, Some(doc)),
        act.operator_event(
            OperatorEvent::AlienacaoCompulsoriaIniciada { caso: act.case_id },
            NORM_COMPULSORIA,
            Some(doc),
        ),
    ])
}

/// Distinct acquirers other than the seller.
fn acquirers(act: &Act<'_>, field: &str, mut list: Vec<Registro>) -> Result<Vec<Registro>, DomainError> {
    if list.contains(&act.registro) {
        return Err(DomainError::invalid(field, "a própria operadora não pode receber a carteira"));
    }
    list.sort_unstable();
    list.dedup();
    Ok(list)
}

fn auction_result(act: &Act<'_>, arrematantes: Vec<Registro>, doc: &str) -> Result<Vec<Emitted>, DomainError> {
    let arrematantes = acquirers(act, "arrematantes", arrematantes)?;
    let deserto = arrematantes.is_empty();
    let mut out = vec![act.case_event(
        ev(AlienationEvent::ResultadoLeilaoRegistrado { arrematantes }),
        NORM_COMPULSORIA,
        Some(doc),
    )];
    if deserto {
        out.push(act.operator_event(
            OperatorEvent::AlienacaoCompulsoriaEncerrada { caso: act.case_id },
            NORM_COMPULSORIA,
            Some(doc),
        ));
    }
    Ok(out)
}

/// What the evidence of a transfer declares.
struct TransferTerms {
    beneficiarios: u64,
    nova_carencia: bool,
    aniversario_mantido: bool,
}

/// The evidence that members moved, keeping their contracts (RDC 84/2001 art. 2).
fn transfer(
    act: &Act<'_>,
    s: &AlienacaoState,
    adquirentes: Vec<Registro>,
    terms: TransferTerms,
    doc: &str,
) -> Result<Vec<Emitted>, DomainError> {
    if terms.nova_carencia || !terms.aniversario_mantido {
        return Err(DomainError::rule(
            "alienacao.condicoes_nao_mantidas",
            NORM_CONDICOES,
            "a alienação deve manter integralmente as condições dos contratos: sem novas carências e com a mesma data de aniversário",
        ));
    }
    if terms.beneficiarios == 0 {
        return Err(DomainError::invalid("beneficiarios", "informe quantos beneficiários foram transferidos"));
    }
    let named = acquirers(act, "adquirentes", adquirentes)?;
    let adquirentes = match (s.adquirentes.is_empty(), named.is_empty()) {
        (true, true) => {
            return Err(DomainError::invalid("adquirentes", "informe as operadoras que receberam a carteira"));
        }
        (true, false) => named,
        (false, true) => s.adquirentes.clone(),
        (false, false) => {
            if let Some(stranger) = named.iter().find(|r| !s.adquirentes.contains(r)) {
                return Err(DomainError::invalid(
                    "adquirentes",
                    format!("a operadora {stranger} não é adquirente autorizada ou arrematante desta alienação"),
                ));
            }
            named
        }
    };
    let no_prazo = act.case.prazos.get(&DeadlineKey::AlienacaoDeterminada).map(|d| d.is_timely(act.ctx.today));
    let norm = match s.forma {
        AlienationForm::Voluntaria => NORM_VOLUNTARIA,
        AlienationForm::Determinada => NORM_DETERMINADA,
        AlienationForm::Compulsoria => NORM_COMPULSORIA,
    };
    let transferred = AlienationEvent::TransferenciaComprovada {
        adquirentes,
        beneficiarios: terms.beneficiarios,
        nova_carencia: terms.nova_carencia,
        aniversario_mantido: terms.aniversario_mantido,
        no_prazo,
    };
    let mut out = vec![act.case_event(ev(transferred), NORM_CONDICOES, Some(doc))];
    if s.abrangencia == Abrangencia::Total {
        out.push(act.operator_event(
            OperatorEvent::CarteiraTransferida { caso: act.case_id, beneficiarios: terms.beneficiarios },
            norm,
            Some(doc),
        ));
    }
    if s.forma == AlienationForm::Compulsoria {
        out.push(act.operator_event(
            OperatorEvent::AlienacaoCompulsoriaEncerrada { caso: act.case_id },
            NORM_COMPULSORIA,
            Some(doc),
        ));
    }
    Ok(out)
}
