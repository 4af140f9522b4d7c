//! `CaseCommand`: every case act as one flat serde enum tagged by `act`, so the HTTP layer
//! deserializes `{"act": "instaurar_direcao_fiscal", ...}` directly. Field names are the JSON
//! names. Which roles may send each act is in [`crate::acts`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::alienacao::{Abrangencia, CompulsoryGround};
use super::demanda::{DemandKind, TemaDemanda};
use super::indisponibilidade::CourtEffect;
use super::liquidacao::{BankruptcyGround, InquiryPhase, LeClosure, LeGround, MemberTransfer};
use super::nip::{NipClassification, NipKind};
use super::regime::{DtHypothesis, DtProgramStage, Medida, RegimeClosure};
use super::representacao::{OriginArea, RepresentationSubject};
use super::sancionador::{AppealDecision, FirstInstanceDecision, InstalmentPlan};
use super::DeadlineKey;
use crate::fine::FineInputs;
use crate::operator::MotivoCancelamento;
use crate::rules::DiscountKind;
use crate::{Money, NonEmptyText, Registro, SealedPersonalData, Uf};

/// A case act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(tag = "act", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CaseCommand {
    ProrrogarPrazo {
        prazo: DeadlineKey,
        motivo: NonEmptyText,
    },
    /// Assigns (or reassigns) the case to an officer (by id), a Núcleo, or both.
    AtribuirCaso {
        #[serde(default)]
        responsavel: Option<String>,
        #[serde(default)]
        nucleo: Option<String>,
        #[serde(default)]
        motivo: Option<String>,
    },
    // — direção fiscal / técnica (§2.2–2.3)
    InstaurarDirecaoFiscal {
        registro: Registro,
        motivos: Vec<String>,
        diretor_fiscal: NonEmptyText,
        documento: NonEmptyText,
        #[serde(default)]
        vigencia_dias: Option<u32>,
    },
    NotificarAnomaliaAssistencial {
        registro: Registro,
        falhas: Vec<String>,
        recebido_em: NaiveDate,
        documento: NonEmptyText,
    },
    ComprovarCessacaoAnomalias {
        descricao: NonEmptyText,
    },
    InstaurarDirecaoTecnica {
        diretor_tecnico: NonEmptyText,
        hipotese: DtHypothesis,
        documento: NonEmptyText,
        #[serde(default)]
        vigencia_dias: Option<u32>,
    },
    EmitirInstrucaoDiretiva {
        numero: NonEmptyText,
        assunto: NonEmptyText,
    },
    AfastarAdministrador {
        administrador_id: Uuid,
        motivo: NonEmptyText,
        documento: NonEmptyText,
    },
    RenovarRegime {
        vigencia_dias: u32,
        justificativa: NonEmptyText,
        documento: NonEmptyText,
    },
    DeterminarMedida {
        medida: Medida,
        documento: NonEmptyText,
    },
    EncerrarRegime {
        motivo: RegimeClosure,
        documento: NonEmptyText,
    },
    SolicitarProgramaSaneamento {
        recebido_em: NaiveDate,
    },
    RegistrarProgramaApresentado {
        protocolo: NonEmptyText,
    },
    RegistrarProgramaNaoApresentado {},
    DecidirProgramaSaneamento {
        aprovado: bool,
        fundamentacao: NonEmptyText,
    },
    RegistrarDescumprimentoPrograma {
        descricao: NonEmptyText,
    },
    InterporRecursoPrograma {
        efeito_suspensivo_pedido: bool,
    },
    JulgarRecursoPrograma {
        provido: bool,
        documento: NonEmptyText,
    },
    RegistrarProgramaAssistencial {
        etapa: DtProgramStage,
    },
    DispensarProgramaAssistencial {
        motivo: NonEmptyText,
    },
    // — indisponibilidade de bens (§2.10)
    EstenderIndisponibilidade {
        pessoa_id: Uuid,
        nome: NonEmptyText,
        cargo: NonEmptyText,
        motivacao: String,
    },
    RegistrarResultadoApuracao {
        houve_prejuizo: bool,
        documento: NonEmptyText,
    },
    RegistrarDecisaoJudicial {
        efeito: CourtEffect,
        documento: NonEmptyText,
    },
    // — liquidação extrajudicial (§2.4)
    DecretarLiquidacao {
        registro: Registro,
        liquidante: NonEmptyText,
        fundamento: LeGround,
        documento: NonEmptyText,
    },
    RegistrarTransferenciaBeneficiarios {
        forma: MemberTransfer,
    },
    ApresentarBalancoECredores {
        credores: u32,
    },
    AvancarInquerito {
        fase: InquiryPhase,
    },
    ConcluirInquerito {
        houve_prejuizo: bool,
        documento: NonEmptyText,
    },
    AutorizarRequerimentoFalencia {
        fundamento: BankruptcyGround,
        documento: NonEmptyText,
    },
    EncerrarLiquidacao {
        motivo: LeClosure,
        documento: NonEmptyText,
    },
    // — cancelamento de registro (§2.11)
    IniciarCancelamentoRegistro {
        registro: Registro,
        motivo: MotivoCancelamento,
        documento: NonEmptyText,
    },
    DecretarPortabilidadeEspecial {
        publicada_em: NaiveDate,
        documento: NonEmptyText,
    },
    CancelarRegistro {
        documento: NonEmptyText,
    },
    // — demandas do Disque ANS (§2.8, 2001–2003)
    RegistrarDemandaDisqueAns {
        registro: Registro,
        tipo: DemandKind,
        tema: TemaDemanda,
        /// telefone, fale conosco, presencial…
        canal: NonEmptyText,
        /// The complainant, sealed by the store's personal-data vault; never clear text.
        #[serde(default)]
        reclamante: Option<SealedPersonalData>,
    },
    ResponderConsulta {
        resposta: NonEmptyText,
    },
    AvaliarDenuncia {
        potencialmente_irregular: bool,
        fundamentacao: NonEmptyText,
    },
    /// Reconsiders the last evaluation of a denúncia (Lei 9.784/1999 art. 56 §1): the
    /// evaluation stands recorded and the denúncia returns to the instance that made it.
    ReconsiderarAvaliacaoDenuncia {
        fundamentacao: NonEmptyText,
        documento: NonEmptyText,
    },
    EncaminharAoNucleo {
        nucleo: NonEmptyText,
    },
    ConcluirApuracao {
        procedente: bool,
        relatorio: NonEmptyText,
    },
    // — alienação de carteira (§2.5)
    RequererAlienacaoVoluntaria {
        registro: Registro,
        /// The acquiring operator, which signs the responsibility terms (RN 112/2005).
        adquirente: Registro,
        abrangencia: Abrangencia,
        /// Members the transfer covers.
        beneficiarios: u64,
        data_pretendida: NaiveDate,
        documento: NonEmptyText,
    },
    DecidirAlienacaoVoluntaria {
        autorizada: bool,
        /// The acquirer of the request, named again so that its stream is loaded and pinned
        /// (`related_registros`) and the acquirer bar is decided against it.
        adquirente: Registro,
        fundamentacao: NonEmptyText,
        documento: NonEmptyText,
    },
    DeterminarAlienacao {
        registro: Registro,
        /// Receipt of the decision by the operator, from which the term runs (RDC 84/2001).
        recebido_em: NaiveDate,
        motivos: Vec<String>,
        documento: NonEmptyText,
    },
    IniciarAlienacaoCompulsoria {
        registro: Registro,
        fundamento: CompulsoryGround,
        documento: NonEmptyText,
    },
    RegistrarResultadoLeilao {
        /// Winning operators; empty when no bid came (*leilão deserto*).
        arrematantes: Vec<Registro>,
        documento: NonEmptyText,
    },
    ComprovarTransferenciaCarteira {
        /// Operators that received members: required for an ordered alienação, whose acquirers
        /// are not known before; otherwise among the authorised acquirer or auction winners.
        #[serde(default)]
        adquirentes: Vec<Registro>,
        beneficiarios: u64,
        /// Declared facts of RDC 84/2001 art. 2: contracts kept, no new waiting periods.
        nova_carencia: bool,
        aniversario_mantido: bool,
        documento: NonEmptyText,
    },
    RegistrarDescumprimentoAlienacao {
        descricao: NonEmptyText,
    },
    // — NIP (§2.8, RN 343/2013 onwards)
    RegistrarReclamacaoNip {
        registro: Registro,
        /// Disque ANS, formulário eletrônico, presencial…
        canal: NonEmptyText,
        /// The protocol the operator gave the beneficiary before the complaint.
        protocolo_operadora: String,
        tema: TemaDemanda,
        /// The beneficiary, sealed by the store's personal-data vault; never clear text.
        beneficiario: SealedPersonalData,
    },
    /// A NIP demand as ANS publishes it in its open data, recorded whole with its outcome.
    /// The file holds no personal data, and none is asked for here.
    RegistrarDemandaNipPublicada {
        registro: Registro,
        /// ANS's demand number (`NUMERO_DA_DEMANDA`): one case per demand.
        numero_demanda: NonEmptyText,
        /// `FORMA_DE_CONTATO_COM_A_ANS`.
        canal: NonEmptyText,
        /// `ASSUNTO`, the `>>` path of themes as published.
        assunto: NonEmptyText,
        tema: TemaDemanda,
        /// `NATUREZA_DA_NIP`.
        natureza: NipKind,
        /// `CLASSIFICACAO_DA_NIP` where it names one of RN 388/2015's classifications.
        #[serde(default)]
        classificacao: Option<NipClassification>,
        /// `CLASSIFICACAO_DA_NIP` as published.
        #[serde(default)]
        classificacao_publicada: Option<String>,
        #[serde(default)]
        situacao_demanda: Option<String>,
        #[serde(default)]
        situacao_nip: Option<String>,
        #[serde(default)]
        tipo_de_plano: Option<String>,
        #[serde(default)]
        uf_consumidor: Option<Uf>,
        /// The auto de infração the NIP led to, if any (`DATA_DO_AUTO`, `NUMERO_PROCESSO`).
        #[serde(default)]
        data_do_auto: Option<NaiveDate>,
        #[serde(default)]
        numero_processo: Option<String>,
        /// `ANO_DE_REFERENCIA` and `MES_DE_REFERENCIA` as AAAA-MM: the month ANS counts it in.
        #[serde(default)]
        competencia: Option<String>,
        /// `MODALIDADE_DA_OPERADORA` as published (the operator's modalidade at the time).
        #[serde(default)]
        modalidade_publicada: Option<String>,
    },
    NotificarOperadoraNip {
        tipo: NipKind,
    },
    RegistrarRespostaOperadora {
        /// Date of the redress the answer proves, if it proves one.
        #[serde(default)]
        reparacao_em: Option<NaiveDate>,
        /// Reference of the answer filed in the Espaço da Operadora (its text is not kept).
        documento: NonEmptyText,
    },
    ClassificarNip {
        classificacao: NipClassification,
        fundamentacao: NonEmptyText,
    },
    RevisarRve {
        /// The RVE requisite found missing.
        fundamentacao: NonEmptyText,
        documento: NonEmptyText,
    },
    // — representações (§2.9)
    RegistrarRepresentacao {
        registro: Registro,
        origem: OriginArea,
        assunto: RepresentationSubject,
        /// The legal or infralegal obligation the operator failed (e.g. "RN 124/2006 art. 2").
        obrigacao: NonEmptyText,
        periodo_inicio: NaiveDate,
        periodo_fim: NaiveDate,
        documento: NonEmptyText,
    },
    DistribuirRepresentacao {
        unidade: NonEmptyText,
    },
    ArquivarRepresentacao {
        motivo: NonEmptyText,
    },
    // — TCAC (§2.6)
    RequererTcac {
        registro: Registro,
        /// Numbers of the sanctioning processes the term would cover.
        processos: Vec<String>,
        conduta: NonEmptyText,
        #[serde(default)]
        oferecido_pela_ans: bool,
        /// The conduct is still inside a NIP (RN 372 art. 5: no TCAC).
        #[serde(default)]
        conduta_em_nip: bool,
        /// The conduct is a denial of urgency/emergency coverage (RN 372 art. 5: no TCAC).
        #[serde(default)]
        negativa_de_urgencia: bool,
        documento: NonEmptyText,
    },
    TriarTcac {
        admitido: bool,
        fundamentacao: NonEmptyText,
    },
    AprovarMinutaTcac {
        documento: NonEmptyText,
    },
    RegistrarAssinaturaCompromissaria {},
    AutorizarTcac {
        numero: NonEmptyText,
        documento: NonEmptyText,
    },
    ComprovarPagamentoAntecipadoTcac {},
    DeclararNulidadeTcac {
        documento: NonEmptyText,
    },
    DecidirCumprimentoTcac {
        cumprido: bool,
        #[serde(default)]
        data_descumprimento: Option<NaiveDate>,
        documento: NonEmptyText,
    },
    // — processo administrativo sancionador (§2.7, §3)
    LavrarAutoInfracao {
        registro: Registro,
        /// Process number (NUP); a TCAC names the processes it suspends by this number.
        processo: NonEmptyText,
        /// Code of the infraction type in the penalties norm (e.g. "rn489.art101").
        tipo_infracao: NonEmptyText,
        /// Date of the infringing conduct: it binds the rule version (tempus regit actum).
        data_infracao: NaiveDate,
        fatos: NonEmptyText,
        /// Members of the affected product, region or contract (RN 124 art. 9 §7).
        beneficiarios_expostos: u64,
        /// The NIP, representação or demanda the auto comes from.
        #[serde(default)]
        origem: Option<Uuid>,
        /// Number of the auto de infração.
        documento: NonEmptyText,
    },
    NotificarAutuada {
        documento: NonEmptyText,
    },
    RegistrarDefesa {
        protocolo: NonEmptyText,
    },
    OptarPagamentoComDesconto {
        desconto: DiscountKind,
        /// The fine the discount applies to, when no decision has fixed it yet.
        #[serde(default)]
        multa: Option<FineInputs>,
    },
    DecidirPrimeiraInstancia {
        decisao: FirstInstanceDecision,
        fundamentacao: NonEmptyText,
        documento: NonEmptyText,
    },
    InterporRecurso {
        protocolo: NonEmptyText,
    },
    JulgarRecurso {
        julgamento: AppealDecision,
        fundamentacao: NonEmptyText,
        documento: NonEmptyText,
    },
    CertificarTransitoEmJulgado {
        documento: NonEmptyText,
    },
    RegistrarPagamento {
        valor: Money,
        /// The instalment paid, when the fine is in instalments.
        #[serde(default)]
        parcela: Option<u32>,
        /// The GRU.
        documento: NonEmptyText,
    },
    ConcederParcelamento {
        parcelas: Vec<InstalmentPlan>,
        documento: NonEmptyText,
    },
    DeclararInadimplencia {},
    InscreverDividaAtiva {
        /// The certidão de dívida ativa.
        documento: NonEmptyText,
    },
    HabilitarCreditoNaMassa {
        documento: NonEmptyText,
    },
}

impl CaseCommand {
    /// The catalogue name of the act (the `act` tag).
    pub fn act(&self) -> &'static str {
        self.into()
    }

    /// The operator an opening act names; the API loads its stream before deciding.
    pub fn target_registro(&self) -> Option<Registro> {
        use CaseCommand as C;
        match self {
            C::InstaurarDirecaoFiscal { registro, .. }
            | C::NotificarAnomaliaAssistencial { registro, .. }
            | C::DecretarLiquidacao { registro, .. }
            | C::IniciarCancelamentoRegistro { registro, .. }
            | C::RequererTcac { registro, .. }
            | C::RegistrarRepresentacao { registro, .. }
            | C::RegistrarDemandaDisqueAns { registro, .. }
            | C::LavrarAutoInfracao { registro, .. }
            | C::RequererAlienacaoVoluntaria { registro, .. }
            | C::DeterminarAlienacao { registro, .. }
            | C::IniciarAlienacaoCompulsoria { registro, .. }
            | C::RegistrarReclamacaoNip { registro, .. }
            | C::RegistrarDemandaNipPublicada { registro, .. } => Some(*registro),
            _ => None,
        }
    }

    /// The date of the triggering fact when it is not the act's own date (tempus regit actum).
    pub fn triggering_fact(&self) -> Option<NaiveDate> {
        match self {
            CaseCommand::LavrarAutoInfracao { data_infracao, .. } => Some(*data_infracao),
            _ => None,
        }
    }

    /// Other cases the decision must see (`Context::related_cases`).
    pub fn related_case_ids(&self) -> Vec<Uuid> {
        match self {
            CaseCommand::LavrarAutoInfracao { origem: Some(id), .. } => vec![*id],
            _ => Vec::new(),
        }
    }

    /// The counts of persons the act states, by field, for the plausibility check.
    pub fn person_counts(&self) -> Vec<(&'static str, u64)> {
        use CaseCommand as C;
        match self {
            C::LavrarAutoInfracao { beneficiarios_expostos, .. } => {
                vec![("beneficiarios_expostos", *beneficiarios_expostos)]
            }
            C::RequererAlienacaoVoluntaria { beneficiarios, .. }
            | C::ComprovarTransferenciaCarteira { beneficiarios, .. } => {
                vec![("beneficiarios", *beneficiarios)]
            }
            _ => Vec::new(),
        }
    }

    /// Other operators the decision must see (`Context::related_operators`).
    pub fn related_registros(&self) -> Vec<Registro> {
        match self {
            CaseCommand::DecidirAlienacaoVoluntaria { adquirente, .. } => vec![*adquirente],
            _ => Vec::new(),
        }
    }
}
