//! Signed tree heads through real `autos` processes, on SQLite and PostgreSQL: `autos serve`
//! signs and witnesses what it seals; the proof endpoints give receipts and consistency proofs
//! that `autos proof check` accepts with the public key alone, and refuses once changed;
//! `autos verify` finds a log whose last events were removed and whose heads and checkpoints
//! were wiped from the witness alone, names the first bad position, and seals nothing — nor
//! does a server started on it, whose background verification (`POST`, then `GET
//! /api/v1/auditoria/verificacao`) reports the same; and a witness database or a witness service
//! (`autos witness serve`) elsewhere finds it after the witness directory beside the key was
//! removed too. `autos verify --since` a checkpoint kept from an earlier run checks only what
//! came after it, and names an event altered since.

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use support::{client, demanda, eventually, positions, post, register_operator, Backend, Serve, TestDb};

async fn get(base: &str, path: &str, token: &str) -> (u16, Value) {
    let response = client().get(format!("{base}{path}")).bearer_auth(token).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `autos proof check` on `proof`, written to a file in the database's directory.
fn proof_check(db: &TestDb, proof: &Value) -> std::process::Output {
    let file = db.dir.join("proof.json");
    std::fs::write(&file, proof.to_string()).unwrap();
    let public_key = db.dir.join("autos.signing.pub");
    // No database: the URL names nothing that exists.
    support::autos_in(
        &db.dir,
        "/nonexistent/autos.db",
        &["proof", "check", "--public-key", path(&public_key), "--proof", path(&file)],
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

async fn signed_heads_prove_events_to_outsiders_and_verify_finds_a_cut_log(backend: Backend) {
    let db = TestDb::new(backend);
    let admin = db.officer("administrador");
    let attendant = db.officer("atendente");
    let auditor = db.officer("auditor");
    let serve = Serve::start(&db, &[]).await;
    register_operator(&serve.base, &admin).await;
    // Three acts, each signed before the next is filed, so that a head ends right before each.
    let mut filed = Vec::new();
    for _ in 0..3 {
        let answer = post(&client(), &serve.base, "/api/v1/casos", &attendant, &demanda(), &[]).await;
        assert_eq!(answer.status, Some(201), "{:?}", answer.body);
        let act = positions(&answer);
        let end = *act.last().unwrap();
        eventually(Duration::from_secs(60), "a signed head covering the act", || async {
            let (status, receipt) = get(&serve.base, &format!("/api/v1/auditoria/prova/{end}"), &auditor).await;
            status == 200 && receipt["head"]["position"].as_i64() == Some(end)
        })
        .await;
        filed.push(act);
    }
    let (first_act, last_act) = (filed[0][0], filed[2][0]);

    // A receipt of the first act, checked with the public key and no database.
    let (status, receipt) = get(&serve.base, &format!("/api/v1/auditoria/prova/{first_act}"), &auditor).await;
    assert_eq!(status, 200, "{receipt:?}");
    let accepted = proof_check(&db, &receipt);
    assert!(accepted.status.success(), "{}{}", stdout(&accepted), String::from_utf8_lossy(&accepted.stderr));
    assert!(stdout(&accepted).contains("Prova válida"), "{}", stdout(&accepted));
    let mut altered = receipt.clone();
    let hash = altered["event_hash"].as_str().unwrap();
    altered["event_hash"] = Value::String(format!("{}{}", if hash.starts_with('0') { "1" } else { "0" }, &hash[1..]));
    let refused = proof_check(&db, &altered);
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    assert!(stdout(&refused).contains("PROVA INVÁLIDA"), "{}", stdout(&refused));
    // Only auditors (and admins) get proofs.
    assert_eq!(get(&serve.base, &format!("/api/v1/auditoria/prova/{first_act}"), &attendant).await.0, 403);

    // The first head the witness holds is extended by the latest one.
    let witness = std::fs::read_to_string(db.dir.join("autos.witness/heads.jsonl")).unwrap();
    let first: Value = serde_json::from_str(witness.lines().next().unwrap()).unwrap();
    let from = first["tree_size"].as_i64().unwrap();
    let (status, consistency) =
        get(&serve.base, &format!("/api/v1/auditoria/consistencia?from={from}"), &auditor).await;
    assert_eq!(status, 200, "{consistency:?}");
    assert!(proof_check(&db, &consistency).status.success());
    drop(serve);

    let clean = db.autos(&["verify"]);
    assert!(clean.status.success(), "{}", stdout(&clean));
    // An auditor elsewhere, with the keyring only, verifies the heads and signs nothing.
    let auditor_dir = db.dir.join("auditor");
    std::fs::create_dir_all(&auditor_dir).unwrap();
    std::fs::copy(db.dir.join("autos.signing.pub"), auditor_dir.join("autos.signing.pub")).unwrap();
    let outside = support::autos_in(&auditor_dir, &db.url, &["verify"]);
    assert!(outside.status.success(), "{}", stdout(&outside));
    assert!(stdout(&outside).contains("nenhum cabeçalho novo assinado"), "{}", stdout(&outside));
    assert!(!auditor_dir.join("autos.signing.key").exists());

    // An auditor keeps the latest head (a line of the witness) to prove the log against later.
    let witness = std::fs::read_to_string(db.dir.join("autos.witness/heads.jsonl")).unwrap();
    let kept = db.dir.join("kept-head.json");
    std::fs::write(&kept, witness.lines().last().unwrap()).unwrap();
    let extends = db.autos(&["verify", "--against", path(&kept)]);
    assert!(extends.status.success(), "{}", stdout(&extends));

    // An attacker with the database removes the last act and every head and checkpoint.
    let cut = format!("DELETE FROM events WHERE position >= {last_act}");
    db.tamper(&[&cut, "DELETE FROM tree_heads", "DELETE FROM seal_checkpoints", "DELETE FROM position_gaps"]).await;
    // A server started on it seals nothing, and its verification reports the heads.
    let serve = Serve::start(&db, &[]).await;
    let started = post(&client(), &serve.base, "/api/v1/auditoria/verificacao", &auditor, &Value::Null, &[]).await;
    assert_eq!(started.status, Some(202), "{:?}", started.body);
    eventually(Duration::from_secs(60), "the background verification", || async {
        get(&serve.base, "/api/v1/auditoria/verificacao", &auditor).await.1["estado"] == "concluida"
    })
    .await;
    let (status, answer) = get(&serve.base, "/api/v1/auditoria/verificacao", &auditor).await;
    assert_eq!(status, 200, "{answer:?}");
    assert_eq!(answer["ok"], false, "{answer:?}");
    let kinds: Vec<&str> =
        answer["report"]["problems"].as_array().unwrap().iter().filter_map(|p| p["kind"].as_str()).collect();
    assert!(kinds.contains(&"head_missing") && kinds.contains(&"head_mismatch"), "{kinds:?}");
    drop(serve);
    let diverges = db.autos(&["verify", "--against", path(&kept)]);
    assert_eq!(diverges.status.code(), Some(2), "{}", stdout(&diverges));
    assert!(stdout(&diverges).contains("DIVERGÊNCIA"), "{}", stdout(&diverges));
    let found = db.autos(&["verify"]);
    let report = stdout(&found);
    assert_eq!(found.status.code(), Some(2), "{report}");
    assert!(report.contains("cabeçalho assinado ausente do banco"), "{report}");
    assert!(
        report.contains(&format!("o registro não confere com um cabeçalho assinado posição={last_act}")),
        "{report}"
    );
    assert!(report.contains("Nada foi selado"), "{report}");
    assert_eq!(db.scalar("SELECT count(*) FROM seal_checkpoints").await, 0, "verify sealed nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_signed_heads_prove_events_to_outsiders_and_verify_finds_a_cut_log() {
    signed_heads_prove_events_to_outsiders_and_verify_finds_a_cut_log(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_signed_heads_prove_events_to_outsiders_and_verify_finds_a_cut_log() {
    signed_heads_prove_events_to_outsiders_and_verify_finds_a_cut_log(Backend::Postgres).await;
}

/// Files `acts` demandas through a server started on `db` (registering the suite's operator
/// first when `register` is set), and stops it.
async fn file_demandas(db: &TestDb, register: bool, acts: usize) {
    let attendant = db.officer("atendente");
    let serve = Serve::start(db, &[]).await;
    if register {
        register_operator(&serve.base, &db.officer("administrador")).await;
    }
    for _ in 0..acts {
        let answer = post(&client(), &serve.base, "/api/v1/casos", &attendant, &demanda(), &[]).await;
        assert_eq!(answer.status, Some(201), "{:?}", answer.body);
    }
}

/// The checkpoint `autos verify` printed last (`autos-checkpoint:v1:…`).
fn exported_checkpoint(out: &std::process::Output) -> String {
    let text = stdout(out);
    let line = text.lines().rev().find(|l| l.starts_with("autos-checkpoint:v1:"));
    line.unwrap_or_else(|| panic!("no checkpoint printed: {text}")).to_owned()
}

/// An auditor keeps the checkpoint of a full verification; the next day `autos verify --since`
/// checks only what came after it — the new events, their links and the new checkpoints — seals
/// what is new and prints the checkpoint to start from next time. An event filed after the kept
/// checkpoint and altered in place is named, and a kept checkpoint the log no longer records is
/// a divergence.
async fn an_incremental_verify_checks_what_came_after_a_kept_checkpoint(backend: Backend) {
    let db = TestDb::new(backend);
    file_demandas(&db, true, 2).await;
    let full = db.autos(&["verify", "--checkpoint"]);
    assert!(full.status.success(), "{}", stdout(&full));
    let kept = exported_checkpoint(&full);
    let sealed_to = db.scalar("SELECT max(position) FROM events").await;

    file_demandas(&db, false, 3).await;
    let new_events = db.scalar(&format!("SELECT count(*) FROM events WHERE position > {sealed_to}")).await;
    assert!(new_events >= 3, "three more acts were filed");
    let since = db.autos(&["verify", "--since", &kept]);
    let report = stdout(&since);
    assert!(since.status.success(), "{report}{}", String::from_utf8_lossy(&since.stderr));
    assert!(report.contains(&format!("{new_events} eventos novos")), "only the new events are read: {report}");
    assert!(report.contains("Nenhuma alteração encontrada"), "{report}");
    let next = exported_checkpoint(&since);
    let head = db.scalar("SELECT max(position) FROM events").await;
    assert!(next.starts_with(&format!("autos-checkpoint:v1:{head}:")), "what is new was sealed: {next}");
    let nothing_new = db.autos(&["verify", "--since", &next]);
    assert!(nothing_new.status.success(), "{}", stdout(&nothing_new));
    assert!(stdout(&nothing_new).contains("0 eventos novos"), "{}", stdout(&nothing_new));

    let altered = db.scalar(&format!("SELECT min(position) FROM events WHERE position > {sealed_to}")).await;
    db.tamper(&[&format!("UPDATE events SET document_ref = 'forjado' WHERE position = {altered}")]).await;
    let found = db.autos(&["verify", "--since", &kept]);
    let report = stdout(&found);
    assert_eq!(found.status.code(), Some(2), "{report}");
    assert!(report.contains("evento alterado (o conteúdo não confere com o hash) fluxo="), "{report}");
    assert!(report.contains(&format!("posição={altered}")), "{report}");
    assert!(!report.contains("autos-checkpoint:v1:"), "nothing is offered to start from: {report}");

    db.tamper(&[&format!("DELETE FROM seal_checkpoints WHERE position = {sealed_to}")]).await;
    let wiped = db.autos(&["verify", "--since", &kept]);
    assert_eq!(wiped.status.code(), Some(2), "{}", stdout(&wiped));
    assert!(stdout(&wiped).contains("DIVERGÊNCIA"), "{}", stdout(&wiped));
    let not_a_checkpoint = db.autos(&["verify", "--since", "ontem"]);
    assert!(!not_a_checkpoint.status.success());
    assert!(
        String::from_utf8_lossy(&not_a_checkpoint.stderr).contains("não é um checkpoint exportado"),
        "{}",
        String::from_utf8_lossy(&not_a_checkpoint.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_an_incremental_verify_checks_what_came_after_a_kept_checkpoint() {
    an_incremental_verify_checks_what_came_after_a_kept_checkpoint(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_an_incremental_verify_checks_what_came_after_a_kept_checkpoint() {
    an_incremental_verify_checks_what_came_after_a_kept_checkpoint(Backend::Postgres).await;
}

/// Files two acts through a server that gives every head to the witness `witness_url` too, waits
/// until each is signed; then an attacker who holds the server — its database and the witness
/// directory beside the key — removes the last act, every head and checkpoint, and the witness
/// directory. `autos verify` still finds it from that witness alone, and without it could not.
async fn a_cut_log_is_found_from_the_witness_at(db: &TestDb, witness_url: &str) {
    let witnessed = [("AUTOS_WITNESS_URLS", witness_url)];
    let admin = db.officer("administrador");
    let attendant = db.officer("atendente");
    let auditor = db.officer("auditor");
    let serve = Serve::start(db, &witnessed).await;
    register_operator(&serve.base, &admin).await;
    let mut last = 0;
    for _ in 0..2 {
        let answer = post(&client(), &serve.base, "/api/v1/casos", &attendant, &demanda(), &[]).await;
        assert_eq!(answer.status, Some(201), "{:?}", answer.body);
        last = positions(&answer)[0];
        let end = *positions(&answer).last().unwrap();
        eventually(Duration::from_secs(60), "a signed head covering the act", || async {
            let (status, receipt) = get(&serve.base, &format!("/api/v1/auditoria/prova/{end}"), &auditor).await;
            status == 200 && receipt["head"]["position"].as_i64() == Some(end)
        })
        .await;
    }
    drop(serve);
    assert!(db.autos_with(&witnessed, &["verify"]).status.success());

    let cut = format!("DELETE FROM events WHERE position >= {last}");
    db.tamper(&[&cut, "DELETE FROM tree_heads", "DELETE FROM seal_checkpoints", "DELETE FROM position_gaps"]).await;
    std::fs::remove_dir_all(db.dir.join("autos.witness")).unwrap();
    let found = db.autos_with(&witnessed, &["verify"]);
    let report = stdout(&found);
    assert_eq!(found.status.code(), Some(2), "{report}");
    assert!(report.contains("cabeçalho assinado ausente do banco"), "{report}");
    assert!(report.contains(&format!("posição={last}")), "the first act removed is named: {report}");
    assert_eq!(db.scalar("SELECT count(*) FROM seal_checkpoints").await, 0, "verify sealed nothing");
    // Without that witness, nothing outside the server remembers the heads.
    let blind = db.autos(&["verify"]);
    assert!(blind.status.success(), "{}", stdout(&blind));
}

/// A witness database on another machine (here an SQLite file outside the installation's
/// directory).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_witness_database_elsewhere_finds_a_cut_log_whose_local_witness_was_removed_too() {
    let db = TestDb::new(Backend::Sqlite);
    let elsewhere = std::env::temp_dir().join(format!("autos-testemunha-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&elsewhere).unwrap();
    let url = format!("sqlite:{}", elsewhere.join("testemunha.db").display());
    a_cut_log_is_found_from_the_witness_at(&db, &url).await;
    std::fs::remove_dir_all(elsewhere).unwrap();
}

/// A witness service on another machine (`autos witness serve`, here a process with a directory
/// and a copy of the keyring of its own): it keeps the heads the server signs, refuses a forged
/// one and one it cannot parse, and finds the cut log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_witness_service_elsewhere_refuses_forged_heads_and_finds_a_cut_log() {
    let db = TestDb::new(Backend::Sqlite);
    assert!(db.autos(&["keys", "create"]).status.success());
    let elsewhere = std::env::temp_dir().join(format!("autos-testemunha-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&elsewhere).unwrap();
    let keyring = elsewhere.join("chaveiro.pub");
    std::fs::copy(db.dir.join("autos.signing.pub"), &keyring).unwrap();
    let port = support::free_port();
    let mut service = std::process::Command::new(support::AUTOS)
        .args(["witness", "serve", "--listen", &format!("127.0.0.1:{port}"), "--keyring", path(&keyring)])
        .args(["--dir", path(&elsewhere.join("cabecalhos"))])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/cabecalhos");
    eventually(Duration::from_secs(30), "the witness service", || async {
        client().get(&url).send().await.is_ok_and(|r| r.status().is_success())
    })
    .await;

    a_cut_log_is_found_from_the_witness_at(&db, &url).await;

    let kept: Vec<Value> = client().get(&url).send().await.unwrap().json().await.unwrap();
    assert!(kept.len() >= 2, "{kept:?}");
    let mut forged = kept.last().unwrap().clone();
    forged["tree_size"] = Value::from(forged["tree_size"].as_i64().unwrap() + 1);
    let refused = client().post(&url).json(&forged).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 422);
    assert!(refused.text().await.unwrap().contains("assinatura não confere"));
    let junk = client().post(&url).body("{\"tree_size\": 1}").send().await.unwrap();
    assert_eq!(junk.status().as_u16(), 400);
    let again = client().post(&url).json(kept.last().unwrap()).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 200, "a head it holds is kept once");
    let after: Vec<Value> = client().get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(after.len(), kept.len(), "nothing forged or repeated was kept");
    service.kill().unwrap();
    let _ = service.wait();
    std::fs::remove_dir_all(elsewhere).unwrap();
}

/// Keys: a second `create` is refused; after a rotation the old heads still verify and new
/// heads are signed by the new key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_key_leaves_old_heads_valid_and_signs_the_new_ones() {
    let db = TestDb::new(Backend::Sqlite);
    let created = db.autos(&["keys", "create"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    assert_eq!(db.autos(&["keys", "create"]).status.code(), Some(1));
    let admin = db.officer("administrador");
    let serve = Serve::start(&db, &[]).await;
    register_operator(&serve.base, &admin).await;
    drop(serve);
    assert!(db.autos(&["verify"]).status.success());
    let rotated = db.autos(&["keys", "rotate"]);
    assert!(rotated.status.success(), "{}{}", stdout(&rotated), String::from_utf8_lossy(&rotated.stderr));
    let rotations = "SELECT count(*) FROM events WHERE event_type = 'assinatura.chave_trocada' \
        AND stream_id = 'chaves-de-assinatura' AND actor_role = 'administrador'";
    assert_eq!(db.scalar(rotations).await, 1, "the rotation is an event of the admin who made it");
    let serve = Serve::start(&db, &[]).await;
    let attendant = db.officer("atendente");
    assert_eq!(post(&client(), &serve.base, "/api/v1/casos", &attendant, &demanda(), &[]).await.status, Some(201));
    eventually(Duration::from_secs(60), "the projections past the rotation event", || async {
        let (status, ready) = serve.readyz().await;
        let projections = ready["detail"]["projections"].as_object().cloned().unwrap_or_default();
        status == 200 && !projections.is_empty() && projections.values().all(|p| p["lag_events"] == 0)
    })
    .await;
    drop(serve);
    let verified = db.autos(&["verify"]);
    assert!(verified.status.success(), "{}", stdout(&verified));
    let keys: Vec<String> =
        std::fs::read_to_string(db.dir.join("autos.signing.pub")).unwrap().lines().map(str::to_owned).collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    let witness = std::fs::read_to_string(db.dir.join("autos.witness/heads.jsonl")).unwrap();
    let key_ids: std::collections::BTreeSet<String> = witness
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["key_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(key_ids.len(), 2, "heads under both keys: {witness}");
}

/// The id `autos officer list` prints for the officer named after `role` by [`TestDb::officer`].
fn officer_id(db: &TestDb, role: &str) -> String {
    let listed = stdout(&db.autos(&["officer", "list"]));
    let line = listed.lines().find(|l| l.ends_with(&format!("Servidor {role}"))).expect("the officer");
    line.split_whitespace().next().unwrap().to_owned()
}

/// `autos lgpd forget`: only an active admin erases, the erasure is recorded under that officer,
/// and a subject already forgotten (or never sealed) is refused with nothing recorded.
async fn only_an_admin_forgets_a_subject_and_only_once(backend: Backend) {
    let db = TestDb::new(backend);
    let admin = db.officer("administrador");
    let attendant = db.officer("atendente");
    let serve = Serve::start(&db, &[]).await;
    register_operator(&serve.base, &admin).await;
    let complaint = serde_json::json!({"act": "registrar_reclamacao_nip", "registro": support::REGISTRO,
        "canal": "telefone", "protocolo_operadora": "2017050100123", "tema": "cobertura_assistencial",
        "beneficiario": {"nome": "Maria da Silva", "cpf": "123.456.789-09"}});
    let answer = post(&client(), &serve.base, "/api/v1/casos", &attendant, &complaint, &[]).await;
    assert_eq!(answer.status, Some(201), "{:?}", answer.body);
    drop(serve);
    let subject: String = {
        let payload = db.scalar_text("SELECT payload FROM events WHERE event_type = 'nip.reclamacao_registrada'").await;
        let payload: Value = serde_json::from_str(&payload).unwrap();
        payload["beneficiario"]["subject_id"].as_str().unwrap().to_owned()
    };
    let erasures = "SELECT count(*) FROM events WHERE event_type = 'lgpd.titular_esquecido'";

    let by_attendant = db.autos(&["lgpd", "forget", &subject, "--officer", &officer_id(&db, "atendente")]);
    assert!(!by_attendant.status.success());
    assert!(String::from_utf8_lossy(&by_attendant.stderr).contains("13.709/2018"), "{by_attendant:?}");
    assert_eq!(db.scalar(erasures).await, 0, "a refused erasure records nothing");

    let admin_id = officer_id(&db, "administrador");
    let forgotten = db.autos(&["lgpd", "forget", &subject, "--officer", &admin_id]);
    assert!(forgotten.status.success(), "{forgotten:?}");
    assert_eq!(db.scalar(erasures).await, 1);
    let recorded = db.scalar_text("SELECT actor_role FROM events WHERE event_type = 'lgpd.titular_esquecido'").await;
    assert_eq!(recorded, "administrador");

    let again = db.autos(&["lgpd", "forget", &subject, "--officer", &admin_id]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("já foram eliminados"), "{again:?}");
    // An erasure cut short after the key was destroyed (its event never written) is completed.
    db.tamper(&["DELETE FROM events WHERE event_type = 'lgpd.titular_esquecido'"]).await;
    assert_eq!(db.scalar(erasures).await, 0);
    let completed = db.autos(&["lgpd", "forget", &subject, "--officer", &admin_id]);
    assert!(completed.status.success(), "{completed:?}");
    assert_eq!(db.scalar(erasures).await, 1, "the erasure is recorded once the key is gone");
    let unknown = db.autos(&["lgpd", "forget", "0190a6b2-6d1c-7f00-8000-000000000001", "--officer", &admin_id]);
    assert!(!unknown.status.success());
    assert_eq!(db.scalar(erasures).await, 1, "neither a second erasure nor one of an unknown subject is recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_only_an_admin_forgets_a_subject_and_only_once() {
    only_an_admin_forgets_a_subject_and_only_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_only_an_admin_forgets_a_subject_and_only_once() {
    only_an_admin_forgets_a_subject_and_only_once(Backend::Postgres).await;
}
