//! Personal data as the domain sees it (docs/ARCHITECTURE.md §4b): a subject reference plus
//! ciphertext sealed by the store. The domain never holds a complainant's data in clear.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::DomainError;

/// A data subject's sealed payload (same shape as the store's `SealedPersonalData`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedPersonalData {
    /// The subject whose key encrypts `ciphertext`; forgetting the subject erases the data.
    pub subject_id: Uuid,
    /// base64(nonce ‖ AES-256-GCM ciphertext), opaque to the domain.
    pub ciphertext: String,
}

impl SealedPersonalData {
    /// Refuses an empty ciphertext, the sign of a caller that forgot to seal.
    ///
    /// # Errors
    /// `Invalid` when the ciphertext is empty or contains characters outside base64.
    pub fn validate(&self, field: &str) -> Result<(), DomainError> {
        let base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
        if self.ciphertext.is_empty() || !self.ciphertext.chars().all(base64) {
            return Err(DomainError::invalid(
                field,
                "dados pessoais devem chegar cifrados (LGPD); recebido texto não cifrado",
            ));
        }
        Ok(())
    }
}
