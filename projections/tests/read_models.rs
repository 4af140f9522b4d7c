//! The documents of the core projection over a fixed history, compared byte for byte with a
//! stored snapshot (`tests/fixtures/read_models.json`): every key and every value of every read
//! model — status, cases, deadlines, timeline, beneficiaries, complaint counts, dashboard
//! counters, the sanctions ledger and the bulletin. The history is decided by the domain's own
//! given/when harness and folded in memory, so no database is needed. A change that moves a
//! document fails here; regenerate the snapshot with `AUTOS_UPDATE_SNAPSHOT=1` only when the
//! change of the documents is intended.
//!
//! The same history also checks the two ways a fold holds its documents against each other:
//! kept as the values the projection wrote, and read back from their JSON text after every event
//! (as a run does after each flush); and a fold scoped to an operator's status against the full
//! one.

use autos_domain::case::{DemandKind, DtHypothesis, LeGround, RegimeClosure, TemaDemanda};
use autos_domain::parceiro::programa::{ProgramaCommand, TipoItem};
use autos_domain::parceiro::{ContatosInstitucionais, TipoParceiro};
use autos_domain::stored::{decode, EncodedEvent};
use autos_domain::testing::{actor, d, parceiro_act, programa_act, World};
use autos_domain::NonEmptyText;
use autos_domain::{
    CaseCommand, Cnpj, DomainEvent, Modalidade, OperatorCommand, ParceiroCommand, Registro, Role, SealedPersonalData,
    Trimestre, Uf,
};
use std::collections::BTreeMap;

use async_trait::async_trait;
use autos_projections::docs::{Doc, DocId};
use autos_projections::models::{self, Estado};
use autos_projections::{decode_event, new_event, Docs, MemoryDocs, Projection, ProjectionError};
use autos_store::StoredEvent;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/read_models.json");

fn registro(n: u32) -> Registro {
    Registro::parse(&format!("{:06}", 400_000 + n)).unwrap()
}

fn sealed(n: u128) -> SealedPersonalData {
    SealedPersonalData { subject_id: Uuid::from_u128(n), ciphertext: "c2VsYWRv".into() }
}

/// An authorised operator with beneficiary counts for the months from `on`.
fn operator(world: &mut World, r: Registro, modalidade: Modalidade, uf: Option<Uf>, on: NaiveDate) {
    let admin = actor(Role::Administrador, &[]);
    let register = OperatorCommand::RegistrarOperadora {
        registro: r,
        cnpj: Some(Cnpj::parse("11.222.333/0001-81").unwrap()),
        razao_social: NonEmptyText::written(format!("Operadora {r}")),
        modalidade,
        uf,
        registro_provisorio: true,
        regiao: None,
        municipio: None,
        referencia: None,
    };
    world.given_operator(r, admin.clone(), on, register);
    let authorise = OperatorCommand::ConcederAutorizacaoFuncionamento { documento: NonEmptyText::written("RO 1/2000") };
    world.given_operator(r, admin.clone(), on, authorise);
    for m in 0..3 {
        let month = on + chrono::Months::new(m);
        let count = OperatorCommand::InformarBeneficiarios {
            ano: month.year(),
            mes: month.month(),
            quantidade: 20_000 + u64::from(m) * 500,
        };
        world.given_operator(r, admin.clone(), month, count);
    }
}

/// The DIPRO ofício a direção técnica starts from.
fn notify(registro: Registro, recebido_em: NaiveDate) -> CaseCommand {
    CaseCommand::NotificarAnomaliaAssistencial {
        registro,
        falhas: vec!["rede assistencial insuficiente".into()],
        recebido_em,
        documento: NonEmptyText::written(format!("Ofício DIPRO {recebido_em}")),
    }
}

/// A demo-like history: DF and DT decreed by one act, a DF closed, a DT alone, a liquidação,
/// Disque ANS demandas of both kinds, a NIP and a sanctioning process, on two operators.
fn history() -> World {
    let mut world = World::default();
    let diretoria = actor(Role::Diretoria, &[]);
    let (a, b) = (registro(1), registro(2));
    operator(&mut world, a, Modalidade::MedicinaDeGrupo, Some(Uf::Sp), d(2001, 1, 10));
    operator(&mut world, b, Modalidade::CooperativaMedica, Some(Uf::Ba), d(2001, 2, 5));

    let df = world.new_case_id();
    let open_df = CaseCommand::InstaurarDirecaoFiscal {
        registro: a,
        motivos: vec!["insuficiência de garantias financeiras".into()],
        diretor_fiscal: NonEmptyText::written("diretor fiscal"),
        documento: NonEmptyText::written("RO 10/2017"),
        vigencia_dias: None,
    };
    world.given_case(df, a, diretoria.clone(), d(2017, 3, 1), open_df);
    let dt = world.new_case_id();
    world.given_case(dt, a, diretoria.clone(), d(2017, 2, 1), notify(a, d(2017, 1, 30)));
    let open_dt = CaseCommand::InstaurarDirecaoTecnica {
        diretor_tecnico: NonEmptyText::written("diretor técnico"),
        hipotese: DtHypothesis::RiscoIminente,
        documento: NonEmptyText::written("RO 10/2017"),
        vigencia_dias: None,
    };
    world.given_case(dt, a, diretoria.clone(), d(2017, 3, 1), open_dt);
    let close = CaseCommand::EncerrarRegime {
        motivo: RegimeClosure::GravidadeSuperada,
        documento: NonEmptyText::written("RO 7/2018"),
    };
    world.given_case(df, a, diretoria.clone(), d(2018, 3, 5), close);

    let dt_alone = world.new_case_id();
    world.given_case(dt_alone, b, diretoria.clone(), d(2017, 5, 2), notify(b, d(2017, 4, 28)));
    let open_dt_alone = CaseCommand::InstaurarDirecaoTecnica {
        diretor_tecnico: NonEmptyText::written("outro diretor técnico"),
        hipotese: DtHypothesis::RiscoIminente,
        documento: NonEmptyText::written("RO 3/2017"),
        vigencia_dias: None,
    };
    world.given_case(dt_alone, b, diretoria.clone(), d(2017, 6, 5), open_dt_alone);
    let close = CaseCommand::EncerrarRegime {
        motivo: RegimeClosure::PrazoEncerrado,
        documento: NonEmptyText::written("RO 8/2018"),
    };
    world.given_case(dt_alone, b, diretoria.clone(), d(2018, 1, 8), close);

    let le = world.new_case_id();
    let decree = CaseCommand::DecretarLiquidacao {
        registro: b,
        liquidante: NonEmptyText::written("liquidante-1"),
        fundamento: LeGround::ViolacaoGrave,
        documento: NonEmptyText::written("RO 20/2018"),
    };
    world.given_case(le, b, diretoria, d(2018, 5, 2), decree);

    let atendente = actor(Role::Atendente, &[]);
    for (n, (tipo, tema, on)) in [
        (DemandKind::Consulta, TemaDemanda::AumentoDeMensalidade, d(2002, 4, 8)),
        (DemandKind::Denuncia, TemaDemanda::ContratoRegulamento, d(2002, 4, 9)),
        (DemandKind::Denuncia, TemaDemanda::CoberturaAssistencial, d(2003, 2, 10)),
    ]
    .into_iter()
    .enumerate()
    {
        let case = world.new_case_id();
        let register = CaseCommand::RegistrarDemandaDisqueAns {
            registro: a,
            tipo,
            tema,
            canal: NonEmptyText::written("telefone"),
            reclamante: Some(sealed(100 + n as u128)),
        };
        world.given_case(case, a, atendente.clone(), on, register);
    }
    let nip = world.new_case_id();
    let complaint = CaseCommand::RegistrarReclamacaoNip {
        registro: a,
        canal: NonEmptyText::written("formulário eletrônico"),
        protocolo_operadora: "2026021300123".into(),
        tema: TemaDemanda::CoberturaAssistencial,
        beneficiario: sealed(200),
    };
    world.given_case(nip, a, atendente, d(2026, 2, 13), complaint);

    let pas = world.new_case_id();
    let auto = CaseCommand::LavrarAutoInfracao {
        registro: a,
        processo: NonEmptyText::written("33902.000001/2017-01"),
        tipo_infracao: NonEmptyText::written("rn124.art77"),
        data_infracao: d(2017, 2, 10),
        fatos: NonEmptyText::written("negativa de cobertura de procedimento do rol"),
        beneficiarios_expostos: 500,
        origem: None,
        documento: NonEmptyText::written("Auto de Infração nº 1.234/2017"),
    };
    world.given_case(pas, a, actor(Role::Fiscal, &[]), d(2017, 3, 6), auto);
    world
}

/// The world's log as the store would hold it, with fixed ids and instants.
fn stored_log(world: &World) -> Vec<StoredEvent> {
    let mut versions = std::collections::BTreeMap::<String, i64>::new();
    world
        .log
        .iter()
        .enumerate()
        .map(|(n, emitted)| {
            let new = new_event(emitted);
            let stream_id = emitted.stream.to_string();
            let version = versions.entry(stream_id.clone()).or_default();
            *version += 1;
            let position = n as i64 + 1;
            StoredEvent {
                position,
                event_id: Uuid::from_u128(position as u128),
                stream_id,
                stream_version: *version,
                event_type: new.event_type,
                schema_version: new.schema_version,
                payload: new.payload.to_string(),
                occurred_on: new.occurred_on,
                recorded_at: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds(position),
                actor_id: Uuid::from_u128(1),
                actor_role: "diretoria".into(),
                legal_basis: new.legal_basis,
                document_ref: new.document_ref,
                correlation_id: None,
                causation_id: None,
                command: None,
                prev_hash: Vec::new(),
                hash: Vec::new(),
            }
        })
        .collect()
}

/// Folds `log` into `docs`.
async fn fold(log: &[StoredEvent], docs: &mut dyn Docs) {
    for stored in log {
        let event: DomainEvent = decode_event(stored).unwrap().unwrap();
        Estado.apply(stored, &event, docs).await.unwrap();
    }
}

/// Documents kept only as JSON text, as the database holds them: every read parses what the
/// last write serialised.
#[derive(Default)]
struct TextDocs(BTreeMap<DocId, Doc>);

#[async_trait]
impl Docs for TextDocs {
    async fn get(&mut self, model: &str, key: &str) -> Result<Option<Doc>, ProjectionError> {
        Ok(self.0.get(&(model.to_owned(), key.to_owned())).cloned())
    }

    fn put(&mut self, model: &str, key: &str, doc: Doc) {
        self.0.insert((model.to_owned(), key.to_owned()), Doc::Text(doc.to_text().unwrap().into()));
    }

    fn put_once(&mut self, model: &str, key: &str, doc: Doc) {
        self.put(model, key, doc);
    }

    fn delete(&mut self, model: &str, key: &str) {
        self.0.remove(&(model.to_owned(), key.to_owned()));
    }
}

/// Every document as `model`, `key`, `doc` lines (pretty JSON), in key order.
async fn rebuild(log: &[StoredEvent]) -> String {
    rebuild_except(log, &[]).await.0
}

/// The documents of every model but `left_out`, as text, and the documents left out.
async fn rebuild_except(log: &[StoredEvent], left_out: &[&str]) -> (String, Vec<serde_json::Value>) {
    let mut docs = MemoryDocs::default();
    fold(log, &mut docs).await;
    let (rows, others): (Vec<serde_json::Value>, Vec<serde_json::Value>) = docs
        .docs
        .iter()
        .map(|((model, key), doc)| serde_json::json!([model, key, doc.to_json().unwrap()]))
        .partition(|row| !left_out.contains(&row[0].as_str().unwrap_or_default()));
    (serde_json::to_string_pretty(&rows).unwrap() + "\n", others)
}

#[tokio::test]
async fn rebuilding_gives_the_snapshot_documents() {
    let world = history();
    let actual = rebuild(&stored_log(&world)).await;
    if std::env::var_os("AUTOS_UPDATE_SNAPSHOT").is_some() {
        std::fs::create_dir_all(std::path::Path::new(SNAPSHOT).parent().unwrap()).unwrap();
        std::fs::write(SNAPSHOT, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(SNAPSHOT).expect("the snapshot (AUTOS_UPDATE_SNAPSHOT=1 writes it)");
    let first_difference = expected.lines().zip(actual.lines()).position(|(e, a)| e != a);
    assert!(expected == actual, "documents differ from the snapshot, first at line {first_difference:?}");
}

#[test]
fn every_stored_event_decodes_from_its_text_as_from_its_json_value() {
    let log = stored_log(&history());
    let mut types = std::collections::BTreeSet::new();
    for stored in &log {
        let payload = serde_json::from_str(&stored.payload).unwrap();
        let encoded =
            EncodedEvent { event_type: stored.event_type.clone(), schema_version: stored.schema_version, payload };
        assert_eq!(decode_event(stored).unwrap(), Some(decode(&encoded).unwrap()), "{}", stored.event_type);
        types.insert(stored.event_type.as_str());
    }
    assert!(types.len() >= 15, "the history covers the event types of every family it decides: {types:?}");
}

#[tokio::test]
async fn documents_read_back_from_their_text_fold_as_the_values_kept() {
    let log = stored_log(&history());
    let mut kept = MemoryDocs::default();
    fold(&log, &mut kept).await;
    let mut text = TextDocs::default();
    fold(&log, &mut text).await;
    let as_json = |docs: Vec<(&DocId, &Doc)>| -> Vec<(DocId, serde_json::Value)> {
        docs.into_iter().map(|(id, doc)| (id.clone(), doc.to_json().unwrap())).collect()
    };
    let kept = as_json(kept.docs.iter().collect());
    assert!(kept.len() > 100, "the history fills the read models: {} documents", kept.len());
    assert_eq!(kept, as_json(text.0.iter().collect()));
}

#[tokio::test]
async fn a_fold_scoped_to_the_operator_models_gives_their_documents_and_no_other() {
    let log = stored_log(&history());
    let mut full = MemoryDocs::default();
    fold(&log, &mut full).await;
    let mut scoped = MemoryDocs::scoped(models::OPERATOR_FOLD);
    fold(&log, &mut scoped).await;
    let of = |docs: &MemoryDocs, model: &str| -> Vec<(String, serde_json::Value)> {
        docs.model(model).map(|(key, doc)| (key.to_owned(), doc.to_json().unwrap())).collect()
    };
    for model in models::OPERATOR_FOLD {
        let expected = of(&full, model);
        assert!(!expected.is_empty(), "the history has {model} documents");
        assert_eq!(of(&scoped, model), expected, "{model}");
    }
    let others: Vec<&str> =
        scoped.docs.keys().map(|(model, _)| model.as_str()).filter(|m| !models::OPERATOR_FOLD.contains(m)).collect();
    assert!(others.is_empty(), "built outside the scope: {others:?}");
    assert!(full.docs.len() > scoped.docs.len() * 2, "the scope leaves most documents unbuilt");
}

#[tokio::test]
async fn the_programme_streams_leave_every_core_document_as_it_was() {
    let mut world = history();
    let before = rebuild(&stored_log(&world)).await;
    let fiscal = actor(Role::Fiscal, &[]);
    let register = ParceiroCommand::CadastrarParceiro {
        tipo: TipoParceiro::MinisterioPublico,
        nome: NonEmptyText::written("Ministério Público do Estado de Minas Gerais"),
        uf: Uf::Mg,
        municipio: None,
        contatos: ContatosInstitucionais::default(),
        responsavel: Some(sealed(77)),
    };
    let item = ProgramaCommand::IncluirItemBoletim {
        item_id: Uuid::from_u128(78),
        trimestre: Trimestre::new(2004, 1).unwrap(),
        tipo: TipoItem::DocumentoRelevante,
        titulo: NonEmptyText::written("RN 77/2004"),
        data: d(2004, 2, 2),
        referencia: None,
    };
    world.given([
        parceiro_act(Uuid::from_u128(79), fiscal.clone(), d(2004, 2, 3), register),
        programa_act(fiscal, d(2004, 2, 3), item),
    ]);
    let log = stored_log(&world);
    assert!(log
        .iter()
        .rev()
        .take(2)
        .all(|e| e.event_type.starts_with("parceiro.") || e.event_type.starts_with("programa_parceiros.")));
    let programme = [autos_projections::parceiros::PARTNER, autos_projections::parceiros::PROGRAMME];
    let (after, partners) = rebuild_except(&log, &programme).await;
    assert_eq!(after, before);
    let models: Vec<&str> = partners.iter().filter_map(|row| row[0].as_str()).collect();
    assert_eq!(models, programme, "the partner and the programme's items have their documents");
    assert_eq!(partners[0][2]["state"]["nome"], "Ministério Público do Estado de Minas Gerais");
}
