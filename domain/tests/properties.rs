//! Property tests: business-day arithmetic against a naive count; fines within legal bounds and
//! reproducible from their stored factors; random act sequences never reaching a forbidden
//! state, `evolve` never panicking on what `decide` produced, and every emitted event surviving
//! the stored schema round trip.

use autos_domain::case::{
    Abrangencia, CaseDetail, CompulsoryGround, CourtEffect, DeadlineKey, DemandTheme, InquiryPhase, LeClosure,
    LeGround, Measure, MemberTransfer, NipClassification, NipKind, NipPhase, RegimeClosure,
};
use autos_domain::fine::FineInputs;
use autos_domain::operator::{CancellationMotive, Licence};
use autos_domain::rules::DiscountKind;
use autos_domain::stored::{decode, encode};
use autos_domain::testing::{actor, d, rule_book_configured_for_tests, World};
use autos_domain::{
    CaseCommand, CaseEvent, Cnpj, DomainEvent, FineComputation, HolidayCalendar, Modalidade, Money, OperatorCommand,
    Registro, Role, SealedPersonalData, Uf,
};
use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

fn date_in(range_days: u64) -> impl Strategy<Value = NaiveDate> {
    (0..range_days).prop_map(|n| d(2000, 1, 1).checked_add_days(Days::new(n)).unwrap())
}

proptest! {
    #[test]
    fn business_day_deadlines_agree_with_a_naive_day_by_day_count(start in date_in(365 * 30), n in 0u32..60) {
        let calendar = HolidayCalendar::default();
        let due = calendar.add_business_days(start, n);
        let counted = start.iter_days().skip(1).take_while(|day| *day <= due).filter(|day| calendar.is_business_day(*day)).count();
        prop_assert_eq!(counted, n as usize);
        prop_assert!(n == 0 || calendar.is_business_day(due));
    }

    #[test]
    fn calendar_day_deadlines_end_on_the_first_business_day_from_the_nominal_end(start in date_in(365 * 30), n in 1u32..400) {
        let calendar = HolidayCalendar::default();
        let nominal = HolidayCalendar::add_days(start, n);
        let due = calendar.roll_forward(nominal);
        prop_assert!(calendar.is_business_day(due));
        prop_assert!(nominal.iter_days().take_while(|day| *day < due).all(|day| !calendar.is_business_day(day)));
    }

    #[test]
    fn a_fine_is_always_within_bounds_and_reproducible(
        base in 1u32..2_000_000,
        members in 0u64..3_000_000,
        exposed in 1u64..3_000_000,
        fraction in 0u32..=100,
        reincident in any::<bool>(),
        year in prop::sample::select(vec![2002, 2010, 2022, 2025]),
        discount in prop::sample::select(vec![DiscountKind::PagamentoAntecipado, DiscountKind::RenunciaRecurso, DiscountKind::MetaExcelenciaIgr]),
    ) {
        let book = rule_book_configured_for_tests();
        let rules = book.in_force_on(d(year, 6, 1)).unwrap();
        let max = rules.max_collective_multiplier(exposed);
        let multiplier = Decimal::ONE + (max - Decimal::ONE) * Decimal::from(fraction) / Decimal::from(100);
        let inputs = FineInputs { valor_base: Money::reais(base), circunstancias: if reincident { vec!["reincidencia".into()] } else { vec![] }, multiplicador_coletivo: multiplier };
        let fine = FineComputation::compute(&inputs, "rn489.art101", members, exposed, rules).unwrap();
        prop_assert!(fine.valor_multa >= rules.fine_min && fine.valor_multa <= rules.fine_max);
        prop_assert_eq!(fine.recompute(), fine.clone());
        if let Ok(discounted) = fine.with_discount(discount, rules) {
            prop_assert!(discounted.valor_devido <= discounted.valor_multa);
            prop_assert!(!discounted.piso_apos_desconto || discounted.valor_devido >= rules.fine_min);
            prop_assert_eq!(discounted.recompute(), discounted);
        }
    }

    #[test]
    fn random_act_sequences_never_reach_a_forbidden_state(steps in prop::collection::vec((0usize..MENU, 0usize..6, 0u64..60), 1..40)) {
        let registro = Registro::parse("326305").unwrap();
        let mut world = World::default();
        let admin = actor(Role::Admin, &[]);
        let mut today = d(2016, 3, 1);
        world.given_operator(registro, admin.clone(), today, OperatorCommand::RegistrarOperadora {
            registro, cnpj: Some(Cnpj::parse("11222333000181").unwrap()), razao_social: "Operadora".into(), modalidade: Modalidade::CooperativaMedica, uf: Some(Uf::Mg), registro_provisorio: false,
            regiao: None,
            municipio: None,
        });
        world.given_operator(registro, admin.clone(), today, OperatorCommand::RegistrarAdministrador { administrador_id: Uuid::from_u128(1), nome: "A".into(), cargo: "diretor".into(), inicio: today });
        world.given_operator(registro, admin.clone(), today, OperatorCommand::InformarBeneficiarios { ano: today.year(), mes: today.month(), quantidade: 300 });
        world.given_operator(acquirer(), admin, today, OperatorCommand::RegistrarOperadora {
            registro: acquirer(), cnpj: Some(Cnpj::parse("11444777000161").unwrap()), razao_social: "Adquirente".into(), modalidade: Modalidade::MedicinaDeGrupo, uf: Some(Uf::Sp), registro_provisorio: false,
            regiao: None,
            municipio: None,
        });
        let mut cases: Vec<Uuid> = Vec::new();
        for (pick, target, advance) in steps {
            today = today.checked_add_days(Days::new(advance)).unwrap();
            let fresh = world.new_case_id();
            let (command, opens) = menu(pick, registro, today);
            let case_id = if opens || cases.is_empty() { fresh } else { cases[target % cases.len()] };
            // Mostly a role the catalogue allows for the act, sometimes one it refuses.
            let allowed = autos_domain::acts::find_act(&command.act()).map(|a| a.roles[advance as usize % a.roles.len()]);
            let role = match allowed {
                Ok(role) if !advance.is_multiple_of(7) => role,
                _ => [Role::Diretoria, Role::Interventor, Role::Fiscal][pick % 3],
            };
            let who = actor(role, &[case_id]);
            let requesting_tcac = matches!(command, CaseCommand::RequererTcac { .. });
            let classifying = matches!(command, CaseCommand::ClassificarNip { .. });
            let before = world.case(case_id);
            let barred_until = world.operator(registro).tcac_barred_until;
            if let Ok(out) = world.when_case(case_id, registro, who, today, command) {
                // Lei 9.656/1998 art. 29: no TCAC is accepted while a breach bar runs.
                prop_assert!(!requesting_tcac || barred_until.is_none_or(|until| today >= until), "TCAC accepted during the bar");
                // DOMAIN.md §2.8: a NIP is classified after the answer or once the resolution deadline ran out.
                if let (true, CaseDetail::Nip(nip)) = (classifying, &before.detail) {
                    let silent_in_time = before.deadlines.get(&DeadlineKey::ResolucaoNip).is_some_and(|p| !p.has_expired(today));
                    prop_assert!(nip.respondida || !silent_in_time, "NIP classified while the operator could still solve it");
                }
                for emitted in &out {
                    let back = decode(&encode(&emitted.event)).unwrap();
                    prop_assert_eq!(&back, &emitted.event);
                    // RDC 84/2001 art. 2: every accepted transfer keeps the contracts.
                    if let DomainEvent::Case(CaseEvent::Alienacao(autos_domain::case::AlienationEvent::TransferenciaComprovada { nova_carencia, aniversario_mantido, .. })) = &emitted.event {
                        prop_assert!(!nova_carencia && *aniversario_mantido, "transfer with new carência accepted");
                    }
                    if let (autos_domain::StreamRef::Caso(id), DomainEvent::Case(_)) = (&emitted.stream, &emitted.event) {
                        if !cases.contains(id) { cases.push(*id); }
                    }
                }
                world.apply(&out);
            }
            let op = world.operator(registro);
            prop_assert!(op.liquidation_case.is_none() || op.regimes.is_empty(), "regime alongside LE");
            for regime in op.regimes.values() {
                let case = world.case(regime.caso);
                prop_assert!(!case.is_closed(), "operator lists a closed regime");
                prop_assert!(case.deadlines.get(&DeadlineKey::Vigencia).is_some_and(|v| (v.due - v.start).num_days() <= 366 + 10));
            }
            if let Some(auction) = op.compulsory_alienation_case {
                prop_assert!(!world.case(auction).is_closed(), "operator under a compulsory alienation already closed");
            }
            for case in world.cases.values() {
                if let CaseDetail::Nip(nip) = &case.detail {
                    // RN 483/2022 art. 15 (RN 579/2023): only não resolvida reaches a PAS.
                    prop_assert!(nip.phase != NipPhase::EncaminhadaParaPas || nip.classificacao == Some(NipClassification::NaoResolvida));
                }
            }
            let exempt = matches!(op.licence, Licence::Cancelada { motivo: CancellationMotive::LiquidacaoExtrajudicial | CancellationMotive::PorSolicitacaoDaOperadora, .. });
            prop_assert!(!op.is_cancelled() || exempt || op.members_provided_for(today), "compulsory cancellation left members behind");
        }
    }
}

const MENU: usize = 37;

fn acquirer() -> Registro {
    Registro::parse("005711").unwrap()
}

fn menu(pick: usize, registro: Registro, today: NaiveDate) -> (CaseCommand, bool) {
    use CaseCommand as C;
    let doc = || "RO 1/2020".to_owned();
    match pick {
        0 => (
            C::InstaurarDirecaoFiscal {
                registro,
                motivos: vec!["x".into()],
                diretor_fiscal: "df".into(),
                documento: doc(),
                vigencia_dias: None,
            },
            true,
        ),
        1 => (C::SolicitarProgramaSaneamento { recebido_em: today }, false),
        2 => (C::RegistrarProgramaApresentado { protocolo: "p".into() }, false),
        3 => {
            (C::DecidirProgramaSaneamento { aprovado: today.day().is_multiple_of(2), fundamentacao: "f".into() }, false)
        }
        4 => (
            C::EncerrarRegime {
                motivo: [
                    RegimeClosure::GravidadeSuperada,
                    RegimeClosure::ProgramaAprovado,
                    RegimeClosure::ComCancelamentoDeRegistro,
                ][today.day() as usize % 3],
                documento: doc(),
            },
            false,
        ),
        5 => (C::RenovarRegime { vigencia_dias: 200, justificativa: "j".into(), documento: doc() }, false),
        6 => (
            C::DecretarLiquidacao {
                registro,
                liquidante: "l".into(),
                fundamento: LeGround::ViolacaoGrave,
                documento: doc(),
            },
            true,
        ),
        7 => (C::AvancarInquerito { fase: InquiryPhase::Instrucao }, false),
        8 => (C::EncerrarLiquidacao { motivo: LeClosure::ContasFinaisAprovadas, documento: doc() }, false),
        9 => (C::RegistrarTransferenciaBeneficiarios { forma: MemberTransfer::Alienacao }, false),
        10 => (
            C::IniciarCancelamentoRegistro { registro, motivo: CancellationMotive::SancaoArt25VI, documento: doc() },
            true,
        ),
        11 => (C::DecretarPortabilidadeEspecial { publicada_em: today, documento: doc() }, false),
        12 => (C::CancelarRegistro { documento: doc() }, false),
        13 => (
            C::RegistrarDecisaoJudicial {
                efeito: [CourtEffect::Suspende, CourtEffect::Restabelece, CourtEffect::Levanta]
                    [today.day() as usize % 3],
                documento: doc(),
            },
            false,
        ),
        14 => (C::ProrrogarPrazo { prazo: DeadlineKey::ProgramaSaneamento, motivo: "m".into() }, false),
        15 => (C::RegistrarProgramaNaoApresentado {}, false),
        16 => (
            C::RequererTcac {
                registro,
                processos: vec!["p".into()],
                conduta: "c".into(),
                oferecido_pela_ans: false,
                conduta_em_nip: false,
                negativa_de_urgencia: false,
                documento: doc(),
            },
            true,
        ),
        17 => (C::TriarTcac { admitido: !today.day().is_multiple_of(5), fundamentacao: "f".into() }, false),
        18 => (C::AprovarMinutaTcac { documento: doc() }, false),
        19 => (C::RegistrarAssinaturaCompromissaria {}, false),
        20 => (C::AutorizarTcac { numero: "TCAC nº 1".into(), documento: doc() }, false),
        21 => (C::ComprovarPagamentoAntecipadoTcac {}, false),
        22 => (
            C::DecidirCumprimentoTcac {
                cumprido: today.day().is_multiple_of(2),
                data_descumprimento: None,
                documento: doc(),
            },
            false,
        ),
        23 => (
            C::RequererAlienacaoVoluntaria {
                registro,
                adquirente: acquirer(),
                abrangencia: if today.day().is_multiple_of(3) { Abrangencia::Parcial } else { Abrangencia::Total },
                beneficiarios: 300,
                data_pretendida: HolidayCalendar::add_days(today, [20, 30, 45][today.day() as usize % 3]),
                documento: doc(),
            },
            true,
        ),
        24 => (
            C::DecidirAlienacaoVoluntaria {
                autorizada: !today.day().is_multiple_of(4),
                adquirente: acquirer(),
                fundamentacao: "f".into(),
                documento: doc(),
            },
            false,
        ),
        25 => (
            C::DeterminarAlienacao { registro, recebido_em: today, motivos: vec!["risco".into()], documento: doc() },
            true,
        ),
        26 => (
            C::IniciarAlienacaoCompulsoria {
                registro,
                fundamento: if today.day().is_multiple_of(2) {
                    CompulsoryGround::PropostaDoDiretor
                } else {
                    CompulsoryGround::CancelamentoDoRegistro
                },
                documento: doc(),
            },
            true,
        ),
        27 => (
            C::RegistrarResultadoLeilao {
                arrematantes: if today.day().is_multiple_of(3) { vec![] } else { vec![acquirer()] },
                documento: doc(),
            },
            false,
        ),
        28 => (
            C::ComprovarTransferenciaCarteira {
                adquirentes: vec![acquirer()],
                beneficiarios: 300,
                nova_carencia: today.day().is_multiple_of(5),
                aniversario_mantido: !today.day().is_multiple_of(7),
                documento: doc(),
            },
            false,
        ),
        29 => (C::RegistrarDescumprimentoAlienacao { descricao: "d".into() }, false),
        30 => (C::ProrrogarPrazo { prazo: DeadlineKey::AlienacaoDeterminada, motivo: "m".into() }, false),
        31 => (
            C::DeterminarMedida {
                medida: [
                    Measure::AlienacaoDeCarteira,
                    Measure::PortabilidadeEspecial,
                    Measure::LiquidacaoExtrajudicial,
                ][today.day() as usize % 3],
                documento: doc(),
            },
            false,
        ),
        32 => (
            C::RegistrarReclamacaoNip {
                registro,
                canal: "telefone".into(),
                protocolo_operadora: "123".into(),
                tema: DemandTheme::ALL[today.day() as usize % DemandTheme::ALL.len()],
                beneficiario: SealedPersonalData { subject_id: Uuid::from_u128(3), ciphertext: "c2VsYWRv".into() },
            },
            true,
        ),
        33 => (
            C::NotificarOperadoraNip {
                tipo: if today.day().is_multiple_of(2) { NipKind::Assistencial } else { NipKind::NaoAssistencial },
            },
            false,
        ),
        34 => (
            C::RegistrarRespostaOperadora {
                reparacao_em: today.day().is_multiple_of(2).then_some(today),
                documento: doc(),
            },
            false,
        ),
        35 => (
            C::ClassificarNip {
                classificacao: [
                    NipClassification::SemIndicioDeInfracao,
                    NipClassification::Rve,
                    NipClassification::NaoResolvida,
                    NipClassification::NaoBeneficiario,
                    NipClassification::Duplicada,
                    NipClassification::DadosInsuficientes,
                    NipClassification::AgenteNaoResponsavel,
                ][today.day() as usize % 7],
                fundamentacao: "f".into(),
            },
            false,
        ),
        _ => (C::RevisarRve { fundamentacao: "f".into(), documento: doc() }, false),
    }
}
