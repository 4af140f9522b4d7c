//! Federative units and the five regions (docs/DOMAIN.md §4 `uf`, `regiao`), by the operator's head office.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The five IBGE regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    Norte,
    Nordeste,
    CentroOeste,
    Sudeste,
    Sul,
}

impl Region {
    /// pt-BR name.
    pub fn label(self) -> &'static str {
        match self {
            Region::Norte => "Norte",
            Region::Nordeste => "Nordeste",
            Region::CentroOeste => "Centro-Oeste",
            Region::Sudeste => "Sudeste",
            Region::Sul => "Sul",
        }
    }
}

/// The 27 UFs, serialized by their two-letter code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Uf {
    Ac,
    Al,
    Ap,
    Am,
    Ba,
    Ce,
    Df,
    Es,
    Go,
    Ma,
    Mt,
    Ms,
    Mg,
    Pa,
    Pb,
    Pr,
    Pe,
    Pi,
    Rj,
    Rn,
    Rs,
    Ro,
    Rr,
    Sc,
    Sp,
    Se,
    To,
}

impl Uf {
    /// Every UF, in the order of the seed's UF table.
    pub const ALL: [Uf; 27] = [
        Uf::Ac,
        Uf::Al,
        Uf::Ap,
        Uf::Am,
        Uf::Ba,
        Uf::Ce,
        Uf::Df,
        Uf::Es,
        Uf::Go,
        Uf::Ma,
        Uf::Mt,
        Uf::Ms,
        Uf::Mg,
        Uf::Pa,
        Uf::Pb,
        Uf::Pr,
        Uf::Pe,
        Uf::Pi,
        Uf::Rj,
        Uf::Rn,
        Uf::Rs,
        Uf::Ro,
        Uf::Rr,
        Uf::Sc,
        Uf::Sp,
        Uf::Se,
        Uf::To,
    ];

    /// Two-letter code (`SP`).
    pub fn code(self) -> &'static str {
        const CODES: [&str; 27] = [
            "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR", "PE", "PI",
            "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
        ];
        CODES[self as usize]
    }

    /// The UF's name (`São Paulo`).
    pub fn name(self) -> &'static str {
        const NAMES: [&str; 27] = [
            "Acre",
            "Alagoas",
            "Amapá",
            "Amazonas",
            "Bahia",
            "Ceará",
            "Distrito Federal",
            "Espírito Santo",
            "Goiás",
            "Maranhão",
            "Mato Grosso",
            "Mato Grosso do Sul",
            "Minas Gerais",
            "Pará",
            "Paraíba",
            "Paraná",
            "Pernambuco",
            "Piauí",
            "Rio de Janeiro",
            "Rio Grande do Norte",
            "Rio Grande do Sul",
            "Rondônia",
            "Roraima",
            "Santa Catarina",
            "São Paulo",
            "Sergipe",
            "Tocantins",
        ];
        NAMES[self as usize]
    }

    /// Parses a two-letter code, case-insensitively.
    ///
    /// # Errors
    /// `Invalid` for an unknown code.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let code = text.trim().to_ascii_uppercase();
        Uf::ALL
            .into_iter()
            .find(|uf| uf.code() == code)
            .ok_or_else(|| DomainError::invalid("uf", format!("UF desconhecida: {text:?}")))
    }

    /// The region of the UF.
    pub fn region(self) -> Region {
        use Uf::*;
        match self {
            Ac | Ap | Am | Pa | Ro | Rr | To => Region::Norte,
            Al | Ba | Ce | Ma | Pb | Pe | Pi | Rn | Se => Region::Nordeste,
            Df | Go | Mt | Ms => Region::CentroOeste,
            Es | Mg | Rj | Sp => Region::Sudeste,
            Pr | Rs | Sc => Region::Sul,
        }
    }
}

impl fmt::Display for Uf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_uf_round_trips_through_its_code_and_belongs_to_a_region() {
        for uf in Uf::ALL {
            assert_eq!(Uf::parse(uf.code()).unwrap(), uf);
            assert_eq!(serde_json::to_value(uf).unwrap(), uf.code());
        }
        let per_region = |r| Uf::ALL.iter().filter(|u| u.region() == r).count();
        assert_eq!(
            [Region::Norte, Region::Nordeste, Region::CentroOeste, Region::Sudeste, Region::Sul].map(per_region),
            [7, 9, 4, 4, 3]
        );
        assert!(Uf::parse("XX").is_err());
    }
}
