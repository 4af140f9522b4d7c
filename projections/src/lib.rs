//! autos-projections: everything officers, managers and auditors read is derived here from the
//! event log — operator status, intervention timelines, cases, deadlines, the sanctions ledger,
//! asset freezes, complaint counts and indices, dashboards and the quarterly bulletin.
//!
//! # Layout
//! - [`docs`]: the keyed documents a projection reads and writes (buffered over SQL, or in memory).
//! - [`sql`]: the read-model tables, checkpoints and generations, one SQL text for both backends.
//! - [`runner`]: following the log, leadership, rebuild and the replay check.
//! - [`time_travel`]: any state as of a legal date and as known on a recording date.
//! - [`decisions`]: decision replay — every recorded command decided again with today's rules.
//! - [`models`]: the read models themselves, fed the typed [`DomainEvent`] of each stored event.
//! - [`keys`]: the document keys of every read model, for the projections and their readers.
//! - [`bulletin`]: the quarterly Parceiros da Cidadania bulletin per UF and region.
//! - [`parceiros`]: the Parceiros da Cidadania partners, their agreements and issued
//!   bulletins, and the programme's curated items.
//! - [`enforcement`]: the sanctions ledger, fines totals, freezes by person, transfer and
//!   process counters.

pub mod boletim;
pub mod decisions;
pub mod docs;
pub mod enforcement;
mod error;
pub mod keys;
pub mod models;
pub mod parceiros;
pub mod runner;
pub mod sql;
pub mod time_travel;

use async_trait::async_trait;
use autos_domain::DomainEvent;
use autos_store::StoredEvent;

pub use docs::{Docs, MemoryDocs};
pub use error::ProjectionError;

/// A read model fed by the log. `apply` must be deterministic: the same events in the same
/// order give the same documents, live, in a rebuild and in time travel.
#[async_trait]
pub trait Projection: Send + Sync {
    /// Stable name; its checkpoint and documents are kept under it.
    fn name(&self) -> &'static str;

    /// Folds one event into the documents.
    ///
    /// # Errors
    /// `Corrupt` when the event contradicts the documents (the projection stops there).
    async fn apply(
        &self,
        stored: &StoredEvent,
        event: &DomainEvent,
        docs: &mut dyn Docs,
    ) -> Result<(), ProjectionError>;
}

/// Decodes a stored event into the domain event it records. Streams that hold no domain
/// events (the LGPD erasure records on `titular-…`, the signing keys' rotations on
/// `chaves-de-assinatura`) give `None`.
///
/// # Errors
/// `Decode` when an `operadora-`/`caso-` event does not decode.
pub fn decode_event(stored: &StoredEvent) -> Result<Option<DomainEvent>, ProjectionError> {
    if stored.stream_id.starts_with("titular-") || stored.stream_id == autos_store::tree_heads::KEY_STREAM {
        return Ok(None);
    }
    autos_domain::stored::decode_text(&stored.event_type, stored.schema_version, &stored.payload).map(Some).map_err(
        |e| ProjectionError::Decode {
            position: stored.position,
            event_type: stored.event_type.clone(),
            message: e.to_string(),
        },
    )
}

/// Every projection the server runs, in the order they start.
pub fn all() -> Vec<std::sync::Arc<dyn Projection>> {
    vec![std::sync::Arc::new(models::Estado)]
}

/// The stored form of a decided event, with a fresh event id.
pub fn new_event(emitted: &autos_domain::Emitted) -> autos_store::NewEvent {
    let encoded = autos_domain::stored::encode(&emitted.event);
    autos_store::NewEvent {
        event_id: uuid::Uuid::now_v7(),
        event_type: encoded.event_type,
        schema_version: encoded.schema_version,
        payload: encoded.payload,
        occurred_on: emitted.occurred_on,
        legal_basis: Some(emitted.legal_basis.clone()),
        document_ref: emitted.document_ref.clone(),
    }
}

/// Groups decided events by stream (first appearance order, order kept within each stream),
/// each stream with the expected version `expected` gives it.
pub fn group_by_stream(
    emitted: &[autos_domain::Emitted],
    expected: impl Fn(&autos_domain::StreamRef) -> autos_store::ExpectedVersion,
) -> Vec<autos_store::StreamAppend> {
    let mut streams: Vec<autos_store::StreamAppend> = Vec::new();
    for e in emitted {
        let id = e.stream.to_string();
        match streams.iter_mut().find(|s| s.stream_id == id) {
            Some(s) => s.events.push(new_event(e)),
            None => streams.push(autos_store::StreamAppend {
                stream_id: id,
                expected: expected(&e.stream),
                events: vec![new_event(e)],
            }),
        }
    }
    streams
}
