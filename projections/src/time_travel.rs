//! Time travel on both axes: a projection's documents as they were *as of* a legal date (valid
//! time: events whose `occurred_on` is on or before it) and *as known on* a recording instant
//! (transaction time: events recorded at or before it). The same projection code folds the
//! chosen events in position order into memory, so the answer equals what the live read model
//! showed when the log held exactly those events.

pub use autos_store::Cut;
use autos_store::EventStore;

use crate::docs::MemoryDocs;
use crate::runner::apply_page;
use crate::{Projection, ProjectionError};

/// Folds the events of `streams` that the cut admits, in position order, into the documents of
/// the read models `keep` names (the others are not built: see [`crate::docs::Docs::keeps`]).
///
/// # Errors
/// `Apply`/`Decode` when an event cannot be folded, `Store` on database faults.
pub async fn fold_streams(
    store: &dyn EventStore,
    projection: &dyn Projection,
    streams: &[String],
    cut: Cut,
    keep: &'static [&'static str],
) -> Result<MemoryDocs, ProjectionError> {
    let events = store.read_streams(streams, cut).await?;
    let mut docs = MemoryDocs::scoped(keep);
    apply_page(projection, &events, &mut docs, None).await?;
    Ok(docs)
}
