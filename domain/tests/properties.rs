//! Property tests: business-day arithmetic against a naive count; fines within legal bounds and
//! reproducible from their stored factors; random act sequences never reaching a forbidden
//! state (sanctioning processes included: no decision under a TCAC or before the defence, fines
//! within bounds, balances consistent; transfers keep the contracts; only a NIP não resolvida
//! reaches a PAS), `evolve` never panicking on what `decide` produced, and
//! every emitted event surviving the stored schema round trip.

use autos_domain::case::{
    Abrangencia, AlienationEvent, AppealDecision, CaseDetail, CompulsoryGround, CourtEffect, DeadlineKey,
    FirstInstanceDecision, InquiryPhase, InstalmentPlan, LeClosure, LeGround, Medida, MemberTransfer,
    NipClassification, NipKind, NipPhase, RegimeClosure, SanctionPhase, TemaDemanda,
};
use autos_domain::fine::FineInputs;
use autos_domain::operator::{MotivoCancelamento, SituacaoRegistro};
use autos_domain::rules::DiscountKind;
use autos_domain::stored::{decode, encode};
use autos_domain::testing::{actor, d, rule_book_configured_for_tests, World};
use autos_domain::NonEmptyText;
use autos_domain::{
    CaseCommand, CaseEvent, CaseState, Cnpj, DomainEvent, FineComputation, HolidayCalendar, Modalidade, Money,
    OperatorCommand, Registro, Role, SealedPersonalData, Uf,
};
use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
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
        prop_assert!(fine.valor_multa >= rules.multa_minima && fine.valor_multa <= rules.multa_maxima);
        prop_assert_eq!(fine.recompute(), fine.clone());
        if let Ok(discounted) = fine.with_discount(discount, rules) {
            prop_assert!(discounted.valor_devido <= discounted.valor_multa);
            prop_assert!(!discounted.piso_apos_desconto || discounted.valor_devido >= rules.multa_minima);
            prop_assert_eq!(discounted.recompute(), discounted);
        }
    }

    #[test]
    fn random_act_sequences_never_reach_a_forbidden_state(steps in prop::collection::vec((0usize..MENU, 0usize..6, 0u64..60), 1..40)) {
        run_sequence(steps)?;
    }
}

proptest! {
    // Deep paths (payment, instalments, dívida ativa) need more runs than the general menu.
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn random_sanctioning_sequences_keep_fines_and_balances_lawful(steps in prop::collection::vec((prop::sample::select(SANCTION_MENU.to_vec()), 0usize..6, 0u64..20), 1..80)) {
        run_sequence(steps)?;
    }
}

/// Plays `(menu pick, target case, days to advance)` steps against one operator, checking after
/// every step the invariants no accepted act may break.
fn run_sequence(steps: Vec<(usize, usize, u64)>) -> Result<(), TestCaseError> {
    let registro = Registro::parse("326305").unwrap();
    let mut world = World::default();
    let admin = actor(Role::Administrador, &[]);
    let mut today = d(2016, 3, 1);
    world.given_operator(
        registro,
        admin.clone(),
        today,
        OperatorCommand::RegistrarOperadora {
            registro,
            cnpj: Some(Cnpj::parse("11222333000181").unwrap()),
            razao_social: NonEmptyText::written("Operadora"),
            modalidade: Modalidade::CooperativaMedica,
            uf: Some(Uf::Mg),
            registro_provisorio: false,
            regiao: None,
            municipio: None,
            referencia: None,
        },
    );
    world.given_operator(
        registro,
        admin.clone(),
        today,
        OperatorCommand::RegistrarAdministrador {
            administrador_id: Uuid::from_u128(1),
            nome: NonEmptyText::written("A"),
            cargo: NonEmptyText::written("diretor"),
            inicio: today,
        },
    );
    world.given_operator(
        registro,
        admin.clone(),
        today,
        OperatorCommand::InformarBeneficiarios { ano: today.year(), mes: today.month(), quantidade: 300 },
    );
    world.given_operator(
        acquirer(),
        admin,
        today,
        OperatorCommand::RegistrarOperadora {
            registro: acquirer(),
            cnpj: Some(Cnpj::parse("11444777000161").unwrap()),
            razao_social: NonEmptyText::written("Adquirente"),
            modalidade: Modalidade::MedicinaDeGrupo,
            uf: Some(Uf::Sp),
            registro_provisorio: false,
            regiao: None,
            municipio: None,
            referencia: None,
        },
    );
    let mut cases: Vec<Uuid> = Vec::new();
    for (pick, target, advance) in steps {
        today = today.checked_add_days(Days::new(advance)).unwrap();
        let fresh = world.new_case_id();
        let (command, opens) = menu(pick, registro, today);
        // Mostly the latest case of a family the act applies to, sometimes an older one or any case.
        let families = autos_domain::acts::find_act(command.act()).map(|a| a.families).unwrap_or(&[]);
        let fitting: Vec<Uuid> =
            cases.iter().copied().filter(|id| world.case(*id).familia.is_some_and(|f| families.contains(&f))).collect();
        let case_id = if opens || cases.is_empty() {
            fresh
        } else if let (0..3, Some(latest)) = (target, fitting.last()) {
            *latest
        } else if target < 5 && !fitting.is_empty() {
            fitting[target % fitting.len()]
        } else {
            cases[target % cases.len()]
        };
        // Mostly a role the catalogue allows for the act, sometimes one it refuses.
        let allowed = autos_domain::acts::find_act(command.act()).map(|a| a.roles[advance as usize % a.roles.len()]);
        let role = match allowed {
            Ok(role) if !advance.is_multiple_of(7) => role,
            _ => [Role::Diretoria, Role::Interventor, Role::Fiscal][pick % 3],
        };
        let who = actor(role, &[case_id]);
        let command = if target.is_multiple_of(2) { fit_to_balance(command, &world.case(case_id)) } else { command };
        let requesting_tcac = matches!(command, CaseCommand::RequererTcac { .. });
        let classifying = matches!(command, CaseCommand::ClassificarNip { .. });
        let barred_until = world.operator(registro).tcac_vedado_ate;
        let deciding_pas = matches!(
            command,
            CaseCommand::DecidirPrimeiraInstancia { .. }
                | CaseCommand::JulgarRecurso { .. }
                | CaseCommand::CertificarTransitoEmJulgado { .. }
        );
        let sanctioning = matches!(
            command,
            CaseCommand::DecidirPrimeiraInstancia {
                decisao: FirstInstanceDecision::Advertencia | FirstInstanceDecision::Multa { .. },
                ..
            }
        );
        let before = world.case(case_id);
        let pas_before = match &before.detalhe {
            CaseDetail::Sancionador(s) => Some(s.clone()),
            _ => None,
        };
        let suspended =
            pas_before.as_ref().is_some_and(|s| world.operator(registro).tcac_suspending(&s.processo).is_some());
        if let Ok(out) = world.when_case(case_id, registro, who, today, command) {
            // Lei 9.656/1998 art. 29: no TCAC is accepted while a breach bar runs.
            prop_assert!(
                !requesting_tcac || barred_until.is_none_or(|until| today >= until),
                "TCAC accepted during the bar"
            );
            if let Some(s) = &pas_before {
                // Lei 9.656/1998 art. 29 §1: a PAS under a TCAC in force is not decided.
                prop_assert!(!deciding_pas || !suspended, "PAS decided under a TCAC in force");
                // Lei 9.784/1999 art. 2: no sanction before the defence opportunity.
                let defence_over = before.prazos.get(&DeadlineKey::Defesa).is_some_and(|dl| dl.has_expired(today));
                prop_assert!(
                    !sanctioning
                        || s.phase == SanctionPhase::Instrucao
                        || (s.phase == SanctionPhase::AguardandoDefesa && defence_over),
                    "sanction before the defence opportunity"
                );
            }
            // docs/DOMAIN.md §2.8: a NIP is classified after the answer or once the resolution deadline ran out.
            if let (true, CaseDetail::Nip(nip)) = (classifying, &before.detalhe) {
                let silent_in_time =
                    before.prazos.get(&DeadlineKey::ResolucaoNip).is_some_and(|p| !p.has_expired(today));
                prop_assert!(
                    nip.respondida || !silent_in_time,
                    "NIP classified while the operator could still solve it"
                );
            }
            for emitted in &out {
                let back = decode(&encode(&emitted.event)).unwrap();
                prop_assert_eq!(&back, &emitted.event);
                // RDC 84/2001 art. 2: every accepted transfer keeps the contracts.
                if let DomainEvent::Case(CaseEvent::Alienacao(AlienationEvent::TransferenciaComprovada {
                    nova_carencia,
                    aniversario_mantido,
                    ..
                })) = &emitted.event
                {
                    prop_assert!(!nova_carencia && *aniversario_mantido, "transfer with new carência accepted");
                }
                if let (autos_domain::StreamRef::Caso(id), DomainEvent::Case(_)) = (&emitted.stream, &emitted.event) {
                    if !cases.contains(id) {
                        cases.push(*id);
                    }
                }
            }
            world.apply(&out);
        }
        let op = world.operator(registro);
        prop_assert!(op.caso_liquidacao.is_none() || op.regimes.is_empty(), "regime alongside LE");
        for regime in op.regimes.values() {
            let case = world.case(regime.caso);
            prop_assert!(!case.is_closed(), "operator lists a closed regime");
            prop_assert!(case
                .prazos
                .get(&DeadlineKey::Vigencia)
                .is_some_and(|v| (v.due - v.start).num_days() <= 366 + 10));
        }
        if let Some(auction) = op.caso_alienacao_compulsoria {
            prop_assert!(!world.case(auction).is_closed(), "operator under a compulsory alienation already closed");
        }
        for case in world.cases.values() {
            if let CaseDetail::Nip(nip) = &case.detalhe {
                // RN 483/2022 art. 15 (RN 579/2023): only não resolvida reaches a PAS.
                prop_assert!(
                    nip.phase != NipPhase::EncaminhadaParaPas
                        || nip.classificacao == Some(NipClassification::NaoResolvida)
                );
            }
            let CaseDetail::Sancionador(s) = &case.detalhe else { continue };
            if let Some(fine) = &s.multa {
                // Lei 9.656/1998 arts. 27 and 35-D, after every multiplier.
                let rules = world.rules.version(&fine.versao_regras).unwrap();
                prop_assert!(
                    fine.valor_multa >= rules.multa_minima && fine.valor_multa <= rules.multa_maxima,
                    "fine out of bounds"
                );
                prop_assert!(
                    fine.valor_devido <= fine.valor_multa && s.pago <= fine.valor_devido,
                    "paid more than due"
                );
                prop_assert_eq!(&fine.recompute(), &**fine);
            }
            prop_assert!(s.phase != SanctionPhase::Pago || s.owed() == Money::ZERO, "settled with a balance");
            if s.phase == SanctionPhase::Parcelado {
                let instalments: Decimal = s.parcelas.iter().map(|p| p.valor.amount() - p.pago.amount()).sum();
                prop_assert_eq!(instalments, s.owed().amount(), "instalments out of step with the balance");
            }
        }
        let exempt = matches!(
            op.situacao_registro,
            SituacaoRegistro::Cancelada {
                motivo: MotivoCancelamento::LiquidacaoExtrajudicial | MotivoCancelamento::PorSolicitacaoDaOperadora,
                ..
            }
        );
        prop_assert!(
            !op.is_cancelled() || exempt || op.members_provided_for(today),
            "compulsory cancellation left members behind"
        );
    }
    Ok(())
}

const MENU: usize = 50;

fn acquirer() -> Registro {
    Registro::parse("005711").unwrap()
}

/// The sanctioning acts (those after the auto twice as likely), with the TCAC steps that may
/// suspend a process and the LE decree that lets a credit join the estate.
const SANCTION_MENU: [usize; 33] = [
    6, 16, 17, 18, 19, 20, 21, 35, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 23, 24, 25, 26, 27, 28, 29, 30,
    31, 32, 33, 34,
];

/// Payments and instalment plans sized to what a sanctioning process owes, so random sequences
/// reach settlement; other commands unchanged.
fn fit_to_balance(command: CaseCommand, case: &CaseState) -> CaseCommand {
    let CaseDetail::Sancionador(s) = &case.detalhe else { return command };
    let owed = s.owed();
    match command {
        CaseCommand::RegistrarPagamento { documento, .. } => {
            let open = s.parcelas.iter().find(|p| p.pago < p.valor);
            match (s.phase, open) {
                (SanctionPhase::Parcelado, Some(p)) => CaseCommand::RegistrarPagamento {
                    valor: Money::from_decimal(p.valor.amount() - p.pago.amount()).unwrap(),
                    parcela: Some(p.numero),
                    documento,
                },
                _ => CaseCommand::RegistrarPagamento { valor: owed, parcela: None, documento },
            }
        }
        CaseCommand::ConcederParcelamento { parcelas, documento } if parcelas.len() == 2 => {
            let half = (owed.amount() / Decimal::TWO).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
            let amounts = [half, owed.amount() - half];
            let parcelas = parcelas
                .into_iter()
                .zip(amounts)
                .map(|(p, v)| InstalmentPlan { vencimento: p.vencimento, valor: Money::from_decimal(v).unwrap() })
                .collect();
            CaseCommand::ConcederParcelamento { parcelas, documento }
        }
        other => other,
    }
}

/// A fine whose base and collective multiplier vary with the day, sometimes above the band.
fn fine_inputs(today: NaiveDate) -> FineInputs {
    FineInputs {
        valor_base: Money::reais(2_000 + today.day() * 1_000),
        circunstancias: if today.month().is_multiple_of(2) { vec!["reincidencia".into()] } else { vec![] },
        multiplicador_coletivo: Decimal::from(1 + today.day() % 6),
    }
}

fn menu(pick: usize, registro: Registro, today: NaiveDate) -> (CaseCommand, bool) {
    use CaseCommand as C;
    let doc = || NonEmptyText::written("RO 1/2020");
    match pick {
        0 => (
            C::InstaurarDirecaoFiscal {
                registro,
                motivos: vec!["x".into()],
                diretor_fiscal: NonEmptyText::written("df"),
                documento: doc(),
                vigencia_dias: None,
            },
            true,
        ),
        1 => (C::SolicitarProgramaSaneamento { recebido_em: today }, false),
        2 => (C::RegistrarProgramaApresentado { protocolo: NonEmptyText::written("p") }, false),
        3 => (
            C::DecidirProgramaSaneamento {
                aprovado: today.day().is_multiple_of(2),
                fundamentacao: NonEmptyText::written("f"),
            },
            false,
        ),
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
        5 => (
            C::RenovarRegime { vigencia_dias: 200, justificativa: NonEmptyText::written("j"), documento: doc() },
            false,
        ),
        6 => (
            C::DecretarLiquidacao {
                registro,
                liquidante: NonEmptyText::written("l"),
                fundamento: LeGround::ViolacaoGrave,
                documento: doc(),
            },
            true,
        ),
        7 => (C::AvancarInquerito { fase: InquiryPhase::Instrucao }, false),
        8 => (C::EncerrarLiquidacao { motivo: LeClosure::ContasFinaisAprovadas, documento: doc() }, false),
        9 => (C::RegistrarTransferenciaBeneficiarios { forma: MemberTransfer::Alienacao }, false),
        10 => (
            C::IniciarCancelamentoRegistro { registro, motivo: MotivoCancelamento::SancaoArt25VI, documento: doc() },
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
        14 => (C::ProrrogarPrazo { prazo: DeadlineKey::ProgramaSaneamento, motivo: NonEmptyText::written("m") }, false),
        15 => (C::RegistrarProgramaNaoApresentado {}, false),
        16 => (
            C::RequererTcac {
                registro,
                processos: vec!["p".into()],
                conduta: NonEmptyText::written("c"),
                oferecido_pela_ans: false,
                conduta_em_nip: false,
                negativa_de_urgencia: false,
                documento: doc(),
            },
            true,
        ),
        17 => (
            C::TriarTcac { admitido: !today.day().is_multiple_of(5), fundamentacao: NonEmptyText::written("f") },
            false,
        ),
        18 => (C::AprovarMinutaTcac { documento: doc() }, false),
        19 => (C::RegistrarAssinaturaCompromissaria {}, false),
        20 => (C::AutorizarTcac { numero: NonEmptyText::written("TCAC nº 1"), documento: doc() }, false),
        21 => (C::ComprovarPagamentoAntecipadoTcac {}, false),
        22 => (
            C::LavrarAutoInfracao {
                registro,
                processo: NonEmptyText::written("p"),
                tipo_infracao: NonEmptyText::written("rn489.art101"),
                data_infracao: today,
                fatos: NonEmptyText::written("f"),
                beneficiarios_expostos: u64::from(today.day()) * 400,
                origem: None,
                documento: doc(),
            },
            true,
        ),
        23 => (C::NotificarAutuada { documento: doc() }, false),
        24 => (C::RegistrarDefesa { protocolo: NonEmptyText::written("p") }, false),
        25 => (
            C::OptarPagamentoComDesconto {
                desconto: [
                    DiscountKind::PagamentoAntecipado,
                    DiscountKind::RenunciaRecurso,
                    DiscountKind::ReparacaoPosterior,
                ][today.day() as usize % 3],
                multa: today.day().is_multiple_of(2).then(|| fine_inputs(today)),
            },
            false,
        ),
        26 => (
            C::DecidirPrimeiraInstancia {
                decisao: match today.day() % 4 {
                    0 => FirstInstanceDecision::Arquivamento,
                    1 => FirstInstanceDecision::Advertencia,
                    _ => FirstInstanceDecision::Multa { multa: fine_inputs(today) },
                },
                fundamentacao: NonEmptyText::written("f"),
                documento: doc(),
            },
            false,
        ),
        27 => (C::InterporRecurso { protocolo: NonEmptyText::written("r") }, false),
        28 => (
            C::JulgarRecurso {
                julgamento: match today.day() % 3 {
                    0 => AppealDecision::Mantida,
                    1 => AppealDecision::Cancelada,
                    _ => AppealDecision::Reduzida { multa: fine_inputs(today.pred_opt().unwrap()) },
                },
                fundamentacao: NonEmptyText::written("f"),
                documento: doc(),
            },
            false,
        ),
        29 => (C::CertificarTransitoEmJulgado { documento: doc() }, false),
        30 => (
            C::RegistrarPagamento {
                valor: Money::reais([2_500, 5_000, 15_000, 100_000][today.day() as usize % 4]),
                parcela: today.day().is_multiple_of(3).then_some(today.month() % 3),
                documento: doc(),
            },
            false,
        ),
        31 => (
            C::ConcederParcelamento {
                parcelas: [30, 60]
                    .map(|days| InstalmentPlan {
                        vencimento: today.checked_add_days(Days::new(days)).unwrap(),
                        valor: Money::reais(2_500),
                    })
                    .to_vec(),
                documento: doc(),
            },
            false,
        ),
        32 => (C::DeclararInadimplencia {}, false),
        33 => (C::InscreverDividaAtiva { documento: doc() }, false),
        34 => (C::HabilitarCreditoNaMassa { documento: doc() }, false),
        35 => (
            C::DecidirCumprimentoTcac {
                cumprido: today.day().is_multiple_of(2),
                data_descumprimento: None,
                documento: doc(),
            },
            false,
        ),
        36 => (
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
        37 => (
            C::DecidirAlienacaoVoluntaria {
                autorizada: !today.day().is_multiple_of(4),
                adquirente: acquirer(),
                fundamentacao: NonEmptyText::written("f"),
                documento: doc(),
            },
            false,
        ),
        38 => (
            C::DeterminarAlienacao { registro, recebido_em: today, motivos: vec!["risco".into()], documento: doc() },
            true,
        ),
        39 => (
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
        40 => (
            C::RegistrarResultadoLeilao {
                arrematantes: if today.day().is_multiple_of(3) { vec![] } else { vec![acquirer()] },
                documento: doc(),
            },
            false,
        ),
        41 => (
            C::ComprovarTransferenciaCarteira {
                adquirentes: vec![acquirer()],
                beneficiarios: 300,
                nova_carencia: today.day().is_multiple_of(5),
                aniversario_mantido: !today.day().is_multiple_of(7),
                documento: doc(),
            },
            false,
        ),
        42 => (C::RegistrarDescumprimentoAlienacao { descricao: NonEmptyText::written("d") }, false),
        43 => {
            (C::ProrrogarPrazo { prazo: DeadlineKey::AlienacaoDeterminada, motivo: NonEmptyText::written("m") }, false)
        }
        44 => (
            C::DeterminarMedida {
                medida: [Medida::AlienacaoDeCarteira, Medida::PortabilidadeEspecial, Medida::LiquidacaoExtrajudicial]
                    [today.day() as usize % 3],
                documento: doc(),
            },
            false,
        ),
        45 => (
            C::RegistrarReclamacaoNip {
                registro,
                canal: NonEmptyText::written("telefone"),
                protocolo_operadora: "123".into(),
                tema: TemaDemanda::ALL[today.day() as usize % TemaDemanda::ALL.len()],
                beneficiario: SealedPersonalData { subject_id: Uuid::from_u128(3), ciphertext: "c2VsYWRv".into() },
            },
            true,
        ),
        46 => (
            C::NotificarOperadoraNip {
                tipo: if today.day().is_multiple_of(2) { NipKind::Assistencial } else { NipKind::NaoAssistencial },
            },
            false,
        ),
        47 => (
            C::RegistrarRespostaOperadora {
                reparacao_em: today.day().is_multiple_of(2).then_some(today),
                documento: doc(),
            },
            false,
        ),
        48 => (
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
                fundamentacao: NonEmptyText::written("f"),
            },
            false,
        ),
        _ => (C::RevisarRve { fundamentacao: NonEmptyText::written("f"), documento: doc() }, false),
    }
}
