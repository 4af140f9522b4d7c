//! Time travel on both axes: a projection's documents as they were *as of* a legal date (valid
//! time: events whose `occurred_on` is on or before it) and *as known on* a recording instant
//! (transaction time: events recorded at or before it). The same projection code folds the
//! chosen events in position order into memory, so the answer equals what the live read model
//! showed when the log held exactly those events.

use std::collections::BTreeMap;

use autos_store::{EventStore, StoredEvent};
use chrono::{DateTime, NaiveDate, Utc};

use crate::docs::MemoryDocs;
use crate::runner::apply_page;
use crate::{Projection, ProjectionError};

/// Which events count: both bounds are inclusive; `None` means no bound on that axis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cut {
    pub as_of: Option<NaiveDate>,
    pub known_at: Option<DateTime<Utc>>,
}

impl Cut {
    pub fn admits(&self, event: &StoredEvent) -> bool {
        self.as_of.is_none_or(|d| event.occurred_on <= d) && self.known_at.is_none_or(|t| event.recorded_at <= t)
    }
}

/// Folds the events of `streams` that the cut admits, in position order.
///
/// # Errors
/// `Apply`/`Decode` when an event cannot be folded, `Store` on database faults.
pub async fn fold_streams(
    store: &dyn EventStore,
    projection: &dyn Projection,
    streams: &[String],
    cut: Cut,
) -> Result<MemoryDocs, ProjectionError> {
    let mut events = BTreeMap::new();
    for stream in streams {
        for event in store.read_stream(stream, 1).await? {
            if cut.admits(&event) {
                events.insert(event.position, event);
            }
        }
    }
    let ordered: Vec<StoredEvent> = events.into_values().collect();
    let mut docs = MemoryDocs::default();
    apply_page(projection, &ordered, &mut docs, None).await?;
    Ok(docs)
}
