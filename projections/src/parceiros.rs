//! The Parceiros da Cidadania read model (docs/DOMAIN.md §6): each partner folded from its
//! stream with the domain's own [`ParceiroState::evolve`], and the programme's curated bulletin
//! items folded with [`ProgramaState::evolve`]; both are fed the typed events, never event-type
//! strings. What depends on the reading day — an agreement in force, expired or terminated, each
//! obligation due, done or overdue in a quarter ([`Acordo::situacao_obrigacoes`]) — is derived
//! when read ([`ParceiroDoc::view`]), so the documents hold only facts and a rebuild gives the
//! same documents, the issued bulletins' frozen content and digest included. Keys (built by
//! [`crate::keys`]):
//! - `parceiro/{parceiro_id}` → [`ParceiroDoc`]
//! - `programa_parceiros/itens` → [`ProgramaState`]

use autos_domain::parceiro::acordo::{
    Acordo, Boletim, Encerramento, Envio, InformacaoTrimestral, Obrigacao, Publicacao, Renovacao, Situacao,
};
use autos_domain::parceiro::programa::{ProgramaEvent, ProgramaState};
use autos_domain::parceiro::ContatosInstitucionais;
use autos_domain::{ParceiroEvent, ParceiroState, Trimestre};
use autos_store::StoredEvent;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::docs::{load, store, Docs};
use crate::{keys, ProjectionError};

pub const PARTNER: &str = "parceiro";
pub const PROGRAMME: &str = "programa_parceiros";

/// A partner as its stream left it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParceiroDoc {
    pub parceiro_id: String,
    /// The stream's version (what `If-Match` pins).
    pub version: i64,
    pub state: ParceiroState,
}

/// Folds one partner event.
///
/// # Errors
/// `Corrupt` when the stored document cannot be read back.
pub(crate) async fn apply_parceiro(
    stored: &StoredEvent,
    parceiro_id: Uuid,
    event: &ParceiroEvent,
    docs: &mut dyn Docs,
) -> Result<(), ProjectionError> {
    let key = keys::parceiro(parceiro_id);
    let mut doc: ParceiroDoc = load(docs, PARTNER, &key).await?;
    doc.parceiro_id = parceiro_id.to_string();
    doc.version = stored.stream_version;
    doc.state.evolve(event);
    store(docs, PARTNER, &key, doc);
    Ok(())
}

/// Folds one event of the programme stream.
///
/// # Errors
/// `Corrupt` when the stored document cannot be read back.
pub(crate) async fn apply_programa(event: &ProgramaEvent, docs: &mut dyn Docs) -> Result<(), ProjectionError> {
    let mut state: ProgramaState = load(docs, PROGRAMME, keys::PROGRAMME_ITEMS).await?;
    state.evolve(event);
    store(docs, PROGRAMME, keys::PROGRAMME_ITEMS, state);
    Ok(())
}

/// A partner as read on a day.
#[derive(Debug, Clone, Serialize)]
pub struct ParceiroView {
    pub parceiro_id: String,
    pub version: i64,
    pub nome: String,
    pub tipo: Option<String>,
    pub tipo_label: Option<&'static str>,
    pub uf: Option<String>,
    pub regiao: Option<&'static str>,
    pub municipio: Option<String>,
    pub contatos: ContatosInstitucionais,
    /// Whether a contact person was registered (the name itself stays sealed).
    pub responsavel_registrado: bool,
    pub acordos: Vec<AcordoView>,
}

/// How an agreement stands on the reading day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusAcordo {
    /// Signed, its validity not begun.
    AIniciar,
    Vigente,
    /// Its validity ended without termination.
    Expirado,
    Encerrado,
}

impl StatusAcordo {
    /// How `acordo` stands on `today`.
    pub fn of(acordo: &Acordo, today: NaiveDate) -> StatusAcordo {
        if acordo.encerrado() {
            StatusAcordo::Encerrado
        } else if today < acordo.vigencia_inicio {
            StatusAcordo::AIniciar
        } else if today > acordo.vigencia_fim {
            StatusAcordo::Expirado
        } else {
            StatusAcordo::Vigente
        }
    }

    /// pt-BR label.
    pub fn label(self) -> &'static str {
        match self {
            StatusAcordo::AIniciar => "A iniciar",
            StatusAcordo::Vigente => "Vigente",
            StatusAcordo::Expirado => "Expirado",
            StatusAcordo::Encerrado => "Encerrado",
        }
    }
}

/// An agreement as read on a day.
#[derive(Debug, Clone, Serialize)]
pub struct AcordoView {
    pub numero: String,
    pub situacao: StatusAcordo,
    pub assinatura: NaiveDate,
    pub vigencia_inicio: NaiveDate,
    pub vigencia_fim: NaiveDate,
    /// The last day in force (the day before a termination).
    pub ultimo_dia: NaiveDate,
    pub documento: String,
    pub publicacao: Option<Publicacao>,
    pub renovacoes: Vec<Renovacao>,
    pub encerramento: Option<Encerramento>,
    pub obrigacoes: Vec<Obrigacao>,
    /// Per quarter the agreement covered up to the reading day, each obligation's situation.
    pub trimestres: Vec<TrimestreObrigacoes>,
    pub informacoes: Vec<InformacaoTrimestral>,
    pub boletins: Vec<BoletimResumo>,
}

/// The obligations of one quarter.
#[derive(Debug, Clone, Serialize)]
pub struct TrimestreObrigacoes {
    pub trimestre: Trimestre,
    pub obrigacoes: Vec<ObrigacaoNoTrimestre>,
}

/// One obligation's situation in a quarter.
#[derive(Debug, Clone, Serialize)]
pub struct ObrigacaoNoTrimestre {
    pub obrigacao: Obrigacao,
    pub label: &'static str,
    #[serde(flatten)]
    pub situacao: Situacao,
}

/// An issued bulletin without its content (read whole at its own route).
#[derive(Debug, Clone, Serialize)]
pub struct BoletimResumo {
    pub trimestre: Trimestre,
    pub emitido_em: NaiveDate,
    pub sha256: String,
    pub envios: Vec<Envio>,
}

impl BoletimResumo {
    fn of(b: &Boletim) -> BoletimResumo {
        BoletimResumo {
            trimestre: b.trimestre,
            emitido_em: b.emitido_em,
            sha256: b.sha256.clone(),
            envios: b.envios.clone(),
        }
    }
}

impl AcordoView {
    /// The agreement as read on `today`, with every quarter from its start to its last day or
    /// `today`, whichever comes first.
    pub fn of(acordo: &Acordo, today: NaiveDate) -> AcordoView {
        let mut trimestres = Vec::new();
        let last = Trimestre::of(acordo.ultimo_dia().min(today));
        let mut quarter = Trimestre::of(acordo.vigencia_inicio);
        while quarter <= last {
            let obrigacoes = acordo
                .situacao_obrigacoes(quarter, today)
                .into_iter()
                .map(|(obrigacao, situacao)| ObrigacaoNoTrimestre { obrigacao, label: obrigacao.label(), situacao })
                .collect();
            trimestres.push(TrimestreObrigacoes { trimestre: quarter, obrigacoes });
            quarter = quarter.next();
        }
        AcordoView {
            numero: acordo.numero.clone(),
            situacao: StatusAcordo::of(acordo, today),
            assinatura: acordo.assinatura,
            vigencia_inicio: acordo.vigencia_inicio,
            vigencia_fim: acordo.vigencia_fim,
            ultimo_dia: acordo.ultimo_dia(),
            documento: acordo.documento.clone(),
            publicacao: acordo.publicacao.clone(),
            renovacoes: acordo.renovacoes.clone(),
            encerramento: acordo.encerramento.clone(),
            obrigacoes: acordo.obrigacoes.clone(),
            trimestres,
            informacoes: acordo.informacoes.clone(),
            boletins: acordo.boletins.iter().map(BoletimResumo::of).collect(),
        }
    }
}

impl ParceiroDoc {
    /// The partner as read on `today`.
    pub fn view(&self, today: NaiveDate) -> ParceiroView {
        let s = &self.state;
        ParceiroView {
            parceiro_id: self.parceiro_id.clone(),
            version: self.version,
            nome: s.nome.clone(),
            tipo: s.tipo.and_then(|t| serde_json::to_value(t).ok()).and_then(|v| v.as_str().map(str::to_owned)),
            tipo_label: s.tipo.map(|t| t.label()),
            uf: s.uf.map(|u| u.code().to_owned()),
            regiao: s.regiao.map(|r| r.label()),
            municipio: s.municipio.clone(),
            contatos: s.contatos.clone(),
            responsavel_registrado: s.responsavel.is_some(),
            acordos: s.acordos.iter().map(|a| AcordoView::of(a, today)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn an_agreement_reads_as_in_force_expired_or_terminated_with_its_quarters() {
        let mut acordo = Acordo {
            numero: "ACT 1/2024".into(),
            assinatura: d(2024, 1, 10),
            vigencia_inicio: d(2024, 2, 1),
            vigencia_fim: d(2024, 12, 31),
            obrigacoes: vec![Obrigacao::BoletimTrimestralDaAns],
            documento: "ACT 1/2024".into(),
            publicacao: None,
            renovacoes: Vec::new(),
            encerramento: None,
            cumprimentos: Vec::new(),
            informacoes: Vec::new(),
            boletins: Vec::new(),
        };
        assert_eq!(StatusAcordo::of(&acordo, d(2024, 1, 20)), StatusAcordo::AIniciar);
        assert_eq!(StatusAcordo::of(&acordo, d(2024, 5, 1)), StatusAcordo::Vigente);
        assert_eq!(StatusAcordo::of(&acordo, d(2025, 1, 1)), StatusAcordo::Expirado);
        let view = AcordoView::of(&acordo, d(2024, 8, 15));
        let quarters: Vec<String> = view.trimestres.iter().map(|t| t.trimestre.to_string()).collect();
        assert_eq!(quarters, ["2024-T1", "2024-T2", "2024-T3"]);
        let first = serde_json::to_value(&view.trimestres[0].obrigacoes[0]).unwrap();
        assert_eq!(first["situacao"], "atrasada", "{first}");
        acordo.encerramento =
            Some(Encerramento { data: d(2024, 6, 1), motivo: "denúncia".into(), documento: "Ofício 1".into() });
        assert_eq!(StatusAcordo::of(&acordo, d(2024, 5, 1)), StatusAcordo::Encerrado);
        assert_eq!(AcordoView::of(&acordo, d(2024, 8, 15)).trimestres.len(), 2);
    }
}
