//! Given/when/then specifications of the domain, one module per family, collected in one test
//! binary (docs/STYLE.md habit 20). Each test names the norm it checks in a comment, checks the events
//! each decision emits (`autos_domain::testing`) and each refusal by its rule id.

mod alienacao;
mod common;
mod demanda;
mod direcao_fiscal;
mod liquidacao;
mod nip;
mod operator;
mod parceiro;
mod representacao;
mod sancionador;
mod tcac;
