//! The catalogue test: every act of the catalogues (cases and operators, and the Parceiros da
//! Cidadania programme) has a form, every form decodes into its command, the fields marked required are exactly those the command cannot do without, the
//! command has no field its form lacks, and every choice offers exactly the command's values.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::*;
use crate::acts::{act_catalogue, programme_act_catalogue, ActInfo};
use crate::parceiro::programa::ProgramaCommand;
use crate::{CaseCommand, OperatorCommand, ParceiroCommand};

/// The act whose form holds less than its command: the server builds the bulletin's content
/// and digest (`emitir_boletim` takes only the agreement and the quarter from the officer).
const SERVER_COMPLETED: &[&str] = &["emitir_boletim"];

/// Every act with a form that the form alone completes.
fn formed_acts() -> impl Iterator<Item = &'static ActInfo> {
    act_catalogue().iter().chain(programme_act_catalogue().iter().filter(|a| !SERVER_COMPLETED.contains(&a.name)))
}

/// Decodes as a case, operator, partner or programme act, by the catalogue.
/// Also checks that the decoded command names itself (`act()`) as the catalogue does.
fn decodes(act: &str, value: Value) -> Result<Value, String> {
    let info = crate::acts::find_act(act).unwrap();
    let programme = programme_act_catalogue().iter().any(|a| a.name == act);
    let (name, json) = if programme && <ParceiroCommand as strum::VariantNames>::VARIANTS.contains(&act) {
        let command = serde_json::from_value::<ParceiroCommand>(value).map_err(|e| e.to_string())?;
        (command.act(), serde_json::to_value(command).unwrap())
    } else if programme {
        let command = serde_json::from_value::<ProgramaCommand>(value).map_err(|e| e.to_string())?;
        (command.act(), serde_json::to_value(command).unwrap())
    } else if info.families.is_empty() {
        let command = serde_json::from_value::<OperatorCommand>(value).map_err(|e| e.to_string())?;
        (command.act(), serde_json::to_value(command).unwrap())
    } else {
        let command = serde_json::from_value::<CaseCommand>(value).map_err(|e| e.to_string())?;
        (command.act(), serde_json::to_value(command).unwrap())
    };
    assert_eq!(name, act, "the command's own name differs from its act tag");
    Ok(json)
}

fn full_json(act: &str) -> Value {
    let fields = fields(act).unwrap();
    let object =
        decode(fields, &probe_values(fields)).unwrap_or_else(|e| panic!("{act}: o formulário não decodifica: {e:?}"));
    command_json(act, object)
}

#[test]
fn every_act_of_the_catalogue_has_a_form_that_decodes_into_its_command() {
    for info in formed_acts() {
        let described = fields(info.name).unwrap_or_else(|| panic!("{}: ato sem formulário", info.name));
        let round_trip = decodes(info.name, full_json(info.name))
            .unwrap_or_else(|e| panic!("{}: o JSON do formulário não é o do ato: {e}", info.name));
        let keys: BTreeSet<&str> = round_trip.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected: BTreeSet<&str> = described.iter().map(|f| f.name).collect();
        expected.insert("act");
        assert_eq!(keys, expected, "{}: os campos do ato e os do formulário diferem", info.name);
    }
}

#[test]
fn required_marks_match_what_the_command_cannot_do_without() {
    for info in formed_acts() {
        let described = fields(info.name).unwrap();
        for field in described {
            let mut values = probe_values(described);
            values.retain(|k, _| k != field.name && !k.starts_with(&format!("{}.", field.name)));
            let left_empty = decode(described, &values);
            if field.required && field.kind == Kind::Flag {
                // A checkbox left unticked is a "no": the act always receives it.
                assert_eq!(left_empty.map(|o| o[field.name].clone()), Ok(Value::Bool(false)));
            } else if field.required {
                let errors = left_empty.expect_err("a required field left empty is refused");
                assert!(
                    errors.iter().any(|e| e.path.starts_with(field.name)),
                    "{}.{}: {errors:?}",
                    info.name,
                    field.name
                );
                let mut value = full_json(info.name);
                value.as_object_mut().unwrap().remove(field.name);
                assert!(
                    decodes(info.name, value).is_err(),
                    "{}.{}: obrigatório no formulário, mas o ato o dispensa",
                    info.name,
                    field.name
                );
            } else {
                let object = left_empty.unwrap_or_else(|e| panic!("{}.{}: {e:?}", info.name, field.name));
                if let Err(e) = decodes(info.name, command_json(info.name, object)) {
                    panic!("{}.{}: opcional no formulário, mas o ato o exige: {e}", info.name, field.name);
                }
            }
        }
    }
}

/// The values serde names when it refuses an unknown one (``expected one of `a`, `b` `` or
/// ``expected `a` or `b` ``).
fn accepted_values(act: &str, field: &Field, nested: Option<&str>) -> BTreeSet<String> {
    let mut value = full_json(act);
    let slot = &mut value[field.name];
    match (nested, field.kind) {
        (Some(tag), _) => slot[tag] = json!("__nenhum__"),
        (None, Kind::Choices(_)) => *slot = json!(["__nenhum__"]),
        (None, _) => *slot = json!("__nenhum__"),
    }
    let message = decodes(act, value).expect_err("a value outside the list is refused");
    let list = message.split("expected").nth(1).unwrap_or_else(|| panic!("{act}.{}: {message}", field.name));
    list.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

#[test]
fn every_choice_offers_exactly_the_values_of_its_command() {
    for info in formed_acts() {
        for field in fields(info.name).unwrap() {
            let offered = |options: &[Choice]| options.iter().map(|(v, _)| (*v).to_owned()).collect::<BTreeSet<_>>();
            match field.kind {
                Kind::Choice(options) | Kind::Choices(options) if field.name != "canal" && field.name != "uf" => {
                    assert_eq!(
                        offered(options),
                        accepted_values(info.name, field, None),
                        "{}.{}",
                        info.name,
                        field.name
                    );
                }
                Kind::Deadline => {
                    assert_eq!(
                        offered(DEADLINES),
                        accepted_values(info.name, field, None),
                        "{}.{}",
                        info.name,
                        field.name
                    );
                }
                Kind::Variant { tag, options } => {
                    let values: Vec<Choice> = options.iter().map(|(v, l, _)| (*v, *l)).collect();
                    assert_eq!(
                        offered(&values),
                        accepted_values(info.name, field, Some(tag)),
                        "{}.{}",
                        info.name,
                        field.name
                    );
                }
                _ => {}
            }
        }
    }
}

#[test]
fn a_refused_form_names_each_field_with_its_problem() {
    let fields = fields("lavrar_auto_infracao").unwrap();
    let mut values = probe_values(fields);
    values.insert("data_infracao".into(), "31/02/2026".into());
    values.insert("registro".into(), "12".into());
    values.remove("fatos");
    let errors = decode(fields, &values).unwrap_err();
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["registro", "data_infracao", "fatos"]);
    assert!(errors[1].message.contains("data inválida"), "{errors:?}");
    assert_eq!(errors[2].message, "campo obrigatório");
}

#[test]
fn money_and_factors_are_read_in_pt_br() {
    let fields = fields("decidir_primeira_instancia").unwrap();
    let mut values = probe_values(fields);
    values.insert("decisao.multa.valor_base".into(), "80.000,00".into());
    values.insert("decisao.multa.multiplicador_coletivo".into(), "2,5".into());
    let object = decode(fields, &values).unwrap();
    assert_eq!(object["decisao"]["resultado"], "multa");
    assert_eq!(object["decisao"]["multa"]["multiplicador_coletivo"], "2.5");
    let money: crate::Money = serde_json::from_value(object["decisao"]["multa"]["valor_base"].clone()).unwrap();
    assert_eq!(money, crate::Money::reais(80_000));
}

#[test]
fn repeated_groups_skip_empty_rows_and_keep_their_order() {
    let fields = fields("conceder_parcelamento").unwrap();
    let mut values = FormValues::new();
    values.insert("documento".into(), "SEI 1".into());
    values.insert("parcelas.0.vencimento".into(), "2026-02-10".into());
    values.insert("parcelas.0.valor".into(), "500,00".into());
    values.insert("parcelas.1.vencimento".into(), String::new());
    values.insert("parcelas.1.valor".into(), String::new());
    values.insert("parcelas.2.vencimento".into(), "10/03/2026".into());
    values.insert("parcelas.2.valor".into(), "500,00".into());
    let object = decode(fields, &values).unwrap();
    let parcelas = object["parcelas"].as_array().unwrap();
    assert_eq!(parcelas.len(), 2);
    assert_eq!(parcelas[1]["vencimento"], "2026-03-10");
}

/// Registers the probe's operator (seated in SP since 2001) in `world`.
fn register_probe_operator(world: &mut crate::testing::World) {
    let register = serde_json::from_value::<OperatorCommand>(json!({
        "act": "registrar_operadora", "registro": PROBE_REGISTRO, "razao_social": "Saúde Exemplo S.A.",
        "modalidade": "medicina_de_grupo", "uf": "SP", "registro_provisorio": false}))
    .unwrap();
    let registro = crate::Registro::parse(PROBE_REGISTRO).unwrap();
    let admin = crate::testing::actor(crate::Role::Administrador, &[]);
    world.given_operator(registro, admin, crate::testing::d(2001, 6, 1), register);
}

#[test]
fn only_the_acts_the_phase_admits_are_offered() {
    use crate::testing::{actor, d};
    use crate::Role;

    let registro = crate::Registro::parse(PROBE_REGISTRO).unwrap();
    let rules = crate::testing::rule_book_configured_for_tests();
    let mut world = crate::testing::World::new(rules.clone());
    register_probe_operator(&mut world);
    let id = world.new_case_id();
    let auto = serde_json::from_value::<CaseCommand>(json!({
        "act": "lavrar_auto_infracao", "registro": PROBE_REGISTRO, "processo": "33910.000001/2026-01",
        "tipo_infracao": "rn124.art77", "data_infracao": "2026-01-05", "fatos": "negativa de cobertura",
        "beneficiarios_expostos": 10, "documento": "AI 1/2026"}))
    .unwrap();
    world.given_case(id, registro, actor(Role::Fiscal, &[]), d(2026, 1, 10), auto);
    let names = |role: Role, world: &crate::testing::World| -> Vec<&'static str> {
        let ctx = Context::new(actor(role, &[]), d(2026, 1, 12), &rules).on_case(id);
        offered(&world.case(id), &world.operator(registro), &ctx).iter().map(|a| a.name).collect()
    };
    let fiscal = names(Role::Fiscal, &world);
    assert!(fiscal.contains(&"notificar_autuada"), "{fiscal:?}");
    assert!(!fiscal.contains(&"registrar_defesa") && !fiscal.contains(&"interpor_recurso"), "{fiscal:?}");
    assert!(!fiscal.contains(&"decidir_primeira_instancia"), "the board decides, not the fiscal: {fiscal:?}");
    let board = names(Role::Diretoria, &world);
    assert!(board.contains(&"decidir_primeira_instancia") && !board.contains(&"notificar_autuada"), "{board:?}");
    assert!(names(Role::Auditor, &world).is_empty());

    let notify =
        serde_json::from_value::<CaseCommand>(json!({"act": "notificar_autuada", "documento": "Ofício 1"})).unwrap();
    world.given_case(id, registro, actor(Role::Fiscal, &[]), d(2026, 1, 12), notify);
    let fiscal = names(Role::Fiscal, &world);
    assert!(fiscal.contains(&"registrar_defesa") && !fiscal.contains(&"notificar_autuada"), "{fiscal:?}");
}

#[test]
fn an_act_whose_deadline_awaits_confirmation_says_which_it_would_open() {
    use crate::testing::{actor, d};
    use crate::Role;

    // The built-in book: the defence deadline of the RDC era still awaits confirmation.
    let rules = RuleBook::builtin();
    let placeholder = rules.with_placeholder_deadlines();
    let registro = crate::Registro::parse(PROBE_REGISTRO).unwrap();
    let mut world = crate::testing::World::new(rules.clone());
    register_probe_operator(&mut world);
    let auto = |processo: &str, on: &str| {
        serde_json::from_value::<CaseCommand>(json!({
            "act": "lavrar_auto_infracao", "registro": PROBE_REGISTRO, "processo": processo,
            "tipo_infracao": "rn124.art77", "data_infracao": on, "fatos": "negativa de cobertura",
            "beneficiarios_expostos": 10, "documento": "AI 1"}))
        .unwrap()
    };
    let (old, recent) = (world.new_case_id(), world.new_case_id());
    world.given_case(
        old,
        registro,
        actor(Role::Fiscal, &[]),
        d(2002, 3, 10),
        auto("33910.000001/2002-01", "2002-03-01"),
    );
    world.given_case(
        recent,
        registro,
        actor(Role::Fiscal, &[]),
        d(2026, 1, 10),
        auto("33910.000002/2026-01", "2026-01-05"),
    );
    let unconfirmed = |id, on| {
        let ctx = Context::new(actor(Role::Fiscal, &[]), on, &rules).on_case(id);
        unconfirmed_deadlines("notificar_autuada", &world.case(id), &world.operator(registro), &ctx, &placeholder)
    };
    assert_eq!(unconfirmed(old, d(2002, 3, 12)), [DeadlineKey::Defesa]);
    assert_eq!(unconfirmed(recent, d(2026, 1, 12)), [], "RN 483 confirms the defence deadline");
    let ctx = Context::new(actor(Role::Fiscal, &[]), d(2002, 3, 12), &rules).on_case(old);
    assert_eq!(
        unconfirmed_deadlines("registrar_defesa", &world.case(old), &world.operator(registro), &ctx, &placeholder),
        [],
        "refused in this phase: nothing to say"
    );
}
