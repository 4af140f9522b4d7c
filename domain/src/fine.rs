//! The fine calculator of docs/DOMAIN.md §3: valor-base × porte factor × circumstances × collective
//! multiplier, computed in exact decimals, rounded once (half-up, recorded), clamped to the legal
//! bounds (Lei 9.656 arts. 27 and 35-D), then the discount the operator chose, then the floor
//! again where RN 623/2024 applies. Every factor is stored on [`FineComputation`], so
//! [`FineComputation::recompute`] reproduces the amount without any rule table.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::rules::{CircumstanceKind, DiscountKind};
use crate::{DomainError, Money, RuleSet};

/// What the deciding officer states about one infraction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FineInputs {
    /// The infraction type's valor-base (RN 124 → RN 489 table), as the decision states it.
    pub valor_base: Money,
    /// Circumstance codes of the rule version's table.
    #[serde(default)]
    pub circunstancias: Vec<String>,
    /// Multiplier chosen for the collective effect, ≤ the band maximum; 1 when none.
    pub multiplicador_coletivo: Decimal,
}

/// How the exact value was rounded to centavos (docs/DOMAIN.md §3: mode `[UNCONF]`, default half-up, recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    MeioParaCima,
}

/// A circumstance as applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedCircumstance {
    pub codigo: String,
    pub tipo: CircumstanceKind,
    pub percentual: Decimal,
}

/// The discount as applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedDiscount {
    pub tipo: DiscountKind,
    pub percentual: Decimal,
    pub norma: String,
}

/// Every factor of one fine, enough to reproduce it years later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FineComputation {
    pub versao_regras: String,
    pub tipo_infracao: String,
    pub valor_base: Money,
    pub beneficiarios_operadora: u64,
    pub fator_porte: Decimal,
    pub circunstancias: Vec<AppliedCircumstance>,
    pub beneficiarios_expostos: u64,
    pub multiplicador_coletivo: Decimal,
    pub multiplicador_coletivo_maximo: Decimal,
    pub norma_efeito_coletivo: String,
    pub arredondamento: Rounding,
    pub limite_minimo: Money,
    pub limite_maximo: Money,
    pub desconto: Option<AppliedDiscount>,
    pub piso_apos_desconto: bool,
    /// Exact product before rounding.
    pub valor_calculado: Decimal,
    /// After rounding and clamping: the fine imposed.
    pub valor_multa: Money,
    /// After the discount (and the floor, where it applies): the amount due.
    pub valor_devido: Money,
}

const NORM_BOUNDS: &str = "Lei 9.656/1998 arts. 27 e 35-D";

fn round_half_up(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn money(value: Decimal) -> Money {
    Money::from_decimal(round_half_up(value.max(Decimal::ZERO))).unwrap_or(Money::ZERO)
}

impl FineComputation {
    /// Computes a fine from the officer's inputs and the case's rule version.
    ///
    /// # Errors
    /// `Invalid` for an unknown circumstance code or a multiplier below 1; `Rule`
    /// (`multa.multiplicador_coletivo_acima_do_limite`) above the band maximum; `Unconfigured`
    /// when the porte factors or circumstance table are not confirmed.
    pub fn compute(
        inputs: &FineInputs,
        tipo_infracao: &str,
        beneficiarios_operadora: u64,
        beneficiarios_expostos: u64,
        rules: &RuleSet,
    ) -> Result<FineComputation, DomainError> {
        let fator_porte = rules.porte_factor(beneficiarios_operadora)?;
        let circunstancias = if inputs.circunstancias.is_empty() {
            Vec::new()
        } else {
            let table = rules.circumstances()?;
            inputs
                .circunstancias
                .iter()
                .map(|code| {
                    table
                        .iter()
                        .find(|c| &c.code == code)
                        .map(|c| AppliedCircumstance { codigo: c.code.clone(), tipo: c.kind, percentual: c.percent })
                        .ok_or_else(|| {
                            DomainError::invalid(
                                "circunstancias",
                                format!("circunstância desconhecida na versão {}: {code}", rules.versao),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        if inputs.multiplicador_coletivo < Decimal::ONE {
            return Err(DomainError::invalid(
                "multiplicador_coletivo",
                "o multiplicador de efeito coletivo é no mínimo 1",
            ));
        }
        let maximo = rules.max_collective_multiplier(beneficiarios_expostos);
        if inputs.multiplicador_coletivo > maximo {
            return Err(DomainError::rule(
                "multa.multiplicador_coletivo_acima_do_limite",
                &rules.efeito_coletivo_norma,
                format!("com {beneficiarios_expostos} beneficiários expostos o multiplicador vai até {maximo}"),
            ));
        }
        let mut computation = FineComputation {
            versao_regras: rules.versao.clone(),
            tipo_infracao: tipo_infracao.to_owned(),
            valor_base: inputs.valor_base,
            beneficiarios_operadora,
            fator_porte,
            circunstancias,
            beneficiarios_expostos,
            multiplicador_coletivo: inputs.multiplicador_coletivo,
            multiplicador_coletivo_maximo: maximo,
            norma_efeito_coletivo: rules.efeito_coletivo_norma.clone(),
            arredondamento: Rounding::MeioParaCima,
            limite_minimo: rules.multa_minima,
            limite_maximo: rules.multa_maxima,
            desconto: None,
            piso_apos_desconto: rules.piso_apos_desconto,
            valor_calculado: Decimal::ZERO,
            valor_multa: Money::ZERO,
            valor_devido: Money::ZERO,
        };
        computation.settle();
        Ok(computation)
    }

    /// The same fine with the discount the operator chose, taken from the case's rule version.
    ///
    /// # Errors
    /// `Rule` (`multa.desconto_indisponivel`) when the version offers no such option or limits it
    /// to other infraction types; `Unconfigured` when its percentage is not confirmed.
    pub fn with_discount(&self, kind: DiscountKind, rules: &RuleSet) -> Result<FineComputation, DomainError> {
        let option = rules
            .descontos
            .iter()
            .find(|d| d.kind == kind)
            .filter(|d| d.only_types.is_empty() || d.only_types.contains(&self.tipo_infracao));
        let Some(option) = option else {
            return Err(DomainError::rule(
                "multa.desconto_indisponivel",
                "RN 483/2022 art. 33",
                format!(
                    "a opção de desconto \"{}\" não existe na versão {} para o tipo {}",
                    crate::case::code_label(&kind),
                    rules.versao,
                    self.tipo_infracao
                ),
            ));
        };
        let (percent, norm) = rules.desconto_percentual(option)?;
        let mut discounted = self.clone();
        discounted.desconto = Some(AppliedDiscount { tipo: kind, percentual: *percent, norma: norm.to_owned() });
        discounted.settle();
        Ok(discounted)
    }

    /// Recomputes every amount from the stored factors alone.
    pub fn recompute(&self) -> FineComputation {
        let mut again = self.clone();
        again.settle();
        again
    }

    fn settle(&mut self) {
        let circumstances: Decimal = self
            .circunstancias
            .iter()
            .map(|c| match c.tipo {
                CircumstanceKind::Agravante => c.percentual,
                CircumstanceKind::Atenuante => -c.percentual,
            })
            .sum();
        let circumstance_factor = (Decimal::ONE + circumstances).max(Decimal::ZERO);
        self.valor_calculado =
            self.valor_base.amount() * self.fator_porte * circumstance_factor * self.multiplicador_coletivo;
        let clamped =
            round_half_up(self.valor_calculado).clamp(self.limite_minimo.amount(), self.limite_maximo.amount());
        self.valor_multa = money(clamped);
        let after_discount = match &self.desconto {
            Some(d) => round_half_up(clamped * (Decimal::ONE - d.percentual)),
            None => clamped,
        };
        let floored =
            if self.piso_apos_desconto { after_discount.max(self.limite_minimo.amount()) } else { after_discount };
        self.valor_devido = money(floored);
    }

    /// The norm of the legal bounds.
    pub fn bounds_norm() -> &'static str {
        NORM_BOUNDS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{CircumstanceRule, PorteFactorBand};
    use crate::{RuleBook, Setting};
    use rust_decimal_macros::dec;

    fn configured(version: &str) -> RuleSet {
        let mut book = RuleBook::builtin();
        book.configure_from("seed-2000", |r| {
            r.multa_fatores_porte = Setting::confirmed(
                vec![
                    PorteFactorBand { max_beneficiaries: Some(20_000), factor: dec!(0.5) },
                    PorteFactorBand { max_beneficiaries: None, factor: dec!(1) },
                ],
                "configuração de teste",
            );
            r.multa_circunstancias = Setting::confirmed(
                vec![
                    CircumstanceRule {
                        code: "reincidencia".into(),
                        kind: CircumstanceKind::Agravante,
                        percent: dec!(0.5),
                    },
                    CircumstanceRule {
                        code: "reparacao_voluntaria".into(),
                        kind: CircumstanceKind::Atenuante,
                        percent: dec!(0.25),
                    },
                ],
                "configuração de teste",
            );
        })
        .unwrap();
        book.version(version).unwrap().clone()
    }

    fn inputs(base: u32, multiplier: Decimal, circumstances: &[&str]) -> FineInputs {
        FineInputs {
            valor_base: Money::reais(base),
            circunstancias: circumstances.iter().map(|c| (*c).to_owned()).collect(),
            multiplicador_coletivo: multiplier,
        }
    }

    #[test]
    fn the_fine_multiplies_every_factor_before_clamping() {
        // RN 124/2006 arts. 6–10; RN 396/2016 collective table.
        let rules = configured("rn-388-2015");
        let fine =
            FineComputation::compute(&inputs(30_000, dec!(5), &["reincidencia"]), "rn124.art20", 50_000, 5_000, &rules)
                .unwrap();
        assert_eq!(fine.valor_calculado, dec!(225000.00));
        assert_eq!(fine.valor_multa, Money::reais(225_000));
        assert_eq!(fine.recompute(), fine);
    }

    #[test]
    fn a_fine_above_the_statutory_maximum_is_clamped_after_all_multipliers() {
        // Lei 9.656 arts. 27 and 35-D; RN 124 art. 9 "até o limite".
        let rules = configured("rn-388-2015");
        let fine =
            FineComputation::compute(&inputs(250_000, dec!(15), &[]), "rn124.art20", 500_000, 150_000, &rules).unwrap();
        assert_eq!(fine.valor_multa, Money::reais(1_000_000));
    }

    #[test]
    fn a_collective_multiplier_above_the_band_is_refused() {
        let rules = configured("rn-388-2015");
        let err = FineComputation::compute(&inputs(10_000, dec!(6), &[]), "x", 50_000, 20_000, &rules).unwrap_err();
        assert_eq!(err.rule_id(), "multa.multiplicador_coletivo_acima_do_limite");
    }

    #[test]
    fn before_rn_623_a_discount_may_go_below_the_floor_and_after_it_the_floor_returns() {
        // RN 388/2015: 40 % for paying instead of defending; RN 623/2024 §1-C re-applies the floor.
        let old = configured("rn-388-2015");
        let fine = FineComputation::compute(&inputs(5_000, dec!(1), &[]), "rn489.art101", 10_000, 10, &old).unwrap();
        assert_eq!(fine.valor_multa, Money::reais(5_000));
        assert_eq!(
            fine.with_discount(DiscountKind::PagamentoAntecipado, &old).unwrap().valor_devido,
            Money::reais(3_000)
        );
        let new = configured("rn-623-2024");
        let fine = FineComputation::compute(&inputs(10_000, dec!(1), &[]), "rn489.art101", 10_000, 10, &new).unwrap();
        let discounted = fine.with_discount(DiscountKind::MetaExcelenciaIgr, &new).unwrap();
        assert_eq!(discounted.valor_devido, Money::reais(5_000));
        assert_eq!(discounted.recompute(), discounted);
    }

    #[test]
    fn igr_discounts_are_limited_to_the_coverage_infraction_types() {
        // RN 623/2024: §§1-A/1-B only for RN 489 arts. 101–102.
        let rules = configured("rn-623-2024");
        let fine = FineComputation::compute(&inputs(10_000, dec!(1), &[]), "rn489.art20", 10_000, 10, &rules).unwrap();
        assert_eq!(
            fine.with_discount(DiscountKind::MetaReducaoIgr, &rules).unwrap_err().rule_id(),
            "multa.desconto_indisponivel"
        );
        assert!(matches!(
            fine.with_discount(DiscountKind::PagamentoAntecipado, &rules),
            Err(DomainError::Unconfigured { .. })
        ));
    }

    #[test]
    fn without_confirmed_porte_factors_no_fine_is_computed() {
        let rules = RuleBook::builtin().version("rn-388-2015").unwrap().clone();
        let err = FineComputation::compute(&inputs(5_000, dec!(1), &[]), "x", 1, 1, &rules).unwrap_err();
        assert_eq!(err.rule_id(), "config.multa_fatores_porte");
    }

    #[test]
    fn rounding_is_half_up_once_at_the_end() {
        let rules = configured("rn-388-2015");
        let fine = FineComputation::compute(
            &inputs(20_001, dec!(1.005), &["reparacao_voluntaria"]),
            "x",
            1_000,
            5_000,
            &rules,
        )
        .unwrap();
        // 20001 × 0.5 × 0.75 × 1.005 = 7537.876875 → R$ 7.537,88
        assert_eq!(fine.valor_calculado, dec!(7537.876875));
        assert_eq!(fine.valor_multa.to_string(), "R$ 7.537,88");
    }
}
