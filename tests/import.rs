//! Importing operator registers on both backends: every CADOP layout selected by its header
//! (2021–2022 in ISO-8859-1 with its title line, 2025, current), rows rejected with their line
//! and reason, município/UF warnings, five-digit registros and a CNPJ with two registros,
//! snapshots imported out of order, the register of cancelled operators with its motives and
//! time travel, idempotent re-import of each file, and files that are not registers at all.

use std::collections::BTreeMap;
use std::sync::Arc;

use autos_app::service::{Request, Service};
use autos_cli::import::{import_operators, ImportReport};
use autos_domain::operator::SituacaoRegistro;
use autos_domain::{Actor, OperadoraState, Registro, Role, RuleBook};
use autos_e2e::Server;
use chrono::{Days, NaiveDate};
use reqwest::StatusCode;
use uuid::Uuid;

const CADOP_2021: &[u8] = include_bytes!("fixtures/cadop_2021.csv");
const CADOP_2025: &[u8] = include_bytes!("fixtures/cadop_2025.csv");
const CADOP_ATUAL: &[u8] = include_bytes!("fixtures/cadop_atual.csv");
const CANCELADAS: &[u8] = include_bytes!("fixtures/cadop_canceladas.csv");

fn setup(server: &Server) -> (Service, Request) {
    let service = Service::new(server.store(), Arc::new(RuleBook::builtin()));
    let request = Request {
        actor: Actor::new("importacao", Role::Administrador),
        actor_id: Uuid::now_v7(),
        occurred_on: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        correlation_id: None,
    };
    (service, request)
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// The data rows of a `;` file in UTF-8, by column name.
fn rows(bytes: &[u8]) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(bytes);
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, v)| (h.to_owned(), v.to_owned())).collect())
        .collect()
}

async fn state(service: &Service, registro: &str) -> Option<OperadoraState> {
    service.operator_state(Registro::parse(registro).unwrap()).await.unwrap().map(|(s, _)| s)
}

async fn import(service: &Service, file: &[u8], request: &Request, referencia: Option<NaiveDate>) -> ImportReport {
    import_operators(service, file, request, referencia, &|_, _| {}).await.unwrap()
}

/// Imports `file` again and checks that nothing was appended and every row was unchanged.
async fn reimport_appends_nothing(
    server: &Server,
    service: &Service,
    file: &[u8],
    request: &Request,
    referencia: Option<NaiveDate>,
) {
    let before = server.event_count().await;
    let again = import(service, file, request, referencia).await;
    assert_eq!((again.imported, again.changed), (0, 0), "{again:?}");
    assert_eq!(server.event_count().await, before, "a second run appends nothing");
}

async fn any_keeps_history<'a>(service: &Service, registros: impl Iterator<Item = &'a String>) -> bool {
    for registro in registros {
        if !state(service, registro).await.unwrap().historico_cadastral.is_empty() {
            return true;
        }
    }
    false
}

autos_e2e::e2e_on_both_backends!(
    async fn every_register_layout_imports_by_its_header_and_reimports_idempotently(server: &Server) {
        let (service, request) = setup(server);
        // The 2021–2022 file: ISO-8859-1, a title line with its date, two bad rows.
        let old = import(&service, CADOP_2021, &request, None).await;
        assert_eq!(old.encoding, "ISO-8859-1");
        assert!(old.layout.contains("2021"), "{}", old.layout);
        assert_eq!(old.referencia, NaiveDate::from_ymd_opt(2021, 3, 15), "the title line's date");
        assert_eq!(old.imported, 30, "{old:?}");
        let reasons: Vec<&str> = old.rejected.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(
            reasons.iter().any(|r| r.contains("CNPJ")) && reasons.iter().any(|r| r.contains("repetido")),
            "{reasons:?}"
        );
        assert!(old.warnings.iter().any(|(_, w)| w.contains("Curitiba") && w.contains("PR")), "{:?}", old.warnings);

        let five = state(&service, "30004").await.expect("a five-digit registro imports as issued");
        assert!(five.registro.unwrap().is_five_digit());
        assert!(state(&service, "030004").await.is_none(), "never padded into another registro");
        let padded_name = five.razao_social.clone();
        assert_eq!(padded_name.trim(), padded_name, "padded values are trimmed");
        // Two registros under one CNPJ (rows 5 and 6 of the file).
        let legacy = autos_cli::import::layout::parse(CADOP_2021).unwrap();
        let registro_of = |i: usize| legacy.rows[i].get(autos_cli::import::layout::Field::Registro).unwrap().to_owned();
        let (first, second) =
            (state(&service, &registro_of(4)).await.unwrap(), state(&service, &registro_of(5)).await.unwrap());
        assert_eq!(first.cnpj, second.cnpj);
        assert_ne!(first.registro, second.registro);
        reimport_appends_nothing(server, &service, CADOP_2021, &request, None).await;

        // The 2025 file (Registro_ANS): renamed operators change, new ones register.
        let on_2025 = NaiveDate::from_ymd_opt(2025, 3, 1);
        let mid = import(&service, CADOP_2025, &request, on_2025).await;
        assert!(mid.layout.contains("Registro_ANS") && mid.encoding == "UTF-8", "{mid:?}");
        assert!(mid.rejected.is_empty(), "{mid:?}");
        let file_2025 = rows(CADOP_2025);
        let mut renamed = 0;
        for row in &file_2025 {
            let now = state(&service, &row["Registro_ANS"]).await.unwrap();
            assert_eq!(now.razao_social, row["Razao_Social"]);
            renamed += usize::from(row["Razao_Social"].contains("(2025)"));
        }
        assert_eq!((mid.imported, mid.changed), (2, renamed), "{mid:?}");
        reimport_appends_nothing(server, &service, CADOP_2025, &request, on_2025).await;

        // The current file (REGISTRO_OPERADORA); operators it leaves out stay as they were.
        let on_2026 = NaiveDate::from_ymd_opt(2026, 11, 1);
        let current = import(&service, CADOP_ATUAL, &request, on_2026).await;
        assert!(current.layout.contains("REGISTRO_OPERADORA"), "{current:?}");
        assert!(current.rejected.is_empty() && current.changed > 0, "{current:?}");
        for row in rows(CADOP_ATUAL) {
            let now = state(&service, &row["REGISTRO_OPERADORA"]).await.unwrap();
            assert_eq!((now.razao_social.as_str(), now.cadastro_referencia), (row["Razao_Social"].as_str(), on_2026));
        }
        let listed: Vec<String> = rows(CADOP_ATUAL).into_iter().map(|r| r["REGISTRO_OPERADORA"].clone()).collect();
        let absent: Vec<&BTreeMap<String, String>> =
            file_2025.iter().filter(|r| !listed.contains(&r["Registro_ANS"])).collect();
        assert!(!absent.is_empty());
        for row in absent {
            let kept = state(&service, &row["Registro_ANS"]).await.unwrap();
            assert!(!kept.is_cancelled(), "absence never cancels");
            assert_eq!(kept.razao_social, row["Razao_Social"]);
        }
        reimport_appends_nothing(server, &service, CADOP_ATUAL, &request, on_2026).await;
    }

    async fn an_older_snapshot_after_a_newer_one_is_kept_as_history(server: &Server) {
        let (service, request) = setup(server);
        let on_2026 = NaiveDate::from_ymd_opt(2026, 11, 1);
        import(&service, CADOP_ATUAL, &request, on_2026).await;
        let newer: BTreeMap<String, String> = rows(CADOP_ATUAL)
            .into_iter()
            .map(|r| (r["REGISTRO_OPERADORA"].clone(), r["Razao_Social"].clone()))
            .collect();
        // Arrange done: the 2021 file (its title says 15/03/2021) arrives after the current one.
        let old = import(&service, CADOP_2021, &request, None).await;
        assert!(old.changed > 0, "the older names differ: {old:?}");
        for (registro, name) in &newer {
            let now = state(&service, registro).await.unwrap();
            assert_eq!(&now.razao_social, name, "the newer value stays current");
            assert_eq!(now.cadastro_referencia, on_2026);
            for h in &now.historico_cadastral {
                assert_eq!(h.referencia, NaiveDate::from_ymd_opt(2021, 3, 15).unwrap());
                assert_ne!(h.razao_social.as_deref(), Some(name.as_str()));
            }
        }
        assert!(any_keeps_history(&service, newer.keys()).await, "some operator keeps the 2021 name as history");
        reimport_appends_nothing(server, &service, CADOP_2021, &request, None).await;
    }

    async fn the_cancelled_register_cancels_on_its_dates_with_its_motives_and_time_travel_shows_it(server: &Server) {
        let (service, request) = setup(server);
        import(&service, CADOP_2021, &request, None).await;
        let cancelled = import(&service, CANCELADAS, &request, None).await;
        assert!(cancelled.layout.contains("canceladas"), "{cancelled:?}");
        assert!(cancelled.rejected.is_empty(), "an unknown motive is never a rejected row: {cancelled:?}");
        let file = rows(CANCELADAS);
        assert_eq!(cancelled.imported + cancelled.changed, file.len());
        assert!(cancelled.changed > 0 && cancelled.imported > 0, "known and unknown operators: {cancelled:?}");
        for row in &file {
            let now = state(&service, &row["REGISTRO_OPERADORA"]).await.unwrap();
            let SituacaoRegistro::Cancelada { motivo, em } = now.situacao_registro else {
                panic!("{} not cancelled", row["REGISTRO_OPERADORA"])
            };
            assert_eq!(em, date(&row["Data_Descredenciamento"]));
            assert_eq!(motivo, autos_cli::import::cancellation_motive(&row["Motivo_do_Descredenciamento"]));
            assert_eq!(now.motivo_cancelamento_publicado.as_deref(), Some(row["Motivo_do_Descredenciamento"].as_str()));
        }
        let outro = file
            .iter()
            .find(|r| {
                autos_cli::import::cancellation_motive(&r["Motivo_do_Descredenciamento"])
                    == autos_domain::operator::MotivoCancelamento::Outro
            })
            .expect("the fixture has a motive that maps to nothing");
        reimport_appends_nothing(server, &service, CANCELADAS, &request, None).await;

        // Time travel: registered the day before the cancellation, cancelled from that day on.
        server.settle().await;
        for row in [&file[0], outro] {
            let registro = &row["REGISTRO_OPERADORA"];
            let on = date(&row["Data_Descredenciamento"]);
            let before = server.get(&format!("/api/v1/operadoras/{registro}?as_of={}", on - Days::new(1)), None).await;
            assert_eq!(before.status, StatusCode::OK, "{:?}", before.body);
            assert_eq!(before.body["state"]["situacao_registro"]["situacao"], "registrada", "{:?}", before.body);
            let after = server.get(&format!("/api/v1/operadoras/{registro}?as_of={on}"), None).await;
            assert_eq!(after.body["state"]["situacao_registro"]["situacao"], "cancelada", "{:?}", after.body);
            assert_eq!(after.body["state"]["situacao_registro"]["em"], on.to_string());
        }
    }

    async fn a_file_that_is_not_a_register_or_is_truncated_imports_nothing(server: &Server) {
        let (service, request) = setup(server);
        let unknown = import_operators(&service, b"nome;valor\nx;1\n", &request, None, &|_, _| {}).await;
        let message = unknown.unwrap_err().to_string();
        assert!(message.contains("layout desconhecido") && message.contains("nome, valor"), "{message}");
        let cut = &CADOP_2021[..CADOP_2021.len() - 40];
        assert!(import_operators(&service, cut, &request, None, &|_, _| {}).await.is_err());
        assert_eq!(server.event_count().await, 0);
    }
);
