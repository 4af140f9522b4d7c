//! The IGR (Índice Geral de Reclamações) Autos computes from its own read models, as ANS's
//! ficha técnica defines it: the NIP demands opened in a month per 10.000 beneficiaries of the
//! operator's last count informed on or before that month. The export in ANS's open-data layout
//! and the operator page (beside the value ANS published) both read it from here.

use autos_domain::Registro;
use autos_projections::keys::{self, ComplaintKey};
use autos_projections::models::{self, ComplaintKind};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::views::Views;
use crate::AppError;

/// Beneficiaries the index is expressed per (IGR ficha técnica).
pub const PER_BENEFICIARIES: i64 = 10_000;

/// The computed IGR of one operator and month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedIgr {
    /// AAAA-MM.
    pub competencia: String,
    /// Rounded to two places, half away from zero.
    pub igr: Decimal,
    pub reclamacoes: i64,
    pub beneficiarios: i64,
    /// The month of the beneficiary count used (AAAA-MM), the month itself or an earlier one.
    pub competencia_beneficiario: String,
}

impl Views {
    /// The computed IGR of `registro` for each of `months` (AAAA-MM) that has a positive
    /// beneficiary count on or before it, in the order given.
    ///
    /// # Errors
    /// `Projection` on database faults.
    pub async fn computed_igr(&self, registro: Registro, months: &[String]) -> Result<Vec<ComputedIgr>, AppError> {
        let counts: Vec<(String, i64)> = self
            .entries(models::BENEFICIARIES, &keys::of_operator(registro))
            .await?
            .into_iter()
            .filter_map(|(key, doc)| Some((keys::beneficiaries_month(&key)?.to_owned(), doc["quantidade"].as_i64()?)))
            .collect();
        let mut out = Vec::new();
        for month in months {
            let last_informed = counts.iter().filter(|(m, _)| m <= month).max_by(|a, b| a.0.cmp(&b.0));
            let Some((members_month, members)) = last_informed.filter(|(_, n)| *n > 0) else { continue };
            let mut complaints = 0i64;
            for (key, doc) in self.entries(models::COMPLAINTS, &keys::complaints_of_month(registro, month)).await? {
                if ComplaintKey::parse(&key).is_some_and(|k| k.kind == ComplaintKind::Nip) {
                    complaints += doc["quantidade"].as_i64().unwrap_or(0);
                }
            }
            out.push(ComputedIgr {
                competencia: month.clone(),
                igr: igr(complaints, *members),
                reclamacoes: complaints,
                beneficiarios: *members,
                competencia_beneficiario: members_month.clone(),
            });
        }
        Ok(out)
    }
}

/// `complaints` per [`PER_BENEFICIARIES`] of `members` (> 0), to two places.
fn igr(complaints: i64, members: i64) -> Decimal {
    (Decimal::from(complaints * PER_BENEFICIARIES) / Decimal::from(members))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_per_ten_thousand_beneficiaries_rounded_half_away_from_zero() {
        let two_places = |complaints, members| format!("{:.2}", igr(complaints, members));
        assert_eq!(two_places(3, 20_000), "1.50");
        assert_eq!(two_places(1, 30_000), "0.33");
        assert_eq!(two_places(1, 16_000), "0.63", "0.625 rounds up");
        assert_eq!(two_places(0, 5), "0.00");
        assert_eq!(two_places(7, 3), "23333.33");
    }
}
