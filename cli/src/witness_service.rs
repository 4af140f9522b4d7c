//! `autos witness serve`: a witness of another installation's signed tree heads, run on a machine
//! that the log's database administrator does not hold (docs/ARCHITECTURE.md §4). It keeps every
//! head it is given in an append-only file (`DIR/heads.jsonl`, the same format as a witness
//! directory) and answers:
//!
//! - `POST /cabecalhos` with a head's JSON: `201` when kept, `200` when it already held it, `422`
//!   when the head is not signed by a key of its keyring (so nobody fills it with junk), `400` for
//!   a body that is not a head;
//! - `GET /cabecalhos`: every head it keeps, in the order it got them, as a JSON list.
//!
//! The installation names it in `AUTOS_WITNESS_URLS` (`http://testemunha:8090/cabecalhos`; behind a
//! TLS proxy, `https://…`). Its keyring is a copy of the installation's `autos.signing.pub`, read
//! again on every head, so a key added after a rotation is accepted without a restart. Heads are
//! signed and public: the service needs no sign-in, and a forged head is refused by its signature.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use autos_store::tree_heads::{Keyring, SignatureCheck, Witness};
use autos_store::TreeHead;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use tokio::sync::Mutex;

use crate::CliError;

/// A head is a few hundred bytes; anything much larger is not one.
const BODY_LIMIT: usize = 8 * 1024;

#[derive(Clone)]
struct Service {
    witness: Witness,
    keyring: PathBuf,
    /// One head kept at a time, so a head sent twice at once is kept once.
    keeping: Arc<Mutex<()>>,
}

/// The service's router, keeping heads in `dir` and accepting those `keyring` verifies.
pub fn router(dir: &Path, keyring: &Path) -> Router {
    let service =
        Service { witness: Witness::in_dir(dir), keyring: keyring.to_path_buf(), keeping: Arc::new(Mutex::new(())) };
    Router::new()
        .route("/cabecalhos", get(heads).post(keep))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(service)
}

/// Runs the service on `listen` until the process is stopped.
///
/// # Errors
/// `Config` when the keyring cannot be read or holds no key; `Io` when the address cannot be bound.
pub async fn serve(listen: SocketAddr, dir: &Path, keyring: &Path) -> Result<(), CliError> {
    let keys = Keyring::load(keyring).map_err(|e| CliError::Config(format!("chaveiro da testemunha: {e}")))?;
    if keys.first_key_id().is_none() {
        return Err(CliError::Config(format!(
            "o chaveiro {} não tem chave: copie o autos.signing.pub da instalação",
            keyring.display()
        )));
    }
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("Testemunha no ar: http://{listen}/cabecalhos (cabeçalhos em {})", dir.display());
    axum::serve(listener, router(dir, keyring)).await?;
    Ok(())
}

type Answer = (StatusCode, String);

fn failed(e: impl std::fmt::Display) -> Answer {
    (StatusCode::INTERNAL_SERVER_ERROR, format!("a testemunha não pôde ler ou gravar seus cabeçalhos: {e}"))
}

async fn heads(State(service): State<Service>) -> Result<Json<Vec<TreeHead>>, Answer> {
    service.witness.heads().await.map(Json).map_err(failed)
}

async fn keep(State(service): State<Service>, body: Bytes) -> Answer {
    let head: TreeHead = match serde_json::from_slice(&body) {
        Ok(head) => head,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("o corpo não é um cabeçalho assinado: {e}")),
    };
    let keyring = match Keyring::load(&service.keyring) {
        Ok(keyring) => keyring,
        Err(e) => return failed(e),
    };
    let why = match keyring.check(&head) {
        SignatureCheck::Valid => None,
        SignatureCheck::UnknownKey => {
            Some(format!("assinado por uma chave que a testemunha não conhece ({})", head.key_id))
        }
        SignatureCheck::Invalid => Some(format!("a assinatura não confere com a chave {}", head.key_id)),
    };
    if let Some(why) = why {
        return (StatusCode::UNPROCESSABLE_ENTITY, format!("cabeçalho recusado: {why}"));
    }
    let _one_at_a_time = service.keeping.lock().await;
    match service.witness.heads().await {
        Ok(held) if held.contains(&head) => (StatusCode::OK, "cabeçalho já guardado".into()),
        Ok(_) => match service.witness.append(&head).await {
            Ok(()) => (StatusCode::CREATED, "cabeçalho guardado".into()),
            Err(e) => failed(e),
        },
        Err(e) => failed(e),
    }
}
