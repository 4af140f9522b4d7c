//! The operator aggregate (`operadora-{registro}`, docs/DOMAIN.md §4, docs/ARCHITECTURE.md §2): registration,
//! cadastral data, administrators with their periods in office, monthly beneficiary counts and
//! its standing — regimes, liquidation, TCAC bar, sales suspension, cancellation. Standing
//! changes are decided by cases (which emit the operator events); this module decides only the
//! registry acts, and cross-case rules read its state.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::acts::{authorize, find_act};
use crate::{Cnpj, Context, Deadline, DomainError, Emitted, Modalidade, NonEmptyText, Region, Registro, Uf};

/// DF or DT: the two *regimes especiais* that may coexist (a flag set, docs/DOMAIN.md §4 `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegimeKind {
    DirecaoFiscal,
    DirecaoTecnica,
}

/// Cancellation motives, the closed list of docs/DOMAIN.md §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MotivoCancelamento {
    PorSolicitacaoDaOperadora,
    CircularSusep77_1999,
    DescumprimentoRdc77_2001,
    Lei10185_2001,
    LiquidacaoExtrajudicial,
    Incorporacao,
    NaoOperacaoDeliberacaoDc,
    NaoOperacaoEdital2002,
    Filial,
    PessoaJuridicaDeDireitoPublico,
    EncerramentoDeDfComCancelamento,
    SancaoArt25VI,
    /// Cancellation instead of LE (≤ 40 salários mínimos of net obligations, RN 316) [MAN].
    AlternativaALiquidacao,
    /// A motive that fits none of the above; a cancellation from ANS's register of cancelled
    /// operators keeps the register's words with it ([`OperatorEvent::CancelamentoPublicadoRegistrado`]).
    Outro,
}

impl MotivoCancelamento {
    /// Whether ANS imposes it (as opposed to the operator's own request or corporate fact).
    pub fn is_compulsory(self) -> bool {
        !matches!(
            self,
            MotivoCancelamento::PorSolicitacaoDaOperadora
                | MotivoCancelamento::Incorporacao
                | MotivoCancelamento::Filial
        )
    }
}

/// SituacaoRegistro status (docs/DOMAIN.md §2.11).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "situacao", rename_all = "snake_case")]
pub enum SituacaoRegistro {
    #[default]
    NaoRegistrada,
    RegistroProvisorio,
    Registrada,
    Autorizada,
    Cancelada {
        motivo: MotivoCancelamento,
        em: NaiveDate,
    },
}

/// A person in office at the operator (Lei 9.656 arts. 24-A, 25).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Administrator {
    pub administrador_id: Uuid,
    /// Administrators' names are published in ROs; no other personal data is kept here.
    pub nome: String,
    pub cargo: String,
    pub inicio: NaiveDate,
    pub fim: Option<NaiveDate>,
}

/// A regime in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveRegime {
    pub caso: Uuid,
    pub desde: NaiveDate,
    pub vigencia_ate: NaiveDate,
}

/// The operator's state, folded from its stream.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OperadoraState {
    pub registro: Option<Registro>,
    pub cnpj: Option<Cnpj>,
    pub razao_social: String,
    pub modalidade: Option<Modalidade>,
    pub uf: Option<Uf>,
    #[serde(default)]
    pub regiao: Option<Region>,
    #[serde(default)]
    pub municipio: Option<String>,
    /// The reference date of the register snapshot the current cadastral data comes from;
    /// an older snapshot's differences are kept in `historico_cadastral`, not applied.
    #[serde(default)]
    pub cadastro_referencia: Option<NaiveDate>,
    #[serde(default)]
    pub historico_cadastral: Vec<CadastroAnterior>,
    /// The cancellation motive in the words of ANS's register of cancelled operators.
    #[serde(default)]
    pub motivo_cancelamento_publicado: Option<String>,
    /// The IGR values ANS published for the operator, one per competência and coverage.
    #[serde(default)]
    pub igr_publicado: Vec<IgrPublicado>,
    #[serde(alias = "licence")]
    pub situacao_registro: SituacaoRegistro,
    #[serde(alias = "cancellation_case")]
    pub caso_cancelamento: Option<Uuid>,
    pub regimes: BTreeMap<RegimeKind, ActiveRegime>,
    /// Last day of any DF/DT, for the 2-year look-backs (RN 417).
    #[serde(alias = "last_regime_end")]
    pub fim_ultimo_regime: Option<NaiveDate>,
    #[serde(alias = "liquidation_case")]
    pub caso_liquidacao: Option<Uuid>,
    #[serde(alias = "tcac_barred_until")]
    pub tcac_vedado_ate: Option<NaiveDate>,
    /// TCACs in force (case id) and the sanctioning processes each suspends (Lei 9.656 art. 29 §1).
    #[serde(alias = "tcacs_in_force", default)]
    pub tcacs_vigentes: BTreeMap<Uuid, Vec<String>>,
    #[serde(alias = "sales_suspended")]
    pub comercializacao_suspensa: Option<String>,
    #[serde(alias = "compulsory_alienation_case")]
    pub caso_alienacao_compulsoria: Option<Uuid>,
    #[serde(alias = "special_portability")]
    pub portabilidade_especial: Option<Deadline>,
    /// Members moved out by an alienação or portability (a prerequisite of compulsory cancellation).
    #[serde(alias = "carteira_transferred")]
    pub carteira_transferida: bool,
    #[serde(alias = "administrators")]
    pub administradores: Vec<Administrator>,
    /// Beneficiaries by (year, month) as informed (SIB); in JSON `[[ano, mes, quantidade], …]`,
    /// since JSON object keys cannot hold a pair.
    #[serde(with = "month_counts", default)]
    pub beneficiarios_mensais: BTreeMap<(i32, u32), u64>,
    #[serde(alias = "active_freezes")]
    pub indisponibilidades_ativas: BTreeSet<Uuid>,
}

/// Cadastral data of an older register snapshot than the current one: history, not the
/// current value (issue: snapshots imported out of order never undo newer data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadastroAnterior {
    pub referencia: NaiveDate,
    pub razao_social: Option<String>,
    pub cnpj: Option<Cnpj>,
    pub modalidade: Option<Modalidade>,
    pub uf: Option<Uf>,
}

/// An IGR value of ANS's published IGR tables: the reference series beside the index Autos
/// computes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IgrPublicado {
    /// `AAAA-MM`.
    pub competencia: String,
    /// Médico-hospitalar or odontológica, as published.
    pub cobertura: String,
    pub igr: Decimal,
    pub reclamacoes: Option<u64>,
    pub beneficiarios: Option<u64>,
}

/// Monthly counts keyed by (year, month) as a JSON list of `[ano, mes, quantidade]`.
mod month_counts {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(counts: &BTreeMap<(i32, u32), u64>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(counts.iter().map(|((year, month), n)| (year, month, n)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<(i32, u32), u64>, D::Error> {
        let rows = Vec::<(i32, u32, u64)>::deserialize(d)?;
        Ok(rows.into_iter().map(|(year, month, n)| ((year, month), n)).collect())
    }
}

/// Events of the operator stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum OperatorEvent {
    #[serde(rename = "operadora.registrada")]
    Registrada {
        registro: Registro,
        /// Absent for operators known only from the 2000–2003 report, which lists none.
        #[serde(default)]
        cnpj: Option<Cnpj>,
        razao_social: String,
        modalidade: Modalidade,
        #[serde(default)]
        uf: Option<Uf>,
        registro_provisorio: bool,
        #[serde(default)]
        regiao: Option<Region>,
        #[serde(default)]
        municipio: Option<String>,
        /// The reference date of the register snapshot the registration comes from.
        #[serde(default)]
        referencia: Option<NaiveDate>,
    },
    #[serde(rename = "operadora.autorizada")]
    Autorizada {},
    #[serde(rename = "operadora.cadastro_alterado")]
    CadastroAlterado {
        razao_social: Option<String>,
        cnpj: Option<Cnpj>,
        modalidade: Option<Modalidade>,
        uf: Option<Uf>,
        /// The reference date of the register snapshot the change comes from.
        #[serde(default)]
        referencia: Option<NaiveDate>,
        /// The snapshot is older than the current data: recorded as history, not applied.
        #[serde(default)]
        historico: bool,
    },
    #[serde(rename = "operadora.administrador_empossado")]
    AdministradorEmpossado { administrador_id: Uuid, nome: String, cargo: String, inicio: NaiveDate },
    #[serde(rename = "operadora.administrador_desligado")]
    AdministradorDesligado { administrador_id: Uuid, fim: NaiveDate, afastado_pela_ans: bool },
    #[serde(rename = "operadora.igr_publicado_registrado")]
    IgrPublicadoRegistrado { publicado: IgrPublicado },
    #[serde(rename = "operadora.beneficiarios_informados")]
    BeneficiariosInformados { ano: i32, mes: u32, quantidade: u64 },
    #[serde(rename = "operadora.regime_instaurado")]
    RegimeInstaurado { regime: RegimeKind, caso: Uuid, desde: NaiveDate, vigencia_ate: NaiveDate },
    #[serde(rename = "operadora.regime_renovado")]
    RegimeRenovado { regime: RegimeKind, caso: Uuid, vigencia_ate: NaiveDate },
    #[serde(rename = "operadora.regime_encerrado")]
    RegimeEncerrado { regime: RegimeKind, caso: Uuid, em: NaiveDate },
    #[serde(rename = "operadora.liquidacao_decretada")]
    LiquidacaoDecretada { caso: Uuid },
    #[serde(rename = "operadora.liquidacao_encerrada")]
    LiquidacaoEncerrada { caso: Uuid },
    #[serde(rename = "operadora.tcac_vedado")]
    TcacVedado { caso: Uuid, ate: NaiveDate },
    #[serde(rename = "operadora.tcac_em_vigor")]
    TcacEmVigor { caso: Uuid, processos: Vec<String> },
    #[serde(rename = "operadora.tcac_encerrado")]
    TcacEncerrado { caso: Uuid },
    #[serde(rename = "operadora.comercializacao_suspensa")]
    ComercializacaoSuspensa { escopo: String },
    #[serde(rename = "operadora.comercializacao_restabelecida")]
    ComercializacaoRestabelecida {},
    #[serde(rename = "operadora.carteira_transferida")]
    CarteiraTransferida { caso: Uuid, beneficiarios: u64 },
    #[serde(rename = "operadora.alienacao_compulsoria_iniciada")]
    AlienacaoCompulsoriaIniciada { caso: Uuid },
    /// The auction ended, with the carteira transferred or without bids (RDC 82/2001).
    #[serde(rename = "operadora.alienacao_compulsoria_encerrada")]
    AlienacaoCompulsoriaEncerrada { caso: Uuid },
    #[serde(rename = "operadora.portabilidade_especial_decretada")]
    PortabilidadeEspecialDecretada { caso: Uuid, prazo: Deadline },
    #[serde(rename = "operadora.cancelamento_iniciado")]
    CancelamentoIniciado { caso: Uuid, motivo: MotivoCancelamento },
    #[serde(rename = "operadora.registro_cancelado")]
    RegistroCancelado { caso: Uuid, motivo: MotivoCancelamento, em: NaiveDate },
    /// A cancellation ANS published in its register of cancelled operators, recorded from it:
    /// the motive mapped to the closed list where one fits, and as ANS wrote it.
    #[serde(rename = "operadora.cancelamento_publicado_registrado")]
    CancelamentoPublicadoRegistrado { motivo: MotivoCancelamento, motivo_publicado: String, em: NaiveDate },
    #[serde(rename = "operadora.indisponibilidade_registrada")]
    IndisponibilidadeRegistrada { caso: Uuid },
    #[serde(rename = "operadora.indisponibilidade_encerrada")]
    IndisponibilidadeEncerrada { caso: Uuid },
}

/// Registry acts on an operator (the JSON `act` tag is the catalogue name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(tag = "act", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OperatorCommand {
    RegistrarOperadora {
        registro: Registro,
        /// Required for new registrations by law; absent only in historical registers.
        #[serde(default)]
        cnpj: Option<Cnpj>,
        razao_social: NonEmptyText,
        modalidade: Modalidade,
        #[serde(default)]
        uf: Option<Uf>,
        registro_provisorio: bool,
        /// The head office's region, when the register gives it instead of the UF.
        #[serde(default)]
        regiao: Option<Region>,
        #[serde(default)]
        municipio: Option<String>,
        /// The reference date of the register snapshot the registration comes from.
        #[serde(default)]
        referencia: Option<NaiveDate>,
    },
    ConcederAutorizacaoFuncionamento {
        documento: NonEmptyText,
    },
    AlterarCadastro {
        #[serde(default)]
        razao_social: Option<String>,
        #[serde(default)]
        cnpj: Option<Cnpj>,
        #[serde(default)]
        modalidade: Option<Modalidade>,
        #[serde(default)]
        uf: Option<Uf>,
        /// The reference date of the register snapshot the change comes from; a change older
        /// than the operator's current data is recorded as history.
        #[serde(default)]
        referencia: Option<NaiveDate>,
    },
    /// Records a cancellation from ANS's register of cancelled operators, on its legal date.
    RegistrarCancelamentoPublicado {
        motivo: MotivoCancelamento,
        motivo_publicado: NonEmptyText,
    },
    RegistrarAdministrador {
        administrador_id: Uuid,
        nome: NonEmptyText,
        cargo: NonEmptyText,
        inicio: NaiveDate,
    },
    RegistrarSaidaAdministrador {
        administrador_id: Uuid,
        fim: NaiveDate,
    },
    InformarBeneficiarios {
        ano: i32,
        mes: u32,
        quantidade: u64,
    },
    /// Records a value of ANS's published IGR tables (the reference series).
    RegistrarIgrPublicado {
        /// `AAAA-MM`.
        competencia: String,
        cobertura: NonEmptyText,
        igr: Decimal,
        #[serde(default)]
        reclamacoes: Option<u64>,
        #[serde(default)]
        beneficiarios: Option<u64>,
    },
    SuspenderComercializacao {
        escopo: NonEmptyText,
        documento: NonEmptyText,
    },
    RestabelecerComercializacao {
        documento: NonEmptyText,
    },
}

impl OperatorCommand {
    /// The catalogue name of the act.
    pub fn act(&self) -> &'static str {
        self.into()
    }
}

/// Brazil's population in IBGE's Censo 2022: no count of persons an act states can exceed it.
pub const POPULACAO_DO_BRASIL: u64 = 203_080_756;

/// Refuses a count of beneficiaries (or of persons complaining) larger than Brazil's
/// population: a number typed or imported wrong, never a fact.
///
/// # Errors
/// `Rule` `contagem.acima_da_populacao`, with the norm of the beneficiary register.
pub(crate) fn refuse_implausible_counts(counts: &[(&str, u64)]) -> Result<(), DomainError> {
    match counts.iter().find(|(_, n)| *n > POPULACAO_DO_BRASIL) {
        Some((field, n)) => Err(DomainError::rule(
            "contagem.acima_da_populacao",
            "RN 17/2002 (SIB); Lei 9.656/1998 art. 20",
            format!("{field}: {n} é mais do que a população do Brasil (Censo 2022 do IBGE: 203.080.756 pessoas)"),
        )),
        None => Ok(()),
    }
}

/// A competência (a month) written AAAA-MM, as ANS's files and the read models write it.
///
/// # Errors
/// `Invalid` (field `competencia`) for anything else.
pub(crate) fn competencia_of(text: &str) -> Result<String, DomainError> {
    let text = text.trim();
    if text.len() != 7 || NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").is_err() {
        return Err(DomainError::invalid("competencia", format!("esperado AAAA-MM: {text:?}")));
    }
    Ok(text.to_owned())
}

impl OperadoraState {
    /// Folds one event; never fails and holds no business rule.
    pub fn evolve(&mut self, event: &OperatorEvent) {
        use OperatorEvent as E;
        match event {
            E::Registrada {
                registro,
                cnpj,
                razao_social,
                modalidade,
                uf,
                registro_provisorio,
                regiao,
                municipio,
                referencia,
            } => {
                self.registro = Some(*registro);
                self.cadastro_referencia = *referencia;
                self.cnpj.clone_from(cnpj);
                self.regiao = regiao.or_else(|| uf.map(Uf::region));
                self.municipio.clone_from(municipio);
                self.razao_social.clone_from(razao_social);
                self.modalidade = Some(*modalidade);
                self.uf = *uf;
                self.situacao_registro = if *registro_provisorio {
                    SituacaoRegistro::RegistroProvisorio
                } else {
                    SituacaoRegistro::Registrada
                };
            }
            E::Autorizada {} => self.situacao_registro = SituacaoRegistro::Autorizada,
            E::CadastroAlterado {
                razao_social,
                cnpj,
                modalidade,
                uf,
                referencia: Some(referencia),
                historico: true,
            } => {
                self.historico_cadastral.push(CadastroAnterior {
                    referencia: *referencia,
                    razao_social: razao_social.clone(),
                    cnpj: cnpj.clone(),
                    modalidade: *modalidade,
                    uf: *uf,
                });
            }
            E::CadastroAlterado { razao_social, cnpj, modalidade, uf, referencia, .. } => {
                self.cadastro_referencia = self.cadastro_referencia.max(*referencia);
                if let Some(v) = razao_social {
                    self.razao_social.clone_from(v);
                }
                if let Some(v) = cnpj {
                    self.cnpj = Some(v.clone());
                }
                self.modalidade = modalidade.or(self.modalidade);
                self.uf = uf.or(self.uf);
            }
            E::AdministradorEmpossado { administrador_id, nome, cargo, inicio } => {
                self.administradores.push(Administrator {
                    administrador_id: *administrador_id,
                    nome: nome.clone(),
                    cargo: cargo.clone(),
                    inicio: *inicio,
                    fim: None,
                })
            }
            E::AdministradorDesligado { administrador_id, fim, .. } => {
                for a in self
                    .administradores
                    .iter_mut()
                    .filter(|a| a.administrador_id == *administrador_id && a.fim.is_none())
                {
                    a.fim = Some(*fim);
                }
            }
            E::BeneficiariosInformados { ano, mes, quantidade } => {
                self.beneficiarios_mensais.insert((*ano, *mes), *quantidade);
            }
            E::IgrPublicadoRegistrado { publicado } => {
                self.igr_publicado
                    .retain(|p| (&p.competencia, &p.cobertura) != (&publicado.competencia, &publicado.cobertura));
                self.igr_publicado.push(publicado.clone());
            }
            E::RegimeInstaurado { regime, caso, desde, vigencia_ate } => {
                self.regimes.insert(*regime, ActiveRegime { caso: *caso, desde: *desde, vigencia_ate: *vigencia_ate });
            }
            E::RegimeRenovado { regime, vigencia_ate, .. } => {
                if let Some(r) = self.regimes.get_mut(regime) {
                    r.vigencia_ate = *vigencia_ate;
                }
            }
            E::RegimeEncerrado { regime, em, .. } => {
                self.regimes.remove(regime);
                self.fim_ultimo_regime = Some(*em);
            }
            E::LiquidacaoDecretada { caso } => self.caso_liquidacao = Some(*caso),
            E::LiquidacaoEncerrada { .. } => self.caso_liquidacao = None,
            E::TcacVedado { ate, .. } => {
                self.tcac_vedado_ate = Some(self.tcac_vedado_ate.map_or(*ate, |d| d.max(*ate)))
            }
            E::TcacEmVigor { caso, processos } => {
                self.tcacs_vigentes.insert(*caso, processos.clone());
            }
            E::TcacEncerrado { caso } => {
                self.tcacs_vigentes.remove(caso);
            }
            E::ComercializacaoSuspensa { escopo } => self.comercializacao_suspensa = Some(escopo.clone()),
            E::ComercializacaoRestabelecida {} => self.comercializacao_suspensa = None,
            E::CarteiraTransferida { .. } => self.carteira_transferida = true,
            E::AlienacaoCompulsoriaIniciada { caso } => self.caso_alienacao_compulsoria = Some(*caso),
            E::AlienacaoCompulsoriaEncerrada { caso } => {
                if self.caso_alienacao_compulsoria == Some(*caso) {
                    self.caso_alienacao_compulsoria = None;
                }
            }
            E::PortabilidadeEspecialDecretada { prazo, .. } => self.portabilidade_especial = Some(prazo.clone()),
            E::CancelamentoIniciado { caso, .. } => self.caso_cancelamento = Some(*caso),
            E::RegistroCancelado { motivo, em, .. } => {
                self.situacao_registro = SituacaoRegistro::Cancelada { motivo: *motivo, em: *em };
                self.caso_cancelamento = None;
            }
            E::CancelamentoPublicadoRegistrado { motivo, motivo_publicado, em } => {
                self.situacao_registro = SituacaoRegistro::Cancelada { motivo: *motivo, em: *em };
                self.motivo_cancelamento_publicado = Some(motivo_publicado.clone());
            }
            E::IndisponibilidadeRegistrada { caso } => {
                self.indisponibilidades_ativas.insert(*caso);
            }
            E::IndisponibilidadeEncerrada { caso } => {
                self.indisponibilidades_ativas.remove(caso);
            }
        }
    }

    /// Whether the registry knows the operator.
    pub fn is_registered(&self) -> bool {
        self.registro.is_some()
    }

    /// Whether the registration was cancelled (terminal).
    pub fn is_cancelled(&self) -> bool {
        matches!(self.situacao_registro, SituacaoRegistro::Cancelada { .. })
    }

    /// Beneficiaries of the last month informed on or before `date`'s month (0 when none).
    pub fn beneficiaries_on(&self, date: NaiveDate) -> u64 {
        self.beneficiarios_mensais.range(..=(date.year(), date.month())).next_back().map_or(0, |(_, n)| *n)
    }

    /// The TCAC in force that suspends sanctioning process `processo`, if any. Process numbers
    /// are compared by their letters and digits only, so "33910.018565/2019-58" and
    /// "33910018565201958" name the same process.
    pub fn tcac_suspending(&self, processo: &str) -> Option<Uuid> {
        let key = |text: &str| text.chars().filter(char::is_ascii_alphanumeric).collect::<String>();
        let wanted = key(processo);
        self.tcacs_vigentes.iter().find(|(_, listed)| listed.iter().any(|p| key(p) == wanted)).map(|(caso, _)| *caso)
    }

    /// Administrators in office at any time within `months` months before `date` (Lei 9.656 art. 24-A).
    pub fn administrators_within(&self, date: NaiveDate, months: u32) -> Vec<Administrator> {
        let from = date.checked_sub_months(Months::new(months)).unwrap_or(date);
        self.administradores.iter().filter(|a| a.inicio <= date && a.fim.is_none_or(|f| f >= from)).cloned().collect()
    }

    /// The registro, for acts that require a registered operator.
    ///
    /// # Errors
    /// `Rule` (`operadora.nao_registrada`) when unknown.
    pub fn require_registro(&self) -> Result<Registro, DomainError> {
        self.registro.ok_or_else(|| {
            DomainError::rule("operadora.nao_registrada", "Lei 9.656/1998 art. 8", "operadora não registrada na ANS")
        })
    }

    /// Refuses acts on a cancelled operator (docs/DOMAIN.md §2.11: CANCELLED is terminal).
    ///
    /// # Errors
    /// `Rule` (`operadora.registro_cancelado`).
    pub fn require_not_cancelled(&self) -> Result<(), DomainError> {
        if let SituacaoRegistro::Cancelada { em, .. } = self.situacao_registro {
            return Err(DomainError::rule(
                "operadora.registro_cancelado",
                "Lei 9.656/1998 arts. 8 e 25 VI; RN 85/2004 (registro cancelado)",
                format!("o registro da operadora foi cancelado em {em}; um novo ente precisa de novo registro"),
            ));
        }
        Ok(())
    }
}

/// The register of cancelled operators ANS publishes with its open data (the cadastro of operators).
const NORM_PUBLISHED_CANCELLATION: &str = "Lei 9.656/1998 art. 8; RN 85/2004 (cadastro de operadoras canceladas)";

/// ANS's published IGR (Índice Geral de Reclamações) tables.
const NORM_PUBLISHED_IGR: &str = "RN 623/2024 (IGR); dados abertos da ANS, IGR";

/// Registrations dated before this day may lack the CNPJ (the seed report's register).
const HISTORICAL_REGISTER_UNTIL: NaiveDate = match NaiveDate::from_ymd_opt(2004, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// Decides a registry act on an operator.
///
/// # Errors
/// `Forbidden` for a role not allowed; `Rule` for a registered/cancelled conflict; `Invalid`
/// for inconsistent input.
pub fn decide_operator(
    state: &OperadoraState,
    command: OperatorCommand,
    ctx: &Context<'_>,
) -> Result<Vec<Emitted>, DomainError> {
    use OperatorCommand as C;
    use OperatorEvent as E;
    authorize(find_act(command.act())?, ctx)?;
    refuse_implausible_counts(&match &command {
        C::InformarBeneficiarios { quantidade, .. } => vec![("quantidade", *quantidade)],
        C::RegistrarIgrPublicado { reclamacoes, beneficiarios, .. } => {
            [("reclamacoes", *reclamacoes), ("beneficiarios", *beneficiarios)]
                .into_iter()
                .filter_map(|(field, n)| Some((field, n?)))
                .collect()
        }
        _ => Vec::new(),
    })?;
    if let C::RegistrarOperadora {
        registro,
        cnpj,
        razao_social,
        modalidade,
        uf,
        registro_provisorio,
        regiao,
        municipio,
        referencia,
    } = command
    {
        if state.is_registered() {
            return Err(DomainError::rule(
                "operadora.ja_registrada",
                "Lei 9.656/1998 art. 8",
                format!("a operadora {registro} já está registrada"),
            ));
        }
        match &cnpj {
            Some(c) => check_cnpj_date(c, ctx.today)?,
            // The 2000–2003 report lists operators without their CNPJ; any later registration
            // must carry it (Lei 9.656/1998 art. 8, RN 85/2004).
            None if ctx.today >= HISTORICAL_REGISTER_UNTIL => {
                return Err(DomainError::invalid("cnpj", "o CNPJ é obrigatório para registrar uma operadora"));
            }
            None => {}
        }
        let razao_social = String::from(razao_social);
        let basis = if registro_provisorio {
            "RDC 05/2000 (registro provisório)"
        } else {
            "Lei 9.656/1998 art. 8; RN 85/2004"
        };
        let event = E::Registrada {
            registro,
            cnpj,
            razao_social,
            modalidade,
            uf,
            registro_provisorio,
            regiao,
            municipio,
            referencia,
        };
        return Ok(vec![Emitted::operator(registro, event, ctx, basis, None)]);
    }
    let registro = state.require_registro()?;
    state.require_not_cancelled()?;
    let one = |event, basis: &str, doc: Option<&str>| Ok(vec![Emitted::operator(registro, event, ctx, basis, doc)]);
    match command {
        C::RegistrarOperadora { .. } => Err(DomainError::invalid("act", "registro tratado acima")),
        C::ConcederAutorizacaoFuncionamento { documento } => {
            if state.situacao_registro == SituacaoRegistro::Autorizada {
                return Err(DomainError::rule(
                    "operadora.ja_autorizada",
                    "RN 85/2004",
                    "a operadora já tem autorização de funcionamento",
                ));
            }
            one(E::Autorizada {}, "Lei 9.656/1998 art. 8; RN 85/2004", Some(&documento))
        }
        C::AlterarCadastro { razao_social, cnpj, modalidade, uf, referencia } => {
            if let Some(c) = &cnpj {
                check_cnpj_date(c, ctx.today)?;
            }
            let razao_social =
                razao_social.map(|r| NonEmptyText::parse("razao_social", r).map(String::from)).transpose()?;
            let historico = referencia.zip(state.cadastro_referencia).is_some_and(|(new, current)| new < current);
            // A newer snapshot with the same data confirms it as of its reference date, so that
            // an older snapshot imported later is known to be older.
            let confirms = referencia.is_some_and(|new| state.cadastro_referencia.is_none_or(|current| new > current));
            if razao_social.is_none() && cnpj.is_none() && modalidade.is_none() && uf.is_none() && !confirms {
                return Err(DomainError::invalid("cadastro", "nenhuma alteração informada"));
            }
            one(
                E::CadastroAlterado { razao_social, cnpj, modalidade, uf, referencia, historico },
                "RN 85/2004 (atualização cadastral)",
                None,
            )
        }
        C::RegistrarCancelamentoPublicado { motivo, motivo_publicado } => one(
            E::CancelamentoPublicadoRegistrado {
                motivo,
                motivo_publicado: String::from(motivo_publicado),
                em: ctx.today,
            },
            NORM_PUBLISHED_CANCELLATION,
            None,
        ),
        C::RegistrarAdministrador { administrador_id, nome, cargo, inicio } => {
            if state.administradores.iter().any(|a| a.administrador_id == administrador_id && a.fim.is_none()) {
                return Err(DomainError::invalid("administrador_id", "administrador já está em exercício"));
            }
            let (nome, cargo) = (String::from(nome), String::from(cargo));
            one(
                E::AdministradorEmpossado { administrador_id, nome, cargo, inicio },
                "RDC 79/2001 (administradores)",
                None,
            )
        }
        C::RegistrarSaidaAdministrador { administrador_id, fim } => {
            let current =
                state.administradores.iter().find(|a| a.administrador_id == administrador_id && a.fim.is_none());
            match current {
                None => Err(DomainError::invalid("administrador_id", "administrador não está em exercício")),
                Some(a) if fim < a.inicio => Err(DomainError::invalid("fim", "a saída não pode anteceder a posse")),
                Some(_) => one(
                    E::AdministradorDesligado { administrador_id, fim, afastado_pela_ans: false },
                    "RDC 79/2001 (administradores)",
                    None,
                ),
            }
        }
        C::InformarBeneficiarios { ano, mes, quantidade } => {
            if !(1..=12).contains(&mes) || (ano, mes) > (ctx.today.year(), ctx.today.month()) {
                return Err(DomainError::invalid("mes", format!("competência inválida ou futura: {mes:02}/{ano}")));
            }
            one(E::BeneficiariosInformados { ano, mes, quantidade }, "RDC 03/2000; RN 17/2002 (SIB)", None)
        }
        C::RegistrarIgrPublicado { competencia, cobertura, igr, reclamacoes, beneficiarios } => {
            let competencia = competencia_of(&competencia)?;
            if igr.is_sign_negative() {
                return Err(DomainError::invalid("igr", "o IGR não pode ser negativo"));
            }
            let publicado =
                IgrPublicado { competencia, cobertura: String::from(cobertura), igr, reclamacoes, beneficiarios };
            one(E::IgrPublicadoRegistrado { publicado }, NORM_PUBLISHED_IGR, None)
        }
        C::SuspenderComercializacao { escopo, documento } => one(
            E::ComercializacaoSuspensa { escopo: String::from(escopo) },
            "Lei 9.656/1998 art. 9 §4",
            Some(&documento),
        ),
        C::RestabelecerComercializacao { documento } => {
            if state.comercializacao_suspensa.is_none() {
                return Err(DomainError::rule(
                    "operadora.comercializacao_nao_suspensa",
                    "Lei 9.656/1998 art. 9 §4",
                    "a comercialização não está suspensa",
                ));
            }
            one(E::ComercializacaoRestabelecida {}, "Lei 9.656/1998 art. 9 §4", Some(&documento))
        }
    }
}

fn check_cnpj_date(cnpj: &Cnpj, today: NaiveDate) -> Result<(), DomainError> {
    if cnpj.is_alphanumeric() && today < Cnpj::alphanumeric_from() {
        return Err(DomainError::invalid(
            "cnpj",
            "CNPJ alfanumérico só existe a partir de julho de 2026 (IN RFB 2.229/2024)",
        ));
    }
    Ok(())
}

impl OperadoraState {
    /// Whether the members were provided for before a compulsory cancellation (docs/DOMAIN.md §2.11):
    /// none left, the carteira transferred, or the special portability window over.
    pub fn members_provided_for(&self, today: NaiveDate) -> bool {
        self.beneficiaries_on(today) == 0
            || self.carteira_transferida
            || self.portabilidade_especial.as_ref().is_some_and(|p| p.has_expired(today))
    }

    /// Refuses a compulsory cancellation that would leave members unprovided for.
    ///
    /// # Errors
    /// `Rule` (`cancelamento.beneficiarios_sem_transferencia`).
    pub fn require_members_provided_for(&self, today: NaiveDate) -> Result<(), DomainError> {
        if !self.members_provided_for(today) {
            return Err(DomainError::rule(
                "cancelamento.beneficiarios_sem_transferencia",
                "RN 438/2018 (portabilidade especial); RN 112/2005 (alienação de carteira)",
                format!("a operadora tem {} beneficiários e não houve transferência da carteira nem portabilidade especial encerrada", self.beneficiaries_on(today)),
            ));
        }
        Ok(())
    }
}
