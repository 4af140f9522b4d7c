//! Required free text of an act — a *motivo*, a *fundamentação*, the reference of a *documento* —
//! parsed at the edge: trimmed, and never blank. A command field of this type cannot reach a
//! decision empty, so no decision re-checks it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::DomainError;

/// What a blank required field is told, in the API's problem and next to the field on a page.
pub const REQUIRED: &str = "campo obrigatório";

/// Trimmed text with at least one character that is not white space.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "String")]
pub struct NonEmptyText(String);

impl NonEmptyText {
    /// The trimmed text, or `None` when nothing but white space is left.
    pub fn new(text: impl Into<String>) -> Option<Self> {
        let text = text.into();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return None;
        }
        Some(NonEmptyText(if trimmed.len() == text.len() { text } else { trimmed.to_owned() }))
    }

    /// The trimmed text of the required field `field`.
    ///
    /// # Errors
    /// `Invalid` on `field` when it is blank.
    pub fn parse(field: &str, text: impl Into<String>) -> Result<Self, DomainError> {
        Self::new(text).ok_or_else(|| DomainError::invalid(field, REQUIRED))
    }

    /// Text the program writes itself — a literal or a `format!` of a demo's or a test's act,
    /// never input: like `HeaderValue::from_static`, blank text here is a programming error.
    ///
    /// # Panics
    /// When `text` is blank.
    pub fn written(text: impl Into<String>) -> Self {
        let text = text.into();
        Self::new(text.as_str()).unwrap_or_else(|| panic!("texto fixo em branco: {text:?}"))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for NonEmptyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        NonEmptyText::new(String::deserialize(deserializer)?).ok_or_else(|| serde::de::Error::custom(REQUIRED))
    }
}

impl fmt::Display for NonEmptyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for NonEmptyText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<NonEmptyText> for String {
    fn from(value: NonEmptyText) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_blank_text_is_refused_by_its_field() {
        assert_eq!(NonEmptyText::parse("motivo", "  fraude contábil \n").unwrap().as_str(), "fraude contábil");
        assert_eq!(
            NonEmptyText::parse("motivo", " \t "),
            Err(DomainError::invalid("motivo", REQUIRED)),
            "white space alone is blank"
        );
        assert!(NonEmptyText::new(String::new()).is_none());
    }

    #[test]
    fn the_wire_form_is_a_plain_string_and_a_blank_one_does_not_decode() {
        let text: NonEmptyText = serde_json::from_str("\" Ofício 12/2026 \"").unwrap();
        assert_eq!(serde_json::to_string(&text).unwrap(), "\"Ofício 12/2026\"");
        let blank = serde_json::from_str::<NonEmptyText>("\"   \"").unwrap_err();
        assert!(blank.to_string().starts_with(REQUIRED), "{blank}");
        assert!(serde_json::from_str::<NonEmptyText>("12").is_err(), "a number is not text");
    }

    #[test]
    #[should_panic(expected = "texto fixo em branco")]
    fn a_blank_literal_is_a_programming_error() {
        let _ = NonEmptyText::written(" ");
    }
}
