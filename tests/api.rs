//! The HTTP API end to end, on both backends: success paths, every error code, the role
//! matrix, bad input that stores nothing, idempotent retries and concurrent acts.

use autos_api::http::openapi::Access;
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
    let answer = server.post("/api/v1/operadoras", Role::Administrador, &operator_body()).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
}

async fn open_df(server: &Server) -> String {
    let answer = server.post("/api/v1/casos", Role::Diretoria, &df_body("RO 1/2002")).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    answer.body["case_id"].as_str().unwrap().to_owned()
}

fn assert_problem(answer: &autos_e2e::Answer, status: StatusCode, code: &str) {
    assert_eq!(answer.status, status, "{:?}", answer.body);
    assert_eq!(answer.body["code"], code, "{:?}", answer.body);
    assert_eq!(answer.headers["content-type"], "application/problem+json");
}

autos_e2e::e2e_on_both_backends!(
    async fn a_nip_seals_the_beneficiary_opens_it_only_for_roles_that_need_it_and_counts_in_the_index(server: &Server) {
        registered(server).await;
        let count = json!({"ano": 2017, "mes": 5, "quantidade": 4000, "occurred_on": "2017-06-10"});
        assert_eq!(
            server
                .post(&format!("/api/v1/operadoras/{REGISTRO}/beneficiarios"), Role::Administrador, &count)
                .await
                .status,
            StatusCode::CREATED
        );
        let nip = |beneficiario: Value| {
            json!({"act": "registrar_reclamacao_nip", "registro": REGISTRO, "canal": "telefone",
                "protocolo_operadora": "2017-000123", "tema": "cobertura_assistencial", "beneficiario": beneficiario,
                "occurred_on": "2017-05-02"})
        };
        let before = server.event_count().await;
        let already_sealed = server
            .post(
                "/api/v1/casos",
                Role::Atendente,
                &nip(json!({"subject_id": "6d1f6a2e-5b1a-4f7e-9a53-0f3c2b9d7e11", "ciphertext": "AAAA"})),
            )
            .await;
        assert_problem(&already_sealed, StatusCode::BAD_REQUEST, "invalid_input");
        let empty = server.post("/api/v1/casos", Role::Atendente, &nip(json!({"nome": "  "}))).await;
        assert_problem(&empty, StatusCode::BAD_REQUEST, "invalid_input");
        let mut unknown = nip(json!({"nome": "Maria da Silva"}));
        unknown["campo_estranho"] = json!(1);
        assert_problem(
            &server.post("/api/v1/casos", Role::Atendente, &unknown).await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        );
        assert_eq!(server.event_count().await, before, "refused acts store nothing");

        let person = json!({"nome": "Maria da Silva", "cpf": "123.456.789-09", "contato": "maria@example.org"});
        let opened = server.post("/api/v1/casos", Role::Atendente, &nip(person.clone())).await;
        assert_eq!(opened.status, StatusCode::CREATED, "{:?}", opened.body);
        let case_id = opened.body["case_id"].as_str().unwrap().to_owned();
        let events = server.get(&format!("/api/v1/casos/{case_id}/eventos"), Some(Role::Auditor)).await;
        let payload = events.body["items"][0]["payload"].as_str().unwrap().to_owned();
        assert!(!payload.contains("Maria") && !payload.contains("123.456"), "only ciphertext in the log: {payload}");
        let payload: Value = serde_json::from_str(&payload).unwrap();
        let subject = payload["beneficiario"]["subject_id"].as_str().unwrap().to_owned();

        let path = format!("/api/v1/casos/{case_id}/dados-pessoais?finalidade=apurar%20a%20reclama%C3%A7%C3%A3o");
        let read = server.get(&path, Some(Role::Fiscal)).await;
        assert_eq!(read.status, StatusCode::OK, "{:?}", read.body);
        assert_eq!(read.body["items"][0]["dados"], person);
        assert_eq!(read.body["items"][0]["campo"], "beneficiario");
        assert_problem(&server.get(&path, Some(Role::Auditor)).await, StatusCode::FORBIDDEN, "forbidden");
        assert_problem(&server.get(&path, None).await, StatusCode::UNAUTHORIZED, "unauthenticated");
        let no_purpose = server.get(&format!("/api/v1/casos/{case_id}/dados-pessoais"), Some(Role::Fiscal)).await;
        assert_problem(&no_purpose, StatusCode::BAD_REQUEST, "invalid_input");

        server.settle().await;
        let index = server.get(&format!("/api/v1/indice-reclamacoes?registro={REGISTRO}&mes=2017-05"), None).await;
        assert_eq!((index.body["numerador"].as_i64(), index.body["denominador"].as_i64()), (Some(1), Some(4000)));

        let provenance = autos_store::Provenance {
            actor_id: uuid::Uuid::new_v4(),
            actor_role: "admin".into(),
            correlation_id: None,
            causation_id: None,
            command: None,
        };
        let subject = uuid::Uuid::parse_str(&subject).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2017, 7, 1).unwrap();
        autos_store::personal::forget(
            server.store().as_ref(),
            subject,
            provenance,
            "Lei 13.709/2018 art. 18, VI",
            today,
        )
        .await
        .unwrap();
        let after = server.get(&path, Some(Role::Fiscal)).await;
        assert_eq!(after.status, StatusCode::OK);
        assert_eq!(after.body["items"][0]["dados"], Value::Null, "forgotten: unreadable everywhere");
    }

    async fn the_quarterly_bulletin_ranks_themes_and_operators_by_scope_and_lists_the_acts_published(server: &Server) {
        registered(server).await;
        let other = json!({"registro": "000701", "cnpj": "11.444.777/0001-61", "razao_social": "Carioca Saúde",
            "modalidade": "medicina_de_grupo", "uf": "RJ", "registro_provisorio": false, "occurred_on": "2001-06-01"});
        assert_eq!(server.post("/api/v1/operadoras", Role::Administrador, &other).await.status, StatusCode::CREATED);
        // Registered as the seed report lists operators: region and municipality, no UF.
        let regional_only = json!({"registro": "000702", "razao_social": "Mineira Saúde", "modalidade": "medicina_de_grupo",
            "regiao": "sudeste", "municipio": "BELO HORIZONTE", "registro_provisorio": false, "occurred_on": "2001-06-01"});
        let answer = server.post("/api/v1/operadoras", Role::Administrador, &regional_only).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        let demandas = [
            (REGISTRO, "denuncia", "cobertura_assistencial"),
            (REGISTRO, "consulta", "cobertura_assistencial"),
            (REGISTRO, "consulta", "carencia"),
            ("000701", "consulta", "reembolso"),
            ("000702", "consulta", "reembolso"),
        ];
        for (registro, tipo, tema) in demandas {
            let demanda = json!({"act": "registrar_demanda_disque_ans", "registro": registro, "tipo": tipo,
                "tema": tema, "canal": "telefone", "occurred_on": "2002-05-15"});
            let answer = server.post("/api/v1/casos", Role::Atendente, &demanda).await;
            assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        }
        let mut decree = df_body("RO 7/2002");
        decree["occurred_on"] = json!("2002-06-03");
        assert_eq!(server.post("/api/v1/casos", Role::Diretoria, &decree).await.status, StatusCode::CREATED);
        server.settle().await;

        let sp = server.get("/api/v1/boletins/SP/2002/2", None).await;
        assert_eq!(sp.status, StatusCode::OK, "{:?}", sp.body);
        assert_eq!((sp.body["de"].as_str(), sp.body["ate"].as_str()), (Some("2002-04-01"), Some("2002-06-30")));
        assert_eq!(sp.body["regiao"], "Sudeste");
        let top = &sp.body["nacional"]["temas"][0];
        assert_eq!(
            (top["tema"].as_str(), top["consultas"].as_i64(), top["denuncias"].as_i64()),
            (Some("Cobertura assistencial"), Some(1), Some(1))
        );
        assert_eq!(sp.body["nacional"]["temas"].as_array().unwrap().len(), 3);
        assert_eq!(
            sp.body["regional"]["operadoras"].as_array().unwrap().len(),
            3,
            "SP, RJ and the operator registered only as Sudeste"
        );
        assert_eq!(
            sp.body["estadual"]["operadoras"],
            json!([{"registro": REGISTRO, "razao_social": "Saúde Exemplo S.A.", "demandas": 3, "reclamacoes": 1}])
        );
        assert_eq!(sp.body["indice_de_reclamacoes"], json!([]), "no beneficiary count informed: no index");
        assert_eq!(sp.body["atos_nacionais"]["regime_especial.instaurado"], 1);
        assert_eq!(sp.body["atos_na_uf"][0]["document_ref"], "RO 7/2002");

        let ba = server.get("/api/v1/boletins/BA/2002/2?limite=1", None).await;
        assert_eq!(ba.body["nacional"]["temas"].as_array().unwrap().len(), 1);
        assert_eq!((ba.body["estadual"]["temas"].clone(), ba.body["atos_na_uf"].clone()), (json!([]), json!([])));
        let next_quarter = server.get("/api/v1/boletins/SP/2002/3", None).await;
        assert_eq!(next_quarter.body["nacional"]["operadoras"], json!([]));
        for bad in ["/api/v1/boletins/XX/2002/2", "/api/v1/boletins/SP/2002/5", "/api/v1/boletins/SP/dois/2"] {
            assert_problem(&server.get(bad, None).await, StatusCode::BAD_REQUEST, "invalid_input");
        }
    }

    async fn a_direcao_fiscal_freezes_its_administrators_assets_listed_by_person_to_officers_only(server: &Server) {
        registered(server).await;
        let person = "6d1f6a2e-5b1a-4f7e-9a53-0f3c2b9d7e11";
        let admin = json!({"act": "registrar_administrador", "administrador_id": person, "nome": "Carlos Diretor",
            "cargo": "diretor presidente", "inicio": "2001-06-01", "occurred_on": "2001-06-01"});
        let answer = server.post(&format!("/api/v1/operadoras/{REGISTRO}/atos"), Role::Administrador, &admin).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        open_df(server).await;
        server.settle().await;
        let freezes = server.get(&format!("/api/v1/indisponibilidades?pessoa={person}"), Some(Role::Fiscal)).await;
        assert_eq!(freezes.status, StatusCode::OK, "{:?}", freezes.body);
        let items = freezes.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!(
            (items[0]["nome"].as_str(), items[0]["registro"].as_str()),
            (Some("Carlos Diretor"), Some(REGISTRO))
        );
        assert_eq!(items[0]["phase"], "imposta");
        let other = server.get("/api/v1/indisponibilidades?registro=000701", Some(Role::Auditor)).await;
        assert_eq!(other.body["items"], json!([]));
        let refused = server.get("/api/v1/indisponibilidades", Some(Role::Atendente)).await;
        assert_problem(&refused, StatusCode::FORBIDDEN, "forbidden");
    }

    async fn an_authorised_voluntary_transfer_counts_in_the_transfers_dashboard_by_year_and_scope(server: &Server) {
        registered(server).await;
        let acquirer = json!({"registro": "000701", "cnpj": "11.444.777/0001-61", "razao_social": "Adquirente S.A.",
            "modalidade": "medicina_de_grupo", "uf": "RJ", "registro_provisorio": false, "occurred_on": "2001-06-01"});
        let answer = server.post("/api/v1/operadoras", Role::Administrador, &acquirer).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        let request = json!({"act": "requerer_alienacao_voluntaria", "registro": REGISTRO, "adquirente": "000701",
            "abrangencia": "parcial", "beneficiarios": 1200, "data_pretendida": "2017-06-30", "documento": "Ofício 1",
            "occurred_on": "2017-05-02"});
        let opened = server.post("/api/v1/casos", Role::Fiscal, &request).await;
        assert_eq!(opened.status, StatusCode::CREATED, "{:?}", opened.body);
        let case_id = opened.body["case_id"].as_str().unwrap().to_owned();
        let acts = [
            (
                Role::Diretoria,
                json!({"act": "decidir_alienacao_voluntaria", "autorizada": true, "adquirente": "000701",
                "fundamentacao": "requisitos atendidos", "documento": "Decisão 2", "occurred_on": "2017-05-20"}),
            ),
            (
                Role::Fiscal,
                json!({"act": "comprovar_transferencia_carteira", "adquirentes": ["000701"], "beneficiarios": 1200,
                "nova_carencia": false, "aniversario_mantido": true, "documento": "Termo 1", "occurred_on": "2017-06-30"}),
            ),
        ];
        for (role, act) in &acts {
            let answer = server.post(&format!("/api/v1/casos/{case_id}/atos"), *role, act).await;
            assert_eq!(answer.status, StatusCode::CREATED, "{act}: {:?}", answer.body);
        }
        server.settle().await;
        let dashboard = server.get("/api/v1/painel/alienacoes", None).await;
        assert_eq!(dashboard.status, StatusCode::OK);
        assert_eq!(dashboard.body["items"], json!([{"ano": "2017", "total": 0, "parcial": 1}]));
        assert_eq!(dashboard.body["soma"], 1);
    }

    async fn a_fine_decided_and_partly_paid_shows_in_the_ledger_the_operator_totals_and_the_dashboard(server: &Server) {
        registered(server).await;
        let count = json!({"ano": 2017, "mes": 1, "quantidade": 5000, "occurred_on": "2017-02-10"});
        let answer =
            server.post(&format!("/api/v1/operadoras/{REGISTRO}/beneficiarios"), Role::Administrador, &count).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        let auto = json!({"act": "lavrar_auto_infracao", "registro": REGISTRO, "processo": "33910.000001/2017-01",
            "tipo_infracao": "Cobertura", "data_infracao": "2017-02-10", "fatos": "negativa de cobertura",
            "beneficiarios_expostos": 300, "documento": "AI 1/2017", "occurred_on": "2017-03-06"});
        let opened = server.post("/api/v1/casos", Role::Fiscal, &auto).await;
        assert_eq!(opened.status, StatusCode::CREATED, "{:?}", opened.body);
        let case_id = opened.body["case_id"].as_str().unwrap().to_owned();
        let acts = [
            (Role::Fiscal, json!({"act": "notificar_autuada", "documento": "AR 1", "occurred_on": "2017-03-06"})),
            (Role::Fiscal, json!({"act": "registrar_defesa", "protocolo": "P 1", "occurred_on": "2017-03-10"})),
            (
                Role::Diretoria,
                json!({"act": "decidir_primeira_instancia", "fundamentacao": "infração comprovada", "documento": "Decisão 1",
                    "decisao": {"resultado": "multa", "multa": {"valor_base": "30000.00", "circunstancias": [], "multiplicador_coletivo": "1"}},
                    "occurred_on": "2017-04-03"}),
            ),
            (
                Role::Diretoria,
                json!({"act": "certificar_transito_em_julgado", "documento": "Certidão 1", "occurred_on": "2017-04-20"}),
            ),
            (
                Role::Fiscal,
                json!({"act": "registrar_pagamento", "valor": "5000.00", "documento": "GRU 1", "occurred_on": "2017-04-25"}),
            ),
        ];
        for (role, act) in &acts {
            let answer = server.post(&format!("/api/v1/casos/{case_id}/atos"), *role, act).await;
            assert_eq!(answer.status, StatusCode::CREATED, "{act}: {:?}", answer.body);
        }
        let overpaid = json!({"act": "registrar_pagamento", "valor": "999999.00", "documento": "GRU 2", "occurred_on": "2017-04-26"});
        let before = server.event_count().await;
        let refused = server.post(&format!("/api/v1/casos/{case_id}/atos"), Role::Fiscal, &overpaid).await;
        assert_problem(&refused, StatusCode::UNPROCESSABLE_ENTITY, "rule_violation");
        assert_eq!(refused.body["rule_id"], "pas.pagamento_excede_devido");
        assert_eq!(server.event_count().await, before);
        server.settle().await;

        let ledger = server.get(&format!("/api/v1/sancoes?registro={REGISTRO}"), Some(Role::Auditor)).await;
        assert_eq!(ledger.status, StatusCode::OK, "{:?}", ledger.body);
        let entry = &ledger.body["items"][0];
        assert_eq!(entry["case_id"], case_id.as_str());
        // 30.000,00 × porte factor 0,5 (up to 20.000 beneficiaries in the test rules) = 15.000,00.
        assert_eq!(entry["multa"]["valor_multa"], "15000.00", "{entry}");
        assert_eq!(entry["multa"]["fator_porte"], "0.5");
        assert_eq!((entry["pago"].as_str(), entry["saldo"].as_str()), (Some("5000.00"), Some("10000.00")));
        let anonymous = server.get("/api/v1/sancoes", None).await;
        assert_problem(&anonymous, StatusCode::UNAUTHORIZED, "unauthenticated");

        let status = server.get(&format!("/api/v1/operadoras/{REGISTRO}"), None).await;
        let totals = &status.body["multas"];
        assert_eq!(
            (totals["imposta"].as_str(), totals["paga"].as_str()),
            (Some("15000.00"), Some("5000.00")),
            "{totals}"
        );
        assert_eq!((totals["em_aberto"].as_str(), totals["em_divida_ativa"].as_str()), (Some("10000.00"), Some("0")));

        let dashboard = server.get("/api/v1/painel/sancoes", None).await;
        assert_eq!(dashboard.body["items"], json!([{"assunto": "Cobertura", "periodo": "2017", "quantidade": 1}]));
    }

    async fn dashboards_and_the_register_export_as_csv_with_either_separator_and_number_format(server: &Server) {
        // Arrange: an operator with 12.345 members and three demandas, one on a theme with a slash.
        registered(server).await;
        let count = json!({"ano": 2002, "mes": 4, "quantidade": 12345, "occurred_on": "2002-05-10"});
        let answer =
            server.post(&format!("/api/v1/operadoras/{REGISTRO}/beneficiarios"), Role::Administrador, &count).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        for (tema, tipo) in
            [("contrato_regulamento", "consulta"), ("contrato_regulamento", "denuncia"), ("sus", "consulta")]
        {
            let demanda = json!({"act": "registrar_demanda_disque_ans", "registro": REGISTRO, "tipo": tipo,
                "tema": tema, "canal": "telefone", "occurred_on": "2002-04-15"});
            let answer = server.post("/api/v1/casos", Role::Atendente, &demanda).await;
            assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        }
        server.settle().await;

        // Act / Assert: commas and plain numbers, as programs read them.
        let plain = server.get("/api/v1/painel/demandas?format=csv", None).await;
        assert_eq!(plain.status, StatusCode::OK, "{}", plain.text);
        assert_eq!(plain.headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(plain.headers["content-disposition"], "attachment; filename=\"painel-demandas.csv\"");
        assert_eq!(
            plain.text,
            "Tema,Ano,Consultas,Denúncias\nContrato / regulamento,2002,1,1\nSUS - Sistema Único de Saúde,2002,1,0\n"
        );
        let register = server.get("/api/v1/operadoras?format=csv", None).await;
        let lines: Vec<&str> = register.text.lines().collect();
        assert!(lines[0].starts_with("Registro ANS,Razão social,CNPJ,Modalidade,UF,"), "{}", register.text);
        assert!(
            lines[1].starts_with("326305,Saúde Exemplo S.A.,") && lines[1].contains(",12345,04/2002,"),
            "{}",
            lines[1]
        );

        // Semicolons after a `sep=;` line, and pt-BR numbers: thousands grouped.
        let br = server.get("/api/v1/operadoras?format=csv&separator=semicolon&numbers=pt_br", None).await;
        assert_eq!(br.headers["content-disposition"], "attachment; filename=\"operadoras.csv\"");
        let lines: Vec<&str> = br.text.lines().collect();
        assert_eq!(lines[0], "sep=;");
        assert!(lines[1].starts_with("Registro ANS;Razão social;CNPJ;Modalidade;UF;"), "{}", br.text);
        assert!(
            lines[2].starts_with("326305;Saúde Exemplo S.A.;") && lines[2].contains(";12.345;04/2002;"),
            "{}",
            lines[2]
        );
        let by_modalidade =
            server.get("/api/v1/painel/intervencoes?format=csv&table=por_modalidade&separator=semicolon", None).await;
        assert_eq!(by_modalidade.text, "sep=;\nModalidade;Tipo de ação;Quantidade\n");
        for (name, header) in [("alienacoes", "Ano,Totais,Parciais"), ("sancoes", "Assunto,Período,Quantidade")] {
            let table = server.get(&format!("/api/v1/painel/{name}?format=csv&numbers=pt_br"), None).await;
            assert_eq!(table.status, StatusCode::OK, "{name}");
            assert_eq!(table.text, format!("{header}\n"), "{name}");
        }

        // CSV options without format=csv, or pages with it, are refused.
        let bad = server.get("/api/v1/painel/sancoes?separator=semicolon", None).await;
        assert_problem(&bad, StatusCode::BAD_REQUEST, "invalid_input");
        let bad = server.get("/api/v1/operadoras?format=csv&limit=10", None).await;
        assert_problem(&bad, StatusCode::BAD_REQUEST, "invalid_input");
    }

    async fn demandas_feed_the_dashboard_and_the_complaint_index_with_its_parts_apart(server: &Server) {
        registered(server).await;
        let count = json!({"ano": 2002, "mes": 4, "quantidade": 1000, "occurred_on": "2002-05-10"});
        let answer =
            server.post(&format!("/api/v1/operadoras/{REGISTRO}/beneficiarios"), Role::Administrador, &count).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        for tipo in ["denuncia", "denuncia", "denuncia", "consulta"] {
            let demanda = json!({"act": "registrar_demanda_disque_ans", "registro": REGISTRO, "tipo": tipo,
                "tema": "aumento_de_mensalidade", "canal": "telefone", "occurred_on": "2002-04-15"});
            let answer = server.post("/api/v1/casos", Role::Atendente, &demanda).await;
            assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        }
        server.settle().await;
        let dashboard = server.get("/api/v1/painel/demandas", None).await;
        let row = &dashboard.body["items"][0];
        assert_eq!((row["tema"].as_str(), row["ano"].as_str()), (Some("Aumento de mensalidade"), Some("2002")));
        assert_eq!((row["consultas"].as_i64(), row["denuncias"].as_i64()), (Some(1), Some(3)));
        let index = server
            .get(&format!("/api/v1/indice-reclamacoes?registro={REGISTRO}&mes=2002-04&janela=1&escala=10000"), None)
            .await;
        assert_eq!(index.status, StatusCode::OK, "{:?}", index.body);
        assert_eq!((index.body["numerador"].as_i64(), index.body["denominador"].as_i64()), (Some(3), Some(1000)));
        assert_eq!(index.body["escala"], 10000);
        assert_eq!(index.body["indice"].as_f64(), Some(30.0));
        let bad = server.get(&format!("/api/v1/indice-reclamacoes?registro={REGISTRO}&mes=abril"), None).await;
        assert_problem(&bad, StatusCode::BAD_REQUEST, "invalid_input");
    }

    async fn an_officer_registers_an_operator_and_decrees_a_direcao_fiscal_seen_in_status_and_timeline(
        server: &Server,
    ) {
        registered(server).await;
        let case_id = open_df(server).await;
        server.settle().await;
        let status = server.get(&format!("/api/v1/operadoras/{REGISTRO}"), None).await;
        assert_eq!(status.status, StatusCode::OK);
        assert!(status.body["state"]["regimes"]["direcao_fiscal"].is_object(), "{:?}", status.body);
        assert_eq!(status.body["open_cases"]["direcao_fiscal"], 1);
        let timeline = server.get(&format!("/api/v1/operadoras/{REGISTRO}/linha-do-tempo"), None).await;
        let types: Vec<&str> =
            timeline.body["items"].as_array().unwrap().iter().map(|e| e["event_type"].as_str().unwrap()).collect();
        assert!(types.contains(&"operadora.registrada") && types.contains(&"regime_especial.instaurado"), "{types:?}");
        let case = server.get(&format!("/api/v1/casos/{case_id}"), Some(Role::Fiscal)).await;
        assert_eq!(case.status, StatusCode::OK);
        assert_eq!(case.body["family"], "direcao_fiscal");
        assert_eq!(case.headers["etag"], "\"1\"");
        let before = server.get(&format!("/api/v1/operadoras/{REGISTRO}?as_of=2002-02-28"), None).await;
        assert_eq!(before.status, StatusCode::OK);
        assert_eq!(before.body["state"]["regimes"], json!({}), "as of a date before the decree: no regime");
        assert_eq!(before.body["cases_total"], 0);
        let decreed = server.get(&format!("/api/v1/operadoras/{REGISTRO}?as_of=2002-12-31"), None).await;
        assert_eq!(decreed.body["open_cases"]["direcao_fiscal"], 1, "the case's stream is folded with the operator's");
        assert_eq!(decreed.body["cases_total"], status.body["cases_total"]);
        let events = server.get(&format!("/api/v1/casos/{case_id}/eventos"), Some(Role::Auditor)).await;
        assert_eq!(events.body["items"][0]["event_type"], "regime_especial.instaurado");
        assert_eq!(events.body["items"][0]["actor_role"], "diretoria");
        let deadlines = server.get("/api/v1/prazos?on=2002-03-01", Some(Role::Fiscal)).await;
        assert_eq!(deadlines.status, StatusCode::OK);
        let log = server.get("/api/v1/eventos?after=0&limit=2", Some(Role::Auditor)).await;
        assert_eq!(log.body["items"].as_array().unwrap().len(), 2);
        assert_eq!(log.body["next"], 2);
    }

    async fn an_act_the_rules_forbid_is_a_422_with_rule_id_and_norm_and_stores_nothing(server: &Server) {
        registered(server).await;
        open_df(server).await;
        let before = server.event_count().await;
        let second = server.post("/api/v1/casos", Role::Diretoria, &df_body("RO 2/2002")).await;
        assert_problem(&second, StatusCode::UNPROCESSABLE_ENTITY, "rule_violation");
        assert_eq!(second.body["rule_id"], "regime.ja_ativo");
        assert!(second.body["norm"].as_str().unwrap().contains("9.656"));
        assert_eq!(server.event_count().await, before);
    }

    async fn roles_are_refused_where_the_matrix_says_so(server: &Server) {
        registered(server).await;
        let case_id = open_df(server).await;
        server.settle().await;
        // Every documented route against every role and an anonymous caller (docs/ARCHITECTURE.md §6).
        for (method, template, access) in autos_api::http::openapi::documented() {
            if template.ends_with("/fluxo") {
                continue;
            }
            let path = template
                .replace("{registro}", REGISTRO)
                .replace("{id}", &case_id)
                .replace("{uf}", "SP")
                .replace("{ano}/{trimestre}", "2002/1")
                .replace("{trimestre}", "2002-T1")
                .replace("/indice-reclamacoes", &format!("/indice-reclamacoes?registro={REGISTRO}&mes=2002-01"));
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let body = match template {
                "/api/v1/operadoras" => {
                    Some(json!({"registro": "000701", "cnpj": "11.222.333/0001-81", "razao_social": "X",
                    "modalidade": "medicina_de_grupo", "uf": "RJ", "registro_provisorio": false}))
                }
                "/api/v1/operadoras/{registro}/beneficiarios" => Some(json!({"ano": 2002, "mes": 1, "quantidade": 10})),
                _ if method == Method::POST => Some(json!({})),
                _ => None,
            };
            let anonymous = server.call(method.clone(), &path, None, body.as_ref(), &[]).await;
            let allowed: &[Role] = match access {
                Access::Public => {
                    assert!(anonymous.status.is_success(), "{method} {path} is public: {:?}", anonymous.body);
                    &Role::ALL
                }
                Access::Roles(roles) => {
                    assert_problem(&anonymous, StatusCode::UNAUTHORIZED, "unauthenticated");
                    roles
                }
                Access::PerAct => {
                    assert_problem(&anonymous, StatusCode::UNAUTHORIZED, "unauthenticated");
                    continue;
                }
            };
            for role in Role::ALL {
                let answer = server.call(method.clone(), &path, Some(role), body.as_ref(), &[]).await;
                if allowed.contains(&role) {
                    assert_ne!(answer.status, StatusCode::FORBIDDEN, "{role:?} {method} {path}: {:?}", answer.body);
                } else {
                    assert_problem(&answer, StatusCode::FORBIDDEN, "forbidden");
                }
            }
        }
        // Routes whose act decides: the catalogue's roles for one act of each kind of route.
        for role in Role::ALL {
            let answer = server.post("/api/v1/casos", role, &df_body("RO 9/2002")).await;
            if role == Role::Diretoria {
                assert_ne!(answer.status, StatusCode::FORBIDDEN, "{:?}", answer.body);
            } else {
                assert_problem(&answer, StatusCode::FORBIDDEN, "forbidden");
                assert_eq!(answer.body["rule_id"], "acesso.papel_nao_autorizado");
            }
        }
        let ungranted = server
            .post(
                &format!("/api/v1/casos/{case_id}/atos"),
                Role::Interventor,
                &json!({"act": "emitir_instrucao_diretiva", "numero": "ID 1", "assunto": "x"}),
            )
            .await;
        assert_problem(&ungranted, StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(ungranted.body["rule_id"], "acesso.interventor_nao_designado");
    }

    async fn an_interventor_acts_on_the_case_that_appoints_them_by_officer_id_and_on_no_other(server: &Server) {
        registered(server).await;
        let officers = autos_app::officers::list(&server.store().database()).await.unwrap();
        let interventor = officers.iter().find(|o| o.role == Role::Interventor).unwrap().officer_id;
        let mut appointing = df_body("RO 5/2002");
        appointing["diretor_fiscal"] = json!(interventor.to_string());
        let opened = server.post("/api/v1/casos", Role::Diretoria, &appointing).await;
        assert_eq!(opened.status, StatusCode::CREATED, "{:?}", opened.body);
        let case_id = opened.body["case_id"].as_str().unwrap();
        let instruction = json!({"act": "emitir_instrucao_diretiva", "numero": "ID 1/2002", "assunto": "contenção de despesas",
            "occurred_on": "2002-04-01"});
        let acted = server.post(&format!("/api/v1/casos/{case_id}/atos"), Role::Interventor, &instruction).await;
        assert_eq!(acted.status, StatusCode::CREATED, "the appointed diretor fiscal acts: {:?}", acted.body);
        // A case whose text merely mentions the officer's id (in a motive) appoints nobody.
        let other = json!({"registro": "000701", "cnpj": "11.444.777/0001-61", "razao_social": "Carioca Saúde",
            "modalidade": "medicina_de_grupo", "uf": "RJ", "registro_provisorio": false, "occurred_on": "2001-06-01"});
        assert_eq!(server.post("/api/v1/operadoras", Role::Administrador, &other).await.status, StatusCode::CREATED);
        let mut mentioning = df_body("RO 6/2002");
        mentioning["registro"] = json!("000701");
        mentioning["motivos"] = json!([format!("parecer do servidor {interventor}")]);
        let opened = server.post("/api/v1/casos", Role::Diretoria, &mentioning).await;
        assert_eq!(opened.status, StatusCode::CREATED, "{:?}", opened.body);
        let case_id = opened.body["case_id"].as_str().unwrap();
        let refused = server.post(&format!("/api/v1/casos/{case_id}/atos"), Role::Interventor, &instruction).await;
        assert_problem(&refused, StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(refused.body["rule_id"], "acesso.interventor_nao_designado");
    }

    async fn an_archived_denuncia_is_evaluated_again_only_through_a_reconsideration(server: &Server) {
        registered(server).await;
        let demanda = json!({"act": "registrar_demanda_disque_ans", "registro": REGISTRO, "tipo": "denuncia",
            "tema": "cobertura_assistencial", "canal": "telefone", "occurred_on": "2002-05-15"});
        let opened = server.post("/api/v1/casos", Role::Atendente, &demanda).await;
        assert_eq!(opened.status, StatusCode::CREATED, "{:?}", opened.body);
        let acts = format!("/api/v1/casos/{}/atos", opened.body["case_id"].as_str().unwrap());
        let evaluate = |irregular: bool, on: &str| {
            json!({"act": "avaliar_denuncia", "potencialmente_irregular": irregular,
                "fundamentacao": "análise da ligação", "occurred_on": on})
        };
        assert_eq!(server.post(&acts, Role::Fiscal, &evaluate(false, "2002-05-20")).await.status, StatusCode::CREATED);
        let before = server.event_count().await;
        // With or without If-Match, an opposite second evaluation is refused.
        for headers in [vec![], vec![("if-match", "\"2\"")]] {
            let again = server
                .call(Method::POST, &acts, Some(Role::Fiscal), Some(&evaluate(true, "2002-05-21")), &headers)
                .await;
            assert_problem(&again, StatusCode::UNPROCESSABLE_ENTITY, "rule_violation");
            assert_eq!(again.body["rule_id"], "caso.encerrado", "{:?}", again.body);
        }
        assert_eq!(server.event_count().await, before, "nothing was stored");
        let reconsider = json!({"act": "reconsiderar_avaliacao_denuncia", "fundamentacao": "a gravação mostra negativa de cobertura",
            "documento": "Despacho 3/2002", "occurred_on": "2002-05-22"});
        let reconsidered = server.post(&acts, Role::Fiscal, &reconsider).await;
        assert_eq!(reconsidered.status, StatusCode::CREATED, "{:?}", reconsidered.body);
        let evaluated = server.post(&acts, Role::Fiscal, &evaluate(true, "2002-05-23")).await;
        assert_eq!(evaluated.status, StatusCode::CREATED, "{:?}", evaluated.body);
        server.settle().await;
        let case = server.get(&acts.replace("/atos", ""), Some(Role::Fiscal)).await;
        assert_eq!(case.body["phase"], "primeira_instancia_irregular", "{:?}", case.body);
        assert_eq!(case.body["closed_on"], Value::Null, "reopened: {:?}", case.body);
    }

    async fn bad_input_is_a_400_and_stores_nothing(server: &Server) {
        registered(server).await;
        let before = server.event_count().await;
        let bad_json =
            server.post_raw("/api/v1/casos", Role::Diretoria, "application/json", b"{\"act\": ".to_vec()).await;
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
            ("a NUL character in a text", df_body("RO 3/2002\u{0}")),
        ];
        for (what, body) in cases {
            let answer = server.post("/api/v1/casos", Role::Diretoria, &body).await;
            assert_problem(&answer, StatusCode::BAD_REQUEST, "invalid_input");
            assert!(answer.body["detail"].is_string(), "{what}");
        }
        let bad_cnpj = {
            let mut b = operator_body();
            b["registro"] = json!("000701");
            b["cnpj"] = json!("11.222.333/0001-82");
            server.post("/api/v1/operadoras", Role::Administrador, &b).await
        };
        assert_problem(&bad_cnpj, StatusCode::BAD_REQUEST, "invalid_input");
        let negative = server
            .post(
                &format!("/api/v1/operadoras/{REGISTRO}/beneficiarios"),
                Role::Administrador,
                &json!({"ano": 2002, "mes": 13, "quantidade": 10}),
            )
            .await;
        assert_problem(&negative, StatusCode::BAD_REQUEST, "invalid_input");
        let huge = server.post_raw("/api/v1/casos", Role::Diretoria, "application/json", vec![b' '; 400 * 1024]).await;
        assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
        let wrong_media = server
            .post_raw("/api/v1/casos", Role::Diretoria, "text/plain", df_body("RO 4").to_string().into_bytes())
            .await;
        assert_problem(&wrong_media, StatusCode::BAD_REQUEST, "invalid_input");
        assert_problem(&server.get("/api/v1/operadoras/999", None).await, StatusCode::BAD_REQUEST, "invalid_input");
        // A NUL character anywhere (query, form) is a 400 on both backends, never a database error.
        let nul_query = server.get("/api/v1/operadoras?after=%00", Some(Role::Fiscal)).await;
        assert_problem(&nul_query, StatusCode::BAD_REQUEST, "invalid_input");
        assert!(nul_query.body["detail"].as_str().unwrap().contains("caractere nulo"), "{}", nul_query.text);
        let session = server.sign_in(&server.tokens[&Role::Fiscal]).await;
        let nul_page = server
            .call(reqwest::Method::GET, "/busca?documento=AI%001", None, None, &[("cookie", &session.cookie)])
            .await;
        assert_eq!(nul_page.status, StatusCode::BAD_REQUEST);
        assert!(nul_page.text.contains("caractere nulo") && nul_page.text.contains("<html lang=\"pt-BR\">"));
        let form = format!("registro={REGISTRO}&fatos=negativa%00de+cobertura").into_bytes();
        let nul_form = server
            .post_raw("/casos/novo/lavrar_auto_infracao", Role::Fiscal, "application/x-www-form-urlencoded", form)
            .await;
        assert_eq!(nul_form.status, StatusCode::BAD_REQUEST, "{}", nul_form.text);
        assert!(nul_form.text.contains("caractere nulo"), "{}", nul_form.text);
        assert_problem(&server.get("/api/v1/operadoras/000701", None).await, StatusCode::NOT_FOUND, "not_found");
        assert_eq!(server.event_count().await, before, "nothing was stored");
    }

    async fn a_legal_date_before_the_law_or_after_today_is_refused_by_rule_and_stores_nothing(server: &Server) {
        registered(server).await;
        let before = server.event_count().await;
        for (date, rule) in [
            ("1997-12-31", "ato.data_anterior_a_lei"),
            ("1998-06-02", "ato.data_anterior_a_lei"),
            ("2999-01-01", "ato.data_futura"),
        ] {
            let mut body = df_body("RO 9/2002");
            body["occurred_on"] = json!(date);
            let refused = server.post("/api/v1/casos", Role::Diretoria, &body).await;
            assert_problem(&refused, StatusCode::UNPROCESSABLE_ENTITY, "rule_violation");
            assert_eq!(refused.body["rule_id"], rule, "{date}: {}", refused.text);
            assert!(refused.body["norm"].as_str().unwrap().starts_with("Lei "), "{}", refused.text);
        }
        // A year of five digits is no date at all.
        let mut body = df_body("RO 9/2002");
        body["occurred_on"] = json!("99999-01-01");
        let nonsense = server.post("/api/v1/casos", Role::Diretoria, &body).await;
        assert_problem(&nonsense, StatusCode::BAD_REQUEST, "invalid_input");
        assert!(nonsense.body["detail"].as_str().unwrap().contains("occurred_on"), "{}", nonsense.text);
        assert_eq!(server.event_count().await, before, "nothing was stored");
    }

    async fn an_idempotent_retry_returns_the_first_answer_and_appends_nothing(server: &Server) {
        registered(server).await;
        let body = df_body("RO 1/2002");
        let key = [("idempotency-key", "df-326305-ro-1")];
        let first = server.call(Method::POST, "/api/v1/casos", Some(Role::Diretoria), Some(&body), &key).await;
        assert_eq!(first.status, StatusCode::CREATED);
        let count = server.event_count().await;
        let retry = server.call(Method::POST, "/api/v1/casos", Some(Role::Diretoria), Some(&body), &key).await;
        assert_eq!(retry.status, StatusCode::CREATED);
        assert_eq!(retry.body, first.body);
        assert_eq!(retry.headers["idempotent-replayed"], "true");
        assert_eq!(server.event_count().await, count);
        let other =
            server.call(Method::POST, "/api/v1/casos", Some(Role::Diretoria), Some(&df_body("RO 2/2002")), &key).await;
        assert_problem(&other, StatusCode::BAD_REQUEST, "invalid_input");

        // Signed in by a page session, the key holds the same way.
        let session = server.sign_in(&server.tokens[&Role::Diretoria]).await;
        let origin = server.base.clone();
        let by_cookie = [
            ("idempotency-key", "df-by-cookie"),
            ("cookie", session.cookie.as_str()),
            ("origin", origin.as_str()),
            ("x-csrf-token", session.csrf.as_str()),
        ];
        let mut body = df_body("RO 2/2002");
        body["registro"] = json!("000701");
        let other_operator = json!({"registro": "000701", "cnpj": "11.444.777/0001-61", "razao_social": "Carioca Saúde",
            "modalidade": "medicina_de_grupo", "uf": "RJ", "registro_provisorio": false, "occurred_on": "2001-06-01"});
        assert_eq!(
            server.post("/api/v1/operadoras", Role::Administrador, &other_operator).await.status,
            StatusCode::CREATED
        );
        let first = server.call(Method::POST, "/api/v1/casos", None, Some(&body), &by_cookie).await;
        assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
        let count = server.event_count().await;
        let retry = server.call(Method::POST, "/api/v1/casos", None, Some(&body), &by_cookie).await;
        assert_eq!((retry.status, &retry.body), (StatusCode::CREATED, &first.body));
        assert_eq!(retry.headers["idempotent-replayed"], "true");
        assert_eq!(server.event_count().await, count, "the cookie retry appended nothing");
    }

    async fn two_officers_acting_on_the_same_case_version_get_one_success_and_one_409(server: &Server) {
        registered(server).await;
        let case_id = open_df(server).await;
        let path = format!("/api/v1/casos/{case_id}/atos");
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
        assert_eq!(server.get("/api/v1/auditoria/verificacao", Some(Role::Auditor)).await.body["estado"], "nunca");
        for job in ["verificacao", "reprocessamento"] {
            let path = format!("/api/v1/auditoria/{job}");
            let started = server.call(Method::POST, &path, Some(Role::Auditor), None, &[]).await;
            assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
            assert_eq!(started.headers["location"], path.as_str());
            assert!(
                ["em_andamento", "concluida"].contains(&started.body["estado"].as_str().unwrap()),
                "{:?}",
                started.body
            );
        }
        let finished = |job: &'static str| async move {
            for _ in 0..600 {
                let answer = server.get(&format!("/api/v1/auditoria/{job}"), Some(Role::Auditor)).await;
                assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
                if answer.body["estado"] != "em_andamento" {
                    return answer.body;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            panic!("the {job} job never finished");
        };
        let verify = finished("verificacao").await;
        assert_eq!((&verify["estado"], &verify["ok"]), (&json!("concluida"), &json!(true)), "{verify:?}");
        assert!(verify["checkpoint"].as_str().unwrap().starts_with("autos-checkpoint:v1:"));
        let replay = finished("reprocessamento").await;
        assert_eq!((&replay["estado"], &replay["equal"]), (&json!("concluida"), &json!(true)), "{replay:?}");
        assert!(!replay["projections"].as_array().unwrap().is_empty(), "{replay:?}");
    }

    async fn operational_endpoints_answer(server: &Server) {
        assert_eq!(server.get("/healthz", None).await.status, StatusCode::OK);
        let ready = server.get("/readyz", None).await;
        assert_eq!(ready.status, StatusCode::OK, "{:?}", ready.body);
        assert_eq!(ready.body["detail"]["database"], true);
        assert_problem(&server.get("/api/v1/nada", None).await, StatusCode::NOT_FOUND, "not_found");
        let acts = server.get("/api/v1/atos", None).await;
        assert!(acts.body["items"].as_array().unwrap().iter().any(|a| a["name"] == "instaurar_direcao_fiscal"));
    }
);

/// The OpenAPI document describes every route the router serves, with the problem schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_describes_every_route_and_every_documented_route_exists() {
    let server = Server::start(autos_store::testing::sqlite_subject().await).await;
    let spec = server.get("/openapi.json", None).await;
    assert_eq!(spec.status, StatusCode::OK);
    assert!(spec.body["components"]["schemas"]["Problem"]["properties"]["code"].is_object());
    // Each act route's body is one object per act, with the fields of the act's description.
    let openings = spec.body["paths"]["/api/v1/casos"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ["oneOf"]
        .as_array()
        .unwrap()
        .clone();
    let decree = openings
        .iter()
        .find(|act| act["properties"]["act"]["enum"] == json!(["instaurar_direcao_fiscal"]))
        .expect("the opening acts are documented one by one");
    assert_eq!(decree["properties"]["motivos"]["type"], "array");
    let required: Vec<&str> = decree["required"].as_array().unwrap().iter().filter_map(|r| r.as_str()).collect();
    assert!(required.contains(&"diretor_fiscal") && !required.contains(&"vigencia_dias"), "{required:?}");
    assert!(
        openings.iter().all(|act| act["properties"]["act"]["enum"] != json!(["registrar_defesa"])),
        "follow-up acts are not offered as openings"
    );
    for (method, path, _) in autos_api::http::openapi::documented() {
        let operation = &spec.body["paths"][path][method.to_lowercase()];
        assert!(operation["responses"].is_object(), "{method} {path} documented");
        let concrete = path
            .replace("{registro}", "326305")
            .replace("{id}", "01900000-0000-7000-8000-000000000001")
            .replace("{uf}", "SP")
            .replace("{ano}", "2002")
            .replace("{trimestre}", "2");
        if path.ends_with("/fluxo") {
            continue;
        }
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let answer = server.call(method.clone(), &concrete, Some(Role::Administrador), Some(&json!({})), &[]).await;
        let routed = answer.body["detail"] != "rota inexistente" && answer.status != StatusCode::METHOD_NOT_ALLOWED;
        assert!(routed, "{method} {path} is served: {:?}", answer.body);
    }
    server.finish().await;
}
