//! The store conformance suite: every test runs unchanged against SQLite and PostgreSQL.
//! PostgreSQL comes from `AUTOS_TEST_PG_URL` (default: the local server); each test gets a
//! fresh database, dropped at the end. An unreachable PostgreSQL fails the run.
//!
//! The tests are written inside `on_both_backends!(…)`, which defines each and runs it on both
//! backends, so none can be left out of the run; the helpers stand above it.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use autos_store::integrity::{self, ProblemKind};
use autos_store::personal::{self, MasterKey, PersonalDataReader, PersonalVault};
use autos_store::testing::Subject;
use autos_store::{
    AppendBatch, Checkpoint, Cut, EventStore, ExpectedVersion, NewEvent, PositionGap, Provenance, StoreError,
    StreamAppend,
};
use chrono::NaiveDate;
use rand::Rng;
use serde_json::json;
use uuid::Uuid;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2003, 5, 2).unwrap()
}

fn provenance() -> Provenance {
    Provenance {
        actor_id: Uuid::now_v7(),
        actor_role: "fiscal".into(),
        correlation_id: Some(Uuid::now_v7()),
        causation_id: None,
        command: Some(json!({"act": "teste"})),
    }
}

fn event(n: i64) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "teste.registrado".into(),
        schema_version: 1,
        payload: json!({"n": n, "texto": "ação de fiscalização"}),
        occurred_on: day(),
        legal_basis: Some("Lei 9.656/98 art. 24".into()),
        document_ref: None,
    }
}

fn case_stream() -> String {
    format!("caso-{}", Uuid::now_v7())
}

fn batch(stream: &str, expected: ExpectedVersion, events: Vec<NewEvent>) -> AppendBatch {
    AppendBatch { streams: vec![StreamAppend { stream_id: stream.into(), expected, events }], provenance: provenance() }
}

async fn all_events(store: &dyn EventStore) -> Vec<autos_store::StoredEvent> {
    store.read_all(0, 1_000_000).await.unwrap()
}

/// Waits until `n` events are visible to catch-up readers. On PostgreSQL another test's open
/// write transaction holds the cluster-wide horizon back for a moment (never past an event).
async fn visible_events(store: &dyn EventStore, n: usize) -> Vec<autos_store::StoredEvent> {
    for _ in 0..500 {
        let events = all_events(store).await;
        if events.len() >= n {
            return events;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{n} events never became visible");
}

async fn seed_and_seal(s: &Subject) -> (Vec<autos_store::StoredEvent>, String) {
    let store = s.store();
    for _ in 0..3 {
        let stream = case_stream();
        store.append(batch(&stream, ExpectedVersion::NoStream, vec![event(1), event(2)])).await.unwrap();
        store.append(batch(&stream, ExpectedVersion::Exact(2), vec![event(3)])).await.unwrap();
    }
    visible_events(store.as_ref(), 9).await;
    let cp = integrity::seal_all(store.as_ref()).await.unwrap().expect("a checkpoint");
    (all_events(store.as_ref()).await, integrity::export_checkpoint(&cp))
}

autos_store::on_both_backends!(
    async fn appends_and_reads_back_a_stream_with_contiguous_versions(s: &Subject) {
        // Arrange
        let store = s.store();
        let stream = case_stream();
        // Act
        let first = store.append(batch(&stream, ExpectedVersion::NoStream, vec![event(1), event(2)])).await.unwrap();
        let second = store.append(batch(&stream, ExpectedVersion::Exact(2), vec![event(3)])).await.unwrap();
        // Assert
        assert_eq!(first.stream_versions, vec![(stream.clone(), 2)]);
        assert_eq!(second.stream_versions, vec![(stream.clone(), 3)]);
        let read = store.read_stream(&stream, 1).await.unwrap();
        assert_eq!(read.iter().map(|e| e.stream_version).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert!(read.windows(2).all(|w| w[0].position < w[1].position));
        assert_eq!(read[2].prev_hash, read[1].hash, "hash chain links each event to the previous one");
        assert_eq!(read[0].payload_json().unwrap()["texto"], "ação de fiscalização");
        assert_eq!(read[0].actor_role, "fiscal");
        assert_eq!(read[0].occurred_on, day());
        assert_eq!(store.stream_version(&stream).await.unwrap(), 3);
        assert_eq!(store.read_stream(&stream, 3).await.unwrap().len(), 1);
    }

    async fn existing_streams_names_exactly_the_streams_with_events_among_more_ids_than_one_query_takes(s: &Subject) {
        let store = s.store();
        let written: Vec<String> = (0..3).map(|_| case_stream()).collect();
        for stream in &written {
            store.append(batch(stream, ExpectedVersion::NoStream, vec![event(1), event(2)])).await.unwrap();
        }
        let mut asked: Vec<String> = (0..2_500).map(|_| case_stream()).collect();
        asked.insert(0, written[0].clone());
        asked.insert(1_700, written[1].clone());
        let found = store.existing_streams(&asked).await.unwrap();
        assert_eq!(found, written[..2].iter().cloned().collect(), "the third was not asked, the others never written");
        assert!(store.existing_streams(&[]).await.unwrap().is_empty());
    }

    async fn a_stale_version_conflicts_and_names_stream_expected_and_actual(s: &Subject) {
        let store = s.store();
        let stream = case_stream();
        store.append(batch(&stream, ExpectedVersion::NoStream, vec![event(1), event(2)])).await.unwrap();
        for (expected, label) in [
            (ExpectedVersion::Exact(1), "1"),
            (ExpectedVersion::NoStream, "no stream"),
            (ExpectedVersion::Exact(5), "5"),
        ] {
            match store.append(batch(&stream, expected, vec![event(9)])).await {
                Err(StoreError::Conflict { stream: st, expected, actual }) => {
                    assert_eq!(st, stream);
                    assert_eq!(expected, label);
                    assert_eq!(actual, 2);
                }
                other => panic!("expected a conflict for {label}, got {other:?}"),
            }
        }
        assert_eq!(store.stream_version(&stream).await.unwrap(), 2);
    }

    async fn a_conflict_on_one_stream_leaves_every_stream_of_the_batch_untouched(s: &Subject) {
        let store = s.store();
        let (case, operator) = (case_stream(), "operadora-306347".to_string());
        store.append(batch(&operator, ExpectedVersion::NoStream, vec![event(1)])).await.unwrap();
        let before = visible_events(store.as_ref(), 1).await.len();
        let multi = AppendBatch {
            streams: vec![
                StreamAppend { stream_id: case.clone(), expected: ExpectedVersion::NoStream, events: vec![event(1)] },
                StreamAppend {
                    stream_id: operator.clone(),
                    expected: ExpectedVersion::Exact(0),
                    events: vec![event(2)],
                },
            ],
            provenance: provenance(),
        };
        let err = store.append(multi).await.unwrap_err();
        assert!(matches!(&err, StoreError::Conflict { stream, actual: 1, .. } if *stream == operator), "{err:?}");
        assert_eq!(store.stream_version(&case).await.unwrap(), 0, "the case stream was not written");
        assert_eq!(all_events(store.as_ref()).await.len(), before);
        // The same batch with the right version lands on both streams at once.
        let ok = AppendBatch {
            streams: vec![
                StreamAppend { stream_id: case.clone(), expected: ExpectedVersion::NoStream, events: vec![event(1)] },
                StreamAppend {
                    stream_id: operator.clone(),
                    expected: ExpectedVersion::Exact(1),
                    events: vec![event(2)],
                },
            ],
            provenance: provenance(),
        };
        let outcome = store.append(ok).await.unwrap();
        assert_eq!(outcome.stream_versions, vec![(case, 1), (operator, 2)]);
    }

    async fn a_retried_append_with_the_same_event_ids_returns_the_original_result(s: &Subject) {
        let store = s.store();
        let stream = case_stream();
        let b = batch(&stream, ExpectedVersion::NoStream, vec![event(1), event(2)]);
        let first = store.append(b.clone()).await.unwrap();
        let retry = store.append(b.clone()).await.unwrap();
        assert!(!first.duplicate);
        assert!(retry.duplicate);
        assert_eq!(retry.positions, first.positions);
        assert_eq!(retry.stream_versions, first.stream_versions);
        assert_eq!(store.read_stream(&stream, 1).await.unwrap().len(), 2, "the retry wrote nothing");
        // Reusing one id with new events is not a retry.
        let mut mixed = batch(&stream, ExpectedVersion::Exact(2), vec![event(3)]);
        mixed.streams[0].events.push(b.streams[0].events[0].clone());
        assert!(matches!(store.append(mixed).await, Err(StoreError::IdempotencyMismatch(_))));
    }

    async fn bad_input_is_refused_and_nothing_is_written(s: &Subject) {
        let store = s.store();
        let stream = case_stream();
        let mut cases: Vec<(&str, AppendBatch)> = Vec::new();
        cases.push(("empty batch", AppendBatch { streams: vec![], provenance: provenance() }));
        let mut no_role = batch(&stream, ExpectedVersion::NoStream, vec![event(1)]);
        no_role.provenance.actor_role = " ".into();
        cases.push(("no role", no_role));
        let mut no_actor = batch(&stream, ExpectedVersion::NoStream, vec![event(1)]);
        no_actor.provenance.actor_id = Uuid::nil();
        cases.push(("no actor", no_actor));
        cases.push(("bad stream", batch("processo-123", ExpectedVersion::NoStream, vec![event(1)])));
        cases.push(("bad registro", batch("operadora-1234", ExpectedVersion::NoStream, vec![event(1)])));
        cases.push((
            "uppercase uuid",
            batch(&stream.to_uppercase().replace("CASO", "caso"), ExpectedVersion::NoStream, vec![event(1)]),
        ));
        let mut not_object = event(1);
        not_object.payload = json!([1, 2]);
        cases.push(("payload not an object", batch(&stream, ExpectedVersion::NoStream, vec![not_object])));
        let mut bad_type = event(1);
        bad_type.event_type = "Some Type".into();
        cases.push(("bad event type", batch(&stream, ExpectedVersion::NoStream, vec![bad_type])));
        cases.push(("negative version", batch(&stream, ExpectedVersion::Exact(-1), vec![event(1)])));
        cases.push(("no events", batch(&stream, ExpectedVersion::NoStream, vec![])));
        for (label, b) in cases {
            assert!(matches!(store.append(b).await, Err(StoreError::InvalidInput(_))), "{label} must be refused");
        }
        assert!(all_events(store.as_ref()).await.is_empty(), "nothing was written");
        // The expected-version forms are a closed set: an unknown form does not deserialize.
        assert!(serde_json::from_value::<ExpectedVersion>(json!({"kind": "latest"})).is_err());
        assert_eq!(
            serde_json::from_value::<ExpectedVersion>(json!({"kind": "exact", "version": 3})).unwrap(),
            ExpectedVersion::Exact(3)
        );
    }

    async fn readers_never_skip_late_commits_under_concurrent_writers(s: &Subject) {
        const WRITERS: usize = 8;
        const APPENDS_EACH: usize = 12;
        let store = s.store();
        // The number of committed events, published once the writers are done (0 until then).
        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        // A catch-up reader that polls read_all from its checkpoint while writers run. Once the
        // writers are done it keeps reading until it has seen as many events as were committed:
        // on PostgreSQL the visibility horizon is cluster-wide, so a transaction of another test
        // may delay (never reorder) what it sees. A skipped event would never be returned again,
        // so the count would fall short and the deadline would end the wait.
        let reader = {
            let store = store.clone();
            let done = done.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut checkpoint = 0;
                let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
                loop {
                    let target = done.load(std::sync::atomic::Ordering::SeqCst);
                    let page = store.read_all(checkpoint, 7).await.unwrap();
                    for e in &page {
                        seen.push(e.position);
                        checkpoint = e.position;
                    }
                    if page.is_empty() {
                        if target > 0 && (seen.len() >= target || tokio::time::Instant::now() > deadline) {
                            return seen;
                        }
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                }
            })
        };
        let mut writers = Vec::new();
        for _ in 0..WRITERS {
            let stream = case_stream();
            let subject_store = store.clone();
            writers.push(async move {
                let mut committed = Vec::new();
                for i in 0..APPENDS_EACH {
                    let hold = Duration::from_millis(rand::thread_rng().gen_range(0..25));
                    let expected =
                        if i == 0 { ExpectedVersion::NoStream } else { ExpectedVersion::Exact(i as i64 * 2) };
                    let b = batch(&stream, expected, vec![event(1), event(2)]);
                    let outcome = s.append_holding(b, hold).await.unwrap();
                    committed.extend(outcome.positions);
                }
                let _ = subject_store;
                committed
            });
        }
        let committed: BTreeSet<i64> = futures::future::join_all(writers).await.into_iter().flatten().collect();
        done.store(committed.len(), std::sync::atomic::Ordering::SeqCst);
        let seen = reader.await.unwrap();
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "positions increase in read order");
        assert_eq!(seen.len(), committed.len(), "every committed event seen exactly once");
        assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), committed);
        assert_eq!(committed.len(), WRITERS * APPENDS_EACH * 2);
    }

    /// Group commit: concurrent appends to different streams share transactions, and each keeps
    /// its own expected-version check and its own answer — a stale one fails alone, two copies
    /// of one append racing each other store it once and both get its outcome, every other one
    /// is stored — and a reader sees every committed event once, in position order.
    async fn concurrent_appends_share_commits_and_each_keeps_its_own_answer(s: &Subject) {
        const APPENDS: i64 = 40;
        let store = s.store();
        let at_one = case_stream();
        store.append(batch(&at_one, ExpectedVersion::NoStream, vec![event(0)])).await.unwrap();
        let raced = batch(&case_stream(), ExpectedVersion::NoStream, vec![event(1)]);
        let mut tasks = Vec::new();
        for i in 0..APPENDS {
            let b = match i {
                7 => batch(&at_one, ExpectedVersion::NoStream, vec![event(i)]),
                11 | 12 => raced.clone(),
                _ => batch(&case_stream(), ExpectedVersion::NoStream, vec![event(i), event(i + 100)]),
            };
            let store = store.clone();
            tasks.push(tokio::spawn(async move { store.append(b).await }));
        }
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.unwrap());
        }
        match &answers[7] {
            Err(StoreError::Conflict { stream, actual, .. }) => assert_eq!((stream, *actual), (&at_one, 1)),
            other => panic!("the stale append conflicts alone: {other:?}"),
        }
        let (first, second) = (answers[11].as_ref().unwrap(), answers[12].as_ref().unwrap());
        assert_eq!(first.positions, second.positions, "the raced append is stored once");
        assert!(first.duplicate != second.duplicate, "one stored it, the other got its outcome");
        let mut positions = BTreeSet::new();
        for (i, answer) in answers.iter().enumerate().filter(|(i, _)| ![7, 12].contains(i)) {
            let outcome = answer.as_ref().unwrap_or_else(|e| panic!("append {i}: {e}"));
            assert!(outcome.positions.iter().all(|p| positions.insert(*p)), "append {i} got positions of its own");
        }
        let stored = visible_events(store.as_ref(), positions.len() + 1).await;
        let read: Vec<i64> = stored.iter().map(|e| e.position).filter(|p| positions.contains(p)).collect();
        assert_eq!(read, positions.iter().copied().collect::<Vec<_>>(), "every committed event, once, in order");
        assert_eq!(store.stream_version(&at_one).await.unwrap(), 1, "the stale append wrote nothing");
        let instants: BTreeSet<_> =
            stored.iter().filter(|e| positions.contains(&e.position)).map(|e| e.recorded_at).collect();
        assert!(
            instants.len() < APPENDS as usize - 1,
            "concurrent appends shared transactions: {} commits",
            instants.len()
        );
    }

    /// Group commit keeps arrival order per stream: appends to one stream queued before the
    /// earlier ones are answered (a pipelining caller) are written in the order they arrived, each
    /// after the head the one before leaves, while other streams' appends share the commits.
    async fn appends_to_one_stream_queued_together_are_written_in_arrival_order(s: &Subject) {
        const STREAMS: usize = 5;
        const APPENDS_EACH: i64 = 6;
        let store = s.store();
        let streams: Vec<String> = (0..STREAMS).map(|_| case_stream()).collect();
        let mut appends = Vec::new();
        for version in 0..APPENDS_EACH {
            for stream in &streams {
                let expected = if version == 0 { ExpectedVersion::NoStream } else { ExpectedVersion::Exact(version) };
                let b = batch(stream, expected, vec![event(version)]);
                let store = store.clone();
                appends.push(Box::pin(async move { store.append(b).await }));
            }
        }
        // Each append joins the queue on its first poll: poll them once, in order, then wait.
        for append in &mut appends {
            let _ = futures::poll!(append.as_mut());
        }
        let answers = futures::future::join_all(appends).await;
        for (i, answer) in answers.iter().enumerate() {
            let outcome = answer.as_ref().unwrap_or_else(|e| panic!("append {i} of its stream's queue: {e}"));
            assert_eq!(outcome.stream_versions[0].1, i as i64 / STREAMS as i64 + 1);
        }
        for stream in &streams {
            let events = store.read_stream(stream, 1).await.unwrap();
            let payloads: Vec<i64> = events.iter().map(|e| e.payload_json().unwrap()["n"].as_i64().unwrap()).collect();
            assert_eq!(payloads, (0..APPENDS_EACH).collect::<Vec<_>>(), "stream {stream} in arrival order");
        }
    }

    /// Time travel's one read of many streams: every event of the named streams, in position
    /// order even when the streams interleave and are more than one query takes, bounded on
    /// either time axis, and nothing of a stream not named.
    async fn many_streams_are_read_at_once_in_position_order_within_a_cut(s: &Subject) {
        let store = s.store();
        let dated = |n: i64, on: NaiveDate| NewEvent { occurred_on: on, ..event(n) };
        let (first, last, other) = (case_stream(), case_stream(), case_stream());
        let early = NaiveDate::from_ymd_opt(2020, 1, 31).unwrap();
        let late = NaiveDate::from_ymd_opt(2021, 6, 30).unwrap();
        // More streams than one SQLite query names, the two written ones at both ends.
        let mut named: Vec<String> = (0..1_003).map(|_| case_stream()).collect();
        named[0] = first.clone();
        named[1_002] = last.clone();
        named.push(first.clone());
        let mut appended = Vec::new();
        for (i, on) in [early, late, early, late].into_iter().enumerate() {
            let version = i as i64;
            for stream in [&first, &last] {
                let expected = if version == 0 { ExpectedVersion::NoStream } else { ExpectedVersion::Exact(version) };
                let outcome = store.append(batch(stream, expected, vec![dated(i as i64, on)])).await.unwrap();
                appended.push((outcome.positions[0], on));
            }
        }
        store.append(batch(&other, ExpectedVersion::NoStream, vec![event(9)])).await.unwrap();
        let positions = |events: &[autos_store::StoredEvent]| events.iter().map(|e| e.position).collect::<Vec<_>>();

        let all = store.read_streams(&named, Cut::default()).await.unwrap();
        assert_eq!(positions(&all), appended.iter().map(|(p, _)| *p).collect::<Vec<_>>());
        assert!(all.iter().all(|e| e.stream_id != other), "a stream not named is not read");

        let as_of = store.read_streams(&named, Cut { as_of: Some(early), known_at: None }).await.unwrap();
        let early_ones: Vec<i64> = appended.iter().filter(|(_, on)| *on == early).map(|(p, _)| *p).collect();
        assert_eq!(positions(&as_of), early_ones, "as of a legal date: what occurred by then");

        let third = all[2].recorded_at;
        let known = store.read_streams(&named, Cut { as_of: None, known_at: Some(third) }).await.unwrap();
        let recorded_by_then: Vec<i64> = all.iter().filter(|e| e.recorded_at <= third).map(|e| e.position).collect();
        assert_eq!(positions(&known), recorded_by_then, "as known at an instant: what was recorded by then");
        assert!(known.len() >= 3 && known.len() < all.len());
    }

    async fn update_and_delete_on_the_events_table_fail(s: &Subject) {
        let store = s.store();
        store.append(batch(&case_stream(), ExpectedVersion::NoStream, vec![event(1)])).await.unwrap();
        assert!(s.raw("UPDATE events SET event_type = 'x'").await.is_err(), "UPDATE must fail");
        assert!(s.raw("DELETE FROM events").await.is_err(), "DELETE must fail");
        assert_eq!(visible_events(store.as_ref(), 1).await[0].event_type, "teste.registrado");
    }

    async fn the_audit_tables_refuse_update_delete_truncate_and_replace_and_the_app_role_owns_nothing(s: &Subject) {
        let store = s.store();
        for n in 1..=3 {
            store.append(batch(&case_stream(), ExpectedVersion::NoStream, vec![event(n)])).await.unwrap();
        }
        let last = visible_events(store.as_ref(), 3).await.pop().unwrap().position;
        let checkpoint = Checkpoint {
            seq: 1,
            position: last + 5,
            event_count: 3,
            digest: vec![7; 32],
            sealed_at: autos_store::hashing::now_micros(),
        };
        let gap = PositionGap { from_position: last + 1, to_position: last + 5 };
        assert!(store.record_checkpoint(&checkpoint, &[gap]).await.unwrap());
        store.log_personal_read(Uuid::now_v7(), Uuid::now_v7(), "fiscal", "apuração da denúncia").await.unwrap();
        let reads = store.personal_reads(None, 10).await.unwrap();
        let mut changes = vec![
            "UPDATE position_gaps SET to_position = to_position + 1".to_owned(),
            "DELETE FROM position_gaps".to_owned(),
            "UPDATE personal_data_reads SET purpose = 'outra'".to_owned(),
            "DELETE FROM personal_data_reads".to_owned(),
            "UPDATE seal_checkpoints SET event_count = 2".to_owned(),
            "DELETE FROM seal_checkpoints".to_owned(),
        ];
        changes.extend(match s {
            Subject::Sqlite(..) => [
                format!("INSERT OR REPLACE INTO position_gaps VALUES ({}, {})", gap.from_position, gap.to_position + 9),
                "INSERT OR REPLACE INTO personal_data_reads SELECT id, subject_id, reader_id, reader_role, 'outra', read_at FROM personal_data_reads".to_owned(),
            ],
            Subject::Postgres(..) => ["TRUNCATE position_gaps".to_owned(), "TRUNCATE personal_data_reads".to_owned()],
        });
        if let Subject::Postgres(pg, _) = s {
            // The server's connections work as the application role, which owns nothing: it may
            // neither lift nor drop a trigger, nor change the schema.
            let role: String = sqlx::query_scalar("SELECT current_user::text").fetch_one(pg.pool()).await.unwrap();
            assert_eq!(role, "autos_app");
            changes.extend(
                [
                    "TRUNCATE seal_checkpoints",
                    "TRUNCATE events",
                    "ALTER TABLE events DISABLE TRIGGER USER",
                    "DROP TRIGGER events_append_only ON events",
                    "ALTER TABLE events DROP COLUMN payload",
                    "CREATE TABLE shadow_events (position bigint)",
                    "UPDATE events SET payload = '{}'",
                ]
                .map(str::to_owned),
            );
        }
        for change in &changes {
            assert!(s.raw(change).await.is_err(), "must fail: {change}");
        }
        assert_eq!(store.gaps().await.unwrap(), vec![gap], "the gap is unchanged");
        assert_eq!(store.personal_reads(None, 10).await.unwrap(), reads, "the read log is unchanged");
        assert_eq!(store.checkpoints().await.unwrap(), vec![checkpoint], "the checkpoint is unchanged");
    }

    async fn verify_passes_on_an_untouched_log_and_the_exported_checkpoint_proves_it(s: &Subject) {
        let store = s.store();
        let (events, exported) = seed_and_seal(s).await;
        let report = integrity::verify(store.as_ref(), &|_| {}).await.unwrap();
        assert!(report.ok(), "{:?}", report.problems);
        assert_eq!(report.events_checked, events.len() as i64);
        assert_eq!(report.streams_checked, 3);
        assert_eq!(integrity::verify_against(store.as_ref(), &exported).await.unwrap(), None);
        // The log may grow after the checkpoint and still extend it.
        store.append(batch(&case_stream(), ExpectedVersion::NoStream, vec![event(4)])).await.unwrap();
        assert_eq!(integrity::verify_against(store.as_ref(), &exported).await.unwrap(), None);
        assert!(integrity::verify_against(store.as_ref(), "autos-checkpoint:v1:x").await.is_err());
    }

    async fn verify_catches_a_payload_altered_by_raw_sql(s: &Subject) {
        let (events, exported) = seed_and_seal(s).await;
        let target = &events[3];
        s.tamper(&[&format!("UPDATE events SET payload = '{{\"n\":999}}' WHERE position = {}", target.position)]).await;
        let report = integrity::verify(s.store().as_ref(), &|_| {}).await.unwrap();
        let first = &report.problems[0];
        assert_eq!(first.kind, ProblemKind::AlteredEvent);
        assert_eq!(first.stream_id.as_deref(), Some(target.stream_id.as_str()));
        assert_eq!(first.version, Some(target.stream_version));
        assert_eq!(first.position, Some(target.position));
        assert!(report.problems.iter().any(|p| p.kind == ProblemKind::CheckpointMismatch));
        assert!(integrity::verify_against(s.store().as_ref(), &exported).await.unwrap().is_some());
    }

    async fn verify_catches_a_deleted_event(s: &Subject) {
        let (events, exported) = seed_and_seal(s).await;
        let target = events.iter().find(|e| e.stream_version == 2).unwrap().clone();
        s.tamper(&[&format!("DELETE FROM events WHERE position = {}", target.position)]).await;
        let report = integrity::verify(s.store().as_ref(), &|_| {}).await.unwrap();
        let first = &report.problems[0];
        assert_eq!(first.kind, ProblemKind::MissingVersion);
        assert_eq!(first.stream_id.as_deref(), Some(target.stream_id.as_str()));
        assert_eq!(first.version, Some(3), "found at the version after the hole");
        assert!(first.detail.contains("versão 2"), "{}", first.detail);
        assert!(report
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::MissingPosition && p.position == Some(target.position)));
        assert!(integrity::verify_against(s.store().as_ref(), &exported).await.unwrap().is_some());
    }

    async fn verify_catches_two_swapped_events(s: &Subject) {
        let (events, _) = seed_and_seal(s).await;
        let (a, b) = (events[0].position, events[1].position); // versions 1 and 2 of one stream
        s.tamper(&[
            &format!("UPDATE events SET position = -1 WHERE position = {a}"),
            &format!("UPDATE events SET position = {a} WHERE position = {b}"),
            &format!("UPDATE events SET position = {b} WHERE position = -1"),
        ])
        .await;
        let report = integrity::verify(s.store().as_ref(), &|_| {}).await.unwrap();
        let first = &report.problems[0];
        assert_eq!(first.kind, ProblemKind::Reordered);
        assert_eq!(first.stream_id.as_deref(), Some(events[0].stream_id.as_str()));
        assert_eq!(first.version, Some(2));
        assert_eq!(first.position, Some(a));
        assert!(report.problems.iter().any(|p| p.kind == ProblemKind::CheckpointMismatch));
    }

    async fn an_incremental_verify_checks_only_what_came_after_a_verified_checkpoint(s: &Subject) {
        let store = s.store();
        let streams: Vec<String> = (1..=3).map(|_| format!("caso-{}", Uuid::now_v7())).collect();
        for (n, stream) in (1..).zip(&streams) {
            store.append(batch(stream, ExpectedVersion::NoStream, vec![event(n)])).await.unwrap();
        }
        visible_events(store.as_ref(), 3).await;
        let base = integrity::seal_all(store.as_ref()).await.unwrap().expect("a first checkpoint");
        // One new event continues a stream the checkpoint covers, two open streams of their own.
        store.append(batch(&streams[0], ExpectedVersion::Exact(1), vec![event(4)])).await.unwrap();
        for n in 5..=6 {
            store
                .append(batch(&format!("caso-{}", Uuid::now_v7()), ExpectedVersion::NoStream, vec![event(n)]))
                .await
                .unwrap();
        }
        let continued = visible_events(store.as_ref(), 6).await.into_iter().find(|e| e.stream_version == 2).unwrap();
        let latest = integrity::seal_all(store.as_ref()).await.unwrap().expect("a second checkpoint");
        let report = integrity::verify_since(store.as_ref(), &base).await.unwrap();
        assert!(report.ok(), "{:?}", report.problems);
        assert_eq!((report.events_checked, report.checkpoints_checked), (3, 1), "only the new events");
        assert_eq!(report.streams_checked, 3);
        assert_eq!(report.latest_checkpoint, latest);

        // A new event whose link to the older event of its stream was rewritten (its own hash
        // still matches the content it now has) is named by the link, read back from the store.
        s.tamper(&[&format!("UPDATE events SET prev_hash = hash WHERE position = {}", continued.position)]).await;
        let report = integrity::verify_since(store.as_ref(), &base).await.unwrap();
        assert!(
            report.problems.iter().any(|p| p.kind == ProblemKind::BrokenChain
                && p.position == Some(continued.position)
                && p.version == Some(2)),
            "{:?}",
            report.problems
        );
        assert_eq!(report.latest_checkpoint, base);
        s.tamper(&[&format!(
            "UPDATE events SET prev_hash = (SELECT hash FROM events WHERE stream_id = '{}' AND stream_version = 1) \
             WHERE position = {}",
            streams[0], continued.position
        )])
        .await;
        assert!(integrity::verify_since(store.as_ref(), &base).await.unwrap().ok(), "the link restored");

        let newest = visible_events(store.as_ref(), 6).await.pop().unwrap();
        s.tamper(&[&format!("UPDATE events SET document_ref = 'forjado' WHERE position = {}", newest.position)]).await;
        let report = integrity::verify_since(store.as_ref(), &base).await.unwrap();
        assert!(report
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::AlteredEvent && p.position == Some(newest.position)));
        assert_eq!(report.latest_checkpoint, base, "nothing after a finding counts as verified");
    }

    async fn a_stored_event_cannot_be_replaced_in_place(s: &Subject) {
        let store = s.store();
        store.append(batch(&case_stream(), ExpectedVersion::NoStream, vec![event(1)])).await.unwrap();
        let stored = visible_events(store.as_ref(), 1).await.pop().unwrap();
        let replace = match s {
            Subject::Sqlite(..) => format!("INSERT OR REPLACE INTO events SELECT * FROM events WHERE position = {}", stored.position),
            Subject::Postgres(..) => format!(
                "INSERT INTO events SELECT * FROM events WHERE position = {} ON CONFLICT (position) DO UPDATE SET document_ref = 'forjado'",
                stored.position
            ),
        };
        assert!(s.raw(&replace).await.is_err(), "the append-only triggers refuse a replace");
        assert_eq!(visible_events(store.as_ref(), 1).await.pop().unwrap(), stored, "the event is unchanged");
    }

    async fn forgetting_a_subject_erases_its_data_but_keeps_the_log_verifiable(s: &Subject) {
        let store = s.store();
        let vault = PersonalVault::new(store.clone(), MasterKey::generate());
        let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
        let reader = PersonalDataReader { officer_id: Uuid::now_v7(), role: "atendente".into(), purpose: "NIP".into() };
        let alice_data = vault.seal(alice, &json!({"nome": "Maria da Silva", "cpf": "123.456.789-09"})).await.unwrap();
        let bob_data = vault.seal(bob, &json!({"nome": "João Souza"})).await.unwrap();
        assert!(!alice_data.ciphertext.contains("Maria"), "no clear text in the sealed form");
        let mut ev = event(1);
        ev.payload = json!({"reclamante": alice_data, "outro": bob_data});
        store.append(batch(&case_stream(), ExpectedVersion::NoStream, vec![ev])).await.unwrap();
        let stored = visible_events(store.as_ref(), 1).await[0].payload.clone();
        assert!(!stored.contains("Maria") && !stored.contains("123.456"), "the log holds only ciphertext");
        assert_eq!(vault.open(&alice_data, &reader).await.unwrap().unwrap()["nome"], "Maria da Silva");
        let auditor = PersonalDataReader { role: "auditor".into(), ..reader.clone() };
        assert!(vault.open(&alice_data, &auditor).await.is_err(), "roles without need are refused");
        let log = store.personal_reads(None, 10).await.unwrap();
        assert_eq!(log.len(), 1, "one read logged, the refused one not: {log:?}");
        assert_eq!((log[0].subject_id, log[0].reader_id), (alice, reader.officer_id));
        assert_eq!((log[0].reader_role.as_str(), log[0].purpose.as_str()), ("atendente", "NIP"));
        assert!(store.personal_reads(Some(log[0].id), 10).await.unwrap().is_empty(), "paging goes back in time");
        integrity::seal_all(store.as_ref()).await.unwrap();

        personal::forget(store.as_ref(), alice, provenance(), "Lei 13.709/2018 art. 18 VI", day()).await.unwrap();

        assert_eq!(vault.open(&alice_data, &reader).await.unwrap(), None, "alice's data is unreadable");
        assert!(matches!(vault.seal(alice, &json!({})).await, Err(StoreError::Erased(_))));
        assert_eq!(vault.open(&bob_data, &reader).await.unwrap().unwrap()["nome"], "João Souza", "bob untouched");
        let report = integrity::verify(store.as_ref(), &|_| {}).await.unwrap();
        assert!(report.ok(), "{:?}", report.problems);
        let erasure = store.read_stream(&format!("titular-{alice}"), 1).await.unwrap();
        assert_eq!(erasure[0].event_type, "lgpd.titular_esquecido");
    }

    async fn subjects_sealed_in_bulk_each_get_a_key_of_their_own(s: &Subject) {
        let store = s.store();
        let vault = PersonalVault::new(store.clone(), MasterKey::generate());
        let reader = PersonalDataReader { officer_id: Uuid::now_v7(), role: "atendente".into(), purpose: "NIP".into() };
        let known = Uuid::now_v7();
        let earlier = vault.seal(known, &json!({"nome": "Ana Lima"})).await.unwrap();
        let subjects: Vec<(Uuid, serde_json::Value)> = (0..2_500)
            .map(|n| (Uuid::now_v7(), json!({"nome": format!("Beneficiária {n}")})))
            .chain([(known, json!({"nome": "Ana Lima de Souza"}))])
            .collect();
        let sealed = vault.seal_new(&subjects).await.unwrap();
        assert_eq!(sealed.len(), subjects.len());
        for ((subject, data), sealed) in subjects.iter().zip(&sealed).step_by(499) {
            assert_eq!(sealed.subject_id, *subject);
            assert_eq!(vault.open(sealed, &reader).await.unwrap().as_ref(), Some(data), "{subject}");
        }
        let (both, last) =
            (vault.open(&earlier, &reader).await.unwrap(), vault.open(&sealed[2_500], &reader).await.unwrap());
        assert_eq!(
            (both.unwrap()["nome"].clone(), last.unwrap()["nome"].clone()),
            (json!("Ana Lima"), json!("Ana Lima de Souza")),
            "a subject with a key keeps it: what it sealed before still opens"
        );
        assert_eq!(s.scalar("SELECT count(*) FROM subject_keys").await, 2_501);
        personal::forget(store.as_ref(), subjects[7].0, provenance(), "Lei 13.709/2018 art. 18 VI", day())
            .await
            .unwrap();
        assert_eq!(vault.open(&sealed[7], &reader).await.unwrap(), None, "one subject forgotten, its data unreadable");
        assert!(matches!(vault.seal_new(&subjects[7..8]).await, Err(StoreError::Erased(_))));
        assert!(vault.open(&sealed[8], &reader).await.unwrap().is_some(), "its neighbours untouched");
    }

    async fn any_expected_version_appends_after_whatever_is_there(s: &Subject) {
        let store = s.store();
        let stream = case_stream();
        store.append(batch(&stream, ExpectedVersion::Any, vec![event(1)])).await.unwrap();
        let out = store.append(batch(&stream, ExpectedVersion::Any, vec![event(2)])).await.unwrap();
        assert_eq!(out.stream_versions, vec![(stream, 2)]);
    }

    async fn several_batches_append_in_one_transaction_each_with_its_own_provenance(s: &Subject) {
        // Arrange: two new cases, and a stream the second batch extends after the first wrote it.
        let store = s.store();
        let (a, b, shared) = (case_stream(), case_stream(), case_stream());
        let first = AppendBatch {
            streams: vec![
                StreamAppend { stream_id: a.clone(), expected: ExpectedVersion::NoStream, events: vec![event(1)] },
                StreamAppend { stream_id: shared.clone(), expected: ExpectedVersion::NoStream, events: vec![event(2)] },
            ],
            provenance: provenance(),
        };
        let mut second = batch(&b, ExpectedVersion::NoStream, vec![event(3), event(4)]);
        second.streams.push(StreamAppend {
            stream_id: shared.clone(),
            expected: ExpectedVersion::Exact(1),
            events: vec![event(5)],
        });
        second.provenance.actor_role = "atendente".into();
        second.provenance.command = Some(json!({"act": "outro"}));
        // Act
        let outcomes = store.append_many(vec![first.clone(), second.clone()]).await.unwrap();
        // Assert: positions in batch order, versions chained across batches, provenance per batch.
        assert_eq!(outcomes.len(), 2);
        assert_eq!(outcomes[0].stream_versions, vec![(a.clone(), 1), (shared.clone(), 1)]);
        assert_eq!(outcomes[1].stream_versions, vec![(b.clone(), 2), (shared.clone(), 2)]);
        let positions: Vec<i64> = outcomes.iter().flat_map(|o| o.positions.clone()).collect();
        assert!(positions.windows(2).all(|w| w[1] == w[0] + 1), "{positions:?}");
        let shared_events = store.read_stream(&shared, 1).await.unwrap();
        assert_eq!(shared_events[1].prev_hash, shared_events[0].hash, "the chain runs across the batches");
        assert_eq!(shared_events[0].actor_role, "fiscal");
        assert_eq!(shared_events[1].actor_role, "atendente");
        assert_eq!(shared_events[1].correlation_id, second.provenance.correlation_id);
        assert_eq!(shared_events[1].command.as_deref(), Some(r#"{"act":"outro"}"#));
        let all = visible_events(store.as_ref(), 5).await;
        assert_eq!(all.len(), 5);
        integrity::seal_all(store.as_ref()).await.unwrap();
        assert!(integrity::verify(store.as_ref(), &|_| {}).await.unwrap().ok(), "every chain verifies");
    }

    async fn a_conflict_in_one_batch_of_a_call_writes_no_batch_of_it(s: &Subject) {
        let store = s.store();
        let (fresh, taken) = (case_stream(), case_stream());
        store.append(batch(&taken, ExpectedVersion::NoStream, vec![event(1)])).await.unwrap();
        let before = visible_events(store.as_ref(), 1).await.len();
        let calls = vec![
            batch(&fresh, ExpectedVersion::NoStream, vec![event(2)]),
            batch(&taken, ExpectedVersion::NoStream, vec![event(3)]),
        ];
        let err = store.append_many(calls).await.unwrap_err();
        assert!(matches!(&err, StoreError::Conflict { stream, actual: 1, .. } if *stream == taken), "{err:?}");
        assert_eq!(store.stream_version(&fresh).await.unwrap(), 0, "the first batch was not written either");
        assert_eq!(all_events(store.as_ref()).await.len(), before);
        // Two batches of one call may not both open the same stream.
        let twice = vec![
            batch(&fresh, ExpectedVersion::NoStream, vec![event(4)]),
            batch(&fresh, ExpectedVersion::NoStream, vec![event(5)]),
        ];
        let err = store.append_many(twice).await.unwrap_err();
        assert!(matches!(&err, StoreError::Conflict { actual: 1, .. }), "{err:?}");
        assert!(matches!(store.append_many(Vec::new()).await, Err(StoreError::InvalidInput(_))));
    }

    async fn a_retried_call_of_several_batches_returns_the_original_outcomes(s: &Subject) {
        let store = s.store();
        let calls = vec![
            batch(&case_stream(), ExpectedVersion::NoStream, vec![event(1)]),
            batch(&case_stream(), ExpectedVersion::NoStream, vec![event(2), event(3)]),
        ];
        let first = store.append_many(calls.clone()).await.unwrap();
        let retry = store.append_many(calls.clone()).await.unwrap();
        assert!(retry.iter().all(|o| o.duplicate));
        assert_eq!(
            retry.iter().map(|o| &o.positions).collect::<Vec<_>>(),
            first.iter().map(|o| &o.positions).collect::<Vec<_>>()
        );
        // One old batch with a new one is not a retry of either call.
        let mixed = vec![calls[0].clone(), batch(&case_stream(), ExpectedVersion::NoStream, vec![event(4)])];
        assert!(matches!(store.append_many(mixed).await, Err(StoreError::IdempotencyMismatch(_))));
    }

    async fn the_head_position_is_the_last_event_a_reader_can_see(s: &Subject) {
        let store = s.store();
        assert_eq!(store.head_position().await.unwrap(), 0, "an empty log has no head");
        let stream = case_stream();
        store.append(batch(&stream, ExpectedVersion::NoStream, vec![event(1), event(2)])).await.unwrap();
        store.append(batch(&case_stream(), ExpectedVersion::NoStream, vec![event(3)])).await.unwrap();
        let events = visible_events(store.as_ref(), 3).await;
        assert_eq!(store.head_position().await.unwrap(), events[2].position);
    }
);

/// A deployment may keep Autos in a schema of its own (the URL's `search_path`): the migrations
/// run there as the owner, and the least-privileged application role reads and appends there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_works_in_a_schema_of_its_own_under_the_application_role() {
    let name = format!("autos_t_{}", Uuid::new_v4().simple());
    let admin_url = autos_store::testing::pg_admin_url();
    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
    let url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
    let owner = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query("CREATE SCHEMA autos").execute(&owner).await.unwrap();
    owner.close().await;
    let store =
        autos_store::postgres::PgStore::open(&format!("{url}?options=-c%20search_path%3Dautos"), 2).await.unwrap();
    let stream = case_stream();
    let outcome = store.append(batch(&stream, ExpectedVersion::NoStream, vec![event(1), event(2)])).await.unwrap();
    assert_eq!(outcome.positions.len(), 2);
    assert_eq!(store.read_stream(&stream, 1).await.unwrap().len(), 2);
    let tables: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'autos' AND tablename = 'events'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(tables, 1, "the log lives in the schema the URL names");
    drop(store);
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&admin).await.unwrap();
}
