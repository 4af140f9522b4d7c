//! The programme's own stream (`programa-parceiros-da-cidadania`, docs/DOMAIN.md §6): the bulletin
//! items DIFIS curates for each quarter — "principais ações adotadas pela ANS" and "documentos
//! relevantes do período". They are the same for every partner, so they live in one
//! programme-wide stream rather than in each partner's: a bulletin built for any partner reads
//! the quarter's items from here, and a withdrawal is one act, not one per partner. Items are
//! withdrawn by a new event, never edited.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::NORM;
use crate::acts::{authorize, find_act};
use crate::{Context, DomainError, Emitted, NonEmptyText, Trimestre};

/// Which section of the bulletin an item goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TipoItem {
    /// "Principais ações adotadas pela ANS".
    AcaoAns,
    /// "Documentos relevantes do período".
    DocumentoRelevante,
}

impl TipoItem {
    /// pt-BR label.
    pub fn label(self) -> &'static str {
        match self {
            TipoItem::AcaoAns => "Principal ação adotada pela ANS",
            TipoItem::DocumentoRelevante => "Documento relevante do período",
        }
    }
}

/// One curated item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemBoletim {
    pub trimestre: Trimestre,
    pub tipo: TipoItem,
    pub titulo: String,
    pub data: NaiveDate,
    /// The document's reference or link.
    pub referencia: Option<String>,
    /// The reason, once the item was withdrawn (the date is the withdrawal event's).
    pub retirado: Option<String>,
}

/// The programme's state: every item ever included, withdrawn ones marked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramaState {
    pub itens: BTreeMap<Uuid, ItemBoletim>,
}

/// Events of the programme stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum ProgramaEvent {
    #[serde(rename = "programa_parceiros.item_incluido")]
    ItemIncluido {
        item_id: Uuid,
        trimestre: Trimestre,
        tipo: TipoItem,
        titulo: String,
        data: NaiveDate,
        referencia: Option<String>,
    },
    #[serde(rename = "programa_parceiros.item_retirado")]
    ItemRetirado { item_id: Uuid, motivo: String },
}

/// Acts on the programme stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames)]
#[serde(tag = "act", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ProgramaCommand {
    IncluirItemBoletim {
        /// Chosen by the caller (the page draws a fresh id).
        item_id: Uuid,
        trimestre: Trimestre,
        tipo: TipoItem,
        titulo: NonEmptyText,
        /// The date of the action or document, within the quarter.
        data: NaiveDate,
        #[serde(default)]
        referencia: Option<String>,
    },
    RetirarItemBoletim {
        item_id: Uuid,
        motivo: NonEmptyText,
    },
}

impl ProgramaCommand {
    /// The catalogue name of the act.
    pub fn act(&self) -> &'static str {
        self.into()
    }
}

impl ProgramaState {
    /// Folds one event; never fails and holds no business rule.
    pub fn evolve(&mut self, event: &ProgramaEvent) {
        match event {
            ProgramaEvent::ItemIncluido { item_id, trimestre, tipo, titulo, data, referencia } => {
                let item = ItemBoletim {
                    trimestre: *trimestre,
                    tipo: *tipo,
                    titulo: titulo.clone(),
                    data: *data,
                    referencia: referencia.clone(),
                    retirado: None,
                };
                self.itens.insert(*item_id, item);
            }
            ProgramaEvent::ItemRetirado { item_id, motivo } => {
                if let Some(item) = self.itens.get_mut(item_id) {
                    item.retirado = Some(motivo.clone());
                }
            }
        }
    }

    /// The items of `trimestre` not withdrawn, in date order: what a bulletin of the quarter shows.
    pub fn itens_do_trimestre(&self, trimestre: Trimestre) -> Vec<(Uuid, &ItemBoletim)> {
        let mut items: Vec<(Uuid, &ItemBoletim)> = self
            .itens
            .iter()
            .filter(|(_, i)| i.trimestre == trimestre && i.retirado.is_none())
            .map(|(id, i)| (*id, i))
            .collect();
        items.sort_by_key(|(id, i)| (i.data, *id));
        items
    }
}

/// Decides an act on the programme stream.
///
/// # Errors
/// `Forbidden` for a role not allowed; `Invalid` for inconsistent input, a repeated id, or an
/// item that is not there to withdraw.
pub fn decide_programa(
    state: &ProgramaState,
    command: ProgramaCommand,
    ctx: &Context<'_>,
) -> Result<Vec<Emitted>, DomainError> {
    authorize(find_act(command.act())?, ctx)?;
    let event = match command {
        ProgramaCommand::IncluirItemBoletim { item_id, trimestre, tipo, titulo, data, referencia } => {
            if state.itens.contains_key(&item_id) {
                return Err(DomainError::invalid("item_id", "já existe um item com este identificador"));
            }
            if Trimestre::of(data) != trimestre {
                return Err(DomainError::invalid("data", format!("a data {data} está fora do trimestre {trimestre}")));
            }
            if data > ctx.today {
                return Err(DomainError::invalid("data", format!("data futura: {data}")));
            }
            let referencia = referencia.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
            ProgramaEvent::ItemIncluido { item_id, trimestre, tipo, titulo: String::from(titulo), data, referencia }
        }
        ProgramaCommand::RetirarItemBoletim { item_id, motivo } => {
            if state.itens.get(&item_id).is_none_or(|i| i.retirado.is_some()) {
                return Err(DomainError::invalid(
                    "item_id",
                    "não há item incluído com este identificador para retirar",
                ));
            }
            ProgramaEvent::ItemRetirado { item_id, motivo: String::from(motivo) }
        }
    };
    Ok(vec![Emitted::programa(event, ctx, NORM)])
}
