//! The HTTP API end to end, on both backends: success paths, every error code, the role
//! matrix, bad input that stores nothing, idempotent retries and concurrent acts.

use autos_domain::Role;
use autos_e2e::Server;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const REGISTRO: &str = "326305";

fn operator_body() -> Value {
    json!({
        "registro": REGISTRO, "cnpj": "11.222.333/0001-81", "razao_social": "Saúde Exemplo S.A.",
        "modalidade": "medicina_de_grupo", "uf": "SP", "registro_provisorio": false, "occurred_on": "2001-06-01"
    })
}

fn df_body(document: &str) -> Value {
    json!({
        "act": "instaurar_direcao_fiscal", "registro": REGISTRO, "motivos": ["insuficiência de garantias financeiras"],
        "diretor_fiscal": "diretor", "documento": document, "occurred_on": "2002-03-01"
    })
}

async fn registered(server: &Server) {
    let answer = server.post("/api/v1/operators", Role::Admin, &operator_body()).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
}

async fn open_df(server: &Server) -> String {
    let answer = server.post("/api/v1/cases", Role::Diretoria, &df_body("RO 1/2002")).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    answer.body["case_id"].as_str().unwrap().to_owned()
}

fn assert_problem(answer: &autos_e2e::Answer, status: StatusCode, code: &str) {
    assert_eq!(answer.status, status, "{:?}", answer.body);
    assert_eq!(answer.body["code"], code, "{:?}", answer.body);
    assert_eq!(answer.headers["content-type"], "application/problem+json");
}

async fn an_officer_registers_an_operator_and_decrees_a_direcao_fiscal_seen_in_status_and_timeline(server: &Server) {
    registered(server).await;
    let case_id = open_df(server).await;
    server.settle().await;
    let status = server.get(&format!("/api/v1/operators/{REGISTRO}"), None).await;
    assert_eq!(status.status, StatusCode::OK);
    assert!(status.body["state"]["regimes"]["direcao_fiscal"].is_object(), "{:?}", status.body);
    assert_eq!(status.body["open_cases"]["direcao_fiscal"], 1);
    let timeline = server.get(&format!("/api/v1/operators/{REGISTRO}/timeline"), None).await;
    let types: Vec<&str> =
        timeline.body["items"].as_array().unwrap().iter().map(|e| e["event_type"].as_str().unwrap()).collect();
    assert!(types.contains(&"operadora.registrada") && types.contains(&"regime_especial.instaurado"), "{types:?}");
    let case = server.get(&format!("/api/v1/cases/{case_id}"), Some(Role::Fiscal)).await;
    assert_eq!(case.status, StatusCode::OK);
    assert_eq!(case.body["family"], "direcao_fiscal");
    assert_eq!(case.headers["etag"], "\"1\"");
    let before = server.get(&format!("/api/v1/operators/{REGISTRO}?as_of=2002-02-28"), None).await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(before.body["state"]["regimes"], json!({}), "as of a date before the decree: no regime");
    let events = server.get(&format!("/api/v1/cases/{case_id}/events"), Some(Role::Auditor)).await;
    assert_eq!(events.body["items"][0]["event_type"], "regime_especial.instaurado");
    assert_eq!(events.body["items"][0]["actor_role"], "diretoria");
    let deadlines = server.get("/api/v1/deadlines?on=2002-03-01", Some(Role::Fiscal)).await;
    assert_eq!(deadlines.status, StatusCode::OK);
    let log = server.get("/api/v1/events?after=0&limit=2", Some(Role::Auditor)).await;
    assert_eq!(log.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(log.body["next"], 2);
}

async fn an_act_the_rules_forbid_is_a_422_with_rule_id_and_norm_and_stores_nothing(server: &Server) {
    registered(server).await;
    open_df(server).await;
    let before = server.event_count().await;
    let second = server.post("/api/v1/cases", Role::Diretoria, &df_body("RO 2/2002")).await;
    assert_problem(&second, StatusCode::UNPROCESSABLE_ENTITY, "rule_violation");
    assert_eq!(second.body["rule_id"], "regime.ja_ativo");
    assert!(second.body["norm"].as_str().unwrap().contains("9.656"));
    assert_eq!(server.event_count().await, before);
}

async fn roles_are_refused_where_the_matrix_says_so(server: &Server) {
    registered(server).await;
    let case_id = open_df(server).await;
    let matrix: Vec<(Method, String, Option<Value>, &[Role])> = vec![
        (
            Method::POST,
            "/api/v1/operators".into(),
            Some(
                json!({"registro": "000701", "cnpj": "11.222.333/0001-81", "razao_social": "X", "modalidade": "medicina_de_grupo", "uf": "RJ", "registro_provisorio": false}),
            ),
            &[Role::Admin],
        ),
        (Method::POST, "/api/v1/cases".into(), Some(df_body("RO 9/2002")), &[Role::Diretoria]),
        (Method::GET, "/api/v1/audit/verify".into(), None, &[Role::Auditor, Role::Admin]),
        (Method::GET, format!("/api/v1/cases/{case_id}"), None, &Role::ALL),
        (Method::GET, "/api/v1/events".into(), None, &Role::ALL),
    ];
    for (method, path, body, allowed) in &matrix {
        for role in Role::ALL {
            let answer = server.call(method.clone(), path, Some(role), body.as_ref(), &[]).await;
            if allowed.contains(&role) {
                assert_ne!(answer.status, StatusCode::FORBIDDEN, "{role:?} {method} {path}: {:?}", answer.body);
            } else {
                assert_problem(&answer, StatusCode::FORBIDDEN, "forbidden");
            }
        }
        if *method == Method::POST || path.contains("/cases/") || path.contains("/audit") || path.ends_with("/events") {
            let anonymous = server.call(method.clone(), path, None, body.as_ref(), &[]).await;
            assert_problem(&anonymous, StatusCode::UNAUTHORIZED, "unauthenticated");
        }
    }
    let ungranted = server
        .post(
            &format!("/api/v1/cases/{case_id}/acts"),
            Role::Interventor,
            &json!({"act": "emitir_instrucao_diretiva", "numero": "ID 1", "assunto": "x"}),
        )
        .await;
    assert_problem(&ungranted, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(ungranted.body["rule_id"], "acesso.interventor_nao_designado");
}

async fn bad_input_is_a_400_and_stores_nothing(server: &Server) {
    registered(server).await;
    let before = server.event_count().await;
    let bad_json = server.post_raw("/api/v1/cases", Role::Diretoria, "application/json", b"{\"act\": ".to_vec()).await;
    assert_problem(&bad_json, StatusCode::BAD_REQUEST, "invalid_input");
    let cases: Vec<(&str, Value)> = vec![
        (
            "wrong type",
            json!({"act": "instaurar_direcao_fiscal", "registro": REGISTRO, "motivos": "not a list", "diretor_fiscal": "d", "documento": "RO"}),
        ),
        ("unknown field", {
            let mut b = df_body("RO 3/2002");
            b["campo_estranho"] = json!(1);
            b
        }),
        ("invalid registro", {
            let mut b = df_body("RO 3/2002");
            b["registro"] = json!("12AB56");
            b
        }),
        ("impossible date", {
            let mut b = df_body("RO 3/2002");
            b["occurred_on"] = json!("2002-02-30");
            b
        }),
        ("unknown act", json!({"act": "decretar_fim_do_mundo"})),
        ("not an object", json!([1, 2])),
    ];
    for (what, body) in cases {
        let answer = server.post("/api/v1/cases", Role::Diretoria, &body).await;
        assert_problem(&answer, StatusCode::BAD_REQUEST, "invalid_input");
        assert!(answer.body["detail"].is_string(), "{what}");
    }
    let bad_cnpj = {
        let mut b = operator_body();
        b["registro"] = json!("000701");
        b["cnpj"] = json!("11.222.333/0001-82");
        server.post("/api/v1/operators", Role::Admin, &b).await
    };
    assert_problem(&bad_cnpj, StatusCode::BAD_REQUEST, "invalid_input");
    let negative = server
        .post(
            &format!("/api/v1/operators/{REGISTRO}/beneficiaries"),
            Role::Admin,
            &json!({"ano": 2002, "mes": 13, "quantidade": 10}),
        )
        .await;
    assert_problem(&negative, StatusCode::BAD_REQUEST, "invalid_input");
    let huge = server.post_raw("/api/v1/cases", Role::Diretoria, "application/json", vec![b' '; 400 * 1024]).await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    let wrong_media =
        server.post_raw("/api/v1/cases", Role::Diretoria, "text/plain", df_body("RO 4").to_string().into_bytes()).await;
    assert_problem(&wrong_media, StatusCode::BAD_REQUEST, "invalid_input");
    assert_problem(&server.get("/api/v1/operators/999", None).await, StatusCode::BAD_REQUEST, "invalid_input");
    assert_problem(&server.get("/api/v1/operators/000701", None).await, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(server.event_count().await, before, "nothing was stored");
}

async fn an_idempotent_retry_returns_the_first_answer_and_appends_nothing(server: &Server) {
    registered(server).await;
    let body = df_body("RO 1/2002");
    let key = [("idempotency-key", "df-326305-ro-1")];
    let first = server.call(Method::POST, "/api/v1/cases", Some(Role::Diretoria), Some(&body), &key).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let count = server.event_count().await;
    let retry = server.call(Method::POST, "/api/v1/cases", Some(Role::Diretoria), Some(&body), &key).await;
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.body, first.body);
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    assert_eq!(server.event_count().await, count);
    let other =
        server.call(Method::POST, "/api/v1/cases", Some(Role::Diretoria), Some(&df_body("RO 2/2002")), &key).await;
    assert_problem(&other, StatusCode::BAD_REQUEST, "invalid_input");
}

async fn two_officers_acting_on_the_same_case_version_get_one_success_and_one_409(server: &Server) {
    registered(server).await;
    let case_id = open_df(server).await;
    let path = format!("/api/v1/cases/{case_id}/acts");
    let act = json!({"act": "renovar_regime", "vigencia_dias": 365, "justificativa": "acompanhamento presencial ainda necessário", "documento": "RO 5/2003", "occurred_on": "2003-02-20"});
    let headers = [("if-match", "\"1\"")];
    let (a, b) = tokio::join!(
        server.call(Method::POST, &path, Some(Role::Diretoria), Some(&act), &headers),
        server.call(Method::POST, &path, Some(Role::Diretoria), Some(&act), &headers),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    let conflict = if a.status == StatusCode::CONFLICT { &a } else { &b };
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT], "{:?} / {:?}", a.body, b.body);
    assert_eq!(conflict.body["code"], "version_conflict");
}

async fn auditors_verify_the_log_and_the_replay_check_finds_the_read_models_equal(server: &Server) {
    registered(server).await;
    open_df(server).await;
    server.settle().await;
    let verify = server.get("/api/v1/audit/verify", Some(Role::Auditor)).await;
    assert_eq!(verify.status, StatusCode::OK);
    assert_eq!(verify.body["ok"], true, "{:?}", verify.body);
    assert!(verify.body["checkpoint"].as_str().unwrap().starts_with("autos-checkpoint:v1:"));
    let replay = server.call(Method::POST, "/api/v1/audit/replay", Some(Role::Auditor), Some(&json!({})), &[]).await;
    assert_eq!(replay.status, StatusCode::OK, "{:?}", replay.body);
    assert_eq!(replay.body["equal"], true, "{:?}", replay.body);
}

async fn operational_endpoints_answer(server: &Server) {
    assert_eq!(server.get("/healthz", None).await.status, StatusCode::OK);
    let ready = server.get("/readyz", None).await;
    assert_eq!(ready.status, StatusCode::OK, "{:?}", ready.body);
    assert_eq!(ready.body["detail"]["database"], true);
    assert_problem(&server.get("/api/v1/nada", None).await, StatusCode::NOT_FOUND, "not_found");
    let acts = server.get("/api/v1/acts", None).await;
    assert!(acts.body["items"].as_array().unwrap().iter().any(|a| a["name"] == "instaurar_direcao_fiscal"));
}

async fn demandas_feed_the_dashboard_and_the_complaint_index_with_its_parts_apart(server: &Server) {
    registered(server).await;
    let count = json!({"ano": 2002, "mes": 4, "quantidade": 1000, "occurred_on": "2002-05-10"});
    let answer = server.post(&format!("/api/v1/operators/{REGISTRO}/beneficiaries"), Role::Admin, &count).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    for tipo in ["denuncia", "denuncia", "denuncia", "consulta"] {
        let demanda = json!({"act": "registrar_demanda_disque_ans", "registro": REGISTRO, "tipo": tipo,
            "tema": "aumento_de_mensalidade", "canal": "telefone", "occurred_on": "2002-04-15"});
        let answer = server.post("/api/v1/cases", Role::Atendente, &demanda).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    }
    server.settle().await;
    let dashboard = server.get("/api/v1/dashboard/demandas", None).await;
    let row = &dashboard.body["items"][0];
    assert_eq!((row["tema"].as_str(), row["ano"].as_str()), (Some("Aumento de mensalidade"), Some("2002")));
    assert_eq!((row["consultas"].as_i64(), row["denuncias"].as_i64()), (Some(1), Some(3)));
    let index = server
        .get(&format!("/api/v1/complaint-index?registro={REGISTRO}&mes=2002-04&janela=1&escala=10000"), None)
        .await;
    assert_eq!(index.status, StatusCode::OK, "{:?}", index.body);
    assert_eq!((index.body["numerador"].as_i64(), index.body["denominador"].as_i64()), (Some(3), Some(1000)));
    assert_eq!(index.body["escala"], 10000);
    assert_eq!(index.body["indice"].as_f64(), Some(30.0));
    let bad = server.get(&format!("/api/v1/complaint-index?registro={REGISTRO}&mes=abril"), None).await;
    assert_problem(&bad, StatusCode::BAD_REQUEST, "invalid_input");
}

async fn dashboards_and_the_register_export_as_csv_with_either_separator_and_number_format(server: &Server) {
    // Arrange: an operator with 12.345 members and three demandas, one on a theme with a slash.
    registered(server).await;
    let count = json!({"ano": 2002, "mes": 4, "quantidade": 12345, "occurred_on": "2002-05-10"});
    let answer = server.post(&format!("/api/v1/operators/{REGISTRO}/beneficiaries"), Role::Admin, &count).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    for (tema, tipo) in
        [("contrato_regulamento", "consulta"), ("contrato_regulamento", "denuncia"), ("sus", "consulta")]
    {
        let demanda = json!({"act": "registrar_demanda_disque_ans", "registro": REGISTRO, "tipo": tipo,
            "tema": tema, "canal": "telefone", "occurred_on": "2002-04-15"});
        let answer = server.post("/api/v1/cases", Role::Atendente, &demanda).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    }
    server.settle().await;

    // Act / Assert: commas and plain numbers, as programs read them.
    let plain = server.get("/api/v1/dashboard/demandas?formato=csv", None).await;
    assert_eq!(plain.status, StatusCode::OK, "{}", plain.text);
    assert_eq!(plain.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(plain.headers["content-disposition"], "attachment; filename=\"painel-demandas.csv\"");
    assert_eq!(
        plain.text,
        "Tema,Ano,Consultas,Denúncias\nContrato / regulamento,2002,1,1\nSUS - Sistema Único de Saúde,2002,1,0\n"
    );
    let register = server.get("/api/v1/operators?formato=csv", None).await;
    let lines: Vec<&str> = register.text.lines().collect();
    assert!(lines[0].starts_with("Registro ANS,Razão social,CNPJ,Modalidade,UF,"), "{}", register.text);
    assert!(lines[1].starts_with("326305,Saúde Exemplo S.A.,") && lines[1].contains(",12345,04/2002,"), "{}", lines[1]);

    // Semicolons after a `sep=;` line, and pt-BR numbers: thousands grouped.
    let br = server.get("/api/v1/operators?formato=csv&separador=ponto_e_virgula&numeros=pt_br", None).await;
    assert_eq!(br.headers["content-disposition"], "attachment; filename=\"operadoras.csv\"");
    let lines: Vec<&str> = br.text.lines().collect();
    assert_eq!(lines[0], "sep=;");
    assert!(lines[1].starts_with("Registro ANS;Razão social;CNPJ;Modalidade;UF;"), "{}", br.text);
    assert!(
        lines[2].starts_with("326305;Saúde Exemplo S.A.;") && lines[2].contains(";12.345;04/2002;"),
        "{}",
        lines[2]
    );
    let by_modalidade = server
        .get("/api/v1/dashboard/interventions?formato=csv&tabela=por_modalidade&separador=ponto_e_virgula", None)
        .await;
    assert_eq!(by_modalidade.text, "sep=;\nModalidade;Tipo de ação;Quantidade\n");
    for (name, header) in [("transfers", "Ano,Totais,Parciais"), ("sanctions", "Assunto,Período,Quantidade")] {
        let table = server.get(&format!("/api/v1/dashboard/{name}?formato=csv&numeros=pt_br"), None).await;
        assert_eq!(table.status, StatusCode::OK, "{name}");
        assert_eq!(table.text, format!("{header}\n"), "{name}");
    }

    // CSV options without formato=csv, or pages with it, are refused.
    let bad = server.get("/api/v1/dashboard/sanctions?separador=ponto_e_virgula", None).await;
    assert_problem(&bad, StatusCode::BAD_REQUEST, "invalid_input");
    let bad = server.get("/api/v1/operators?formato=csv&limit=10", None).await;
    assert_problem(&bad, StatusCode::BAD_REQUEST, "invalid_input");
}

autos_e2e::e2e_on_both_backends!(
    dashboards_and_the_register_export_as_csv_with_either_separator_and_number_format,
    demandas_feed_the_dashboard_and_the_complaint_index_with_its_parts_apart,
    an_officer_registers_an_operator_and_decrees_a_direcao_fiscal_seen_in_status_and_timeline,
    an_act_the_rules_forbid_is_a_422_with_rule_id_and_norm_and_stores_nothing,
    roles_are_refused_where_the_matrix_says_so,
    bad_input_is_a_400_and_stores_nothing,
    an_idempotent_retry_returns_the_first_answer_and_appends_nothing,
    two_officers_acting_on_the_same_case_version_get_one_success_and_one_409,
    auditors_verify_the_log_and_the_replay_check_finds_the_read_models_equal,
    operational_endpoints_answer,
);

/// The OpenAPI document describes every route the router serves, with the problem schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_describes_every_route_and_every_documented_route_exists() {
    let server = Server::start(autos_store::testing::sqlite_subject().await).await;
    let spec = server.get("/openapi.json", None).await;
    assert_eq!(spec.status, StatusCode::OK);
    assert!(spec.body["components"]["schemas"]["Problem"]["properties"]["code"].is_object());
    let acts = &spec.body["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ["properties"]["act"]["enum"];
    assert!(acts.as_array().unwrap().iter().any(|a| a == "instaurar_direcao_fiscal"));
    for (method, path) in autos_api::http::openapi::documented() {
        let operation = &spec.body["paths"][path][method.to_lowercase()];
        assert!(operation["responses"].is_object(), "{method} {path} documented");
        let concrete = path.replace("{registro}", "326305").replace("{id}", "01900000-0000-7000-8000-000000000001");
        if path.ends_with("/stream") {
            continue;
        }
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let answer = server.call(method.clone(), &concrete, Some(Role::Admin), Some(&json!({})), &[]).await;
        let routed = answer.body["detail"] != "rota inexistente" && answer.status != StatusCode::METHOD_NOT_ALLOWED;
        assert!(routed, "{method} {path} is served: {:?}", answer.body);
    }
    server.finish().await;
}
