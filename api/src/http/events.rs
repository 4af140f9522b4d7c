//! `/api/v1/eventos`: the log in global order, in pages, and as server-sent events that follow
//! new commits (the store's subscription: woken by commits, polling as the fallback).

use std::convert::Infallible;

use autos_domain::Role;
use autos_store::subscription::subscribe;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures::{Stream, StreamExt};
use serde::Deserialize;

use super::extract::Params;
use crate::auth::Signed;
use crate::state::AppState;
use crate::ApiError;
use autos_app::views::MAX_PAGE;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EventsQuery {
    after: Option<i64>,
    limit: Option<i64>,
}

/// A page of the log after a position (auditors and officers).
pub(super) async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Params(query): Params<EventsQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    signed.require(&Role::ALL)?;
    let after = query.after.unwrap_or(0).max(0);
    let events = state.store.read_all(after, query.limit.unwrap_or(100).clamp(1, MAX_PAGE)).await?;
    let next = events.last().map(|e| e.position);
    Ok(Json(serde_json::json!({ "items": events, "next": next })))
}

/// Every event after `after`, then new ones as they commit.
pub(super) async fn stream(
    State(state): State<AppState>,
    signed: Signed,
    Params(query): Params<EventsQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    signed.require(&Role::ALL)?;
    let events = subscribe(state.store.clone(), query.after.unwrap_or(0).max(0), 500).map(|item| {
        Ok(match item {
            Ok(event) => Event::default()
                .id(event.position.to_string())
                .event(event.event_type.clone())
                .json_data(&event)
                .unwrap_or_else(|_| Event::default().comment("evento ilegível")),
            Err(e) => Event::default().event("erro").data(e.to_string()),
        })
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
