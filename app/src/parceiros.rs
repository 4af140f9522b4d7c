//! The content of a Parceiros da Cidadania bulletin issued to a partner (docs/DOMAIN.md §6) and
//! its SHA-256: the quarter's ANS bulletin for the partner's UF (built by the caller from the
//! bulletin read model), the programme's curated items of the quarter, and the partner's own
//! quarterly information, "em complemento às informações que a ANS possui". The content is
//! frozen in the `parceiro.boletim_emitido` event with its digest, so what was issued reads the
//! same after any rebuild of the read models.

use autos_domain::parceiro::programa::ProgramaState;
use autos_domain::{DomainError, ParceiroState, Trimestre};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::AppError;

/// How the partner's own information is presented beside ANS's.
pub const EM_COMPLEMENTO: &str = "Informações do parceiro, em complemento às informações que a ANS possui";

/// The lowercase hex SHA-256 of a content, over its compact JSON text (keys in sorted order, as
/// `serde_json` writes its maps).
pub fn digest(conteudo: &Value) -> String {
    hex::encode(Sha256::digest(conteudo.to_string().as_bytes()))
}

/// The bulletin of `trimestre` for the partner under agreement `acordo`.
///
/// # Errors
/// `Domain` (`Invalid`, field `acordo`) when the partner has no agreement of that number.
pub fn conteudo(
    parceiro: &ParceiroState,
    acordo: &str,
    trimestre: Trimestre,
    boletim_ans: Value,
    programa: &ProgramaState,
) -> Result<Value, AppError> {
    let Some(acordo) = parceiro.acordo(acordo) else {
        let message = format!("o parceiro não tem acordo de número {acordo:?}");
        return Err(DomainError::invalid("acordo", message).into());
    };
    let itens: Vec<Value> = programa
        .itens_do_trimestre(trimestre)
        .into_iter()
        .map(|(id, item)| {
            json!({
                "item_id": id, "tipo": item.tipo, "secao": item.tipo.label(), "titulo": item.titulo,
                "data": item.data, "referencia": item.referencia,
            })
        })
        .collect();
    let informacao = acordo.informacao(trimestre).map(|i| {
        let linhas: Vec<Value> = i
            .linhas
            .iter()
            .map(|l| json!({"registro": l.registro.to_string(), "tema": l.tema.label(), "quantidade": l.quantidade}))
            .collect();
        json!({ "versao": i.versao, "documento": i.documento, "linhas": linhas })
    });
    Ok(json!({
        "titulo": format!("Boletim Parceiros da Cidadania — {trimestre}"),
        "trimestre": trimestre,
        "parceiro": {
            "parceiro_id": parceiro.parceiro_id, "nome": parceiro.nome,
            "uf": parceiro.uf.map(|u| u.code()), "regiao": parceiro.regiao.map(|r| r.label()),
        },
        "acordo": acordo.numero,
        "informacoes_da_ans": boletim_ans,
        "acoes_e_documentos_da_ans": itens,
        "informacoes_do_parceiro": { "apresentacao": EM_COMPLEMENTO, "informacao": informacao },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_over_the_content_whatever_the_order_its_keys_were_given_in() {
        let a: Value = serde_json::from_str(r#"{"b": 1, "a": [1, 2]}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a": [1, 2], "b": 1}"#).unwrap();
        assert_eq!(digest(&a), digest(&b));
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), digest(&json!({"a": [2, 1], "b": 1})));
    }
}
