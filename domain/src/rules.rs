//! Rule tables versioned by norm and effective date (docs/DOMAIN.md §0 norm timeline, §3, §8): deadline
//! lengths, fine bounds, collective-effect multipliers, discounts and the lifecycle variants that
//! changed with the norms. A case binds to the version in force on its triggering fact and keeps
//! its id, so later norms never change it.
//!
//! Versions are cumulative: each one starts as a copy of the previous and changes only what its
//! norm amended (docs/DOMAIN.md §0: values of old norms carry over unless a later act says otherwise).
//! Every value that docs/DOMAIN.md marks `[UNCONF]` is a [`Setting::Unconfirmed`] with a clear name;
//! a decision that needs it fails with `DomainError::Unconfigured` until a domain owner confirms
//! it with [`RuleBook::configure_from`]. Effective dates given only as a month in docs/DOMAIN.md are
//! marked in the version's `description`.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};

use crate::{Calendar, Deadline, DomainError, HolidayCalendar, Money};

/// A normative value that is either confirmed (with its norm) or still awaiting confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Setting<T> {
    Confirmed { value: T, norm: String },
    Unconfirmed,
}

impl<T> Setting<T> {
    /// A confirmed value.
    pub fn confirmed(value: T, norm: &str) -> Self {
        Setting::Confirmed { value, norm: norm.to_owned() }
    }
}

/// Length and calendar of a kind of deadline, with its norm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRule {
    pub days: u32,
    pub calendar: Calendar,
    pub norm: String,
}

impl DeadlineRule {
    fn new(days: u32, calendar: Calendar, norm: &str) -> Self {
        DeadlineRule { days, calendar, norm: norm.to_owned() }
    }

    /// Opens this deadline from `start`.
    pub fn open(&self, start: NaiveDate, holidays: &HolidayCalendar) -> Deadline {
        Deadline::open(start, self.days, self.calendar, &self.norm, holidays)
    }
}

/// One row of the collective-effect table: up to `max_exposed` exposed beneficiaries (None =
/// no upper limit) the multiplier may go up to `max_multiplier`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectiveBand {
    pub max_exposed: Option<u64>,
    pub max_multiplier: Decimal,
}

/// One row of the fine porte-factor table (RN 124/2006 art. 10; bands `[UNCONF]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PorteFactorBand {
    pub max_beneficiaries: Option<u64>,
    pub factor: Decimal,
}

/// Whether a circumstance lowers or raises the fine (RN 124/2006 arts. 6–8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CircumstanceKind {
    Atenuante,
    Agravante,
}

/// A circumstance the norm lists, with its percentage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircumstanceRule {
    pub code: String,
    pub kind: CircumstanceKind,
    /// Fraction of the base, e.g. 0.10 for 10 %.
    pub percent: Decimal,
}

/// The discount options an operator may choose (docs/DOMAIN.md §3 step 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscountKind {
    /// Pay instead of defending (RN 388: 40 %; RN 483 art. 33 §1).
    PagamentoAntecipado,
    /// Proven later redress of a NIP demand (RN 388: 80 %).
    ReparacaoPosterior,
    /// Pay after the first-instance decision instead of appealing (RN 388: 20 %).
    RenunciaRecurso,
    /// Quarterly IGR "meta de Excelência" met (RN 483 art. 33 §1-A, RN 623/2024: 80 %).
    MetaExcelenciaIgr,
    /// IGR "Meta de Redução" met (RN 483 art. 33 §1-B, RN 623/2024: 60 %).
    MetaReducaoIgr,
}

impl DiscountKind {
    /// Whether the option is exercised after the first-instance decision (waiving the appeal)
    /// rather than before it (waiving the defence).
    pub fn waives_appeal(self) -> bool {
        matches!(self, DiscountKind::RenunciaRecurso)
    }
}

/// A discount option of a rule version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountRule {
    pub kind: DiscountKind,
    /// Fraction taken off, e.g. 0.40.
    pub percent: Setting<Decimal>,
    /// Infraction types the option is limited to (RN 623: RN 489 arts. 101–102); empty = all.
    pub only_types: Vec<String>,
}

/// When a PAS stops admitting a TCAC (docs/DOMAIN.md §2.6: configurable per norm version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TcacCutoff {
    /// RDC 57/2001 and Lei 9.656 art. 29: only before a penalty is applied.
    AntesDaPenalidade,
    /// RN 372/2015: until the administrative res judicata of the penalty.
    AteTransitoEmJulgado,
}

/// Which date starts the 2-year TCAC bar after a breach (`[UNCONF]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TcacBarStart {
    DataDoDescumprimento,
    DataDaDecisaoDicol,
}

/// The TCAC procedure in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TcacProcedure {
    /// RDC 57/2001: signing before DICOL suspends the PAS.
    Rdc57,
    /// RN 372/2015: screening, draft, signatures, DICOL authorisation, upfront payment.
    Rn372,
}

/// How complaints are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintProcedure {
    /// 2001–2003: consulta/denúncia, two evaluation instances, Núcleo.
    DisqueAns,
    /// RN 343/2013 onwards: Notificação de Intermediação Preliminar.
    Nip,
}

/// All rules of one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    /// Stable id stored on cases and fine computations, e.g. `rn-388-2015`.
    pub versao: String,
    pub vigente_desde: NaiveDate,
    pub descricao: String,
    /// DF/DT term (Lei 9.656 art. 24: "prazo não superior a 365 dias").
    pub regime_duracao_maxima: DeadlineRule,
    pub df_programa: Setting<DeadlineRule>,
    pub df_programa_prorrogacao: Setting<DeadlineRule>,
    pub df_programa_recurso: Setting<DeadlineRule>,
    /// DIPRO ofício: time to prove the anomalies ceased before DT.
    pub dt_comprovacao_cessacao: Setting<DeadlineRule>,
    pub le_balanco: Setting<DeadlineRule>,
    pub le_inquerito: Setting<DeadlineRule>,
    pub le_inquerito_prorrogacao: Setting<DeadlineRule>,
    /// Freeze reach: administrators in office in the months before the act (Lei 9.656 art. 24-A).
    pub indisponibilidade_meses_retroativos: u32,
    pub alienacao_voluntaria_aviso: Setting<DeadlineRule>,
    pub alienacao_determinada: Setting<DeadlineRule>,
    /// `Unconfirmed` also where the norm of the era admits no extension.
    pub alienacao_determinada_prorrogacao: Option<DeadlineRule>,
    /// RN 112 art. 2 §1 as amended by RN 145/2007: acquirer may not be under a special regime.
    pub adquirente_em_regime_vedado: bool,
    pub portabilidade_especial: Setting<DeadlineRule>,
    pub tcac_procedimento: TcacProcedure,
    pub tcac_limite: TcacCutoff,
    /// RN 372: each step (signature, upfront payment, clarification) in 10 d.
    pub tcac_etapa: Setting<DeadlineRule>,
    /// Upfront payment as a fraction of the listed PAS fines: (usual, exceptional min, exceptional max).
    pub tcac_pagamento_inicial: Setting<(Decimal, Decimal, Decimal)>,
    pub tcac_vedacao_anos: u32,
    pub tcac_vedacao_inicio: Setting<TcacBarStart>,
    pub pas_defesa: Setting<DeadlineRule>,
    pub pas_recurso: Setting<DeadlineRule>,
    pub pas_pagamento: Setting<DeadlineRule>,
    pub multa_minima: Money,
    pub multa_maxima: Money,
    pub multa_fatores_porte: Setting<Vec<PorteFactorBand>>,
    pub multa_circunstancias: Setting<Vec<CircumstanceRule>>,
    /// Empty table = no collective effect in that era.
    pub efeito_coletivo_faixas: Vec<CollectiveBand>,
    pub efeito_coletivo_norma: String,
    pub descontos: Vec<DiscountRule>,
    /// RN 623/2024 (RN 483 art. 33 §1-C): a discounted fine below the minimum is raised to it.
    pub piso_apos_desconto: bool,
    pub reclamacoes: ComplaintProcedure,
    pub nip_assistencial: Setting<DeadlineRule>,
    pub nip_nao_assistencial: Setting<DeadlineRule>,
    pub nip_resposta: Setting<DeadlineRule>,
    /// RN 579/2023: a NIP opened from this version on reaches a PAS only when classified não resolvida.
    pub nip_so_nao_resolvida_gera_pas: bool,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Declares [`DeadlineSetting`], each deadline length of a rule version named once: the variant
/// gives its field of [`RuleSet`], which is also its name in the rule table (`autos rules`,
/// `--rules FILE`) and in `config.…` refusals.
macro_rules! deadline_settings {
    ($($variant:ident => $field:ident),+ $(,)?) => {
        /// A deadline length of a rule version.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum DeadlineSetting {
            $($variant),+
        }

        impl DeadlineSetting {
            /// Every deadline setting.
            pub const ALL: &'static [DeadlineSetting] = &[$(DeadlineSetting::$variant),+];

            /// Its name in the rule table.
            pub fn name(self) -> &'static str {
                match self {
                    $(DeadlineSetting::$variant => stringify!($field)),+
                }
            }
        }

        impl RuleSet {
            /// The deadline setting `key` of this version.
            pub fn deadline_setting(&self, key: DeadlineSetting) -> &Setting<DeadlineRule> {
                match key {
                    $(DeadlineSetting::$variant => &self.$field),+
                }
            }

            fn deadline_setting_mut(&mut self, key: DeadlineSetting) -> &mut Setting<DeadlineRule> {
                match key {
                    $(DeadlineSetting::$variant => &mut self.$field),+
                }
            }
        }
    };
}

deadline_settings! {
    DfPrograma => df_programa,
    DfProgramaProrrogacao => df_programa_prorrogacao,
    DfProgramaRecurso => df_programa_recurso,
    DtComprovacaoCessacao => dt_comprovacao_cessacao,
    LeBalanco => le_balanco,
    LeInquerito => le_inquerito,
    LeInqueritoProrrogacao => le_inquerito_prorrogacao,
    AlienacaoVoluntariaAviso => alienacao_voluntaria_aviso,
    AlienacaoDeterminada => alienacao_determinada,
    PortabilidadeEspecial => portabilidade_especial,
    TcacEtapa => tcac_etapa,
    PasDefesa => pas_defesa,
    PasRecurso => pas_recurso,
    PasPagamento => pas_pagamento,
    NipAssistencial => nip_assistencial,
    NipNaoAssistencial => nip_nao_assistencial,
    NipResposta => nip_resposta,
}

impl RuleSet {
    /// The value and norm of a confirmed setting, or which one is missing.
    fn confirmed<'a, T>(&self, setting: &'a Setting<T>, name: &str) -> Result<(&'a T, &'a str), DomainError> {
        match setting {
            Setting::Confirmed { value, norm } => Ok((value, norm)),
            Setting::Unconfirmed => Err(self.unconfigured(name)),
        }
    }

    fn unconfigured(&self, name: &str) -> DomainError {
        DomainError::Unconfigured { setting: name.to_owned(), rule_version: self.versao.clone() }
    }

    /// The deadline rule `key` and its norm.
    ///
    /// # Errors
    /// `Unconfigured` when the setting is `Unconfirmed` in this version.
    pub fn deadline_rule(&self, key: DeadlineSetting) -> Result<(&DeadlineRule, &str), DomainError> {
        self.confirmed(self.deadline_setting(key), key.name())
    }

    /// The deadline `key`, opened from `start`.
    ///
    /// # Errors
    /// `Unconfigured` when the setting is `Unconfirmed`.
    pub fn open(
        &self,
        key: DeadlineSetting,
        start: NaiveDate,
        holidays: &HolidayCalendar,
    ) -> Result<Deadline, DomainError> {
        self.deadline_rule(key).map(|(rule, _)| rule.open(start, holidays))
    }

    /// The size factor of the fine for an operator with `beneficiaries`.
    ///
    /// # Errors
    /// `Unconfigured` (`multa_fatores_porte`) when the table is not confirmed or has no band for them.
    pub fn porte_factor(&self, beneficiaries: u64) -> Result<Decimal, DomainError> {
        const NAME: &str = "multa_fatores_porte";
        let (bands, _) = self.confirmed(&self.multa_fatores_porte, NAME)?;
        bands
            .iter()
            .find(|b| b.max_beneficiaries.is_none_or(|max| beneficiaries <= max))
            .map(|b| b.factor)
            .ok_or_else(|| self.unconfigured(NAME))
    }

    /// The table of aggravating and mitigating circumstances.
    ///
    /// # Errors
    /// `Unconfigured` when it is not confirmed in this version.
    pub fn circumstances(&self) -> Result<&[CircumstanceRule], DomainError> {
        Ok(self.confirmed(&self.multa_circunstancias, "multa_circunstancias")?.0)
    }

    /// The percentage of discount `rule` and its norm.
    ///
    /// # Errors
    /// `Unconfigured` (`desconto_percentual`) when it is not confirmed in this version.
    pub fn desconto_percentual<'a>(&self, rule: &'a DiscountRule) -> Result<(&'a Decimal, &'a str), DomainError> {
        self.confirmed(&rule.percent, "desconto_percentual")
    }

    /// When the TCAC's prescription starts counting.
    ///
    /// # Errors
    /// `Unconfigured` when it is not confirmed in this version.
    pub fn tcac_vedacao_inicio(&self) -> Result<TcacBarStart, DomainError> {
        Ok(*self.confirmed(&self.tcac_vedacao_inicio, "tcac_vedacao_inicio")?.0)
    }

    /// The highest collective multiplier allowed for `exposed` beneficiaries (1 when the era has none).
    pub fn max_collective_multiplier(&self, exposed: u64) -> Decimal {
        self.efeito_coletivo_faixas
            .iter()
            .find(|band| band.max_exposed.is_none_or(|max| exposed <= max))
            .map_or(Decimal::ONE, |band| band.max_multiplier)
    }

    /// The seed era before RN 48/2003 (docs/DOMAIN.md §0 "Seed era").
    fn seed_2000() -> RuleSet {
        RuleSet {
            versao: "seed-2000".into(),
            vigente_desde: date(2000, 1, 28),
            descricao: "Era RDC (Lei 9.961/2000; RDC 24/2000 multas, RDC 40/2000 DF/DT, RDC 47/2001 LE, RDC 25/82/84 alienação, RDC 57/2001 TCAC)".into(),
            regime_duracao_maxima: DeadlineRule::new(365, Calendar::Corridos, "Lei 9.656/1998 art. 24"),
            df_programa: Setting::Unconfirmed,
            df_programa_prorrogacao: Setting::Unconfirmed,
            df_programa_recurso: Setting::Unconfirmed,
            dt_comprovacao_cessacao: Setting::Unconfirmed,
            le_balanco: Setting::Unconfirmed,
            le_inquerito: Setting::Unconfirmed,
            le_inquerito_prorrogacao: Setting::Unconfirmed,
            indisponibilidade_meses_retroativos: 12,
            alienacao_voluntaria_aviso: Setting::Unconfirmed,
            alienacao_determinada: Setting::days(30, Calendar::Corridos, "RDC 84/2001"),
            alienacao_determinada_prorrogacao: None,
            adquirente_em_regime_vedado: false,
            portabilidade_especial: Setting::Unconfirmed,
            tcac_procedimento: TcacProcedure::Rdc57,
            tcac_limite: TcacCutoff::AntesDaPenalidade,
            tcac_etapa: Setting::Unconfirmed,
            tcac_pagamento_inicial: Setting::Unconfirmed,
            tcac_vedacao_anos: 2,
            tcac_vedacao_inicio: Setting::Unconfirmed,
            pas_defesa: Setting::Unconfirmed,
            pas_recurso: Setting::Unconfirmed,
            pas_pagamento: Setting::Unconfirmed,
            multa_minima: Money::reais(5_000),
            multa_maxima: Money::reais(1_000_000),
            multa_fatores_porte: Setting::Unconfirmed,
            multa_circunstancias: Setting::Unconfirmed,
            efeito_coletivo_faixas: Vec::new(),
            efeito_coletivo_norma: "RDC 24/2000 (sem multiplicador de efeito coletivo)".into(),
            descontos: Vec::new(),
            piso_apos_desconto: false,
            reclamacoes: ComplaintProcedure::DisqueAns,
            nip_assistencial: Setting::Unconfirmed,
            nip_nao_assistencial: Setting::Unconfirmed,
            nip_resposta: Setting::Unconfirmed,
            nip_so_nao_resolvida_gera_pas: false,
        }
    }
}

impl Setting<DeadlineRule> {
    fn days(days: u32, calendar: Calendar, norm: &str) -> Self {
        Setting::confirmed(DeadlineRule::new(days, calendar, norm), norm)
    }
}

/// Fields of a rule version that identify it rather than configure it.
const FIXED_FIELDS: [&str; 3] = ["versao", "vigente_desde", "descricao"];

/// The English names settings had before the naming rule (docs/STYLE.md) gave them Portuguese
/// ones, still accepted in a configuration file written for an earlier release: (former, current).
const FORMER_NAMES: [(&str, &str); 34] = [
    ("df_program_extension", "df_programa_prorrogacao"),
    ("df_program_appeal", "df_programa_recurso"),
    ("df_program", "df_programa"),
    ("dt_cessation_proof", "dt_comprovacao_cessacao"),
    ("le_balance_sheet", "le_balanco"),
    ("le_inquiry_extension", "le_inquerito_prorrogacao"),
    ("le_inquiry", "le_inquerito"),
    ("freeze_lookback_months", "indisponibilidade_meses_retroativos"),
    ("voluntary_alienation_notice", "alienacao_voluntaria_aviso"),
    ("ordered_alienation_extension", "alienacao_determinada_prorrogacao"),
    ("ordered_alienation", "alienacao_determinada"),
    ("acquirer_regime_bar", "adquirente_em_regime_vedado"),
    ("special_portability", "portabilidade_especial"),
    ("tcac_procedure", "tcac_procedimento"),
    ("tcac_cutoff", "tcac_limite"),
    ("tcac_step", "tcac_etapa"),
    ("tcac_upfront", "tcac_pagamento_inicial"),
    ("tcac_bar_years", "tcac_vedacao_anos"),
    ("tcac_bar_start", "tcac_vedacao_inicio"),
    ("pas_defence", "pas_defesa"),
    ("pas_appeal", "pas_recurso"),
    ("pas_payment", "pas_pagamento"),
    ("fine_min", "multa_minima"),
    ("fine_max", "multa_maxima"),
    ("fine_porte_factors", "multa_fatores_porte"),
    ("fine_circumstances", "multa_circunstancias"),
    ("collective_bands", "efeito_coletivo_faixas"),
    ("collective_norm", "efeito_coletivo_norma"),
    ("floor_after_discount", "piso_apos_desconto"),
    ("nip_answer", "nip_resposta"),
    ("nip_only_unresolved_opens_pas", "nip_so_nao_resolvida_gera_pas"),
    ("regime_max", "regime_duracao_maxima"),
    ("discounts", "descontos"),
    ("complaints", "reclamacoes"),
];

/// One entry of a rules configuration file: values confirmed from version `a_partir_de` on.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    pub a_partir_de: String,
    pub valores: serde_json::Map<String, serde_json::Value>,
}

/// Every rule version plus the holiday calendar used to count deadlines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleBook {
    pub versions: Vec<RuleSet>,
    pub holidays: HolidayCalendar,
}

impl RuleBook {
    /// The built-in versions with confirmed values only.
    pub fn builtin() -> RuleBook {
        use Calendar::{Corridos, Uteis};
        let seed = RuleSet::seed_2000();

        let mut rn48 = seed.clone();
        rn48.versao = "rn-48-2003".into();
        rn48.vigente_desde = date(2003, 9, 1);
        rn48.descricao = "RN 48/2003 (processo sancionador), RN 24/2003 (efeito coletivo até 20×), RN 35/2003 (prorrogação da alienação determinada); dia de vigência [UNCONF]: conhecido só o mês, set/2003".into();
        rn48.pas_recurso = Setting::days(10, Corridos, "RN 48/2003 art. 2 §1 e art. 24");
        rn48.pas_pagamento = Setting::days(30, Corridos, "RN 48/2003");
        rn48.efeito_coletivo_faixas = vec![CollectiveBand { max_exposed: None, max_multiplier: dec!(20) }];
        rn48.efeito_coletivo_norma = "RN 24/2003 (até 20 vezes)".into();
        rn48.alienacao_determinada_prorrogacao = Some(DeadlineRule::new(30, Corridos, "RN 35/2003"));

        let mut rn388 = rn48.clone();
        rn388.versao = "rn-388-2015".into();
        rn388.vigente_desde = date(2016, 1, 1);
        rn388.descricao = "Normas de ~2021 (RN 316/2012, RN 388/2015, RN 372/2015, RN 396/2016, RN 417/2016, RN 112/2005+RN 145/2007, RN 276/2011, RN 438/2018); vigência conjunta aproximada [UNCONF]".into();
        rn388.df_programa = Setting::days(30, Corridos, "RN 316/2012 art. 8");
        rn388.df_programa_prorrogacao =
            Setting::days(30, Corridos, "RN 316/2012 art. 8 (prorrogação única pela DIOPE)");
        rn388.df_programa_recurso = Setting::days(10, Corridos, "RN 316/2012 art. 11 §2");
        rn388.dt_comprovacao_cessacao = Setting::days(10, Corridos, "RN 417/2016");
        rn388.le_balanco = Setting::days(90, Corridos, "RN 316/2012");
        rn388.le_inquerito = Setting::days(120, Corridos, "RN 276/2011");
        rn388.le_inquerito_prorrogacao = Setting::days(120, Corridos, "RN 276/2011 (prorrogação)");
        rn388.alienacao_voluntaria_aviso = Setting::days(30, Corridos, "RN 112/2005 (alterada pela RN 145/2007)");
        rn388.adquirente_em_regime_vedado = true;
        rn388.portabilidade_especial = Setting::days(60, Corridos, "RN 438/2018");
        rn388.tcac_procedimento = TcacProcedure::Rn372;
        rn388.tcac_limite = TcacCutoff::AteTransitoEmJulgado;
        rn388.tcac_etapa = Setting::days(10, Corridos, "RN 372/2015");
        rn388.tcac_pagamento_inicial = Setting::confirmed((dec!(0.10), dec!(0.05), dec!(0.30)), "RN 372/2015");
        rn388.pas_defesa = Setting::days(10, Uteis, "RN 388/2015");
        rn388.pas_recurso = Setting::days(10, Corridos, "RN 388/2015");
        rn388.efeito_coletivo_faixas =
            [(1_000, dec!(1)), (20_000, dec!(5)), (100_000, dec!(10)), (200_000, dec!(15)), (1_000_000, dec!(20))]
                .into_iter()
                .map(|(max, m)| CollectiveBand { max_exposed: Some(max), max_multiplier: m })
                .chain([CollectiveBand { max_exposed: None, max_multiplier: dec!(20) }])
                .collect();
        rn388.efeito_coletivo_norma = "RN 124/2006 art. 9 (redação da RN 396/2016)".into();
        rn388.descontos = vec![
            DiscountRule {
                kind: DiscountKind::PagamentoAntecipado,
                percent: Setting::confirmed(dec!(0.40), "RN 388/2015"),
                only_types: vec![],
            },
            DiscountRule {
                kind: DiscountKind::ReparacaoPosterior,
                percent: Setting::confirmed(dec!(0.80), "RN 388/2015"),
                only_types: vec![],
            },
            DiscountRule {
                kind: DiscountKind::RenunciaRecurso,
                percent: Setting::confirmed(dec!(0.20), "RN 388/2015"),
                only_types: vec![],
            },
        ];
        rn388.reclamacoes = ComplaintProcedure::Nip;
        rn388.nip_assistencial = Setting::days(5, Uteis, "RN 388/2015 (NIP assistencial)");
        rn388.nip_nao_assistencial = Setting::days(10, Uteis, "RN 388/2015 (NIP não assistencial)");
        rn388.nip_resposta = Setting::days(10, Uteis, "RN 388/2015 (resposta com comprovação)");

        let mut rn483 = rn388.clone();
        rn483.versao = "rn-483-2022".into();
        rn483.vigente_desde = date(2022, 4, 1);
        rn483.descricao = "Consolidação de 2022: RN 483/2022 (processo), RN 489/2022 (penalidades); prazos de defesa e recurso mantidos da RN 388 até confirmação dos artigos [UNCONF]; dia de vigência [UNCONF]".into();
        rn483.descontos = vec![DiscountRule {
            kind: DiscountKind::PagamentoAntecipado,
            percent: Setting::Unconfirmed,
            only_types: vec![],
        }];

        let mut rn579 = rn483.clone();
        rn579.versao = "rn-579-2023".into();
        rn579.vigente_desde = date(2023, 7, 3);
        rn579.descricao =
            "RN 579/2023: só a NIP classificada não resolvida gera processo sancionador (não retroage)".into();
        rn579.nip_so_nao_resolvida_gera_pas = true;

        let mut rn623 = rn579.clone();
        rn623.versao = "rn-623-2024".into();
        rn623.vigente_desde = date(2024, 12, 23);
        rn623.descricao = "RN 623/2024 (retificada no DOU de 23/12/2024): descontos ligados ao IGR e piso após desconto; dia de vigência [UNCONF]".into();
        let igr_types = vec!["rn489.art101".to_owned(), "rn489.art102".to_owned()];
        rn623.descontos.push(DiscountRule {
            kind: DiscountKind::MetaExcelenciaIgr,
            percent: Setting::confirmed(dec!(0.80), "RN 483/2022 art. 33 §1-A (RN 623/2024)"),
            only_types: igr_types.clone(),
        });
        rn623.descontos.push(DiscountRule {
            kind: DiscountKind::MetaReducaoIgr,
            percent: Setting::confirmed(dec!(0.60), "RN 483/2022 art. 33 §1-B (RN 623/2024)"),
            only_types: igr_types,
        });
        rn623.piso_apos_desconto = true;

        RuleBook { versions: vec![seed, rn48, rn388, rn483, rn579, rn623], holidays: HolidayCalendar::default() }
    }

    /// The version in force on `date` (the triggering fact of a case).
    ///
    /// # Errors
    /// `Rule` (`regras.sem_versao_vigente`) for dates before the first version.
    pub fn in_force_on(&self, date: NaiveDate) -> Result<&RuleSet, DomainError> {
        self.versions.iter().filter(|v| v.vigente_desde <= date).max_by_key(|v| v.vigente_desde).ok_or_else(|| {
            DomainError::rule(
                "regras.sem_versao_vigente",
                "Lei 9.961/2000",
                format!("não há regras vigentes em {date}: a ANS foi instalada em 2000"),
            )
        })
    }

    /// A version by id (the one stored on a case).
    ///
    /// # Errors
    /// `Rule` (`regras.versao_desconhecida`) for an unknown id.
    pub fn version(&self, id: &str) -> Result<&RuleSet, DomainError> {
        self.versions.iter().find(|v| v.versao == id).ok_or_else(|| {
            DomainError::rule(
                "regras.versao_desconhecida",
                "Lei 9.961/2000",
                format!("versão de regras desconhecida: {id}"),
            )
        })
    }

    /// Applies the values a domain owner confirmed in a configuration file (`autos serve
    /// --rules FILE`): from version `a_partir_de` on, each field named in `valores` takes the
    /// given value, in the JSON form `autos rules` prints. Nothing changes when any entry is bad.
    ///
    /// # Errors
    /// `Rule` (`regras.versao_desconhecida`) for an unknown version; `Invalid` for a field that
    /// does not exist or may not be configured (`versao`, `vigente_desde`, `descricao`), or
    /// a value of the wrong shape.
    pub fn confirm(&mut self, confirmations: &[Confirmation]) -> Result<(), DomainError> {
        let mut book = self.clone();
        for confirmation in confirmations {
            let start = book.version(&confirmation.a_partir_de)?.vigente_desde;
            for version in book.versions.iter_mut().filter(|v| v.vigente_desde >= start) {
                let mut value = serde_json::to_value(&*version)
                    .map_err(|e| DomainError::invalid("regras", format!("tabela ilegível: {e}")))?;
                let fields = value
                    .as_object_mut()
                    .ok_or_else(|| DomainError::invalid("regras", "tabela de regras não é um objeto"))?;
                for (given, setting) in &confirmation.valores {
                    let name = FORMER_NAMES
                        .iter()
                        .find(|(former, _)| *former == given.as_str())
                        .map_or(given.as_str(), |(_, name)| name);
                    if FIXED_FIELDS.contains(&name) || !fields.contains_key(name) {
                        return Err(DomainError::invalid(
                            "regras",
                            format!("campo de regra desconhecido ou não configurável: {name}"),
                        ));
                    }
                    fields.insert(name.to_owned(), setting.clone());
                }
                *version = serde_json::from_value(value).map_err(|e| {
                    DomainError::invalid(
                        "regras",
                        format!("valor inválido a partir de {}: {e}", confirmation.a_partir_de),
                    )
                })?;
            }
        }
        *self = book;
        Ok(())
    }

    /// This book with every deadline still awaiting confirmation given a placeholder length (one
    /// calendar day): deciding an act under it shows which deadlines the act would open once
    /// their lengths are confirmed. Never used to decide a real act.
    pub fn with_placeholder_deadlines(&self) -> RuleBook {
        let placeholder =
            Setting::confirmed(DeadlineRule::new(1, Calendar::Corridos, "valor provisório"), "valor provisório");
        let mut book = self.clone();
        for version in &mut book.versions {
            for &key in DeadlineSetting::ALL {
                let setting = version.deadline_setting_mut(key);
                if *setting == Setting::Unconfirmed {
                    *setting = placeholder.clone();
                }
            }
        }
        book
    }

    /// Confirms a value: applies `change` to version `from` and every later one (carry-over).
    ///
    /// # Errors
    /// `Rule` (`regras.versao_desconhecida`) for an unknown id.
    pub fn configure_from(&mut self, from: &str, change: impl Fn(&mut RuleSet)) -> Result<(), DomainError> {
        let start = self.version(from)?.vigente_desde;
        self.versions.iter_mut().filter(|v| v.vigente_desde >= start).for_each(change);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn a_case_binds_to_the_version_in_force_on_its_triggering_fact() {
        let book = RuleBook::builtin();
        assert_eq!(book.in_force_on(date(2002, 6, 1)).unwrap().versao, "seed-2000");
        assert_eq!(book.in_force_on(date(2003, 10, 1)).unwrap().versao, "rn-48-2003");
        assert_eq!(book.in_force_on(date(2023, 7, 2)).unwrap().versao, "rn-483-2022");
        assert_eq!(book.in_force_on(date(2023, 7, 3)).unwrap().versao, "rn-579-2023");
        assert_eq!(book.in_force_on(date(2026, 1, 1)).unwrap().versao, "rn-623-2024");
        assert!(book.in_force_on(date(1999, 12, 31)).is_err());
    }

    #[test]
    fn the_collective_table_of_rn_396_caps_by_exposed_beneficiaries() {
        // RN 124/2006 art. 9 as amended by RN 396/2016.
        let rules = RuleBook::builtin().version("rn-388-2015").unwrap().clone();
        let caps = [1, 1_000, 1_001, 20_001, 100_001, 200_001, 1_000_001].map(|n| rules.max_collective_multiplier(n));
        assert_eq!(caps, [dec!(1), dec!(1), dec!(5), dec!(10), dec!(15), dec!(20), dec!(20)]);
        assert_eq!(RuleBook::builtin().version("seed-2000").unwrap().max_collective_multiplier(50_000), dec!(1));
    }

    #[test]
    fn a_configuration_file_confirms_values_from_a_version_on_and_refuses_unknown_fields() {
        let mut book = RuleBook::builtin();
        let file: Vec<Confirmation> = serde_json::from_str(
            r#"[{"a_partir_de": "rn-388-2015", "valores": {"multa_fatores_porte": {"status": "confirmed",
                "value": [{"max_beneficiaries": null, "factor": "1"}], "norm": "RN 124/2006 art. 10"}}}]"#,
        )
        .unwrap();
        book.confirm(&file).unwrap();
        let later = book.version("rn-623-2024").unwrap();
        assert!(later.porte_factor(1).is_ok());
        let earlier = book.version("rn-48-2003").unwrap();
        assert!(earlier.porte_factor(1).is_err());

        let mut former = RuleBook::builtin();
        let file: Vec<Confirmation> = serde_json::from_str(
            r#"[{"a_partir_de": "rn-388-2015", "valores": {"fine_porte_factors": {"status": "confirmed",
                "value": [{"max_beneficiaries": null, "factor": "1"}], "norm": "RN 124/2006 art. 10"}}}]"#,
        )
        .unwrap();
        former.confirm(&file).unwrap();
        assert_eq!(former, book, "a file written with the former English name confirms the same setting");

        let before = book.clone();
        for bad in [
            r#"[{"a_partir_de": "rn-388-2015", "valores": {"multa_magica": 1}}]"#,
            r#"[{"a_partir_de": "rn-388-2015", "valores": {"versao": "x"}}]"#,
            r#"[{"a_partir_de": "rn-388-2015", "valores": {"multa_minima": "-5"}}]"#,
            r#"[{"a_partir_de": "rn-388-2015", "valores": {"pas_defesa": {"status": "confirmed", "value": 10}}}]"#,
        ] {
            let file: Vec<Confirmation> = serde_json::from_str(bad).unwrap();
            assert!(matches!(book.confirm(&file), Err(DomainError::Invalid { .. })), "{bad}");
            assert_eq!(book, before, "a bad file changes nothing: {bad}");
        }
        let unknown: Vec<Confirmation> = serde_json::from_str(r#"[{"a_partir_de": "rn-999", "valores": {}}]"#).unwrap();
        assert!(book.confirm(&unknown).is_err());
    }

    #[test]
    fn every_deadline_setting_is_named_as_its_field_in_the_rule_table() {
        let mut version = RuleBook::builtin().versions.pop().unwrap();
        let marker = Setting::confirmed(DeadlineRule::new(7, Calendar::Uteis, "marca"), "marca");
        for &key in DeadlineSetting::ALL {
            *version.deadline_setting_mut(key) = marker.clone();
        }
        let table = serde_json::to_value(&version).unwrap();
        let marked: BTreeSet<&str> = table
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, v)| **v == serde_json::to_value(&marker).unwrap())
            .map(|(name, _)| name.as_str())
            .collect();
        let named: BTreeSet<&str> = DeadlineSetting::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(marked, named);
        let deadline_fields =
            table.as_object().unwrap().values().filter(|v| v.pointer("/value/days").is_some()).count();
        assert_eq!(deadline_fields, DeadlineSetting::ALL.len(), "every deadline field has its setting");
    }

    #[test]
    fn placeholder_deadlines_fill_every_unconfirmed_deadline_and_nothing_else() {
        let book = RuleBook::builtin();
        let filled = book.with_placeholder_deadlines();
        let (seed, placeholder) = (book.version("seed-2000").unwrap(), filled.version("seed-2000").unwrap());
        assert!(seed.deadline_rule(DeadlineSetting::PasDefesa).is_err());
        let (rule, _) = placeholder.deadline_rule(DeadlineSetting::PasDefesa).unwrap();
        assert_eq!(rule.days, 1);
        assert!(placeholder.deadline_rule(DeadlineSetting::LeInquerito).is_ok());
        // Not a deadline: stays unconfirmed.
        assert!(placeholder.porte_factor(1).is_err());
        assert!(placeholder.tcac_vedacao_inicio().is_err());
        // Confirmed deadlines keep their values.
        assert_eq!(placeholder.alienacao_determinada, seed.alienacao_determinada);
    }

    #[test]
    fn unconfirmed_values_are_refused_until_configured_and_carry_over() {
        let mut book = RuleBook::builtin();
        let rules = book.version("rn-483-2022").unwrap();
        assert!(matches!(rules.tcac_vedacao_inicio(), Err(DomainError::Unconfigured { .. })));
        book.configure_from("rn-483-2022", |r| {
            r.tcac_vedacao_inicio = Setting::confirmed(TcacBarStart::DataDaDecisaoDicol, "confirmado pela Procuradoria")
        })
        .unwrap();
        let later = book.version("rn-623-2024").unwrap();
        assert!(later.tcac_vedacao_inicio().is_ok());
        let earlier = book.version("rn-388-2015").unwrap();
        assert!(earlier.tcac_vedacao_inicio().is_err());
    }
}
