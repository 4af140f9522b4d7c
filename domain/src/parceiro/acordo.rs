//! The *acordo de cooperação técnica* a partner signs with ANS (docs/DOMAIN.md §6): its number,
//! signature, publication, validity with its renewals and termination, the obligations it lists,
//! the fulfilments recorded against them, the partner's quarterly information on operators and
//! the bulletins ANS issued under it. This module owns the agreement's facts and the pure
//! questions the read side asks of them — in force on a date, which quarters it covers, and
//! [`Acordo::situacao_obrigacoes`] (each obligation due, done or overdue in a quarter); the
//! decisions are in the parent module.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::TemaDemanda;
use crate::{Registro, Trimestre};

/// An obligation of the programme's seed text, which each agreement lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Obrigacao {
    Eventos,
    GruposDeTrabalhoECamarasTecnicas,
    RespostaAOficios,
    Reunioes,
    MaterialInformativo,
    CapacitacaoRegional,
    /// The partner informs ANS, each quarter, of the demands it received about operators.
    InformacaoTrimestralDoParceiro,
    /// ANS sends the partner its quarterly bulletin.
    BoletimTrimestralDaAns,
}

/// How often an obligation falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Periodicidade {
    /// Once for every quarter the agreement is in force.
    Trimestral,
    /// When the occasion arises (an event, an ofício, a meeting): never overdue by the calendar.
    QuandoOcorrer,
}

impl Obrigacao {
    /// Every obligation, in the seed text's order.
    pub const ALL: [Obrigacao; 8] = [
        Obrigacao::Eventos,
        Obrigacao::GruposDeTrabalhoECamarasTecnicas,
        Obrigacao::RespostaAOficios,
        Obrigacao::Reunioes,
        Obrigacao::MaterialInformativo,
        Obrigacao::CapacitacaoRegional,
        Obrigacao::InformacaoTrimestralDoParceiro,
        Obrigacao::BoletimTrimestralDaAns,
    ];

    /// pt-BR label.
    pub fn label(self) -> &'static str {
        match self {
            Obrigacao::Eventos => "Participação em eventos",
            Obrigacao::GruposDeTrabalhoECamarasTecnicas => "Grupos de trabalho e câmaras técnicas",
            Obrigacao::RespostaAOficios => "Resposta a ofícios",
            Obrigacao::Reunioes => "Reuniões",
            Obrigacao::MaterialInformativo => "Material informativo (cartilhas)",
            Obrigacao::CapacitacaoRegional => "Capacitação regional",
            Obrigacao::InformacaoTrimestralDoParceiro => "Informação trimestral do parceiro sobre operadoras",
            Obrigacao::BoletimTrimestralDaAns => "Boletim trimestral da ANS",
        }
    }

    /// Whether it is due every quarter or on occurrence.
    pub fn periodicidade(self) -> Periodicidade {
        match self {
            Obrigacao::InformacaoTrimestralDoParceiro | Obrigacao::BoletimTrimestralDaAns => Periodicidade::Trimestral,
            _ => Periodicidade::QuandoOcorrer,
        }
    }
}

/// The agreement's publication (DOU extract or the document that publishes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publicacao {
    pub data: NaiveDate,
    pub documento: String,
}

/// One renewal: the validity's new end and the document (termo aditivo) that grants it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Renovacao {
    pub em: NaiveDate,
    pub vigencia_fim_anterior: NaiveDate,
    pub nova_vigencia_fim: NaiveDate,
    pub documento: String,
}

/// The early end of an agreement (termination or *denúncia*); terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encerramento {
    /// From this day on the agreement is no longer in force.
    pub data: NaiveDate,
    pub motivo: String,
    pub documento: String,
}

/// A fulfilment of one listed obligation, counted for one quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cumprimento {
    pub obrigacao: Obrigacao,
    pub data: NaiveDate,
    pub trimestre: Trimestre,
    pub descricao: String,
    pub documento: String,
}

/// One row of a partner's quarterly information: how many demands about an operator, on a theme.
/// Counts only — no complainant is ever named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinhaInformacao {
    pub registro: Registro,
    pub tema: TemaDemanda,
    pub quantidade: u64,
}

/// The partner's information for one quarter, in its latest version; every version stays in
/// the stream's events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InformacaoTrimestral {
    pub trimestre: Trimestre,
    pub linhas: Vec<LinhaInformacao>,
    pub documento: String,
    /// 1 for the first submission; each correction adds one.
    pub versao: u32,
}

/// How a bulletin reached the partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CanalEnvio {
    Email,
    Oficio,
    Correio,
    Sei,
    Outro,
}

impl CanalEnvio {
    /// pt-BR label.
    pub fn label(self) -> &'static str {
        match self {
            CanalEnvio::Email => "E-mail",
            CanalEnvio::Oficio => "Ofício",
            CanalEnvio::Correio => "Correio",
            CanalEnvio::Sei => "SEI",
            CanalEnvio::Outro => "Outro",
        }
    }
}

/// One dispatch of an issued bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envio {
    pub data: NaiveDate,
    pub canal: CanalEnvio,
    pub documento: String,
}

/// A bulletin issued to the partner for a quarter: the content frozen as issued (built by the
/// caller from the read models) and its SHA-256, so what was sent can be proven later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Boletim {
    pub trimestre: Trimestre,
    pub emitido_em: NaiveDate,
    pub conteudo: serde_json::Value,
    /// Lowercase hex SHA-256 of the content, as the caller computed it.
    pub sha256: String,
    pub envios: Vec<Envio>,
}

/// One agreement, folded from the partner's stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acordo {
    /// The agreement's number, as ANS wrote it (`ACT nº 12/2024`).
    pub numero: String,
    pub assinatura: NaiveDate,
    pub vigencia_inicio: NaiveDate,
    /// The validity's end, after the latest renewal.
    pub vigencia_fim: NaiveDate,
    pub obrigacoes: Vec<Obrigacao>,
    pub documento: String,
    pub publicacao: Option<Publicacao>,
    pub renovacoes: Vec<Renovacao>,
    pub encerramento: Option<Encerramento>,
    pub cumprimentos: Vec<Cumprimento>,
    /// By quarter, in time order.
    pub informacoes: Vec<InformacaoTrimestral>,
    /// By quarter, in time order.
    pub boletins: Vec<Boletim>,
}

/// What an obligation owes in a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "situacao", rename_all = "snake_case")]
pub enum Situacao {
    /// Fulfilled for the quarter.
    Cumprida,
    /// Due by `prazo`, which has not passed.
    Devida { prazo: NaiveDate },
    /// Due by `prazo`, which has passed.
    Atrasada { prazo: NaiveDate },
    /// An on-occurrence obligation with nothing recorded: nothing is owed by the calendar.
    QuandoOcorrer,
    /// The agreement was not in force in the quarter.
    ForaDaVigencia,
}

/// Compares agreement numbers by their letters and digits only, as process numbers are.
pub(super) fn same_number(a: &str, b: &str) -> bool {
    let key = |t: &str| t.chars().filter(char::is_ascii_alphanumeric).flat_map(char::to_lowercase).collect::<String>();
    key(a) == key(b)
}

impl Acordo {
    /// The last day the agreement is in force: its validity's end, or the day before its
    /// termination.
    pub fn ultimo_dia(&self) -> NaiveDate {
        let terminated = self.encerramento.as_ref().and_then(|e| e.data.pred_opt());
        terminated.map_or(self.vigencia_fim, |d| d.min(self.vigencia_fim))
    }

    /// Whether it is in force on `date`.
    pub fn vigente_em(&self, date: NaiveDate) -> bool {
        self.vigencia_inicio <= date && date <= self.ultimo_dia()
    }

    /// Whether it was terminated (terminal, whatever the date).
    pub fn encerrado(&self) -> bool {
        self.encerramento.is_some()
    }

    /// Whether its time in force shares a day with `[start, end]`.
    pub fn sobrepoe(&self, start: NaiveDate, end: NaiveDate) -> bool {
        start <= self.ultimo_dia() && self.vigencia_inicio <= end
    }

    /// Whether it was in force on some day of `trimestre`.
    pub fn cobre(&self, trimestre: Trimestre) -> bool {
        trimestre.overlaps(self.vigencia_inicio, self.ultimo_dia())
    }

    /// The bulletin issued for `trimestre`, if any.
    pub fn boletim(&self, trimestre: Trimestre) -> Option<&Boletim> {
        self.boletins.iter().find(|b| b.trimestre == trimestre)
    }

    /// The partner's information for `trimestre`, latest version.
    pub fn informacao(&self, trimestre: Trimestre) -> Option<&InformacaoTrimestral> {
        self.informacoes.iter().find(|i| i.trimestre == trimestre)
    }

    /// Whether `obrigacao` was fulfilled for `trimestre`: a fulfilment recorded for it, or, for
    /// the two quarterly obligations, the act that is their fulfilment — the partner's
    /// information recorded, the bulletin dispatched.
    pub fn cumprida(&self, obrigacao: Obrigacao, trimestre: Trimestre) -> bool {
        let recorded = self.cumprimentos.iter().any(|c| c.obrigacao == obrigacao && c.trimestre == trimestre);
        recorded
            || match obrigacao {
                Obrigacao::InformacaoTrimestralDoParceiro => self.informacao(trimestre).is_some(),
                Obrigacao::BoletimTrimestralDaAns => self.boletim(trimestre).is_some_and(|b| !b.envios.is_empty()),
                _ => false,
            }
    }

    /// Each listed obligation's situation in `trimestre` on `today`. A quarterly obligation of a
    /// quarter is produced after the quarter closes, so it is due by the end of the following
    /// quarter — the seed text says "trimestral" and names no shorter term — and overdue after.
    pub fn situacao_obrigacoes(&self, trimestre: Trimestre, today: NaiveDate) -> Vec<(Obrigacao, Situacao)> {
        let prazo = trimestre.next().last_day();
        self.obrigacoes
            .iter()
            .map(|&obrigacao| {
                let situacao = if self.cumprida(obrigacao, trimestre) {
                    Situacao::Cumprida
                } else if !self.cobre(trimestre) {
                    Situacao::ForaDaVigencia
                } else if obrigacao.periodicidade() == Periodicidade::QuandoOcorrer {
                    Situacao::QuandoOcorrer
                } else if today > prazo {
                    Situacao::Atrasada { prazo }
                } else {
                    Situacao::Devida { prazo }
                };
                (obrigacao, situacao)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn q(ano: i32, n: u32) -> Trimestre {
        Trimestre::new(ano, n).unwrap()
    }

    fn acordo() -> Acordo {
        Acordo {
            numero: "ACT 1/2024".into(),
            assinatura: d(2024, 1, 10),
            vigencia_inicio: d(2024, 2, 1),
            vigencia_fim: d(2025, 1, 31),
            obrigacoes: vec![
                Obrigacao::Reunioes,
                Obrigacao::InformacaoTrimestralDoParceiro,
                Obrigacao::BoletimTrimestralDaAns,
            ],
            documento: "ACT 1/2024".into(),
            publicacao: None,
            renovacoes: Vec::new(),
            encerramento: None,
            cumprimentos: Vec::new(),
            informacoes: Vec::new(),
            boletins: Vec::new(),
        }
    }

    fn situacao(a: &Acordo, t: Trimestre, today: NaiveDate) -> Vec<Situacao> {
        a.situacao_obrigacoes(t, today).into_iter().map(|(_, s)| s).collect()
    }

    #[test]
    fn quarterly_obligations_are_due_until_the_end_of_the_next_quarter_then_overdue() {
        let a = acordo();
        let prazo = d(2024, 9, 30);
        assert_eq!(
            situacao(&a, q(2024, 2), d(2024, 9, 30)),
            [Situacao::QuandoOcorrer, Situacao::Devida { prazo }, Situacao::Devida { prazo }]
        );
        assert_eq!(
            situacao(&a, q(2024, 2), d(2024, 10, 1)),
            [Situacao::QuandoOcorrer, Situacao::Atrasada { prazo }, Situacao::Atrasada { prazo }]
        );
    }

    #[test]
    fn an_obligation_is_done_by_its_fulfilment_or_by_the_act_that_fulfils_it() {
        let mut a = acordo();
        let t = q(2024, 2);
        a.cumprimentos.push(Cumprimento {
            obrigacao: Obrigacao::Reunioes,
            data: d(2024, 5, 2),
            trimestre: t,
            descricao: "reunião".into(),
            documento: "ata".into(),
        });
        a.informacoes.push(InformacaoTrimestral {
            trimestre: t,
            linhas: Vec::new(),
            documento: "of".into(),
            versao: 1,
        });
        let issued = Boletim {
            trimestre: t,
            emitido_em: d(2024, 7, 5),
            conteudo: serde_json::json!({}),
            sha256: "0".repeat(64),
            envios: Vec::new(),
        };
        a.boletins.push(issued);
        let today = d(2024, 12, 1);
        // Issued but not dispatched: the bulletin obligation is still owed.
        assert_eq!(
            situacao(&a, t, today),
            [Situacao::Cumprida, Situacao::Cumprida, Situacao::Atrasada { prazo: d(2024, 9, 30) }]
        );
        a.boletins[0].envios.push(Envio { data: d(2024, 7, 6), canal: CanalEnvio::Sei, documento: "SEI 1".into() });
        assert_eq!(situacao(&a, t, today), [Situacao::Cumprida; 3]);
        // Another quarter is untouched.
        assert_eq!(situacao(&a, q(2024, 3), today)[0], Situacao::QuandoOcorrer);
    }

    #[test]
    fn quarters_outside_the_time_in_force_owe_nothing() {
        let mut a = acordo();
        assert_eq!(situacao(&a, q(2023, 4), d(2026, 1, 1)), [Situacao::ForaDaVigencia; 3]);
        assert!(a.cobre(q(2025, 1)) && !a.cobre(q(2025, 2)));
        a.encerramento = Some(Encerramento { data: d(2024, 7, 1), motivo: "denúncia".into(), documento: "of".into() });
        assert_eq!(a.ultimo_dia(), d(2024, 6, 30));
        assert!(a.vigente_em(d(2024, 6, 30)) && !a.vigente_em(d(2024, 7, 1)));
        assert_eq!(situacao(&a, q(2024, 3), d(2026, 1, 1)), [Situacao::ForaDaVigencia; 3]);
        assert_eq!(situacao(&a, q(2024, 2), d(2026, 1, 1))[1], Situacao::Atrasada { prazo: d(2024, 9, 30) });
    }

    #[test]
    fn exactly_the_information_and_the_bulletin_fall_due_every_quarter() {
        let quarterly: Vec<Obrigacao> =
            Obrigacao::ALL.into_iter().filter(|o| o.periodicidade() == Periodicidade::Trimestral).collect();
        assert_eq!(quarterly, [Obrigacao::InformacaoTrimestralDoParceiro, Obrigacao::BoletimTrimestralDaAns]);
        let mut labels: Vec<&str> = Obrigacao::ALL.iter().map(|o| o.label()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), Obrigacao::ALL.len());
        assert_eq!(serde_json::to_value(Obrigacao::MaterialInformativo).unwrap(), "material_informativo");
    }

    #[test]
    fn agreement_numbers_compare_by_letters_and_digits() {
        assert!(same_number("ACT nº 12/2024", "act n 12-2024"));
        assert!(!same_number("ACT 12/2024", "ACT 13/2024"));
    }
}
