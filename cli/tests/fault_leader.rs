//! A projection leader that hangs: two `autos serve` on one PostgreSQL database, the one that
//! leads the projection stopped with SIGSTOP while writes go on through the other. The other
//! takes the lease over within the bound and catches up to the log head (lag 0, shown by its
//! `/readyz`); once resumed, the old leader stands by and writes nothing, so the read models
//! still equal the log (`autos replay --check`).

mod support;

use std::time::{Duration, Instant};

use autos_projections::runner::TAKEOVER_WITHIN;
use serde_json::Value;
use support::{client, demanda, eventually, positions, post, register_operator, Backend, Serve, TestDb};

/// The projection `/readyz` reports on.
const PROJECTION: &str = "estado";

/// The projection's entry in a `/readyz` answer of status 200.
async fn projection(serve: &Serve) -> Option<Value> {
    let (status, body) = serve.readyz().await;
    (status == 200).then(|| body["detail"]["projections"][PROJECTION].clone())
}

/// Whether `serve` leads the projection: running, and the lease holder by its own account.
async fn leads(serve: &Serve) -> bool {
    projection(serve).await.is_some_and(|p| p["state"] == "running" && p["leader"]["this_instance"] == true)
}

/// Files one demanda through `serve` and returns the last position it wrote.
async fn file_demanda(serve: &Serve, token: &str) -> i64 {
    let answer = post(&client(), &serve.base, "/api/v1/casos", token, &demanda(), &[]).await;
    assert_eq!(answer.status, Some(201), "{:?}", answer.body);
    positions(&answer).into_iter().max().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_leader_loses_the_projection_and_writes_nothing_when_resumed() {
    let db = TestDb::new(Backend::Postgres);
    let admin = db.officer("administrador");
    let atendente = db.officer("atendente");
    let a = Serve::start(&db, &[]).await;
    let b = Serve::start(&db, &[]).await;
    register_operator(&a.base, &admin).await;
    file_demanda(&a, &atendente).await;
    let found = Instant::now();
    let (old, new) = loop {
        match (leads(&a).await, leads(&b).await) {
            (true, false) => break (&a, &b),
            (false, true) => break (&b, &a),
            _ => assert!(found.elapsed() < Duration::from_secs(20), "no instance leads the projection"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let standby = projection(new).await.unwrap();
    assert_eq!(standby["state"], "standby", "{standby}");

    old.stop();
    let stopped = Instant::now();
    let mut last = 0;
    while !leads(new).await {
        assert!(
            stopped.elapsed() <= TAKEOVER_WITHIN + Duration::from_secs(5),
            "no takeover after {:?}",
            stopped.elapsed()
        );
        last = file_demanda(new, &atendente).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let took = stopped.elapsed();
    assert!(last > 0, "writes went on through the other instance while the leader was stopped");
    last = last.max(file_demanda(new, &atendente).await);
    eventually(Duration::from_secs(20), "the new leader catches up to the log head", || async {
        projection(new).await.is_some_and(|p| {
            p["lag_events"] == 0
                && p["applied_position"] == p["head_position"]
                && p["head_position"].as_i64() >= Some(last)
        })
    })
    .await;

    old.resume();
    eventually(Duration::from_secs(15), "the resumed leader stands by", || async {
        projection(old).await.is_some_and(|p| p["state"] == "standby" && p["leader"]["this_instance"] == false)
    })
    .await;
    last = file_demanda(old, &atendente).await;
    eventually(Duration::from_secs(20), "the new leader applies writes made through the old one", || async {
        projection(new).await.is_some_and(|p| p["applied_position"].as_i64() >= Some(last) && p["lag_events"] == 0)
    })
    .await;
    assert!(leads(new).await && !leads(old).await, "the lead stays where it passed");
    let check = db.autos(&["replay", "--check"]);
    assert!(
        check.status.success(),
        "read models equal the log after the old leader resumed:\n{}\n{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(took <= TAKEOVER_WITHIN + Duration::from_secs(5), "taken over after {took:?}");
}
