//! Signed tree heads against an attacker who holds the database, on both backends: every
//! tampering — an event changed with its hash recomputed, one deleted (a gap inserted to explain
//! it or not), two swapped, the last ones cut off, the heads and checkpoints wiped, a head
//! forged — is found by
//! `tree_heads::check` from the witness (a directory, or another database) and the signed heads
//! alone, at the first bad position;
//! receipts and consistency proofs verify with the public key only.

use std::path::PathBuf;
use std::time::Duration;

use autos_store::hashing::stored_event_hash;
use autos_store::integrity::{self, Problem, ProblemKind};
use autos_store::testing::Subject;
use autos_store::tree_heads::{self, Consistency, Keyring, Leaves, Notary, ProofCheck, Receipt, SigningKey, Witness};
use autos_store::{AppendBatch, EventStore, ExpectedVersion, NewEvent, Provenance, StoredEvent, StreamAppend};
use chrono::NaiveDate;
use serde_json::json;
use uuid::Uuid;

/// The files an operator keeps outside the database, in a directory of the test's own.
struct Trust {
    dir: PathBuf,
    keyring: Keyring,
    witness: Witness,
    notary: Notary,
    first_key: String,
}

impl Trust {
    fn new() -> Trust {
        Trust::witnessed_by(|dir| Witness::in_dir(&dir.join("witness")))
    }

    /// The files in a directory of the test's own, and the witnesses `witness` names in it.
    fn witnessed_by(witness: impl FnOnce(&std::path::Path) -> Witness) -> Trust {
        let dir = std::env::temp_dir().join(format!("autos-trust-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = SigningKey::generate();
        let keyring = Keyring::parse(&key.public_key().to_base64()).unwrap();
        let witness = witness(&dir);
        let first_key = key.to_base64();
        let notary = Notary::new(key, witness.clone(), Leaves::default());
        Trust { dir, keyring, witness, notary, first_key }
    }

    /// The first key, as its file holds it.
    fn notary_key_base64(&self) -> String {
        self.first_key.clone()
    }

    async fn check(&self, store: &dyn EventStore) -> Vec<Problem> {
        tree_heads::check(store, &self.keyring, &self.witness).await.unwrap().problems
    }
}

impl Drop for Trust {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn event(n: i64) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "teste.registrado".into(),
        schema_version: 1,
        payload: json!({ "n": n }),
        occurred_on: NaiveDate::from_ymd_opt(2003, 5, 2).unwrap(),
        legal_basis: Some("Lei 9.656/98 art. 24".into()),
        document_ref: None,
    }
}

fn provenance() -> Provenance {
    Provenance {
        actor_id: Uuid::now_v7(),
        actor_role: "fiscal".into(),
        correlation_id: None,
        causation_id: None,
        command: None,
    }
}

async fn visible(store: &dyn EventStore, n: usize) -> Vec<StoredEvent> {
    for _ in 0..500 {
        let events = store.read_all(0, 10_000).await.unwrap();
        if events.len() >= n {
            return events;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{n} events never became visible");
}

/// Six events on three streams, sealed and signed after each append, so that every head covers
/// one event more than the one before it.
async fn seed(s: &Subject, trust: &mut Trust) -> Vec<StoredEvent> {
    let store = s.store();
    let streams: Vec<String> = (0..3).map(|_| format!("caso-{}", Uuid::now_v7())).collect();
    for n in 0..6 {
        let stream = &streams[n % 3];
        let expected = if n < 3 { ExpectedVersion::NoStream } else { ExpectedVersion::Exact(1) };
        let batch = AppendBatch {
            streams: vec![StreamAppend { stream_id: stream.clone(), expected, events: vec![event(n as i64)] }],
            provenance: provenance(),
        };
        store.append(batch).await.unwrap();
        visible(store.as_ref(), n + 1).await;
        integrity::seal_all(store.as_ref()).await.unwrap();
        trust.notary.sign_latest(store.as_ref()).await.unwrap().expect("a new head");
    }
    visible(store.as_ref(), 6).await
}

const WIPE_HEADS_AND_CHECKPOINTS: [&str; 3] =
    ["DELETE FROM tree_heads", "DELETE FROM seal_checkpoints", "DELETE FROM position_gaps"];

#[track_caller]
fn first_mismatch(problems: &[Problem]) -> &Problem {
    problems.iter().find(|p| p.kind == ProblemKind::HeadMismatch).unwrap_or_else(|| panic!("{problems:?}"))
}

/// A second key that signs the next head (after one more event, sealed), its public key added
/// to the keyring; with `recorded`, its rotation is first recorded in the log.
async fn sign_with_a_second_key(s: &Subject, trust: &mut Trust, recorded: bool) -> SigningKey {
    let store = s.store();
    let old = SigningKey::from_base64(&trust.notary_key_base64()).unwrap();
    let new = SigningKey::generate();
    if recorded {
        tree_heads::record_rotation(
            store.as_ref(),
            &old.public_key(),
            &new.public_key(),
            provenance(),
            NaiveDate::from_ymd_opt(2003, 6, 1).unwrap(),
        )
        .await
        .unwrap();
    }
    let batch = AppendBatch {
        streams: vec![StreamAppend {
            stream_id: format!("caso-{}", Uuid::now_v7()),
            expected: ExpectedVersion::NoStream,
            events: vec![event(99)],
        }],
        provenance: provenance(),
    };
    store.append(batch).await.unwrap();
    // The six events of `seed`, the rotation when recorded, and this one.
    visible(store.as_ref(), 7 + usize::from(recorded)).await;
    integrity::seal_all(store.as_ref()).await.unwrap();
    trust.keyring =
        Keyring::parse(&format!("{}\n{}", old.public_key().to_base64(), new.public_key().to_base64())).unwrap();
    let leaves = Leaves::read(store.as_ref(), None).await.unwrap();
    let mut notary = Notary::new(SigningKey::from_base64(&new.to_base64()).unwrap(), trust.witness.clone(), leaves);
    notary.sign_latest(store.as_ref()).await.unwrap().expect("a head signed by the new key");
    new
}

autos_store::on_both_backends!(
    async fn a_key_the_log_never_introduced_is_reported_and_a_recorded_rotation_verifies(s: &Subject) {
        let mut slipped = Trust::new();
        seed(s, &mut slipped).await;
        let key = sign_with_a_second_key(s, &mut slipped, false).await;
        let problems = slipped.check(s.store().as_ref()).await;
        let found =
            problems.iter().find(|p| p.kind == ProblemKind::HeadSignature).unwrap_or_else(|| panic!("{problems:?}"));
        assert!(found.detail.contains(&key.public_key().key_id()), "{found:?}");
        assert!(found.detail.contains("troca não consta do registro"), "{found:?}");
    }

    async fn a_rotation_recorded_in_the_log_before_the_new_key_signs_verifies(s: &Subject) {
        let mut rotated = Trust::new();
        seed(s, &mut rotated).await;
        sign_with_a_second_key(s, &mut rotated, true).await;
        let problems = rotated.check(s.store().as_ref()).await;
        assert!(problems.is_empty(), "{problems:?}");
        let heads = s.store().tree_heads().await.unwrap();
        assert_eq!(heads.len(), 7, "six heads of the first key, one of the second");
    }

    async fn an_untouched_log_matches_every_head_and_every_proof_verifies(s: &Subject) {
        let mut trust = Trust::new();
        let events = seed(s, &mut trust).await;
        let store = s.store();
        let check = tree_heads::check(store.as_ref(), &trust.keyring, &trust.witness).await.unwrap();
        assert!(check.problems.is_empty(), "{:?}", check.problems);
        assert_eq!(check.heads_checked, 6);
        let heads = store.tree_heads().await.unwrap();
        assert_eq!(heads, trust.witness.heads().await.unwrap());
        let latest = heads.last().unwrap();
        for ev in &events {
            let receipt = Receipt::build(&check.leaves, latest, ev).expect("covered by the head");
            assert_eq!(receipt.check(&trust.keyring), ProofCheck::Valid);
            let mut altered = receipt.clone();
            altered.event_hash[0] ^= 1;
            assert_eq!(altered.check(&trust.keyring), ProofCheck::ProofFails);
            assert_eq!(receipt.check(&Keyring::default()), ProofCheck::UnknownKey);
        }
        for from in &heads {
            let proof = Consistency::build(&check.leaves, from, latest).expect("an extension");
            assert_eq!(proof.check(&trust.keyring), ProofCheck::Valid);
        }
        let mut forged = Consistency::build(&check.leaves, &heads[2], latest).unwrap();
        forged.from.root[0] ^= 1;
        assert_eq!(forged.check(&trust.keyring), ProofCheck::BadSignature);
    }

    async fn a_payload_changed_with_its_hash_recomputed_is_found_from_the_witness_alone(s: &Subject) {
        let mut trust = Trust::new();
        let events = seed(s, &mut trust).await;
        // The last event of its stream: no later link in the stream gives it away.
        let target = events[4].clone();
        let mut forged = target.clone();
        forged.payload = r#"{"n":999}"#.into();
        let hash = s.bytes_literal(&stored_event_hash(&forged));
        let update = format!(
            "UPDATE events SET payload = '{}', hash = {hash} WHERE position = {}",
            forged.payload, target.position
        );
        let mut statements = vec![update.as_str()];
        statements.extend(WIPE_HEADS_AND_CHECKPOINTS);
        s.tamper(&statements).await;
        let problems = trust.check(s.store().as_ref()).await;
        assert!(problems.iter().any(|p| p.kind == ProblemKind::HeadMissing), "{problems:?}");
        assert_eq!(first_mismatch(&problems).position, Some(target.position));
        // No receipt leads the changed event to a head the witness holds.
        let leaves = Leaves::read(s.store().as_ref(), None).await.unwrap();
        let witnessed = trust.witness.heads().await.unwrap().pop().unwrap();
        let changed = s.store().read_all(target.position - 1, 1).await.unwrap().remove(0);
        assert_eq!(Receipt::build(&leaves, &witnessed, &changed), None);
    }

    async fn a_deleted_event_is_found_from_the_witness_alone(s: &Subject) {
        let mut trust = Trust::new();
        let events = seed(s, &mut trust).await;
        let delete = format!("DELETE FROM events WHERE position = {}", events[2].position);
        let mut statements = vec![delete.as_str()];
        statements.extend(WIPE_HEADS_AND_CHECKPOINTS);
        s.tamper(&statements).await;
        let problems = trust.check(s.store().as_ref()).await;
        assert_eq!(first_mismatch(&problems).position, Some(events[2].position));
    }

    async fn a_deleted_event_explained_by_an_inserted_gap_is_still_found(s: &Subject) {
        let mut trust = Trust::new();
        let events = seed(s, &mut trust).await;
        let p = events[3].position;
        let (delete, gap) = (
            format!("DELETE FROM events WHERE position = {p}"),
            format!("INSERT INTO position_gaps (from_position, to_position) VALUES ({p}, {p})"),
        );
        s.tamper(&[&delete, &gap]).await;
        let problems = trust.check(s.store().as_ref()).await;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(first_mismatch(&problems).position, Some(p));
    }

    async fn a_reseal_records_no_gap_where_a_signed_head_saw_an_event(s: &Subject) {
        let mut trust = Trust::new();
        let events = seed(s, &mut trust).await;
        let p = events[2].position;
        s.tamper(&[&format!("DELETE FROM events WHERE position = {p}"), "DELETE FROM seal_checkpoints"]).await;
        let store = s.store();
        integrity::seal_all(store.as_ref()).await.unwrap().expect("a checkpoint of the changed log");
        assert!(store.gaps().await.unwrap().iter().all(|g| g.to_position < p || g.from_position > p));
        let report = integrity::verify(store.as_ref(), &|_| {}).await.unwrap();
        assert!(
            report.problems.iter().any(|q| q.kind == ProblemKind::MissingPosition && q.position == Some(p)),
            "{:?}",
            report.problems
        );
    }

    async fn two_swapped_events_are_found_from_the_witness_alone(s: &Subject) {
        let mut trust = Trust::new();
        let events = seed(s, &mut trust).await;
        let (a, b) = (events[1].position, events[2].position);
        let swap = [
            format!("UPDATE events SET position = -1 WHERE position = {a}"),
            format!("UPDATE events SET position = {a} WHERE position = {b}"),
            format!("UPDATE events SET position = {b} WHERE position = -1"),
        ];
        let mut statements: Vec<&str> = swap.iter().map(String::as_str).collect();
        statements.extend(WIPE_HEADS_AND_CHECKPOINTS);
        s.tamper(&statements).await;
        let problems = trust.check(s.store().as_ref()).await;
        assert_eq!(first_mismatch(&problems).position, Some(a));
    }

    async fn the_last_events_cut_off_are_found_from_the_witness_alone(s: &Subject) {
        let mut trust = Trust::new();
        let events = seed(s, &mut trust).await;
        let cut = format!("DELETE FROM events WHERE position >= {}", events[4].position);
        let mut statements = vec![cut.as_str()];
        statements.extend(WIPE_HEADS_AND_CHECKPOINTS);
        s.tamper(&statements).await;
        let problems = trust.check(s.store().as_ref()).await;
        let mismatch = first_mismatch(&problems);
        assert_eq!(mismatch.position, Some(events[4].position));
        assert!(mismatch.detail.contains("só 4"), "{}", mismatch.detail);
    }

    /// A witness that is a database of the other kind (a PostgreSQL database for the SQLite log,
    /// an SQLite file for the PostgreSQL log), and no witness directory at all.
    async fn a_witness_database_alone_finds_wiped_heads_and_the_last_events_cut_off(s: &Subject) {
        let (url, pg_database) = match s {
            Subject::Sqlite(..) => {
                let name = format!("autos_t_{}", Uuid::new_v4().simple());
                let admin = sqlx::PgPool::connect(&autos_store::testing::pg_admin_url()).await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
                let base = autos_store::testing::pg_admin_url();
                (format!("{}/{name}", base.rsplit_once('/').unwrap().0), Some((admin, name)))
            }
            Subject::Postgres(..) => {
                let file = std::env::temp_dir().join(format!("autos-witness-{}.db", Uuid::new_v4().simple()));
                (format!("sqlite:{}", file.display()), None)
            }
        };
        let mut trust = Trust::witnessed_by(|_| Witness::default().and_urls(std::slice::from_ref(&url)).unwrap());
        let events = seed(s, &mut trust).await;
        assert_eq!(trust.witness.heads().await.unwrap().len(), 6, "every head witnessed in {url}");
        let cut = format!("DELETE FROM events WHERE position >= {}", events[4].position);
        let mut statements = vec![cut.as_str()];
        statements.extend(WIPE_HEADS_AND_CHECKPOINTS);
        s.tamper(&statements).await;
        let problems = trust.check(s.store().as_ref()).await;
        assert_eq!(problems.iter().filter(|p| p.kind == ProblemKind::HeadMissing).count(), 6, "{problems:?}");
        assert_eq!(first_mismatch(&problems).position, Some(events[4].position), "{problems:?}");
        drop(trust);
        if let Some((admin, name)) = pg_database {
            sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&admin).await.unwrap();
        }
    }

    async fn a_second_witness_added_later_gets_the_history_and_a_fork_between_witnesses_is_found(s: &Subject) {
        let mut trust = Trust::new();
        seed(s, &mut trust).await;
        let (first, second) = (trust.dir.join("witness"), trust.dir.join("second-witness"));
        trust.witness = Witness::in_dirs(&[first.clone(), second.clone()]);
        let check = tree_heads::check(s.store().as_ref(), &trust.keyring, &trust.witness).await.unwrap();
        assert!(check.problems.is_empty(), "{:?}", check.problems);
        assert_eq!(check.unwitnessed.len(), 6, "the new witness lacks every head");
        trust.witness.append_where_missing(&check.unwitnessed).await.unwrap();
        let lines = |dir: &PathBuf| std::fs::read_to_string(dir.join("heads.jsonl")).unwrap().lines().count();
        assert_eq!((lines(&first), lines(&second)), (6, 6), "given the history, nothing written twice");
        // The second witness is made to hold another head for the last tree size: a fork.
        let mut forked = s.store().tree_heads().await.unwrap().pop().unwrap();
        forked.root[0] ^= 1;
        Witness::in_dir(&second).append(&forked).await.unwrap();
        let problems = trust.check(s.store().as_ref()).await;
        let found =
            problems.iter().find(|p| p.kind == ProblemKind::HeadMissing).unwrap_or_else(|| panic!("{problems:?}"));
        assert_eq!(found.position, Some(forked.position), "{found:?}");
        assert!(
            problems.iter().any(|p| p.kind == ProblemKind::HeadSignature),
            "the forged head's signature: {problems:?}"
        );
    }

    async fn wiped_heads_are_missing_heads_and_the_untouched_events_still_match(s: &Subject) {
        let mut trust = Trust::new();
        seed(s, &mut trust).await;
        s.tamper(&WIPE_HEADS_AND_CHECKPOINTS).await;
        let problems = trust.check(s.store().as_ref()).await;
        assert_eq!(problems.iter().filter(|p| p.kind == ProblemKind::HeadMissing).count(), 6, "{problems:?}");
        assert!(problems.iter().all(|p| p.kind == ProblemKind::HeadMissing), "{problems:?}");
    }

    async fn a_head_the_witness_missed_is_no_tampering_and_is_handed_to_it(s: &Subject) {
        let mut trust = Trust::new();
        seed(s, &mut trust).await;
        // A signer stopped between recording its last head and witnessing it.
        let file = trust.dir.join("witness").join("heads.jsonl");
        let text = std::fs::read_to_string(&file).unwrap();
        let kept: Vec<&str> = text.lines().take(5).collect();
        std::fs::write(&file, format!("{}\n", kept.join("\n"))).unwrap();
        let check = tree_heads::check(s.store().as_ref(), &trust.keyring, &trust.witness).await.unwrap();
        assert!(check.problems.is_empty(), "{:?}", check.problems);
        assert_eq!(check.unwitnessed, vec![s.store().tree_heads().await.unwrap().pop().unwrap()]);
    }

    async fn a_head_signed_by_another_key_is_refused(s: &Subject) {
        let mut trust = Trust::new();
        let events = seed(s, &mut trust).await;
        let store = s.store();
        let leaves = Leaves::read(store.as_ref(), None).await.unwrap();
        let real = store.tree_heads().await.unwrap().pop().unwrap();
        assert!(leaves.matches(&real));
        let forged = SigningKey::generate().sign(7, events[5].position + 1, &[0u8; 32], real.signed_at);
        assert!(store.record_tree_head(&forged).await.unwrap());
        let problems = trust.check(store.as_ref()).await;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, ProblemKind::HeadSignature);
        assert_eq!(problems[0].position, Some(events[5].position + 1));
    }

    async fn the_heads_table_refuses_changes_and_replacing_inserts(s: &Subject) {
        let mut trust = Trust::new();
        seed(s, &mut trust).await;
        assert!(s.raw("UPDATE tree_heads SET position = 0").await.is_err(), "UPDATE must fail");
        assert!(s.raw("DELETE FROM tree_heads").await.is_err(), "DELETE must fail");
        let replace = match s.store().backend_name() {
            "sqlite" => {
                "INSERT OR REPLACE INTO tree_heads SELECT tree_size, 0, root, signed_at, key_id, signature \
                         FROM tree_heads WHERE tree_size = 1"
            }
            _ => "TRUNCATE tree_heads",
        };
        assert!(s.raw(replace).await.is_err(), "{replace} must fail");
        assert!(trust.check(s.store().as_ref()).await.is_empty());
    }

    async fn the_notary_signs_nothing_over_a_log_that_lost_sealed_events(s: &Subject) {
        let mut trust = Trust::new();
        let events = seed(s, &mut trust).await;
        let store = s.store();
        let batch = AppendBatch {
            streams: vec![StreamAppend {
                stream_id: format!("caso-{}", Uuid::now_v7()),
                expected: ExpectedVersion::NoStream,
                events: vec![event(7)],
            }],
            provenance: provenance(),
        };
        store.append(batch).await.unwrap();
        visible(store.as_ref(), 7).await;
        integrity::seal_all(store.as_ref()).await.unwrap();
        s.tamper(&[&format!("DELETE FROM events WHERE position = {}", events[0].position)]).await;
        let mut fresh = Notary::new(SigningKey::generate(), trust.witness.clone(), Leaves::default());
        assert!(fresh.sign_latest(store.as_ref()).await.is_err());
        assert_eq!(store.tree_heads().await.unwrap().len(), 6);
    }
);
