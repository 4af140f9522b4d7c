//! What a decision returns: domain events addressed to their streams, with the legal date,
//! legal basis and document of the act (docs/ARCHITECTURE.md §2 envelope fields owned by the domain).

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::parceiro::programa::ProgramaEvent;
use crate::{CaseEvent, Context, OperatorEvent, ParceiroEvent, Registro, StreamRef};

/// An event of any aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DomainEvent {
    Operator(OperatorEvent),
    Case(CaseEvent),
    /// A partner of the Parceiros da Cidadania programme and its agreements.
    Parceiro(ParceiroEvent),
    /// The programme's curated bulletin items.
    Programa(ProgramaEvent),
}

/// One event to append, addressed to its stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Emitted {
    pub stream: StreamRef,
    pub event: DomainEvent,
    /// Legal date of the act (valid time).
    pub occurred_on: NaiveDate,
    /// E.g. "Lei 9.656/1998 art. 24".
    pub legal_basis: String,
    /// E.g. "RO 1.234/2003 DOU 2003-05-02".
    pub document_ref: Option<String>,
}

impl Emitted {
    /// An event for an operator stream.
    pub fn operator(
        registro: Registro,
        event: OperatorEvent,
        ctx: &Context<'_>,
        legal_basis: &str,
        document_ref: Option<&str>,
    ) -> Emitted {
        Emitted {
            stream: StreamRef::Operadora(registro),
            event: DomainEvent::Operator(event),
            occurred_on: ctx.today,
            legal_basis: legal_basis.to_owned(),
            document_ref: document_ref.map(str::to_owned),
        }
    }

    /// An event for a case stream.
    pub fn case(
        case_id: Uuid,
        event: CaseEvent,
        ctx: &Context<'_>,
        legal_basis: &str,
        document_ref: Option<&str>,
    ) -> Emitted {
        Emitted {
            stream: StreamRef::Caso(case_id),
            event: DomainEvent::Case(event),
            occurred_on: ctx.today,
            legal_basis: legal_basis.to_owned(),
            document_ref: document_ref.map(str::to_owned),
        }
    }

    /// An event for a partner stream.
    pub fn parceiro(
        parceiro_id: Uuid,
        event: ParceiroEvent,
        ctx: &Context<'_>,
        legal_basis: &str,
        document_ref: Option<&str>,
    ) -> Emitted {
        Emitted {
            stream: StreamRef::Parceiro(parceiro_id),
            event: DomainEvent::Parceiro(event),
            occurred_on: ctx.today,
            legal_basis: legal_basis.to_owned(),
            document_ref: document_ref.map(str::to_owned),
        }
    }

    /// An event for the programme stream.
    pub fn programa(event: ProgramaEvent, ctx: &Context<'_>, legal_basis: &str) -> Emitted {
        Emitted {
            stream: StreamRef::ProgramaParceiros,
            event: DomainEvent::Programa(event),
            occurred_on: ctx.today,
            legal_basis: legal_basis.to_owned(),
            document_ref: None,
        }
    }
}
