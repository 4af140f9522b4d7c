//! `autos demo --decade` through the binary, small (20 operators, about 40,000 events), on both
//! backends: every kind of act the generator promises is in the log, each by its role; the
//! unresolved NIPs lead to sanctioning processes in about the generator's proportion, and the
//! fines end paid or in dívida ativa; every NIP's beneficiary has a subject key of its own; the
//! size lands near the target; and `autos verify` and `autos replay --check` pass on it.

mod support;

use support::{Backend, TestDb};

/// Events asked for.
const EVENTS: i64 = 40_000;
/// Operators asked for.
const OPERATORS: i64 = 20;
/// Months of the decade.
const MONTHS: i64 = 120;

async fn count(db: &TestDb, event_type: &str) -> i64 {
    db.scalar(&format!("SELECT count(*) FROM events WHERE event_type = '{event_type}'")).await
}

async fn a_small_decade_is_a_whole_log_of_every_kind(backend: Backend) {
    let db = TestDb::new(backend);
    let out = db.autos(&["demo", "--decade", "--events", &EVENTS.to_string(), "--operators", &OPERATORS.to_string()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("20 operadoras da década 2016–2025"), "{stdout}");

    let total = db.scalar("SELECT count(*) FROM events").await;
    assert!((EVENTS * 9 / 10..=EVENTS * 6 / 5).contains(&total), "{total} events for {EVENTS} asked");
    assert_eq!(count(&db, "operadora.registrada").await, OPERATORS);
    assert_eq!(
        count(&db, "operadora.beneficiarios_informados").await,
        OPERATORS * MONTHS,
        "every month, every operator"
    );

    let complaints = count(&db, "nip.reclamacao_registrada").await;
    for step in ["nip.operadora_notificada", "nip.resposta_registrada", "nip.classificada"] {
        assert_eq!(count(&db, step).await, complaints, "every NIP runs its whole procedure: {step}");
    }
    assert!(complaints > 5_000, "NIPs fill the decade: {complaints}");
    let keys = db.scalar("SELECT count(*) FROM subject_keys").await;
    assert_eq!(keys, complaints, "one sealed beneficiary, with a key of its own, per NIP");

    // About 7 % of the NIPs are classified não resolvida and each leads to a process.
    let autos = count(&db, "pas.auto_lavrado").await;
    assert!((complaints * 4 / 100..=complaints / 10).contains(&autos), "{autos} autos for {complaints} NIPs");
    let decided = count(&db, "pas.primeira_instancia_decidida").await;
    assert_eq!(decided, autos, "every process is decided");
    let (paid, divida) =
        (count(&db, "pas.pagamento_registrado").await, count(&db, "pas.inscrito_em_divida_ativa").await);
    assert!(paid > 0 && divida > 0, "fines end paid ({paid}) or in dívida ativa ({divida})");
    assert_eq!(count(&db, "pas.inadimplencia_declarada").await, divida, "default is declared before dívida ativa");

    assert_eq!(count(&db, "regime_especial.instaurado").await, MONTHS, "a direção fiscal a month");
    assert!(count(&db, "regime_especial.instrucao_diretiva_emitida").await > MONTHS);
    assert!(count(&db, "regime_especial.encerrado").await > 0);

    for (prefix, role) in [
        ("nip.reclamacao_%", "atendente"),
        ("nip.classificada", "fiscal"),
        ("regime_especial.instrucao_%", "interventor"),
    ] {
        let others = db
            .scalar(&format!("SELECT count(*) FROM events WHERE event_type LIKE '{prefix}' AND actor_role <> '{role}'"))
            .await;
        assert_eq!(others, 0, "{prefix} is the act of the {role}");
    }
    let first = db.scalar_text("SELECT min(occurred_on) FROM events WHERE event_type LIKE 'nip.%'").await;
    assert!(first.starts_with("2016-01"), "the decade starts in January 2016: {first}");

    for check in [&["verify"][..], &["replay", "--check"]] {
        let out = db.autos(check);
        assert!(out.status.success(), "autos {check:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_decade_on_sqlite() {
    a_small_decade_is_a_whole_log_of_every_kind(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_decade_on_postgres() {
    a_small_decade_is_a_whole_log_of_every_kind(Backend::Postgres).await;
}
