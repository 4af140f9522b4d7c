//! Cases (`caso-{uuid}`, docs/DOMAIN.md §2.2–2.11): one state covering every family, the flat command
//! enum the HTTP layer deserializes, the event enum, and `decide_case`, which checks permissions,
//! binds the rule version and dispatches to the family module. Cross-case rules read the
//! operator's state; decisions that change the operator's standing return events for both streams.
//!
//! # Layout
//! - [`commands`]: `CaseCommand`, one variant per act of the catalogue.
//! - `regime`: direção fiscal and direção técnica (shared core, their own programmes).
//! - `freeze`: indisponibilidade de bens.
//! - `liquidacao`: liquidação extrajudicial and its inquiry.
//! - `cancelamento`: cancellation of registration.
//! - `tcac`: Termo de Compromisso de Ajuste de Conduta.
//! - `representacao`: internal referrals to DIFIS.
//! - `demanda`: Disque ANS consultas and denúncias (2001–2003 flow).
//! - `sancionador`: processo administrativo sancionador, from the auto de infração to payment.
//! - `alienacao`: alienação de carteira, voluntária, determinada and compulsória.
//! - `nip`: Notificação de Intermediação Preliminar (RN 343/2013 onwards).

mod alienacao;
mod cancelamento;
pub mod commands;
mod demanda;
mod indisponibilidade;
mod liquidacao;
mod nip;
mod regime;
mod representacao;
mod sancionador;
mod tcac;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use alienacao::{Abrangencia, AlienacaoState, AlienationEvent, AlienationForm, AlienationPhase, CompulsoryGround};
pub use cancelamento::{CancelEvent, CancelPhase, CancelamentoState};
pub use commands::CaseCommand;
pub use demanda::{DemandEvent, DemandKind, DemandPhase, DemandaState, TemaDemanda};
pub use indisponibilidade::{CourtEffect, FreezeEvent, FreezePhase, FrozenPerson, IndisponibilidadeState};
pub use liquidacao::{
    BankruptcyGround, InquiryPhase, LeClosure, LeEvent, LeGround, LePhase, LiquidacaoState, MemberTransfer,
};
pub use nip::{NipClassification, NipEvent, NipKind, NipPhase, NipState, PublishedDemand};
pub use regime::{DtHypothesis, DtProgramStage, Medida, RegimeClosure, RegimeEvent, RegimePhase, RegimeState};
pub use representacao::{
    OriginArea, RepresentacaoState, RepresentationEvent, RepresentationPhase, RepresentationSubject,
};
pub use sancionador::{
    AppealDecision, AppealOutcome, FirstInstanceDecision, Instalment, InstalmentPlan, Penalty, SancionadorState,
    SanctionEvent, SanctionPhase,
};
pub use tcac::{TcacEvent, TcacPhase, TcacState};

use crate::acts::{authorize, find_act, Family};
use crate::rules::DeadlineSetting;
use crate::{Context, Deadline, DomainError, Emitted, NonEmptyText, OperadoraState, OperatorEvent, Registro, RuleSet};

/// Which deadline of a case (one open deadline per key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKey {
    Vigencia,
    ProgramaSaneamento,
    RecursoPrograma,
    ComprovacaoCessacao,
    Balanco,
    Inquerito,
    PortabilidadeEspecial,
    AssinaturaTcac,
    PagamentoAntecipado,
    /// PAS: defence after notification of the auto de infração.
    Defesa,
    /// PAS: appeal against the first-instance decision.
    Recurso,
    /// PAS: payment of the fine (or of the discounted amount).
    Pagamento,
    /// Ordered alienação: transfer within the RO's term from receipt (RDC 84/2001).
    AlienacaoDeterminada,
    /// NIP: the operator solves within 5 or 10 business days (assistencial or not).
    ResolucaoNip,
    /// NIP: the operator answers with proof.
    RespostaNip,
}

/// Facts every opening event carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Abertura {
    pub registro: Registro,
    /// The rule version bound at the triggering fact.
    pub versao_regras: String,
    pub fato_gerador: NaiveDate,
    /// The case this one comes from (the DF that spawned a freeze, the NIP of a PAS).
    pub origem: Option<Uuid>,
}

/// Family-specific state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "familia", rename_all = "snake_case")]
pub enum CaseDetail {
    #[default]
    Vazio,
    Regime(RegimeState),
    Indisponibilidade(IndisponibilidadeState),
    Liquidacao(LiquidacaoState),
    Cancelamento(CancelamentoState),
    Tcac(TcacState),
    Representacao(RepresentacaoState),
    Demanda(DemandaState),
    Sancionador(SancionadorState),
    Alienacao(AlienacaoState),
    Nip(NipState),
}

/// A case's state, folded from its stream.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CaseState {
    #[serde(alias = "family")]
    pub familia: Option<Family>,
    pub abertura: Option<Abertura>,
    /// Deadlines currently running (stored facts, replaced by extensions).
    #[serde(alias = "deadlines")]
    pub prazos: BTreeMap<DeadlineKey, Deadline>,
    /// How many times each deadline was extended.
    #[serde(alias = "extensions")]
    pub prorrogacoes: BTreeMap<DeadlineKey, u32>,
    /// Who the case is assigned to, by the latest assignment act.
    #[serde(default)]
    pub atribuicao: Option<Assignment>,
    #[serde(alias = "detail")]
    pub detalhe: CaseDetail,
}

/// Events of case streams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CaseEvent {
    Shared(SharedEvent),
    Regime(RegimeEvent),
    Indisponibilidade(FreezeEvent),
    Liquidacao(LeEvent),
    Cancelamento(CancelEvent),
    Tcac(TcacEvent),
    Representacao(RepresentationEvent),
    Demanda(DemandEvent),
    Sancionador(SanctionEvent),
    Alienacao(AlienationEvent),
    Nip(NipEvent),
}

/// Events shared by every family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum SharedEvent {
    #[serde(rename = "caso.prazo_prorrogado")]
    Prorrogado { prazo: DeadlineKey, novo: Deadline, motivo: String },
    /// The case is assigned (or reassigned) to an officer, a Núcleo, or both; who assigned it is
    /// the event's actor.
    #[serde(rename = "caso.atribuido")]
    Atribuido { atribuicao: Assignment, motivo: Option<String> },
}

/// Who is responsible for a case: an officer (by id), a Núcleo or unit, or both.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Assignment {
    pub responsavel: Option<String>,
    pub nucleo: Option<String>,
}

impl CaseState {
    /// Folds one event; never fails and holds no business rule.
    pub fn evolve(&mut self, event: &CaseEvent) {
        match event {
            CaseEvent::Shared(SharedEvent::Prorrogado { prazo, novo, .. }) => {
                self.prazos.insert(*prazo, novo.clone());
                *self.prorrogacoes.entry(*prazo).or_default() += 1;
            }
            CaseEvent::Shared(SharedEvent::Atribuido { atribuicao, .. }) => {
                self.atribuicao = Some(atribuicao.clone());
            }
            CaseEvent::Regime(e) => regime::evolve(self, e),
            CaseEvent::Indisponibilidade(e) => indisponibilidade::evolve(self, e),
            CaseEvent::Liquidacao(e) => liquidacao::evolve(self, e),
            CaseEvent::Cancelamento(e) => cancelamento::evolve(self, e),
            CaseEvent::Tcac(e) => tcac::evolve(self, e),
            CaseEvent::Representacao(e) => representacao::evolve(self, e),
            CaseEvent::Demanda(e) => demanda::evolve(self, e),
            CaseEvent::Sancionador(e) => sancionador::evolve(self, e),
            CaseEvent::Alienacao(e) => alienacao::evolve(self, e),
            CaseEvent::Nip(e) => nip::evolve(self, e),
        }
    }

    /// The officer the case appoints — the diretor fiscal or técnico of a regime, the
    /// liquidante of a liquidation — when the act named one by officer id (the pages pick them
    /// among the interventors). A person named only by name appoints no officer of Autos, and
    /// no other case appoints anyone: an interventor acts only where this names them.
    pub fn appointed_officer(&self) -> Option<Uuid> {
        let named = match &self.detalhe {
            CaseDetail::Regime(s) => s.diretor.as_deref()?,
            CaseDetail::Liquidacao(s) => s.liquidante.as_str(),
            _ => return None,
        };
        Uuid::parse_str(named.trim()).ok()
    }

    /// The phase name (snake_case, as stored), `"vazio"` before the opening act.
    pub fn phase(&self) -> &'static str {
        match &self.detalhe {
            CaseDetail::Vazio => "vazio",
            CaseDetail::Regime(s) => s.phase.into(),
            CaseDetail::Indisponibilidade(s) => s.phase.into(),
            CaseDetail::Liquidacao(s) => s.phase.into(),
            CaseDetail::Cancelamento(s) => s.phase.into(),
            CaseDetail::Tcac(s) => s.phase.into(),
            CaseDetail::Representacao(s) => s.phase.into(),
            CaseDetail::Demanda(s) => s.phase.into(),
            CaseDetail::Sancionador(s) => s.phase.into(),
            CaseDetail::Alienacao(s) => s.phase.into(),
            CaseDetail::Nip(s) => s.phase.into(),
        }
    }

    /// Whether the case reached a terminal phase.
    pub fn is_closed(&self) -> bool {
        match &self.detalhe {
            CaseDetail::Vazio => false,
            CaseDetail::Regime(s) => s.phase.is_terminal(),
            CaseDetail::Indisponibilidade(s) => s.phase == FreezePhase::Levantada,
            CaseDetail::Liquidacao(s) => s.phase == LePhase::Encerrada,
            CaseDetail::Cancelamento(s) => s.phase == CancelPhase::Cancelado,
            CaseDetail::Tcac(s) => s.phase.is_terminal(),
            CaseDetail::Representacao(s) => s.phase == RepresentationPhase::Arquivada,
            CaseDetail::Demanda(s) => s.phase.is_terminal(),
            CaseDetail::Sancionador(s) => s.phase.is_terminal(),
            CaseDetail::Alienacao(s) => s.phase.is_terminal(),
            CaseDetail::Nip(s) => s.phase.is_terminal(),
        }
    }

    /// Whether a closed case still admits `command`: a NIP finalised as RVE may be reviewed at
    /// any time (RN 343/2013 art. 17); it stays closed for projections until then.
    fn admits_after_closing(&self, command: &CaseCommand) -> bool {
        match (&self.detalhe, command) {
            (CaseDetail::Nip(s), CaseCommand::RevisarRve { .. }) => s.admits_review(),
            // An archived denúncia reopens only by reconsidering the evaluation that archived it.
            (CaseDetail::Demanda(s), CaseCommand::ReconsiderarAvaliacaoDenuncia { .. }) => {
                s.phase == DemandPhase::Arquivada
            }
            _ => false,
        }
    }

    fn open(&mut self, family: Family, abertura: &Abertura, detail: CaseDetail) {
        self.familia = Some(family);
        self.abertura = Some(abertura.clone());
        self.detalhe = detail;
    }

    fn set_deadline(&mut self, key: DeadlineKey, deadline: Option<&Deadline>) {
        match deadline {
            Some(d) => {
                self.prazos.insert(key, d.clone());
            }
            None => {
                self.prazos.remove(&key);
            }
        }
    }
}

/// What a family handler works with: the case, its operator, the bound rules and the output.
pub(crate) struct Act<'a> {
    pub ctx: &'a Context<'a>,
    pub case: &'a CaseState,
    pub op: &'a OperadoraState,
    pub case_id: Uuid,
    pub registro: Registro,
    pub rules: &'a RuleSet,
}

impl Act<'_> {
    /// An event for this case.
    pub fn case_event(&self, event: CaseEvent, basis: &str, doc: Option<&str>) -> Emitted {
        Emitted::case(self.case_id, event, self.ctx, basis, doc)
    }

    /// An event for this case's operator.
    pub fn operator_event(&self, event: OperatorEvent, basis: &str, doc: Option<&str>) -> Emitted {
        Emitted::operator(self.registro, event, self.ctx, basis, doc)
    }

    /// The opening facts of a new case bound to the rules in force.
    pub fn abertura(&self, origem: Option<Uuid>) -> Abertura {
        Abertura {
            registro: self.registro,
            versao_regras: self.rules.versao.clone(),
            fato_gerador: self.ctx.today,
            origem,
        }
    }

    /// Opens a deadline from `start` with a configured rule.
    pub fn deadline(&self, setting: DeadlineSetting, start: NaiveDate) -> Result<Deadline, DomainError> {
        self.rules.open(setting, start, &self.ctx.rules.holidays)
    }

    /// Opens a deadline when its length is confirmed; records its absence otherwise, so an act
    /// of an era whose norm is `[UNCONF]` still happens without an invented deadline.
    pub fn optional_deadline(
        &self,
        setting: DeadlineSetting,
        start: NaiveDate,
    ) -> Result<Option<Deadline>, DomainError> {
        match self.deadline(setting, start) {
            Ok(d) => Ok(Some(d)),
            Err(DomainError::Unconfigured { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The running deadline `key`.
    pub fn running(&self, key: DeadlineKey) -> Result<&Deadline, DomainError> {
        self.case.prazos.get(&key).ok_or_else(|| {
            DomainError::rule(
                "prazo.inexistente",
                self.case.familia.map_or(NORM_PROCESSO, family_norm),
                format!("não há prazo de {} em curso", deadline_label(key)),
            )
        })
    }

    /// Refuses declaring a deadline missed before it ran out.
    pub fn require_expired(&self, key: DeadlineKey, norm: &str) -> Result<(), DomainError> {
        let deadline = self.running(key)?;
        if !deadline.has_expired(self.ctx.today) {
            return Err(DomainError::rule(
                "prazo.nao_vencido",
                norm,
                format!("o prazo vence em {}; ainda não pode ser dado por descumprido", deadline.due),
            ));
        }
        Ok(())
    }

    /// Refuses a late act.
    pub fn require_timely(&self, key: DeadlineKey, rule_id: &str, norm: &str) -> Result<(), DomainError> {
        let deadline = self.running(key)?;
        if !deadline.is_timely(self.ctx.today) {
            return Err(DomainError::rule(rule_id, norm, format!("ato fora do prazo, que venceu em {}", deadline.due)));
        }
        Ok(())
    }
}

/// The federal administrative-procedure law, for the few refusals that no norm of the sector
/// names (an act outside the order of its procedure): it binds every ANS process (art. 69) to
/// the formalities that guarantee the parties' rights.
const NORM_PROCESSO: &str = "Lei 9.784/1999 art. 2º, parágrafo único, VIII";

/// The norm that governs a family's procedure, named when an act does not fit the case's
/// lifecycle (the same norm each family module records on its events).
pub(crate) fn family_norm(family: Family) -> &'static str {
    match family {
        Family::DirecaoFiscal => "Lei 9.656/1998 art. 24; RN 316/2012",
        Family::DirecaoTecnica => "Lei 9.656/1998 art. 24; RN 417/2016",
        Family::LiquidacaoExtrajudicial => "Lei 9.656/1998 arts. 23 e 24; RN 316/2012",
        Family::AlienacaoCarteira => "Lei 9.656/1998 art. 24; RN 112/2005",
        Family::Tcac => "Lei 9.656/1998 art. 29; RN 372/2015",
        Family::Sancionador => "Lei 9.656/1998 art. 29; RN 48/2003",
        Family::DemandaDisqueAns => "Lei 9.961/2000 art. 4 XXXVI",
        Family::Nip => "RN 343/2013; RN 388/2015; RN 483/2022 (NIP)",
        Family::Representacao => "Lei 9.961/2000 art. 4; RN 48/2003",
        Family::IndisponibilidadeBens => "Lei 9.656/1998 art. 24-A",
        Family::CancelamentoRegistro => "Lei 9.656/1998 arts. 8 e 25 VI; RN 85/2004",
    }
}

/// A lifecycle refusal: the act does not fit the current phase. `family` is the rule-id prefix
/// of the family module (`pas`, `direcao_fiscal`, …).
pub(crate) fn wrong_phase(family: &str, phase: impl Serialize, act: &str) -> DomainError {
    let norm = match family {
        "direcao_fiscal" => family_norm(Family::DirecaoFiscal),
        "direcao_tecnica" => family_norm(Family::DirecaoTecnica),
        "liquidacao" => family_norm(Family::LiquidacaoExtrajudicial),
        "alienacao" => family_norm(Family::AlienacaoCarteira),
        "tcac" => family_norm(Family::Tcac),
        "pas" => family_norm(Family::Sancionador),
        "demanda" => family_norm(Family::DemandaDisqueAns),
        "nip" => family_norm(Family::Nip),
        "representacao" => family_norm(Family::Representacao),
        "indisponibilidade" => family_norm(Family::IndisponibilidadeBens),
        "cancelamento" => family_norm(Family::CancelamentoRegistro),
        _ => NORM_PROCESSO,
    };
    DomainError::rule(
        &format!("{family}.transicao_invalida"),
        norm,
        format!("o ato \"{}\" não é admitido na fase \"{}\"", act_label(act), code_label(&phase)),
    )
}

/// A stored code (a phase, a deadline, an option) as officers read it: `aguardando_defesa` →
/// "aguardando defesa".
pub fn code_label(phase: &impl Serialize) -> String {
    serde_json::to_value(phase).ok().and_then(|v| v.as_str().map(|s| s.replace('_', " "))).unwrap_or_default()
}

/// A deadline as officers read it: `DeadlineKey::Defesa` → "defesa".
pub fn deadline_label(key: DeadlineKey) -> String {
    let value = code_label(&key);
    let code = value.replace(' ', "_");
    crate::forms::label_of(crate::forms::DEADLINES, &code).to_lowercase()
}

fn act_label(act: &str) -> &str {
    find_act(act).map_or(act, |info| info.label)
}

/// Decides a case act.
///
/// # Errors
/// `Forbidden` for a role not allowed or an interventor not appointed; `Rule` for an act the law
/// or the lifecycle refuses; `Invalid` for bad input; `Unconfigured` when a needed `[UNCONF]`
/// value is missing.
pub fn decide_case(
    case: &CaseState,
    op: &OperadoraState,
    command: CaseCommand,
    ctx: &Context<'_>,
) -> Result<Vec<Emitted>, DomainError> {
    let info = find_act(command.act())?;
    authorize(info, ctx)?;
    crate::operator::refuse_implausible_counts(&command.person_counts())?;
    let case_id = ctx.case_id()?;
    let registro = op.require_registro()?;
    let (family, rules) = if info.opens_case {
        if case.familia.is_some() {
            return Err(DomainError::rule(
                "caso.ja_aberto",
                info.families.first().copied().map_or(NORM_PROCESSO, family_norm),
                "este caso já foi aberto; o ato de abertura cria um caso novo",
            ));
        }
        if command.target_registro() != Some(registro) {
            return Err(DomainError::invalid("registro", "a operadora informada não é a do ato"));
        }
        let family = info.families.first().copied().ok_or_else(|| DomainError::invalid("act", "ato sem família"))?;
        (family, ctx.rules.in_force_on(command.triggering_fact().unwrap_or(ctx.today))?)
    } else {
        let (Some(family), Some(abertura)) = (case.familia, &case.abertura) else {
            return Err(DomainError::rule(
                "caso.nao_aberto",
                info.families.first().copied().map_or(NORM_PROCESSO, family_norm),
                "o caso ainda não foi aberto",
            ));
        };
        if !info.families.contains(&family) {
            return Err(DomainError::rule(
                "caso.ato_incompativel",
                family_norm(family),
                format!("o ato \"{}\" não se aplica a {}", info.label, family.label()),
            ));
        }
        if abertura.registro != registro {
            return Err(DomainError::invalid("registro", "a operadora informada não é a do caso"));
        }
        if case.is_closed() && !case.admits_after_closing(&command) {
            return Err(DomainError::rule(
                "caso.encerrado",
                family_norm(family),
                "o caso está encerrado; correções são novos atos em outro caso",
            ));
        }
        (family, ctx.rules.version(&abertura.versao_regras)?)
    };
    let act = Act { ctx, case, op, case_id, registro, rules };
    match command {
        CaseCommand::ProrrogarPrazo { prazo, motivo } => return extend_deadline(&act, family, prazo, motivo),
        CaseCommand::AtribuirCaso { responsavel, nucleo, motivo } => return assign(&act, responsavel, nucleo, motivo),
        _ => {}
    }
    match family {
        Family::DirecaoFiscal | Family::DirecaoTecnica => regime::decide(&act, family, command),
        Family::IndisponibilidadeBens => indisponibilidade::decide(&act, command),
        Family::LiquidacaoExtrajudicial => liquidacao::decide(&act, command),
        Family::CancelamentoRegistro => cancelamento::decide(&act, command),
        Family::Tcac => tcac::decide(&act, command),
        Family::Representacao => representacao::decide(&act, command),
        Family::DemandaDisqueAns => demanda::decide(&act, command),
        Family::Sancionador => sancionador::decide(&act, command),
        Family::AlienacaoCarteira => alienacao::decide(&act, command),
        Family::Nip => nip::decide(&act, command),
    }
}

/// The norm of assigning a case: the competence of the unit and officer that conduct it.
const NORM_ASSIGNMENT: &str = "Lei 9.784/1999 arts. 11 a 17 (competência); Lei 9.961/2000 art. 4";

/// Assigns the case to an officer, a Núcleo, or both.
fn assign(
    act: &Act<'_>,
    responsavel: Option<String>,
    nucleo: Option<String>,
    motivo: Option<String>,
) -> Result<Vec<Emitted>, DomainError> {
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let atribuicao = Assignment { responsavel: clean(responsavel), nucleo: clean(nucleo) };
    if atribuicao.responsavel.is_none() && atribuicao.nucleo.is_none() {
        return Err(DomainError::invalid("responsavel", "indique o servidor responsável, o Núcleo, ou ambos"));
    }
    if act.case.atribuicao.as_ref() == Some(&atribuicao) {
        return Err(DomainError::rule(
            "caso.ja_atribuido",
            NORM_ASSIGNMENT,
            "o caso já está atribuído a esse responsável",
        ));
    }
    Ok(vec![act.case_event(
        CaseEvent::Shared(SharedEvent::Atribuido { atribuicao, motivo: clean(motivo) }),
        NORM_ASSIGNMENT,
        None,
    )])
}

/// The one extension each extendable deadline admits (RN 316 art. 8; RN 35/2003, of equal length;
/// RN 276/2011).
fn extend_deadline(
    act: &Act<'_>,
    family: Family,
    key: DeadlineKey,
    motivo: NonEmptyText,
) -> Result<Vec<Emitted>, DomainError> {
    let motivo = String::from(motivo);
    let rule = match (family, key) {
        (Family::DirecaoFiscal, DeadlineKey::ProgramaSaneamento) => {
            act.rules.deadline_rule(DeadlineSetting::DfProgramaProrrogacao)?.0.clone()
        }
        (Family::LiquidacaoExtrajudicial, DeadlineKey::Inquerito) => {
            act.rules.deadline_rule(DeadlineSetting::LeInqueritoProrrogacao)?.0.clone()
        }
        (Family::AlienacaoCarteira, DeadlineKey::AlienacaoDeterminada) => {
            act.rules.alienacao_determinada_prorrogacao.clone().ok_or_else(|| {
                DomainError::rule(
                    "prazo.improrrogavel",
                    "RDC 84/2001; RN 35/2003",
                    "o prazo da alienação determinada só passou a admitir prorrogação com a RN 35/2003",
                )
            })?
        }
        _ => {
            return Err(DomainError::rule(
                "prazo.improrrogavel",
                family_norm(family),
                format!("o prazo de {} não admite prorrogação nesta família", deadline_label(key)),
            ));
        }
    };
    if act.case.prorrogacoes.get(&key).copied().unwrap_or(0) >= 1 {
        return Err(DomainError::rule("prazo.ja_prorrogado", &rule.norm, "o prazo admite uma única prorrogação"));
    }
    let current = act.running(key)?;
    if current.has_expired(act.ctx.today) {
        return Err(DomainError::rule(
            "prazo.vencido",
            &rule.norm,
            format!("o prazo venceu em {}; não há o que prorrogar", current.due),
        ));
    }
    let novo = current.extended(rule.days, rule.calendar, &rule.norm, &act.ctx.rules.holidays);
    let norm = rule.norm.clone();
    Ok(vec![act.case_event(CaseEvent::Shared(SharedEvent::Prorrogado { prazo: key, novo, motivo }), &norm, None)])
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use super::*;

    /// Every phase's name, for every family, is the name serde stores.
    fn names_match<P: VariantArray + Serialize + Copy + Into<&'static str>>() {
        for phase in P::VARIANTS {
            let stored = serde_json::to_value(phase).unwrap();
            assert_eq!(stored.as_str(), Some((*phase).into()));
        }
    }

    /// `value` with its keys renamed from `current` to `former`, as a document stored before
    /// the rename holds it.
    fn with_former_keys(mut value: serde_json::Value, renames: &[(&str, &str)]) -> serde_json::Value {
        let fields = value.as_object_mut().unwrap();
        for (former, current) in renames {
            let held = fields.remove(*current).unwrap_or_else(|| panic!("{current} is serialized"));
            fields.insert((*former).to_owned(), held);
        }
        value
    }

    #[test]
    fn states_stored_with_the_former_english_field_names_still_read() {
        let mut case = CaseState { familia: Some(Family::DirecaoFiscal), ..CaseState::default() };
        case.prorrogacoes.insert(DeadlineKey::Defesa, 1);
        let former =
            [("family", "familia"), ("deadlines", "prazos"), ("extensions", "prorrogacoes"), ("detail", "detalhe")];
        let stored = with_former_keys(serde_json::to_value(&case).unwrap(), &former);
        assert_eq!(serde_json::from_value::<CaseState>(stored).unwrap(), case);

        let operator = OperadoraState { carteira_transferida: true, ..OperadoraState::default() };
        let former = [
            ("licence", "situacao_registro"),
            ("cancellation_case", "caso_cancelamento"),
            ("last_regime_end", "fim_ultimo_regime"),
            ("liquidation_case", "caso_liquidacao"),
            ("tcac_barred_until", "tcac_vedado_ate"),
            ("tcacs_in_force", "tcacs_vigentes"),
            ("sales_suspended", "comercializacao_suspensa"),
            ("compulsory_alienation_case", "caso_alienacao_compulsoria"),
            ("special_portability", "portabilidade_especial"),
            ("carteira_transferred", "carteira_transferida"),
            ("administrators", "administradores"),
            ("active_freezes", "indisponibilidades_ativas"),
        ];
        let stored = with_former_keys(serde_json::to_value(&operator).unwrap(), &former);
        assert_eq!(serde_json::from_value::<OperadoraState>(stored).unwrap(), operator);
    }

    #[test]
    fn phase_names_are_the_stored_names() {
        names_match::<RegimePhase>();
        names_match::<FreezePhase>();
        names_match::<LePhase>();
        names_match::<InquiryPhase>();
        names_match::<CancelPhase>();
        names_match::<TcacPhase>();
        names_match::<RepresentationPhase>();
        names_match::<DemandPhase>();
        names_match::<SanctionPhase>();
        names_match::<AlienationPhase>();
        names_match::<NipPhase>();
    }

    #[test]
    fn lifecycle_refusals_name_a_legal_norm_never_a_file_of_ours() {
        let prefixes = [
            "direcao_fiscal",
            "direcao_tecnica",
            "liquidacao",
            "alienacao",
            "tcac",
            "pas",
            "demanda",
            "nip",
            "representacao",
            "indisponibilidade",
            "cancelamento",
            "desconhecida",
        ];
        for prefix in prefixes {
            let refusal = wrong_phase(prefix, "fase", "ato");
            let norm = refusal.norm().unwrap_or_default();
            assert!(norm.starts_with("Lei ") || norm.starts_with("RN "), "{prefix}: {norm}");
            assert!(!norm.contains(".md"), "{prefix}: {norm}");
        }
    }
}
