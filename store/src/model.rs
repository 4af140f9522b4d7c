//! The event envelope and append request types shared by both backends, and the validation
//! every append goes through before any SQL runs (bad input stores nothing).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::StoreError;

/// What the caller expects a stream's current version to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "version", rename_all = "snake_case")]
pub enum ExpectedVersion {
    /// No check: append after whatever is there.
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream's last version must be exactly this (0 = no events).
    Exact(i64),
}

impl std::fmt::Display for ExpectedVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpectedVersion::Any => f.write_str("any"),
            ExpectedVersion::NoStream => f.write_str("no stream"),
            ExpectedVersion::Exact(n) => write!(f, "{n}"),
        }
    }
}

/// One event to append, before the store gives it a position, a version and hashes.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event_id: Uuid,
    /// Stable string such as `direcao_fiscal.instaurada`; never a Rust type name.
    pub event_type: String,
    pub schema_version: i32,
    /// Must be a JSON object.
    pub payload: serde_json::Value,
    /// The legal date of the act (valid time).
    pub occurred_on: NaiveDate,
    pub legal_basis: Option<String>,
    pub document_ref: Option<String>,
}

/// Events for one stream with the version the caller read.
#[derive(Debug, Clone)]
pub struct StreamAppend {
    pub stream_id: String,
    pub expected: ExpectedVersion,
    pub events: Vec<NewEvent>,
}

/// Who appended and why; the same for every event of a batch.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub actor_id: Uuid,
    pub actor_role: String,
    pub correlation_id: Option<Uuid>,
    pub causation_id: Option<Uuid>,
    /// The command that produced the events, kept for decision replay.
    pub command: Option<serde_json::Value>,
}

/// One atomic append to one or several streams.
#[derive(Debug, Clone)]
pub struct AppendBatch {
    pub streams: Vec<StreamAppend>,
    pub provenance: Provenance,
}

/// The result of an append: positions in batch order and each stream's new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppendOutcome {
    pub positions: Vec<i64>,
    pub stream_versions: Vec<(String, i64)>,
    /// True when every event id already existed: nothing was written (idempotent retry).
    pub duplicate: bool,
}

/// Which events count when a state is seen at a point in time, on both axes: *as of* a legal date
/// (valid time: `occurred_on` on or before it) and *as known at* a recording instant (transaction
/// time: `recorded_at` at or before it). Both bounds are inclusive; `None` means no bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cut {
    pub as_of: Option<NaiveDate>,
    pub known_at: Option<DateTime<Utc>>,
}

/// An event as stored, with its full envelope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredEvent {
    pub position: i64,
    pub event_id: Uuid,
    pub stream_id: String,
    pub stream_version: i64,
    pub event_type: String,
    pub schema_version: i32,
    /// The payload exactly as stored (canonical JSON text); the hash covers these bytes.
    pub payload: String,
    pub occurred_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub actor_id: Uuid,
    pub actor_role: String,
    pub legal_basis: Option<String>,
    pub document_ref: Option<String>,
    pub correlation_id: Option<Uuid>,
    pub causation_id: Option<Uuid>,
    pub command: Option<String>,
    #[serde(with = "hex_bytes")]
    pub prev_hash: Vec<u8>,
    #[serde(with = "hex_bytes")]
    pub hash: Vec<u8>,
}

impl StoredEvent {
    /// The payload parsed as JSON.
    ///
    /// # Errors
    /// `Corrupt` when the stored text is not JSON.
    pub fn payload_json(&self) -> Result<serde_json::Value, StoreError> {
        serde_json::from_str(&self.payload)
            .map_err(|e| StoreError::Corrupt(format!("payload at position {}: {e}", self.position)))
    }
}

pub(crate) mod hex_bytes {
    pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text: String = serde::Deserialize::deserialize(d)?;
        hex::decode(text).map_err(serde::de::Error::custom)
    }
}

/// The one stream of the Parceiros da Cidadania programme (docs/DOMAIN.md §6).
pub const PROGRAMME_STREAM: &str = "programa-parceiros-da-cidadania";

/// The streams of which there is only one, accepted by their whole id: the signing keys'
/// rotations (`crate::tree_heads::KEY_STREAM`) and the programme's stream.
pub const SINGLE_STREAMS: [&str; 2] = ["chaves-de-assinatura", PROGRAMME_STREAM];

/// Checks a stream id: `operadora-` + the registro's 6 digits (5 for the registros issued in
/// 1998–2001), `caso-`, `titular-` or `parceiro-` + a lowercase UUID, or one of
/// [`SINGLE_STREAMS`].
///
/// # Errors
/// `InvalidInput` naming the rule broken.
pub fn validate_stream_id(id: &str) -> Result<(), StoreError> {
    let bad = |why: &str| Err(StoreError::InvalidInput(format!("stream id {id:?}: {why}")));
    if SINGLE_STREAMS.contains(&id) {
        return Ok(());
    }
    if let Some(registro) = id.strip_prefix("operadora-") {
        if (5..=6).contains(&registro.len()) && registro.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(());
        }
        return bad("an operator stream is operadora- followed by the registro ANS (6 digits, or 5 for 1998–2001)");
    }
    for prefix in ["caso-", "titular-", "parceiro-"] {
        if let Some(rest) = id.strip_prefix(prefix) {
            return match Uuid::parse_str(rest) {
                Ok(u) if u.hyphenated().to_string() == rest => Ok(()),
                _ => bad("expected a lowercase hyphenated UUID after the prefix"),
            };
        }
    }
    bad("unknown stream kind (operadora-, caso-, titular-, parceiro-, chaves-de-assinatura or the programme's stream)")
}

fn validate_event_type(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 100
        && t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
}

impl AppendBatch {
    /// Validates the whole batch; called before any database work.
    ///
    /// # Errors
    /// `InvalidInput` describing the first problem found.
    pub fn validate(&self) -> Result<(), StoreError> {
        let invalid = |m: String| Err(StoreError::InvalidInput(m));
        if self.streams.is_empty() {
            return invalid("empty batch".into());
        }
        if self.provenance.actor_id.is_nil() {
            return invalid("actor id is mandatory".into());
        }
        if self.provenance.actor_role.trim().is_empty() {
            return invalid("actor role is mandatory".into());
        }
        let mut streams = std::collections::HashSet::new();
        let mut ids = std::collections::HashSet::new();
        for s in &self.streams {
            validate_stream_id(&s.stream_id)?;
            if !streams.insert(s.stream_id.as_str()) {
                return invalid(format!("stream {} appears twice in the batch", s.stream_id));
            }
            if s.events.is_empty() {
                return invalid(format!("no events for stream {}", s.stream_id));
            }
            if let ExpectedVersion::Exact(n) = s.expected {
                if n < 0 {
                    return invalid(format!("expected version {n} is negative"));
                }
            }
            for e in &s.events {
                if !ids.insert(e.event_id) {
                    return invalid(format!("event id {} appears twice", e.event_id));
                }
                if e.event_id.is_nil() {
                    return invalid("event id must not be nil".into());
                }
                if !validate_event_type(&e.event_type) {
                    return invalid(format!(
                        "event type {:?} must be lowercase letters, digits, '_' or '.'",
                        e.event_type
                    ));
                }
                if e.schema_version < 1 {
                    return invalid(format!("schema version {} must be >= 1", e.schema_version));
                }
                if !e.payload.is_object() {
                    return invalid(format!("payload of {} must be a JSON object", e.event_type));
                }
            }
        }
        Ok(())
    }

    /// Number of events in the batch.
    pub fn len(&self) -> usize {
        self.streams.iter().map(|s| s.events.len()).sum()
    }

    /// True when the batch has no events.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A sealed checkpoint: the digest chaining every event hash up to `position`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub position: i64,
    pub event_count: i64,
    #[serde(with = "hex_bytes")]
    pub digest: Vec<u8>,
    pub sealed_at: DateTime<Utc>,
}

/// A signed tree head: the root of the Merkle tree over the first `tree_size` events in position
/// order (the last of them at `position`), signed with Ed25519 by the key `key_id` at
/// `signed_at` (see `tree_heads`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeHead {
    pub tree_size: i64,
    pub position: i64,
    #[serde(with = "hex_bytes")]
    pub root: Vec<u8>,
    pub signed_at: DateTime<Utc>,
    pub key_id: String,
    #[serde(with = "hex_bytes")]
    pub signature: Vec<u8>,
}

/// A run of positions that was drawn but never committed (PostgreSQL only), recorded by the
/// seal once no transaction can still fill it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PositionGap {
    pub from_position: i64,
    pub to_position: i64,
}

#[cfg(test)]
mod tests {
    use super::validate_stream_id;

    #[test]
    fn the_programme_streams_are_accepted_and_near_misses_refused() {
        for id in [
            "operadora-326305",
            "caso-0190a6b2-6d1c-7f00-8000-000000000001",
            "parceiro-0190a6b2-6d1c-7f00-8000-000000000002",
            "programa-parceiros-da-cidadania",
            "chaves-de-assinatura",
        ] {
            assert!(validate_stream_id(id).is_ok(), "{id}");
        }
        for id in ["parceiro-0190A6B2-6D1C-7F00-8000-000000000002", "parceiro-1", "programa-parceiros", "parceira-x"] {
            assert!(validate_stream_id(id).is_err(), "{id}");
        }
    }
}
