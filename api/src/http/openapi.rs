//! `GET /openapi.json`: the OpenAPI 3.1 description of `/api/v1`, built from the route table
//! below, the act catalogue of the domain (every `act` a command may name) and the
//! [`Problem`](crate::error::Problem) schema derived from the error type itself.

use autos_domain::acts::{partner_acts, programme_item_acts};
use autos_domain::forms::{self, Field, Kind};
use autos_domain::{act_catalogue, Role};
use axum::Json;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref, RefOr, Required,
    ResponseBuilder,
};
use utoipa::PartialSchema;

use super::parceiros::{READERS, WRITERS};
use crate::error::Problem;

/// What a route takes as its JSON body.
#[derive(Clone, Copy)]
enum Body {
    None,
    /// An act of `ActSet`: an object whose `act` names it, with the act's fields.
    Acts(ActSet),
    /// The fields of one act, the route fixing `act`.
    Fields,
}

/// One documented route.
struct Route {
    method: HttpMethod,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    /// Who may call it.
    access: Access,
    body: Body,
    /// (name, in path?, description)
    params: &'static [(&'static str, bool, &'static str)],
    ok: &'static str,
    errors: &'static [&'static str],
}

/// Who may call a route: the role matrix of docs/ARCHITECTURE.md §6, as the tests check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without a token: aggregates and public data only.
    Public,
    /// Signed-in officers of these roles.
    Roles(&'static [Role]),
    /// Any signed-in officer reaches the route; the act's catalogue entry decides (403 otherwise).
    PerAct,
}

const ANY_OFFICER: &[Role] = &Role::ALL;

impl Access {
    fn description(self) -> String {
        match self {
            Access::Public => "Público: apenas dados agregados ou públicos.".into(),
            Access::Roles(roles) if roles.len() == Role::ALL.len() => {
                "Requer Authorization: Bearer <token>. Papéis: qualquer servidor.".into()
            }
            Access::Roles(roles) => format!(
                "Requer Authorization: Bearer <token>. Papéis: {}.",
                roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
            ),
            Access::PerAct => "Requer Authorization: Bearer <token>. Papéis: conforme o ato (GET /api/v1/atos); \
                 o interventor só nos casos em que foi designado."
                .into(),
        }
    }
}

const PAGE: (&str, bool, &str) = ("after", false, "cursor: o `next` da página anterior");
const LIMIT: (&str, bool, &str) = ("limit", false, "itens por página (no máximo 500)");
const FORMAT: (&str, bool, &str) = ("format", false, "json (padrão) | csv: planilha UTF-8 com cabeçalho em português");
const SEPARATOR: (&str, bool, &str) =
    ("separator", false, "com format=csv: comma (padrão) | semicolon (primeira linha sep=;)");
const NUMBERS: (&str, bool, &str) =
    ("numbers", false, "com format=csv: plain (1234.56, padrão) | pt_br (1.234,56; inteiros 16.879)");
const WRITE_ERRORS: &[&str] = &["400", "401", "403", "404", "409", "410", "413", "422", "500", "503", "507"];
const READ_ERRORS: &[&str] = &["400", "401", "403", "404", "500", "503"];
/// A proof also answers 409 when the log no longer gives the signed head it would lead to.
const PROOF_ERRORS: &[&str] = &["400", "401", "403", "404", "409", "500", "503"];

const ROUTES: &[Route] = &[
    Route {
        method: HttpMethod::Post,
        path: "/api/v1/operadoras",
        tag: "operadoras",
        summary: "Registra uma operadora",
        access: Access::Roles(&[Role::Administrador]),
        body: Body::Fields,
        params: &[],
        ok: "201",
        errors: WRITE_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/operadoras",
        tag: "operadoras",
        summary: "Lista operadoras (busca por nome ou registro, UF, modalidade)",
        access: Access::Public,
        body: Body::None,
        params: &[
            ("q", false, "parte do nome ou do registro"),
            ("uf", false, "UF da sede"),
            ("modalidade", false, "modalidade"),
            PAGE,
            LIMIT,
            ("format", false, "json (padrão, em páginas) | csv: todo o cadastro do filtro, sem páginas"),
            SEPARATOR,
            NUMBERS,
        ],
        ok: "200",
        errors: &["400", "500", "503"],
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/operadoras/{registro}",
        tag: "operadoras",
        summary: "Situação da operadora, agora ou em uma data (as_of) ou como registrada em um instante (known_at)",
        access: Access::Public,
        body: Body::None,
        params: &[
            ("registro", true, "registro ANS, 6 dígitos (5 nos registros de 1998–2001)"),
            ("as_of", false, "data legal AAAA-MM-DD"),
            ("known_at", false, "instante de registro RFC 3339"),
        ],
        ok: "200",
        errors: &["400", "404", "500", "503"],
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/operadoras/{registro}/linha-do-tempo",
        tag: "operadoras",
        summary: "Linha do tempo das intervenções, em ordem de data legal",
        access: Access::Public,
        body: Body::None,
        params: &[("registro", true, "registro ANS"), PAGE, LIMIT],
        ok: "200",
        errors: &["400", "500", "503"],
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/operadoras/{registro}/casos",
        tag: "operadoras",
        summary: "Casos da operadora",
        access: Access::Roles(ANY_OFFICER),
        body: Body::None,
        params: &[("registro", true, "registro ANS"), PAGE, LIMIT],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Post,
        path: "/api/v1/operadoras/{registro}/beneficiarios",
        tag: "operadoras",
        summary: "Informa o número de beneficiários do mês",
        access: Access::Roles(&[Role::Administrador]),
        body: Body::Fields,
        params: &[("registro", true, "registro ANS")],
        ok: "201",
        errors: WRITE_ERRORS,
    },
    Route {
        method: HttpMethod::Post,
        path: "/api/v1/operadoras/{registro}/atos",
        tag: "operadoras",
        summary: "Ato cadastral sobre a operadora",
        access: Access::PerAct,
        body: Body::Acts(ActSet::Operator),
        params: &[("registro", true, "registro ANS")],
        ok: "201",
        errors: WRITE_ERRORS,
    },
    Route {
        method: HttpMethod::Post,
        path: "/api/v1/casos",
        tag: "casos",
        summary: "Abre um caso com seu ato de abertura",
        access: Access::PerAct,
        body: Body::Acts(ActSet::Opening),
        params: &[],
        ok: "201",
        errors: WRITE_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/casos/{id}",
        tag: "casos",
        summary: "Estado do caso (ETag = versão), agora ou no passado",
        access: Access::Roles(ANY_OFFICER),
        body: Body::None,
        params: &[
            ("id", true, "identificador do caso"),
            ("as_of", false, "data legal"),
            ("known_at", false, "instante de registro"),
        ],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Post,
        path: "/api/v1/casos/{id}/atos",
        tag: "casos",
        summary: "Pratica um ato no caso (If-Match ou expected_version para concorrência otimista)",
        access: Access::PerAct,
        body: Body::Acts(ActSet::FollowUp),
        params: &[("id", true, "identificador do caso")],
        ok: "201",
        errors: WRITE_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/casos/{id}/eventos",
        tag: "casos",
        summary: "Eventos do caso com o envelope completo",
        access: Access::Roles(ANY_OFFICER),
        body: Body::None,
        params: &[("id", true, "identificador do caso")],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/casos/{id}/dados-pessoais",
        tag: "casos",
        summary: "Dados pessoais cifrados nos atos do caso, abertos para quem precisa (cada leitura registrada)",
        access: Access::Roles(&[Role::Atendente, Role::Fiscal, Role::Diretoria]),
        body: Body::None,
        params: &[("id", true, "identificador do caso"), ("finalidade", false, "para que os dados serão usados (obrigatório)")],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/atos",
        tag: "casos",
        summary: "Catálogo de atos: papéis permitidos e famílias",
        access: Access::Public,
        body: Body::None,
        params: &[],
        ok: "200",
        errors: &["500", "503"],
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/prazos",
        tag: "prazos",
        summary: "Prazos abertos, que vencem hoje ou vencidos",
        access: Access::Roles(ANY_OFFICER),
        body: Body::None,
        params: &[
            ("status", false, "abertos | vence_hoje | vencidos"),
            ("uf", false, "UF"),
            ("familia", false, "família do caso"),
            ("registro", false, "registro ANS"),
            ("on", false, "data de referência"),
            PAGE,
            LIMIT,
        ],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/painel/intervencoes",
        tag: "painel",
        summary: "Ações de intervenção por tipo e por modalidade (tabelas do relatório)",
        access: Access::Public,
        body: Body::None,
        params: &[("table", false, "com format=csv: tipos (padrão) | por_modalidade"), FORMAT, SEPARATOR, NUMBERS],
        ok: "200",
        errors: &["400", "500", "503"],
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/painel/demandas",
        tag: "painel",
        summary: "Demandas do Disque ANS por tema, ano e tipo",
        access: Access::Public,
        body: Body::None,
        params: &[FORMAT, SEPARATOR, NUMBERS],
        ok: "200",
        errors: &["400", "500", "503"],
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/boletins/{uf}/{ano}/{trimestre}",
        tag: "painel",
        summary: "Boletim Parceiros da Cidadania: temas e operadoras mais demandados (nacional, região, UF) e atos da ANS no trimestre",
        access: Access::Public,
        body: Body::None,
        params: &[
            ("uf", true, "UF da sede das operadoras (SP, RJ…)"),
            ("ano", true, "ano, 2000–2100"),
            ("trimestre", true, "trimestre, 1–4"),
            ("limite", false, "itens em cada ranking (padrão 10)"),
        ],
        ok: "200",
        errors: &["400", "500", "503"],
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/painel/alienacoes",
        tag: "painel",
        summary: "Alienações de carteira por ano, totais e parciais",
        access: Access::Public,
        body: Body::None,
        params: &[FORMAT, SEPARATOR, NUMBERS],
        ok: "200",
        errors: &["400", "500", "503"],
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/painel/sancoes",
        tag: "painel",
        summary: "Processos sancionadores por assunto e período",
        access: Access::Public,
        body: Body::None,
        params: &[FORMAT, SEPARATOR, NUMBERS],
        ok: "200",
        errors: &["400", "500", "503"],
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/sancoes",
        tag: "sancoes",
        summary: "Livro de multas: fatores, descontos, pagamentos e parcelas de cada multa",
        access: Access::Roles(ANY_OFFICER),
        body: Body::None,
        params: &[("registro", false, "registro ANS"), PAGE, LIMIT],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/indisponibilidades",
        tag: "sancoes",
        summary: "Indisponibilidade de bens por pessoa",
        access: Access::Roles(&[Role::Fiscal, Role::Diretoria, Role::Interventor, Role::Auditor, Role::Administrador]),
        body: Body::None,
        params: &[("pessoa", false, "id da pessoa"), ("registro", false, "registro ANS"), PAGE, LIMIT],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/igr",
        tag: "painel",
        summary: "IGR calculado, no layout dos dados abertos da ANS (CSV com ; e vírgula decimal)",
        access: Access::Public,
        body: Body::None,
        params: &[("competencia", false, "AAAA-MM (sem ela, o último mês encerrado)")],
        ok: "200",
        errors: &["400", "500", "503"],
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/indice-reclamacoes",
        tag: "painel",
        summary: "Índice de reclamações: numerador, denominador, janela e escala separados",
        access: Access::Public,
        body: Body::None,
        params: &[
            ("registro", false, "registro ANS (obrigatório)"),
            ("mes", false, "último mês da janela, AAAA-MM (obrigatório)"),
            ("janela", false, "meses na janela (1, 3, 6…)"),
            ("escala", false, "por quantos beneficiários (1 ou 10000)"),
        ],
        ok: "200",
        errors: &["400", "500", "503"],
    },
    Route {
        method: HttpMethod::Post,
        path: "/api/v1/parceiros",
        tag: "parceiros",
        summary: "Cadastra um parceiro do programa Parceiros da Cidadania (responsavel: dados pessoais em claro, cifrados pelo servidor)",
        access: Access::Roles(WRITERS),
        body: Body::Fields,
        params: &[],
        ok: "201",
        errors: WRITE_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/parceiros",
        tag: "parceiros",
        summary: "Lista os parceiros (UF, região, acordos e sua situação hoje)",
        access: Access::Roles(READERS),
        body: Body::None,
        params: &[("uf", false, "UF do parceiro"), PAGE, LIMIT],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/parceiros/acordos",
        tag: "parceiros",
        summary: "Acordos de cooperação técnica vigentes em uma data, com a UF do parceiro",
        access: Access::Roles(READERS),
        body: Body::None,
        params: &[
            ("vigentes_em", false, "data AAAA-MM-DD (padrão: hoje)"),
            ("uf", false, "UF do parceiro"),
            FORMAT,
            SEPARATOR,
            NUMBERS,
        ],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/parceiros/{id}",
        tag: "parceiros",
        summary: "Parceiro com seus acordos, obrigações por trimestre (devida, cumprida, atrasada), informações e boletins (ETag = versão)",
        access: Access::Roles(READERS),
        body: Body::None,
        params: &[("id", true, "identificador do parceiro")],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Post,
        path: "/api/v1/parceiros/{id}/atos",
        tag: "parceiros",
        summary: "Pratica um ato sobre o parceiro ou seus acordos (If-Match ou expected_version); emitir_boletim leva só acordo e trimestre: o servidor monta o conteúdo e o SHA-256",
        access: Access::Roles(WRITERS),
        body: Body::Acts(ActSet::Parceiro),
        params: &[("id", true, "identificador do parceiro")],
        ok: "201",
        errors: WRITE_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/parceiros/{id}/boletins/{trimestre}",
        tag: "parceiros",
        summary: "Boletim emitido ao parceiro, com o conteúdo exatamente como emitido e seu SHA-256",
        access: Access::Roles(READERS),
        body: Body::None,
        params: &[("id", true, "identificador do parceiro"), ("trimestre", true, "AAAA-Tn (2024-T1)")],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Post,
        path: "/api/v1/programa-parceiros/atos",
        tag: "parceiros",
        summary: "Inclui ou retira ação ou documento do boletim do trimestre",
        access: Access::Roles(WRITERS),
        body: Body::Acts(ActSet::Programa),
        params: &[],
        ok: "201",
        errors: WRITE_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/programa-parceiros/itens",
        tag: "parceiros",
        summary: "Ações e documentos do boletim: os do trimestre não retirados, ou todos",
        access: Access::Roles(READERS),
        body: Body::None,
        params: &[("trimestre", false, "AAAA-Tn")],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/eventos",
        tag: "auditoria",
        summary: "O registro em ordem global, em páginas",
        access: Access::Roles(ANY_OFFICER),
        body: Body::None,
        params: &[("after", false, "posição"), LIMIT],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/eventos/fluxo",
        tag: "auditoria",
        summary: "Eventos como server-sent events, seguindo novos commits",
        access: Access::Roles(ANY_OFFICER),
        body: Body::None,
        params: &[("after", false, "posição")],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Post,
        path: "/api/v1/auditoria/verificacao",
        tag: "auditoria",
        summary: "Inicia em segundo plano a verificação completa (cabeçalhos assinados, cadeias de hash e checkpoints), ou junta-se à que está em andamento; o andamento e o resultado ficam em GET",
        access: Access::Roles(&[Role::Auditor, Role::Administrador]),
        body: Body::None,
        params: &[],
        ok: "202",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/auditoria/verificacao",
        tag: "auditoria",
        summary: "Andamento da verificação completa, ou seu último resultado com o último checkpoint",
        access: Access::Roles(&[Role::Auditor, Role::Administrador]),
        body: Body::None,
        params: &[],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Post,
        path: "/api/v1/auditoria/reprocessamento",
        tag: "auditoria",
        summary: "Inicia em segundo plano a reconstrução dos modelos de leitura em tabelas de rascunho e a comparação com os vivos, ou junta-se à que está em andamento",
        access: Access::Roles(&[Role::Auditor, Role::Administrador]),
        body: Body::None,
        params: &[],
        ok: "202",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/auditoria/reprocessamento",
        tag: "auditoria",
        summary: "Andamento da conferência do reprocessamento, ou seu último resultado por projeção",
        access: Access::Roles(&[Role::Auditor, Role::Administrador]),
        body: Body::None,
        params: &[],
        ok: "200",
        errors: READ_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/auditoria/prova/{position}",
        tag: "auditoria",
        summary: "Recibo de um evento: seu hash, a prova de inclusão e o último cabeçalho assinado (verificável com `autos proof check` e a chave pública)",
        access: Access::Roles(&[Role::Auditor, Role::Administrador]),
        body: Body::None,
        params: &[("position", true, "posição do evento no registro")],
        ok: "200",
        errors: PROOF_ERRORS,
    },
    Route {
        method: HttpMethod::Get,
        path: "/api/v1/auditoria/consistencia",
        tag: "auditoria",
        summary: "Prova de que o último cabeçalho assinado estende o cabeçalho de N eventos",
        access: Access::Roles(&[Role::Auditor, Role::Administrador]),
        body: Body::None,
        params: &[("from", false, "tamanho (eventos) do cabeçalho anterior (obrigatório)")],
        ok: "200",
        errors: PROOF_ERRORS,
    },
];

fn problem_ref() -> Ref {
    Ref::from_schema_name("Problem")
}

fn error_description(code: &str) -> &'static str {
    match code {
        "400" => "invalid_input: entrada malformada; nada foi gravado",
        "401" => "unauthenticated: token ausente ou inválido",
        "403" => "forbidden: o papel não permite (rule_id e norm quando vem da regra de papéis)",
        "404" => "not_found: recurso inexistente",
        "409" => {
            "version_conflict: versão desatualizada ou requisição em andamento; nada foi gravado (log_mismatch nas provas: o registro não confere com o cabeçalho assinado)"
        }
        "413" => "payload_too_large: corpo da requisição acima do limite; nada foi gravado",
        "422" => "rule_violation: ato vedado pelas normas, com rule_id e norm",
        "410" => "erased: os dados pessoais do titular foram eliminados nos termos da LGPD; nada foi gravado",
        "500" => {
            "internal: erro interno (dado corrompido, falha de cifra); incident_id no corpo e no registro do servidor"
        }
        "507" => "insufficient_storage: o banco de dados está sem espaço; nada foi gravado",
        _ => "unavailable: banco de dados ou projeção indisponível",
    }
}

/// Which acts a route takes.
#[derive(Clone, Copy)]
enum ActSet {
    /// The operator registry acts (`/operadoras/{registro}/atos`).
    Operator,
    /// The acts that open a case (`/casos`).
    Opening,
    /// The acts on an open case (`/casos/{id}/atos`).
    FollowUp,
    /// The acts on a registered partner (`/parceiros/{id}/atos`).
    Parceiro,
    /// The acts on the programme's stream (`/programa-parceiros/atos`).
    Programa,
}

impl ActSet {
    fn acts(self) -> Vec<&'static autos_domain::ActInfo> {
        match self {
            ActSet::Operator => act_catalogue().iter().filter(|a| a.families.is_empty()).collect(),
            ActSet::Opening => act_catalogue().iter().filter(|a| a.opens_case).collect(),
            ActSet::FollowUp => act_catalogue().iter().filter(|a| !a.opens_case && !a.families.is_empty()).collect(),
            ActSet::Parceiro => partner_acts().collect(),
            ActSet::Programa => programme_item_acts().collect(),
        }
    }
}

fn typed(kind: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::new(kind))
}

/// The JSON schema of one field, from the act's description (`autos_domain::forms`).
fn field_schema(field: &Field) -> RefOr<Schema> {
    let date = || typed(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)));
    let text = |pattern: Option<&str>| typed(Type::String).pattern(pattern.map(str::to_owned));
    let schema: RefOr<Schema> = match field.kind {
        Kind::Text | Kind::LongText | Kind::Officer | Kind::Assignee => text(None).min_length(Some(1)).into(),
        Kind::Date => date().into(),
        Kind::Money | Kind::Decimal => text(Some("^[0-9]+([.][0-9]+)?$")).into(),
        Kind::Count => typed(Type::Integer).minimum(Some(0)).into(),
        Kind::Flag => typed(Type::Boolean).into(),
        Kind::Choice(_) | Kind::Deadline => {
            typed(Type::String).enum_values(Some(forms::options_or_empty(field.kind).iter().map(|(v, _)| *v))).into()
        }
        Kind::Choices(options) => {
            ArrayBuilder::new().items(typed(Type::String).enum_values(Some(options.iter().map(|(v, _)| *v)))).into()
        }
        Kind::Quarter => text(Some("^[0-9]{4}-T[1-4]$")).into(),
        Kind::Uf => typed(Type::String).enum_values(Some(autos_domain::Uf::ALL.iter().map(|uf| uf.code()))).into(),
        Kind::Registro | Kind::Operator => text(Some("^[0-9]{5,6}$")).into(),
        Kind::Cnpj => text(None).into(),
        Kind::Case | Kind::Administrator | Kind::NewId => {
            typed(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))).into()
        }
        Kind::Lines => ArrayBuilder::new().items(text(None).min_length(Some(1))).into(),
        Kind::Operators => ArrayBuilder::new().items(text(Some("^[0-9]{5,6}$"))).into(),
        Kind::Group(inner) => ArrayBuilder::new().items(object_schema(inner)).into(),
        Kind::Object(inner) => object_schema(inner).into(),
        Kind::Variant { tag, options } => {
            let mut one_of = OneOfBuilder::new();
            for (value, _, inner) in options {
                one_of = one_of.item(
                    object_schema(inner).property(tag, typed(Type::String).enum_values(Some([*value]))).required(tag),
                );
            }
            one_of.into()
        }
        Kind::Person => ObjectBuilder::new()
            .description(Some("dados pessoais em claro (nome, cpf, telefone, email); o servidor os cifra"))
            .into(),
    };
    match schema {
        RefOr::T(Schema::Object(mut object)) => {
            object.description = Some(format!(
                "{}{}",
                field.label,
                if field.norm.is_empty() { String::new() } else { format!(" ({})", field.norm) }
            ));
            RefOr::T(Schema::Object(object))
        }
        other => other,
    }
}

fn object_schema(fields: &[Field]) -> ObjectBuilder {
    let mut object = ObjectBuilder::new().schema_type(SchemaType::new(Type::Object));
    for field in fields {
        object = object.property(field.name, field_schema(field));
        if field.required {
            object = object.required(field.name);
        }
    }
    object
}

/// The body of an act route: one object per act of `set`, each with the fields of the act's
/// description, the same description the pages draw their forms from and decode them with.
fn acts_schema(set: ActSet) -> OneOfBuilder {
    let mut one_of = OneOfBuilder::new();
    for info in set.acts() {
        let fields = forms::fields(info.name).unwrap_or_default();
        let mut object = object_schema(fields)
            .title(Some(info.label))
            .property("act", typed(Type::String).enum_values(Some([info.name])))
            .required("act")
            .property("occurred_on", typed(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))));
        if matches!(set, ActSet::FollowUp | ActSet::Parceiro) {
            object = object.property("expected_version", typed(Type::Integer).minimum(Some(0)));
        }
        one_of = one_of.item(object);
    }
    one_of.description(Some("campos desconhecidos são recusados; ver também GET /api/v1/atos"))
}

/// The whole document.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for route in ROUTES {
        let mut operation = OperationBuilder::new()
            .summary(Some(route.summary))
            .tag(route.tag)
            .description(Some(route.access.description()));
        for (name, in_path, description) in route.params {
            operation = operation.parameter(
                ParameterBuilder::new()
                    .name(*name)
                    .parameter_in(if *in_path { ParameterIn::Path } else { ParameterIn::Query })
                    .required(if *in_path { Required::True } else { Required::False })
                    .description(Some(*description))
                    .schema(Some(ObjectBuilder::new().schema_type(SchemaType::new(Type::String)))),
            );
        }
        if route.method == HttpMethod::Post {
            operation = operation.parameter(
                ParameterBuilder::new()
                    .name("Idempotency-Key")
                    .parameter_in(ParameterIn::Header)
                    .required(Required::False)
                    .description(Some(
                        "uma nova tentativa com a mesma chave devolve a primeira resposta e não grava nada",
                    ))
                    .schema(Some(ObjectBuilder::new().schema_type(SchemaType::new(Type::String)))),
            );
        }
        let body = match route.body {
            Body::None => None,
            Body::Acts(set) => Some(RefOr::from(acts_schema(set))),
            Body::Fields => Some(RefOr::from(
                ObjectBuilder::new().description(Some("Os campos do ato que a rota pratica; occurred_on opcional.")),
            )),
        };
        if let Some(schema) = body {
            operation = operation.request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content("application/json", ContentBuilder::new().schema(Some(schema)).build())
                    .build(),
            ));
        }
        let csv_only = CSV_ONLY.contains(&route.path);
        let mut ok = ResponseBuilder::new().description("sucesso");
        if !csv_only {
            ok = ok.content("application/json", ContentBuilder::new().schema(Some(ObjectBuilder::new())).build());
        }
        // A route that takes `format` also answers CSV (a download with a file name).
        if csv_only || route.params.iter().any(|(name, _, _)| *name == "format") {
            ok = ok.content(
                "text/csv; charset=utf-8",
                ContentBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(SchemaType::new(Type::String))))
                    .build(),
            );
        }
        operation = operation.response(route.ok, ok);
        for code in route.errors {
            operation = operation.response(
                *code,
                ResponseBuilder::new()
                    .description(error_description(code))
                    .content("application/problem+json", ContentBuilder::new().schema(Some(problem_ref())).build()),
            );
        }
        paths = paths.path(route.path, PathItem::new(route.method.clone(), operation));
    }
    OpenApiBuilder::new()
        .info(InfoBuilder::new().title("Autos — API da fiscalização").version(env!("CARGO_PKG_VERSION")).build())
        .paths(paths.build())
        .components(Some(ComponentsBuilder::new().schema("Problem", Problem::schema()).build()))
        .build()
}

/// Routes that answer CSV only, in a layout fixed by someone else (ANS's open data).
const CSV_ONLY: &[&str] = &["/api/v1/igr"];

pub(super) async fn serve() -> Json<OpenApi> {
    Json(document())
}

/// The routes described, as (method, path, access), for the tests that every route is
/// documented and that each one answers the role matrix it documents.
pub fn documented() -> Vec<(&'static str, &'static str, Access)> {
    ROUTES.iter().map(|r| (if r.method == HttpMethod::Post { "POST" } else { "GET" }, r.path, r.access)).collect()
}
