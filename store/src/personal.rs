//! Personal data under the LGPD (docs/ARCHITECTURE.md §4b): complainants' and beneficiaries' data
//! enter the log only as AES-256-GCM ciphertext under a key of their own per data subject. Keys
//! live in `subject_keys`, outside the log, wrapped by the server's master key. Hashes cover
//! the ciphertext, so `forget` — destroying the key — leaves every chain verifiable while the
//! data becomes unreadable everywhere. Each decryption is logged with reader, role and purpose.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::NaiveDate;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    AppendBatch, AppendOutcome, EventStore, ExpectedVersion, NewEvent, Provenance, StoreError, StreamAppend, SubjectKey,
};

/// Roles whose work needs a complainant's personal data; every other role is refused.
pub const ROLES_WITH_PERSONAL_DATA_ACCESS: [&str; 3] = ["atendente", "fiscal", "diretoria"];

/// Event type recorded on `titular-{subject}` when a subject's key is destroyed.
pub const ERASURE_EVENT_TYPE: &str = "lgpd.titular_esquecido";

/// The 256-bit key that wraps every subject key.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(**redacted**)")
    }
}

impl MasterKey {
    /// Parses a base64-encoded 32-byte key.
    ///
    /// # Errors
    /// `Crypto` when the text is not 32 bytes of base64.
    pub fn from_base64(text: &str) -> Result<Self, StoreError> {
        let bytes =
            B64.decode(text.trim()).map_err(|e| StoreError::Crypto(format!("master key is not base64: {e}")))?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| StoreError::Crypto("master key must be 32 bytes".into()))?;
        Ok(MasterKey(key))
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        MasterKey(key)
    }

    /// Base64 text of the key, for writing a key file.
    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }

    /// Reads the key file, creating it (mode 0600) with a fresh key when it does not exist.
    ///
    /// # Errors
    /// `Crypto` when the file cannot be read, written or parsed.
    pub fn load_or_create(path: &Path) -> Result<Self, StoreError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_base64(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate();
                write_private(path, &key.to_base64())
                    .map_err(|e| StoreError::Crypto(format!("cannot write {}: {e}", path.display())))?;
                Ok(key)
            }
            Err(e) => Err(StoreError::Crypto(format!("cannot read {}: {e}", path.display()))),
        }
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

/// Personal data as it appears in an event: the subject and the ciphertext, nothing in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedPersonalData {
    pub subject_id: Uuid,
    /// base64(nonce ‖ AES-256-GCM ciphertext), bound to the subject id as associated data.
    pub ciphertext: String,
}

/// Who reads personal data and why; every read is logged.
#[derive(Debug, Clone)]
pub struct PersonalDataReader {
    pub officer_id: Uuid,
    pub role: String,
    pub purpose: String,
}

/// Encrypts and decrypts personal data; [`forget`] erases it.
#[derive(Clone)]
pub struct PersonalVault {
    store: Arc<dyn EventStore>,
    master: MasterKey,
}

fn encrypt(key: &[u8], plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, StoreError> {
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|e| StoreError::Crypto(e.to_string()))?;
    let mut nonce = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut nonce);
    let mut out = nonce.to_vec();
    out.extend(
        cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad })
            .map_err(|_| StoreError::Crypto("encryption failed".into()))?,
    );
    Ok(out)
}

fn decrypt(key: &[u8], sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, StoreError> {
    if sealed.len() < 12 {
        return Err(StoreError::Crypto("ciphertext too short".into()));
    }
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|e| StoreError::Crypto(e.to_string()))?;
    let (nonce, body) = sealed.split_at(12);
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad })
        .map_err(|_| StoreError::Crypto("ciphertext does not authenticate under this key".into()))
}

impl PersonalVault {
    pub fn new(store: Arc<dyn EventStore>, master: MasterKey) -> Self {
        PersonalVault { store, master }
    }

    async fn data_key(&self, subject: Uuid, create: bool) -> Result<Vec<u8>, StoreError> {
        loop {
            match self.store.subject_key(subject).await? {
                SubjectKey::Live(wrapped) => return decrypt(&self.master.0, &wrapped, subject.as_bytes()),
                SubjectKey::Destroyed => return Err(StoreError::Erased(subject)),
                SubjectKey::Absent if create => {
                    let (key, wrapped) = self.new_data_key(subject)?;
                    if !self.store.insert_subject_keys(&[(subject, wrapped)]).await?.is_empty() {
                        return Ok(key.to_vec());
                    }
                    // Another writer created one first; the loop reads theirs.
                }
                SubjectKey::Absent => return Err(StoreError::Erased(subject)),
            }
        }
    }

    /// A fresh data key for `subject`, and the same wrapped under the master key.
    fn new_data_key(&self, subject: Uuid) -> Result<([u8; 32], Vec<u8>), StoreError> {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        let wrapped = encrypt(&self.master.0, &key, subject.as_bytes())?;
        Ok((key, wrapped))
    }

    /// Encrypts each subject's data under a key of its own, for subjects seen for the first
    /// time (bulk loads): the keys are created in a few writes instead of one per subject. A
    /// subject that has a key already is sealed under it, as [`PersonalVault::seal`] does.
    ///
    /// # Errors
    /// `Erased` when a subject was forgotten; `Crypto`; `Database`.
    pub async fn seal_new(
        &self,
        subjects: &[(Uuid, serde_json::Value)],
    ) -> Result<Vec<SealedPersonalData>, StoreError> {
        let mut keys = HashMap::with_capacity(subjects.len());
        let mut wrapped = Vec::with_capacity(subjects.len());
        for (subject, _) in subjects {
            let (key, key_wrapped) = self.new_data_key(*subject)?;
            keys.insert(*subject, key.to_vec());
            wrapped.push((*subject, key_wrapped));
        }
        let created = self.store.insert_subject_keys(&wrapped).await?;
        let mut sealed = Vec::with_capacity(subjects.len());
        for (subject, data) in subjects {
            let key =
                if created.contains(subject) { keys[subject].clone() } else { self.data_key(*subject, true).await? };
            let ciphertext = encrypt(&key, data.to_string().as_bytes(), subject.as_bytes())?;
            sealed.push(SealedPersonalData { subject_id: *subject, ciphertext: B64.encode(ciphertext) });
        }
        Ok(sealed)
    }

    /// Encrypts `data` under the subject's key, creating the key on first use.
    ///
    /// # Errors
    /// `Erased` when the subject was forgotten; `Crypto`; `Database`.
    pub async fn seal(&self, subject: Uuid, data: &serde_json::Value) -> Result<SealedPersonalData, StoreError> {
        let key = self.data_key(subject, true).await?;
        let sealed = encrypt(&key, data.to_string().as_bytes(), subject.as_bytes())?;
        Ok(SealedPersonalData { subject_id: subject, ciphertext: B64.encode(sealed) })
    }

    /// Decrypts for a reader whose role needs personal data, logging the read. Returns None
    /// when the subject was forgotten (the data is erased everywhere).
    ///
    /// # Errors
    /// `InvalidInput` when the role may not read personal data; `Crypto`; `Database`.
    pub async fn open(
        &self,
        sealed: &SealedPersonalData,
        reader: &PersonalDataReader,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        if !ROLES_WITH_PERSONAL_DATA_ACCESS.contains(&reader.role.as_str()) {
            return Err(StoreError::InvalidInput(format!("role {} may not read personal data", reader.role)));
        }
        let key = match self.data_key(sealed.subject_id, false).await {
            Ok(k) => k,
            Err(StoreError::Erased(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        self.store.log_personal_read(sealed.subject_id, reader.officer_id, &reader.role, &reader.purpose).await?;
        let bytes =
            B64.decode(&sealed.ciphertext).map_err(|e| StoreError::Crypto(format!("ciphertext is not base64: {e}")))?;
        let clear = decrypt(&key, &bytes, sealed.subject_id.as_bytes())?;
        serde_json::from_slice(&clear)
            .map(Some)
            .map_err(|e| StoreError::Crypto(format!("decrypted data is not JSON: {e}")))
    }
}

/// The stream the erasure of `subject` is recorded on.
pub fn erasure_stream(subject: Uuid) -> String {
    format!("titular-{subject}")
}

/// Destroys the subject's key and records the erasure on `titular-{subject}`.
///
/// # Errors
/// `Database`.
pub async fn forget(
    store: &dyn EventStore,
    subject: Uuid,
    provenance: Provenance,
    legal_basis: &str,
    on: NaiveDate,
) -> Result<AppendOutcome, StoreError> {
    let destroyed = store.destroy_subject_key(subject).await?;
    store
        .append(AppendBatch {
            streams: vec![StreamAppend {
                stream_id: erasure_stream(subject),
                expected: ExpectedVersion::Any,
                events: vec![NewEvent {
                    event_id: Uuid::now_v7(),
                    event_type: ERASURE_EVENT_TYPE.into(),
                    schema_version: 1,
                    payload: serde_json::json!({ "subject_id": subject, "key_destroyed": destroyed }),
                    occurred_on: on,
                    legal_basis: Some(legal_basis.into()),
                    document_ref: None,
                }],
            }],
            provenance,
        })
        .await
}
