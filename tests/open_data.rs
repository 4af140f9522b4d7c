//! ANS's open data beyond the register, on both backends: NIP demands (one NIP per demand number,
//! its classification, nature and outcome, no personal data), monthly beneficiary counts and the
//! published IGR tables (today's layout and the older monthly table), each re-imported without
//! appending anything, rejected rows with their line and reason, and the complaint index
//! counting the imported NIPs over the imported beneficiaries beside the published IGR.

use std::collections::BTreeMap;
use std::sync::Arc;

use autos_app::service::{Request, Service};
use autos_cli::import::beneficiaries::import_beneficiaries;
use autos_cli::import::igr::import_igr;
use autos_cli::import::nip::{case_id, import_nip};
use autos_cli::import::{import_operators, ImportReport};
use autos_domain::case::{CaseDetail, NipPhase};
use autos_domain::{Actor, Role, RuleBook};
use autos_e2e::Server;
use chrono::NaiveDate;
use uuid::Uuid;

const CADOP_2021: &[u8] = include_bytes!("fixtures/cadop_2021.csv");
const NIP: &[u8] = include_bytes!("fixtures/nip_demandas.csv");
const BENEFICIARIES: &[u8] = include_bytes!("fixtures/beneficiarios.csv");
const IGR_CURRENT: &[u8] = include_bytes!("fixtures/igr_atual.csv");
const IGR_OLDER: &[u8] = include_bytes!("fixtures/igr_antigo.csv");

async fn setup(server: &Server) -> (Service, Request) {
    let service = Service::new(server.store(), Arc::new(RuleBook::builtin()));
    let request = Request {
        actor: Actor::new("importacao", Role::Administrador),
        actor_id: Uuid::now_v7(),
        occurred_on: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        correlation_id: None,
    };
    import_operators(&service, CADOP_2021, &request, None, &|_, _| {}).await.unwrap();
    (service, request)
}

/// The data rows of a `;` file, by column name.
fn rows(bytes: &[u8]) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(bytes);
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, v)| (h.to_owned(), v.to_owned())).collect())
        .collect()
}

fn rejected_reasons(report: &ImportReport) -> Vec<&str> {
    report.rejected.iter().map(|(_, reason)| reason.as_str()).collect()
}

autos_e2e::e2e_on_both_backends!(
    async fn nip_demands_and_beneficiaries_import_once_and_feed_the_complaint_index(server: &Server) {
        let (service, request) = setup(server).await;

        // NIP demands: three bad rows (repeated demand, unknown operator, unknown nature).
        let nip = import_nip(&service, NIP, &request, &|_, _| {}).await.unwrap();
        let file = rows(NIP);
        assert_eq!(nip.imported, file.len() - 3, "{nip:?}");
        let reasons = rejected_reasons(&nip);
        assert!(reasons.iter().any(|r| r.contains("repetida")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("não registrada")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("NATUREZA_DA_NIP")), "{reasons:?}");
        for row in file.iter().take(nip.imported) {
            let (case, _) =
                service.case_state(case_id(&row["NUMERO_DA_DEMANDA"])).await.unwrap().expect("one case per demand");
            let CaseDetail::Nip(state) = &case.detalhe else { panic!("a NIP") };
            let expected = if row["CLASSIFICACAO_DA_NIP"] == "Não Resolvida" {
                NipPhase::EncaminhadaParaPas
            } else {
                NipPhase::Finalizada
            };
            assert_eq!(state.phase, expected, "{}", row["NUMERO_DA_DEMANDA"]);
            assert_eq!(
                state.tipo.is_some_and(|t| t == autos_domain::case::NipKind::Assistencial),
                row["NATUREZA_DA_NIP"] == "Assistencial"
            );
        }
        let before = server.event_count().await;
        let again = import_nip(&service, NIP, &request, &|_, _| {}).await.unwrap();
        assert_eq!((again.imported, again.unchanged), (0, nip.imported), "{again:?}");
        assert_eq!(server.event_count().await, before, "a second run appends nothing");

        // Beneficiary counts: an unknown operator and a repeated month.
        let counts = import_beneficiaries(&service, BENEFICIARIES, &request, &|_, _| {}).await.unwrap();
        let count_rows = rows(BENEFICIARIES);
        assert_eq!(counts.imported, count_rows.len() - 2, "{counts:?}");
        assert_eq!(counts.rejected.len(), 2, "{counts:?}");
        let before = server.event_count().await;
        let again = import_beneficiaries(&service, BENEFICIARIES, &request, &|_, _| {}).await.unwrap();
        assert_eq!((again.imported, again.changed, again.unchanged), (0, 0, counts.imported), "{again:?}");
        assert_eq!(server.event_count().await, before, "a second run appends nothing");

        // The complaint index of one operator and month: the imported NIPs over its count.
        server.settle().await;
        let registro = &file[1]["REGISTRO_OPERADORA"];
        let month = "2024-02";
        let complaints = file
            .iter()
            .take(nip.imported)
            .filter(|r| &r["REGISTRO_OPERADORA"] == registro && r["ABERTURA_DA_DEMANDA"].ends_with("/02/2024"))
            .count();
        let members: i64 = count_rows
            .iter()
            .find(|r| &r["REGISTRO_OPERADORA"] == registro && r["COMPETENCIA"] == month)
            .map(|r| r["QUANTIDADE"].parse().unwrap())
            .unwrap();
        let index = server.get(&format!("/api/v1/indice-reclamacoes?registro={registro}&mes={month}"), None).await;
        assert_eq!(index.body["numerador"], complaints as i64, "{:?}", index.body);
        assert_eq!(index.body["denominador"], members, "{:?}", index.body);

        // The computed IGR, exported in ANS's layout with comma decimals.
        let export = server.get(&format!("/api/v1/igr?competencia={month}"), None).await;
        let mut lines = export.text.lines();
        assert_eq!(lines.next(), Some(autos_api::http::igr::HEADER), "{}", export.text);
        let line = lines.find(|l| l.starts_with(&format!("{registro};"))).expect("the operator's row");
        let cells: Vec<&str> = line.split(';').collect();
        let cents = (complaints as i64 * 10_000 * 100 * 2 + members) / (members * 2);
        assert_eq!(cells[3], format!("{},{:02}", cents / 100, cents % 100), "{line}");
        assert_eq!(
            (cells[4], cells[5], cells[7]),
            (complaints.to_string().as_str(), members.to_string().as_str(), "202402")
        );
        // What Autos exports, the IGR import reads back.
        let published = import_igr(&service, export.text.as_bytes(), &request, &|_, _| {}).await.unwrap();
        assert!(published.rejected.is_empty() && published.imported > 0, "{published:?}");

        // The operator page shows the month with the computed and the published value side by side.
        server.settle().await;
        let page = server.get(&format!("/operadoras/{registro}"), None).await;
        let table = &page.text[page.text.find("id=\"igr\"").expect("the IGR table")..];
        let row = &table[table.find("<th scope=\"row\">02/2024</th>").expect("the month's row")..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert_eq!(
            row,
            format!(
                "<th scope=\"row\">02/2024</th><td>{igr}</td><td>{complaints}</td><td>{members}</td><td>{igr} ({})</td>",
                cells[2],
                igr = cells[3]
            ),
        );
    }

    async fn both_igr_layouts_import_once_and_show_beside_the_computed_index(server: &Server) {
        let (service, request) = setup(server).await;
        let current = import_igr(&service, IGR_CURRENT, &request, &|_, _| {}).await.unwrap();
        let file = rows(IGR_CURRENT);
        assert_eq!((current.imported, current.rejected.len()), (file.len(), 0), "{current:?}");

        // The older table: ISO-8859-1, CRLF, padded comma decimals, empty months, one unknown operator.
        let older = import_igr(&service, IGR_OLDER, &request, &|_, _| {}).await.unwrap();
        assert_eq!(older.encoding, "ISO-8859-1");
        let (text, _) = autos_cli::import::layout::decode_text(IGR_OLDER);
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(text.as_bytes());
        let filled: usize = reader
            .records()
            .map(|r| r.unwrap())
            .filter(|r| !r[0].contains("DESCONHECIDA"))
            .map(|r| r.iter().skip(3).filter(|c| !c.trim().is_empty()).count())
            .sum();
        assert_eq!(older.imported, filled, "one value per filled month: {older:?}");
        assert_eq!(older.rejected.len(), 1, "{older:?}");
        assert!(older.rejected[0].1.contains("não registrada"), "{older:?}");
        for (bytes, report) in [(IGR_CURRENT, &current), (IGR_OLDER, &older)] {
            let before = server.event_count().await;
            let again = import_igr(&service, bytes, &request, &|_, _| {}).await.unwrap();
            assert_eq!((again.imported, again.changed, again.unchanged), (0, 0, report.imported), "{again:?}");
            assert_eq!(server.event_count().await, before, "a second run appends nothing");
        }

        server.settle().await;
        let row = &file[0];
        let index = server
            .get(&format!("/api/v1/indice-reclamacoes?registro={}&mes=2024-02", row["REGISTRO_OPERADORA"]), None)
            .await;
        let published = index.body["igr_publicado"].as_array().unwrap();
        let shown = published.iter().find(|p| p["cobertura"] == row["COBERTURA"].as_str()).expect("the published IGR");
        assert_eq!(shown["igr"], row["IGR"].replace(',', "."), "{published:?}");
        let page = server.get(&format!("/operadoras/{}", row["REGISTRO_OPERADORA"]), None).await;
        let month = format!("{}/{}", &row["COMPETENCIA"][4..], &row["COMPETENCIA"][..4]);
        let shown = format!("{} ({})", row["IGR"].trim(), row["COBERTURA"]);
        assert!(page.text.contains(&format!("<th scope=\"row\">{month}</th>")), "{}", page.text);
        assert!(page.text.contains(&shown), "{shown} on the page: {}", page.text);
    }

    async fn a_file_without_the_nip_columns_imports_nothing(server: &Server) {
        let (service, request) = setup(server).await;
        let before = server.event_count().await;
        let err =
            import_nip(&service, b"NUMERO;DATA\n1;2024-01-01\n", &request, &|_, _| {}).await.unwrap_err().to_string();
        assert!(err.contains("NUMERO_DA_DEMANDA") && err.contains("NUMERO, DATA"), "{err}");
        let err = import_beneficiaries(&service, b"a;b\n1;2\n", &request, &|_, _| {}).await.unwrap_err().to_string();
        assert!(err.contains("layout desconhecido"), "{err}");
        assert_eq!(server.event_count().await, before);
    }
);
