//! Synthetic histories for load and benchmark work: operators with monthly beneficiary counts
//! and a direção fiscal with its directive instructions, every event produced by the domain's
//! own decisions (so replays and read models see exactly what production would write) and
//! written in large multi-stream appends.

use autos_domain::NonEmptyText;
use std::sync::Arc;

use autos_domain::{
    decide_case, decide_operator, Actor, CaseCommand, CaseState, Cnpj, Context, DomainEvent, Emitted, Modalidade,
    OperadoraState, OperatorCommand, Registro, Role, RuleBook, StreamRef, Uf,
};
use autos_store::{AppendBatch, EventStore, ExpectedVersion, Provenance};
use chrono::{Datelike, Days, Months, NaiveDate};
use uuid::Uuid;

use crate::CliError;

/// Events written per append.
const FLUSH_EVENTS: usize = 5_000;
/// The first synthetic registro; synthetic operators never collide with the seed's 512.
const FIRST_REGISTRO: u32 = 900_000;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Decides one operator's history of about `events` events.
///
/// # Errors
/// `Domain` if a decision is refused (a generator bug, never bad input).
pub fn operator_decisions(rules: &RuleBook, n: u32, events: usize) -> Result<(Registro, Vec<Emitted>), CliError> {
    let registro = Registro::parse(&format!("{:06}", FIRST_REGISTRO + n))?;
    let admin = Actor::new("gerador", Role::Administrador);
    let mut operator = OperadoraState::default();
    let mut out = Vec::with_capacity(events);
    // Folds a decision into the operator and the direção fiscal (side cases are not followed).
    let fold = |out: &mut Vec<Emitted>,
                operator: &mut OperadoraState,
                case: Option<(Uuid, &mut CaseState)>,
                emitted: Vec<Emitted>| {
        let mut case = case;
        for e in emitted {
            match (&e.event, case.as_mut()) {
                (DomainEvent::Operator(ev), _) => operator.evolve(ev),
                (DomainEvent::Case(ev), Some((id, c))) if e.stream == StreamRef::Caso(*id) => c.evolve(ev),
                // Operator and case decisions emit neither of the programme's events.
                (DomainEvent::Case(_) | DomainEvent::Parceiro(_) | DomainEvent::Programa(_), _) => {}
            }
            out.push(e);
        }
    };
    let start = date(2000, 1, 10);
    let register = OperatorCommand::RegistrarOperadora {
        registro,
        cnpj: Some(Cnpj::parse("11.222.333/0001-81")?),
        razao_social: NonEmptyText::written(format!("Operadora Sintética {n}")),
        modalidade: Modalidade::MedicinaDeGrupo,
        uf: Some(Uf::Sp),
        registro_provisorio: false,
        regiao: None,
        municipio: None,
        referencia: None,
    };
    let emitted = decide_operator(&operator, register, &Context::new(admin.clone(), start, rules))?;
    fold(&mut out, &mut operator, None, emitted);
    let months = (events / 5).max(1);
    for m in 0..months {
        let on = start + Months::new(m as u32);
        let count = OperatorCommand::InformarBeneficiarios {
            ano: on.year(),
            mes: on.month(),
            quantidade: 5_000 + (m as u64 * 37) % 40_000,
        };
        let emitted = decide_operator(&operator, count, &Context::new(admin.clone(), on, rules))?;
        fold(&mut out, &mut operator, None, emitted);
    }
    let case_id = Uuid::now_v7();
    let mut case = CaseState::default();
    let decree_on = date(2002, 3, 1);
    let mut board = Context::new(Actor::new("gerador", Role::Diretoria), decree_on, rules).on_case(case_id);
    board.fresh_ids = vec![Uuid::now_v7(), Uuid::now_v7()];
    let decree = CaseCommand::InstaurarDirecaoFiscal {
        registro,
        motivos: vec!["insuficiência de garantias financeiras".into()],
        diretor_fiscal: NonEmptyText::written("gerador"),
        documento: NonEmptyText::written(format!("RO {n}/2002")),
        vigencia_dias: None,
    };
    let emitted = decide_case(&case, &operator, decree, &board)?;
    fold(&mut out, &mut operator, Some((case_id, &mut case)), emitted);
    let interventor = Actor { officer_id: "gerador".into(), role: Role::Interventor, appointed_cases: vec![case_id] };
    let mut i = 0u64;
    while out.len() < events {
        let on = decree_on + Days::new(1 + i % 300);
        let ctx = Context::new(interventor.clone(), on, rules).on_case(case_id);
        let instruction = CaseCommand::EmitirInstrucaoDiretiva {
            numero: NonEmptyText::written(format!("ID {i}/{}", on.year())),
            assunto: NonEmptyText::written("remessa de balancetes"),
        };
        let emitted = decide_case(&case, &operator, instruction, &ctx)?;
        fold(&mut out, &mut operator, Some((case_id, &mut case)), emitted);
        i += 1;
    }
    Ok((registro, out))
}

/// Writes `operators` synthetic operators of about `events_each` events, in large appends.
/// `progress` receives the number of events written.
///
/// # Errors
/// `Store` on database faults, `Domain` on a generator bug.
pub async fn write(
    store: &Arc<dyn EventStore>,
    rules: &RuleBook,
    first: u32,
    operators: u32,
    events_each: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Registro>, CliError> {
    let mut pending: Vec<Emitted> = Vec::new();
    let mut written = 0u64;
    let mut registros = Vec::new();
    for n in first..first + operators {
        let (registro, events) = operator_decisions(rules, n, events_each)?;
        registros.push(registro);
        pending.extend(events);
        if pending.len() >= FLUSH_EVENTS {
            written += flush(store.as_ref(), &mut pending).await?;
            progress(written);
        }
    }
    written += flush(store.as_ref(), &mut pending).await?;
    progress(written);
    Ok(registros)
}

async fn flush(store: &dyn EventStore, pending: &mut Vec<Emitted>) -> Result<u64, CliError> {
    if pending.is_empty() {
        return Ok(0);
    }
    let streams = autos_projections::group_by_stream(pending, |_| ExpectedVersion::Any);
    let provenance = Provenance {
        actor_id: Uuid::from_u128(0x5e5e),
        actor_role: autos_domain::Role::Administrador.as_str().into(),
        correlation_id: None,
        causation_id: None,
        command: None,
    };
    let count = pending.len() as u64;
    store.append(AppendBatch { streams, provenance }).await?;
    pending.clear();
    Ok(count)
}
