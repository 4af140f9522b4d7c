//! Fault suite: backup and restore as commands, through the real `autos` binary, on both
//! backends.
//! - `autos backup` while four attendants keep filing demandas: it finishes in bounded time
//!   and the writers are not held up; restored into a fresh place (SQLite: another file;
//!   PostgreSQL: a database in a second cluster of the test's own, whose transaction ids differ
//!   from the source's), the log verifies against the checkpoint file, a server on it returns
//!   every event the copy holds — every act acknowledged before the backup began among them —,
//!   the pages sign in on it, and new acts append and are read after the restored ones.
//! - `autos restore` into a database that already has data is refused and changes nothing.
//! - A restored log that does not extend the checkpoint given exits 2, like `autos verify`.
//! - Without pg_dump, a PostgreSQL backup fails with a message that names it.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::{demanda, eventually, positions, post, psql, register_operator, Backend, PgCluster, Serve, TestDb};

/// Demandas acknowledged before the backup begins.
const BEFORE: usize = 150;
/// Attendants filing demandas while the backup runs.
const WRITERS: usize = 4;
/// The bound on one backup of this test's database under load.
const BACKUP_WITHIN: Duration = Duration::from_secs(60);

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Every position `GET /api/v1/eventos` returns, page after page from `after`.
async fn event_positions(serve: &Serve, token: &str, after: i64) -> Vec<i64> {
    let client = support::client();
    let (mut after, mut all) = (after, Vec::new());
    loop {
        let url = format!("{}/api/v1/eventos?after={after}&limit=500", serve.base);
        let page: serde_json::Value =
            client.get(url).bearer_auth(token).send().await.unwrap().error_for_status().unwrap().json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        if items.is_empty() {
            return all;
        }
        all.extend(items.iter().map(|e| e["position"].as_i64().unwrap()));
        after = *all.last().unwrap();
    }
}

/// A place to restore into that no one has written to, and what keeps it alive.
fn fresh_destination(backend: Backend) -> (TestDb, Option<PgCluster>) {
    match backend {
        Backend::Sqlite => (TestDb::new(Backend::Sqlite), None),
        Backend::Postgres => {
            let cluster = PgCluster::start_temp();
            let url = cluster.create_database("autos_restaurado");
            (TestDb::at(Backend::Postgres, url), Some(cluster))
        }
    }
}

async fn backup_under_load_restores_every_event(backend: Backend) {
    // Arrange: acts acknowledged before the backup, then four writers that keep going.
    let db = TestDb::new(backend);
    let admin = db.officer("administrador");
    let attendant = db.officer("atendente");
    let serve = Serve::start(&db, &[]).await;
    register_operator(&serve.base, &admin).await;
    let client = support::client();
    let mut before = BTreeSet::new();
    for _ in 0..BEFORE {
        let answer = post(&client, &serve.base, "/api/v1/casos", &attendant, &demanda(), &[]).await;
        assert_eq!(answer.status, Some(201), "{:?}", answer.body);
        before.extend(positions(&answer));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            let (client, base, token) = (client.clone(), serve.base.clone(), attendant.clone());
            let (stop, acknowledged) = (stop.clone(), acknowledged.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let answer = post(&client, &base, "/api/v1/casos", &token, &demanda(), &[]).await;
                    assert_eq!(answer.status, Some(201), "a write failed during the backup: {:?}", answer.body);
                    acknowledged.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    eventually(Duration::from_secs(30), "the writers to get going", || async {
        acknowledged.load(Ordering::Relaxed) >= 20
    })
    .await;

    // Act: the backup, under load.
    let target = db.dir.join("autos.backup");
    let target_arg = target.display().to_string();
    let (during_before, started) = (acknowledged.load(Ordering::Relaxed), Instant::now());
    let backup = {
        let (dir, url) = (db.dir.clone(), db.url.clone());
        let target_arg = target_arg.clone();
        tokio::task::spawn_blocking(move || support::autos_in(&dir, &url, &["backup", &target_arg])).await.unwrap()
    };
    let took = started.elapsed();
    let during = acknowledged.load(Ordering::Relaxed) - during_before;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    assert!(backup.status.success(), "backup: {}", text(&backup));
    assert!(took < BACKUP_WITHIN, "the backup took {took:?} under load");
    assert!(during > 0, "no write was acknowledged while the backup ran ({took:?})");
    let checkpoint = std::fs::read_to_string(Path::new(&format!("{target_arg}.checkpoint"))).unwrap();
    assert!(checkpoint.starts_with("autos-checkpoint:v1:"), "{checkpoint}");
    let copied = copied_events(&backup);
    println!("backup of {copied} events under load in {took:?}, {during} acts acknowledged meanwhile");

    // Act: restore into a fresh place, with the master key and the tree heads' signing key and
    // keyring carried over apart (the witness stays with the server it witnessed: it holds heads
    // signed after the copy was made, which the restored log rightly lacks).
    let (restored, _cluster) = fresh_destination(backend);
    for file in ["autos.master.key", "autos.signing.key", "autos.signing.pub"] {
        let _ = std::fs::copy(db.dir.join(file), restored.dir.join(file));
    }
    let started = Instant::now();
    let restore = restored.autos(&["restore", &target_arg]);
    println!("restore in {:?}", started.elapsed());

    // Assert: the restored log verifies, and readers see every event the copy holds.
    assert!(restore.status.success(), "restore: {}", text(&restore));
    assert!(text(&restore).contains("inalterado"), "restore did not verify against the checkpoint: {}", text(&restore));
    if backend == Backend::Postgres {
        let hidden =
            psql(&restored.url, "SELECT max(xid::text::bigint) > pg_current_xact_id()::text::bigint FROM events");
        assert_eq!(hidden, "t", "the restored rows' transaction ids must lie ahead of the new cluster's");
    }
    let against = restored.autos(&["verify", "--against", checkpoint.trim()]);
    assert!(against.status.success(), "verify --against: {}", text(&against));
    let full = restored.autos(&["verify"]);
    assert!(full.status.success(), "verify: {}", text(&full));
    let held = restored.scalar("SELECT count(*) FROM events").await;
    assert_eq!(held, copied, "the restored database holds what the backup reported");
    let serve = Serve::start(&restored, &[]).await;
    // The pages sign in on the restored store: on PostgreSQL the server's role holds its grant on
    // the sessions table again (the dump carries no privileges).
    let sign_in =
        client.post(format!("{}/entrar", serve.base)).form(&[("token", attendant.as_str())]).send().await.unwrap();
    assert_eq!((sign_in.status().as_u16(), sign_in.url().path()), (200, "/operadoras"), "signed in after the restore");
    let seen = event_positions(&serve, &attendant, 0).await;
    assert_eq!(seen.len() as i64, held, "GET /events returns every restored event");
    let seen: BTreeSet<i64> = seen.into_iter().collect();
    assert!(
        before.is_subset(&seen),
        "acts acknowledged before the backup are missing: {:?}",
        before.difference(&seen).take(5).collect::<Vec<_>>()
    );

    // Assert: new acts append on the restored store and are read after the restored ones.
    let last = *seen.last().unwrap();
    let answer = post(&client, &serve.base, "/api/v1/casos", &attendant, &demanda(), &[]).await;
    assert_eq!(answer.status, Some(201), "{:?}", answer.body);
    let new = positions(&answer);
    assert!(new.iter().all(|p| *p > last), "new positions {new:?} must follow the restored {last}");
    let mut after_restore = Vec::new();
    for _ in 0..100 {
        after_restore = event_positions(&serve, &attendant, last).await;
        if after_restore.len() >= new.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(after_restore, new, "the new act is read right after the restored log");
    assert_eq!(event_positions(&serve, &attendant, 0).await.len() as i64, held + new.len() as i64);
}

/// The event count `autos backup` reports for its copy ("…: N eventos, …").
fn copied_events(backup: &Output) -> i64 {
    let stdout = String::from_utf8_lossy(&backup.stdout);
    let words: Vec<&str> = stdout.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "eventos,").unwrap_or_else(|| panic!("no event count in: {stdout}"));
    words[at - 1].parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_backup_under_load_restores_every_event() {
    backup_under_load_restores_every_event(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_backup_under_load_restores_every_event_in_another_cluster() {
    backup_under_load_restores_every_event(Backend::Postgres).await;
}

/// What a destination looks like from outside: its officers and its tables' contents.
async fn state(db: &TestDb) -> (String, i64, i64) {
    let officers = db.autos(&["officer", "list"]);
    assert!(officers.status.success(), "officer list: {}", text(&officers));
    let tables = match db.backend {
        Backend::Sqlite => db.scalar("SELECT count(*) FROM sqlite_master").await,
        Backend::Postgres => db.scalar("SELECT count(*) FROM pg_class").await,
    };
    (String::from_utf8_lossy(&officers.stdout).into_owned(), db.scalar("SELECT count(*) FROM events").await, tables)
}

async fn restore_into_non_empty_destination_is_refused(backend: Backend) {
    // Arrange: a backup, and a destination that already has an officer.
    let source = TestDb::new(backend);
    source.officer("administrador");
    let target = source.dir.join("autos.backup").display().to_string();
    let backup = source.autos(&["backup", &target]);
    assert!(backup.status.success(), "backup: {}", text(&backup));
    let destination = TestDb::new(backend);
    destination.officer("auditor");
    let before = state(&destination).await;

    // Act
    let restore = destination.autos(&["restore", &target]);

    // Assert: refused in pt-BR, and the destination is as it was.
    assert_eq!(restore.status.code(), Some(1), "restore: {}", text(&restore));
    assert!(String::from_utf8_lossy(&restore.stderr).contains("não está vazio"), "{}", text(&restore));
    assert_eq!(state(&destination).await, before, "a refused restore changed the destination");
}

#[tokio::test]
async fn sqlite_restore_into_non_empty_destination_is_refused() {
    restore_into_non_empty_destination_is_refused(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_restore_into_non_empty_destination_is_refused() {
    restore_into_non_empty_destination_is_refused(Backend::Postgres).await;
}

#[test]
fn postgres_backup_without_pg_dump_fails_clearly() {
    let db = TestDb::new(Backend::Postgres);
    let target = db.dir.join("autos.backup");
    let empty = db.dir.join("sem-programas");
    std::fs::create_dir_all(&empty).unwrap();
    let out = std::process::Command::new(support::AUTOS)
        .args(["backup", &target.display().to_string()])
        .current_dir(&db.dir)
        .env("DATABASE_URL", &db.url)
        .env("PATH", &empty)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump não encontrado"), "{}", text(&out));
    assert!(!target.exists(), "a failed backup left a file under the backup's name");
    assert!(std::fs::read_dir(&db.dir).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".parcial")));
}

#[tokio::test]
async fn restore_against_a_checkpoint_the_backup_does_not_extend_exits_2() {
    let source = TestDb::new(Backend::Sqlite);
    source.officer("administrador");
    let target = source.dir.join("autos.backup").display().to_string();
    let backup = source.autos(&["backup", &target]);
    assert!(backup.status.success(), "backup: {}", text(&backup));
    let destination = TestDb::new(Backend::Sqlite);

    let restore =
        destination.autos(&["restore", &target, "--against", &format!("autos-checkpoint:v1:1:1:{}", "0".repeat(64))]);

    assert_eq!(restore.status.code(), Some(2), "restore: {}", text(&restore));
    assert!(String::from_utf8_lossy(&restore.stdout).contains("DIVERGÊNCIA"), "{}", text(&restore));
}
