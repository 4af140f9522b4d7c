//! The projection runner on both backends: crash recovery, a poisoned event, rebuild under
//! writes, time travel at every event boundary, the replay check, and leadership by lease —
//! a standby taking over from a dead or hung leader, and a leader whose lease is gone unable
//! to write. Histories are produced by the domain's own decisions (its given/when harness).

use autos_domain::NonEmptyText;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use autos_domain::testing::{actor, d, World};
use autos_domain::{CaseCommand, Cnpj, DomainEvent, Emitted, Modalidade, OperatorCommand, Registro, Role, Uf};
use autos_projections::docs::Doc;
use autos_projections::models::{self, Estado, OperatorDoc};
use autos_projections::runner::{self, RunState, StatusBoard};
use autos_projections::sql::{Fence, ReadModelDb};
use autos_projections::time_travel::{fold_streams, Cut};
use autos_projections::{Docs, Projection, ProjectionError};
use autos_store::testing::Subject;
use autos_store::{AppendBatch, EventStore, ExpectedVersion, Provenance, StoredEvent};
use chrono::Datelike;
use uuid::Uuid;

fn registro(n: u32) -> Registro {
    Registro::parse(&format!("{:06}", 300_000 + n)).unwrap()
}

/// Appends one decision's events atomically; returns the last position.
async fn append(store: &dyn EventStore, emitted: &[Emitted]) -> i64 {
    let streams = autos_projections::group_by_stream(emitted, |_| ExpectedVersion::Any);
    let provenance = Provenance {
        actor_id: Uuid::now_v7(),
        actor_role: "diretoria".into(),
        correlation_id: None,
        causation_id: None,
        command: None,
    };
    *store.append(AppendBatch { streams, provenance }).await.unwrap().positions.iter().max().unwrap()
}

/// Decisions for one operator: registration, monthly beneficiary counts, and a direção fiscal
/// with `acts` directive instructions.
fn operator_history(world: &mut World, n: u32, months: u32, acts: usize) -> Vec<Vec<Emitted>> {
    let r = registro(n);
    let admin = actor(Role::Administrador, &[]);
    let start = d(2001, 1, 10);
    let mut out = vec![world.given_operator(
        r,
        admin.clone(),
        start,
        OperatorCommand::RegistrarOperadora {
            registro: r,
            cnpj: Some(Cnpj::parse("11.222.333/0001-81").unwrap()),
            razao_social: NonEmptyText::written(format!("Operadora de Teste {n}")),
            modalidade: Modalidade::MedicinaDeGrupo,
            uf: Some(Uf::Sp),
            registro_provisorio: false,
            regiao: None,
            municipio: None,
            referencia: None,
        },
    )];
    for m in 0..months {
        let on = start + chrono::Months::new(m);
        let count = OperatorCommand::InformarBeneficiarios {
            ano: on.year(),
            mes: on.month(),
            quantidade: 1_000 + u64::from(m) * 100,
        };
        out.push(world.given_operator(r, admin.clone(), on, count));
    }
    if acts > 0 {
        let case = world.new_case_id();
        let open = CaseCommand::InstaurarDirecaoFiscal {
            registro: r,
            motivos: vec!["insuficiência de garantias financeiras".into()],
            diretor_fiscal: NonEmptyText::written("diretor fiscal"),
            documento: NonEmptyText::written("RO 10/2002"),
            vigencia_dias: None,
        };
        out.push(world.given_case(case, r, actor(Role::Diretoria, &[]), d(2002, 3, 1), open));
        for i in 0..acts {
            let instruction = CaseCommand::EmitirInstrucaoDiretiva {
                numero: NonEmptyText::written(format!("ID {i}/2002")),
                assunto: NonEmptyText::written("documentos contábeis"),
            };
            out.push(world.given_case(
                case,
                r,
                actor(Role::Interventor, &[case]),
                d(2002, 3, 2) + chrono::Days::new(i as u64),
                instruction,
            ));
        }
    }
    out
}

/// Appends the histories of `operators` operators; returns the last position appended once
/// catch-up readers see it (on PostgreSQL another test's open transaction holds the visible head
/// back for a moment, never past an event).
async fn seed(store: &dyn EventStore, operators: u32, months: u32, acts: usize) -> i64 {
    let mut world = World::default();
    let mut last = 0;
    for n in 0..operators {
        for decision in operator_history(&mut world, n, months, acts) {
            last = last.max(append(store, &decision).await);
        }
    }
    autos_store::testing::wait_visible(store, last).await;
    last
}

/// Waits until the runner of `board` has applied `position`: up to a minute, as a new runner
/// may first wait for a crashed one's lease to run out.
async fn wait_for(board: &StatusBoard, name: &str, position: i64) {
    for _ in 0..2_400 {
        let state = board.read().unwrap().get(name).cloned();
        if matches!(state, Some(RunState::Running { position: p, .. }) if p >= position) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("projection {name} did not reach {position}: {:?}", board.read().unwrap().get(name));
}

fn start(store: &Arc<dyn EventStore>, projection: Arc<dyn Projection>) -> (StatusBoard, tokio::task::JoinHandle<()>) {
    let board = StatusBoard::default();
    let task = tokio::spawn(runner::run_projection(store.clone(), projection, board.clone()));
    (board, task)
}

async fn live_operator(store: &dyn EventStore, registro: Registro) -> OperatorDoc {
    let db = ReadModelDb::new(store.database());
    let live = db.live_generation(Estado::NAME).await.unwrap();
    let doc =
        db.get_doc(Estado::NAME, live.generation, models::OPERATOR, &registro.to_string()).await.unwrap().unwrap();
    serde_json::from_value(doc).unwrap()
}

async fn assert_equals_rebuild(store: &dyn EventStore, projection: &dyn Projection) {
    let check = runner::replay_check(store, projection).await.unwrap();
    assert!(check.equal(), "live differs from a fresh rebuild: {:?}", check.first_difference);
    assert!(check.live.contains_key(models::OPERATOR) && check.live.contains_key(models::TIMELINE));
}

/// Estado, failing on one position until `fixed` is set: a bug found in production and fixed.
struct Poisoned {
    position: i64,
    fixed: Arc<AtomicBool>,
}

#[async_trait]
impl Projection for Poisoned {
    fn name(&self) -> &'static str {
        Estado::NAME
    }

    async fn apply(
        &self,
        stored: &StoredEvent,
        event: &DomainEvent,
        docs: &mut dyn Docs,
    ) -> Result<(), ProjectionError> {
        if stored.position == self.position && !self.fixed.load(Ordering::SeqCst) {
            return Err(ProjectionError::Corrupt("unexpected shape".into()));
        }
        Estado.apply(stored, event, docs).await
    }
}

/// Estado, whose database stops answering once, on one position: an outage in the middle of a page.
struct Unreachable {
    position: i64,
    failed_once: Arc<AtomicBool>,
}

#[async_trait]
impl Projection for Unreachable {
    fn name(&self) -> &'static str {
        Estado::NAME
    }

    async fn apply(
        &self,
        stored: &StoredEvent,
        event: &DomainEvent,
        docs: &mut dyn Docs,
    ) -> Result<(), ProjectionError> {
        if stored.position == self.position && !self.failed_once.swap(true, Ordering::SeqCst) {
            return Err(ProjectionError::Database(sqlx::Error::PoolTimedOut));
        }
        Estado.apply(stored, event, docs).await
    }
}

async fn wait_for_standby(board: &StatusBoard, name: &str) {
    for _ in 0..400 {
        if board.read().unwrap().get(name) == Some(&RunState::Standby) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("projection {name} did not stand by: {:?}", board.read().unwrap().get(name));
}

/// Estado, hanging on the first event after `after` until `release` gets a permit: a leader
/// that is alive but makes no progress.
struct Hanging {
    after: i64,
    release: Arc<tokio::sync::Semaphore>,
}

#[async_trait]
impl Projection for Hanging {
    fn name(&self) -> &'static str {
        Estado::NAME
    }

    async fn apply(
        &self,
        stored: &StoredEvent,
        event: &DomainEvent,
        docs: &mut dyn Docs,
    ) -> Result<(), ProjectionError> {
        if stored.position > self.after {
            let _ = self.release.acquire().await;
        }
        Estado.apply(stored, event, docs).await
    }
}

autos_store::on_both_backends!(
    async fn a_crash_mid_catch_up_resumes_without_loss_or_double_application(s: &Subject) {
        let store = s.store();
        let target = seed(store.as_ref(), 30, 24, 3).await;
        let (board, task) = start(&store, Arc::new(Estado));
        for _ in 0..400 {
            if matches!(board.read().unwrap().get(Estado::NAME), Some(RunState::Running { position, .. }) if *position > 0)
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        task.abort();
        let _ = task.await;
        let target2 = seed(store.as_ref(), 2, 3, 0).await;
        assert!(target2 > target);
        let (board, task) = start(&store, Arc::new(Estado));
        wait_for(&board, Estado::NAME, target2).await;
        task.abort();
        let doc = live_operator(store.as_ref(), registro(0)).await;
        let db = ReadModelDb::new(store.database());
        let live = db.live_generation(Estado::NAME).await.unwrap();
        let months = db
            .list(Estado::NAME, live.generation, models::BENEFICIARIES, &format!("{}/", registro(0)), None, 100)
            .await
            .unwrap();
        assert_eq!(months.len(), 24, "each monthly count applied exactly once");
        assert_eq!(doc.state.beneficiarios_mensais.len(), 12, "the status keeps the last year");
        assert_eq!(doc.open_cases.get("direcao_fiscal"), Some(&1), "one DF opened, counted once");
        assert_equals_rebuild(store.as_ref(), &Estado).await;
    }

    async fn a_poisoned_projection_stops_at_the_event_and_resumes_after_the_fix(s: &Subject) {
        let store = s.store();
        let target = seed(store.as_ref(), 5, 6, 2).await;
        let poison = target / 2;
        let fixed = Arc::new(AtomicBool::new(false));
        let (board, task) = start(&store, Arc::new(Poisoned { position: poison, fixed: fixed.clone() }));
        let _ = tokio::time::timeout(Duration::from_secs(15), task).await.expect("a poisoned runner stops");
        match board.read().unwrap().get(Estado::NAME) {
            Some(RunState::Failed { position, message }) => {
                assert_eq!(*position, poison);
                assert!(message.contains("unexpected shape"), "{message}");
            }
            other => panic!("expected a failure at {poison}, got {other:?}"),
        }
        let db = ReadModelDb::new(store.database());
        let live = db.live_generation(Estado::NAME).await.unwrap();
        assert!(live.position < poison, "nothing at or after the poisoned event was applied");
        assert_eq!(live.failed_position, Some(poison));
        fixed.store(true, Ordering::SeqCst);
        let (board, task) = start(&store, Arc::new(Poisoned { position: poison, fixed }));
        wait_for(&board, Estado::NAME, target).await;
        task.abort();
        assert_eq!(db.live_generation(Estado::NAME).await.unwrap().failed_position, None);
        assert_equals_rebuild(store.as_ref(), &Estado).await;
    }

    async fn a_database_fault_while_applying_is_retried_not_recorded_as_a_poisoned_event(s: &Subject) {
        let store = s.store();
        let target = seed(store.as_ref(), 5, 6, 2).await;
        let failed_once = Arc::new(AtomicBool::new(false));
        let projection = Arc::new(Unreachable { position: target / 2, failed_once: failed_once.clone() });
        let (board, task) = start(&store, projection);
        wait_for(&board, Estado::NAME, target).await;
        task.abort();
        assert!(failed_once.load(Ordering::SeqCst), "the fault was met");
        let db = ReadModelDb::new(store.database());
        assert_eq!(db.live_generation(Estado::NAME).await.unwrap().failed_position, None);
        assert_equals_rebuild(store.as_ref(), &Estado).await;
    }

    async fn a_rebuild_while_writes_continue_ends_equal_to_a_fresh_rebuild(s: &Subject) {
        let store = s.store();
        seed(store.as_ref(), 10, 12, 2).await;
        let (board, task) = start(&store, Arc::new(Estado));
        let writer = {
            let store = store.clone();
            tokio::spawn(async move { seed(store.as_ref(), 10, 12, 2).await })
        };
        let rebuilt_to = runner::rebuild(store.as_ref(), &Estado, &|_| {}).await.unwrap();
        assert!(rebuilt_to > 0);
        let target = writer.await.unwrap();
        wait_for(&board, Estado::NAME, target).await;
        task.abort();
        let db = ReadModelDb::new(store.database());
        let generations = db.generations().await.unwrap();
        assert_eq!(generations.iter().filter(|g| g.status == "live").count(), 1);
        assert!(generations.iter().any(|g| g.status == "retired"), "the old generation was swapped out");
        assert_equals_rebuild(store.as_ref(), &Estado).await;
    }

    async fn time_travel_at_every_event_boundary_equals_the_live_projection(s: &Subject) {
        let store = s.store();
        let mut world = World::default();
        let decisions = operator_history(&mut world, 7, 4, 12);
        let (board, task) = start(&store, Arc::new(Estado));
        let mut snapshots = BTreeMap::new();
        for decision in &decisions {
            let position = append(store.as_ref(), decision).await;
            wait_for(&board, Estado::NAME, position).await;
            let recorded_at = store.read_all(position - 1, 1).await.unwrap()[0].recorded_at;
            snapshots.insert(position, (recorded_at, live_operator(store.as_ref(), registro(7)).await));
        }
        task.abort();
        let mut streams: Vec<String> =
            store.read_all(0, 10_000).await.unwrap().into_iter().map(|e| e.stream_id).collect();
        streams.sort();
        streams.dedup();
        assert!(streams.len() >= 3, "the operator, its DF and the asset freeze the decree opened: {streams:?}");
        for (position, (recorded_at, live)) in snapshots {
            let cut = Cut { as_of: None, known_at: Some(recorded_at) };
            let docs = fold_streams(store.as_ref(), &Estado, &streams, cut, models::OPERATOR_FOLD).await.unwrap();
            let past: OperatorDoc = docs.read(models::OPERATOR, &registro(7).to_string()).unwrap().unwrap();
            assert_eq!(past, live, "as known at position {position}");
        }
        let cut = Cut { as_of: Some(d(2002, 2, 28)), known_at: None };
        let before_df = fold_streams(store.as_ref(), &Estado, &streams, cut, models::OPERATOR_FOLD).await.unwrap();
        let past: OperatorDoc = before_df.read(models::OPERATOR, &registro(7).to_string()).unwrap().unwrap();
        assert!(
            past.state.regimes.is_empty() && past.cases_total == 0,
            "as of a legal date before the decree: no regime"
        );
    }

    async fn the_replay_check_detects_a_row_changed_by_hand(s: &Subject) {
        let store = s.store();
        seed(store.as_ref(), 3, 3, 1).await;
        runner::rebuild(store.as_ref(), &Estado, &|_| {}).await.unwrap();
        assert_equals_rebuild(store.as_ref(), &Estado).await;
        let key = registro(1).to_string();
        s.raw(&format!(
            "UPDATE read_model_docs SET doc = replace(doc, 'Operadora de Teste 1', 'Operadora Adulterada') \
             WHERE model = 'operadora' AND doc_key = '{key}'"
        ))
        .await
        .unwrap();
        let check = runner::replay_check(store.as_ref(), &Estado).await.unwrap();
        assert!(!check.equal());
        let difference = check.first_difference.expect("the changed row is named");
        assert_eq!((difference.model.as_str(), difference.key.as_str()), (models::OPERATOR, key.as_str()));
        assert!(difference.live.unwrap().contains("Adulterada"));
    }

    async fn two_runners_never_both_apply_and_the_standby_takes_over_from_a_dead_leader(s: &Subject) {
        let store = s.store();
        let target = seed(store.as_ref(), 3, 3, 0).await;
        let (first, first_task) = start(&store, Arc::new(Estado));
        wait_for(&first, Estado::NAME, target).await;
        let (second, second_task) = start(&store, Arc::new(Estado));
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(second.read().unwrap().get(Estado::NAME), Some(&RunState::Standby), "the second instance waits");
        first_task.abort();
        let _ = first_task.await;
        let target = seed(store.as_ref(), 1, 1, 0).await;
        wait_for(&second, Estado::NAME, target).await;
        second_task.abort();
        assert_equals_rebuild(store.as_ref(), &Estado).await;
    }

    async fn a_leader_whose_lease_ran_out_or_passed_on_cannot_flush(s: &Subject) {
        let store = s.store();
        let db = ReadModelDb::new(store.database());
        let name = Estado::NAME;
        let generation = db.live_generation(name).await.unwrap().generation;
        let doc = |n: i64| {
            vec![((models::OPERATOR.to_owned(), format!("k{n}")), Some(Doc::typed(serde_json::json!({ "n": n }))))]
        };
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let fence_a = db.acquire_lease(name, a).await.unwrap().expect("a free lease is taken");
        assert_eq!(db.acquire_lease(name, b).await.unwrap(), None, "a running lease is not taken over");
        assert!(db.flush(name, generation, &doc(1), 1, Some(fence_a)).await.unwrap(), "the holder writes");
        s.raw("UPDATE projection_leases SET expires_at_ms = 0").await.unwrap();
        assert!(!db.flush(name, generation, &doc(2), 2, Some(fence_a)).await.unwrap(), "a lease that ran out fences");
        assert!(!db.renew_lease(name, fence_a).await.unwrap(), "nor is it renewed");
        let fence_b = db.acquire_lease(name, b).await.unwrap().expect("a lease that ran out is taken over");
        assert_eq!(fence_b, Fence { holder: b, term: fence_a.term + 1 });
        assert!(!db.flush(name, generation, &doc(3), 3, Some(fence_a)).await.unwrap(), "the old term writes nothing");
        assert!(db.flush(name, generation, &doc(2), 2, Some(fence_b)).await.unwrap(), "the new holder writes");
        assert_eq!(db.acquire_lease(name, a).await.unwrap(), None, "the old holder cannot take it back");
        assert_eq!(db.live_generation(name).await.unwrap().position, 2);
        let written = db.list(name, generation, models::OPERATOR, "k", None, 10).await.unwrap();
        let keys: Vec<_> = written.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["k1", "k2"], "nothing the fenced writer flushed reached the read model");
    }

    async fn a_flush_deletes_exactly_the_documents_it_names_in_every_model(s: &Subject) {
        let store = s.store();
        let db = ReadModelDb::new(store.database());
        let name = Estado::NAME;
        let generation = db.live_generation(name).await.unwrap().generation;
        let models = [models::QUEUE, models::DEADLINE, models::CASE_BY_PHASE];
        let written: Vec<_> = models
            .iter()
            .flat_map(|m| (0..1_500).map(move |n| ((m.to_string(), format!("k{n:04}")), Some(Doc::typed(n)))))
            .collect();
        assert!(db.flush(name, generation, &written, 1, None).await.unwrap());
        // Deletions of more keys than one statement takes, in two models, and of a key never written.
        let deleted: Vec<_> = (0..1_200)
            .map(|n| ((models::QUEUE.to_owned(), format!("k{:04}", n + 100)), None))
            .chain((0..10).map(|n| ((models::DEADLINE.to_owned(), format!("k{:04}", n * 2)), None)))
            .chain([((models::DEADLINE.to_owned(), "absent".to_owned()), None)])
            .collect();
        assert!(db.flush(name, generation, &deleted, 2, None).await.unwrap());
        let listed = |model: &'static str| {
            let db = db.clone();
            async move { db.list(name, generation, model, "k", None, 10_000).await.unwrap() }
        };
        let queue = listed(models::QUEUE).await;
        assert_eq!(queue.len(), 300);
        assert_eq!(queue.first().map(|(k, _)| k.as_str()), Some("k0000"));
        assert_eq!(queue.last().map(|(k, _)| k.as_str()), Some("k1499"));
        assert!(queue.iter().all(|(k, _)| k.as_str() < "k0100" || k.as_str() >= "k1300"));
        let deadlines = listed(models::DEADLINE).await;
        assert_eq!(deadlines.len(), 1_490);
        assert_eq!(deadlines[0], ("k0001".to_owned(), serde_json::json!(1)));
        assert_eq!(
            listed(models::CASE_BY_PHASE).await.len(),
            1_500,
            "a model named in no deletion keeps every document"
        );
    }

    async fn a_hung_leader_loses_the_lead_and_writes_nothing_when_it_resumes(s: &Subject) {
        let store = s.store();
        let first_target = seed(store.as_ref(), 3, 3, 0).await;
        let release = Arc::new(tokio::sync::Semaphore::new(0));
        let hanging = Hanging { after: first_target, release: release.clone() };
        let (first, first_task) = start(&store, Arc::new(hanging));
        wait_for(&first, Estado::NAME, first_target).await;
        let (second, second_task) = start(&store, Arc::new(Estado));
        wait_for_standby(&second, Estado::NAME).await;
        let target = seed(store.as_ref(), 2, 3, 0).await;
        let hung_at = Instant::now();
        wait_for(&second, Estado::NAME, target).await;
        let took = hung_at.elapsed();
        assert!(took <= runner::TAKEOVER_WITHIN + Duration::from_secs(3), "taken over after {took:?}");
        release.add_permits(1);
        wait_for_standby(&first, Estado::NAME).await;
        let target = seed(store.as_ref(), 1, 2, 0).await;
        wait_for(&second, Estado::NAME, target).await;
        let db = ReadModelDb::new(store.database());
        let lease = db.leases().await.unwrap().into_iter().find(|l| l.projection == Estado::NAME).unwrap();
        assert_eq!((lease.holder, lease.term), (second.instance(), 2), "the second instance leads in the second term");
        first_task.abort();
        second_task.abort();
        assert_equals_rebuild(store.as_ref(), &Estado).await;
    }

    async fn a_never_served_database_has_nothing_to_compare_and_killed_builders_leave_nothing(s: &Subject) {
        let store = s.store();
        seed(store.as_ref(), 2, 2, 0).await;
        let check = runner::replay_check(store.as_ref(), &Estado).await.unwrap();
        assert!(check.nothing_to_compare && check.equal(), "{check:?}");
        let db = ReadModelDb::new(store.database());
        assert!(db.generations().await.unwrap().is_empty(), "the check created nothing");
        runner::rebuild(store.as_ref(), &Estado, &|_| {}).await.unwrap();
        let killed = db.new_generation(Estado::NAME, "building").await.unwrap();
        assert!(db
            .flush(
                Estado::NAME,
                killed,
                &[((models::OPERATOR.into(), "x".into()), Some(Doc::typed(serde_json::json!(1))))],
                1,
                None
            )
            .await
            .unwrap());
        s.raw(&format!("UPDATE projection_generations SET claimed_until_ms = 0 WHERE generation = {killed}"))
            .await
            .unwrap();
        let running = db.new_generation(Estado::NAME, "scratch").await.unwrap();
        assert_eq!(runner::clear_leftovers(store.as_ref(), &Estado).await.unwrap(), 1);
        let left: Vec<_> = db.generations().await.unwrap().into_iter().map(|g| (g.generation, g.status)).collect();
        assert!(!left.iter().any(|(g, _)| *g == killed), "the killed builder's generation is gone: {left:?}");
        assert!(left.iter().any(|(g, _)| *g == running), "a builder still at work keeps its generation");
        assert_eq!(db.get_doc(Estado::NAME, killed, models::OPERATOR, "x").await.unwrap(), None);
        let check = runner::replay_check(store.as_ref(), &Estado).await.unwrap();
        assert!(!check.nothing_to_compare && check.equal(), "{check:?}");
    }
);
