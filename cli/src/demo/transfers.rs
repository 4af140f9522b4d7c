//! The report's alienações de carteira (table "Distribuição das alienações de carteira", 2000 to
//! August 2003): per year, the transfers of a whole carteira and the partial ones, each a
//! voluntary alienação — requested by the seller, authorised by the Diretoria Colegiada and
//! proven by the fiscal — whose proof falls in the table's year.
//!
//! The voluntary form is the one the seed era's rules carry without an unconfirmed value: the
//! notice before the intended date (`alienacao_voluntaria_aviso`) is `Unconfirmed` for
//! `seed-2000`, and the domain then takes a request as filed, so the demo configures nothing;
//! requests are still dated 30 days or more before the intended date. Partial transfers exist
//! only in this form. Sellers and acquirers are operators of the same modalidade that never
//! come under a regime in the demo (the RN 145/2007 acquirer bar postdates the era, but an
//! acquirer in trouble would not be realistic either); a seller of its whole carteira keeps no
//! members afterwards and never acquires, and the acquirer's counts grow by what it received.

use autos_domain::NonEmptyText;
use std::collections::{BTreeMap, BTreeSet};

use autos_domain::case::Abrangencia;
use autos_domain::{CaseCommand, Modalidade, Registro, Role};
use chrono::{Datelike, Days, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use serde::Deserialize;

use super::kit::{csv_rows, day_between, period, Desk, Members, Move};
use crate::CliError;

/// Portfolio transfers by year, total and partial (report table).
const TRANSFERS_BY_YEAR: &str = include_str!("../../data/portfolio_transfers_by_year.csv");

/// Acts per transfer: request, authorisation, proof.
pub(super) const ACTS_EACH: usize = 3;

/// Days from the request back to the earliest date a proof may fall on, at most.
const LONGEST_RUN: u64 = 70;

#[derive(Deserialize)]
struct YearRow {
    year: i32,
    total: usize,
    parcial: usize,
    period_note: String,
}

/// One planned alienação.
pub(super) struct Transfer {
    seller: Registro,
    acquirer: Registro,
    scope: Abrangencia,
    members: u64,
    requested: NaiveDate,
    decided: NaiveDate,
    intended: NaiveDate,
    proven: NaiveDate,
}

/// Draws the table's transfers and moves the members they carry.
///
/// # Errors
/// `Config` when the embedded table is unreadable or there are too few operators outside the
/// regimes to sell.
pub(super) fn plan(
    rng: &mut StdRng,
    by_modalidade: &BTreeMap<Modalidade, Vec<Registro>>,
    in_regime: &BTreeSet<Registro>,
    members: &mut Members,
    rules_start: NaiveDate,
) -> Result<Vec<Transfer>, CliError> {
    let rows: Vec<YearRow> = csv_rows(TRANSFERS_BY_YEAR)?;
    let mut sellers: Vec<(Registro, Modalidade)> = by_modalidade
        .iter()
        .flat_map(|(m, rs)| rs.iter().map(move |r| (*r, *m)))
        .filter(|(r, _)| !in_regime.contains(r) && members.on(*r, rules_start) > 0)
        .collect();
    sellers.shuffle(rng);
    let wanted: usize = rows.iter().map(|r| r.total + r.parcial).sum();
    if sellers.len() < wanted {
        return Err(CliError::Config(format!(
            "operadoras insuficientes para as {wanted} alienações da tabela: {} disponíveis",
            sellers.len()
        )));
    }
    let mut sellers = sellers.into_iter();
    let mut drawn = Vec::with_capacity(wanted);
    for row in &rows {
        let (first, last) = period(row.year, &row.period_note)?;
        // The whole run — request, decision, intended date, proof — lies inside the rules.
        let first = first.max(rules_start + Days::new(LONGEST_RUN));
        let scopes = std::iter::repeat_n(Abrangencia::Total, row.total)
            .chain(std::iter::repeat_n(Abrangencia::Parcial, row.parcial));
        for scope in scopes {
            let (seller, modalidade) =
                sellers.next().ok_or_else(|| CliError::Config("operadoras insuficientes para as alienações".into()))?;
            let proven = day_between(rng, first, last);
            let intended = proven - Days::new(rng.gen_range(0..=10));
            let requested = intended - Days::new(rng.gen_range(30..=60));
            let decided = requested + Days::new(rng.gen_range(10..=25));
            drawn.push((seller, modalidade, scope, requested, decided, intended, proven));
        }
    }
    let whole: BTreeSet<Registro> = drawn.iter().filter(|d| d.2 == Abrangencia::Total).map(|d| d.0).collect();
    drawn.sort_by_key(|d| d.3);
    let mut transfers = Vec::with_capacity(drawn.len());
    for (seller, modalidade, scope, requested, decided, intended, proven) in drawn {
        let acquirers: Vec<Registro> = by_modalidade[&modalidade]
            .iter()
            .copied()
            .filter(|r| *r != seller && !whole.contains(r) && !in_regime.contains(r))
            .collect();
        let acquirer = *acquirers
            .choose(rng)
            .ok_or_else(|| CliError::Config(format!("nenhuma adquirente possível para a operadora {seller}")))?;
        let held = members.on(seller, proven);
        let moved = match scope {
            Abrangencia::Total => held,
            Abrangencia::Parcial => (held * rng.gen_range(10..=40) / 100).max(1),
        };
        match scope {
            Abrangencia::Total => members.moved(seller, proven, Move::AllGone),
            Abrangencia::Parcial => members.moved(seller, proven, Move::Change(-(moved as i64))),
        }
        members.moved(acquirer, proven, Move::Change(moved as i64));
        transfers.push(Transfer { seller, acquirer, scope, members: moved, requested, decided, intended, proven });
    }
    Ok(transfers)
}

/// Issues each alienação: the request (fiscal), the authorisation (Diretoria Colegiada) and the
/// proof that the members moved with their contracts kept (fiscal).
///
/// # Errors
/// `Domain` when the domain refuses an act, `Store` on faults.
pub(super) async fn issue(desk: &mut Desk<'_>, transfers: &[Transfer]) -> Result<(), CliError> {
    for (n, t) in transfers.iter().enumerate() {
        let process = format!("{:04}/{} (demonstração)", n + 1, t.requested.year());
        let request = CaseCommand::RequererAlienacaoVoluntaria {
            registro: t.seller,
            adquirente: t.acquirer,
            abrangencia: t.scope,
            beneficiarios: t.members,
            data_pretendida: t.intended,
            documento: NonEmptyText::written(format!("Pedido de alienação {process}")),
        };
        let case = desk.case(Role::Fiscal, None, t.requested, request).await?;
        let decision = CaseCommand::DecidirAlienacaoVoluntaria {
            autorizada: true,
            adquirente: t.acquirer,
            fundamentacao: NonEmptyText::written(
                "contratos mantidos integralmente; adquirente com registro ativo (RDC 25/2000)",
            ),
            documento: NonEmptyText::written(format!("Decisão DICOL sobre a alienação {process}")),
        };
        desk.case(Role::Diretoria, Some(case), t.decided, decision).await?;
        let proof = CaseCommand::ComprovarTransferenciaCarteira {
            adquirentes: Vec::new(),
            beneficiarios: t.members,
            nova_carencia: false,
            aniversario_mantido: true,
            documento: NonEmptyText::written(format!("Comprovação da transferência {process}")),
        };
        desk.case(Role::Fiscal, Some(case), t.proven, proof).await?;
    }
    Ok(())
}
