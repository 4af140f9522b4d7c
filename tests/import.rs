//! Importing operator registers on both backends: both CADOP layouts and encodings, rows
//! rejected with their line and reason, idempotent re-import, cadastral changes, and files that
//! are not registers at all.

use std::sync::Arc;

use autos_app::service::{Request, Service};
use autos_cli::import::import_operators;
use autos_domain::{Actor, Role, RuleBook};
use autos_e2e::Server;
use chrono::NaiveDate;
use uuid::Uuid;

const LEGACY: &[u8] = include_bytes!("fixtures/cadop_legado.csv");
const CURRENT: &[u8] = include_bytes!("fixtures/cadop_atual.csv");

fn setup(server: &Server) -> (Service, Request) {
    let service = Service::new(server.store(), Arc::new(RuleBook::builtin()));
    let request = Request {
        actor: Actor::new("importacao", Role::Admin),
        actor_id: Uuid::now_v7(),
        occurred_on: NaiveDate::from_ymd_opt(2003, 10, 1).unwrap(),
        correlation_id: None,
    };
    (service, request)
}

trait ParseRegistro {
    fn parse_registro(&self) -> autos_domain::Registro;
}

impl ParseRegistro for str {
    fn parse_registro(&self) -> autos_domain::Registro {
        autos_domain::Registro::parse(self).unwrap()
    }
}

autos_e2e::e2e_on_both_backends!(
    async fn both_cadop_layouts_import_reject_bad_rows_and_reimport_idempotently(server: &Server) {
        let (service, request) = setup(server);
        let legacy = import_operators(&service, LEGACY, &request, &|_, _| {}).await.unwrap();
        assert_eq!((legacy.layout.as_str(), legacy.encoding.as_str()), ("CadopLegacy", "ISO-8859-1"));
        assert_eq!(legacy.imported, 2, "{legacy:?}");
        let lines: Vec<usize> = legacy.rejected.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![6, 7, 8], "{:?}", legacy.rejected);
        assert!(legacy.rejected[0].1.contains("CNPJ"), "{:?}", legacy.rejected[0]);
        assert!(legacy.rejected[2].1.contains("repetido"), "{:?}", legacy.rejected[2]);
        let bradesco = service.operator_state("005711".parse_registro()).await.unwrap().expect("leading zeros kept").0;
        assert_eq!(bradesco.razao_social, "BRADESCO SAÚDE S.A.");

        let count = server.event_count().await;
        let again = import_operators(&service, LEGACY, &request, &|_, _| {}).await.unwrap();
        assert_eq!((again.imported, again.changed, again.unchanged), (0, 0, 2));
        assert_eq!(server.event_count().await, count, "a second run appends nothing");

        let current = import_operators(&service, CURRENT, &request, &|_, _| {}).await.unwrap();
        assert_eq!((current.layout.as_str(), current.encoding.as_str()), ("CadopCurrent", "UTF-8"));
        assert_eq!((current.imported, current.changed, current.unchanged), (1, 1, 0), "{current:?}");
        let renamed = service.operator_state("326305".parse_registro()).await.unwrap().unwrap().0;
        assert_eq!(renamed.razao_social, "SAÚDE EXEMPLO PLANOS S.A.");
        assert!(service.operator_state("000701".parse_registro()).await.unwrap().is_some());
    }

    async fn a_file_that_is_not_a_register_or_is_truncated_imports_nothing(server: &Server) {
        let (service, request) = setup(server);
        let unknown = import_operators(&service, b"nome;valor\nx;1\n", &request, &|_, _| {}).await;
        assert!(unknown.unwrap_err().to_string().contains("layout desconhecido"));
        let cut = &LEGACY[..LEGACY.len() - 40];
        assert!(import_operators(&service, cut, &request, &|_, _| {}).await.is_err());
        assert_eq!(server.event_count().await, 0);
    }
);
