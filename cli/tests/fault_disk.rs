//! Fault suite: the database on a full disk, on both backends. The SQLite file, or the data
//! directory of a PostgreSQL cluster of the test's own, lives on a small tmpfs; the disk is
//! filled while eight attendants keep filing Disque ANS demandas, then freed.
//! What must hold: no act is answered 2xx unless it is in the log, no position is handed out
//! twice, every refusal is a clear 507 or 503, `/readyz` says not ready while writes fail and
//! ready again once space is freed (with no restart of `autos serve`), and another process can
//! write as soon as the disk has room.
//! Needs root (to mount the tmpfs), as CI has.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use support::{demanda, eventually, positions, post, register_operator, Backend, PgCluster, Serve, TestDb};

/// A tmpfs of `size` at `dir`, unmounted on drop.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the disk-full test mounts a tmpfs and needs root: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(dir.to_owned())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the filesystem of `dir` with a file until only `room` bytes are left; returns the
/// file. A little room is what the field saw: some writes still fit, then commits start failing
/// half-way (the read models' transactions, the seal) while single appends go on.
fn fill(dir: &Path, room: u64) -> std::path::PathBuf {
    let filler = dir.join("filler");
    let _ = Command::new("dd").args(["if=/dev/zero", "bs=64k"]).arg(format!("of={}", filler.display())).output();
    // dd stops at ENOSPC; top up the last partial block.
    let _ = Command::new("dd")
        .args(["if=/dev/zero", "bs=512", "oflag=append", "conv=notrunc"])
        .arg(format!("of={}", filler.display()))
        .output();
    let full = std::fs::metadata(&filler).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&filler).unwrap().set_len(full.saturating_sub(room)).unwrap();
    filler
}

/// Where the full disk is: the SQLite file itself, or a PostgreSQL cluster's data directory.
enum OnDisk {
    Sqlite,
    Postgres(PgCluster),
}

async fn full_disk(backend: Backend) {
    // Arrange: the database on a tmpfs, a server, an operator, eight attendants.
    let root = std::env::temp_dir().join(format!("autos-disk-{}", uuid::Uuid::new_v4().simple()));
    let (size, room) = match backend {
        Backend::Sqlite => ("24m", 256 * 1024),
        // initdb's files and a first WAL segment need about 60 MiB.
        Backend::Postgres => ("160m", 2 * 1024 * 1024),
    };
    let disk = Tmpfs::mount(&root, size);
    let (on_disk, db) = match backend {
        Backend::Sqlite => (OnDisk::Sqlite, TestDb::in_dir(Backend::Sqlite, root.clone())),
        Backend::Postgres => {
            let cluster = PgCluster::start_in(root.join("data"));
            let url = cluster.create_database("autos_full_disk");
            (OnDisk::Postgres(cluster), TestDb::at(Backend::Postgres, url))
        }
    };
    let admin = db.officer("administrador");
    let attendant = db.officer("atendente");
    let serve = Serve::start(&db, &[]).await;
    register_operator(&serve.base, &admin).await;
    let before = db.scalar("SELECT COALESCE(MAX(position), 0) FROM events").await;
    let client = support::client();

    // Act 1: fill the disk, all but a little room, and let eight attendants file demandas for
    // eight seconds (the read models and the seal write and retry meanwhile).
    let filler = fill(&root, room);
    let answers = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for _ in 0..8 {
        let (client, base, token, answers) = (client.clone(), serve.base.clone(), attendant.clone(), answers.clone());
        writers.push(tokio::spawn(async move {
            let until = std::time::Instant::now() + Duration::from_secs(8);
            while std::time::Instant::now() < until {
                let answer = post(&client, &base, "/api/v1/casos", &token, &demanda(), &[]).await;
                answers.lock().await.push(answer);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    let (ready_status, ready) = serve.readyz().await;

    // Assert 1: every answer is a 201 or a clear 507/503, and some writes did fail.
    let answers = answers.lock().await.clone();
    let statuses: BTreeSet<Option<u16>> = answers.iter().map(|a| a.status).collect();
    assert!(statuses.iter().all(|s| matches!(s, Some(201 | 503 | 507))), "statuses seen: {statuses:?}");
    let refused: Vec<_> = answers.iter().filter(|a| a.status != Some(201)).collect();
    let count = |status| answers.iter().filter(|a| a.status == Some(status)).count();
    eprintln!("{backend:?} on the full disk: {} answered 201, {} 507, {} 503", count(201), count(507), count(503));
    assert!(!refused.is_empty(), "the full disk refused no write; the test did not fill it");
    assert!(
        refused
            .iter()
            .all(|a| ["insufficient_storage", "unavailable"].contains(&a.body["code"].as_str().unwrap_or(""))),
        "{:?}",
        refused[0]
    );
    assert_eq!(ready_status, 503, "/readyz while writes fail: {ready}");

    // Act 2: free the disk. PostgreSQL may have stopped itself on a WAL write that found no
    // space; bringing it back is its administrator's job. `autos serve` must recover alone.
    std::fs::remove_file(&filler).unwrap();
    if let OnDisk::Postgres(cluster) = &on_disk {
        if !cluster.is_running() {
            eprintln!("PostgreSQL stopped on the full disk; starting it again");
            cluster.start();
        }
    }
    eventually(Duration::from_secs(30), "ready again after space was freed", || async {
        serve.readyz().await.0 == 200
    })
    .await;
    let mut after_recovery = Vec::new();
    for _ in 0..5 {
        let answer = post(&client, &serve.base, "/api/v1/casos", &attendant, &demanda(), &[]).await;
        assert_eq!(answer.status, Some(201), "{:?}", answer.body);
        after_recovery.push(answer);
    }
    // Another process can write (on SQLite: take the write lock the server holds between writes).
    let other = db.autos(&["officer", "add", "--name", "Outra", "--role", "fiscal"]);
    assert!(other.status.success(), "{}", String::from_utf8_lossy(&other.stderr));

    // Assert 2: the log holds every acknowledged act, each position once, and nothing that was
    // refused as not stored.
    let acknowledged: Vec<i64> =
        answers.iter().chain(&after_recovery).filter(|a| a.status == Some(201)).flat_map(positions).collect();
    let unique: BTreeSet<i64> = acknowledged.iter().copied().collect();
    assert_eq!(unique.len(), acknowledged.len(), "a position was handed out twice");
    drop(serve);
    let stored: BTreeSet<i64> = db.positions_after(before).await.into_iter().collect();
    assert_eq!(stored, unique, "the log and the acknowledged acts differ");
    let verify = db.autos(&["verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    drop(db);
    drop(on_disk);
    drop(disk);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_on_a_full_disk_acknowledges_only_what_it_stored_and_recovers_without_restart() {
    full_disk(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_on_a_full_disk_acknowledges_only_what_it_stored_and_recovers_without_restart() {
    full_disk(Backend::Postgres).await;
}
