//! What kind of operator it is (modalidade, RDC 39/2000 + later additions) and its size band
//! (porte) by beneficiaries, as docs/DOMAIN.md §4 lists them.

use serde::{Deserialize, Serialize};

/// Operator type (RDC 39/2000; Lei 10.185/2001; RN 196/2009).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modalidade {
    AdministradoraDePlanos,
    /// Extinct 10/6/2003 per the seed footnote.
    AdministradoraDeServicos,
    /// RN 196/2009.
    AdministradoraDeBeneficios,
    CooperativaMedica,
    CooperativaOdontologica,
    AutogestaoPatrocinadaSingular,
    AutogestaoPatrocinadaMultipatrocinada,
    AutogestaoNaoPatrocinada,
    MedicinaDeGrupo,
    OdontologiaDeGrupo,
    Filantropia,
    /// Lei 10.185/2001.
    SeguradoraEspecializadaEmSaude,
}

impl Modalidade {
    /// Every modalidade, in declaration order.
    pub const ALL: [Modalidade; 12] = [
        Modalidade::AdministradoraDePlanos,
        Modalidade::AdministradoraDeServicos,
        Modalidade::AdministradoraDeBeneficios,
        Modalidade::CooperativaMedica,
        Modalidade::CooperativaOdontologica,
        Modalidade::AutogestaoPatrocinadaSingular,
        Modalidade::AutogestaoPatrocinadaMultipatrocinada,
        Modalidade::AutogestaoNaoPatrocinada,
        Modalidade::MedicinaDeGrupo,
        Modalidade::OdontologiaDeGrupo,
        Modalidade::Filantropia,
        Modalidade::SeguradoraEspecializadaEmSaude,
    ];

    /// pt-BR name.
    pub fn label(self) -> &'static str {
        match self {
            Modalidade::AdministradoraDePlanos => "Administradora de Planos",
            Modalidade::AdministradoraDeServicos => "Administradora de Serviços",
            Modalidade::AdministradoraDeBeneficios => "Administradora de Benefícios",
            Modalidade::CooperativaMedica => "Cooperativa Médica",
            Modalidade::CooperativaOdontologica => "Cooperativa Odontológica",
            Modalidade::AutogestaoPatrocinadaSingular => "Autogestão patrocinada singular",
            Modalidade::AutogestaoPatrocinadaMultipatrocinada => "Autogestão patrocinada multipatrocinada",
            Modalidade::AutogestaoNaoPatrocinada => "Autogestão não patrocinada",
            Modalidade::MedicinaDeGrupo => "Medicina de Grupo",
            Modalidade::OdontologiaDeGrupo => "Odontologia de Grupo",
            Modalidade::Filantropia => "Filantropia",
            Modalidade::SeguradoraEspecializadaEmSaude => "Seguradora Especializada em Saúde",
        }
    }
}

/// Size band used for complaint-index groups (ANS nota técnica 2012): pequeno up to 20 mil,
/// médio up to 100 mil, grande above. Fine porte factors use their own configured bands
/// (`RuleSet::multa_fatores_porte`), never these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Porte {
    SemBeneficiarios,
    Pequeno,
    Medio,
    Grande,
}

impl Porte {
    /// The band of a beneficiary count.
    pub fn from_beneficiarios(count: u64) -> Porte {
        match count {
            0 => Porte::SemBeneficiarios,
            1..=20_000 => Porte::Pequeno,
            20_001..=100_000 => Porte::Medio,
            _ => Porte::Grande,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porte_bands_follow_the_2012_technical_note() {
        let bands = [0, 1, 20_000, 20_001, 100_000, 100_001].map(Porte::from_beneficiarios);
        assert_eq!(
            bands,
            [Porte::SemBeneficiarios, Porte::Pequeno, Porte::Pequeno, Porte::Medio, Porte::Medio, Porte::Grande]
        );
    }
}
