//! The fields of every act: one description per act of the catalogue ([`crate::acts`]), from which
//! the pages draw their forms, the API its OpenAPI schema, and [`decode`] turns what a person
//! typed into the act's JSON. Each field names its JSON key, its pt-BR label, what kind of value it
//! takes (a date, money in pt-BR, a choice, an operator…), whether the act needs it, and the norm
//! that asks for it. The catalogue test (`tests` below) decodes every form into its command, so the
//! description and the command types cannot drift apart.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::acts::{act_catalogue, ActInfo};
use crate::case::DeadlineKey;
use crate::{
    decide_case, CaseCommand, CaseState, Cnpj, Context, DomainError, DomainEvent, Money, OperadoraState, Registro,
    RuleBook, StreamRef,
};

/// One option of a choice: the JSON value and the pt-BR label.
pub type Choice = (&'static str, &'static str);

/// One alternative of a [`Kind::Variant`]: the tag value, its label and its own fields.
pub type Alternative = (&'static str, &'static str, &'static [Field]);

/// What a field holds, and so how it is drawn and decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One line of text.
    Text,
    /// Several lines (facts, grounds).
    LongText,
    /// A legal date (`AAAA-MM-DD` in JSON, a date input on the page).
    Date,
    /// Money in pt-BR (`1.234,56`).
    Money,
    /// A decimal factor in pt-BR (`1,5`).
    Decimal,
    /// A whole number ≥ 0.
    Count,
    /// Yes or no (a checkbox).
    Flag,
    /// One of a fixed list.
    Choice(&'static [Choice]),
    /// Any of a fixed list, at least one when required (checkboxes; a JSON list of the values).
    Choices(&'static [Choice]),
    /// A federative unit, by its two-letter code.
    Uf,
    /// A calendar quarter, `AAAA-Tn`.
    Quarter,
    /// A registro ANS typed for a new operator.
    Registro,
    /// A CNPJ.
    Cnpj,
    /// An operator's registro ANS, picked from the register.
    Operator,
    /// An appointed officer (diretor fiscal or técnico, liquidante), picked among the interventors.
    Officer,
    /// The officer responsible for a case, picked among the officers who conduct cases.
    Assignee,
    /// Another case, by its id (optional origin of an auto de infração).
    Case,
    /// One of the case's open deadlines.
    Deadline,
    /// One of the operator's administrators, by id.
    Administrator,
    /// A fresh id the page draws for a new person.
    NewId,
    /// A list of lines of text (motivos, falhas, processos).
    Lines,
    /// A list of operators.
    Operators,
    /// A repeatable group of fields (one row per item).
    Group(&'static [Field]),
    /// A nested object.
    Object(&'static [Field]),
    /// One of several alternatives, chosen by `tag`, each with its own fields.
    Variant { tag: &'static str, options: &'static [Alternative] },
    /// A person's data in clear (nome, CPF, contato), sealed by the server before it reaches the log.
    Person,
}

/// One field of an act's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The JSON key.
    pub name: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// A hint for the person filling it in; may be empty.
    pub help: &'static str,
    /// The norm that asks for the field; may be empty.
    pub norm: &'static str,
}

const fn req(name: &'static str, label: &'static str, kind: Kind, help: &'static str, norm: &'static str) -> Field {
    Field { name, label, kind, required: true, help, norm }
}
const fn opt(name: &'static str, label: &'static str, kind: Kind, help: &'static str, norm: &'static str) -> Field {
    Field { name, label, kind, required: false, help, norm }
}

use Kind::{
    Administrator, Case, Count, Date, Deadline, Flag, Lines, LongText, NewId, Object, Officer, Operator, Operators,
    Person, Text, Variant,
};

// — shared fields —
const DOCUMENTO: Field = req("documento", "Documento", Text, "Número do ato, ofício ou despacho no SEI.", "");
const FUNDAMENTACAO: Field =
    req("fundamentacao", "Fundamentação", LongText, "Razões de fato e de direito.", "Lei 9.784/1999 art. 50");
const REGISTRO: Field = req("registro", "Operadora", Operator, "Registro ANS da operadora.", "");
const MOTIVO_TEXTO: Field = req("motivo", "Motivo", LongText, "", "Lei 9.784/1999 art. 50");
const DESCRICAO: Field = req("descricao", "Descrição", LongText, "", "");
const PROTOCOLO: Field = req("protocolo", "Protocolo", Text, "Número de protocolo do documento recebido.", "");
const VIGENCIA_DIAS: Field =
    opt("vigencia_dias", "Vigência (dias)", Count, "Em branco: a vigência da norma em vigor.", "RN 316/2012 art. 4");

// — choices —
const THEMES: &[Choice] = &[
    ("aumento_de_mensalidade", "Aumento de mensalidade"),
    ("operadoras_e_planos_de_saude", "Operadoras e planos de saúde"),
    ("cobertura_assistencial", "Cobertura assistencial"),
    ("contrato_regulamento", "Contrato/regulamento"),
    ("sobre_a_ans", "Sobre a ANS"),
    ("doenca_ou_lesao_preexistente", "Doença ou lesão preexistente"),
    ("rede_prestadora", "Rede prestadora"),
    ("carencia", "Carência"),
    ("aposentados_demitidos_e_exonerados", "Aposentados, demitidos e exonerados"),
    ("urgencia_e_emergencia", "Urgência e emergência"),
    ("reembolso", "Reembolso"),
    ("mecanismos_de_regulacao", "Mecanismos de regulação"),
    ("internacao", "Internação"),
    ("cobertura_geografica", "Cobertura geográfica"),
    ("sus", "Ressarcimento ao SUS"),
    ("outros", "Outros"),
];
const DEMAND_KINDS: &[Choice] = &[("consulta", "Consulta"), ("denuncia", "Denúncia")];
const CANAIS: &[Choice] = &[
    ("telefone", "Telefone (0800)"),
    ("fale_conosco", "Fale conosco (formulário eletrônico)"),
    ("presencial", "Atendimento presencial (núcleo)"),
    ("carta", "Carta"),
];
const MODALIDADES: &[Choice] = &[
    ("administradora_de_planos", "Administradora de planos"),
    ("administradora_de_servicos", "Administradora de serviços"),
    ("administradora_de_beneficios", "Administradora de benefícios"),
    ("cooperativa_medica", "Cooperativa médica"),
    ("cooperativa_odontologica", "Cooperativa odontológica"),
    ("autogestao_patrocinada_singular", "Autogestão patrocinada singular"),
    ("autogestao_patrocinada_multipatrocinada", "Autogestão patrocinada multipatrocinada"),
    ("autogestao_nao_patrocinada", "Autogestão não patrocinada"),
    ("medicina_de_grupo", "Medicina de grupo"),
    ("odontologia_de_grupo", "Odontologia de grupo"),
    ("filantropia", "Filantropia"),
    ("seguradora_especializada_em_saude", "Seguradora especializada em saúde"),
];
const UFS: &[Choice] = &[
    ("AC", "AC"),
    ("AL", "AL"),
    ("AP", "AP"),
    ("AM", "AM"),
    ("BA", "BA"),
    ("CE", "CE"),
    ("DF", "DF"),
    ("ES", "ES"),
    ("GO", "GO"),
    ("MA", "MA"),
    ("MT", "MT"),
    ("MS", "MS"),
    ("MG", "MG"),
    ("PA", "PA"),
    ("PB", "PB"),
    ("PR", "PR"),
    ("PE", "PE"),
    ("PI", "PI"),
    ("RJ", "RJ"),
    ("RN", "RN"),
    ("RS", "RS"),
    ("RO", "RO"),
    ("RR", "RR"),
    ("SC", "SC"),
    ("SP", "SP"),
    ("SE", "SE"),
    ("TO", "TO"),
];
const REGIONS: &[Choice] = &[
    ("norte", "Norte"),
    ("nordeste", "Nordeste"),
    ("centro_oeste", "Centro-Oeste"),
    ("sudeste", "Sudeste"),
    ("sul", "Sul"),
];
const DT_HYPOTHESES: &[Choice] = &[
    ("sem_comprovacao_no_prazo", "Anomalias não comprovadamente sanadas no prazo"),
    ("medidas_impertinentes", "Medidas adotadas impertinentes"),
    ("prass_nao_apresentado_ou_descumprido", "PRASS não apresentado ou descumprido"),
    ("reincidencia_em_dois_anos", "Reincidência em dois anos"),
    ("risco_iminente", "Risco iminente à saúde dos beneficiários"),
    ("falha_reiterada_de_informacoes", "Falha reiterada no envio de informações"),
];
const DT_STAGES: &[Choice] =
    &[("solicitado", "Solicitado"), ("apresentado", "Apresentado"), ("monitorado", "Em monitoramento")];
const MEASURES: &[Choice] = &[
    ("alienacao_de_carteira", "Alienação da carteira"),
    ("portabilidade_especial", "Portabilidade especial de carências"),
    ("liquidacao_extrajudicial", "Liquidação extrajudicial"),
    ("cancelamento_de_registro", "Cancelamento do registro"),
    ("saida_ordenada_do_mercado", "Saída ordenada do mercado"),
];
const REGIME_CLOSURES: &[Choice] = &[
    ("gravidade_superada", "Gravidade superada"),
    ("programa_aprovado", "Programa de saneamento aprovado e cumprido"),
    ("liquidacao_decretada", "Liquidação extrajudicial decretada"),
    ("registro_cancelado", "Registro cancelado"),
    ("com_cancelamento_de_registro", "Com cancelamento do registro"),
    ("operacao_irregular_cessada", "Operação irregular cessada"),
    ("prazo_encerrado", "Prazo encerrado"),
    ("carteira_extinta", "Carteira extinta"),
];
const COURT_EFFECTS: &[Choice] = &[
    ("suspende", "Suspende a indisponibilidade"),
    ("levanta", "Levanta a indisponibilidade"),
    ("restabelece", "Restabelece a indisponibilidade"),
];
const LE_GROUNDS: &[Choice] = &[
    ("dissolucao_irregular", "Dissolução irregular"),
    ("metas_de_saneamento_nao_atingidas", "Metas de saneamento não atingidas"),
    ("administradores_nao_substituidos", "Administradores não substituídos"),
    ("cancelamento_da_autorizacao", "Cancelamento da autorização de funcionamento"),
    ("violacao_grave", "Violação grave da legislação"),
    ("risco_iminente_sem_df_previa", "Risco iminente, sem direção fiscal prévia"),
    ("pedido_dos_administradores", "Pedido dos administradores"),
];
const MEMBER_TRANSFERS: &[Choice] =
    &[("alienacao", "Alienação da carteira"), ("portabilidade_especial", "Portabilidade especial de carências")];
const INQUIRY_PHASES: &[Choice] = &[
    ("instaurado", "Instaurado"),
    ("instrucao", "Instrução"),
    ("ex_administradores_notificados", "Ex-administradores notificados"),
    ("relatorio_preliminar", "Relatório preliminar"),
    ("alegacoes", "Alegações"),
    ("diligencias_finais", "Diligências finais"),
    ("relatorio_final", "Relatório final"),
    ("concluido", "Concluído"),
];
const BANKRUPTCY_GROUNDS: &[Choice] = &[
    ("ativo_inferior_a_metade_dos_quirografarios", "Ativo inferior à metade dos créditos quirografários"),
    ("ativo_insuficiente_para_custos", "Ativo insuficiente para as despesas da liquidação"),
    ("indicios_de_crime_falimentar", "Indícios de crime falimentar"),
];
const LE_CLOSURES: &[Choice] = &[
    ("assuncao_pelos_interessados", "Assunção pelos interessados"),
    ("contas_finais_aprovadas", "Contas finais aprovadas"),
    ("falencia_ou_insolvencia_decretada", "Falência ou insolvência decretada"),
    ("conversao_em_liquidacao_ordinaria", "Conversão em liquidação ordinária"),
];
/// The closed list of cancellation motives, with "outro" for a motive that fits none of it (the
/// words of ANS's register of cancelled operators, or of the act).
const CANCELLATION_MOTIVES: &[Choice] = &[
    ("por_solicitacao_da_operadora", "Por solicitação da operadora"),
    ("circular_susep77_1999", "Descumprimento da Circular SUSEP nº 77/1999"),
    ("descumprimento_rdc77_2001", "Descumprimento da RDC 77/2001"),
    ("lei10185_2001", "Adequação à Lei nº 10.185/2001"),
    ("liquidacao_extrajudicial", "Liquidação extrajudicial"),
    ("incorporacao", "Por incorporação"),
    ("nao_operacao_deliberacao_dc", "Não operação (deliberação da Diretoria Colegiada)"),
    ("nao_operacao_edital2002", "Não operação (edital de 2002)"),
    ("filial", "Filial"),
    ("pessoa_juridica_de_direito_publico", "Pessoa jurídica de direito público"),
    ("encerramento_de_df_com_cancelamento", "Encerramento de direção fiscal com cancelamento"),
    ("sancao_art25_v_i", "Sanção do art. 25 VI da Lei 9.656/1998"),
    ("alternativa_a_liquidacao", "Alternativa à liquidação (deliberação da Diretoria Colegiada)"),
    ("outro", "Outro motivo"),
];
const ABRANGENCIAS: &[Choice] = &[("total", "Total"), ("parcial", "Parcial")];
const COMPULSORY_GROUNDS: &[Choice] =
    &[("cancelamento_do_registro", "Cancelamento do registro"), ("proposta_do_diretor", "Proposta do diretor fiscal")];
const NIP_KINDS: &[Choice] =
    &[("assistencial", "Assistencial (5 dias úteis)"), ("nao_assistencial", "Não assistencial (10 dias úteis)")];
const NIP_CLASSIFICATIONS: &[Choice] = &[
    ("sem_indicio_de_infracao", "Sem indício de infração"),
    ("rve", "Reparação voluntária e eficaz (RVE)"),
    ("nao_resolvida", "Não resolvida"),
    ("nao_beneficiario", "Reclamante não é beneficiário"),
    ("duplicada", "Duplicada"),
    ("dados_insuficientes", "Dados insuficientes"),
    ("agente_nao_responsavel", "Agente não responsável"),
];
const ORIGIN_AREAS: &[Choice] = &[("diope", "DIOPE"), ("dides", "DIDES"), ("dipro", "DIPRO"), ("outra", "Outra área")];
const REPRESENTATION_SUBJECTS: &[Choice] = &[
    ("sib", "SIB (cadastro de beneficiários)"),
    ("sip", "SIP (informações de produtos)"),
    ("diops", "DIOPS (informações econômico-financeiras)"),
    ("coordenador_medico", "Coordenador médico"),
    ("divergencia_sib_tss", "Divergência SIB × TSS"),
    ("plano_de_contas_padrao", "Plano de contas padrão"),
    ("requerimento_de_informacoes", "Requerimento de informações"),
    ("rede_credenciada_substituicao_de_hospital", "Rede credenciada: substituição de hospital"),
    ("reajuste", "Reajuste"),
];
const DISCOUNTS: &[Choice] = &[
    ("pagamento_antecipado", "Pagamento antecipado"),
    ("reparacao_posterior", "Reparação posterior"),
    ("renuncia_recurso", "Renúncia ao recurso"),
    ("meta_excelencia_igr", "Meta de excelência no IGR"),
    ("meta_reducao_igr", "Meta de redução do IGR"),
];
/// The deadlines of case states, with their pt-BR names (also used to label a case's deadlines).
pub const DEADLINES: &[Choice] = &[
    ("vigencia", "Vigência do regime"),
    ("programa_saneamento", "Programa de saneamento"),
    ("recurso_programa", "Recurso contra a decisão do programa"),
    ("comprovacao_cessacao", "Comprovação da cessação das anomalias"),
    ("balanco", "Balanço e quadro de credores"),
    ("inquerito", "Inquérito administrativo"),
    ("portabilidade_especial", "Portabilidade especial de carências"),
    ("assinatura_tcac", "Assinatura do TCAC"),
    ("pagamento_antecipado", "Pagamento antecipado do TCAC"),
    ("defesa", "Defesa"),
    ("recurso", "Recurso"),
    ("pagamento", "Pagamento da multa"),
    ("alienacao_determinada", "Alienação determinada"),
    ("resolucao_nip", "Resolução da NIP"),
    ("resposta_nip", "Resposta da operadora (NIP)"),
];

// — nested groups —
const NORM_FINE: &str = "RN 124/2006 (dosimetria); RN 489/2022";
const FINE: &[Field] = &[
    req("valor_base", "Valor-base", Kind::Money, "Valor-base do tipo infracional, em reais.", NORM_FINE),
    opt("circunstancias", "Circunstâncias", Lines, "Códigos das atenuantes e agravantes, um por linha.", NORM_FINE),
    req(
        "multiplicador_coletivo",
        "Multiplicador do efeito coletivo",
        Kind::Decimal,
        "1 quando não houver.",
        "RN 124/2006 art. 9 §7",
    ),
];
const MULTA: Field = req("multa", "Multa", Object(FINE), "", NORM_FINE);
const FIRST_INSTANCE: &[Alternative] =
    &[("arquivamento", "Arquivamento", &[]), ("advertencia", "Advertência", &[]), ("multa", "Multa", &[MULTA])];
const APPEAL: &[Alternative] = &[
    ("mantida", "Decisão mantida", &[]),
    ("reduzida", "Multa reduzida", &[MULTA]),
    ("cancelada", "Penalidade cancelada", &[]),
];
const INSTALMENT: &[Field] =
    &[req("vencimento", "Vencimento", Date, "", "RN 04/2002"), req("valor", "Valor", Kind::Money, "", "RN 04/2002")];

const fn choice(name: &'static str, label: &'static str, options: &'static [Choice], norm: &'static str) -> Field {
    req(name, label, Kind::Choice(options), "", norm)
}

/// One form per act of the catalogue, in its order.
static FORMS: &[(&str, &[Field])] = &[
    // — operator acts —
    (
        "registrar_operadora",
        &[
            req(
                "registro",
                "Registro ANS",
                Kind::Registro,
                "Seis dígitos (cinco nos registros de 1998–2001).",
                "RN 85/2004",
            ),
            opt("cnpj", "CNPJ", Kind::Cnpj, "", "Lei 9.656/1998 art. 8"),
            req("razao_social", "Razão social", Text, "", ""),
            choice("modalidade", "Modalidade", MODALIDADES, "RDC 39/2000"),
            opt("uf", "UF da sede", Kind::Choice(UFS), "", ""),
            req("registro_provisorio", "Registro provisório", Flag, "", "Lei 9.656/1998 art. 19"),
            opt("regiao", "Região da sede", Kind::Choice(REGIONS), "Quando o cadastro dá a região em vez da UF.", ""),
            opt("municipio", "Município da sede", Text, "", ""),
            opt("referencia", "Data de referência do cadastro", Date, "A do arquivo do cadastro, quando houver.", ""),
        ],
    ),
    ("conceder_autorizacao_funcionamento", &[DOCUMENTO]),
    (
        "alterar_cadastro",
        &[
            opt("razao_social", "Razão social", Text, "Em branco: não muda.", ""),
            opt("cnpj", "CNPJ", Kind::Cnpj, "Em branco: não muda.", ""),
            opt("modalidade", "Modalidade", Kind::Choice(MODALIDADES), "Em branco: não muda.", ""),
            opt("uf", "UF da sede", Kind::Choice(UFS), "Em branco: não muda.", ""),
            opt(
                "referencia",
                "Data de referência do cadastro",
                Date,
                "Anterior à dos dados atuais: registrada como histórico.",
                "",
            ),
        ],
    ),
    (
        "registrar_administrador",
        &[
            req("administrador_id", "Identificador", NewId, "", ""),
            req("nome", "Nome", Text, "", "RDC 79/2001"),
            req("cargo", "Cargo", Text, "", "RDC 79/2001"),
            req("inicio", "Início do mandato", Date, "", "RDC 79/2001"),
        ],
    ),
    (
        "registrar_saida_administrador",
        &[
            req("administrador_id", "Administrador", Administrator, "", "RDC 79/2001"),
            req("fim", "Fim do mandato", Date, "", "RDC 79/2001"),
        ],
    ),
    (
        "informar_beneficiarios",
        &[
            req("ano", "Ano", Count, "", "RN 295/2012 (SIB)"),
            req("mes", "Mês", Count, "1 a 12.", "RN 295/2012 (SIB)"),
            req("quantidade", "Beneficiários", Count, "", "RN 295/2012 (SIB)"),
        ],
    ),
    (
        "registrar_igr_publicado",
        &[
            req("competencia", "Competência", Text, "AAAA-MM.", "RN 623/2024"),
            req("cobertura", "Cobertura", Text, "Médico-hospitalar ou odontológica.", ""),
            req("igr", "IGR", Kind::Decimal, "", "RN 623/2024"),
            opt("reclamacoes", "Reclamações", Count, "", ""),
            opt("beneficiarios", "Beneficiários", Count, "", ""),
        ],
    ),
    (
        "registrar_cancelamento_publicado",
        &[
            choice("motivo", "Motivo", CANCELLATION_MOTIVES, "RN 85/2004; Lei 9.656/1998 art. 8"),
            req("motivo_publicado", "Motivo como publicado", Text, "Como o cadastro de canceladas o escreve.", ""),
        ],
    ),
    (
        "suspender_comercializacao",
        &[req("escopo", "Escopo", Text, "Planos ou produtos atingidos.", "Lei 9.656/1998 art. 9 §4"), DOCUMENTO],
    ),
    ("restabelecer_comercializacao", &[DOCUMENTO]),
    (
        "prorrogar_prazo",
        &[
            req(
                "prazo",
                "Prazo",
                Deadline,
                "Só os prazos prorrogáveis admitem prorrogação, uma vez.",
                "RN 316/2012 art. 8",
            ),
            MOTIVO_TEXTO,
        ],
    ),
    (
        "atribuir_caso",
        &[
            opt("responsavel", "Servidor responsável", Kind::Assignee, "", "Lei 9.784/1999 art. 11"),
            opt("nucleo", "Núcleo ou unidade", Text, "Ex.: NURAF-SP, DIFIS/GGAFI.", "Lei 9.784/1999 art. 11"),
            opt("motivo", "Motivo", LongText, "", ""),
        ],
    ),
    // — direção fiscal / técnica —
    (
        "instaurar_direcao_fiscal",
        &[
            REGISTRO,
            req(
                "motivos",
                "Motivos",
                Lines,
                "Anormalidades econômico-financeiras ou administrativas graves.",
                "Lei 9.656/1998 art. 24",
            ),
            req("diretor_fiscal", "Diretor fiscal", Officer, "", "RN 316/2012 art. 3"),
            DOCUMENTO,
            VIGENCIA_DIAS,
        ],
    ),
    (
        "notificar_anomalia_assistencial",
        &[
            REGISTRO,
            req("falhas", "Anomalias assistenciais", Lines, "Uma por linha.", "RN 417/2016 art. 4"),
            req(
                "recebido_em",
                "Recebido pela operadora em",
                Date,
                "Início do prazo para comprovar a cessação.",
                "RN 417/2016 art. 4",
            ),
            DOCUMENTO,
        ],
    ),
    ("comprovar_cessacao_anomalias", &[DESCRICAO]),
    (
        "instaurar_direcao_tecnica",
        &[
            req("diretor_tecnico", "Diretor técnico", Officer, "", "RN 417/2016 art. 6"),
            choice("hipotese", "Hipótese", DT_HYPOTHESES, "RN 417/2016 art. 5"),
            DOCUMENTO,
            VIGENCIA_DIAS,
        ],
    ),
    (
        "emitir_instrucao_diretiva",
        &[req("numero", "Número", Text, "", "RN 316/2012"), req("assunto", "Assunto", LongText, "", "RN 316/2012")],
    ),
    (
        "afastar_administrador",
        &[
            req("administrador_id", "Administrador", Administrator, "", "Lei 9.656/1998 art. 24 §1"),
            MOTIVO_TEXTO,
            DOCUMENTO,
        ],
    ),
    (
        "renovar_regime",
        &[
            req("vigencia_dias", "Nova vigência (dias)", Count, "", "RN 316/2012 art. 4"),
            req("justificativa", "Justificativa", LongText, "", "Lei 9.784/1999 art. 50"),
            DOCUMENTO,
        ],
    ),
    ("determinar_medida", &[choice("medida", "Medida", MEASURES, "Lei 9.656/1998 art. 24"), DOCUMENTO]),
    ("encerrar_regime", &[choice("motivo", "Motivo do encerramento", REGIME_CLOSURES, "RN 316/2012"), DOCUMENTO]),
    (
        "solicitar_programa_saneamento",
        &[req(
            "recebido_em",
            "Solicitação recebida pela operadora em",
            Date,
            "Início do prazo do programa.",
            "RN 316/2012 art. 5",
        )],
    ),
    ("registrar_programa_apresentado", &[PROTOCOLO]),
    ("registrar_programa_nao_apresentado", &[]),
    (
        "decidir_programa_saneamento",
        &[req("aprovado", "Programa aprovado", Flag, "", "RN 316/2012 art. 6"), FUNDAMENTACAO],
    ),
    ("registrar_descumprimento_programa", &[DESCRICAO]),
    (
        "interpor_recurso_programa",
        &[req("efeito_suspensivo_pedido", "Pede efeito suspensivo", Flag, "", "Lei 9.784/1999 art. 61")],
    ),
    ("julgar_recurso_programa", &[req("provido", "Recurso provido", Flag, "", "Lei 9.784/1999 art. 64"), DOCUMENTO]),
    ("registrar_programa_assistencial", &[choice("etapa", "Etapa", DT_STAGES, "RN 417/2016 art. 8")]),
    ("dispensar_programa_assistencial", &[MOTIVO_TEXTO]),
    // — indisponibilidade de bens —
    (
        "estender_indisponibilidade",
        &[
            req("pessoa_id", "Identificador", NewId, "", ""),
            req("nome", "Nome", Text, "", "Lei 9.656/1998 art. 24-A §2"),
            req("cargo", "Cargo ou relação com a operadora", Text, "", "Lei 9.656/1998 art. 24-A §2"),
            req("motivacao", "Motivação", LongText, "", "Lei 9.656/1998 art. 24-A §2"),
        ],
    ),
    (
        "registrar_resultado_apuracao",
        &[req("houve_prejuizo", "Houve prejuízo", Flag, "", "Lei 9.656/1998 art. 24-A §4"), DOCUMENTO],
    ),
    ("registrar_decisao_judicial", &[choice("efeito", "Efeito da decisão", COURT_EFFECTS, ""), DOCUMENTO]),
    // — liquidação extrajudicial —
    (
        "decretar_liquidacao",
        &[
            REGISTRO,
            req("liquidante", "Liquidante", Officer, "", "Lei 9.656/1998 art. 24-D"),
            choice("fundamento", "Fundamento", LE_GROUNDS, "Lei 9.656/1998 art. 23; Lei 6.024/1974 art. 15"),
            DOCUMENTO,
        ],
    ),
    (
        "registrar_transferencia_beneficiarios",
        &[choice("forma", "Forma", MEMBER_TRANSFERS, "Lei 9.656/1998 art. 24-D")],
    ),
    ("apresentar_balanco_e_credores", &[req("credores", "Credores", Count, "", "Lei 6.024/1974 art. 11")]),
    ("avancar_inquerito", &[choice("fase", "Fase", INQUIRY_PHASES, "Lei 6.024/1974 arts. 41 a 45")]),
    ("concluir_inquerito", &[req("houve_prejuizo", "Houve prejuízo", Flag, "", "Lei 6.024/1974 art. 45"), DOCUMENTO]),
    (
        "autorizar_requerimento_falencia",
        &[choice("fundamento", "Fundamento", BANKRUPTCY_GROUNDS, "Lei 9.656/1998 art. 23 §1"), DOCUMENTO],
    ),
    ("encerrar_liquidacao", &[choice("motivo", "Motivo", LE_CLOSURES, "Lei 6.024/1974 art. 19"), DOCUMENTO]),
    // — cancelamento de registro —
    (
        "iniciar_cancelamento_registro",
        &[REGISTRO, choice("motivo", "Motivo", CANCELLATION_MOTIVES, "RN 85/2004; Lei 9.656/1998 art. 8"), DOCUMENTO],
    ),
    (
        "decretar_portabilidade_especial",
        &[req("publicada_em", "Publicada em", Date, "Início do prazo da portabilidade.", "RN 438/2018"), DOCUMENTO],
    ),
    ("cancelar_registro", &[DOCUMENTO]),
    // — demandas do Disque ANS —
    (
        "registrar_demanda_disque_ans",
        &[
            REGISTRO,
            choice("tipo", "Tipo", DEMAND_KINDS, "Lei 9.961/2000 art. 4 XXXVI"),
            choice("tema", "Tema", THEMES, ""),
            choice("canal", "Canal", CANAIS, ""),
            opt(
                "reclamante",
                "Reclamante",
                Person,
                "Dados pessoais: cifrados ao registrar, lidos só por quem precisa, com finalidade registrada.",
                "Lei 13.709/2018 (LGPD) arts. 7 e 23",
            ),
        ],
    ),
    ("responder_consulta", &[req("resposta", "Resposta", LongText, "", "Lei 9.961/2000 art. 4 XXXVI")]),
    (
        "avaliar_denuncia",
        &[req("potencialmente_irregular", "Potencialmente irregular", Flag, "", "RN 48/2003 art. 5"), FUNDAMENTACAO],
    ),
    (
        "reconsiderar_avaliacao_denuncia",
        &[
            req(
                "fundamentacao",
                "Fundamentação da reconsideração",
                LongText,
                "Por que a avaliação anterior não se sustenta; ela continua registrada.",
                "Lei 9.784/1999 art. 56 §1",
            ),
            DOCUMENTO,
        ],
    ),
    ("encaminhar_ao_nucleo", &[req("nucleo", "Núcleo regional", Text, "Ex.: NURAF-SP.", "RN 48/2003")]),
    (
        "concluir_apuracao",
        &[
            req("procedente", "Procedente", Flag, "", "RN 48/2003"),
            req("relatorio", "Relatório", LongText, "", "RN 48/2003"),
        ],
    ),
    // — alienação de carteira —
    (
        "requerer_alienacao_voluntaria",
        &[
            REGISTRO,
            req("adquirente", "Operadora adquirente", Operator, "Assina os termos de responsabilidade.", "RN 112/2005"),
            choice("abrangencia", "Abrangência", ABRANGENCIAS, "RN 112/2005"),
            req("beneficiarios", "Beneficiários transferidos", Count, "", "RN 112/2005"),
            req("data_pretendida", "Data pretendida", Date, "", "RN 112/2005"),
            DOCUMENTO,
        ],
    ),
    (
        "decidir_alienacao_voluntaria",
        &[
            req("autorizada", "Autorizada", Flag, "", "RDC 25/2000"),
            req("adquirente", "Operadora adquirente", Operator, "A do pedido.", "RN 112/2005 art. 2 §1"),
            FUNDAMENTACAO,
            DOCUMENTO,
        ],
    ),
    (
        "determinar_alienacao",
        &[
            REGISTRO,
            req("recebido_em", "Recebida pela operadora em", Date, "Início do prazo da alienação.", "RDC 84/2001"),
            req("motivos", "Motivos", Lines, "", "Lei 9.656/1998 art. 24"),
            DOCUMENTO,
        ],
    ),
    (
        "iniciar_alienacao_compulsoria",
        &[REGISTRO, choice("fundamento", "Fundamento", COMPULSORY_GROUNDS, "RDC 82/2001"), DOCUMENTO],
    ),
    (
        "registrar_resultado_leilao",
        &[opt("arrematantes", "Arrematantes", Operators, "Em branco: leilão deserto.", "RDC 82/2001"), DOCUMENTO],
    ),
    (
        "comprovar_transferencia_carteira",
        &[
            opt("adquirentes", "Operadoras que receberam beneficiários", Operators, "", "RDC 84/2001"),
            req("beneficiarios", "Beneficiários transferidos", Count, "", "RDC 84/2001"),
            req("nova_carencia", "Houve nova carência", Flag, "A lei veda novas carências.", "RDC 84/2001 art. 2"),
            req("aniversario_mantido", "Data de aniversário mantida", Flag, "", "RDC 84/2001 art. 2"),
            DOCUMENTO,
        ],
    ),
    ("registrar_descumprimento_alienacao", &[DESCRICAO]),
    // — NIP —
    (
        "registrar_demanda_nip_publicada",
        &[
            REGISTRO,
            req("numero_demanda", "Número da demanda", Text, "NUMERO_DA_DEMANDA.", ""),
            req("canal", "Forma de contato com a ANS", Text, "", ""),
            req("assunto", "Assunto", Text, "O caminho de temas com \">>\", como publicado.", ""),
            choice("tema", "Tema", THEMES, ""),
            choice("natureza", "Natureza da NIP", NIP_KINDS, "RN 343/2013 art. 3"),
            opt("classificacao", "Classificação", Kind::Choice(NIP_CLASSIFICATIONS), "", "RN 388/2015"),
            opt("classificacao_publicada", "Classificação como publicada", Text, "", ""),
            opt("situacao_demanda", "Situação da demanda", Text, "", ""),
            opt("situacao_nip", "Situação da NIP", Text, "", ""),
            opt("tipo_de_plano", "Tipo de plano contratado", Text, "", ""),
            opt("uf_consumidor", "UF do consumidor", Kind::Choice(UFS), "", ""),
            opt("data_do_auto", "Data do auto de infração", Date, "", ""),
            opt("numero_processo", "Número do processo", Text, "", ""),
            opt("competencia", "Competência", Text, "Mês de referência da ANS, AAAA-MM.", ""),
            opt("modalidade_publicada", "Modalidade da operadora como publicada", Text, "", ""),
        ],
    ),
    (
        "registrar_reclamacao_nip",
        &[
            REGISTRO,
            choice("canal", "Canal", CANAIS, "RN 343/2013"),
            req(
                "protocolo_operadora",
                "Protocolo dado pela operadora",
                Text,
                "O protocolo do atendimento anterior na operadora.",
                "RN 395/2016",
            ),
            choice("tema", "Tema", THEMES, ""),
            req(
                "beneficiario",
                "Beneficiário",
                Person,
                "Dados pessoais: cifrados ao registrar, lidos só por quem precisa, com finalidade registrada.",
                "Lei 13.709/2018 (LGPD) arts. 7 e 23",
            ),
        ],
    ),
    ("notificar_operadora_nip", &[choice("tipo", "Natureza", NIP_KINDS, "RN 483/2022 art. 10")]),
    (
        "registrar_resposta_operadora",
        &[
            opt(
                "reparacao_em",
                "Reparação em",
                Date,
                "Data da reparação que a resposta comprova, se houver.",
                "RN 483/2022",
            ),
            req("documento", "Resposta", Text, "Referência da resposta no Espaço da Operadora.", "RN 483/2022"),
        ],
    ),
    (
        "classificar_nip",
        &[choice("classificacao", "Classificação", NIP_CLASSIFICATIONS, "RN 483/2022 art. 11"), FUNDAMENTACAO],
    ),
    (
        "revisar_rve",
        &[req("fundamentacao", "Requisito da RVE não atendido", LongText, "", "RN 343/2013 art. 17"), DOCUMENTO],
    ),
    // — representações —
    (
        "registrar_representacao",
        &[
            REGISTRO,
            choice("origem", "Área de origem", ORIGIN_AREAS, "RN 48/2003"),
            choice("assunto", "Assunto", REPRESENTATION_SUBJECTS, "RN 48/2003"),
            req("obrigacao", "Obrigação descumprida", Text, "Ex.: RN 124/2006 art. 2.", "RN 48/2003"),
            req("periodo_inicio", "Período: início", Date, "", ""),
            req("periodo_fim", "Período: fim", Date, "", ""),
            DOCUMENTO,
        ],
    ),
    ("distribuir_representacao", &[req("unidade", "Unidade", Text, "", "RN 48/2003")]),
    ("arquivar_representacao", &[MOTIVO_TEXTO]),
    // — TCAC —
    (
        "requerer_tcac",
        &[
            REGISTRO,
            req(
                "processos",
                "Processos sancionadores",
                Lines,
                "Números (NUP), um por linha.",
                "Lei 9.656/1998 art. 29 §1",
            ),
            req("conduta", "Conduta", LongText, "", "RN 372/2015"),
            opt("oferecido_pela_ans", "Oferecido pela ANS", Flag, "", "RN 372/2015"),
            opt("conduta_em_nip", "Conduta ainda em NIP", Flag, "Veda o TCAC.", "RN 372/2015 art. 5"),
            opt(
                "negativa_de_urgencia",
                "Negativa de urgência ou emergência",
                Flag,
                "Veda o TCAC.",
                "RN 372/2015 art. 5",
            ),
            DOCUMENTO,
        ],
    ),
    ("triar_tcac", &[req("admitido", "Admitido", Flag, "", "RN 372/2015"), FUNDAMENTACAO]),
    ("aprovar_minuta_tcac", &[DOCUMENTO]),
    ("registrar_assinatura_compromissaria", &[]),
    ("autorizar_tcac", &[req("numero", "Número do TCAC", Text, "", "RN 372/2015"), DOCUMENTO]),
    ("comprovar_pagamento_antecipado_tcac", &[]),
    ("declarar_nulidade_tcac", &[DOCUMENTO]),
    (
        "decidir_cumprimento_tcac",
        &[
            req("cumprido", "Cumprido", Flag, "", "RN 372/2015"),
            opt("data_descumprimento", "Data do descumprimento", Date, "Se não cumprido.", "Lei 9.656/1998 art. 29 §7"),
            DOCUMENTO,
        ],
    ),
    // — processo administrativo sancionador —
    (
        "lavrar_auto_infracao",
        &[
            REGISTRO,
            req("processo", "Processo (NUP)", Text, "Número único de protocolo.", "RN 48/2003 art. 7"),
            req(
                "tipo_infracao",
                "Tipo infracional",
                Text,
                "Código do tipo na norma de penalidades (ex.: rn489.art101).",
                "RN 489/2022",
            ),
            req(
                "data_infracao",
                "Data da infração",
                Date,
                "Define a norma aplicável (tempus regit actum).",
                "RN 489/2022",
            ),
            req("fatos", "Fatos", LongText, "Descrição da conduta infrativa.", "RN 48/2003 art. 7"),
            req(
                "beneficiarios_expostos",
                "Beneficiários expostos",
                Count,
                "Do produto, região ou contrato afetado.",
                "RN 124/2006 art. 9 §7",
            ),
            opt("origem", "Caso de origem", Case, "A NIP, representação ou demanda de onde vem o auto.", "RN 48/2003"),
            req("documento", "Número do auto de infração", Text, "", "RN 48/2003 art. 7"),
        ],
    ),
    ("notificar_autuada", &[DOCUMENTO]),
    ("registrar_defesa", &[PROTOCOLO]),
    (
        "optar_pagamento_com_desconto",
        &[
            choice("desconto", "Desconto", DISCOUNTS, "RN 483/2022 art. 33"),
            opt("multa", "Multa", Object(FINE), "Só quando nenhuma decisão fixou a multa ainda.", NORM_FINE),
        ],
    ),
    (
        "decidir_primeira_instancia",
        &[
            req("decisao", "Decisão", Variant { tag: "resultado", options: FIRST_INSTANCE }, "", "RN 48/2003 art. 20"),
            FUNDAMENTACAO,
            DOCUMENTO,
        ],
    ),
    ("interpor_recurso", &[PROTOCOLO]),
    (
        "julgar_recurso",
        &[
            req("julgamento", "Julgamento", Variant { tag: "resultado", options: APPEAL }, "", "RN 48/2003 art. 24"),
            FUNDAMENTACAO,
            DOCUMENTO,
        ],
    ),
    ("certificar_transito_em_julgado", &[DOCUMENTO]),
    (
        "registrar_pagamento",
        &[
            req("valor", "Valor pago", Kind::Money, "", "RN 48/2003"),
            opt("parcela", "Parcela", Count, "Número da parcela, se parcelado.", "RN 04/2002"),
            req("documento", "GRU", Text, "", ""),
        ],
    ),
    ("conceder_parcelamento", &[req("parcelas", "Parcelas", Kind::Group(INSTALMENT), "", "RN 04/2002"), DOCUMENTO]),
    ("declarar_inadimplencia", &[]),
    ("inscrever_divida_ativa", &[req("documento", "Certidão de dívida ativa", Text, "", "Lei 6.830/1980")]),
    ("habilitar_credito_na_massa", &[DOCUMENTO]),
];

const ACORDO: Field = req("acordo", "Acordo", Text, "Número do acordo de cooperação técnica (ACT nº 12/2024).", "");
const TRIMESTRE: Field = req("trimestre", "Trimestre", Kind::Quarter, "AAAA-Tn, por exemplo 2024-T1.", "");
const OBRIGACOES: &[Choice] = &[
    ("eventos", "Participação em eventos"),
    ("grupos_de_trabalho_e_camaras_tecnicas", "Grupos de trabalho e câmaras técnicas"),
    ("resposta_a_oficios", "Resposta a ofícios"),
    ("reunioes", "Reuniões"),
    ("material_informativo", "Material informativo (cartilhas)"),
    ("capacitacao_regional", "Capacitação regional"),
    ("informacao_trimestral_do_parceiro", "Informação trimestral do parceiro sobre operadoras"),
    ("boletim_trimestral_da_ans", "Boletim trimestral da ANS"),
];
const CANAIS_ENVIO: &[Choice] =
    &[("email", "E-mail"), ("oficio", "Ofício"), ("correio", "Correio"), ("sei", "SEI"), ("outro", "Outro")];
const LINHA_INFORMACAO: &[Field] = &[
    req("registro", "Operadora", Operator, "", ""),
    req("tema", "Tema", Kind::Choice(THEMES), "", ""),
    req("quantidade", "Quantidade de demandas", Count, "", ""),
];

const TIPOS_PARCEIRO: &[Choice] = &[
    ("procon", "Procon"),
    ("ministerio_publico", "Ministério Público"),
    ("defensoria_publica", "Defensoria Pública"),
    ("poder_judiciario", "Poder Judiciário"),
    ("outro_orgao_defesa_consumidor", "Outro órgão de defesa do consumidor"),
    ("organizacao_sociedade_civil", "Organização da sociedade civil"),
];
const CONTATOS_INSTITUCIONAIS: &[Field] = &[
    opt("email", "E-mail institucional", Text, "", ""),
    opt("telefone", "Telefone institucional", Text, "", ""),
    opt("endereco", "Endereço", Text, "", ""),
];
const TIPOS_ITEM: &[Choice] =
    &[("acao_ans", "Principal ação adotada pela ANS"), ("documento_relevante", "Documento relevante do período")];

/// The forms of the Parceiros da Cidadania acts (`crate::parceiro`): the registration of a
/// partner, every act on a partner and its agreements (drawn on the partner's page), and the
/// programme's curated bulletin items.
static PROGRAMME_FORMS: &[(&str, &[Field])] = &[
    (
        "cadastrar_parceiro",
        &[
            req("tipo", "Tipo de instituição", Kind::Choice(TIPOS_PARCEIRO), "", "Lei 8.078/1990 art. 105"),
            req("nome", "Nome da instituição", Text, "Por exemplo: Procon Estadual de Minas Gerais.", ""),
            req("uf", "UF", Kind::Uf, "", ""),
            opt("municipio", "Município", Text, "", ""),
            opt(
                "contatos",
                "Contatos institucionais",
                Object(CONTATOS_INSTITUCIONAIS),
                "Da instituição, não de pessoas.",
                "",
            ),
            opt(
                "responsavel",
                "Pessoa de contato",
                Person,
                "Dado pessoal: cifrado antes de ser gravado.",
                "Lei 13.709/2018 (LGPD)",
            ),
        ],
    ),
    (
        "assinar_acordo",
        &[
            req("numero", "Número do acordo", Text, "Por exemplo: ACT nº 12/2024.", crate::parceiro::NORM_ACORDO),
            req("assinatura", "Data da assinatura", Date, "", ""),
            req("vigencia_inicio", "Início da vigência", Date, "", ""),
            req("vigencia_fim", "Fim da vigência", Date, "", ""),
            req(
                "obrigacoes",
                "Obrigações pactuadas",
                Kind::Choices(OBRIGACOES),
                "As do plano de trabalho do acordo.",
                "",
            ),
            DOCUMENTO,
        ],
    ),
    ("publicar_acordo", &[ACORDO, req("data", "Data da publicação", Date, "", ""), DOCUMENTO]),
    ("renovar_acordo", &[ACORDO, req("nova_vigencia_fim", "Novo fim da vigência", Date, "", ""), DOCUMENTO]),
    ("encerrar_acordo", &[ACORDO, req("data", "Encerrado a partir de", Date, "", ""), MOTIVO_TEXTO, DOCUMENTO]),
    (
        "registrar_cumprimento_obrigacao",
        &[
            ACORDO,
            req("obrigacao", "Obrigação", Kind::Choice(OBRIGACOES), "", ""),
            req("data", "Data do cumprimento", Date, "", ""),
            TRIMESTRE,
            req("descricao", "Descrição", LongText, "", ""),
            DOCUMENTO,
        ],
    ),
    (
        "registrar_informacao_trimestral",
        &[
            ACORDO,
            TRIMESTRE,
            req("linhas", "Demandas por operadora e tema", Kind::Group(LINHA_INFORMACAO), "", ""),
            DOCUMENTO,
        ],
    ),
    ("emitir_boletim", &[ACORDO, TRIMESTRE]),
    (
        "registrar_envio_boletim",
        &[
            ACORDO,
            TRIMESTRE,
            req("data", "Data do envio", Date, "", ""),
            req("canal", "Canal", Kind::Choice(CANAIS_ENVIO), "", ""),
            DOCUMENTO,
        ],
    ),
    (
        "incluir_item_boletim",
        &[
            req("item_id", "Item", NewId, "", ""),
            TRIMESTRE,
            req("tipo", "Seção do boletim", Kind::Choice(TIPOS_ITEM), "", ""),
            req("titulo", "Título", Text, "", ""),
            req("data", "Data da ação ou do documento", Date, "Dentro do trimestre.", ""),
            opt("referencia", "Referência", Text, "Número do documento ou endereço da página.", ""),
        ],
    ),
    ("retirar_item_boletim", &[req("item_id", "Item", NewId, "", ""), MOTIVO_TEXTO]),
];

/// The fields of an act, by its catalogue name; `None` for a name outside the catalogue or an
/// act without a form.
pub fn fields(act: &str) -> Option<&'static [Field]> {
    FORMS.iter().chain(PROGRAMME_FORMS).find(|(name, _)| *name == act).map(|(_, fields)| *fields)
}

/// A field that could not be read, with its form path (`multa.valor_base`, `parcelas.1.valor`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

/// What a form sent: each input's name (the field path) and its text.
pub type FormValues = BTreeMap<String, String>;

/// Turns the values of an act's form into the act's JSON fields (without the `act` tag). Every
/// field is read, so that the page can show each problem next to its own field.
///
/// # Errors
/// One [`FieldError`] per field that is missing or unreadable.
pub fn decode(fields: &[Field], values: &FormValues) -> Result<Map<String, Value>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let object = decode_object(fields, values, "", &mut errors);
    if errors.is_empty() {
        Ok(object)
    } else {
        Err(errors)
    }
}

fn path_of(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

fn decode_object(
    fields: &[Field],
    values: &FormValues,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> Map<String, Value> {
    let mut object = Map::new();
    for field in fields {
        let path = path_of(prefix, field.name);
        match decode_field(field, values, &path) {
            Ok(Some(value)) => {
                object.insert(field.name.to_owned(), value);
            }
            Ok(None) if field.required => {
                errors.push(FieldError { path, message: "campo obrigatório".into() });
            }
            Ok(None) => {}
            Err(mut found) => errors.append(&mut found),
        }
    }
    object
}

fn text_at<'a>(values: &'a FormValues, path: &str) -> &'a str {
    values.get(path).map_or("", |v| v.trim())
}

/// Whether any input under `path.` was filled in.
fn any_under(values: &FormValues, path: &str) -> bool {
    let prefix = format!("{path}.");
    values.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).any(|(_, v)| !v.trim().is_empty())
}

/// The row indexes present under `path.` (`path.0…`, `path.3.valor`), in order.
fn rows(values: &FormValues, path: &str) -> Vec<usize> {
    let prefix = format!("{path}.");
    let mut found: Vec<usize> = values
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .filter_map(|(k, _)| k[prefix.len()..].split('.').next()?.parse().ok())
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

fn one(path: &str, message: impl Into<String>) -> Vec<FieldError> {
    vec![FieldError { path: path.to_owned(), message: message.into() }]
}

/// Reads a date typed as `AAAA-MM-DD` (the date input) or `DD/MM/AAAA`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y")).ok()
}

/// Reads a pt-BR decimal (`1,5`, `1.234,5`) or a plain one (`1.5`).
fn parse_decimal(text: &str) -> Option<Decimal> {
    let plain = if text.contains(',') { text.replace('.', "").replace(',', ".") } else { text.to_owned() };
    plain.parse().ok()
}

/// A registro typed alone or as the picker shows it ("123456 — Razão social").
fn registro_in(text: &str) -> Result<Registro, String> {
    let digits: String = text.chars().take_while(|c| !c.is_whitespace() && *c != '—' && *c != '-').collect();
    Registro::parse(&digits).map_err(|e| e.to_string())
}

fn decode_field(field: &Field, values: &FormValues, path: &str) -> Result<Option<Value>, Vec<FieldError>> {
    let text = text_at(values, path);
    let value = match field.kind {
        Kind::Text | Kind::LongText | Kind::Officer | Kind::Assignee => {
            (!text.is_empty()).then(|| Value::String(text.to_owned()))
        }
        Kind::Date => match text {
            "" => None,
            t => Some(Value::String(
                parse_date(t).ok_or_else(|| one(path, "data inválida; use DD/MM/AAAA"))?.format("%Y-%m-%d").to_string(),
            )),
        },
        Kind::Money => match text {
            "" => None,
            t => Some(
                serde_json::to_value(Money::parse_pt_br(t).map_err(|e| one(path, e.to_string()))?)
                    .map_err(|e| one(path, e.to_string()))?,
            ),
        },
        Kind::Decimal => match text {
            "" => None,
            t => Some(Value::String(
                parse_decimal(t)
                    .ok_or_else(|| one(path, "número inválido; use vírgula para decimais (1,5)"))?
                    .to_string(),
            )),
        },
        Kind::Count => match text {
            "" => None,
            t => Some(Value::from(
                t.replace('.', "").parse::<u64>().map_err(|_| one(path, "informe um número inteiro, sem sinal"))?,
            )),
        },
        Kind::Flag => Some(Value::Bool(matches!(text, "on" | "sim" | "true" | "1"))),
        Kind::Uf => match text {
            "" => None,
            t => Some(Value::String(crate::Uf::parse(t).map_err(|e| one(path, e.to_string()))?.code().to_owned())),
        },
        Kind::Quarter => match text {
            "" => None,
            t => Some(Value::String(crate::Trimestre::parse(t).map_err(|e| one(path, e.to_string()))?.to_string())),
        },
        Kind::Choices(options) => {
            let mut items = Vec::new();
            for i in rows(values, path) {
                let item_path = format!("{path}.{i}");
                match text_at(values, &item_path) {
                    "" => {}
                    t if options.iter().any(|(value, _)| *value == t) => items.push(Value::String(t.to_owned())),
                    _ => return Err(one(&item_path, "escolha uma das opções da lista")),
                }
            }
            list(field, items)
        }
        Kind::Choice(_) | Kind::Deadline if text.is_empty() => None,
        Kind::Choice(_) | Kind::Deadline => {
            if !options_or_empty(field.kind).iter().any(|(value, _)| *value == text) {
                return Err(one(path, "escolha uma das opções da lista"));
            }
            Some(Value::String(text.to_owned()))
        }
        Kind::Cnpj => match text {
            "" => None,
            t => Some(Value::String(Cnpj::parse(t).map_err(|e| one(path, e.to_string()))?.as_str().to_owned())),
        },
        Kind::Operator | Kind::Registro => match text {
            "" => None,
            t => Some(Value::String(registro_in(t).map_err(|e| one(path, e))?.to_string())),
        },
        Kind::Case | Kind::Administrator | Kind::NewId => match text {
            "" => None,
            t => Some(Value::String(
                uuid::Uuid::parse_str(t).map_err(|_| one(path, "escolha um item da lista"))?.to_string(),
            )),
        },
        Kind::Lines => {
            let items: Vec<Value> = rows(values, path)
                .into_iter()
                .map(|i| text_at(values, &format!("{path}.{i}")))
                .filter(|t| !t.is_empty())
                .map(|t| Value::String(t.to_owned()))
                .collect();
            list(field, items)
        }
        Kind::Operators => {
            let mut items = Vec::new();
            let mut errors = Vec::new();
            for i in rows(values, path) {
                let item_path = format!("{path}.{i}");
                match text_at(values, &item_path) {
                    "" => {}
                    t => match registro_in(t) {
                        Ok(r) => items.push(Value::String(r.to_string())),
                        Err(e) => errors.push(FieldError { path: item_path, message: e }),
                    },
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            list(field, items)
        }
        Kind::Group(fields) => {
            let mut items = Vec::new();
            let mut errors = Vec::new();
            for i in rows(values, path) {
                let row = format!("{path}.{i}");
                if any_under(values, &row) {
                    items.push(Value::Object(decode_object(fields, values, &row, &mut errors)));
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Kind::Object(fields) => {
            if !field.required && !any_under(values, path) {
                return Ok(None);
            }
            let mut errors = Vec::new();
            let object = decode_object(fields, values, path, &mut errors);
            if !errors.is_empty() {
                return Err(errors);
            }
            Some(Value::Object(object))
        }
        Kind::Variant { tag, options } => {
            let tag_path = path_of(path, tag);
            let chosen = text_at(values, &tag_path);
            if chosen.is_empty() {
                return if field.required { Err(one(&tag_path, "escolha uma das opções")) } else { Ok(None) };
            }
            let (_, _, fields) = options
                .iter()
                .find(|(value, _, _)| *value == chosen)
                .ok_or_else(|| one(&tag_path, "escolha uma das opções da lista"))?;
            let mut errors = Vec::new();
            let mut object = decode_object(fields, values, path, &mut errors);
            if !errors.is_empty() {
                return Err(errors);
            }
            object.insert(tag.to_owned(), Value::String(chosen.to_owned()));
            Some(Value::Object(object))
        }
        Kind::Person => {
            if !any_under(values, path) {
                return Ok(None);
            }
            let mut object = Map::new();
            for (name, _) in PERSON {
                let t = text_at(values, &path_of(path, name));
                if !t.is_empty() {
                    object.insert((*name).to_owned(), Value::String(t.to_owned()));
                }
            }
            Some(Value::Object(object))
        }
    };
    Ok(value)
}

/// A list as the act takes it: an optional list left empty is an empty list (an auction with no
/// winner); a required one is missing.
fn list(field: &Field, items: Vec<Value>) -> Option<Value> {
    (!items.is_empty() || !field.required).then_some(Value::Array(items))
}

/// The inputs of a person's data, with their labels.
pub const PERSON: &[Choice] = &[("nome", "Nome"), ("cpf", "CPF"), ("telefone", "Telefone"), ("email", "E-mail")];

/// The options of a choice field (the deadlines for [`Kind::Deadline`]); empty for other kinds.
pub fn options_or_empty(kind: Kind) -> &'static [Choice] {
    match kind {
        Kind::Choice(options) => options,
        Kind::Deadline => DEADLINES,
        _ => &[],
    }
}

/// The pt-BR label of a choice value, or the value itself when the list does not hold it.
pub fn label_of<'a>(options: &'static [Choice], value: &'a str) -> &'a str {
    options.iter().find(|(v, _)| *v == value).map_or(value, |(_, label)| label)
}

/// A registro and an id that parse, for probes.
const PROBE_REGISTRO: &str = "326305";
const PROBE_ID: &str = "6b1f0c1e-2a4b-4c55-9d0e-1f2a3b4c5d6e";

/// Values of the right shape for every input of `fields` (a probe of the act, not a real one):
/// the pages decide an act with its probe to learn whether the case's phase admits it.
pub fn probe_values(fields: &[Field]) -> FormValues {
    let mut values = FormValues::new();
    sample(fields, "", &mut values);
    values
}

fn sample(fields: &[Field], prefix: &str, values: &mut FormValues) {
    for field in fields {
        let path = path_of(prefix, field.name);
        let mut put = |p: String, v: &str| {
            values.insert(p, v.to_owned());
        };
        match field.kind {
            Kind::Text | Kind::LongText | Kind::Officer | Kind::Assignee => put(path, "texto"),
            Kind::Date => put(path, "15/01/2026"),
            Kind::Money => put(path, "1.234,56"),
            Kind::Decimal => put(path, "1,5"),
            Kind::Count => put(path, "3"),
            Kind::Flag => put(path, "on"),
            Kind::Choice(options) => put(path, options[0].0),
            Kind::Choices(options) => put(format!("{path}.0"), options[0].0),
            Kind::Uf => put(path, "SP"),
            Kind::Quarter => put(path, "2024-T1"),
            Kind::Deadline => put(path, "defesa"),
            Kind::Registro | Kind::Operator => put(path, PROBE_REGISTRO),
            Kind::Cnpj => put(path, "11.222.333/0001-81"),
            Kind::Case | Kind::Administrator | Kind::NewId => put(path, PROBE_ID),
            Kind::Lines => put(format!("{path}.0"), "linha"),
            Kind::Operators => put(format!("{path}.0"), &format!("{PROBE_REGISTRO} — Operadora")),
            Kind::Group(inner) => sample(inner, &format!("{path}.0"), values),
            Kind::Object(inner) => sample(inner, &path, values),
            Kind::Variant { tag, options } => {
                let (value, _, inner) = options.last().expect("a variant has options");
                put(path_of(&path, tag), value);
                sample(inner, &path, values);
            }
            Kind::Person => put(path_of(&path, "nome"), "Maria"),
        }
    }
}

/// The act's JSON as the command types read it: personal data arrives sealed in the domain.
pub fn command_json(act: &str, mut object: Map<String, Value>) -> Value {
    for (name, value) in object.iter_mut() {
        if fields(act).unwrap_or_default().iter().any(|f| f.name == name && f.kind == Kind::Person) {
            *value = serde_json::json!({ "subject_id": PROBE_ID, "ciphertext": "AAAA" });
        }
    }
    object.insert("act".into(), Value::String(act.to_owned()));
    Value::Object(object)
}

/// The probe of an act as its command JSON; `None` outside the catalogue.
pub fn probe(act: &str) -> Option<Value> {
    let fields = fields(act)?;
    decode(fields, &probe_values(fields)).ok().map(|object| command_json(act, object))
}

/// The follow-up acts the actor of `ctx` may perform on `case` in its current phase, in the
/// catalogue's order: each candidate (the actor's role may perform it, it applies to the case's
/// family) is decided on the case with its probe, and left out when the decision refuses it for
/// the phase, for a closed case or for the actor. A refusal of the probe's values, or by a rule
/// the real values may satisfy, keeps the act on offer: the officer's own values decide.
pub fn offered(case: &CaseState, operator: &OperadoraState, ctx: &Context<'_>) -> Vec<&'static ActInfo> {
    let Some(family) = case.familia else { return Vec::new() };
    act_catalogue()
        .iter()
        .filter(|info| !info.opens_case && info.roles.contains(&ctx.actor.role) && info.families.contains(&family))
        .filter(|info| {
            let Some(command) = probe(info.name).and_then(|v| serde_json::from_value::<CaseCommand>(v).ok()) else {
                return true;
            };
            match decide_case(case, operator, command, ctx) {
                Err(DomainError::Forbidden { .. }) => false,
                Err(DomainError::Rule { rule_id, .. }) => {
                    !(rule_id.ends_with(".transicao_invalida")
                        || rule_id.contains("fase")
                        || rule_id == "caso.encerrado")
                }
                _ => true,
            }
        })
        .collect()
}

/// The deadlines `act` would open on `case` once the rule book confirms their lengths. The act
/// is decided with its probe under the book in force and again under `placeholder` (the same
/// book after [`RuleBook::with_placeholder_deadlines`]); a deadline only the second decision
/// opens is one whose length still awaits confirmation, so the act would open none today.
/// Empty when the act is refused, outside the catalogue, or opens every deadline it names.
pub fn unconfirmed_deadlines(
    act: &str,
    case: &CaseState,
    operator: &OperadoraState,
    ctx: &Context<'_>,
    placeholder: &RuleBook,
) -> Vec<DeadlineKey> {
    let Some(command) = probe(act).and_then(|v| serde_json::from_value::<CaseCommand>(v).ok()) else {
        return Vec::new();
    };
    let opened = |rules: &RuleBook| {
        let ctx = Context { rules, ..ctx.clone() };
        let emitted = decide_case(case, operator, command.clone(), &ctx).ok()?;
        let mut after = case.clone();
        for e in &emitted {
            if let (StreamRef::Caso(id), DomainEvent::Case(event)) = (&e.stream, &e.event) {
                if Some(*id) == ctx.case_id {
                    after.evolve(event);
                }
            }
        }
        Some(after.prazos.into_keys().collect::<Vec<_>>())
    };
    match (opened(ctx.rules), opened(placeholder)) {
        (Some(now), Some(once_confirmed)) => once_confirmed.into_iter().filter(|k| !now.contains(k)).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
