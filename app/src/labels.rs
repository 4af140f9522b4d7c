//! The small labels and text helpers the JSON API, the pages and the importer share: folding
//! text for search and header matching, and the pt-BR labels of an operator's standing and size.

use autos_projections::models::OperatorDoc;

/// Lowercase ASCII without accents, spaces or underscores: "Razão Social" → "razaosocial".
pub fn fold(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            let base = match c {
                'á' | 'à' | 'â' | 'ã' | 'ä' | 'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'a',
                'é' | 'ê' | 'è' | 'É' | 'Ê' | 'È' => 'e',
                'í' | 'Í' => 'i',
                'ó' | 'ô' | 'õ' | 'ò' | 'Ó' | 'Ô' | 'Õ' | 'Ò' => 'o',
                'ú' | 'ü' | 'Ú' | 'Ü' => 'u',
                'ç' | 'Ç' => 'c',
                c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
                _ => return None,
            };
            Some(base)
        })
        .collect()
}

/// The status badges of an operator: (label, is it an alert).
pub fn standing(doc: &OperatorDoc) -> Vec<(String, bool)> {
    let s = &doc.state;
    let mut out = Vec::new();
    let licence = serde_json::to_value(&s.situacao_registro)
        .ok()
        .and_then(|v| v["situacao"].as_str().map(str::to_owned))
        .unwrap_or_default();
    out.push((licence.replace('_', " "), s.is_cancelled()));
    for regime in s.regimes.keys() {
        let label = match regime {
            autos_domain::operator::RegimeKind::DirecaoFiscal => "direção fiscal",
            autos_domain::operator::RegimeKind::DirecaoTecnica => "direção técnica",
        };
        out.push((label.into(), true));
    }
    if s.caso_liquidacao.is_some() {
        out.push(("liquidação extrajudicial".into(), true));
    }
    if let Some(scope) = &s.comercializacao_suspensa {
        out.push((format!("comercialização suspensa ({scope})"), true));
    }
    if let Some(until) = s.tcac_vedado_ate {
        out.push((format!("TCAC vedado até {}", until.format("%d/%m/%Y")), true));
    }
    if !s.indisponibilidades_ativas.is_empty() {
        out.push(("bens indisponíveis".into(), true));
    }
    out
}

/// A porte as officers read it ("sem beneficiarios", "medio"…).
pub fn porte_label(porte: autos_domain::Porte) -> String {
    serde_json::to_value(porte).ok().and_then(|v| v.as_str().map(|s| s.replace('_', " "))).unwrap_or_default()
}
