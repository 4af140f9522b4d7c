//! The pages in headless Chromium, on both backends: one test per workflow of the people who
//! work in Autos, each ending on a screenshot in `target/screenshots/` — a fiscal follows a
//! sanctioning process from the auto de infração to the defence, an attendant registers a
//! denúncia whose complainant only a fiscal with a stated purpose reads, the board decrees a
//! direção fiscal and sees the asset freeze, a refused act keeps its form, paging reaches an
//! operator's newest act, the public sees the bulletin, a coordinator registers a partner and its
//! agreement and the public map shows it, and a coordinator issues a partner's quarterly
//! bulletin. The role × page matrix, the CSRF checks and the page sessions' life are checked over
//! HTTP, like the API's.

use autos_app::{officers, sessions};
use autos_domain::Role;
use autos_e2e::browser::Browser;
use autos_e2e::Server;
use reqwest::StatusCode;
use serde_json::{json, Value};

const REGISTRO: &str = "326305";
const SUBMIT: &str = "form.ato > p > button[type=submit]";

async fn register_operator(server: &Server) {
    let register = json!({"registro": REGISTRO, "cnpj": "11.222.333/0001-81", "razao_social": "Saúde Exemplo S.A.",
        "modalidade": "medicina_de_grupo", "uf": "SP", "registro_provisorio": false, "occurred_on": "2001-06-01"});
    let answer = server.post("/api/v1/operadoras", Role::Administrador, &register).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
}

/// Signs in on the sign-in page the browser is at (after a redirect, or opened directly).
async fn sign_in(browser: &Browser, server: &Server, role: Role) {
    if !browser.url().await.contains("/entrar") {
        browser.goto(&format!("{}/entrar", server.base)).await;
    }
    browser.fill("#token", &server.tokens[&role]).await;
    browser.click("button[type=submit]").await;
    let name = format!("Servidor {}", role.as_str());
    assert!(browser.wait_for_text("header", &name).await.contains(&name), "signed in as {name}");
}

/// Signs out with the header's button (a POST that carries the session's token).
async fn sign_out(browser: &Browser) {
    browser.click("header form.sair button").await;
    assert!(browser.wait_for_text("header", "Entrar").await.contains("Entrar"), "signed out");
}

async fn screenshot(browser: &Browser, server: &Server, name: &str) {
    browser.screenshot(&format!("{name}-{}", server.backend())).await;
}

/// A Parceiros da Cidadania partner in MG with an agreement in force in 2024 and its quarterly
/// information for 2024-T1; the partner's id.
async fn partner_with_agreement(server: &Server) -> String {
    let partner = json!({"tipo": "procon", "nome": "Procon Estadual de Minas Gerais", "uf": "MG",
        "responsavel": {"nome": "Carla Mendes"}, "occurred_on": "2024-01-05"});
    let answer = server.post("/api/v1/parceiros", Role::Fiscal, &partner).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    let id = answer.body["parceiro_id"].as_str().unwrap().to_owned();
    let acts = format!("/api/v1/parceiros/{id}/atos");
    let sign = json!({"act": "assinar_acordo", "numero": "ACT 3/2024", "assinatura": "2024-01-10",
        "vigencia_inicio": "2024-02-01", "vigencia_fim": "2025-01-31",
        "obrigacoes": ["reunioes", "informacao_trimestral_do_parceiro", "boletim_trimestral_da_ans"],
        "documento": "ACT 3/2024", "occurred_on": "2024-01-10"});
    let info = json!({"act": "registrar_informacao_trimestral", "acordo": "ACT 3/2024", "trimestre": "2024-T1",
        "linhas": [{"registro": REGISTRO, "tema": "reembolso", "quantidade": 7}], "documento": "Ofício Procon 9/2024",
        "occurred_on": "2024-04-03"});
    for body in [sign, info] {
        let answer = server.post(&acts, Role::Fiscal, &body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    }
    id
}

autos_e2e::e2e_on_both_backends!(
    /// (a) A fiscal opens a sanctioning process from the operator page, files the notification, sees
    /// the defence deadline, files the defence and sees the case move.
    async fn a_fiscal_opens_a_sanctioning_process_and_files_the_defence(server: &Server) {
        register_operator(server).await;
        server.settle().await;
        let browser = Browser::start().await;
        let base = &server.base;
        // Anonymous visitors are sent to sign in, and brought back to the form afterwards.
        browser.goto(&format!("{base}/operadoras/{REGISTRO}")).await;
        assert!(!browser.source().await.contains("Abrir caso"), "no officer menu for visitors");
        browser.goto(&format!("{base}/casos/novo/lavrar_auto_infracao?registro={REGISTRO}")).await;
        assert!(browser.wait_for_text("h1", "Entrar").await.contains("Entrar"));
        sign_in(&browser, server, Role::Fiscal).await;
        assert!(browser.wait_for_text("h1", "Lavrar auto de infração").await.contains("Lavrar auto de infração"));

        browser.goto(&format!("{base}/operadoras/{REGISTRO}")).await;
        browser.click("#aberturas a[href*='lavrar_auto_infracao']").await;
        assert!(browser.wait_for_text("h1", "Lavrar auto de infração").await.contains("Lavrar auto de infração"));
        assert_eq!(browser.value("#campo-registro").await, REGISTRO, "the operator comes filled in");
        browser.set("#campo-_data", "2026-02-02").await;
        browser.fill("#campo-processo", "33910.000001/2026-11").await;
        browser.fill("#campo-tipo_infracao", "rn124.art77").await;
        browser.set("#campo-data_infracao", "2026-01-05").await;
        browser.fill("#campo-fatos", "negativa de cobertura de procedimento do rol").await;
        browser.fill("#campo-beneficiarios_expostos", "500").await;
        browser.fill("#campo-documento", "AI 10/2026").await;
        browser.click(SUBMIT).await;
        let acts = browser.wait_for_text("#atos", "AI 10/2026").await;
        assert!(
            acts.contains("Lavrar auto de infração") && acts.contains("33910.000001/2026-11"),
            "{acts} {}",
            browser.source().await
        );
        assert!(acts.contains("Servidor fiscal") && acts.contains("05/01/2026"), "who and the facts: {acts}");

        browser.click("#atos-possiveis a[href$='/atos/notificar_autuada']").await;
        assert!(browser.wait_for_text("h1", "notificação").await.contains("Registrar notificação da autuada"));
        browser.set("#campo-_data", "2026-02-10").await;
        browser.fill("#campo-documento", "Ofício 5/2026").await;
        browser.click(SUBMIT).await;
        let deadlines = browser.wait_for_text("#prazos", "Defesa").await;
        assert!(deadlines.contains("Defesa") && deadlines.contains("10/02/2026"), "the defence deadline: {deadlines}");
        let offered = browser.text("#atos-possiveis").await;
        assert!(offered.contains("Registrar defesa") && !offered.contains("notificação"), "{offered}");

        browser.click("#atos-possiveis a[href$='/atos/registrar_defesa']").await;
        browser.set("#campo-_data", "2026-02-19").await;
        browser.fill("#campo-protocolo", "PROT-77/2026").await;
        browser.click(SUBMIT).await;
        let acts = browser.wait_for_text("#atos", "PROT-77/2026").await;
        assert!(acts.contains("Registrar defesa"), "{acts}");
        assert!(browser.text("main").await.contains("instrucao"), "the case moved to instruction");
        screenshot(&browser, server, "a-processo-sancionador").await;
        browser.quit().await;
    }

    /// (b) An attendant registers a denúncia with its complainant; a fiscal opens the complainant's
    /// data with a purpose; the public pages never show it.
    async fn an_attendant_registers_a_denuncia_and_a_fiscal_reads_the_complainant(server: &Server) {
        register_operator(server).await;
        server.settle().await;
        let browser = Browser::start().await;
        let base = &server.base;
        browser.goto(&format!("{base}/entrar")).await;
        sign_in(&browser, server, Role::Atendente).await;
        browser.click("header a[href='/casos/novo/registrar_demanda_disque_ans']").await;
        assert!(browser.wait_for_text("h1", "Registrar demanda").await.contains("Registrar demanda do Disque ANS"));
        browser.set("#campo-_data", "2026-03-02").await;
        browser.fill("#campo-registro", REGISTRO).await;
        browser.click("#campo-tipo option[value=denuncia]").await;
        browser.click("#campo-tema option[value=cobertura_assistencial]").await;
        browser.click("#campo-canal option[value=telefone]").await;
        browser.fill("#campo-reclamante-nome", "Maria das Dores Silva").await;
        browser.fill("#campo-reclamante-telefone", "(11) 5555-0101").await;
        browser.click(SUBMIT).await;
        let acts = browser.wait_for_text("#atos", "Registrar demanda").await;
        assert!(acts.contains("dados pessoais protegidos"), "{acts}");
        assert!(!browser.source().await.contains("Maria das Dores"), "the case page never shows the data by itself");
        let case_url = browser.url().await;

        sign_out(&browser).await;
        browser.goto(&case_url).await;
        sign_in(&browser, server, Role::Fiscal).await;
        browser.click("a[href$='/dados-pessoais']").await;
        browser.click("form.linha button").await;
        let refusal = browser.wait_for_text("#finalidade-erro", "finalidade").await;
        assert!(refusal.contains("diga para que os dados serão usados"), "a purpose is required: {refusal}");
        browser.fill("#finalidade", "instruir a denúncia com contato ao reclamante").await;
        browser.click("form.linha button").await;
        let data = browser.wait_for_text("#dados-pessoais", "Maria").await;
        assert!(data.contains("Maria das Dores Silva") && data.contains("(11) 5555-0101"), "{data}");
        screenshot(&browser, server, "b-dados-pessoais").await;

        sign_out(&browser).await;
        for public in [format!("{base}/operadoras/{REGISTRO}"), format!("{base}/publico"), format!("{base}/operadoras")]
        {
            browser.goto(&public).await;
            let source = browser.source().await;
            assert!(
                !source.contains("Maria das Dores") && !source.contains("5555-0101"),
                "{public} shows personal data"
            );
            assert!(!source.contains("/casos/"), "{public} lists cases to visitors");
        }
        browser.goto(&case_url).await;
        assert!(browser.wait_for_text("h1", "Entrar").await.contains("Entrar"), "a case needs signing in");
        browser.quit().await;
    }

    /// (c) The board decrees a direção fiscal with its motives and diretor fiscal, sees the 365-day
    /// term, and the asset freeze it opened with the administrators' names.
    async fn the_board_decrees_a_direcao_fiscal_and_sees_the_asset_freeze(server: &Server) {
        register_operator(server).await;
        for (nome, cargo, id) in [
            ("Ana Prado", "diretora-presidente", "0190f3a0-0000-7000-8000-000000000001"),
            ("Bruno Lima", "diretor financeiro", "0190f3a0-0000-7000-8000-000000000002"),
        ] {
            let act = json!({"act": "registrar_administrador", "administrador_id": id, "nome": nome, "cargo": cargo,
                "inicio": "2020-01-01", "occurred_on": "2020-01-01"});
            let answer = server.post(&format!("/api/v1/operadoras/{REGISTRO}/atos"), Role::Administrador, &act).await;
            assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        }
        server.settle().await;
        let browser = Browser::start().await;
        let base = &server.base;
        browser.goto(&format!("{base}/entrar?volta=/operadoras/{REGISTRO}")).await;
        sign_in(&browser, server, Role::Diretoria).await;
        browser.click("#aberturas a[href*='instaurar_direcao_fiscal']").await;
        assert!(browser.wait_for_text("h1", "direção fiscal").await.contains("Instaurar direção fiscal"));
        browser.set("#campo-_data", "2026-03-10").await;
        browser.fill("#campo-motivos-0", "insuficiência de garantias financeiras").await;
        browser.click("button[name=_acrescentar][value=motivos]").await;
        browser.wait_for_text("#campo-motivos", "").await;
        assert_eq!(browser.value("#campo-motivos-0").await, "insuficiência de garantias financeiras", "rows are kept");
        browser.fill("#campo-motivos-1", "atraso reiterado no envio do DIOPS").await;
        browser.click("#campo-diretor_fiscal option:nth-child(2)").await;
        browser.fill("#campo-documento", "RO 12/2026").await;
        browser.click(SUBMIT).await;
        let acts = browser.wait_for_text("#atos", "RO 12/2026").await;
        assert!(acts.contains("insuficiência de garantias financeiras; atraso reiterado no envio do DIOPS"), "{acts}");
        assert!(acts.contains("Servidor interventor"), "the diretor fiscal by name: {acts}");
        let deadlines = browser.text("#prazos").await;
        assert!(deadlines.contains("Vigência do regime") && deadlines.contains("365 dias corridos"), "{deadlines}");

        server.settle().await;
        browser.goto(&format!("{base}/operadoras/{REGISTRO}")).await;
        let cases = browser.wait_for_text("#casos", "Indisponibilidade de bens").await;
        assert!(cases.contains("Indisponibilidade de bens"), "{cases}");
        let source = browser.source().await;
        let freeze = source
            .split("<th scope=\"row\"><a href=\"/casos/")
            .find(|row| row.contains("Indisponibilidade de bens"))
            .and_then(|row| row.split('"').next())
            .expect("the freeze case is linked")
            .to_owned();
        browser.goto(&format!("{base}/casos/{freeze}")).await;
        let persons = browser.wait_for_text("#pessoas", "Bruno Lima").await;
        assert!(persons.contains("Ana Prado") && persons.contains("diretor financeiro"), "{persons}");
        screenshot(&browser, server, "c-indisponibilidade").await;
        browser.quit().await;
    }

    /// (d) An auditor verifies the log, proves a checkpoint kept earlier, reads the personal-data
    /// log, and every write is refused with a page.
    async fn an_auditor_verifies_proves_a_checkpoint_and_reads_the_personal_data_log(server: &Server) {
        register_operator(server).await;
        let demanda = json!({"act": "registrar_demanda_disque_ans", "registro": REGISTRO, "tipo": "denuncia",
            "tema": "reembolso", "canal": "telefone", "reclamante": {"nome": "Joana Prado"}, "occurred_on": "2026-02-02"});
        let opened = server.post("/api/v1/casos", Role::Atendente, &demanda).await;
        let case_id = opened.body["case_id"].as_str().unwrap().to_owned();
        let read = server
            .get(
                &format!("/api/v1/casos/{case_id}/dados-pessoais?finalidade=instruir%20a%20den%C3%BAncia"),
                Some(Role::Fiscal),
            )
            .await;
        assert_eq!(read.status, StatusCode::OK, "{:?}", read.body);
        server.settle().await;

        let browser = Browser::start().await;
        let base = &server.base;
        browser.goto(&format!("{base}/auditoria")).await;
        sign_in(&browser, server, Role::Auditor).await;
        let full = browser.wait_for_text("#verificacao-completa", "Última verificação completa").await;
        assert!(full.contains("Nenhuma alteração"), "{full}");
        let kept = browser.text("#checkpoint").await;
        assert!(kept.starts_with("autos-checkpoint:v1:"), "{kept}");

        let later = json!({"act": "responder_consulta", "resposta": "orientação dada"});
        let _ = server.post(&format!("/api/v1/casos/{case_id}/atos"), Role::Atendente, &later).await;
        let change =
            json!({"act": "alterar_cadastro", "razao_social": "Saúde Exemplo Ltda.", "occurred_on": "2026-02-03"});
        assert_eq!(
            server.post(&format!("/api/v1/operadoras/{REGISTRO}/atos"), Role::Administrador, &change).await.status,
            StatusCode::CREATED
        );
        browser.goto(&format!("{base}/auditoria")).await;
        let incremental = browser.wait_for_text("#verificacao-incremental", "Desde o checkpoint").await;
        assert!(incremental.contains("Nenhuma alteração") && incremental.contains("eventos novos"), "{incremental}");

        browser.fill("#checkpoint-guardado", &kept).await;
        browser.click("form[action='/auditoria/checkpoint'] button").await;
        let proof = browser.wait_for_text("#prova", "estende").await;
        assert!(proof.contains("O registro estende o checkpoint guardado"), "{proof}");
        let forged = kept.rsplit_once(':').map(|(head, _)| format!("{head}:{}", "ab".repeat(32))).unwrap();
        browser.fill("#checkpoint-guardado", &forged).await;
        browser.click("form[action='/auditoria/checkpoint'] button").await;
        assert!(browser.wait_for_text("#prova", "NÃO").await.contains("NÃO estende"));

        let reads = browser.text("#leituras").await;
        assert!(
            reads.contains("instruir a denúncia") && reads.contains("Servidor fiscal") && reads.contains("Fiscal"),
            "{reads}"
        );
        screenshot(&browser, server, "d-auditoria").await;

        for write in [
            format!("{base}/casos/novo/lavrar_auto_infracao?registro={REGISTRO}"),
            format!("{base}/casos/{case_id}/atos/avaliar_denuncia"),
            format!("{base}/casos/{case_id}/dados-pessoais"),
        ] {
            browser.goto(&write).await;
            assert!(browser.wait_for_text("h1", "Acesso negado").await.contains("Acesso negado"), "{write}");
        }
        let case_page = format!("{base}/casos/{case_id}");
        browser.goto(&case_page).await;
        assert!(!browser.source().await.contains("Praticar ato"), "an auditor is offered no act");
        browser.quit().await;
    }

    /// (g) The board finds a process by its NUP, assigns it to a fiscal and a Núcleo, and the case is
    /// in the fiscal's "Meus casos" and in the Núcleo's queue, next deadline first.
    async fn a_case_assigned_to_a_fiscal_is_in_the_fiscals_queue(server: &Server) {
        register_operator(server).await;
        let auto = json!({"act": "lavrar_auto_infracao", "registro": REGISTRO, "processo": "33910.000005/2026-55",
            "tipo_infracao": "rn124.art77", "data_infracao": "2026-01-05", "fatos": "negativa de cobertura",
            "beneficiarios_expostos": 10, "documento": "AI 14/2026", "occurred_on": "2026-02-02"});
        assert_eq!(server.post("/api/v1/casos", Role::Fiscal, &auto).await.status, StatusCode::CREATED);
        server.settle().await;
        let officers = autos_app::officers::list(&server.store().database()).await.unwrap();
        let fiscal = officers.iter().find(|o| o.role == Role::Fiscal).unwrap().officer_id.to_string();

        let browser = Browser::start().await;
        let base = &server.base;
        browser.goto(&format!("{base}/busca?processo=33910.000005/2026-55")).await;
        sign_in(&browser, server, Role::Diretoria).await;
        assert!(
            browser.wait_for_text("#atos", "AI 14/2026").await.contains("33910.000005/2026-55"),
            "found by its NUP"
        );
        browser.click("#atos-possiveis a[href$='/atos/atribuir_caso']").await;
        browser.wait_for_text("h1", "Atribuir").await;
        browser.set("#campo-responsavel", &fiscal).await;
        browser.fill("#campo-nucleo", "NURAF-SP").await;
        browser.click(SUBMIT).await;
        let acts = browser.wait_for_text("#atos", "NURAF-SP").await;
        assert!(acts.contains("Atribuir o caso") && acts.contains("Servidor fiscal"), "{acts}");
        browser.goto(&format!("{base}/fila?nucleo=NURAF-SP")).await;
        assert!(browser.wait_for_text("#fila", "Saúde Exemplo").await.contains("Processo administrativo sancionador"));

        sign_out(&browser).await;
        browser.goto(&format!("{base}/entrar")).await;
        sign_in(&browser, server, Role::Fiscal).await;
        browser.click("header a[href='/meus-casos']").await;
        let queue = browser.wait_for_text("#fila", "Saúde Exemplo").await;
        assert!(queue.contains("Processo administrativo sancionador") && queue.contains("auto lavrado"), "{queue}");
        screenshot(&browser, server, "g-meus-casos").await;
        browser.goto(&format!("{base}/busca?processo=00000.000000/0000-00")).await;
        assert!(browser.wait_for_text("h1", "não encontrada").await.contains("Página não encontrada"));
        browser.quit().await;
    }

    /// (e) A refused act keeps its form, with the message next to the field; a refusal by law names
    /// its rule and norm at the top; nothing is stored.
    async fn a_refused_act_keeps_its_form_and_says_why_in_portuguese(server: &Server) {
        register_operator(server).await;
        server.settle().await;
        let before = server.event_count().await;
        let browser = Browser::start().await;
        let base = &server.base;
        browser.goto(&format!("{base}/casos/novo/lavrar_auto_infracao?registro={REGISTRO}")).await;
        sign_in(&browser, server, Role::Fiscal).await;
        browser.set("#campo-_data", "2026-02-02").await;
        browser.fill("#campo-processo", "33910.000002/2026-22").await;
        browser.set("#campo-data_infracao", "2026-01-05").await;
        browser.fill("#campo-beneficiarios_expostos", "40").await;
        browser.fill("#campo-documento", "AI 11/2026").await;
        browser.click(SUBMIT).await;
        let message = browser.wait_for_text("#campo-fatos-erro", "obrigatório").await;
        assert_eq!(message, "campo obrigatório");
        assert!(browser.text("#campo-tipo_infracao-erro").await.contains("obrigatório"));
        assert_eq!(browser.value("#campo-processo").await, "33910.000002/2026-22", "what was typed is kept");
        assert_eq!(browser.value("#campo-data_infracao").await, "2026-01-05");

        browser.fill("#campo-tipo_infracao", "rn124.art77").await;
        browser.fill("#campo-fatos", "negativa de cobertura").await;
        browser.set("#campo-_data", "2099-01-01").await;
        browser.click(SUBMIT).await;
        let refusal = browser.wait_for_text("#erro-ato", "ato.data_futura").await;
        assert!(refusal.contains("posterior a hoje") && refusal.contains("Lei 9.784/1999"), "{refusal}");
        assert_eq!(browser.value("#campo-fatos").await, "negativa de cobertura");
        let source = browser.source().await;
        for internal in ["DOMAIN.md", "ARCHITECTURE.md", "missing field", "AguardandoDefesa", "invalid type"] {
            assert!(!source.contains(internal), "the page shows {internal}");
        }
        screenshot(&browser, server, "e-ato-recusado").await;
        assert_eq!(server.event_count().await, before, "a refused act stores nothing");
        browser.quit().await;
    }

    /// (f) Paging reaches an operator's newest act past more than 1,000 timeline entries.
    async fn paging_reaches_the_newest_act_of_a_long_timeline(server: &Server) {
        register_operator(server).await;
        for n in 0..1_050 {
            let change = json!({"act": "alterar_cadastro", "razao_social": format!("Saúde Exemplo {n} S.A."),
                "occurred_on": "2005-01-01"});
            let answer =
                server.post(&format!("/api/v1/operadoras/{REGISTRO}/atos"), Role::Administrador, &change).await;
            assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        }
        let decree = json!({"act": "instaurar_direcao_fiscal", "registro": REGISTRO, "motivos": ["insuficiência"],
            "diretor_fiscal": "diretor", "documento": "RO 99/2026", "occurred_on": "2026-03-01"});
        assert_eq!(server.post("/api/v1/casos", Role::Diretoria, &decree).await.status, StatusCode::CREATED);
        server.settle().await;
        let browser = Browser::start().await;
        browser.goto(&format!("{}/entrar?volta=/operadoras/{REGISTRO}", server.base)).await;
        sign_in(&browser, server, Role::Fiscal).await;
        let mut pages = 1;
        while !browser.text("#linha-do-tempo").await.contains("RO 99/2026") {
            assert!(browser.source().await.contains("rel=\"next\""), "page {pages} has no next link");
            browser.click("a#linha-seguinte").await;
            browser.wait_for_text("#linha-do-tempo", "").await;
            pages += 1;
            assert!(pages < 20, "the newest act is not reached");
        }
        assert!(pages > 5, "1,050 entries span several pages ({pages})");
        screenshot(&browser, server, "f-paginacao").await;
        browser.quit().await;
    }

    /// The public sees the bulletin and the complaint index without signing in.
    async fn the_public_sees_the_bulletin_and_the_complaint_index(server: &Server) {
        register_operator(server).await;
        for (mes, quantidade) in [(7, 2000), (8, 2000), (9, 2000)] {
            let count = json!({"ano": 2002, "mes": mes, "quantidade": quantidade, "occurred_on": "2002-10-10"});
            let answer =
                server.post(&format!("/api/v1/operadoras/{REGISTRO}/beneficiarios"), Role::Administrador, &count).await;
            assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        }
        for tipo in ["denuncia", "denuncia", "consulta"] {
            let demanda = json!({"act": "registrar_demanda_disque_ans", "registro": REGISTRO, "tipo": tipo,
                "tema": "aumento_de_mensalidade", "canal": "telefone", "occurred_on": "2002-08-12"});
            assert_eq!(server.post("/api/v1/casos", Role::Atendente, &demanda).await.status, StatusCode::CREATED);
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
        assert!(!browser.text("header").await.contains("Prazos"), "visitors see no officer menu");
        screenshot(&browser, server, "publico-boletim").await;
        browser.click("select[name=uf] option[value=BA]").await;
        browser.click("form.linha button").await;
        let other = browser.wait_for_text("h1", "BA").await;
        assert!(other.contains("BA, 3º trimestre de 2002"), "{other}");
        browser.quit().await;
    }

    /// (g) A DIFIS coordinator (a fiscal) finds the partner by UF, sees the obligations of each
    /// quarter, is told why a bulletin of a quarter not yet ended is refused, issues the bulletin
    /// of the quarter that ended, and opens its printable page.
    async fn a_coordinator_issues_a_partners_quarterly_bulletin_and_prints_it(server: &Server) {
        register_operator(server).await;
        let id = partner_with_agreement(server).await;
        server.settle().await;
        let browser = Browser::start().await;
        let base = &server.base;
        browser.goto(&format!("{base}/parceiros?uf=MG")).await;
        sign_in(&browser, server, Role::Fiscal).await;
        let list = browser.wait_for_text("#parceiros", "Procon Estadual").await;
        assert!(list.contains("ACT 3/2024 (Expirado)") && list.contains("Sudeste"), "{list}");
        browser.click("#parceiros a").await;
        let quarters = browser.wait_for_text("#acordo-1 table.obrigacoes", "2024-T1").await;
        assert!(quarters.contains("Atrasada") && quarters.contains("Cumprida"), "{quarters}");

        browser.click("#atos-parceiro a[href$='/atos/emitir_boletim']").await;
        assert!(browser.wait_for_text("h1", "Emitir boletim").await.contains("Emitir boletim trimestral"));
        assert_eq!(browser.value("#campo-acordo").await, "ACT 3/2024", "the agreement comes filled in");
        browser.set("#campo-_data", "2024-04-10").await;
        browser.fill("#campo-trimestre", "2024-T2").await;
        browser.click(SUBMIT).await;
        let refused = browser.wait_for_text("#erro-ato", "boletim.trimestre_nao_encerrado").await;
        assert!(refused.contains("Lei 9.961/2000"), "the rule and its norm: {refused}");
        browser.fill("#campo-trimestre", "2024-T1").await;
        browser.click(SUBMIT).await;
        let issued = browser.wait_for_text(".boletins", "Boletim 2024-T1").await;
        assert!(issued.contains("SHA-256"), "{issued}");
        browser.click(".boletins a").await;
        let bulletin = browser.wait_for_text("#boletim", "em complemento").await;
        assert!(bulletin.contains("Procon Estadual de Minas Gerais") && bulletin.contains("ACT 3/2024"), "{bulletin}");
        assert!(bulletin.contains("Reembolso") && bulletin.contains("UF MG"), "{bulletin}");
        assert!(!browser.source().await.contains("Carla Mendes"), "the contact person stays sealed");
        let api = server.get(&format!("/api/v1/parceiros/{id}/boletins/2024-T1"), Some(Role::Auditor)).await;
        assert_eq!(browser.text("#sha256").await, api.body["sha256"].as_str().unwrap());
        screenshot(&browser, server, "parceiro-boletim-emitido").await;
        // Anyone sees the agreements in force on a date, by UF.
        browser.goto(&format!("{base}/publico/parceiros?uf=MG&data=2024-06-30")).await;
        let public = browser.wait_for_text("#acordos-vigentes", "ACT 3/2024").await;
        assert!(
            public.contains("Procon Estadual de Minas Gerais") && public.contains("01/02/2024 a 31/01/2025"),
            "{public}"
        );
        browser.goto(&format!("{base}/publico/parceiros?uf=MG&data=2025-02-01")).await;
        assert!(browser.wait_for_text("main", "Nenhum acordo vigente").await.contains("na UF MG"));
        browser.quit().await;
    }

    /// (h) A DIFIS coordinator registers a partner through the pages (an e-mail that is not one is
    /// refused next to its field), signs its agreement unticking one obligation of the standard
    /// work plan (a validity that ends before it starts is refused next to its field), records
    /// an obligation met and includes an ANS action in the quarter's bulletin; anyone then sees
    /// the partner's UF coloured on the public map, picks it there, and downloads the CSV.
    async fn a_coordinator_registers_a_partner_and_its_agreement_and_the_public_map_shows_it(server: &Server) {
        let browser = Browser::start().await;
        let base = &server.base;
        browser.goto(&format!("{base}/parceiros")).await;
        sign_in(&browser, server, Role::Fiscal).await;
        browser.click("#acoes-programa a[href='/parceiros/novo']").await;
        assert!(browser.wait_for_text("h1", "Cadastrar parceiro").await.contains("Parceiros da Cidadania"));
        browser.set("#campo-_data", "2023-03-01").await;
        browser.set("#campo-tipo", "defensoria_publica").await;
        browser.fill("#campo-nome", "Defensoria Pública do Estado da Bahia").await;
        browser.set("#campo-uf", "BA").await;
        browser.fill("#campo-municipio", "Salvador").await;
        browser.fill("#campo-contatos-email", "consumidor@defensoria").await;
        browser.fill("#campo-responsavel-nome", "João Prado").await;
        browser.click(SUBMIT).await;
        let refused = browser.wait_for_text("#campo-contatos-email-erro", "e-mail").await;
        assert!(refused.contains("e-mail institucional inválido"), "{refused}");
        assert_eq!(browser.value("#campo-nome").await, "Defensoria Pública do Estado da Bahia", "what was typed stays");
        browser.fill("#campo-contatos-email", "consumidor@defensoria.ba.def.br").await;
        browser.click(SUBMIT).await;
        let header = browser.wait_for_text("main", "Nordeste").await;
        assert!(header.contains("Defensoria Pública do Estado da Bahia") && header.contains("Salvador"), "{header}");
        assert!(!browser.source().await.contains("João Prado"), "the contact person is sealed");

        browser.click("#atos-parceiro a[href$='/atos/assinar_acordo']").await;
        browser.wait_for_text("h1", "assinatura de acordo").await;
        browser.click("#campo-obrigacoes-0").await; // unticks "Participação em eventos"
        browser.set("#campo-_data", "2023-03-10").await;
        browser.fill("#campo-numero", "ACT 7/2023").await;
        browser.set("#campo-assinatura", "2023-03-10").await;
        browser.set("#campo-vigencia_inicio", "2023-04-01").await;
        browser.set("#campo-vigencia_fim", "2023-03-31").await;
        browser.fill("#campo-documento", "SEI 25351.000123/2023-11").await;
        browser.click(SUBMIT).await;
        let refused = browser.wait_for_text("#campo-vigencia_fim-erro", "vigência").await;
        assert!(refused.contains("posterior ao início"), "{refused}");
        browser.set("#campo-vigencia_fim", "2028-03-31").await;
        browser.click(SUBMIT).await;
        let agreement = browser.wait_for_text("#acordo-1", "ACT 7/2023").await;
        assert!(agreement.contains("Reuniões") && !agreement.contains("Participação em eventos"), "{agreement}");

        browser.click("#atos-parceiro a[href$='/atos/registrar_cumprimento_obrigacao']").await;
        browser.wait_for_text("h1", "cumprimento").await;
        browser.set("#campo-_data", "2023-05-15").await;
        browser.set("#campo-obrigacao", "reunioes").await;
        browser.set("#campo-data", "2023-05-15").await;
        browser.fill("#campo-trimestre", "2023-T2").await;
        browser.fill("#campo-descricao", "Reunião de alinhamento com a Defensoria").await;
        browser.fill("#campo-documento", "Ata 1/2023").await;
        browser.click(SUBMIT).await;
        let quarters = browser.wait_for_text("#acordo-1 table.obrigacoes", "2023-T2").await;
        assert!(quarters.contains("Cumprida"), "{quarters}");

        browser.goto(&format!("{base}/parceiros/programa")).await;
        browser.click("#incluir-item").await;
        browser.wait_for_text("h1", "Incluir ação").await;
        browser.set("#campo-_data", "2023-05-20").await;
        browser.fill("#campo-trimestre", "2023-T2").await;
        browser.set("#campo-tipo", "acao_ans").await;
        browser.fill("#campo-titulo", "Ação fiscalizatória sobre reembolso").await;
        browser.set("#campo-data", "2023-05-20").await;
        browser.click(SUBMIT).await;
        let items = browser.wait_for_text("#itens-boletim", "Ação fiscalizatória").await;
        assert!(items.contains("2023-T2") && items.contains("No boletim"), "{items}");

        browser.goto(&format!("{base}/publico/parceiros?data=2024-01-15")).await;
        let public = browser.wait_for_text("#acordos-vigentes", "ACT 7/2023").await;
        assert!(public.contains("Defensoria Pública do Estado da Bahia") && public.contains("BA"), "{public}");
        let source = browser.source().await;
        assert!(source.contains("id=\"uf-BA\" data-quantidade=\"1\""), "Bahia is coloured by its one agreement");
        assert!(source.contains("id=\"uf-SP\" data-quantidade=\"0\""), "São Paulo has none");
        screenshot(&browser, server, "parceiros-mapa-publico").await;
        browser.click("#uf-BA").await;
        assert!(browser.wait_for_text("#acordos-vigentes caption", "na UF BA").await.contains("15/01/2024"));
        browser.quit().await;
        let csv = server.get("/publico/parceiros?data=2024-01-15&format=csv", None).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
        let lines: Vec<&str> = csv.text.lines().collect();
        assert_eq!(lines[0], "vigente_em,uf,regiao,parceiro,tipo,acordo,inicio_vigencia,fim_vigencia");
        assert!(lines.contains(
            &"15/01/2024,BA,Nordeste,Defensoria Pública do Estado da Bahia,Defensoria Pública,ACT 7/2023,01/04/2023,31/03/2028"
        ), "{lines:?}");
    }

    /// The role × page matrix: what each role (and a visitor) gets on every page, without following
    /// redirects (a visitor on an officer page is sent to sign in: 303).
    async fn every_role_gets_what_it_may_use_on_every_page(server: &Server) {
        register_operator(server).await;
        let auto = json!({"act": "lavrar_auto_infracao", "registro": REGISTRO, "processo": "33910.000003/2026-33",
            "tipo_infracao": "rn124.art77", "data_infracao": "2026-01-05", "fatos": "negativa de cobertura",
            "beneficiarios_expostos": 10, "documento": "AI 12/2026", "occurred_on": "2026-02-02"});
        let opened = server.post("/api/v1/casos", Role::Fiscal, &auto).await;
        let pas = opened.body["case_id"].as_str().unwrap().to_owned();
        let demanda = json!({"act": "registrar_demanda_disque_ans", "registro": REGISTRO, "tipo": "denuncia",
            "tema": "reembolso", "canal": "telefone", "reclamante": {"nome": "José"}, "occurred_on": "2026-02-02"});
        let opened = server.post("/api/v1/casos", Role::Atendente, &demanda).await;
        let demanda = opened.body["case_id"].as_str().unwrap().to_owned();
        let parceiro = partner_with_agreement(server).await;
        server.settle().await;

        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        use Role::{
            Administrador as Ad, Atendente as At, Auditor as Au, Diretoria as Di, Fiscal as Fi, Interventor as In,
        };
        const OK: u16 = 200;
        const SIGN_IN: u16 = 303;
        const NO: u16 = 403;
        // (page, visitor, [(role, status)] for the roles that differ from `others`, others)
        type Row = (String, u16, Vec<(Role, u16)>, u16);
        let matrix: Vec<Row> = vec![
            ("/operadoras".into(), OK, vec![], OK),
            (format!("/operadoras/{REGISTRO}"), OK, vec![], OK),
            ("/publico".into(), OK, vec![], OK),
            (format!("/casos/{pas}"), SIGN_IN, vec![], OK),
            ("/prazos".into(), SIGN_IN, vec![], OK),
            ("/painel".into(), SIGN_IN, vec![], OK),
            ("/auditoria".into(), SIGN_IN, vec![(Au, OK), (Ad, OK)], NO),
            (format!("/casos/novo/lavrar_auto_infracao?registro={REGISTRO}"), SIGN_IN, vec![(Fi, OK)], NO),
            ("/casos/novo/registrar_demanda_disque_ans".into(), SIGN_IN, vec![(At, OK)], NO),
            ("/casos/novo/instaurar_direcao_fiscal".into(), SIGN_IN, vec![(Di, OK)], NO),
            (format!("/casos/{pas}/atos/notificar_autuada"), SIGN_IN, vec![(Fi, OK)], NO),
            (format!("/casos/{pas}/atos/registrar_defesa"), SIGN_IN, vec![], NO),
            (format!("/casos/{demanda}/dados-pessoais"), SIGN_IN, vec![(At, OK), (Fi, OK), (Di, OK)], NO),
            ("/meus-casos".into(), SIGN_IN, vec![], OK),
            ("/busca".into(), SIGN_IN, vec![], OK),
            ("/busca?familia=sancionador&fase=auto%20lavrado".into(), SIGN_IN, vec![], OK),
            ("/sancoes".into(), SIGN_IN, vec![], OK),
            ("/fila?uf=SP".into(), SIGN_IN, vec![(At, NO), (In, NO)], OK),
            ("/fila?nucleo=NURAF-SP".into(), SIGN_IN, vec![(At, NO), (In, NO)], OK),
            (format!("/casos/{pas}/atos/atribuir_caso"), SIGN_IN, vec![(Fi, OK), (Di, OK)], NO),
            ("/parceiros?uf=MG".into(), SIGN_IN, vec![(At, NO), (In, NO), (Ad, NO)], OK),
            (format!("/parceiros/{parceiro}"), SIGN_IN, vec![(At, NO), (In, NO), (Ad, NO)], OK),
            (format!("/parceiros/{parceiro}/atos/emitir_boletim"), SIGN_IN, vec![(Fi, OK), (Di, OK)], NO),
            (format!("/parceiros/{parceiro}/atos/assinar_acordo"), SIGN_IN, vec![(Fi, OK), (Di, OK)], NO),
            ("/parceiros/novo".into(), SIGN_IN, vec![(Fi, OK), (Di, OK)], NO),
            ("/parceiros/programa".into(), SIGN_IN, vec![(At, NO), (In, NO), (Ad, NO)], OK),
            ("/parceiros/programa/atos/incluir_item_boletim".into(), SIGN_IN, vec![(Fi, OK), (Di, OK)], NO),
            ("/publico/parceiros?uf=MG&data=2024-06-30".into(), OK, vec![], OK),
            ("/nada-aqui".into(), 404, vec![], 404),
        ];
        let mut sessions = std::collections::BTreeMap::new();
        for role in Role::ALL {
            sessions.insert(role, server.sign_in(&server.tokens[&role]).await);
        }
        for (path, visitor, special, others) in matrix {
            for role in [None, Some(At), Some(Fi), Some(Di), Some(In), Some(Au), Some(Ad)] {
                let expected = match role {
                    None => visitor,
                    Some(r) => special.iter().find(|(s, _)| *s == r).map_or(others, |(_, status)| *status),
                };
                let mut request = client.get(format!("{}{path}", server.base));
                if let Some(r) = role {
                    request = request.header("cookie", &sessions[&r].cookie);
                }
                let answer = request.send().await.unwrap();
                for (name, value) in [("x-content-type-options", "nosniff"), ("x-frame-options", "DENY")] {
                    assert_eq!(answer.headers().get(name).and_then(|v| v.to_str().ok()), Some(value), "{path}: {name}");
                }
                let policy =
                    answer.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
                assert!(
                    policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"),
                    "{path}: {policy}"
                );
                let status = answer.status().as_u16();
                let location =
                    answer.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
                let body = answer.text().await.unwrap();
                assert_eq!(status, expected, "{path} as {role:?}: {body}");
                if status == SIGN_IN {
                    assert!(location.starts_with("/entrar?volta=/"), "{path}: sent to sign in and back ({location})");
                }
                if status >= 400 {
                    assert!(
                        body.contains("<html lang=\"pt-BR\">") && body.contains("role=\"alert\""),
                        "{path}: a page"
                    );
                }
            }
        }
    }

    /// The deadlines page filters by status, family, UF and operator, names the operator, and pages.
    async fn the_deadlines_page_filters_what_it_lists(server: &Server) {
        register_operator(server).await;
        let auto = json!({"act": "lavrar_auto_infracao", "registro": REGISTRO, "processo": "33910.000004/2026-44",
            "tipo_infracao": "rn124.art77", "data_infracao": "2026-01-05", "fatos": "negativa de cobertura",
            "beneficiarios_expostos": 10, "documento": "AI 13/2026", "occurred_on": "2026-02-02"});
        let opened = server.post("/api/v1/casos", Role::Fiscal, &auto).await;
        let pas = opened.body["case_id"].as_str().unwrap().to_owned();
        let notify = json!({"act": "notificar_autuada", "documento": "Ofício 9/2026", "occurred_on": "2026-02-10"});
        assert_eq!(
            server.post(&format!("/api/v1/casos/{pas}/atos"), Role::Fiscal, &notify).await.status,
            StatusCode::CREATED
        );
        let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
        let decree = json!({"act": "instaurar_direcao_fiscal", "registro": REGISTRO, "motivos": ["insuficiência"],
            "diretor_fiscal": "diretor", "documento": "RO 20/2026", "occurred_on": today});
        assert_eq!(server.post("/api/v1/casos", Role::Diretoria, &decree).await.status, StatusCode::CREATED);
        server.settle().await;
        let session = server.sign_in(&server.tokens[&Role::Fiscal]).await;
        let cookie = session.cookie.as_str();
        let page = |query: &'static str| async move {
            let answer =
                server.call(reqwest::Method::GET, &format!("/prazos{query}"), None, None, &[("cookie", cookie)]).await;
            assert_eq!(answer.status, StatusCode::OK, "{query}");
            answer.text
        };
        let all = page("").await;
        assert!(
            all.contains("Defesa") && all.contains("Vigência do regime") && all.contains("Saúde Exemplo S.A."),
            "{all}"
        );
        let overdue = page("?situacao=vencido").await;
        assert!(overdue.contains("Defesa") && !overdue.contains("Vigência do regime"), "only what is overdue");
        let open = page("?situacao=aberto").await;
        assert!(open.contains("Vigência do regime") && !open.contains(">Defesa<"), "only what still runs");
        let pas_only = page("?familia=sancionador").await;
        assert!(pas_only.contains("Defesa") && !pas_only.contains("Vigência do regime"));
        let elsewhere = page("?uf=BA").await;
        assert!(!elsewhere.contains("/casos/"), "no deadline in BA");
        let other = page("?operadora=005712").await;
        assert!(!other.contains("/casos/"), "no deadline of another operator");
    }

    /// The dashboard's chart has a text alternative with every bar in pt-BR, its tables captions and
    /// header scopes, and each table a CSV link that answers.
    async fn the_dashboard_describes_its_chart_and_links_csv(server: &Server) {
        register_operator(server).await;
        let decree = json!({"act": "instaurar_direcao_fiscal", "registro": REGISTRO, "motivos": ["insuficiência"],
            "diretor_fiscal": "diretor", "documento": "RO 21/2026", "occurred_on": "2026-03-01"});
        assert_eq!(server.post("/api/v1/casos", Role::Diretoria, &decree).await.status, StatusCode::CREATED);
        server.settle().await;
        let cookie = server.sign_in(&server.tokens[&Role::Fiscal]).await.cookie;
        let get = |path: String| {
            let cookie = cookie.clone();
            async move { server.call(reqwest::Method::GET, &path, None, None, &[("cookie", &cookie)]).await }
        };
        let page = get("/painel".into()).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text.contains("role=\"img\" aria-label=\"Casos abertos por família. Direção fiscal: 1"),
            "{}",
            page.text
        );
        assert!(page.text.contains("<caption>") && page.text.contains("scope=\"row\""));
        let links: Vec<String> = page
            .text
            .split("href=\"")
            .skip(1)
            .filter_map(|l| l.split('"').next())
            .filter(|l| l.contains("format=csv"))
            .map(|l| l.replace("&amp;", "&"))
            .collect();
        assert!(links.len() >= 4, "{links:?}");
        for link in links {
            let csv = get(link.clone()).await;
            assert_eq!(csv.status, StatusCode::OK, "{link}");
            assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"), "{link}");
        }
    }

    /// The search finds cases by process number, act number, operator, family and phase, responsible
    /// officer and UF; the UF queue, the deadlines by responsible officer and the sanctions ledger
    /// list what they should; an act whose deadline awaits confirmation in the rule book says so.
    async fn the_search_queues_and_ledger_find_every_case_by_what_officers_know(server: &Server) {
        register_operator(server).await;
        let auto = |nup: &str, documento: &str, on: &str| {
            json!({"act": "lavrar_auto_infracao", "registro": REGISTRO, "processo": nup,
                "tipo_infracao": "rn124.art77", "data_infracao": on, "fatos": "negativa de cobertura",
                "beneficiarios_expostos": 10, "documento": documento, "occurred_on": on})
        };
        let open = |body: Value| async move {
            let opened = server.post("/api/v1/casos", Role::Fiscal, &body).await;
            assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
            opened.body["case_id"].as_str().unwrap().to_owned()
        };
        let recent = open(auto("33910.000021/2026-21", "AI 21/2026", "2026-01-05")).await;
        let old = open(auto("33910.000022/2002-22", "AI 22/2002", "2002-03-01")).await;
        let officers = autos_app::officers::list(&server.store().database()).await.unwrap();
        let id_of = |role: Role| officers.iter().find(|o| o.role == role).unwrap().officer_id.to_string();
        let (fiscal, board) = (id_of(Role::Fiscal), id_of(Role::Diretoria));
        let assign = json!({"act": "atribuir_caso", "responsavel": fiscal, "nucleo": "NURAF-SP"});
        let assigned = server.post(&format!("/api/v1/casos/{recent}/atos"), Role::Diretoria, &assign).await;
        assert_eq!(assigned.status, StatusCode::CREATED, "{}", assigned.text);
        let notify = json!({"act": "notificar_autuada", "documento": "Ofício 21/2026", "occurred_on": "2026-02-10"});
        let notified = server.post(&format!("/api/v1/casos/{recent}/atos"), Role::Fiscal, &notify).await;
        assert_eq!(notified.status, StatusCode::CREATED, "{}", notified.text);
        server.settle().await;

        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let session = server.sign_in(&server.tokens[&Role::Fiscal]).await;
        let get = |path: String| {
            let (client, cookie) = (client.clone(), session.cookie.clone());
            async move {
                let answer =
                    client.get(format!("{}{path}", server.base)).header("cookie", cookie).send().await.unwrap();
                let status = answer.status().as_u16();
                let location =
                    answer.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
                (status, location, answer.text().await.unwrap())
            }
        };
        let listed = |text: &str, id: &str| text.contains(&format!("/casos/{id}\""));
        let (status, location, _) = get("/busca?processo=33910.000021/2026-21".into()).await;
        assert_eq!((status, location.as_str()), (303, format!("/casos/{recent}").as_str()), "by NUP");
        let (status, location, _) = get("/busca?documento=ai%20%2021/2026".into()).await;
        assert_eq!((status, location.as_str()), (303, format!("/casos/{recent}").as_str()), "by act number");
        let (status, _, text) = get("/busca?documento=Of%C3%ADcio%2099/2026".into()).await;
        assert!(status == 200 && text.contains("Nenhum caso encontrado"), "{text}");
        let (_, _, text) = get(format!("/busca?operadora={REGISTRO}")).await;
        assert!(listed(&text, &recent) && listed(&text, &old), "by operator: {text}");
        let (_, _, text) = get("/busca?familia=sancionador&fase=auto%20lavrado".into()).await;
        assert!(listed(&text, &old) && !listed(&text, &recent), "by family and phase: {text}");
        let (_, _, text) = get("/busca?familia=sancionador&fase=aguardando%20defesa".into()).await;
        assert!(listed(&text, &recent) && !listed(&text, &old) && text.contains("Servidor fiscal"), "{text}");
        let (_, _, text) = get(format!("/busca?responsavel={fiscal}")).await;
        assert!(listed(&text, &recent) && !listed(&text, &old), "by responsible officer: {text}");
        let (_, _, text) = get(format!("/busca?responsavel={board}")).await;
        assert!(!listed(&text, &recent), "nothing assigned to the board");
        let (_, _, text) = get("/busca?uf=SP".into()).await;
        assert!(listed(&text, &recent) && listed(&text, &old), "by UF: {text}");
        let (_, _, text) = get("/busca?uf=BA".into()).await;
        assert!(!text.contains("/casos/"), "no case in BA");
        let (_, _, text) = get("/fila?uf=SP".into()).await;
        assert!(listed(&text, &recent) && listed(&text, &old), "the UF queue: {text}");

        let (_, _, text) = get(format!("/prazos?responsavel={fiscal}")).await;
        assert!(text.contains("Defesa") && text.contains("Servidor fiscal"), "the fiscal's deadlines: {text}");
        let (_, _, text) = get(format!("/prazos?responsavel={board}")).await;
        assert!(!text.contains("/casos/"), "no deadline of the board");

        let (_, _, text) = get("/sancoes".into()).await;
        assert!(
            text.contains("33910.000021/2026-21")
                && text.contains("33910.000022/2002-22")
                && text.contains("a decidir"),
            "{text}"
        );
        let (_, _, text) = get("/sancoes?situacao=divida_ativa".into()).await;
        assert!(!text.contains("33910.0000"), "no fine in dívida ativa");
        let (_, _, text) = get("/sancoes?fase=aguardando%20defesa".into()).await;
        assert!(text.contains("33910.000021/2026-21") && !text.contains("33910.000022/2002-22"), "{text}");

        let (_, _, text) = get(format!("/casos/{old}/atos/notificar_autuada")).await;
        assert!(text.contains("Prazo ainda não confirmado") && text.contains("<li>Defesa</li>"), "RDC era: {text}");
        // A change signed by the session cookie must come from this site and carry the session's
        // token (CSRF): refused from elsewhere, from nowhere named, or without the token or with
        // another; stored only from the site's own page with its token.
        let before = server.event_count().await;
        let act_path = format!("{}/casos/{recent}/atos/atribuir_caso", server.base);
        let post = |origin: Option<String>, csrf: Option<&str>| {
            let mut form = format!("_versao=3&responsavel={board}&nucleo=NURAF-RJ");
            if let Some(csrf) = csrf {
                form.push_str(&format!("&_csrf={csrf}"));
            }
            let (client, act_path, cookie) = (client.clone(), act_path.clone(), session.cookie.clone());
            async move {
                let mut request = client
                    .post(act_path)
                    .header("cookie", cookie)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form);
                if let Some(origin) = origin {
                    request = request.header("origin", origin);
                }
                let answer = request.send().await.unwrap();
                (answer.status().as_u16(), answer.text().await.unwrap())
            }
        };
        let token = Some(session.csrf.as_str());
        let (status, text) = post(None, token).await;
        assert!(status == 403 && text.contains("não veio de uma página do Autos"), "{status}: {text}");
        assert_eq!(post(Some("http://intruso.example".into()), token).await.0, 403);
        let (status, text) = post(Some(server.base.clone()), None).await;
        assert!(status == 403 && text.contains("o formulário expirou"), "without the token: {status}: {text}");
        let (status, text) = post(Some(server.base.clone()), Some("0123456789abcdef")).await;
        assert!(status == 403 && text.contains("o formulário expirou"), "another token: {status}: {text}");
        assert_eq!(server.event_count().await, before, "nothing stored from a forged form");
        assert_eq!(post(Some(server.base.clone()), token).await.0, 303, "filed from the site's own page");
        assert_eq!(server.event_count().await, before + 1);

        let (_, _, text) = get(format!("/casos/{recent}/atos/registrar_defesa")).await;
        assert!(text.contains("Registrar") && !text.contains("Prazo ainda não confirmado"), "RN 483 era: {text}");
    }

    /// (h) A fiscal finds a case by its auto number from the menu's search, sees the sanctions
    /// ledger, and is told on an RDC-era notification that the defence deadline awaits confirmation.
    async fn a_fiscal_searches_reads_the_ledger_and_is_told_of_an_unconfirmed_deadline(server: &Server) {
        register_operator(server).await;
        let auto = json!({"act": "lavrar_auto_infracao", "registro": REGISTRO, "processo": "33910.000031/2002-31",
            "tipo_infracao": "rn124.art77", "data_infracao": "2002-03-01", "fatos": "negativa de cobertura",
            "beneficiarios_expostos": 10, "documento": "AI 31/2002", "occurred_on": "2002-03-01"});
        let opened = server.post("/api/v1/casos", Role::Fiscal, &auto).await;
        assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
        server.settle().await;

        let browser = Browser::start().await;
        let base = &server.base;
        browser.goto(&format!("{base}/entrar")).await;
        sign_in(&browser, server, Role::Fiscal).await;
        browser.click("header a[href='/busca']").await;
        browser.wait_for_text("h1", "Buscar casos").await;
        browser.fill("input[name=documento]", "ai 31/2002").await;
        browser.click("form[aria-label='Buscar casos por filtros'] button[type=submit]").await;
        browser.wait_for_text("#atos", "AI 31/2002").await;
        assert!(browser.url().await.contains("/casos/"), "the one case citing the auto: {}", browser.url().await);
        browser.click("#atos-possiveis a[href$='/atos/notificar_autuada']").await;
        let notice = browser.wait_for_text("#prazos-pendentes", "Defesa").await;
        assert!(notice.contains("Prazo ainda não confirmado"), "{notice}");
        screenshot(&browser, server, "h-prazo-nao-confirmado").await;
        browser.click("header a[href='/sancoes']").await;
        let ledger = browser.wait_for_text("#sancoes", "33910.000031/2002-31").await;
        assert!(ledger.contains("Saúde Exemplo") && ledger.contains("a decidir"), "{ledger}");
        screenshot(&browser, server, "h-sancoes").await;
        browser.quit().await;
    }

    /// Signing in opens a page session: the cookie carries the session's id, never the token; it
    /// signs pages, and its forms are stored only with its CSRF token; it ends at sign-out, when it
    /// expires or sits idle, and when its officer is revoked; the cookie of older versions, which
    /// held the token itself, signs nothing; the API's bearer token works as before.
    async fn a_page_session_is_not_the_token_and_ends_at_sign_out_expiry_and_revocation(server: &Server) {
        register_operator(server).await;
        server.settle().await;
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let get = |cookie: String| {
            let client = client.clone();
            async move {
                let answer =
                    client.get(format!("{}/prazos", server.base)).header("cookie", cookie).send().await.unwrap();
                let location = answer.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_owned);
                (answer.status().as_u16(), location.unwrap_or_default())
            }
        };
        let post = |path: &'static str, cookie: String, form: String| {
            let client = client.clone();
            async move {
                let answer = client
                    .post(format!("{}{path}", server.base))
                    .header("cookie", cookie)
                    .header("origin", server.base.clone())
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form)
                    .send()
                    .await
                    .unwrap();
                let set_cookie = answer.headers().get("set-cookie").and_then(|v| v.to_str().ok()).map(str::to_owned);
                (answer.status().as_u16(), set_cookie.unwrap_or_default(), answer.text().await.unwrap())
            }
        };
        let token = &server.tokens[&Role::Fiscal];
        let session = server.sign_in(token).await;
        let id = session.cookie.strip_prefix("autos_sessao=").unwrap();
        assert!(id.len() == 64 && !token.contains(id) && !id.contains(token.trim_start_matches("autos_")));
        assert_eq!(get(session.cookie.clone()).await.0, 200, "the session signs the pages");
        let (status, location) = get(format!("autos_token={token}")).await;
        assert!(status == 303 && location.starts_with("/entrar"), "the old token cookie signs nothing: {status}");

        let before = server.event_count().await;
        let auto = format!(
            "_data=2026-02-02&registro={REGISTRO}&processo=33910.000001%2F2026-11&tipo_infracao=rn124.art77\
             &data_infracao=2026-01-05&fatos=negativa+de+cobertura&beneficiarios_expostos=500&documento=AI+10%2F2026"
        );
        let open = "/casos/novo/lavrar_auto_infracao";
        for (form, case) in [(auto.clone(), "without the token"), (format!("{auto}&_csrf=00ff"), "with another")] {
            let (status, _, text) = post(open, session.cookie.clone(), form).await;
            assert!(status == 403 && text.contains("o formulário expirou"), "{case}: {status}: {text}");
            assert!(text.contains("<html lang=\"pt-BR\">"), "{case}: a page");
        }
        assert_eq!(server.event_count().await, before, "nothing stored from a form without its token");
        let (status, _, text) = post(open, session.cookie.clone(), format!("{auto}&_csrf={}", session.csrf)).await;
        assert_eq!(status, 303, "{text}");
        assert!(server.event_count().await > before, "stored with the session's token");

        // The API's bearer token needs no CSRF token, even beside a session cookie.
        let operator = json!({"registro": "000701", "cnpj": "11.444.777/0001-61", "razao_social": "Carioca Saúde",
            "modalidade": "medicina_de_grupo", "uf": "RJ", "registro_provisorio": false, "occurred_on": "2001-06-01"});
        let cookie = [("cookie", session.cookie.as_str())];
        let by_bearer = server
            .call(reqwest::Method::POST, "/api/v1/operadoras", Some(Role::Administrador), Some(&operator), &cookie)
            .await;
        assert_eq!(by_bearer.status, StatusCode::CREATED, "{}", by_bearer.text);

        // Signing out needs the token too, and ends the session on the server: a copy of the cookie
        // signs nothing afterwards.
        assert_eq!(post("/sair", session.cookie.clone(), String::new()).await.0, 403);
        let (status, cleared, _) = post("/sair", session.cookie.clone(), format!("_csrf={}", session.csrf)).await;
        assert!(status == 303 && cleared.starts_with("autos_sessao=;") && cleared.contains("Max-Age=0"), "{cleared}");
        let (status, location) = get(session.cookie.clone()).await;
        assert!(status == 303 && location.starts_with("/entrar"), "signed out: {status}");

        // A session opened 8 h ago, or idle for more than an hour, signs nothing; one opened now does.
        let db = server.store().database();
        let officer = officers::authenticate(&db, token).await.unwrap().unwrap();
        let now = chrono::Utc::now();
        let minute = chrono::Duration::minutes(1);
        for (opened, signs) in
            [(now - sessions::LIFETIME - minute, false), (now - sessions::IDLE_LIMIT - minute, false), (now, true)]
        {
            let (id, _) = sessions::open(&db, officer.clone(), opened).await.unwrap();
            let (status, _) = get(format!("autos_sessao={id}")).await;
            assert_eq!(status == 200, signs, "a session opened at {opened}: {status}");
        }

        // A revoked officer's sessions end with the token.
        let (temporary, temporary_token) = officers::add(&db, "Servidora temporária", Role::Fiscal).await.unwrap();
        let session = server.sign_in(&temporary_token).await;
        assert_eq!(get(session.cookie.clone()).await.0, 200);
        assert!(officers::revoke(&db, temporary.officer_id).await.unwrap());
        let (status, location) = get(session.cookie.clone()).await;
        assert!(status == 303 && location.starts_with("/entrar"), "revoked: {status}");
    }
);
