//! The API layer's one error enum, shared by the HTTP handlers and the command line, and its
//! mapping to `application/problem+json` with the stable codes of the API contract:
//! `invalid_input` 400, `unauthenticated` 401, `forbidden` 403, `not_found` 404,
//! `version_conflict` 409, `payload_too_large` 413, `rule_violation` 422 (with the rule id and
//! its norm), `unavailable` 503, `insufficient_storage` 507 (the database is out of space). Database text never reaches a client.

use autos_domain::DomainError;
use autos_projections::ProjectionError;
use autos_store::StoreError;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use thiserror::Error;

/// Every way an API request or an `autos` command can fail.
#[derive(Debug, Error)]
pub enum ApiError {
    /// The store refused or failed the operation.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A read model failed.
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    /// The domain refused the command (bad value, role not allowed, act forbidden by law).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The request is malformed (JSON, types, unknown fields, parameters).
    #[error("entrada inválida: {0}")]
    InvalidInput(String),
    /// No or an unknown bearer token.
    #[error("autenticação necessária")]
    Unauthenticated,
    /// The officer's role may not use this route.
    #[error("acesso negado: {0}")]
    Forbidden(String),
    #[error("não encontrado: {0}")]
    NotFound(String),
    /// The request body exceeds the limit.
    #[error("corpo da requisição grande demais (limite {0} bytes)")]
    TooLarge(usize),
    /// A dependency is down (database, a stopped projection).
    #[error("indisponível: {0}")]
    Unavailable(String),
    /// A concurrent request holds what this one needs (an Idempotency-Key in use).
    #[error("conflito: {0}")]
    Conflict(String),
    /// A flag, an environment variable or a file the command needs is wrong.
    #[error("configuração inválida: {0}")]
    Config(String),
    /// Reading or writing a local file or socket failed.
    #[error("erro de E/S: {0}")]
    Io(#[from] std::io::Error),
    /// An import rejected rows; the report was already printed.
    #[error("{0} linha(s) rejeitada(s) na importação")]
    Rejected(usize),
    /// `autos verify` found tampering or damage; the report was already printed.
    #[error("a verificação de integridade encontrou {0} problema(s)")]
    IntegrityFailed(usize),
}

/// The body of every error response (RFC 9457).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub code: &'static str,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub norm: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_version: Option<i64>,
}

impl Problem {
    fn new(status: StatusCode, code: &'static str, title: &str, detail: String) -> Self {
        Problem {
            kind: format!("https://autos.ans.gov.br/problemas/{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            code,
            detail,
            rule_id: None,
            norm: None,
            field: None,
            stream: None,
            expected_version: None,
            actual_version: None,
        }
    }
}

fn unavailable(what: &dyn std::fmt::Display) -> Problem {
    tracing::error!(error = %what, "request failed on the database");
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "Serviço indisponível",
        "o banco de dados não respondeu; tente novamente".into(),
    )
}

impl ApiError {
    /// The problem document this error is answered with.
    pub fn problem(&self) -> Problem {
        let invalid =
            |detail: String| Problem::new(StatusCode::BAD_REQUEST, "invalid_input", "Entrada inválida", detail);
        match self {
            ApiError::Store(StoreError::Conflict { stream, expected, actual }) => Problem {
                stream: Some(stream.clone()),
                expected_version: Some(expected.clone()),
                actual_version: Some(*actual),
                ..Problem::new(
                    StatusCode::CONFLICT,
                    "version_conflict",
                    "Conflito de versão",
                    format!("o caso foi alterado por outra pessoa (versão atual {actual}, esperada {expected}); recarregue e tente de novo"),
                )
            },
            ApiError::Store(StoreError::InvalidInput(m)) => invalid(m.clone()),
            ApiError::Store(e @ StoreError::IdempotencyMismatch(_)) => invalid(e.to_string()),
            ApiError::Store(e @ StoreError::DiskFull(_)) => {
                tracing::error!(error = %e, "request failed: the database is out of space");
                Problem::new(
                    StatusCode::INSUFFICIENT_STORAGE,
                    "insufficient_storage",
                    "Armazenamento esgotado",
                    "o banco de dados está sem espaço em disco e o ato não foi registrado; tente de novo quando o espaço for liberado".into(),
                )
            }
            ApiError::Store(e) => unavailable(e),
            ApiError::Projection(ProjectionError::NotFound(what)) | ApiError::NotFound(what) => {
                Problem::new(StatusCode::NOT_FOUND, "not_found", "Não encontrado", what.clone())
            }
            ApiError::Projection(e) => unavailable(e),
            ApiError::Domain(e) => domain_problem(e),
            ApiError::InvalidInput(m) | ApiError::Config(m) => invalid(m.clone()),
            ApiError::Unauthenticated => Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Autenticação necessária",
                "envie o token do servidor no cabeçalho Authorization: Bearer …".into(),
            ),
            ApiError::TooLarge(limit) => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Corpo grande demais",
                format!("o corpo da requisição excede {limit} bytes"),
            ),
            ApiError::Unavailable(m) => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Serviço indisponível", m.clone()),
            ApiError::Conflict(m) => Problem::new(StatusCode::CONFLICT, "version_conflict", "Conflito", m.clone()),
            ApiError::Forbidden(m) => Problem::new(StatusCode::FORBIDDEN, "forbidden", "Acesso negado", m.clone()),
            ApiError::Io(e) => unavailable(e),
            ApiError::IntegrityFailed(n) => unavailable(&format!("integrity check found {n} problems")),
            ApiError::Rejected(n) => invalid(format!("{n} linha(s) rejeitada(s)")),
        }
    }
}

fn domain_problem(error: &DomainError) -> Problem {
    match error {
        DomainError::Invalid { field, message } => Problem {
            field: Some(field.to_string()),
            ..Problem::new(StatusCode::BAD_REQUEST, "invalid_input", "Entrada inválida", message.clone())
        },
        DomainError::Forbidden { rule_id, norm, message } => Problem {
            rule_id: Some(rule_id.to_string()),
            norm: Some(norm.to_string()),
            ..Problem::new(StatusCode::FORBIDDEN, "forbidden", "Acesso negado", message.clone())
        },
        DomainError::Rule { rule_id, norm, message } => Problem {
            rule_id: Some(rule_id.to_string()),
            norm: Some(norm.to_string()),
            ..Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "rule_violation",
                "Ato vedado pelas normas",
                message.clone(),
            )
        },
        DomainError::Unconfigured { .. } => Problem {
            rule_id: Some(error.rule_id()),
            ..Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "rule_violation",
                "Valor normativo não configurado",
                error.to_string(),
            )
        },
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&problem).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response()
    }
}
