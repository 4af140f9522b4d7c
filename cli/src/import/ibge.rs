//! IBGE's register of Brazil's 5,570 municipalities (`cli/data/ibge_municipios.csv`, its source in
//! `cli/data/README.md`): the UF of an operator's head office from its município and região
//! (the seed report names those, not the UF), and the check of the município/UF pair of every
//! imported row. Names are compared without case, accents, spaces or punctuation, and former
//! spellings IBGE no longer uses ("Moji") are read as today's ("Mogi").

use std::collections::HashMap;
use std::sync::OnceLock;

use autos_domain::{Region, Uf};
use serde::Deserialize;

use super::layout::fold;

const MUNICIPIOS: &str = include_str!("../../data/ibge_municipios.csv");

/// Former spellings of a name's start, folded, and IBGE's spelling today.
const FORMER_SPELLINGS: [(&str, &str); 1] = [("moji", "mogi")];

#[derive(Deserialize)]
struct Row {
    municipio: String,
    uf: String,
}

/// The municipalities by folded name, each with the UFs that have one of that name.
pub struct Municipalities {
    by_name: HashMap<String, Vec<Uf>>,
}

fn key(name: &str) -> String {
    let folded = fold(name);
    FORMER_SPELLINGS
        .iter()
        .find_map(|(former, today)| folded.strip_prefix(former).map(|rest| format!("{today}{rest}")))
        .unwrap_or(folded)
}

impl Municipalities {
    /// The table shipped with Autos, read once.
    pub fn ibge() -> &'static Municipalities {
        static TABLE: OnceLock<Municipalities> = OnceLock::new();
        TABLE.get_or_init(|| {
            let mut by_name: HashMap<String, Vec<Uf>> = HashMap::new();
            for row in csv::Reader::from_reader(MUNICIPIOS.as_bytes()).deserialize::<Row>().flatten() {
                if let Ok(uf) = Uf::parse(&row.uf) {
                    by_name.entry(key(&row.municipio)).or_default().push(uf);
                }
            }
            Municipalities { by_name }
        })
    }

    /// How many distinct names the table holds.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// Whether the table is empty (never, for the shipped one).
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    fn ufs(&self, municipio: &str) -> &[Uf] {
        self.by_name.get(&key(municipio)).map_or(&[], Vec::as_slice)
    }

    /// Checks that `municipio` is a município of `uf`.
    ///
    /// # Errors
    /// The warning, in pt-BR.
    pub fn check(&self, municipio: &str, uf: Uf) -> Result<(), String> {
        let ufs = self.ufs(municipio);
        if ufs.contains(&uf) {
            return Ok(());
        }
        if ufs.is_empty() {
            return Err(format!("o município {municipio:?} não consta da tabela do IBGE"));
        }
        let list: Vec<String> = ufs.iter().map(Uf::to_string).collect();
        Err(format!("o município {municipio:?} não é de {uf} segundo o IBGE (é de {})", list.join(", ")))
    }

    /// The UF of a head office from its município and região; where the name exists in more
    /// than one UF of the região, the UF the operator's name cites (e.g. "UNIMED DE RIO CLARO SP").
    ///
    /// # Errors
    /// The warning, in pt-BR, when no single UF fits.
    pub fn seat(&self, municipio: &str, region: Option<Region>, razao_social: &str) -> Result<Uf, String> {
        let candidates: Vec<Uf> =
            self.ufs(municipio).iter().copied().filter(|uf| region.is_none_or(|r| uf.region() == r)).collect();
        let cited: Vec<Uf> = razao_social
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter_map(|word| Uf::parse(word).ok())
            .filter(|uf| candidates.contains(uf))
            .collect();
        match (candidates.as_slice(), cited.as_slice()) {
            ([uf], _) | (_, [uf]) => Ok(*uf),
            ([], _) => Err(format!("o município {municipio:?} não consta da tabela do IBGE nesta região")),
            _ => {
                let list: Vec<String> = candidates.iter().map(Uf::to_string).collect();
                Err(format!("o município {municipio:?} existe em {} e a razão social não diz qual", list.join(", ")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_every_municipality_name() {
        // 5,570 municipalities; a few names repeat across UFs.
        let table = Municipalities::ibge();
        assert!(table.len() > 5_000 && table.len() < 5_570, "{}", table.len());
    }

    #[test]
    fn the_four_operators_that_need_care_get_their_uf() {
        let table = Municipalities::ibge();
        let sudeste = Some(Region::Sudeste);
        assert_eq!(table.seat("SANTA BARBARA D’OESTE", sudeste, "AMERICLINICAS S/C LTDA."), Ok(Uf::Sp));
        assert_eq!(table.seat("MOJI DAS CRUZES", sudeste, "MOGIDONTO S/C LTDA"), Ok(Uf::Sp));
        assert_eq!(
            table.seat("RIO CLARO", sudeste, "UNIMED DE RIO CLARO SP COOPERATIVA DE TRBALHO MEDICO"),
            Ok(Uf::Sp)
        );
        assert!(table.seat("RIO CLARO", sudeste, "OPERADORA SEM UF").is_err());
        assert_eq!(table.seat("FORTALEZA", Some(Region::Nordeste), "X"), Ok(Uf::Ce));
    }

    #[test]
    fn a_municipio_outside_its_uf_is_a_warning() {
        let table = Municipalities::ibge();
        assert!(table.check("São Paulo", Uf::Sp).is_ok());
        let warning = table.check("Curitiba", Uf::Sp).unwrap_err();
        assert!(warning.contains("PR"), "{warning}");
        assert!(table.check("Cidade Inventada", Uf::Sp).is_err());
    }
}
