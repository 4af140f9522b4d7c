//! Canonical encoding and SHA-256 hashing of events (per-stream chain) and of checkpoints
//! (global chain). Both backends and `verify` use only these functions, so a hash computed at
//! append time and one recomputed years later agree byte for byte.
//!
//! Encoding: a domain tag, then every field as a 4-byte big-endian length and its bytes
//! (optional fields as a presence byte first), then the previous hash. Payload and command are
//! the exact JSON text stored. Timestamps are microseconds since the Unix epoch.

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The previous hash of a stream's first event, and the digest before the first checkpoint.
pub const GENESIS: [u8; 32] = [0u8; 32];

/// The fields an event hash covers.
pub struct EventHashInput<'a> {
    pub stream_id: &'a str,
    pub stream_version: i64,
    pub event_id: Uuid,
    pub event_type: &'a str,
    pub schema_version: i32,
    pub payload: &'a str,
    pub occurred_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub actor_id: Uuid,
    pub actor_role: &'a str,
    pub legal_basis: Option<&'a str>,
    pub document_ref: Option<&'a str>,
    pub correlation_id: Option<Uuid>,
    pub causation_id: Option<Uuid>,
    pub command: Option<&'a str>,
}

struct Encoder(Sha256);

impl Encoder {
    fn field(&mut self, bytes: &[u8]) {
        self.0.update((bytes.len() as u32).to_be_bytes());
        self.0.update(bytes);
    }
    fn optional(&mut self, bytes: Option<&[u8]>) {
        match bytes {
            Some(b) => {
                self.0.update([1u8]);
                self.field(b);
            }
            None => self.0.update([0u8]),
        }
    }
}

/// SHA-256 of the canonical encoding of `input` followed by `prev_hash`.
pub fn event_hash(input: &EventHashInput<'_>, prev_hash: &[u8]) -> [u8; 32] {
    let mut e = Encoder(Sha256::new());
    e.field(b"autos.event.v1");
    e.field(input.stream_id.as_bytes());
    e.field(&input.stream_version.to_be_bytes());
    e.field(input.event_id.as_bytes());
    e.field(input.event_type.as_bytes());
    e.field(&input.schema_version.to_be_bytes());
    e.field(input.payload.as_bytes());
    match iso_date(input.occurred_on) {
        Some(date) => e.field(&date),
        None => e.field(input.occurred_on.format("%Y-%m-%d").to_string().as_bytes()),
    }
    e.field(&input.recorded_at.timestamp_micros().to_be_bytes());
    e.field(input.actor_id.as_bytes());
    e.field(input.actor_role.as_bytes());
    e.optional(input.legal_basis.map(str::as_bytes));
    e.optional(input.document_ref.map(str::as_bytes));
    e.optional(input.correlation_id.as_ref().map(|u| u.as_bytes().as_slice()));
    e.optional(input.causation_id.as_ref().map(|u| u.as_bytes().as_slice()));
    e.optional(input.command.map(str::as_bytes));
    e.field(prev_hash);
    e.0.finalize().into()
}

/// The date as `%Y-%m-%d` writes it, without the formatter's allocation, for the years an act
/// can carry (0–9999); None for any other year, which goes through the formatter.
fn iso_date(date: NaiveDate) -> Option<[u8; 10]> {
    use chrono::Datelike;
    let year = u32::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let (m, d) = (date.month(), date.day());
    Some([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(d / 10),
        digit(d),
    ])
}

/// Recomputes the hash of a stored event from its own fields.
pub fn stored_event_hash(ev: &crate::StoredEvent) -> [u8; 32] {
    event_hash(
        &EventHashInput {
            stream_id: &ev.stream_id,
            stream_version: ev.stream_version,
            event_id: ev.event_id,
            event_type: &ev.event_type,
            schema_version: ev.schema_version,
            payload: &ev.payload,
            occurred_on: ev.occurred_on,
            recorded_at: ev.recorded_at,
            actor_id: ev.actor_id,
            actor_role: &ev.actor_role,
            legal_basis: ev.legal_basis.as_deref(),
            document_ref: ev.document_ref.as_deref(),
            correlation_id: ev.correlation_id,
            causation_id: ev.causation_id,
            command: ev.command.as_deref(),
        },
        &ev.prev_hash,
    )
}

/// Extends the global checkpoint digest by one event.
pub fn chain_digest(previous: &[u8], position: i64, event_hash: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"autos.seal.v1");
    h.update(previous);
    h.update(position.to_be_bytes());
    h.update(event_hash);
    h.finalize().into()
}

/// The current time truncated to microseconds, the precision both backends store exactly.
pub fn now_micros() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_encoded_as_the_formatter_writes_them() {
        for (y, m, d) in
            [(2003, 1, 31), (1999, 12, 1), (33, 7, 4), (0, 1, 1), (9999, 12, 31), (10_000, 1, 1), (-1, 3, 9)]
        {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let formatted = date.format("%Y-%m-%d").to_string();
            match iso_date(date) {
                Some(bytes) => assert_eq!(bytes.as_slice(), formatted.as_bytes(), "{date}"),
                None => assert!(!(0..=9999).contains(&y), "{date} is written by hand"),
            }
        }
    }

    fn input(payload: &str) -> EventHashInput<'_> {
        EventHashInput {
            stream_id: "caso-00000000-0000-0000-0000-000000000001",
            stream_version: 1,
            event_id: Uuid::nil(),
            event_type: "x.y",
            schema_version: 1,
            payload,
            occurred_on: NaiveDate::from_ymd_opt(2003, 5, 2).unwrap(),
            recorded_at: DateTime::from_timestamp_micros(1_000_000).unwrap(),
            actor_id: Uuid::nil(),
            actor_role: "fiscal",
            legal_basis: None,
            document_ref: None,
            correlation_id: None,
            causation_id: None,
            command: None,
        }
    }

    #[test]
    fn a_changed_payload_changes_the_hash() {
        assert_ne!(event_hash(&input("{\"a\":1}"), &GENESIS), event_hash(&input("{\"a\":2}"), &GENESIS));
    }

    #[test]
    fn a_changed_previous_hash_changes_the_hash() {
        assert_ne!(event_hash(&input("{}"), &GENESIS), event_hash(&input("{}"), &[1u8; 32]));
    }

    #[test]
    fn an_absent_and_an_empty_optional_field_hash_differently() {
        let mut a = input("{}");
        a.legal_basis = Some("");
        assert_ne!(event_hash(&a, &GENESIS), event_hash(&input("{}"), &GENESIS));
    }
}
