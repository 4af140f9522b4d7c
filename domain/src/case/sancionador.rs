//! Processo administrativo sancionador (docs/DOMAIN.md §2.7 and §3; Lei 9.656/1998 arts. 25, 27 and
//! 29; RN 48/2003; RN 388/2015; RN 483/2022): the auto de infração, the notification and the
//! defence, the operator's discount option, the first-instance decision with the fine computed by
//! [`crate::fine`], the appeal to DICOL, res judicata, and the collection of the fine — payment,
//! instalments, default, dívida ativa and the claim in a liquidation estate.
//!
//! This module owns the lifecycle and its invariants; it never computes money itself beyond the
//! balance owed (the calculator does) and never keeps personal data. A PAS covered by a TCAC in
//! force is read from the operator's stream, where the TCAC records the processes it suspends.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{wrong_phase, Abertura, Act, CaseCommand, CaseDetail, CaseEvent, CaseState, DeadlineKey};
use crate::acts::Family;
use crate::fine::{FineComputation, FineInputs};
use crate::rules::DiscountKind;
use crate::DeadlineSetting;
use crate::{Deadline, DomainError, Emitted, Money, NonEmptyText};

const NORM: &str = "Lei 9.656/1998 art. 29; RN 48/2003";
const NORM_DEFENCE: &str = "Lei 9.784/1999 art. 2; RN 48/2003";
const NORM_TCAC: &str = "Lei 9.656/1998 art. 29 §1";
const NORM_DISCOUNT: &str = "RN 388/2015; RN 483/2022 art. 33";
const NORM_APPEAL: &str = "Lei 9.784/1999 arts. 56 a 64; RN 48/2003 art. 24";
const NORM_COLLECTION: &str = "RN 48/2003; RN 04/2002 (parcelamento)";
const NORM_DEBT: &str = "Lei 6.830/1980; Lei 10.522/2002 (CADIN)";
const NORM_ESTATE: &str = "Lei 9.656/1998 art. 24-D; Lei 6.024/1974 (habilitação de créditos)";

/// Phases of a sanctioning process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SanctionPhase {
    AutoLavrado,
    /// Notified; the defence deadline runs.
    AguardandoDefesa,
    /// Defence filed (or waived by a lapsed discount option): ready for decision.
    Instrucao,
    /// The operator chose a discount; the discounted amount is due within the deadline of the act
    /// it replaces (defence or appeal).
    PagamentoComDesconto,
    /// First-instance decision applied a penalty; the appeal deadline runs.
    Decidido,
    Recurso,
    /// Res judicata with a fine; the payment deadline runs.
    Final,
    Parcelado,
    Inadimplente,
    /// Inscribed in dívida ativa and CADIN; collection by PGF, payments still recorded.
    DividaAtiva,
    /// Terminal: nothing owed.
    Pago,
    /// Terminal: no penalty (first instance or appeal).
    Arquivado,
    /// Terminal: an advertência became final.
    AdvertenciaDefinitiva,
}

impl SanctionPhase {
    /// Whether the process reached an end (paid or archived processes are immutable).
    pub fn is_terminal(self) -> bool {
        matches!(self, SanctionPhase::Pago | SanctionPhase::Arquivado | SanctionPhase::AdvertenciaDefinitiva)
    }
}

/// The penalty applied (Lei 9.656/1998 art. 25 I–II; the other sanctions are not modelled here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Penalty {
    Advertencia,
    Multa,
}

/// What the first-instance authority decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "resultado", rename_all = "snake_case")]
pub enum FirstInstanceDecision {
    /// No infraction proved: the process is archived.
    Arquivamento,
    Advertencia,
    /// A fine, computed from these inputs with the case's rule version.
    Multa {
        multa: FineInputs,
    },
}

/// What DICOL decides on appeal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "resultado", rename_all = "snake_case")]
pub enum AppealDecision {
    Mantida,
    /// A lower fine, recomputed from these inputs with the first-instance porte.
    Reduzida {
        multa: FineInputs,
    },
    /// The penalty is cancelled and the process archived.
    Cancelada,
}

/// The appeal outcome as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealOutcome {
    Mantida,
    Reduzida,
    Cancelada,
}

/// One instalment as requested in a parcelamento.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalmentPlan {
    pub vencimento: NaiveDate,
    pub valor: Money,
}

/// One instalment of a granted parcelamento.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    /// 1-based, in due-date order.
    pub numero: u32,
    pub vencimento: NaiveDate,
    pub valor: Money,
    /// Paid so far against this instalment.
    pub pago: Money,
}

impl Instalment {
    fn open_balance(&self) -> Decimal {
        self.valor.amount() - self.pago.amount()
    }
}

/// Sanctioning-process state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SancionadorState {
    pub phase: SanctionPhase,
    /// Process number (NUP); a TCAC lists the processes it suspends by this number.
    pub processo: String,
    pub tipo_infracao: String,
    pub fatos: String,
    pub beneficiarios_expostos: u64,
    pub defesa_apresentada: bool,
    /// A discount option that lapsed unpaid waived the defence.
    pub defesa_renunciada: bool,
    pub penalidade: Option<Penalty>,
    /// The fine in force, with every factor (and the discount when one was chosen).
    pub multa: Option<Box<FineComputation>>,
    /// Total paid so far.
    pub pago: Money,
    pub parcelas: Vec<Instalment>,
    /// The liquidation case where the credit was filed.
    pub credito_habilitado_em: Option<Uuid>,
}

impl SancionadorState {
    /// What the operator still owes (zero without a fine).
    pub fn owed(&self) -> Money {
        let due = self.multa.as_ref().map_or(Decimal::ZERO, |m| m.valor_devido.amount());
        Money::from_decimal((due - self.pago.amount()).max(Decimal::ZERO)).unwrap_or(Money::ZERO)
    }
}

/// Events of a sanctioning process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum SanctionEvent {
    #[serde(rename = "pas.auto_lavrado")]
    AutoLavrado {
        abertura: Abertura,
        processo: String,
        tipo_infracao: String,
        fatos: String,
        beneficiarios_expostos: u64,
    },
    #[serde(rename = "pas.autuada_notificada")]
    AutuadaNotificada { prazo_defesa: Option<Deadline> },
    #[serde(rename = "pas.defesa_registrada")]
    DefesaRegistrada { protocolo: String },
    /// The discounted fine; `prazo_pagamento` is the deadline of the act the option replaces.
    #[serde(rename = "pas.desconto_optado")]
    DescontoOptado { multa: Box<FineComputation>, prazo_pagamento: Option<Deadline> },
    /// The discounted amount was not paid in time. With `multa` the first-instance fine stands
    /// undiscounted and is due; without it the process returns to decision, defence waived.
    #[serde(rename = "pas.desconto_caducado")]
    DescontoCaducado { multa: Option<Box<FineComputation>>, prazo_pagamento: Option<Deadline> },
    #[serde(rename = "pas.primeira_instancia_decidida")]
    PrimeiraInstanciaDecidida {
        penalidade: Option<Penalty>,
        multa: Option<Box<FineComputation>>,
        fundamentacao: String,
        prazo_recurso: Option<Deadline>,
    },
    #[serde(rename = "pas.recurso_interposto")]
    RecursoInterposto { protocolo: String },
    #[serde(rename = "pas.recurso_julgado")]
    RecursoJulgado {
        resultado: AppealOutcome,
        multa: Option<Box<FineComputation>>,
        fundamentacao: String,
        prazo_pagamento: Option<Deadline>,
    },
    #[serde(rename = "pas.transito_em_julgado_certificado")]
    TransitoEmJulgadoCertificado { prazo_pagamento: Option<Deadline> },
    /// `saldo` is what remains owed after this payment; zero settles the process.
    #[serde(rename = "pas.pagamento_registrado")]
    PagamentoRegistrado { valor: Money, parcela: Option<u32>, saldo: Money },
    #[serde(rename = "pas.parcelamento_concedido")]
    ParcelamentoConcedido { parcelas: Vec<Instalment> },
    #[serde(rename = "pas.inadimplencia_declarada")]
    InadimplenciaDeclarada { valor_em_aberto: Money },
    #[serde(rename = "pas.inscrito_em_divida_ativa")]
    InscritoEmDividaAtiva { valor: Money },
    #[serde(rename = "pas.credito_habilitado")]
    CreditoHabilitado { liquidacao: Uuid, valor: Money },
}

fn state(case: &mut CaseState) -> Option<&mut SancionadorState> {
    match &mut case.detalhe {
        CaseDetail::Sancionador(s) => Some(s),
        _ => None,
    }
}

fn set_phase(case: &mut CaseState, phase: SanctionPhase) {
    if let Some(s) = state(case) {
        s.phase = phase;
    }
    if phase.is_terminal() {
        case.prazos.clear();
    }
}

/// The fine becomes due: the payment deadline replaces whatever ran before.
fn fine_due(case: &mut CaseState, prazo: Option<&Deadline>) {
    case.prazos.clear();
    case.set_deadline(DeadlineKey::Pagamento, prazo);
    set_phase(case, SanctionPhase::Final);
}

pub(super) fn evolve(case: &mut CaseState, event: &SanctionEvent) {
    use SanctionEvent as E;
    match event {
        E::AutoLavrado { abertura, processo, tipo_infracao, fatos, beneficiarios_expostos } => {
            let opened = SancionadorState {
                phase: SanctionPhase::AutoLavrado,
                processo: processo.clone(),
                tipo_infracao: tipo_infracao.clone(),
                fatos: fatos.clone(),
                beneficiarios_expostos: *beneficiarios_expostos,
                defesa_apresentada: false,
                defesa_renunciada: false,
                penalidade: None,
                multa: None,
                pago: Money::ZERO,
                parcelas: Vec::new(),
                credito_habilitado_em: None,
            };
            case.open(Family::Sancionador, abertura, CaseDetail::Sancionador(opened));
        }
        E::AutuadaNotificada { prazo_defesa } => {
            case.set_deadline(DeadlineKey::Defesa, prazo_defesa.as_ref());
            set_phase(case, SanctionPhase::AguardandoDefesa);
        }
        E::DefesaRegistrada { .. } => {
            if let Some(s) = state(case) {
                s.defesa_apresentada = true;
            }
            case.set_deadline(DeadlineKey::Defesa, None);
            set_phase(case, SanctionPhase::Instrucao);
        }
        E::DescontoOptado { multa, prazo_pagamento } => {
            if let Some(s) = state(case) {
                s.penalidade = Some(Penalty::Multa);
                s.multa = Some(multa.clone());
            }
            case.prazos.clear();
            case.set_deadline(DeadlineKey::Pagamento, prazo_pagamento.as_ref());
            set_phase(case, SanctionPhase::PagamentoComDesconto);
        }
        E::DescontoCaducado { multa, prazo_pagamento } => {
            if let Some(s) = state(case) {
                s.multa.clone_from(multa);
                if multa.is_none() {
                    s.penalidade = None;
                    s.defesa_renunciada = true;
                }
            }
            if multa.is_some() {
                fine_due(case, prazo_pagamento.as_ref());
            } else {
                case.prazos.clear();
                set_phase(case, SanctionPhase::Instrucao);
            }
        }
        E::PrimeiraInstanciaDecidida { penalidade, multa, prazo_recurso, .. } => {
            if let Some(s) = state(case) {
                s.penalidade = *penalidade;
                s.multa.clone_from(multa);
            }
            case.prazos.clear();
            case.set_deadline(DeadlineKey::Recurso, prazo_recurso.as_ref());
            set_phase(case, if penalidade.is_some() { SanctionPhase::Decidido } else { SanctionPhase::Arquivado });
        }
        E::RecursoInterposto { .. } => {
            case.set_deadline(DeadlineKey::Recurso, None);
            set_phase(case, SanctionPhase::Recurso);
        }
        E::RecursoJulgado { resultado, multa, prazo_pagamento, .. } => {
            let penalty = state(case).and_then(|s| {
                if *resultado == AppealOutcome::Cancelada {
                    s.penalidade = None;
                    s.multa = None;
                } else if multa.is_some() {
                    s.multa.clone_from(multa);
                }
                s.penalidade
            });
            match penalty {
                None => set_phase(case, SanctionPhase::Arquivado),
                Some(Penalty::Advertencia) => set_phase(case, SanctionPhase::AdvertenciaDefinitiva),
                Some(Penalty::Multa) => fine_due(case, prazo_pagamento.as_ref()),
            }
        }
        E::TransitoEmJulgadoCertificado { prazo_pagamento } => match state(case).and_then(|s| s.penalidade) {
            Some(Penalty::Multa) => fine_due(case, prazo_pagamento.as_ref()),
            _ => set_phase(case, SanctionPhase::AdvertenciaDefinitiva),
        },
        E::PagamentoRegistrado { valor, parcela, saldo } => {
            if let Some(s) = state(case) {
                s.pago = Money::from_decimal(s.pago.amount() + valor.amount()).unwrap_or(s.pago);
                if let Some(p) = parcela.and_then(|n| s.parcelas.iter_mut().find(|p| p.numero == n)) {
                    p.pago = Money::from_decimal(p.pago.amount() + valor.amount()).unwrap_or(p.pago);
                }
            }
            if *saldo == Money::ZERO {
                set_phase(case, SanctionPhase::Pago);
            }
        }
        E::ParcelamentoConcedido { parcelas } => {
            if let Some(s) = state(case) {
                s.parcelas.clone_from(parcelas);
            }
            case.set_deadline(DeadlineKey::Pagamento, None);
            set_phase(case, SanctionPhase::Parcelado);
        }
        E::InadimplenciaDeclarada { .. } => {
            case.prazos.clear();
            set_phase(case, SanctionPhase::Inadimplente);
        }
        E::InscritoEmDividaAtiva { .. } => set_phase(case, SanctionPhase::DividaAtiva),
        E::CreditoHabilitado { liquidacao, .. } => {
            if let Some(s) = state(case) {
                s.credito_habilitado_em = Some(*liquidacao);
            }
        }
    }
}

fn ev(e: SanctionEvent) -> CaseEvent {
    CaseEvent::Sancionador(e)
}

/// The opening act: the auto de infração (Lei 9.656/1998 art. 29 caput; RN 48/2003 art. 1).
fn draw_up(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    let CaseCommand::LavrarAutoInfracao {
        processo,
        tipo_infracao,
        data_infracao,
        fatos,
        beneficiarios_expostos,
        origem,
        documento,
        ..
    } = command
    else {
        return Err(DomainError::invalid("act", "auto de infração esperado"));
    };
    let processo = String::from(processo);
    let tipo_infracao = String::from(tipo_infracao);
    let fatos = String::from(fatos);
    let documento = String::from(documento);
    if data_infracao > act.ctx.today {
        return Err(DomainError::invalid("data_infracao", "a infração não pode ser posterior à lavratura do auto"));
    }
    if let Some(id) = origem {
        let source = act.ctx.related_case(id)?;
        let admissible = matches!(source.familia, Some(Family::Nip | Family::Representacao | Family::DemandaDisqueAns));
        if !admissible || source.abertura.as_ref().map(|a| a.registro) != Some(act.registro) {
            return Err(DomainError::rule(
                "pas.origem_invalida",
                "Lei 9.656/1998 art. 29 caput; RN 48/2003 art. 1",
                "a origem do auto deve ser NIP, representação ou demanda da mesma operadora",
            ));
        }
    }
    let abertura = Abertura { fato_gerador: data_infracao, ..act.abertura(origem) };
    let drawn = SanctionEvent::AutoLavrado { abertura, processo, tipo_infracao, fatos, beneficiarios_expostos };
    Ok(vec![act.case_event(ev(drawn), NORM, Some(&documento))])
}

/// Refuses a decision on a process a TCAC in force suspends.
fn require_not_suspended(act: &Act<'_>, s: &SancionadorState) -> Result<(), DomainError> {
    if let Some(tcac) = act.op.tcac_suspending(&s.processo) {
        return Err(DomainError::rule(
            "pas.suspenso_por_tcac",
            NORM_TCAC,
            format!("o processo {} está suspenso pelo TCAC em vigor (caso {tcac})", s.processo),
        ));
    }
    Ok(())
}

/// Refuses a sanction before the defence opportunity: notified, and defence filed, waived, or
/// its deadline run out.
fn require_defence_opportunity(act: &Act<'_>, s: &SancionadorState) -> Result<(), DomainError> {
    let refused = |message: String| Err(DomainError::rule("pas.sancao_sem_defesa", NORM_DEFENCE, message));
    match s.phase {
        SanctionPhase::AutoLavrado => refused("a autuada ainda não foi notificada para se defender".into()),
        SanctionPhase::AguardandoDefesa => match act.case.prazos.get(&DeadlineKey::Defesa) {
            Some(deadline) if !deadline.has_expired(act.ctx.today) => {
                refused(format!("o prazo de defesa corre até {}", deadline.due.format("%d/%m/%Y")))
            }
            Some(_) => Ok(()),
            // Notified under a version without a confirmed defence deadline: the opportunity
            // can only be shown to have passed once the length is configured.
            None => {
                act.rules.deadline_rule(DeadlineSetting::PasDefesa)?;
                refused("a notificação não registrou prazo de defesa; registre a defesa antes de decidir".into())
            }
        },
        _ => Ok(()),
    }
}

fn decision_fine(act: &Act<'_>, s: &SancionadorState, inputs: &FineInputs) -> Result<FineComputation, DomainError> {
    let members = act.op.beneficiaries_on(act.ctx.today);
    FineComputation::compute(inputs, &s.tipo_infracao, members, s.beneficiarios_expostos, act.rules)
}

fn first_instance(
    act: &Act<'_>,
    s: &SancionadorState,
    decisao: FirstInstanceDecision,
    fundamentacao: NonEmptyText,
    documento: &str,
) -> Result<Vec<Emitted>, DomainError> {
    let fundamentacao = String::from(fundamentacao);
    require_not_suspended(act, s)?;
    let (penalidade, multa) = match decisao {
        // Archiving imposes nothing, so it does not wait for the defence.
        FirstInstanceDecision::Arquivamento => (None, None),
        FirstInstanceDecision::Advertencia => {
            require_defence_opportunity(act, s)?;
            (Some(Penalty::Advertencia), None)
        }
        FirstInstanceDecision::Multa { multa } => {
            require_defence_opportunity(act, s)?;
            (Some(Penalty::Multa), Some(Box::new(decision_fine(act, s, &multa)?)))
        }
    };
    let prazo_recurso =
        if penalidade.is_some() { act.optional_deadline(DeadlineSetting::PasRecurso, act.ctx.today)? } else { None };
    let decided = SanctionEvent::PrimeiraInstanciaDecidida { penalidade, multa, fundamentacao, prazo_recurso };
    Ok(vec![act.case_event(ev(decided), NORM, Some(documento))])
}

fn opt_for_discount(
    act: &Act<'_>,
    s: &SancionadorState,
    desconto: DiscountKind,
    multa: Option<FineInputs>,
) -> Result<Vec<Emitted>, DomainError> {
    let mismatch = |message: &str| Err(DomainError::rule("pas.desconto_incompativel_com_fase", NORM_DISCOUNT, message));
    let (fine, key) = match (s.phase, desconto.waives_appeal()) {
        (SanctionPhase::AguardandoDefesa, false) => {
            let Some(inputs) = multa else {
                return Err(DomainError::invalid("multa", "informe os dados da multa sobre a qual incide o desconto"));
            };
            (decision_fine(act, s, &inputs)?, DeadlineKey::Defesa)
        }
        (SanctionPhase::Decidido, true) => {
            if multa.is_some() {
                return Err(DomainError::invalid("multa", "a multa já foi fixada na decisão de primeira instância"));
            }
            match (&s.penalidade, &s.multa) {
                (Some(Penalty::Multa), Some(fine)) => ((**fine).clone(), DeadlineKey::Recurso),
                _ => return mismatch("a decisão aplicou advertência; não há multa sobre a qual descontar"),
            }
        }
        (SanctionPhase::AguardandoDefesa, true) => {
            return mismatch("a renúncia ao recurso só cabe depois da decisão de primeira instância");
        }
        (SanctionPhase::Decidido, false) => {
            return mismatch("depois da decisão só cabe o desconto por renúncia ao recurso");
        }
        (phase, _) => return Err(wrong_phase("pas", phase, "optar_pagamento_com_desconto")),
    };
    let prazo_pagamento = act.case.prazos.get(&key).cloned();
    if let Some(deadline) = prazo_pagamento.as_ref().filter(|d| d.has_expired(act.ctx.today)) {
        return Err(DomainError::rule(
            "pas.desconto_intempestivo",
            NORM_DISCOUNT,
            format!("a opção pelo desconto cabia até {}", deadline.due.format("%d/%m/%Y")),
        ));
    }
    let discounted = fine.with_discount(desconto, act.rules)?;
    let norm = discounted.desconto.as_ref().map_or(NORM_DISCOUNT, |d| d.norma.as_str()).to_owned();
    let opted = SanctionEvent::DescontoOptado { multa: Box::new(discounted), prazo_pagamento };
    Ok(vec![act.case_event(ev(opted), &norm, None)])
}

fn judge_appeal(
    act: &Act<'_>,
    s: &SancionadorState,
    julgamento: AppealDecision,
    fundamentacao: NonEmptyText,
    documento: &str,
) -> Result<Vec<Emitted>, DomainError> {
    let fundamentacao = String::from(fundamentacao);
    require_not_suspended(act, s)?;
    let (resultado, multa) = match julgamento {
        AppealDecision::Mantida => (AppealOutcome::Mantida, None),
        AppealDecision::Cancelada => (AppealOutcome::Cancelada, None),
        AppealDecision::Reduzida { multa } => {
            let Some(current) = s.multa.as_ref() else {
                return Err(DomainError::rule(
                    "pas.reducao_invalida",
                    NORM_APPEAL,
                    "a decisão recorrida aplicou advertência; não há multa a reduzir",
                ));
            };
            let reduced = FineComputation::compute(
                &multa,
                &s.tipo_infracao,
                current.beneficiarios_operadora,
                s.beneficiarios_expostos,
                act.rules,
            )?;
            if reduced.valor_multa >= current.valor_multa {
                return Err(DomainError::rule(
                    "pas.reducao_invalida",
                    NORM_APPEAL,
                    format!(
                        "a multa reduzida ({}) deve ser menor que a aplicada ({}); agravar exige ciência prévia do recorrente",
                        reduced.valor_multa, current.valor_multa
                    ),
                ));
            }
            (AppealOutcome::Reduzida, Some(Box::new(reduced)))
        }
    };
    let fine_stands = resultado != AppealOutcome::Cancelada && s.penalidade == Some(Penalty::Multa);
    let prazo_pagamento =
        if fine_stands { act.optional_deadline(DeadlineSetting::PasPagamento, act.ctx.today)? } else { None };
    let judged = SanctionEvent::RecursoJulgado { resultado, multa, fundamentacao, prazo_pagamento };
    Ok(vec![act.case_event(ev(judged), NORM_APPEAL, Some(documento))])
}

/// Requires deadline `key` to have run out; when none was opened, reports the `[UNCONF]`
/// setting that would have opened it.
fn expired_or_unconfigured(act: &Act<'_>, key: DeadlineKey, setting: DeadlineSetting) -> Result<(), DomainError> {
    if act.case.prazos.contains_key(&key) {
        act.require_expired(key, NORM)
    } else {
        act.rules.deadline_rule(setting).map(|_| ())
    }
}

fn register_payment(
    act: &Act<'_>,
    s: &SancionadorState,
    valor: Money,
    parcela: Option<u32>,
    documento: &str,
) -> Result<Vec<Emitted>, DomainError> {
    let owed = s.owed();
    if valor == Money::ZERO {
        return Err(DomainError::rule("pas.pagamento_nao_positivo", NORM_COLLECTION, "o valor pago deve ser positivo"));
    }
    let limit = match (s.phase, parcela) {
        (SanctionPhase::Parcelado, Some(n)) => {
            let instalment = s
                .parcelas
                .iter()
                .find(|p| p.numero == n)
                .ok_or_else(|| DomainError::invalid("parcela", format!("não há parcela {n} neste parcelamento")))?;
            instalment.open_balance()
        }
        (SanctionPhase::Parcelado, None) => {
            return Err(DomainError::invalid("parcela", "informe a parcela a que o pagamento se refere"));
        }
        (_, Some(_)) => return Err(DomainError::invalid("parcela", "a multa não está parcelada")),
        (SanctionPhase::PagamentoComDesconto, None) => {
            if let Some(deadline) =
                act.case.prazos.get(&DeadlineKey::Pagamento).filter(|d| d.has_expired(act.ctx.today))
            {
                return Err(DomainError::rule(
                    "pas.desconto_intempestivo",
                    NORM_DISCOUNT,
                    format!("o pagamento com desconto cabia até {}", deadline.due.format("%d/%m/%Y")),
                ));
            }
            if valor != owed {
                return Err(DomainError::rule(
                    "pas.desconto_exige_pagamento_integral",
                    NORM_DISCOUNT,
                    format!("o pagamento com desconto é à vista, no valor de {owed}"),
                ));
            }
            owed.amount()
        }
        (_, None) => owed.amount(),
    };
    if valor.amount() > limit {
        return Err(DomainError::rule(
            "pas.pagamento_excede_devido",
            NORM_COLLECTION,
            format!("o pagamento de {valor} excede o valor devido de {}", Money::from_decimal(limit)?),
        ));
    }
    let saldo = Money::from_decimal(owed.amount() - valor.amount())?;
    let paid = SanctionEvent::PagamentoRegistrado { valor, parcela, saldo };
    Ok(vec![act.case_event(ev(paid), NORM_COLLECTION, Some(documento))])
}

fn grant_instalments(
    act: &Act<'_>,
    s: &SancionadorState,
    plan: Vec<InstalmentPlan>,
    documento: &str,
) -> Result<Vec<Emitted>, DomainError> {
    if let Some(deadline) = act.case.prazos.get(&DeadlineKey::Pagamento).filter(|d| d.has_expired(act.ctx.today)) {
        return Err(DomainError::rule(
            "pas.parcelamento_intempestivo",
            &deadline.norm,
            format!("o parcelamento cabia até {}", deadline.due.format("%d/%m/%Y")),
        ));
    }
    if plan.len() < 2 {
        return Err(DomainError::invalid("parcelas", "o parcelamento tem ao menos duas parcelas"));
    }
    if plan.iter().any(|p| p.valor == Money::ZERO) {
        return Err(DomainError::invalid("parcelas", "toda parcela tem valor positivo"));
    }
    if plan.first().is_some_and(|p| p.vencimento <= act.ctx.today)
        || plan.windows(2).any(|w| w[1].vencimento <= w[0].vencimento)
    {
        return Err(DomainError::invalid("parcelas", "os vencimentos são futuros e estritamente crescentes"));
    }
    let total: Decimal = plan.iter().map(|p| p.valor.amount()).sum();
    let owed = s.owed();
    if total != owed.amount() {
        return Err(DomainError::rule(
            "pas.parcelas_nao_somam_o_devido",
            NORM_COLLECTION,
            format!("as parcelas somam {} e o valor devido é {owed}", Money::from_decimal(total)?),
        ));
    }
    let parcelas = (1u32..)
        .zip(plan)
        .map(|(numero, p)| Instalment { numero, vencimento: p.vencimento, valor: p.valor, pago: Money::ZERO })
        .collect();
    Ok(vec![act.case_event(ev(SanctionEvent::ParcelamentoConcedido { parcelas }), NORM_COLLECTION, Some(documento))])
}

fn declare_default(act: &Act<'_>, s: &SancionadorState) -> Result<Vec<Emitted>, DomainError> {
    match s.phase {
        SanctionPhase::Final => expired_or_unconfigured(act, DeadlineKey::Pagamento, DeadlineSetting::PasPagamento)?,
        SanctionPhase::Parcelado => {
            if !s.parcelas.iter().any(|p| p.vencimento < act.ctx.today && p.open_balance() > Decimal::ZERO) {
                return Err(DomainError::rule(
                    "pas.parcelas_em_dia",
                    NORM_COLLECTION,
                    "nenhuma parcela vencida está em aberto",
                ));
            }
        }
        SanctionPhase::PagamentoComDesconto => {
            // The option lapses: a fine fixed at first instance stands undiscounted; an option
            // taken in place of the defence returns the process to decision.
            let decided = s.multa.as_ref().filter(|m| m.desconto.as_ref().is_some_and(|d| d.tipo.waives_appeal()));
            let replaced = if decided.is_some() { DeadlineSetting::PasRecurso } else { DeadlineSetting::PasDefesa };
            expired_or_unconfigured(act, DeadlineKey::Pagamento, replaced)?;
            let (multa, prazo_pagamento) = match decided {
                Some(m) => {
                    let mut undiscounted = m.clone();
                    undiscounted.desconto = None;
                    let prazo = act.optional_deadline(DeadlineSetting::PasPagamento, act.ctx.today)?;
                    (Some(Box::new(undiscounted.recompute())), prazo)
                }
                None => (None, None),
            };
            let lapsed = SanctionEvent::DescontoCaducado { multa, prazo_pagamento };
            return Ok(vec![act.case_event(ev(lapsed), NORM_DISCOUNT, None)]);
        }
        phase => return Err(wrong_phase("pas", phase, "declarar_inadimplencia")),
    }
    let defaulted = SanctionEvent::InadimplenciaDeclarada { valor_em_aberto: s.owed() };
    Ok(vec![act.case_event(ev(defaulted), NORM_COLLECTION, None)])
}

fn file_in_estate(act: &Act<'_>, s: &SancionadorState, documento: &str) -> Result<Vec<Emitted>, DomainError> {
    let Some(liquidacao) = act.op.caso_liquidacao else {
        return Err(DomainError::rule(
            "pas.operadora_fora_de_liquidacao",
            NORM_ESTATE,
            "só se habilita crédito na massa de operadora em liquidação extrajudicial",
        ));
    };
    if s.credito_habilitado_em.is_some() {
        return Err(DomainError::rule(
            "pas.credito_ja_habilitado",
            NORM_ESTATE,
            "o crédito desta multa já foi habilitado na massa",
        ));
    }
    let filed = SanctionEvent::CreditoHabilitado { liquidacao, valor: s.owed() };
    Ok(vec![act.case_event(ev(filed), NORM_ESTATE, Some(documento))])
}

pub(super) fn decide(act: &Act<'_>, command: CaseCommand) -> Result<Vec<Emitted>, DomainError> {
    use CaseCommand as C;
    use SanctionPhase as P;
    if matches!(command, C::LavrarAutoInfracao { .. }) {
        return draw_up(act, command);
    }
    let CaseDetail::Sancionador(s) = &act.case.detalhe else {
        return Err(DomainError::invalid("caso", "o caso não é um processo sancionador"));
    };
    let name = command.act();
    let one = |event: SanctionEvent, norm: &str, doc: Option<&str>| Ok(vec![act.case_event(ev(event), norm, doc)]);
    match (s.phase, command) {
        (P::AutoLavrado, C::NotificarAutuada { documento }) => {
            let prazo_defesa = act.optional_deadline(DeadlineSetting::PasDefesa, act.ctx.today)?;
            one(SanctionEvent::AutuadaNotificada { prazo_defesa }, NORM_DEFENCE, Some(&documento))
        }
        (P::AguardandoDefesa, C::RegistrarDefesa { protocolo }) => {
            let protocolo = String::from(protocolo);
            if act.case.prazos.contains_key(&DeadlineKey::Defesa) {
                act.require_timely(DeadlineKey::Defesa, "pas.defesa_intempestiva", NORM_DEFENCE)?;
            }
            one(SanctionEvent::DefesaRegistrada { protocolo }, NORM_DEFENCE, None)
        }
        (_, C::OptarPagamentoComDesconto { desconto, multa }) => opt_for_discount(act, s, desconto, multa),
        (
            P::AutoLavrado | P::AguardandoDefesa | P::Instrucao,
            C::DecidirPrimeiraInstancia { decisao, fundamentacao, documento },
        ) => first_instance(act, s, decisao, fundamentacao, &documento),
        (P::Decidido, C::InterporRecurso { protocolo }) => {
            let protocolo = String::from(protocolo);
            if act.case.prazos.contains_key(&DeadlineKey::Recurso) {
                act.require_timely(DeadlineKey::Recurso, "pas.recurso_intempestivo", NORM_APPEAL)?;
            }
            one(SanctionEvent::RecursoInterposto { protocolo }, NORM_APPEAL, None)
        }
        (P::Recurso, C::JulgarRecurso { julgamento, fundamentacao, documento }) => {
            judge_appeal(act, s, julgamento, fundamentacao, &documento)
        }
        (P::Decidido, C::CertificarTransitoEmJulgado { documento }) => {
            require_not_suspended(act, s)?;
            expired_or_unconfigured(act, DeadlineKey::Recurso, DeadlineSetting::PasRecurso)?;
            let prazo_pagamento = if s.penalidade == Some(Penalty::Multa) {
                act.optional_deadline(DeadlineSetting::PasPagamento, act.ctx.today)?
            } else {
                None
            };
            one(SanctionEvent::TransitoEmJulgadoCertificado { prazo_pagamento }, NORM_APPEAL, Some(&documento))
        }
        (
            P::Final | P::Parcelado | P::Inadimplente | P::DividaAtiva | P::PagamentoComDesconto,
            C::RegistrarPagamento { valor, parcela, documento },
        ) => register_payment(act, s, valor, parcela, &documento),
        (P::Final, C::ConcederParcelamento { parcelas, documento }) => grant_instalments(act, s, parcelas, &documento),
        (_, C::DeclararInadimplencia {}) => declare_default(act, s),
        (P::Inadimplente, C::InscreverDividaAtiva { documento }) => {
            one(SanctionEvent::InscritoEmDividaAtiva { valor: s.owed() }, NORM_DEBT, Some(&documento))
        }
        (phase, C::InscreverDividaAtiva { .. }) if phase != P::DividaAtiva => Err(DomainError::rule(
            "pas.divida_ativa_sem_inadimplencia",
            NORM_DEBT,
            "a inscrição em dívida ativa exige a inadimplência declarada",
        )),
        (P::Final | P::Parcelado | P::Inadimplente | P::DividaAtiva, C::HabilitarCreditoNaMassa { documento }) => {
            file_in_estate(act, s, &documento)
        }
        (phase, _) => Err(wrong_phase("pas", phase, name)),
    }
}
