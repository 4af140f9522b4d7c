//! The Parceiros da Cidadania programme through the HTTP API, on both backends: a partner from
//! registration to a bulletin issued and dispatched, the programme's refusals (422 with rule id
//! and norm), bad input (400, nothing stored), stale versions (409), idempotent registration,
//! the issued bulletin unchanged by a full rebuild of the read models, the agreements in force as
//! CSV (formula cells neutralised) and on the public map, and the role matrix.

use autos_domain::Role;
use autos_e2e::{Answer, Server};
use autos_projections::runner;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn partner_body() -> Value {
    json!({
        "tipo": "ministerio_publico", "nome": "Ministério Público do Estado de Minas Gerais", "uf": "MG",
        "municipio": "Belo Horizonte", "contatos": {"email": "ouvidoria@mpmg.mp.br"},
        "responsavel": {"nome": "Ana Paula Souza", "contato": "ana.souza@mpmg.mp.br"},
        "occurred_on": "2024-01-05"
    })
}

fn agreement(numero: &str, inicio: &str, fim: &str, on: &str) -> Value {
    json!({
        "act": "assinar_acordo", "numero": numero, "assinatura": "2024-01-10", "vigencia_inicio": inicio,
        "vigencia_fim": fim, "obrigacoes": ["reunioes", "informacao_trimestral_do_parceiro", "boletim_trimestral_da_ans"],
        "documento": format!("{numero} (SEI 33910.000001/2024-11)"), "occurred_on": on
    })
}

fn assert_created(answer: &Answer) {
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
}

fn assert_problem(answer: &Answer, status: StatusCode, code: &str) {
    assert_eq!(answer.status, status, "{:?}", answer.body);
    assert_eq!(answer.body["code"], code, "{:?}", answer.body);
    assert_eq!(answer.headers["content-type"], "application/problem+json");
}

fn assert_rule(answer: &Answer, rule_id: &str) {
    assert_problem(answer, StatusCode::UNPROCESSABLE_ENTITY, "rule_violation");
    assert_eq!(answer.body["rule_id"], rule_id, "{:?}", answer.body);
    assert!(answer.body["norm"].as_str().is_some_and(|n| n.contains("Lei 9.961/2000")), "{:?}", answer.body);
}

/// Registers the partner; its id.
async fn registered(server: &Server) -> String {
    let answer = server.post("/api/v1/parceiros", Role::Fiscal, &partner_body()).await;
    assert_created(&answer);
    answer.body["parceiro_id"].as_str().unwrap().to_owned()
}

/// The partner with an agreement signed and published.
async fn with_agreement(server: &Server) -> String {
    let id = registered(server).await;
    let acts = format!("/api/v1/parceiros/{id}/atos");
    assert_created(
        &server.post(&acts, Role::Fiscal, &agreement("ACT 12/2024", "2024-02-01", "2025-01-31", "2024-01-10")).await,
    );
    let publish = json!({"act": "publicar_acordo", "acordo": "act-12-2024", "data": "2024-01-20",
        "documento": "Extrato DOU 20/01/2024", "occurred_on": "2024-01-20"});
    assert_created(&server.post(&acts, Role::Diretoria, &publish).await);
    id
}

autos_e2e::e2e_on_both_backends!(
    async fn a_partner_goes_from_registration_to_a_bulletin_issued_and_dispatched(server: &Server) {
        let id = with_agreement(server).await;
        let acts = format!("/api/v1/parceiros/{id}/atos");
        let item = json!({"act": "incluir_item_boletim", "item_id": "0190a6b2-6d1c-7f00-8000-00000000a001",
            "trimestre": "2024-T1", "tipo": "documento_relevante", "titulo": "RN 595/2024 (tratamento de demandas)",
            "data": "2024-02-15", "occurred_on": "2024-02-15"});
        assert_created(&server.post("/api/v1/programa-parceiros/atos", Role::Fiscal, &item).await);
        let meeting = json!({"act": "registrar_cumprimento_obrigacao", "acordo": "ACT 12/2024", "obrigacao": "reunioes",
            "data": "2024-03-10", "trimestre": "2024-T1", "descricao": "Reunião de alinhamento em Belo Horizonte",
            "documento": "Ata 1/2024", "occurred_on": "2024-03-10"});
        assert_created(&server.post(&acts, Role::Fiscal, &meeting).await);
        let info = json!({"act": "registrar_informacao_trimestral", "acordo": "ACT 12/2024", "trimestre": "2024-T1",
            "linhas": [{"registro": "326305", "tema": "cobertura_assistencial", "quantidade": 3}],
            "documento": "Ofício MPMG 40/2024", "occurred_on": "2024-04-05"});
        assert_created(&server.post(&acts, Role::Fiscal, &info).await);

        let supplied = json!({"act": "emitir_boletim", "acordo": "ACT 12/2024", "trimestre": "2024-T1",
            "conteudo": {"x": 1}, "sha256": "0".repeat(64), "occurred_on": "2024-04-10"});
        assert_problem(&server.post(&acts, Role::Fiscal, &supplied).await, StatusCode::BAD_REQUEST, "invalid_input");
        let issue = json!({"act": "emitir_boletim", "acordo": "ACT 12/2024", "trimestre": "2024-T1", "occurred_on": "2024-04-10"});
        assert_created(&server.post(&acts, Role::Fiscal, &issue).await);
        let dispatch = json!({"act": "registrar_envio_boletim", "acordo": "ACT 12/2024", "trimestre": "2024-T1",
            "data": "2024-04-11", "canal": "email", "documento": "E-mail de 11/04/2024", "occurred_on": "2024-04-11"});
        assert_created(&server.post(&acts, Role::Fiscal, &dispatch).await);
        server.settle().await;

        let partner = server.get(&format!("/api/v1/parceiros/{id}"), Some(Role::Auditor)).await;
        assert_eq!(partner.status, StatusCode::OK, "{:?}", partner.body);
        assert_eq!((partner.body["uf"].clone(), partner.body["regiao"].clone()), (json!("MG"), json!("Sudeste")));
        assert_eq!(partner.body["responsavel_registrado"], true);
        assert!(!partner.text.contains("Ana Paula"), "the contact person is never in clear: {}", partner.text);
        let acordo = &partner.body["acordos"][0];
        assert_eq!(acordo["situacao"], "expirado", "{acordo}");
        let t1 = &acordo["trimestres"][0];
        assert_eq!(t1["trimestre"], "2024-T1");
        let situations: Vec<&str> =
            t1["obrigacoes"].as_array().unwrap().iter().map(|o| o["situacao"].as_str().unwrap()).collect();
        assert_eq!(situations, ["cumprida", "cumprida", "cumprida"], "{t1}");
        assert_eq!(acordo["trimestres"][1]["obrigacoes"][1]["situacao"], "atrasada", "{acordo}");
        let events = server.get("/api/v1/eventos?limit=500", Some(Role::Auditor)).await;
        assert!(!events.text.contains("Ana Paula"), "sealed in the log too");

        let bulletin = server.get(&format!("/api/v1/parceiros/{id}/boletins/2024-T1"), Some(Role::Auditor)).await;
        assert_eq!(bulletin.status, StatusCode::OK, "{:?}", bulletin.body);
        let conteudo = &bulletin.body["conteudo"];
        assert_eq!(conteudo["informacoes_da_ans"]["uf"], "MG", "{conteudo}");
        assert_eq!(conteudo["acoes_e_documentos_da_ans"][0]["titulo"], "RN 595/2024 (tratamento de demandas)");
        assert_eq!(conteudo["informacoes_do_parceiro"]["informacao"]["linhas"][0]["quantidade"], 3);
        assert!(conteudo["informacoes_do_parceiro"]["apresentacao"].as_str().unwrap().contains("em complemento"));
        assert_eq!(bulletin.body["sha256"], autos_app::parceiros::digest(conteudo));
        assert_eq!(bulletin.body["envios"][0]["canal"], "email");

        let in_force = server.get("/api/v1/parceiros/acordos?vigentes_em=2024-06-30&uf=MG", Some(Role::Fiscal)).await;
        assert_eq!(in_force.body["items"][0]["numero"], "ACT 12/2024", "{:?}", in_force.body);
        assert_eq!(in_force.body["items"][0]["uf"], "MG");
        for (query, n) in
            [("vigentes_em=2025-02-01", 0), ("vigentes_em=2024-06-30&uf=SP", 0), ("vigentes_em=2024-02-01", 1)]
        {
            let answer = server.get(&format!("/api/v1/parceiros/acordos?{query}"), Some(Role::Auditor)).await;
            assert_eq!(answer.body["items"].as_array().map(Vec::len), Some(n), "{query}: {:?}", answer.body);
        }
        let list = server.get("/api/v1/parceiros?uf=MG", Some(Role::Diretoria)).await;
        assert_eq!(list.body["items"][0]["parceiro_id"], id.as_str(), "{:?}", list.body);
        let other_uf = server.get("/api/v1/parceiros?uf=SP", Some(Role::Diretoria)).await;
        assert_eq!(other_uf.body["items"], json!([]));
        let items = server.get("/api/v1/programa-parceiros/itens?trimestre=2024-T1", Some(Role::Auditor)).await;
        assert_eq!(items.body["items"].as_array().map(Vec::len), Some(1), "{:?}", items.body);

        // A full rebuild of the read models shows the issued bulletin exactly as it was.
        runner::rebuild(server.store().as_ref(), &autos_projections::models::Estado, &|_| {}).await.unwrap();
        server.settle().await;
        let rebuilt = server.get(&format!("/api/v1/parceiros/{id}/boletins/2024-T1"), Some(Role::Auditor)).await;
        assert_eq!(rebuilt.body, bulletin.body);
    }

    async fn the_programme_rules_refuse_with_their_rule_and_norm(server: &Server) {
        let id = with_agreement(server).await;
        let acts = format!("/api/v1/parceiros/{id}/atos");
        let before = server.event_count().await;
        let second = agreement("ACT 13/2024", "2024-06-01", "2025-05-31", "2024-05-20");
        assert_rule(&server.post(&acts, Role::Fiscal, &second).await, "acordo.segundo_acordo_vigente");
        let late = json!({"act": "renovar_acordo", "acordo": "ACT 12/2024", "nova_vigencia_fim": "2026-01-31",
            "documento": "Termo aditivo 1", "occurred_on": "2025-03-01"});
        assert_rule(&server.post(&acts, Role::Fiscal, &late).await, "acordo.renovacao_apos_vigencia");
        let early = json!({"act": "emitir_boletim", "acordo": "ACT 12/2024", "trimestre": "2024-T2", "occurred_on": "2024-06-10"});
        assert_rule(&server.post(&acts, Role::Fiscal, &early).await, "boletim.trimestre_nao_encerrado");
        assert_eq!(server.event_count().await, before, "refused acts store nothing");

        let end = json!({"act": "encerrar_acordo", "acordo": "ACT 12/2024", "data": "2024-09-01",
            "motivo": "Denúncia pelo parceiro", "documento": "Ofício 77/2024", "occurred_on": "2024-09-01"});
        assert_created(&server.post(&acts, Role::Diretoria, &end).await);
        let meeting = json!({"act": "registrar_cumprimento_obrigacao", "acordo": "ACT 12/2024", "obrigacao": "reunioes",
            "data": "2024-09-10", "trimestre": "2024-T3", "descricao": "Reunião", "documento": "Ata 9", "occurred_on": "2024-09-10"});
        assert_rule(&server.post(&acts, Role::Fiscal, &meeting).await, "acordo.encerrado");
        server.settle().await;
        let partner = server.get(&format!("/api/v1/parceiros/{id}"), Some(Role::Fiscal)).await;
        assert_eq!(partner.body["acordos"][0]["situacao"], "encerrado");
        assert_eq!(partner.body["acordos"][0]["ultimo_dia"], "2024-08-31");
    }

    async fn bad_input_is_a_400_stale_versions_a_409_and_a_repeated_registration_one_partner(server: &Server) {
        let id = with_agreement(server).await;
        let acts = format!("/api/v1/parceiros/{id}/atos");
        let before = server.event_count().await;
        let malformed = server.post_raw(&acts, Role::Fiscal, "application/json", b"{\"act\": ".to_vec()).await;
        assert_problem(&malformed, StatusCode::BAD_REQUEST, "invalid_input");
        let bodies = [
            json!({"act": "publicar_acordo", "acordo": "ACT 12/2024", "data": "ontem", "documento": "DOU"}),
            json!({"act": "registrar_envio_boletim", "acordo": "ACT 12/2024", "trimestre": "2024-T9", "data": "2024-04-11",
                "canal": "email", "documento": "x"}),
            json!({"act": "publicar_acordo", "acordo": "ACT 12/2024", "data": "2024-01-20", "documento": "DOU", "campo": 1}),
            json!({"act": "cadastrar_parceiro", "tipo": "procon", "nome": "Procon", "uf": "SP"}),
            json!({"act": "ato_inexistente"}),
        ];
        for body in &bodies {
            assert_problem(&server.post(&acts, Role::Fiscal, body).await, StatusCode::BAD_REQUEST, "invalid_input");
        }
        let mut no_uf = partner_body();
        no_uf["uf"] = json!("XX");
        assert_problem(
            &server.post("/api/v1/parceiros", Role::Fiscal, &no_uf).await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        );
        let mut sealed = partner_body();
        sealed["responsavel"] = json!({"subject_id": "6d1f6a2e-5b1a-4f7e-9a53-0f3c2b9d7e11", "ciphertext": "AAAA"});
        assert_problem(
            &server.post("/api/v1/parceiros", Role::Fiscal, &sealed).await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        );
        assert_problem(
            &server.get("/api/v1/parceiros/nao-e-uuid", Some(Role::Fiscal)).await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        );
        assert_eq!(server.event_count().await, before, "bad input stores nothing");

        let meeting = json!({"act": "registrar_cumprimento_obrigacao", "acordo": "ACT 12/2024", "obrigacao": "reunioes",
            "data": "2024-03-10", "trimestre": "2024-T1", "descricao": "Reunião", "documento": "Ata 1", "occurred_on": "2024-03-10"});
        let stale =
            server.call(Method::POST, &acts, Some(Role::Fiscal), Some(&meeting), &[("if-match", "\"1\"")]).await;
        assert_problem(&stale, StatusCode::CONFLICT, "version_conflict");
        server.settle().await;
        let etag = server.get(&format!("/api/v1/parceiros/{id}"), Some(Role::Fiscal)).await.headers["etag"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(etag, "\"3\"");
        assert_created(
            &server.call(Method::POST, &acts, Some(Role::Fiscal), Some(&meeting), &[("if-match", &etag)]).await,
        );

        let key = [("idempotency-key", "parceiro-procon-sp-1")];
        let procon = json!({"tipo": "procon", "nome": "Procon-SP", "uf": "SP", "occurred_on": "2024-01-05"});
        let first = server.call(Method::POST, "/api/v1/parceiros", Some(Role::Fiscal), Some(&procon), &key).await;
        assert_created(&first);
        let count = server.event_count().await;
        let again = server.call(Method::POST, "/api/v1/parceiros", Some(Role::Fiscal), Some(&procon), &key).await;
        assert_eq!(again.body["parceiro_id"], first.body["parceiro_id"], "{:?}", again.body);
        assert_eq!(server.event_count().await, count, "the repeated request appends nothing");
    }

    async fn the_agreements_in_force_on_a_day_are_a_csv_whose_cells_never_run_as_formulas(server: &Server) {
        with_agreement(server).await;
        let mut formula = partner_body();
        formula["nome"] = json!("=HYPERLINK(\"http://x\",\"Procon\")");
        formula["uf"] = json!("BA");
        let answer = server.post("/api/v1/parceiros", Role::Fiscal, &formula).await;
        assert_created(&answer);
        let other = answer.body["parceiro_id"].as_str().unwrap().to_owned();
        let sign = agreement("ACT 2/2024", "2024-03-01", "2026-02-28", "2024-02-20");
        assert_created(&server.post(&format!("/api/v1/parceiros/{other}/atos"), Role::Fiscal, &sign).await);
        server.settle().await;
        let csv = server.get("/api/v1/parceiros/acordos?vigentes_em=2024-06-30&format=csv", Some(Role::Auditor)).await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
        assert!(csv.headers["content-disposition"].to_str().unwrap().contains("acordos-parceiros-da-cidadania.csv"));
        let lines: Vec<&str> = csv.text.lines().collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(
            lines[1].starts_with("30/06/2024,BA,Nordeste,\"'=HYPERLINK("),
            "the formula is written as text: {lines:?}"
        );
        assert!(lines[2].contains("MG,Sudeste,Ministério Público do Estado de Minas Gerais"), "{lines:?}");
        // The public page answers the same file without sign-in; a day before both agreements, none.
        let public = server.get("/publico/parceiros?data=2024-06-30&uf=MG&format=csv", None).await;
        assert_eq!(public.text.lines().count(), 2, "{}", public.text);
        let before = server.get("/publico/parceiros?data=2024-01-31&format=csv", None).await;
        assert_eq!(before.text.lines().count(), 1, "only the header: {}", before.text);
        let map = server.get("/publico/parceiros?data=2024-06-30", None).await;
        assert!(
            map.text.contains("id=\"uf-BA\" data-quantidade=\"1\"")
                && map.text.contains("id=\"uf-MG\" data-quantidade=\"1\"")
        );
        let wrong = server.get("/api/v1/parceiros/acordos?separator=semicolon", Some(Role::Auditor)).await;
        assert_problem(&wrong, StatusCode::BAD_REQUEST, "invalid_input");
    }

    async fn only_fiscal_and_diretoria_act_and_auditors_read(server: &Server) {
        let id = with_agreement(server).await;
        server.settle().await;
        let reads = [
            "/api/v1/parceiros".to_owned(),
            format!("/api/v1/parceiros/{id}"),
            "/api/v1/parceiros/acordos?vigentes_em=2024-06-30".to_owned(),
            "/api/v1/programa-parceiros/itens".to_owned(),
        ];
        for role in Role::ALL {
            let reader = [Role::Fiscal, Role::Diretoria, Role::Auditor].contains(&role);
            for path in &reads {
                let answer = server.get(path, Some(role)).await;
                if reader {
                    assert_eq!(answer.status, StatusCode::OK, "{role:?} {path}: {:?}", answer.body);
                } else {
                    assert_problem(&answer, StatusCode::FORBIDDEN, "forbidden");
                }
            }
            let writer = [Role::Fiscal, Role::Diretoria].contains(&role);
            let mut body = partner_body();
            body["nome"] = json!(format!("Procon {}", role.as_str()));
            let register = server.post("/api/v1/parceiros", role, &body).await;
            let item = json!({"act": "incluir_item_boletim", "item_id": uuid::Uuid::now_v7(), "trimestre": "2024-T1",
                "tipo": "acao_ans", "titulo": "Ação", "data": "2024-02-15", "occurred_on": "2024-02-15"});
            let programme = server.post("/api/v1/programa-parceiros/atos", role, &item).await;
            let publish = json!({"act": "encerrar_acordo", "acordo": "ACT 12/2024", "data": "2024-09-01",
                "motivo": "Fim", "documento": "Ofício", "occurred_on": "2024-09-01"});
            let act = server.post(&format!("/api/v1/parceiros/{id}/atos"), role, &publish).await;
            for answer in [register, programme] {
                if writer {
                    assert_created(&answer);
                } else {
                    assert_problem(&answer, StatusCode::FORBIDDEN, "forbidden");
                }
            }
            if !writer {
                assert_problem(&act, StatusCode::FORBIDDEN, "forbidden");
            }
        }
        assert_problem(&server.get("/api/v1/parceiros", None).await, StatusCode::UNAUTHORIZED, "unauthenticated");
    }
);
