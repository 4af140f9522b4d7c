//! The stored event schema (docs/ARCHITECTURE.md §2, docs/STYLE.md habit 15), decoupled from the Rust
//! enums: `event_type` is the explicit stable string each event variant is renamed to (never a
//! Rust type name), `schema_version` is per event type, and [`decode`] upcasts older versions in
//! one place, [`upcast`], before deserializing.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::case::{
    AlienationEvent, CancelEvent, DemandEvent, FreezeEvent, LeEvent, NipEvent, RegimeEvent, RepresentationEvent,
    SanctionEvent, SharedEvent, TcacEvent,
};
use crate::{CaseEvent, DomainError, DomainEvent};

/// An event as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncodedEvent {
    pub event_type: String,
    pub schema_version: i32,
    pub payload: Value,
}

/// Event types whose current schema is not version 1, with the change that made each version.
const VERSIONS: &[(&str, i32)] = &[
    // v2: the month is (ano, mes) instead of the text "AAAA-MM" `competencia`.
    ("operadora.beneficiarios_informados", 2),
];

/// The current schema version of an event type.
pub fn schema_version(event_type: &str) -> i32 {
    VERSIONS.iter().find(|(t, _)| *t == event_type).map_or(1, |(_, v)| *v)
}

fn broken(event_type: &str, message: impl Into<String>) -> DomainError {
    DomainError::invalid("payload", format!("evento {event_type} ilegível: {}", message.into()))
}

/// Encodes a domain event for storage.
pub fn encode(event: &DomainEvent) -> EncodedEvent {
    let mut object = match serde_json::to_value(event) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let event_type = match object.remove("event_type") {
        Some(Value::String(t)) => t,
        _ => String::new(),
    };
    EncodedEvent { schema_version: schema_version(&event_type), event_type, payload: Value::Object(object) }
}

/// Brings a payload of an older schema version to the current one. The only place that knows
/// history; each step upgrades exactly one version.
///
/// # Errors
/// `Invalid` for a version newer than this code knows, or a payload the step cannot read.
pub fn upcast(event_type: &str, version: i32, payload: Value) -> Result<Value, DomainError> {
    let current = schema_version(event_type);
    if version > current || version < 1 {
        return Err(broken(event_type, format!("versão de esquema {version} desconhecida (atual: {current})")));
    }
    let mut payload = payload;
    for from in version..current {
        payload = match (event_type, from) {
            ("operadora.beneficiarios_informados", 1) => {
                beneficiarios_v1_to_v2(payload).map_err(|m| broken(event_type, m))?
            }
            _ => return Err(broken(event_type, format!("sem conversão da versão {from}"))),
        };
    }
    Ok(payload)
}

fn beneficiarios_v1_to_v2(payload: Value) -> Result<Value, String> {
    let Value::Object(mut map) = payload else { return Err("payload não é objeto".into()) };
    let competencia =
        map.remove("competencia").and_then(|c| c.as_str().map(str::to_owned)).ok_or("competencia ausente")?;
    let (ano, mes) = competencia.split_once('-').ok_or("competencia fora do formato AAAA-MM")?;
    let ano: i32 = ano.parse().map_err(|_| "ano inválido")?;
    let mes: u32 = mes.parse().map_err(|_| "mês inválido")?;
    map.insert("ano".into(), ano.into());
    map.insert("mes".into(), mes.into());
    Ok(Value::Object(map))
}

/// Parses a payload into the event enum it belongs to, which the stored type names (the
/// `event_type` tag, kept out of the payload, is put back first).
fn parse<T: DeserializeOwned>(event_type: &str, payload: Payload<'_>) -> Result<T, DomainError> {
    let not_an_object = || broken(event_type, "payload não é objeto");
    let parsed = match payload {
        Payload::Value(Value::Object(mut map)) => {
            map.insert("event_type".into(), Value::String(event_type.to_owned()));
            serde_json::from_value(Value::Object(map))
        }
        Payload::Value(_) => return Err(not_an_object()),
        Payload::Text(text) => {
            let fields = text.trim_start().strip_prefix('{').ok_or_else(not_an_object)?;
            let separator = if fields.trim_start().starts_with('}') { "" } else { "," };
            let tag = Value::String(event_type.to_owned());
            serde_json::from_str(&format!("{{\"event_type\":{tag}{separator}{fields}"))
        }
    };
    parsed.map_err(|e| broken(event_type, e.to_string()))
}

/// Decodes a stored event, upcasting older schema versions first.
///
/// # Errors
/// `Invalid` for an unknown event type, an unknown version, or a malformed payload.
pub fn decode(encoded: &EncodedEvent) -> Result<DomainEvent, DomainError> {
    let t = encoded.event_type.as_str();
    decode_payload(t, Payload::Value(upcast(t, encoded.schema_version, encoded.payload.clone())?))
}

/// Decodes a stored event from the payload's JSON text as the store keeps it. A payload of the
/// current schema version is parsed once, straight into its event; an older one goes through
/// [`upcast`] as in [`decode`].
///
/// # Errors
/// As [`decode`].
pub fn decode_text(event_type: &str, version: i32, payload: &str) -> Result<DomainEvent, DomainError> {
    if version == schema_version(event_type) {
        return decode_payload(event_type, Payload::Text(payload));
    }
    let payload = serde_json::from_str(payload).map_err(|e| broken(event_type, e.to_string()))?;
    decode(&EncodedEvent { event_type: event_type.to_owned(), schema_version: version, payload })
}

/// A payload of the current schema version: a JSON value, or the stored text of one.
enum Payload<'a> {
    Value(Value),
    Text(&'a str),
}

fn decode_payload(t: &str, payload: Payload<'_>) -> Result<DomainEvent, DomainError> {
    let prefix = t.split_once('.').map_or("", |(p, _)| p);
    let case = |e| Ok(DomainEvent::Case(e));
    match prefix {
        "operadora" => Ok(DomainEvent::Operator(parse(t, payload)?)),
        "caso" => case(CaseEvent::Shared(parse::<SharedEvent>(t, payload)?)),
        "regime_especial" | "direcao_fiscal" | "direcao_tecnica" => {
            case(CaseEvent::Regime(parse::<RegimeEvent>(t, payload)?))
        }
        "indisponibilidade" => case(CaseEvent::Indisponibilidade(parse::<FreezeEvent>(t, payload)?)),
        "liquidacao" => case(CaseEvent::Liquidacao(parse::<LeEvent>(t, payload)?)),
        "cancelamento" => case(CaseEvent::Cancelamento(parse::<CancelEvent>(t, payload)?)),
        "tcac" => case(CaseEvent::Tcac(parse::<TcacEvent>(t, payload)?)),
        "demanda" => case(CaseEvent::Demanda(parse::<DemandEvent>(t, payload)?)),
        "representacao" => case(CaseEvent::Representacao(parse::<RepresentationEvent>(t, payload)?)),
        "pas" => case(CaseEvent::Sancionador(parse::<SanctionEvent>(t, payload)?)),
        "alienacao" => case(CaseEvent::Alienacao(parse::<AlienationEvent>(t, payload)?)),
        "nip" => case(CaseEvent::Nip(parse::<NipEvent>(t, payload)?)),
        "parceiro" => Ok(DomainEvent::Parceiro(parse(t, payload)?)),
        "programa_parceiros" => Ok(DomainEvent::Programa(parse(t, payload)?)),
        _ => Err(broken(t, "tipo de evento desconhecido")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OperatorEvent;
    use serde_json::json;

    #[test]
    fn a_version_1_beneficiary_count_is_upcast_to_year_and_month() {
        let old = EncodedEvent {
            event_type: "operadora.beneficiarios_informados".into(),
            schema_version: 1,
            payload: json!({"competencia": "2003-09", "quantidade": 1200}),
        };
        let decoded = decode(&old).unwrap();
        assert_eq!(
            decoded,
            DomainEvent::Operator(OperatorEvent::BeneficiariosInformados { ano: 2003, mes: 9, quantidade: 1200 })
        );
        let again = encode(&decoded);
        assert_eq!(again.schema_version, 2);
        assert_eq!(again.payload, json!({"ano": 2003, "mes": 9, "quantidade": 1200}));
    }

    #[test]
    fn the_stored_text_decodes_as_its_json_value_does() {
        let event = DomainEvent::Operator(OperatorEvent::BeneficiariosInformados { ano: 2003, mes: 9, quantidade: 1 });
        let encoded = encode(&event);
        let text = encoded.payload.to_string();
        assert_eq!(decode_text(&encoded.event_type, encoded.schema_version, &text).unwrap(), event);
        assert_eq!(
            decode_text(&encoded.event_type, 2, &format!("  {text}")).unwrap(),
            event,
            "space before the object"
        );
        let v1 = r#"{"competencia": "2003-09", "quantidade": 1}"#;
        assert_eq!(decode_text("operadora.beneficiarios_informados", 1, v1).unwrap(), event, "upcast from the text");
        for refused in ["[]", "", "{\"ano\": 2003}", "{\"ano\": \"2003\", \"mes\": 9, \"quantidade\": 1}"] {
            assert!(decode_text(&encoded.event_type, 2, refused).is_err(), "{refused:?}");
        }
        assert!(decode_text("operadora.inexistente", 1, "{}").is_err());
        assert!(decode_text("operadora.autorizada", 7, "{}").is_err(), "a future version");
    }

    #[test]
    fn unknown_types_and_future_versions_are_refused() {
        let unknown =
            EncodedEvent { event_type: "operadora.inexistente".into(), schema_version: 1, payload: json!({}) };
        assert!(decode(&unknown).is_err());
        let future = EncodedEvent { event_type: "operadora.autorizada".into(), schema_version: 7, payload: json!({}) };
        assert!(decode(&future).is_err());
        let nonsense = EncodedEvent { event_type: "nada".into(), schema_version: 1, payload: json!({}) };
        assert!(decode(&nonsense).is_err());
    }

    #[test]
    fn programme_events_decode_from_storage_by_their_type_names() {
        use crate::parceiro::programa::{ProgramaEvent, TipoItem};
        use crate::{ParceiroEvent, Trimestre};
        let q = Trimestre::new(2024, 2).unwrap();
        let on = chrono::NaiveDate::from_ymd_opt(2024, 7, 2).unwrap();
        let events = [
            DomainEvent::Parceiro(ParceiroEvent::BoletimEmitido {
                numero: "ACT 1/2024".into(),
                trimestre: q,
                emitido_em: on,
                conteudo: json!({"temas": [{"tema": "carencia", "quantidade": 3}]}),
                sha256: "ab".repeat(32),
            }),
            DomainEvent::Programa(ProgramaEvent::ItemIncluido {
                item_id: uuid::Uuid::from_u128(9),
                trimestre: q,
                tipo: TipoItem::DocumentoRelevante,
                titulo: "RN 623/2024".into(),
                data: on,
                referencia: None,
            }),
        ];
        let types: Vec<String> = events.iter().map(|e| encode(e).event_type).collect();
        assert_eq!(types, ["parceiro.boletim_emitido", "programa_parceiros.item_incluido"]);
        for event in events {
            let encoded = encode(&event);
            assert_eq!(encoded.schema_version, 1);
            assert!(encoded.payload.get("event_type").is_none());
            assert_eq!(decode(&encoded).unwrap(), event);
            let text = encoded.payload.to_string();
            assert_eq!(decode_text(&encoded.event_type, 1, &text).unwrap(), event);
        }
        let stored = EncodedEvent {
            event_type: "parceiro.acordo_encerrado".into(),
            schema_version: 1,
            payload: json!({"numero": "ACT 1/2024", "encerramento": {"data": "2024-08-01", "motivo": "denúncia", "documento": "Ofício 9"}}),
        };
        assert!(matches!(decode(&stored).unwrap(), DomainEvent::Parceiro(ParceiroEvent::AcordoEncerrado { .. })));
        let unknown = EncodedEvent { event_type: "parceiro.inexistente".into(), schema_version: 1, payload: json!({}) };
        assert!(decode(&unknown).is_err());
    }
}
