//! Golden tests: after the demonstration history, the dashboard returns the intervention tables
//! of ANS's 2000–2003 report exactly, on both backends. The expected values are read from the
//! report's tables (`api/data/`), not written here.

use autos_e2e::Server;
use reqwest::StatusCode;
use serde_json::Value;

const INTERVENTIONS: &str = include_str!("../api/data/interventions_summary.csv");
const REGIMES_BY_MODALIDADE: &str = include_str!("../api/data/special_regimes_by_modalidade.csv");

fn rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

async fn the_dashboard_reproduces_the_reports_intervention_tables(server: &Server) {
    autos_api::demo::run(server.store(), 2003, &|_| {}).await.unwrap();
    server.settle().await;
    let answer = server.get("/api/v1/dashboard/interventions", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    let items = answer.body["items"].as_array().unwrap();
    let expected = rows(INTERVENTIONS);
    assert_eq!(items.len(), expected.len());
    for (item, row) in items.iter().zip(&expected) {
        assert_eq!(item["tipo"], row[0].as_str());
        assert_eq!(item["quantidade"], row[1].parse::<i64>().unwrap(), "{}", row[0]);
    }
    assert_eq!(answer.body["total"], 205, "the report's total of intervention acts");

    let by_modalidade = answer.body["por_modalidade"].as_array().unwrap();
    let count = |modalidade: &str, kind: &str| -> i64 {
        by_modalidade
            .iter()
            .filter(|v| v["modalidade"] == modalidade && v["tipo"] == kind)
            .map(|v: &Value| v["quantidade"].as_i64().unwrap())
            .sum()
    };
    for row in rows(REGIMES_BY_MODALIDADE) {
        let label = autos_api::import::modalidade(&row[0]).unwrap().label();
        let columns = [
            (4, "Direções Fiscais"),
            (5, "Direções Técnicas"),
            (6, "Direções Técnicas/Fiscais"),
            (7, "Liquidações Extrajudiciais"),
        ];
        for (column, kind) in columns {
            assert_eq!(count(label, kind), row[column].parse::<i64>().unwrap(), "{label} / {kind}");
        }
    }
}

autos_e2e::e2e_on_both_backends!(the_dashboard_reproduces_the_reports_intervention_tables);
