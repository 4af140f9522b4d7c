//! autos-domain: the ANS fiscalização domain, pure and free of IO. It owns what the law says —
//! value types, deadlines, rule tables, the fine calculator, the operator aggregate and every
//! case family as `decide`/`evolve` — and must never read a clock, a database or the network.
//!
//! # Layout
//! - [`values`]: registro, CNPJ, money, UF/region, modalidade, porte, quarter, sealed personal data.
//! - [`stream`]: `operadora-…`, `caso-…`, `parceiro-…` and the programme's stream ids.
//! - [`actor`]: roles and the acting officer.
//! - [`calendar`], [`deadline`]: national holidays and deadlines stored as facts.
//! - [`rules`]: rule tables versioned by norm and effective date.
//! - [`fine`]: the fine calculator, reproducible from its stored factors.
//! - [`acts`]: the act catalogue (names, roles, families, labels) and permission checks.
//! - [`context`]: what a decision may consult besides the state.
//! - [`operator`]: the operator aggregate.
//! - [`case`]: every case family, `decide_case` and `CaseState::evolve`.
//! - [`parceiro`]: the Parceiros da Cidadania programme — partners and their agreements
//!   (`decide_parceiro`), and the programme's curated bulletin items ([`parceiro::programa`]).
//! - [`event`]: `DomainEvent` and `Emitted`.
//! - [`stored`]: the stored schema — stable event types, versions, upcasting.
//! - [`testing`]: the given/when/then harness used by the tests.

pub mod actor;
pub mod acts;
pub mod calendar;
pub mod case;
pub mod context;
pub mod deadline;
mod error;
pub mod event;
pub mod fine;
pub mod forms;
pub mod operator;
pub mod parceiro;
pub mod rules;
pub mod stored;
pub mod stream;
pub mod testing;
pub mod values;

pub use actor::{Actor, Role};
pub use acts::{act_catalogue, ActInfo, Family};
pub use calendar::HolidayCalendar;
pub use case::{decide_case, CaseCommand, CaseEvent, CaseState};
pub use context::Context;
pub use deadline::{Calendar, Deadline};
pub use error::DomainError;
pub use event::{DomainEvent, Emitted};
pub use fine::{FineComputation, FineInputs};
pub use operator::{decide_operator, OperadoraState, OperatorCommand, OperatorEvent};
pub use parceiro::{decide_parceiro, ParceiroCommand, ParceiroEvent, ParceiroState};
pub use rules::{DeadlineSetting, RuleBook, RuleSet, Setting};
pub use stream::StreamRef;
pub use values::{
    number_pt_br, Cnpj, Modalidade, Money, NonEmptyText, Porte, Region, Registro, SealedPersonalData, Trimestre, Uf,
};
