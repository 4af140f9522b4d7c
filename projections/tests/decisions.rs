//! Decision replay on both backends: recorded commands are decided again against the history
//! before them; unchanged decisions pass, a decision the rules now refuse or decide otherwise
//! is reported with the rule version.

use autos_domain::testing::{actor, d, rule_book_configured_for_tests};
use autos_domain::NonEmptyText;
use autos_domain::{
    decide_case, decide_operator, CaseCommand, Cnpj, Context, Emitted, Modalidade, OperadoraState, OperatorCommand,
    Registro, Role, Uf,
};
use autos_projections::decisions::replay_decisions;
use autos_store::testing::Subject;
use autos_store::{AppendBatch, EventStore, ExpectedVersion, Provenance};
use uuid::Uuid;

/// Appends `emitted` as one batch recorded with `command` by an officer of `role`, and waits
/// until catch-up readers see it.
async fn record(store: &dyn EventStore, emitted: &[Emitted], command: &serde_json::Value, role: Role) {
    let streams = autos_projections::group_by_stream(emitted, |_| ExpectedVersion::Any);
    let provenance = Provenance {
        actor_id: Uuid::now_v7(),
        actor_role: role.as_str().into(),
        correlation_id: Some(Uuid::now_v7()),
        causation_id: None,
        command: Some(command.clone()),
    };
    let outcome = store.append(AppendBatch { streams, provenance }).await.unwrap();
    let last = outcome.positions.iter().copied().max().unwrap();
    autos_store::testing::wait_visible(store, last).await;
}

autos_store::on_both_backends!(
    async fn unchanged_decisions_pass_and_a_decision_now_refused_is_reported_with_its_rule(s: &Subject) {
        let store = s.store();
        let rules = rule_book_configured_for_tests();
        let registro = Registro::parse("326305").unwrap();
        let register = OperatorCommand::RegistrarOperadora {
            registro,
            cnpj: Some(Cnpj::parse("11.222.333/0001-81").unwrap()),
            razao_social: NonEmptyText::written("Saúde Exemplo S.A."),
            modalidade: Modalidade::MedicinaDeGrupo,
            uf: Some(Uf::Sp),
            registro_provisorio: false,
            regiao: None,
            municipio: None,
            referencia: None,
        };
        let admin = Context::new(actor(Role::Administrador, &[]), d(2001, 6, 1), &rules);
        let registered = decide_operator(&OperadoraState::default(), register.clone(), &admin).unwrap();
        record(store.as_ref(), &registered, &serde_json::to_value(&register).unwrap(), Role::Administrador).await;
        let mut operator = OperadoraState::default();
        for e in &registered {
            if let autos_domain::DomainEvent::Operator(ev) = &e.event {
                operator.evolve(ev);
            }
        }
        let df = CaseCommand::InstaurarDirecaoFiscal {
            registro,
            motivos: vec!["insuficiência de garantias".into()],
            diretor_fiscal: NonEmptyText::written("df"),
            documento: NonEmptyText::written("RO 1/2002"),
            vigencia_dias: None,
        };
        let mut board = Context::new(actor(Role::Diretoria, &[]), d(2002, 3, 1), &rules).on_case(Uuid::now_v7());
        board.fresh_ids = vec![Uuid::now_v7(), Uuid::now_v7()];
        let decree = decide_case(&Default::default(), &operator, df.clone(), &board).unwrap();
        record(store.as_ref(), &decree, &serde_json::to_value(&df).unwrap(), Role::Diretoria).await;

        let clean = replay_decisions(store.as_ref(), &rules, &|_| {}).await.unwrap();
        assert_eq!(clean.decisions_checked, 2);
        assert!(clean.changed.is_empty(), "{:?}", clean.changed);

        // A second decree recorded as accepted, which the rules refuse (one DF at a time).
        let mut again = Context::new(actor(Role::Diretoria, &[]), d(2002, 4, 1), &rules).on_case(Uuid::now_v7());
        again.fresh_ids = vec![Uuid::now_v7(), Uuid::now_v7()];
        let forged = decide_case(&Default::default(), &operator, df.clone(), &again).unwrap();
        record(store.as_ref(), &forged, &serde_json::to_value(&df).unwrap(), Role::Diretoria).await;

        let report = replay_decisions(store.as_ref(), &rules, &|_| {}).await.unwrap();
        assert_eq!(report.decisions_checked, 3);
        assert_eq!(report.changed.len(), 1, "{:?}", report.changed);
        let changed = &report.changed[0];
        assert_eq!(changed.act, "instaurar_direcao_fiscal");
        assert!(changed.now.as_ref().unwrap_err().starts_with("regime.ja_ativo"), "{:?}", changed.now);
        assert_eq!(changed.rule_version.as_deref(), Some(rules.in_force_on(d(2002, 4, 1)).unwrap().versao.as_str()));
    }
);
