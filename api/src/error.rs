//! The HTTP layer's error enum, mapped from the application's [`AppError`] and answered as
//! `application/problem+json` with the stable codes of the API contract: `invalid_input` 400,
//! `unauthenticated` 401, `forbidden` 403, `not_found` 404, `version_conflict` 409 (`log_mismatch` 409 when the log no longer gives
//! the root of its latest signed head), `erased`
//! 410 (the personal data was erased under LGPD), `payload_too_large` 413, `rule_violation` 422
//! (with the rule id and its norm), `internal` 500 (corrupt data, a crypto fault, a bug; the
//! body and the log line carry one incident id), `unavailable` 503 (the database cannot be
//! reached), `insufficient_storage` 507 (the database is out of space). Database text never
//! reaches a client. Logging is not done here: the response carries a [`Failure`] extension
//! that the `log_failures` middleware of the router writes out, once per failed request.

use autos_app::AppError;
use autos_domain::DomainError;
use autos_projections::ProjectionError;
use autos_store::StoreError;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use thiserror::Error;
use uuid::Uuid;

/// Every way an API request can fail.
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
    /// The personal data of this subject was erased (LGPD art. 18 VI).
    #[error("os dados pessoais do titular {0} foram eliminados (LGPD)")]
    Erased(Uuid),
    /// The request body exceeds the limit.
    #[error("corpo da requisição grande demais (limite {0} bytes)")]
    TooLarge(usize),
    /// Too many failed token checks from this address; retry after the seconds given.
    #[error("tentativas demais; tente de novo em {0} s")]
    TooManyAttempts(u64),
    /// The request took longer than the server allows for one.
    #[error("a requisição excedeu o tempo máximo")]
    TimedOut,
    /// A dependency is down (database, a stopped projection).
    #[error("indisponível: {0}")]
    Unavailable(String),
    /// A concurrent request holds what this one needs (an Idempotency-Key in use).
    #[error("conflito: {0}")]
    Conflict(String),
    /// The log no longer gives the root its latest signed head records: no proof can be given
    /// against that head (tampering, or a log restored without its heads).
    #[error("o registro não confere com o cabeçalho assinado: {0}")]
    LogMismatch(String),
    /// A fault of the server itself (a response that cannot be written).
    #[error("erro interno: {0}")]
    Internal(String),
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(e) => ApiError::Store(e),
            AppError::Projection(e) => ApiError::Projection(e),
            AppError::Domain(e) => ApiError::Domain(e),
            AppError::InvalidInput(m) => ApiError::InvalidInput(m),
            AppError::NotFound(m) => ApiError::NotFound(m),
            AppError::Conflict(m) => ApiError::Conflict(m),
            AppError::Unavailable(m) => ApiError::Unavailable(m),
            AppError::Erased(subject) => ApiError::Erased(subject),
        }
    }
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
    /// On a 5xx: the id of the incident, also in the server's log line, to quote to support.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident_id: Option<Uuid>,
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
            incident_id: None,
        }
    }
}

fn unavailable() -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "Serviço indisponível",
        "o banco de dados não respondeu; tente novamente".into(),
    )
}

fn internal() -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Erro interno",
        "o servidor encontrou um erro interno e o registrou; informe o incident_id ao suporte".into(),
    )
}

fn store_problem(e: &StoreError) -> Problem {
    let invalid = |detail: String| Problem::new(StatusCode::BAD_REQUEST, "invalid_input", "Entrada inválida", detail);
    match e {
        StoreError::Conflict { stream, expected, actual } => Problem {
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
        StoreError::InvalidInput(m) => invalid(m.clone()),
        e @ StoreError::IdempotencyMismatch(_) => invalid(e.to_string()),
        StoreError::Erased(subject) => erased(*subject),
        StoreError::DiskFull(_) => Problem::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "insufficient_storage",
            "Armazenamento esgotado",
            "o banco de dados está sem espaço em disco e o ato não foi registrado; tente de novo quando o espaço for liberado".into(),
        ),
        StoreError::Database(e) if autos_store::is_unreachable(e) => unavailable(),
        _ => internal(),
    }
}

fn erased(subject: Uuid) -> Problem {
    Problem::new(
        StatusCode::GONE,
        "erased",
        "Dados pessoais eliminados",
        format!("os dados pessoais do titular {subject} foram eliminados a pedido, nos termos da LGPD (art. 18, VI), e não podem mais ser usados"),
    )
}

impl ApiError {
    /// The problem document this error is answered with.
    pub fn problem(&self) -> Problem {
        let invalid =
            |detail: String| Problem::new(StatusCode::BAD_REQUEST, "invalid_input", "Entrada inválida", detail);
        match self {
            ApiError::Erased(subject) => erased(*subject),
            ApiError::Store(e) => store_problem(e),
            ApiError::Projection(ProjectionError::NotFound(what)) | ApiError::NotFound(what) => {
                Problem::new(StatusCode::NOT_FOUND, "not_found", "Não encontrado", what.clone())
            }
            ApiError::Projection(ProjectionError::Store(e)) => store_problem(e),
            ApiError::Projection(ProjectionError::Database(e)) if autos_store::is_unreachable(e) => unavailable(),
            ApiError::Projection(ProjectionError::Apply { .. }) => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Serviço indisponível",
                "uma projeção está parada; tente novamente mais tarde".into(),
            ),
            ApiError::Projection(_) => internal(),
            ApiError::Domain(e) => domain_problem(e),
            ApiError::InvalidInput(m) => invalid(m.clone()),
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
            ApiError::TooManyAttempts(seconds) => Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                "Tentativas demais",
                format!("muitas tentativas com token inválido a partir deste endereço; tente de novo em {seconds} s"),
            ),
            ApiError::TimedOut => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timed_out",
                "Tempo esgotado",
                "a requisição excedeu o tempo máximo de resposta; repita-a (com a mesma Idempotency-Key, para um ato)"
                    .into(),
            ),
            ApiError::Unavailable(m) => {
                Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Serviço indisponível", m.clone())
            }
            ApiError::Conflict(m) => Problem::new(StatusCode::CONFLICT, "version_conflict", "Conflito", m.clone()),
            ApiError::LogMismatch(m) => Problem::new(
                StatusCode::CONFLICT,
                "log_mismatch",
                "O registro não confere com o cabeçalho assinado",
                m.clone(),
            ),
            ApiError::Forbidden(m) => Problem::new(StatusCode::FORBIDDEN, "forbidden", "Acesso negado", m.clone()),
            ApiError::Internal(_) => internal(),
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

/// What the log middleware needs of a failed request, set on its response as an extension.
#[derive(Debug, Clone)]
pub struct Failure {
    pub code: &'static str,
    /// The incident id of a 5xx, also in the problem body.
    pub incident_id: Option<Uuid>,
    /// The error as the server sees it (never sent to the client for a 5xx).
    pub error: String,
}

impl ApiError {
    /// The problem document with its incident id (on a 5xx), and the [`Failure`] to log.
    pub fn report(&self) -> (StatusCode, Problem, Failure) {
        let mut problem = self.problem();
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            problem.incident_id = Some(Uuid::new_v4());
        }
        let failure = Failure { code: problem.code, incident_id: problem.incident_id, error: self.to_string() };
        (status, problem, failure)
    }
}

impl ApiError {
    /// Sets on `response` what this error adds to its status: `Retry-After` for a refusal by
    /// [`crate::abuse`], and the failure the log middleware reads.
    pub(crate) fn finish(retry_after: Option<u64>, failure: Failure, mut response: Response) -> Response {
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(failure);
        response
    }

    /// The seconds to wait, for a refusal by [`crate::abuse`].
    pub(crate) fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::TooManyAttempts(seconds) => Some(*seconds),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = self.retry_after();
        let (status, problem, failure) = self.report();
        let body = serde_json::to_string(&problem).unwrap_or_default();
        let response = (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response();
        ApiError::finish(retry_after, failure, response)
    }
}

/// The one place failed requests are logged: a 5xx at error with its incident id (the one in
/// the problem body), a 4xx at debug.
pub async fn log_failures(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    let failure = response.extensions().get::<Failure>();
    let incident_id = failure.and_then(|f| f.incident_id).map(|id| id.to_string()).unwrap_or_default();
    let (code, error) = failure.map_or(("", ""), |f| (f.code, f.error.as_str()));
    if status.is_server_error() {
        tracing::error!(incident_id, %method, path, status = status.as_u16(), code, error, "request failed");
    } else if status.is_client_error() {
        tracing::debug!(%method, path, status = status.as_u16(), code, error, "request refused");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_and_code(error: ApiError) -> (u16, &'static str, Option<Uuid>) {
        let (_, problem, failure) = error.report();
        assert_eq!(problem.incident_id, failure.incident_id);
        (problem.status, problem.code, problem.incident_id)
    }

    #[test]
    fn corrupt_data_and_crypto_faults_are_internal_errors_with_an_incident_id() {
        for error in [
            ApiError::Store(StoreError::Corrupt("row".into())),
            ApiError::Store(StoreError::Crypto("key".into())),
            ApiError::Projection(ProjectionError::Corrupt("doc".into())),
            ApiError::from(AppError::Store(StoreError::Corrupt("row".into()))),
        ] {
            let (status, code, incident) = status_and_code(error);
            assert_eq!((status, code), (500, "internal"));
            assert!(incident.is_some());
        }
    }

    #[test]
    fn a_log_that_no_longer_gives_its_signed_root_is_a_mismatch_not_a_stale_version() {
        let mismatch = ApiError::LogMismatch("rode a verificação completa".into());
        assert_eq!(status_and_code(mismatch), (409, "log_mismatch", None));
        assert_eq!(status_and_code(ApiError::Conflict("em andamento".into())), (409, "version_conflict", None));
    }

    #[test]
    fn erased_personal_data_is_gone_not_unavailable() {
        let subject = Uuid::new_v4();
        for error in
            [ApiError::from(AppError::from(StoreError::Erased(subject))), ApiError::Store(StoreError::Erased(subject))]
        {
            assert_eq!(status_and_code(error), (410, "erased", None));
        }
    }

    #[test]
    fn only_an_unreachable_database_is_unavailable() {
        let io = ApiError::Store(StoreError::Database(sqlx::Error::Io(std::io::Error::other("reset"))));
        assert_eq!(status_and_code(io).0, 503);
        assert_eq!(status_and_code(ApiError::Store(StoreError::Database(sqlx::Error::PoolTimedOut))).0, 503);
        let (status, code, incident) = status_and_code(ApiError::Store(StoreError::Database(sqlx::Error::RowNotFound)));
        assert_eq!((status, code), (500, "internal"));
        assert!(incident.is_some());
        assert_eq!(status_and_code(ApiError::Unavailable("x".into())).1, "unavailable");
    }
}
