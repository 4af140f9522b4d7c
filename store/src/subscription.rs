//! Catch-up subscription over `read_all`: pages through the log from a position, then waits
//! for the store's commit signal (in-process on SQLite, LISTEN/NOTIFY on PostgreSQL) or a
//! polling interval, whichever comes first. It relies on `read_all` never returning an event
//! that could later be preceded by another, so it cannot skip.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures::stream::BoxStream;

use crate::{EventStore, StoreError, StoredEvent};

/// How long a subscriber waits without a commit signal before it polls anyway.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Events after `after_position`, forever, in position order. A read error is yielded and the
/// subscription carries on from the last event it delivered.
pub fn subscribe(
    store: Arc<dyn EventStore>,
    after_position: i64,
    page_size: i64,
) -> BoxStream<'static, Result<StoredEvent, StoreError>> {
    let commits = store.commits();
    let state = (VecDeque::new(), store, after_position, commits);
    Box::pin(futures::stream::unfold(state, move |(mut buffer, store, mut position, mut commits)| async move {
        loop {
            if let Some(event) = buffer.pop_front() {
                let event: StoredEvent = event;
                position = event.position;
                return Some((Ok(event), (buffer, store, position, commits)));
            }
            match store.read_all(position, page_size).await {
                Ok(page) if page.is_empty() => {
                    if let Ok(Err(_)) = tokio::time::timeout(POLL_INTERVAL, commits.changed()).await {
                        tokio::time::sleep(POLL_INTERVAL).await;
                    }
                }
                Ok(page) => buffer.extend(page),
                Err(e) => return Some((Err(e), (buffer, store, position, commits))),
            }
        }
    }))
}
