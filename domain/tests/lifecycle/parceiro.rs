//! Parceiros da Cidadania (docs/DOMAIN.md §6): a partner and its acordos de cooperação técnica —
//! signature, publication, fulfilments, the partner's quarterly information, bulletins issued and
//! sent, renewal and termination — the programme's curated bulletin items, and every refusal by
//! its rule id.

use autos_domain::case::TemaDemanda;
use autos_domain::parceiro::acordo::{
    CanalEnvio, Cumprimento, Encerramento, Envio, InformacaoTrimestral, LinhaInformacao, Obrigacao, Publicacao,
    Renovacao, Situacao,
};
use autos_domain::parceiro::programa::{ProgramaCommand, ProgramaEvent, TipoItem};
use autos_domain::parceiro::{ContatosInstitucionais, TipoParceiro};
use autos_domain::testing::{actor, d, parceiro_act, programa_act, Act, World};
use autos_domain::NonEmptyText;
use autos_domain::{
    Actor, ParceiroCommand, ParceiroEvent, Region, Registro, Role, SealedPersonalData, StreamRef, Trimestre, Uf,
};
use chrono::NaiveDate;
use serde_json::json;
use uuid::Uuid;

const PARCEIRO: Uuid = Uuid::from_u128(0x9A);
const ACORDO: &str = "ACT nº 1/2024";

fn fiscal() -> Actor {
    actor(Role::Fiscal, &[])
}

fn q(ano: i32, n: u32) -> Trimestre {
    Trimestre::new(ano, n).unwrap()
}

fn act(on: NaiveDate, command: ParceiroCommand) -> Act {
    parceiro_act(PARCEIRO, fiscal(), on, command)
}

fn responsavel() -> SealedPersonalData {
    SealedPersonalData { subject_id: Uuid::from_u128(0x51), ciphertext: "cmVzcG9uc2F2ZWw=".into() }
}

fn contatos() -> ContatosInstitucionais {
    ContatosInstitucionais {
        email: Some(" parceiros@procon.sp.gov.br ".into()),
        telefone: Some("(11) 3824-0446".into()),
        endereco: None,
    }
}

fn cadastrar() -> ParceiroCommand {
    ParceiroCommand::CadastrarParceiro {
        tipo: TipoParceiro::Procon,
        nome: NonEmptyText::written("Fundação Procon-SP"),
        uf: Uf::Sp,
        municipio: Some("3550308".into()),
        contatos: contatos(),
        responsavel: Some(responsavel()),
    }
}

fn assinar(numero: &str, assinatura: NaiveDate, inicio: NaiveDate, fim: NaiveDate) -> ParceiroCommand {
    ParceiroCommand::AssinarAcordo {
        numero: NonEmptyText::parse("numero", numero).unwrap(),
        assinatura,
        vigencia_inicio: inicio,
        vigencia_fim: fim,
        obrigacoes: vec![
            Obrigacao::Reunioes,
            Obrigacao::InformacaoTrimestralDoParceiro,
            Obrigacao::BoletimTrimestralDaAns,
        ],
        documento: NonEmptyText::written("Processo 33910.000001/2024-01"),
    }
}

/// A registered partner with agreement `ACORDO`, signed 2024-01-10, in force 2024-02-01 – 2025-01-31.
fn with_agreement() -> World {
    let mut world = World::default();
    world.given([
        act(d(2024, 1, 5), cadastrar()),
        act(d(2024, 1, 10), assinar(ACORDO, d(2024, 1, 10), d(2024, 2, 1), d(2025, 1, 31))),
    ]);
    world
}

fn linha(registro: &str, tema: TemaDemanda, quantidade: u64) -> LinhaInformacao {
    LinhaInformacao { registro: Registro::parse(registro).unwrap(), tema, quantidade }
}

fn informar(trimestre: Trimestre, linhas: Vec<LinhaInformacao>) -> ParceiroCommand {
    ParceiroCommand::RegistrarInformacaoTrimestral {
        acordo: ACORDO.into(),
        trimestre,
        linhas,
        documento: NonEmptyText::written("Ofício Procon 7/2024"),
    }
}

fn emitir(trimestre: Trimestre) -> ParceiroCommand {
    ParceiroCommand::EmitirBoletim {
        acordo: ACORDO.into(),
        trimestre,
        conteudo: json!({"trimestre": trimestre.to_string(), "temas": [{"tema": "carencia", "quantidade": 12}]}),
        sha256: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08".into(),
    }
}

fn enviar(trimestre: Trimestre, data: NaiveDate) -> ParceiroCommand {
    ParceiroCommand::RegistrarEnvioBoletim {
        acordo: ACORDO.into(),
        trimestre,
        data,
        canal: CanalEnvio::Sei,
        documento: NonEmptyText::written("SEI 0012345"),
    }
}

fn cumprir(obrigacao: Obrigacao, data: NaiveDate, trimestre: Trimestre) -> ParceiroCommand {
    ParceiroCommand::RegistrarCumprimentoObrigacao {
        acordo: ACORDO.into(),
        obrigacao,
        data,
        trimestre,
        descricao: NonEmptyText::written("Reunião de alinhamento com o Procon"),
        documento: NonEmptyText::written("Ata 3/2024"),
    }
}

fn encerrar(data: NaiveDate) -> ParceiroCommand {
    ParceiroCommand::EncerrarAcordo {
        acordo: ACORDO.into(),
        data,
        motivo: NonEmptyText::written("denúncia pelo parceiro"),
        documento: NonEmptyText::written("Ofício 45/2024"),
    }
}

fn renovar(nova_vigencia_fim: NaiveDate) -> ParceiroCommand {
    ParceiroCommand::RenovarAcordo {
        acordo: ACORDO.into(),
        nova_vigencia_fim,
        documento: NonEmptyText::written("Termo aditivo 1"),
    }
}

#[test]
fn a_partner_is_registered_with_its_region_and_only_a_sealed_contact_person() {
    // Lei 9.961/2000 art. 4 XXXVI (the programme); Lei 13.709/2018 (a contact person's name is personal data).
    let mut world = World::default();
    world
        .when(act(d(2024, 1, 5), cadastrar()))
        .then_events([ParceiroEvent::Cadastrado {
            parceiro_id: PARCEIRO,
            tipo: TipoParceiro::Procon,
            nome: "Fundação Procon-SP".into(),
            uf: Uf::Sp,
            regiao: Region::Sudeste,
            municipio: Some("3550308".into()),
            contatos: ContatosInstitucionais {
                email: Some("parceiros@procon.sp.gov.br".into()),
                telefone: Some("(11) 3824-0446".into()),
                endereco: None,
            },
            responsavel: Some(responsavel()),
        }])
        .then_parceiro(|p| {
            assert!(p.is_registered());
            assert_eq!(p.regiao, Some(Region::Sudeste));
        });
    assert_eq!(world.log[0].stream, StreamRef::Parceiro(PARCEIRO));
    world.when(act(d(2024, 1, 6), cadastrar())).then_refused("parceiro.ja_cadastrado");
}

#[test]
fn a_contact_person_in_clear_text_or_a_malformed_email_is_refused() {
    // Lei 13.709/2018 (LGPD): personal data reaches the domain only sealed.
    let mut world = World::default();
    let clear = ParceiroCommand::CadastrarParceiro {
        tipo: TipoParceiro::DefensoriaPublica,
        nome: NonEmptyText::written("Defensoria Pública do Estado do Rio de Janeiro"),
        uf: Uf::Rj,
        municipio: None,
        contatos: ContatosInstitucionais::default(),
        responsavel: Some(SealedPersonalData { subject_id: Uuid::from_u128(1), ciphertext: "Maria da Silva".into() }),
    };
    world.when(act(d(2024, 1, 5), clear)).then_invalid("responsavel");
    let bad_email = ParceiroCommand::CadastrarParceiro {
        tipo: TipoParceiro::DefensoriaPublica,
        nome: NonEmptyText::written("Defensoria Pública do Estado do Rio de Janeiro"),
        uf: Uf::Rj,
        municipio: None,
        contatos: ContatosInstitucionais { email: Some("nudecon@".into()), ..ContatosInstitucionais::default() },
        responsavel: None,
    };
    world.when(act(d(2024, 1, 5), bad_email)).then_invalid("contatos.email");
    world
        .when(act(d(2024, 1, 5), assinar(ACORDO, d(2024, 1, 5), d(2024, 2, 1), d(2025, 1, 31))))
        .then_refused("parceiro.nao_cadastrado");
}

#[test]
fn the_whole_life_of_an_agreement_from_signature_to_termination() {
    // Lei 9.961/2000 art. 4 XXXVI; Lei 8.078/1990; Lei 14.133/2021 art. 184 (acordos de cooperação).
    let mut world = World::default();
    world.given([act(d(2024, 1, 5), cadastrar())]);
    world.when(act(d(2024, 1, 10), assinar(ACORDO, d(2024, 1, 10), d(2024, 2, 1), d(2025, 1, 31)))).then_events([
        ParceiroEvent::AcordoAssinado {
            numero: ACORDO.into(),
            assinatura: d(2024, 1, 10),
            vigencia_inicio: d(2024, 2, 1),
            vigencia_fim: d(2025, 1, 31),
            obrigacoes: vec![
                Obrigacao::Reunioes,
                Obrigacao::InformacaoTrimestralDoParceiro,
                Obrigacao::BoletimTrimestralDaAns,
            ],
            documento: "Processo 33910.000001/2024-01".into(),
        },
    ]);
    let publicar = ParceiroCommand::PublicarAcordo {
        acordo: "act nº 1-2024".into(),
        data: d(2024, 1, 15),
        documento: NonEmptyText::written("DOU 2024-01-15 seção 3"),
    };
    world.when(act(d(2024, 1, 16), publicar)).then_events([ParceiroEvent::AcordoPublicado {
        numero: ACORDO.into(),
        publicacao: Publicacao { data: d(2024, 1, 15), documento: "DOU 2024-01-15 seção 3".into() },
    }]);
    world.when(act(d(2024, 5, 3), cumprir(Obrigacao::Reunioes, d(2024, 5, 2), q(2024, 2)))).then_events([
        ParceiroEvent::ObrigacaoCumprida {
            numero: ACORDO.into(),
            cumprimento: Cumprimento {
                obrigacao: Obrigacao::Reunioes,
                data: d(2024, 5, 2),
                trimestre: q(2024, 2),
                descricao: "Reunião de alinhamento com o Procon".into(),
                documento: "Ata 3/2024".into(),
            },
        },
    ]);
    let linhas = vec![linha("326305", TemaDemanda::Carencia, 12), linha("005711", TemaDemanda::Reembolso, 3)];
    world.when(act(d(2024, 7, 10), informar(q(2024, 2), linhas.clone()))).then_events([
        ParceiroEvent::InformacaoTrimestralRegistrada {
            numero: ACORDO.into(),
            informacao: InformacaoTrimestral {
                trimestre: q(2024, 2),
                linhas,
                documento: "Ofício Procon 7/2024".into(),
                versao: 1,
            },
        },
    ]);
    world
        .when(act(d(2024, 7, 15), emitir(q(2024, 2))))
        .then_events([ParceiroEvent::BoletimEmitido {
            numero: ACORDO.into(),
            trimestre: q(2024, 2),
            emitido_em: d(2024, 7, 15),
            conteudo: json!({"trimestre": "2024-T2", "temas": [{"tema": "carencia", "quantidade": 12}]}),
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
        }])
        .then_parceiro(|p| assert_eq!(p.boletins_emitidos().len(), 1));
    world.when(act(d(2024, 7, 16), enviar(q(2024, 2), d(2024, 7, 16)))).then_events([ParceiroEvent::BoletimEnviado {
        numero: ACORDO.into(),
        trimestre: q(2024, 2),
        envio: Envio { data: d(2024, 7, 16), canal: CanalEnvio::Sei, documento: "SEI 0012345".into() },
    }]);
    world.when(act(d(2025, 1, 20), renovar(d(2026, 1, 31)))).then_events([ParceiroEvent::AcordoRenovado {
        numero: ACORDO.into(),
        renovacao: Renovacao {
            em: d(2025, 1, 20),
            vigencia_fim_anterior: d(2025, 1, 31),
            nova_vigencia_fim: d(2026, 1, 31),
            documento: "Termo aditivo 1".into(),
        },
    }]);
    world.when(act(d(2026, 3, 2), encerrar(d(2026, 3, 1)))).then_invalid("data");
    world.when(act(d(2025, 6, 2), encerrar(d(2024, 1, 9)))).then_invalid("data");
    world
        .when(act(d(2025, 6, 2), encerrar(d(2025, 6, 1))))
        .then_events([ParceiroEvent::AcordoEncerrado {
            numero: ACORDO.into(),
            encerramento: Encerramento {
                data: d(2025, 6, 1),
                motivo: "denúncia pelo parceiro".into(),
                documento: "Ofício 45/2024".into(),
            },
        }])
        .then_parceiro(|p| {
            let acordo = p.acordo(ACORDO).unwrap();
            assert_eq!((acordo.vigencia_fim, acordo.ultimo_dia()), (d(2026, 1, 31), d(2025, 5, 31)));
            assert_eq!(p.acordos_vigentes_em(d(2025, 5, 31)).len(), 1);
            assert!(p.acordos_vigentes_em(d(2025, 6, 1)).is_empty());
        });
    assert_eq!(world.log.len(), 9);
}

#[test]
fn no_act_is_practised_on_a_terminated_agreement() {
    // Lei 14.133/2021 art. 184 (a terminated agreement binds no one); Lei 9.961/2000 art. 4 XXXVI.
    let mut world = with_agreement();
    world.given([act(d(2024, 8, 1), encerrar(d(2024, 8, 1)))]);
    let on = d(2024, 8, 2);
    let publicar = ParceiroCommand::PublicarAcordo {
        acordo: ACORDO.into(),
        data: d(2024, 8, 2),
        documento: NonEmptyText::written("DOU"),
    };
    for command in [
        publicar,
        renovar(d(2026, 1, 31)),
        encerrar(d(2024, 8, 2)),
        cumprir(Obrigacao::Reunioes, d(2024, 7, 30), q(2024, 3)),
        informar(q(2024, 2), vec![linha("326305", TemaDemanda::Carencia, 1)]),
        emitir(q(2024, 2)),
        enviar(q(2024, 2), on),
    ] {
        world.when(act(on, command)).then_refused("acordo.encerrado");
    }
}

#[test]
fn a_second_agreement_in_force_at_the_same_time_is_refused() {
    // Lei 9.961/2000 art. 4 XXXVI: one acordo de cooperação in force per partner.
    let mut world = with_agreement();
    let second = |inicio, fim| act(d(2024, 6, 1), assinar("ACT 2/2024", d(2024, 6, 1), inicio, fim));
    world.when(second(d(2024, 6, 1), d(2025, 5, 31))).then_refused("acordo.segundo_acordo_vigente");
    // Starting the day after the first one's validity ends is no overlap.
    world.when(second(d(2025, 2, 1), d(2026, 1, 31))).then_parceiro(|p| assert_eq!(p.acordos.len(), 2));
}

#[test]
fn a_new_agreement_may_start_once_the_first_was_terminated() {
    // Lei 14.133/2021 art. 184: a terminated agreement leaves the partner free to sign another.
    let mut world = with_agreement();
    world.given([act(d(2024, 6, 1), encerrar(d(2024, 6, 1)))]);
    world.when(act(d(2024, 6, 1), assinar("ACT 2/2024", d(2024, 6, 1), d(2024, 6, 1), d(2025, 5, 31)))).then_parceiro(
        |p| {
            let vigentes: Vec<&str> = p.acordos_vigentes_em(d(2024, 6, 1)).iter().map(|a| a.numero.as_str()).collect();
            assert_eq!(vigentes, ["ACT 2/2024"]);
        },
    );
}

#[test]
fn an_expired_agreement_is_not_renewed() {
    // Lei 14.133/2021 art. 184 (prorrogação only while the agreement is in force).
    let mut world = with_agreement();
    world.when(act(d(2025, 2, 1), renovar(d(2026, 1, 31)))).then_refused("acordo.renovacao_apos_vigencia");
    // On its last day it still may be, and only to a later end.
    world.when(act(d(2025, 1, 31), renovar(d(2025, 1, 31)))).then_invalid("nova_vigencia_fim");
    world
        .when(act(d(2025, 1, 31), renovar(d(2026, 1, 31))))
        .then_parceiro(|p| assert_eq!(p.acordo(ACORDO).unwrap().vigencia_fim, d(2026, 1, 31)));
}

#[test]
fn a_renewal_that_would_run_into_the_next_agreement_is_refused() {
    // Lei 9.961/2000 art. 4 XXXVI: one acordo de cooperação in force per partner.
    let mut world = with_agreement();
    world.given([act(d(2024, 6, 1), assinar("ACT 2/2025", d(2024, 6, 1), d(2025, 3, 1), d(2026, 2, 28)))]);
    world.when(act(d(2025, 1, 20), renovar(d(2025, 6, 30)))).then_refused("acordo.segundo_acordo_vigente");
}

#[test]
fn dates_that_make_no_sense_are_refused_when_signing() {
    // Lei 14.133/2021 art. 184: an agreement's validity runs forward from its signature.
    let mut world = World::default();
    world.given([act(d(2024, 1, 5), cadastrar())]);
    let on = d(2024, 1, 10);
    world.when(act(on, assinar(ACORDO, on, d(2024, 2, 1), d(2024, 2, 1)))).then_invalid("vigencia_fim");
    world.when(act(on, assinar(ACORDO, on, d(2024, 1, 9), d(2025, 1, 9)))).then_invalid("vigencia_inicio");
    world.when(act(on, assinar(ACORDO, d(2024, 1, 11), d(2024, 2, 1), d(2025, 1, 31)))).then_invalid("assinatura");
    let without = ParceiroCommand::AssinarAcordo {
        numero: NonEmptyText::written(ACORDO),
        assinatura: on,
        vigencia_inicio: on,
        vigencia_fim: d(2025, 1, 9),
        obrigacoes: vec![Obrigacao::Eventos, Obrigacao::Eventos],
        documento: NonEmptyText::written("Processo"),
    };
    world.when(act(on, without)).then_invalid("obrigacoes");
    world.given([act(on, assinar(ACORDO, on, d(2024, 2, 1), d(2025, 1, 31)))]);
    world
        .when(act(on, assinar("ACT Nº 1-2024", on, d(2026, 2, 1), d(2027, 1, 31))))
        .then_refused("acordo.numero_ja_registrado");
}

#[test]
fn a_publication_is_not_before_the_signature_and_happens_once() {
    // Lei 14.133/2021 arts. 94 e 184: the agreement's extract is published after it is signed.
    let mut world = with_agreement();
    let publicar =
        |data| ParceiroCommand::PublicarAcordo { acordo: ACORDO.into(), data, documento: NonEmptyText::written("DOU") };
    world.when(act(d(2024, 1, 20), publicar(d(2024, 1, 9)))).then_invalid("data");
    world.when(act(d(2024, 1, 20), publicar(d(2024, 1, 20)))).then_parceiro(|p| {
        assert_eq!(p.acordo(ACORDO).unwrap().publicacao.as_ref().map(|x| x.data), Some(d(2024, 1, 20)))
    });
    world.when(act(d(2024, 1, 21), publicar(d(2024, 1, 21)))).then_refused("acordo.ja_publicado");
    let unknown = ParceiroCommand::PublicarAcordo {
        acordo: "ACT 9/2024".into(),
        data: d(2024, 1, 21),
        documento: NonEmptyText::written("DOU"),
    };
    world.when(act(d(2024, 1, 21), unknown)).then_invalid("acordo");
}

#[test]
fn a_fulfilment_is_of_a_listed_obligation_after_the_signature_within_the_validity() {
    // Lei 9.961/2000 art. 4 XXXVI; Lei 14.133/2021 art. 184 (the agreement's work plan).
    let mut world = with_agreement();
    world
        .when(act(d(2024, 5, 3), cumprir(Obrigacao::CapacitacaoRegional, d(2024, 5, 2), q(2024, 2))))
        .then_refused("acordo.obrigacao_nao_pactuada");
    world
        .when(act(d(2024, 5, 3), cumprir(Obrigacao::Reunioes, d(2024, 1, 9), q(2024, 1))))
        .then_refused("acordo.cumprimento_antes_da_assinatura");
    world
        .when(act(d(2024, 5, 3), cumprir(Obrigacao::Reunioes, d(2024, 1, 20), q(2023, 4))))
        .then_refused("acordo.trimestre_fora_da_vigencia");
    world.when(act(d(2024, 5, 3), cumprir(Obrigacao::Reunioes, d(2024, 5, 2), q(2024, 3)))).then_invalid("trimestre");
    world.when(act(d(2024, 5, 3), cumprir(Obrigacao::Reunioes, d(2024, 5, 4), q(2024, 2)))).then_invalid("data");
    // A meeting in early July may count for the quarter just closed.
    world
        .when(act(d(2024, 7, 3), cumprir(Obrigacao::Reunioes, d(2024, 7, 2), q(2024, 2))))
        .then_parceiro(|p| assert_eq!(p.acordo(ACORDO).unwrap().cumprimentos.len(), 1));
}

#[test]
fn quarterly_information_counts_demands_per_operator_and_theme_and_a_resubmission_corrects_it() {
    // Lei 9.961/2000 art. 4 XXXVI; Lei 8.078/1990 art. 105 (the consumer-protection system shares information).
    let mut world = with_agreement();
    let on = d(2024, 7, 10);
    world
        .when(act(on, informar(q(2024, 1), vec![linha("326305", TemaDemanda::Carencia, 1)])))
        .then_parceiro(|p| assert_eq!(p.acordo(ACORDO).unwrap().informacao(q(2024, 1)).unwrap().versao, 1));
    world
        .when(act(on, informar(q(2023, 4), vec![linha("326305", TemaDemanda::Carencia, 1)])))
        .then_refused("acordo.trimestre_fora_da_vigencia");
    world
        .when(act(on, informar(q(2024, 4), vec![linha("326305", TemaDemanda::Carencia, 1)])))
        .then_invalid("trimestre");
    world.when(act(on, informar(q(2024, 2), vec![linha("326305", TemaDemanda::Carencia, 0)]))).then_invalid("linhas");
    world.when(act(on, informar(q(2024, 2), Vec::new()))).then_invalid("linhas");
    let repeated = vec![linha("326305", TemaDemanda::Carencia, 2), linha("326305", TemaDemanda::Carencia, 5)];
    world.when(act(on, informar(q(2024, 2), repeated))).then_invalid("linhas");
    // The same operator under two themes is no repetition; a second submission replaces the first.
    let corrected = vec![linha("326305", TemaDemanda::Carencia, 2), linha("326305", TemaDemanda::Reembolso, 5)];
    world
        .when(act(on, informar(q(2024, 1), corrected.clone())))
        .then_events([ParceiroEvent::InformacaoTrimestralRegistrada {
            numero: ACORDO.into(),
            informacao: InformacaoTrimestral {
                trimestre: q(2024, 1),
                linhas: corrected.clone(),
                documento: "Ofício Procon 7/2024".into(),
                versao: 2,
            },
        }])
        .then_parceiro(|p| {
            let acordo = p.acordo(ACORDO).unwrap();
            assert_eq!(acordo.informacoes.len(), 1);
            assert_eq!(acordo.informacao(q(2024, 1)).unwrap().linhas, corrected);
        });
    let versions = world
        .log
        .iter()
        .filter(|e| {
            matches!(e.event, autos_domain::DomainEvent::Parceiro(ParceiroEvent::InformacaoTrimestralRegistrada { .. }))
        })
        .count();
    assert_eq!(versions, 2, "the first version stays in the stream");
}

#[test]
fn a_bulletin_is_issued_once_for_an_ended_quarter_with_a_well_formed_digest() {
    // Lei 9.961/2000 art. 4 XXXVI: the programme's quarterly bulletin.
    let mut world = with_agreement();
    world.when(act(d(2024, 6, 30), emitir(q(2024, 2)))).then_refused("boletim.trimestre_nao_encerrado");
    let bad_digest = ParceiroCommand::EmitirBoletim {
        acordo: ACORDO.into(),
        trimestre: q(2024, 2),
        conteudo: json!({}),
        sha256: "9f86d0".into(),
    };
    world.when(act(d(2024, 7, 1), bad_digest)).then_invalid("sha256");
    let not_an_object = ParceiroCommand::EmitirBoletim {
        acordo: ACORDO.into(),
        trimestre: q(2024, 2),
        conteudo: json!("boletim"),
        sha256: "0".repeat(64),
    };
    world.when(act(d(2024, 7, 1), not_an_object)).then_invalid("conteudo");
    world.when(act(d(2024, 7, 1), emitir(q(2023, 4)))).then_refused("acordo.trimestre_fora_da_vigencia");
    world.when(act(d(2024, 7, 1), emitir(q(2024, 2)))).then_parceiro(|p| {
        assert_eq!(p.acordo(ACORDO).unwrap().boletim(q(2024, 2)).unwrap().emitido_em, d(2024, 7, 1))
    });
    world.when(act(d(2024, 7, 2), emitir(q(2024, 2)))).then_refused("boletim.ja_emitido");
}

#[test]
fn only_an_issued_bulletin_is_dispatched_and_not_before_it_was_issued() {
    // Lei 9.961/2000 art. 4 XXXVI: the bulletin sent to the partner is the one ANS issued.
    let mut world = with_agreement();
    world.when(act(d(2024, 7, 2), enviar(q(2024, 2), d(2024, 7, 2)))).then_refused("boletim.nao_emitido");
    world.given([act(d(2024, 7, 5), emitir(q(2024, 2)))]);
    world.when(act(d(2024, 7, 6), enviar(q(2024, 2), d(2024, 7, 4)))).then_invalid("data");
    world.when(act(d(2024, 7, 6), enviar(q(2024, 2), d(2024, 7, 7)))).then_invalid("data");
    world
        .when(act(d(2024, 7, 6), enviar(q(2024, 2), d(2024, 7, 6))))
        .then_parceiro(|p| assert_eq!(p.acordo(ACORDO).unwrap().boletim(q(2024, 2)).unwrap().envios.len(), 1));
}

#[test]
fn obligations_of_a_quarter_are_due_then_overdue_until_the_acts_that_fulfil_them() {
    // Lei 9.961/2000 art. 4 XXXVI: the quarterly information and bulletin are owed each quarter.
    let mut world = with_agreement();
    let status = |world: &World, today| -> Vec<Situacao> {
        let p = world.parceiro(PARCEIRO);
        p.acordo(ACORDO).unwrap().situacao_obrigacoes(q(2024, 2), today).into_iter().map(|(_, s)| s).collect()
    };
    let prazo = d(2024, 9, 30);
    assert_eq!(
        status(&world, d(2024, 10, 1)),
        [Situacao::QuandoOcorrer, Situacao::Atrasada { prazo }, Situacao::Atrasada { prazo }]
    );
    world.given([
        act(d(2024, 7, 10), informar(q(2024, 2), vec![linha("326305", TemaDemanda::Carencia, 4)])),
        act(d(2024, 7, 15), emitir(q(2024, 2))),
    ]);
    assert_eq!(
        status(&world, d(2024, 8, 1)),
        [Situacao::QuandoOcorrer, Situacao::Cumprida, Situacao::Devida { prazo }],
        "an issued bulletin not yet sent is still owed"
    );
    world.given([act(d(2024, 7, 16), enviar(q(2024, 2), d(2024, 7, 16)))]);
    assert_eq!(status(&world, d(2024, 10, 1))[1..], [Situacao::Cumprida, Situacao::Cumprida]);
}

#[test]
fn programme_acts_are_for_difis_and_the_directorate_only() {
    // Lei 9.961/2000 arts. 4 e 10: DIFIS coordinates the programme; auditors and attendants only read or register demands.
    let mut world = World::default();
    for role in [Role::Auditor, Role::Atendente, Role::Interventor, Role::Administrador] {
        world
            .when(parceiro_act(PARCEIRO, actor(role, &[]), d(2024, 1, 5), cadastrar()))
            .then_refused("acesso.papel_nao_autorizado");
    }
    world.when(parceiro_act(PARCEIRO, actor(Role::Diretoria, &[]), d(2024, 1, 5), cadastrar())).then_parceiro(|p| {
        assert_eq!(p.tipo, Some(TipoParceiro::Procon));
    });
    let item = ProgramaCommand::IncluirItemBoletim {
        item_id: Uuid::from_u128(0x17),
        trimestre: q(2024, 2),
        tipo: TipoItem::AcaoAns,
        titulo: NonEmptyText::written("Operação de fiscalização"),
        data: d(2024, 5, 1),
        referencia: None,
    };
    world
        .when(programa_act(actor(Role::Auditor, &[]), d(2024, 5, 2), item))
        .then_refused("acesso.papel_nao_autorizado");
}

#[test]
fn curated_bulletin_items_are_included_per_quarter_and_withdrawn_by_a_new_act() {
    // Lei 9.961/2000 art. 4 XXXVI: the bulletin's "principais ações adotadas pela ANS" and "documentos relevantes".
    let mut world = World::default();
    let incluir = |id: u128, tipo, titulo: &str, data| ProgramaCommand::IncluirItemBoletim {
        item_id: Uuid::from_u128(id),
        trimestre: q(2024, 2),
        tipo,
        titulo: NonEmptyText::parse("titulo", titulo).unwrap(),
        data,
        referencia: Some("https://www.gov.br/ans/pt-br".into()),
    };
    world
        .when(programa_act(
            fiscal(),
            d(2024, 6, 10),
            incluir(1, TipoItem::DocumentoRelevante, "RN 600/2024", d(2024, 6, 3)),
        ))
        .then_events([ProgramaEvent::ItemIncluido {
            item_id: Uuid::from_u128(1),
            trimestre: q(2024, 2),
            tipo: TipoItem::DocumentoRelevante,
            titulo: "RN 600/2024".into(),
            data: d(2024, 6, 3),
            referencia: Some("https://www.gov.br/ans/pt-br".into()),
        }]);
    assert_eq!(world.log[0].stream, StreamRef::ProgramaParceiros);
    world.given([programa_act(
        fiscal(),
        d(2024, 6, 10),
        incluir(2, TipoItem::AcaoAns, "Ação fiscalizatória", d(2024, 4, 2)),
    )]);
    world
        .when(programa_act(fiscal(), d(2024, 6, 10), incluir(2, TipoItem::AcaoAns, "Outra", d(2024, 4, 2))))
        .then_invalid("item_id");
    world
        .when(programa_act(fiscal(), d(2024, 6, 10), incluir(3, TipoItem::AcaoAns, "Fora", d(2024, 7, 2))))
        .then_invalid("data");
    let ids = |world: &World| -> Vec<u128> {
        world.programa.itens_do_trimestre(q(2024, 2)).iter().map(|(id, _)| id.as_u128()).collect()
    };
    assert_eq!(ids(&world), [2, 1], "in date order");
    let retirar =
        ProgramaCommand::RetirarItemBoletim { item_id: Uuid::from_u128(2), motivo: NonEmptyText::written("duplicado") };
    world
        .when(programa_act(fiscal(), d(2024, 6, 11), retirar.clone()))
        .then_events([ProgramaEvent::ItemRetirado { item_id: Uuid::from_u128(2), motivo: "duplicado".into() }]);
    assert_eq!(ids(&world), [1]);
    assert!(world.programa.itens.contains_key(&Uuid::from_u128(2)), "a withdrawn item stays in the record");
    world.when(programa_act(fiscal(), d(2024, 6, 12), retirar)).then_invalid("item_id");
}
