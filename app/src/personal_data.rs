//! Complainants' and beneficiaries' personal data at the HTTP edge (LGPD; docs/ARCHITECTURE.md §4b):
//! an act arrives with the data in clear under `reclamante` or `beneficiario` (a case act) or
//! `responsavel` (a Parceiros da Cidadania partner's contact person); the server checks
//! the act with placeholders first (so malformed input is refused before anything is written),
//! then seals each object under its data subject's key and hands the domain only the sealed
//! reference. Reading the data back is a separate, logged operation for the roles that need it.

use autos_store::personal::{PersonalDataReader, PersonalVault, SealedPersonalData};
use autos_store::StoredEvent;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::AppError;

/// The command fields that carry a person's data, by the commands they are in: a case act's
/// complainant and beneficiary, a partner's contact person. They are told apart because a case
/// act's `responsavel` (`atribuir_caso`) names an officer, not a person to seal.
pub const PERSONAL_FIELDS: [&str; 3] = ["reclamante", "beneficiario", "responsavel"];
/// The personal fields of a case act.
pub const CASE_PERSONAL_FIELDS: &[&str] = &[PERSONAL_FIELDS[0], PERSONAL_FIELDS[1]];
/// The personal fields of a partner act.
pub const PARTNER_PERSONAL_FIELDS: &[&str] = &[PERSONAL_FIELDS[2]];

/// A placeholder the domain accepts as sealed data while the act's shape is checked.
const PLACEHOLDER_CIPHERTEXT: &str = "AAAA";

/// An act's body with its personal data taken out.
pub struct PersonalFields {
    body: Value,
    /// (field, subject, the data in clear)
    found: Vec<(String, Uuid, Map<String, Value>)>,
}

impl PersonalFields {
    /// Takes the personal objects under `fields` out of `body`, leaving placeholders. A body that is not a JSON
    /// object is passed through untouched (the act's parser explains what is wrong with it).
    ///
    /// # Errors
    /// `InvalidInput` for personal data that is not an object, is empty, arrives already
    /// "sealed", or names a `titular_id` that is not a UUID.
    pub fn extract(body: &[u8], fields: &[&str]) -> Result<Option<PersonalFields>, AppError> {
        let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(body) else { return Ok(None) };
        let mut found = Vec::new();
        for &field in fields {
            let Some(value) = object.get_mut(field) else { continue };
            let data = match value {
                Value::Null => continue,
                Value::Object(data) => std::mem::take(data),
                _ => return Err(invalid(field, "esperado um objeto com os dados da pessoa (nome, cpf, contato…)")),
            };
            let (subject, data) = subject_and_data(field, data)?;
            *value =
                sealed_json(&SealedPersonalData { subject_id: subject, ciphertext: PLACEHOLDER_CIPHERTEXT.into() });
            found.push((field.to_owned(), subject, data));
        }
        Ok((!found.is_empty()).then_some(PersonalFields { body: Value::Object(object), found }))
    }

    /// The body with placeholders, to check the act's shape before sealing anything.
    pub fn placeholder_body(&self) -> Vec<u8> {
        self.body.to_string().into_bytes()
    }

    /// Seals each object under its subject's key and returns the body the domain receives.
    ///
    /// # Errors
    /// `Store` when the subject was forgotten or the vault fails.
    pub async fn seal(mut self, vault: &PersonalVault) -> Result<Vec<u8>, AppError> {
        for (field, subject, data) in std::mem::take(&mut self.found) {
            let sealed = vault.seal(subject, &Value::Object(data)).await?;
            self.body[field.as_str()] = sealed_json(&sealed);
        }
        Ok(self.body.to_string().into_bytes())
    }
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::InvalidInput(format!("{field}: {message}"))
}

fn sealed_json(sealed: &SealedPersonalData) -> Value {
    serde_json::json!({ "subject_id": sealed.subject_id, "ciphertext": sealed.ciphertext })
}

/// The subject (`titular_id` when the person is known, a new one otherwise) and the data.
fn subject_and_data(field: &str, mut data: Map<String, Value>) -> Result<(Uuid, Map<String, Value>), AppError> {
    if data.contains_key("ciphertext") || data.contains_key("subject_id") {
        return Err(invalid(field, "envie os dados pessoais em claro; o servidor os cifra (LGPD)"));
    }
    let subject = match data.remove("titular_id") {
        None | Some(Value::Null) => Uuid::new_v4(),
        Some(Value::String(text)) => {
            Uuid::parse_str(&text).map_err(|_| invalid(field, "titular_id deve ser um UUID"))?
        }
        Some(_) => return Err(invalid(field, "titular_id deve ser um UUID")),
    };
    let has_content = data.values().any(|v| match v {
        Value::String(s) => !s.trim().is_empty(),
        Value::Null => false,
        _ => true,
    });
    if !has_content {
        return Err(invalid(field, "nenhum dado pessoal informado"));
    }
    Ok((subject, data))
}

/// One piece of personal data found in a case's events, opened for a reader.
#[derive(Debug, Serialize)]
pub struct OpenedPersonalData {
    pub evento: String,
    pub versao: i64,
    pub campo: String,
    pub titular_id: Uuid,
    /// `None` once the subject was forgotten (LGPD art. 18 VI): the data is gone everywhere.
    pub dados: Option<Value>,
}

/// Opens every sealed object in `events` for `reader`; each read is logged by the vault.
///
/// # Errors
/// `Store` when the reader's role may not read personal data or the vault fails.
pub async fn open_all(
    vault: &PersonalVault,
    events: &[StoredEvent],
    reader: &PersonalDataReader,
) -> Result<Vec<OpenedPersonalData>, AppError> {
    let mut out = Vec::new();
    for event in events {
        let payload: Value = serde_json::from_str(&event.payload).unwrap_or(Value::Null);
        let Value::Object(fields) = payload else { continue };
        for (field, value) in fields {
            let Ok(sealed) = serde_json::from_value::<SealedPersonalData>(value) else { continue };
            let dados = vault.open(&sealed, reader).await?;
            out.push(OpenedPersonalData {
                evento: event.event_type.clone(),
                versao: event.stream_version,
                campo: field,
                titular_id: sealed.subject_id,
                dados,
            });
        }
    }
    Ok(out)
}
