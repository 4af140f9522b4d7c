//! The pages in headless Chromium: sign in with a token, find an operator, open its page with
//! the timeline, file an act on a case page and see it listed, see a refused act's message in
//! Portuguese, and the audit page. Screenshots land in `target/screenshots/`.

use autos_domain::Role;
use autos_e2e::browser::Browser;
use autos_e2e::Server;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_signs_in_finds_an_operator_files_an_act_and_sees_a_refusal() {
    let server = Server::start(autos_store::testing::sqlite_subject().await).await;
    let register = json!({"registro": "326305", "cnpj": "11.222.333/0001-81", "razao_social": "Saúde Exemplo S.A.",
        "modalidade": "medicina_de_grupo", "uf": "SP", "registro_provisorio": false, "occurred_on": "2001-06-01"});
    assert_eq!(server.post("/api/v1/operators", Role::Admin, &register).await.status, StatusCode::CREATED);
    let decree = json!({"act": "instaurar_direcao_fiscal", "registro": "326305", "motivos": ["insuficiência de garantias"],
        "diretor_fiscal": "diretor", "documento": "RO 1/2002", "occurred_on": "2002-03-01"});
    let opened = server.post("/api/v1/cases", Role::Diretoria, &decree).await;
    let case_id = opened.body["case_id"].as_str().unwrap().to_owned();
    server.settle().await;

    let browser = Browser::start().await;
    let base = &server.base;
    browser.goto(&format!("{base}/entrar")).await;
    browser.fill("#token", &server.tokens[&Role::Diretoria]).await;
    browser.click("button[type=submit]").await;
    assert!(browser.wait_for_text("header", "Servidor diretoria").await.contains("Servidor diretoria"), "signed in");

    browser.fill("input[name=q]", "exemplo").await;
    browser.click("form.linha button").await;
    browser.screenshot("operadoras").await;
    browser.click("td a[href='/operadoras/326305']").await;
    let timeline = browser.wait_for_text("#linha-do-tempo", "RO 1/2002").await;
    assert!(timeline.contains("regime especial instaurado") && timeline.contains("RO 1/2002"), "{timeline}");
    browser.screenshot("operadora").await;

    browser.goto(&format!("{base}/casos/{case_id}")).await;
    browser.click("select[name=ato] option[value=renovar_regime]").await;
    browser.set("input[name=data]", "2003-02-20").await;
    browser
        .fill(
            "textarea[name=campos]",
            r#"{"vigencia_dias": 365, "justificativa": "acompanhamento presencial", "documento": "RO 5/2003"}"#,
        )
        .await;
    browser.click("form[method=post] button").await;
    let acts = browser.wait_for_text("#atos", "regime especial renovado").await;
    assert!(acts.contains("regime especial renovado"), "the new act is listed: {acts}");
    browser.screenshot("caso-ato-registrado").await;

    browser.click("select[name=ato] option[value=renovar_regime]").await;
    browser.fill("textarea[name=campos]", r#"{"vigencia_dias": "muitos"}"#).await;
    browser.click("form[method=post] button").await;
    let invalid = browser.wait_for_text("#erro-ato", "valor inválido").await;
    assert!(invalid.contains("valor inválido"), "bad input is explained: {invalid}");

    browser.click("select[name=ato] option[value=decidir_programa_saneamento]").await;
    browser.set("input[name=data]", "2003-02-21").await;
    browser.fill("textarea[name=campos]", r#"{"aprovado": true, "fundamentacao": "metas atingidas"}"#).await;
    browser.click("form[method=post] button").await;
    let refusal = browser.wait_for_text("#erro-ato", "regra ").await;
    assert!(refusal.contains("regra "), "a refusal by law names its rule and norm: {refusal}");
    browser.screenshot("caso-ato-recusado").await;

    browser.goto(&format!("{base}/sair")).await;
    browser.goto(&format!("{base}/entrar")).await;
    browser.fill("#token", &server.tokens[&Role::Auditor]).await;
    browser.click("button[type=submit]").await;
    assert!(browser.wait_for_text("header", "Servidor auditor").await.contains("Servidor auditor"));
    browser.goto(&format!("{base}/auditoria")).await;
    assert!(browser.wait_for_text("#checkpoint", "autos-checkpoint:v1:").await.starts_with("autos-checkpoint:v1:"));
    browser.screenshot("auditoria").await;
    browser.quit().await;
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_sees_the_bulletin_and_the_complaint_index_without_signing_in() {
    let server = Server::start(autos_store::testing::sqlite_subject().await).await;
    let register = json!({"registro": "326305", "cnpj": "11.222.333/0001-81", "razao_social": "Saúde Exemplo S.A.",
        "modalidade": "medicina_de_grupo", "uf": "SP", "registro_provisorio": false, "occurred_on": "2001-06-01"});
    assert_eq!(server.post("/api/v1/operators", Role::Admin, &register).await.status, StatusCode::CREATED);
    for (mes, quantidade) in [(7, 2000), (8, 2000), (9, 2000)] {
        let count = json!({"ano": 2002, "mes": mes, "quantidade": quantidade, "occurred_on": "2002-10-10"});
        let answer = server.post("/api/v1/operators/326305/beneficiaries", Role::Admin, &count).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    }
    for tipo in ["denuncia", "denuncia", "consulta"] {
        let demanda = json!({"act": "registrar_demanda_disque_ans", "registro": "326305", "tipo": tipo,
            "tema": "aumento_de_mensalidade", "canal": "telefone", "occurred_on": "2002-08-12"});
        assert_eq!(server.post("/api/v1/cases", Role::Atendente, &demanda).await.status, StatusCode::CREATED);
    }
    server.settle().await;

    let browser = Browser::start().await;
    let base = &server.base;
    browser.goto(&format!("{base}/publico")).await;
    let heading = browser.wait_for_text("h1", "3º trimestre de 2002").await;
    assert!(heading.contains("SP, 3º trimestre de 2002"), "the latest quarter with demandas is shown: {heading}");
    // 2 denúncias × 10.000 ÷ 2.000 beneficiaries on average = 10,00.
    let index = browser.wait_for_text("#indice", "10,00").await;
    assert!(index.contains("Saúde Exemplo S.A.") && index.contains("2.000,0"), "{index}");
    let themes = browser.wait_for_text(".temas", "Aumento de mensalidade").await;
    assert!(themes.contains("Aumento de mensalidade"), "{themes}");
    browser.screenshot("publico-boletim").await;
    browser.click("select[name=uf] option[value=BA]").await;
    browser.click("form.linha button").await;
    let other = browser.wait_for_text("h1", "BA").await;
    assert!(other.contains("BA, 3º trimestre de 2002"), "{other}");
    browser.quit().await;
    server.finish().await;
}
