//! Signed tree heads over the log (docs/ARCHITECTURE.md §4): tamper evidence that does not rest
//! on trusting the database. The leaves of the Merkle tree ([`crate::merkle`]) are the events in
//! position order, each `position ‖ hash` with the hash recomputed from the event's content. A
//! head — tree size, last position, root, instant — is signed with Ed25519 by a key kept in a
//! file outside the database, recorded in the append-only `tree_heads` and appended to a
//! [`Witness`] outside the database too (`crate::witness`). [`check`] compares the log with every head the
//! database and the witness hold, before anything new is sealed; a [`Receipt`] proves one event
//! is in the log, and a [`Consistency`] that a later head extends an earlier one, to anyone who
//! holds the public key.
//!
//! Every key after the first enters through an event of the log ([`record_rotation`],
//! `assinatura.chave_trocada` on the stream `chaves-de-assinatura`): a head signed by a key the
//! log never introduced before the head's position is reported, so a key slipped into the
//! keyring file leaves a trace or a finding.
//!
//! It owns the formats of the key and keyring files and the bytes that are signed;
//! where the files live is the caller's choice (`autos` keeps them beside the master key).

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::{Signer, Verifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::hashing::{now_micros, stored_event_hash};
use crate::integrity::{Problem, ProblemKind};
use crate::merkle::{self, Frontier, Hash};
use crate::witness::union;
pub use crate::witness::Witness;
use crate::{
    AppendBatch, AppendOutcome, EventStore, ExpectedVersion, NewEvent, Provenance, StoreError, StoredEvent,
    StreamAppend, TreeHead,
};

const PAGE: i64 = 5_000;

/// The stream of the signing keys' rotations.
pub const KEY_STREAM: &str = "chaves-de-assinatura";
/// The event that introduces a new signing key.
pub const KEY_ROTATED: &str = "assinatura.chave_trocada";
/// The norm of electronic signatures in acts of public bodies.
const KEY_NORM: &str = "Lei 14.063/2020 (assinaturas eletrônicas em atos de entes públicos)";

/// Records in the log that `new` signs from now on in place of `old`, on `on`, by the officer
/// of `provenance`. It must be appended before `new` signs a head.
///
/// # Errors
/// `Database` on faults.
pub async fn record_rotation(
    store: &dyn EventStore,
    old: &PublicKey,
    new: &PublicKey,
    provenance: Provenance,
    on: NaiveDate,
) -> Result<AppendOutcome, StoreError> {
    store
        .append(AppendBatch {
            streams: vec![StreamAppend {
                stream_id: KEY_STREAM.into(),
                expected: ExpectedVersion::Any,
                events: vec![NewEvent {
                    event_id: uuid::Uuid::now_v7(),
                    event_type: KEY_ROTATED.into(),
                    schema_version: 1,
                    payload: serde_json::json!({
                        "chave_anterior": old.key_id(),
                        "chave_nova": new.key_id(),
                        "chave_publica": new.to_base64(),
                    }),
                    occurred_on: on,
                    legal_basis: Some(KEY_NORM.into()),
                    document_ref: None,
                }],
            }],
            provenance,
        })
        .await
}

/// Domain separation of the signed bytes, so a head's signature cannot be taken for anything else.
const HEAD_CONTEXT: &[u8] = b"autos.tree_head.v1";

fn file_error(what: &str, path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::TrustFile(format!("{what} {}: {e}", path.display()))
}

/// The Ed25519 key that signs tree heads. Its `Debug` never shows it.
pub struct SigningKey(ed25519_dalek::SigningKey);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({}, **redacted**)", self.public_key().key_id())
    }
}

impl SigningKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        SigningKey(ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng))
    }

    /// Parses the base64 of a 32-byte Ed25519 secret key.
    ///
    /// # Errors
    /// `TrustFile` when the text is not 32 bytes of base64.
    pub fn from_base64(text: &str) -> Result<Self, StoreError> {
        let bytes: [u8; 32] = B64
            .decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| StoreError::TrustFile("a signing key is the base64 of 32 bytes".into()))?;
        Ok(SigningKey(ed25519_dalek::SigningKey::from_bytes(&bytes)))
    }

    /// The base64 text a key file holds.
    pub fn to_base64(&self) -> String {
        B64.encode(self.0.to_bytes())
    }

    /// The public half, which verifies this key's heads.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Reads a key file; None when it does not exist.
    ///
    /// # Errors
    /// `TrustFile` when it cannot be read or parsed.
    pub fn load(path: &Path) -> Result<Option<Self>, StoreError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_base64(&text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(file_error("cannot read", path, e)),
        }
    }

    /// Writes the key to `path` (mode 0600), atomically replacing a key already there.
    ///
    /// # Errors
    /// `TrustFile` when the file cannot be written.
    pub fn store(&self, path: &Path) -> Result<(), StoreError> {
        let temporary = path.with_extension("new");
        let _ = std::fs::remove_file(&temporary);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&temporary).and_then(|mut f| {
            f.write_all(self.to_base64().as_bytes())?;
            f.sync_all()
        });
        written
            .and_then(|()| std::fs::rename(&temporary, path))
            .and_then(|()| sync_parent(path))
            .map_err(|e| file_error("cannot write", path, e))
    }

    /// Signs the head of the tree of `tree_size` leaves, the last at `position`, with `root`.
    pub fn sign(&self, tree_size: i64, position: i64, root: &Hash, signed_at: DateTime<Utc>) -> TreeHead {
        let signature = self.0.sign(&signed_bytes(tree_size, position, root, signed_at));
        TreeHead {
            tree_size,
            position,
            root: root.to_vec(),
            signed_at,
            key_id: self.public_key().key_id(),
            signature: signature.to_bytes().to_vec(),
        }
    }
}

fn sync_parent(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::File::open(dir)?.sync_all(),
        _ => Ok(()),
    }
}

/// What a head's signature covers: every field but the key id and the signature.
fn signed_bytes(tree_size: i64, position: i64, root: &[u8], signed_at: DateTime<Utc>) -> Vec<u8> {
    let mut bytes = HEAD_CONTEXT.to_vec();
    bytes.extend(tree_size.to_be_bytes());
    bytes.extend(position.to_be_bytes());
    bytes.extend(root);
    bytes.extend(signed_at.timestamp_micros().to_be_bytes());
    bytes
}

/// An Ed25519 public key that verifies heads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    /// The first 8 bytes of SHA-256 of the key, in hex: how a head names its key.
    pub fn key_id(&self) -> String {
        hex::encode(&Sha256::digest(self.0.as_bytes())[..8])
    }

    /// The base64 of the 32-byte key, one line of a keyring file.
    pub fn to_base64(&self) -> String {
        B64.encode(self.0.as_bytes())
    }

    /// Parses the base64 of a 32-byte Ed25519 public key.
    ///
    /// # Errors
    /// `TrustFile` when the text is not a public key.
    pub fn from_base64(text: &str) -> Result<Self, StoreError> {
        let bytes: [u8; 32] = B64
            .decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| StoreError::TrustFile(format!("{text:?} is not the base64 of a public key")))?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|e| StoreError::TrustFile(format!("not an Ed25519 public key: {e}")))
    }
}

/// How a head's signature fares against a keyring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    /// No key of the keyring has the head's key id.
    UnknownKey,
    /// The key is known and the signature does not verify.
    Invalid,
}

/// The public keys heads are verified with: every key that ever signed, so that heads signed
/// before a rotation still verify. A keyring file holds one base64 key per line (`#` comments).
#[derive(Debug, Clone, Default)]
pub struct Keyring(Vec<PublicKey>);

impl Keyring {
    /// Parses a keyring file's text.
    ///
    /// # Errors
    /// `TrustFile` for a line that is not a public key.
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(PublicKey::from_base64)
            .collect::<Result<_, _>>()
            .map(Keyring)
    }

    /// Reads a keyring file; empty when it does not exist.
    ///
    /// # Errors
    /// `TrustFile` when it cannot be read or parsed.
    pub fn load(path: &Path) -> Result<Self, StoreError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Keyring::default()),
            Err(e) => Err(file_error("cannot read", path, e)),
        }
    }

    /// Adds `key` to the keyring file at `path` (appending, synced) unless it is there already.
    ///
    /// # Errors
    /// `TrustFile` when the file cannot be read or written.
    pub fn add(path: &Path, key: &PublicKey) -> Result<(), StoreError> {
        if Self::load(path)?.0.contains(key) {
            return Ok(());
        }
        append_synced_line(path, &key.to_base64())
    }

    /// The id of the keyring's first key, the one that needs no rotation event.
    pub fn first_key_id(&self) -> Option<String> {
        self.0.first().map(PublicKey::key_id)
    }

    /// Whether `head` is signed by a key of the keyring.
    pub fn check(&self, head: &TreeHead) -> SignatureCheck {
        let Some(key) = self.0.iter().find(|k| k.key_id() == head.key_id) else {
            return SignatureCheck::UnknownKey;
        };
        let Ok(signature) = ed25519_dalek::Signature::from_slice(&head.signature) else {
            return SignatureCheck::Invalid;
        };
        let message = signed_bytes(head.tree_size, head.position, &head.root, head.signed_at);
        match key.0.verify(&message, &signature) {
            Ok(()) => SignatureCheck::Valid,
            Err(_) => SignatureCheck::Invalid,
        }
    }
}

/// Appends one line to `path`, creating it, and syncs file (and, when new, its directory).
/// Appends one line to a file and syncs it (and, for a new file, its directory).
pub(crate) fn append_synced_line(path: &Path, line: &str) -> Result<(), StoreError> {
    let created = !path.exists();
    let appended = std::fs::OpenOptions::new().append(true).create(true).open(path).and_then(|mut f| {
        writeln!(f, "{line}")?;
        f.sync_all()
    });
    appended
        .and_then(|()| if created { sync_parent(path) } else { Ok(()) })
        .map_err(|e| file_error("cannot append to", path, e))
}

/// The files heads are checked from, outside the database: the keyring and the witness.
#[derive(Debug, Clone)]
pub struct TrustFiles {
    pub keyring: PathBuf,
    pub witness: Witness,
}

impl TrustFiles {
    /// [`check`] with the keyring as the file holds it now (a rotation may have added a key).
    ///
    /// # Errors
    /// As [`check`], and `TrustFile` when the keyring cannot be read.
    pub async fn check(&self, store: &dyn EventStore) -> Result<HeadCheck, StoreError> {
        check(store, &Keyring::load(&self.keyring)?, &self.witness).await
    }

    /// [`check_leaves`] with the keyring as the file holds it now.
    ///
    /// # Errors
    /// As [`check`], and `TrustFile` when the keyring cannot be read.
    pub async fn check_leaves(&self, store: &dyn EventStore, leaves: Leaves) -> Result<HeadCheck, StoreError> {
        check_leaves(store, &Keyring::load(&self.keyring)?, &self.witness, leaves).await
    }

    /// Whether `head` is signed by a key of the keyring as the file holds it now.
    ///
    /// # Errors
    /// `TrustFile` when the keyring cannot be read.
    pub fn check_signature(&self, head: &TreeHead) -> Result<SignatureCheck, StoreError> {
        Ok(Keyring::load(&self.keyring)?.check(head))
    }
}

/// The leaf of the event at `position` whose content hashes to `event_hash`.
pub fn leaf(position: i64, event_hash: &[u8]) -> Hash {
    let mut data = position.to_be_bytes().to_vec();
    data.extend(event_hash);
    merkle::leaf_hash(&data)
}

/// The leaves of the log read so far, in position order, and the tree they grow.
#[derive(Debug, Clone, Default)]
pub struct Leaves {
    positions: Vec<i64>,
    hashes: Vec<Hash>,
    frontier: Frontier,
    /// (position, key id) of every [`KEY_ROTATED`] event read.
    keys_introduced: Vec<(i64, String)>,
}

impl Leaves {
    /// The leaves of every event `read_all` gives, up to `up_to` (all when None).
    ///
    /// # Errors
    /// `Database` on IO faults.
    pub async fn read(store: &dyn EventStore, up_to: Option<i64>) -> Result<Self, StoreError> {
        let mut leaves = Leaves::default();
        leaves.extend(store, up_to).await?;
        Ok(leaves)
    }

    /// Reads the events after the last leaf, up to `up_to` (all visible when None).
    ///
    /// # Errors
    /// `Database` on IO faults.
    pub async fn extend(&mut self, store: &dyn EventStore, up_to: Option<i64>) -> Result<(), StoreError> {
        let limit = up_to.unwrap_or(i64::MAX);
        while self.last_position() < limit {
            let page = store.read_all(self.last_position(), PAGE).await?;
            if page.is_empty() {
                break;
            }
            for ev in page.iter().take_while(|ev| ev.position <= limit) {
                self.push(ev);
            }
        }
        Ok(())
    }

    fn push(&mut self, ev: &StoredEvent) {
        self.push_event(ev, &stored_event_hash(ev));
    }

    /// Adds the leaf of `ev`, whose content hashes to `event_hash` (in increasing position
    /// order), and notes the key it introduces when it is a [`KEY_ROTATED`] event.
    pub fn push_event(&mut self, ev: &StoredEvent, event_hash: &[u8]) {
        self.push_hashed(ev.position, event_hash);
        if ev.event_type == KEY_ROTATED {
            if let Some(key) = ev.payload_json().ok().and_then(|p| p["chave_nova"].as_str().map(str::to_owned)) {
                self.keys_introduced.push((ev.position, key));
            }
        }
    }

    /// Whether the log introduced the key `key_id` at or before `position`.
    fn introduces(&self, key_id: &str, position: i64) -> bool {
        self.keys_introduced.iter().any(|(at, key)| key == key_id && *at <= position)
    }

    /// Adds the leaf of the event at `position` whose content hashes to `event_hash` (positions
    /// must come in increasing order).
    fn push_hashed(&mut self, position: i64, event_hash: &[u8]) {
        let hash = leaf(position, event_hash);
        self.positions.push(position);
        self.hashes.push(hash);
        self.frontier.push(hash);
    }

    /// How many leaves.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// True when the log gave no event.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// The position of the last leaf (0 when none).
    pub fn last_position(&self) -> i64 {
        self.positions.last().copied().unwrap_or(0)
    }

    /// The leaf index of the event at `position`.
    pub fn index_of(&self, position: i64) -> Option<usize> {
        self.positions.binary_search(&position).ok()
    }

    /// The root of the tree of the first `size` leaves, and the position of the last of them;
    /// None when there are fewer leaves.
    fn prefix(&self, size: usize) -> Option<(Hash, i64)> {
        let position = if size == 0 { 0 } else { *self.positions.get(size - 1)? };
        let root = if size == self.len() { self.frontier.root() } else { merkle::root(&self.hashes[..size]) };
        Some((root, position))
    }

    /// Whether the first `head.tree_size` leaves give `head`'s root and last position.
    pub fn matches(&self, head: &TreeHead) -> bool {
        usize::try_from(head.tree_size)
            .ok()
            .and_then(|n| self.prefix(n))
            .is_some_and(|(root, position)| root.as_slice() == head.root && position == head.position)
    }
}

/// Signs heads: the key, the witness it also writes to, and the leaves read so far (kept, so a
/// long-running server reads each event once).
#[derive(Debug)]
pub struct Notary {
    key: SigningKey,
    witness: Witness,
    leaves: Leaves,
}

impl Notary {
    pub fn new(key: SigningKey, witness: Witness, leaves: Leaves) -> Self {
        Notary { key, witness, leaves }
    }

    /// Signs the head of the latest seal checkpoint when no head covers it yet, records it and
    /// witnesses it. None when there was nothing new to sign (or another notary got there first).
    ///
    /// # Errors
    /// `Corrupt` when the log no longer gives the events the checkpoint sealed (nothing is
    /// signed); `TrustFile` when the witness cannot be written; `Database` on IO faults.
    pub async fn sign_latest(&mut self, store: &dyn EventStore) -> Result<Option<TreeHead>, StoreError> {
        let Some(checkpoint) = store.checkpoints().await?.pop() else { return Ok(None) };
        let signed = store.latest_tree_head().await?.map_or(0, |h| h.tree_size);
        if checkpoint.event_count <= signed {
            return Ok(None);
        }
        self.leaves.extend(store, Some(checkpoint.position)).await?;
        let prefix = usize::try_from(checkpoint.event_count).ok().and_then(|n| self.leaves.prefix(n));
        let Some((root, position)) = prefix.filter(|&(_, position)| position == checkpoint.position) else {
            return Err(StoreError::Corrupt(format!(
                "the log does not give the {} events up to position {} that checkpoint {} sealed",
                checkpoint.event_count, checkpoint.position, checkpoint.seq
            )));
        };
        let head = self.key.sign(checkpoint.event_count, position, &root, now_micros());
        if !store.record_tree_head(&head).await? {
            return Ok(None);
        }
        self.witness.append(&head).await?;
        Ok(Some(head))
    }
}

/// The outcome of [`check`].
#[derive(Debug, Default)]
pub struct HeadCheck {
    /// Distinct heads looked at, from the database and the witness.
    pub heads_checked: usize,
    pub problems: Vec<Problem>,
    /// The leaves of the whole visible log, for the [`Notary`] that signs next.
    pub leaves: Leaves,
    /// Heads of the database that verified and match the log but that a witness lacks (a
    /// signer stopped between recording a head and witnessing it, a witness added later): for
    /// [`Witness::append_where_missing`].
    pub unwitnessed: Vec<TreeHead>,
}

fn head_problem(kind: ProblemKind, position: i64, detail: String) -> Problem {
    Problem { kind, stream_id: None, version: None, position: Some(position), detail }
}

/// Checks every head the database and the witness hold, before anything new is sealed: a
/// witnessed head the database lacks or holds otherwise, a head whose signature does not
/// verify with the keyring, and a log that no longer gives a correctly signed head's root
/// (events changed, removed, swapped or cut off), named at the first position the heads no
/// longer vouch for.
///
/// # Errors
/// `TrustFile` when the witness cannot be read; `Database` on IO faults (a finding is not an error).
pub async fn check(store: &dyn EventStore, keyring: &Keyring, witness: &Witness) -> Result<HeadCheck, StoreError> {
    check_leaves(store, keyring, witness, Leaves::read(store, None).await?).await
}

/// [`check`] against `leaves` already read from the whole visible log (by a verification's
/// scan, so the log is read once).
///
/// # Errors
/// As [`check`].
pub async fn check_leaves(
    store: &dyn EventStore,
    keyring: &Keyring,
    witness: &Witness,
    leaves: Leaves,
) -> Result<HeadCheck, StoreError> {
    let recorded = store.tree_heads().await?;
    let witnessed_by_witness = witness.heads_by_witness().await?;
    let witnessed = union(&witnessed_by_witness);
    let mut problems = Vec::new();
    for w in &witnessed {
        let detail = match recorded.iter().find(|r| r.tree_size == w.tree_size) {
            Some(r) if r == w => continue,
            Some(_) => "o banco guarda outro cabeçalho assinado para este tamanho da árvore",
            None => "o cabeçalho assinado que a testemunha guarda não está no banco",
        };
        problems.push(head_problem(
            ProblemKind::HeadMissing,
            w.position,
            format!("{detail} ({} eventos até a posição {})", w.tree_size, w.position),
        ));
    }
    let mut heads: Vec<&TreeHead> = recorded.iter().chain(&witnessed).collect();
    heads.sort_by_key(|h| h.tree_size);
    heads.dedup();
    let heads_checked = heads.len();
    let mut valid = Vec::new();
    let first_key = keyring.first_key_id();
    for head in heads {
        let why = match keyring.check(head) {
            SignatureCheck::Valid
                if first_key.as_deref() != Some(head.key_id.as_str())
                    && !leaves.introduces(&head.key_id, head.position) =>
            {
                format!("assinado pela chave {}, cuja troca não consta do registro até esta posição", head.key_id)
            }
            SignatureCheck::Valid => {
                valid.push(head);
                continue;
            }
            SignatureCheck::UnknownKey => format!("assinado por uma chave desconhecida ({})", head.key_id),
            SignatureCheck::Invalid => format!("a assinatura não confere com a chave {}", head.key_id),
        };
        problems.push(head_problem(
            ProblemKind::HeadSignature,
            head.position,
            format!("cabeçalho de {} eventos até a posição {}: {why}", head.tree_size, head.position),
        ));
    }
    // One pass over the leaves, the tree grown to each head's size in turn.
    let mut tree = Frontier::default();
    let mut vouched: Option<&TreeHead> = None;
    let mut matched = Vec::new();
    for head in valid {
        let size = usize::try_from(head.tree_size).unwrap_or(usize::MAX);
        while (tree.size() as usize) < size.min(leaves.len()) {
            tree.push(leaves.hashes[tree.size() as usize]);
        }
        let last = if size == 0 { Some(&0) } else { leaves.positions.get(size - 1) };
        if last == Some(&head.position) && tree.root().as_slice() == head.root {
            vouched = Some(head);
            matched.push(head);
            continue;
        }
        // The heads vouch for everything up to the last one that matched; the first position
        // after it is the first they no longer vouch for.
        let position = vouched.map_or(0, |h| h.position);
        let detail = if head.tree_size > leaves.len() as i64 {
            format!(
                "o cabeçalho assinado cobre {} eventos até a posição {}, o registro tem só {}",
                head.tree_size,
                head.position,
                leaves.len()
            )
        } else {
            format!(
                "o registro não dá mais a raiz do cabeçalho assinado de {} eventos até a posição {}",
                head.tree_size, head.position
            )
        };
        problems.push(head_problem(
            ProblemKind::HeadMismatch,
            position + 1,
            format!("{detail}; a primeira divergência está entre as posições {} e {}", position + 1, head.position),
        ));
        break;
    }
    let unwitnessed =
        matched.into_iter().filter(|h| !witnessed_by_witness.iter().all(|held| held.contains(h))).cloned().collect();
    Ok(HeadCheck { heads_checked, problems, leaves, unwitnessed })
}

mod hex_hashes {
    use crate::merkle::Hash;

    pub fn serialize<S: serde::Serializer>(hashes: &[Hash], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(hashes.iter().map(hex::encode))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Hash>, D::Error> {
        let texts: Vec<String> = serde::Deserialize::deserialize(d)?;
        texts
            .iter()
            .map(|t| {
                hex::decode(t)
                    .ok()
                    .and_then(|b| Hash::try_from(b).ok())
                    .ok_or_else(|| serde::de::Error::custom(format!("{t:?} is not a SHA-256 in hex")))
            })
            .collect()
    }
}

/// What a receipt or a consistency proof shows, checked with nothing but public keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofCheck {
    Valid,
    /// A head is signed by a key the keyring does not have.
    UnknownKey,
    /// A head's signature does not verify.
    BadSignature,
    /// The signatures verify and the proof does not.
    ProofFails,
}

fn signatures(keyring: &Keyring, heads: &[&TreeHead]) -> ProofCheck {
    for head in heads {
        match keyring.check(head) {
            SignatureCheck::Valid => {}
            SignatureCheck::UnknownKey => return ProofCheck::UnknownKey,
            SignatureCheck::Invalid => return ProofCheck::BadSignature,
        }
    }
    ProofCheck::Valid
}

fn root_of(head: &TreeHead) -> Option<Hash> {
    Hash::try_from(head.root.as_slice()).ok()
}

/// The proof that one event is in the log: its position and content hash, its leaf index, the
/// inclusion proof and the signed head it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub position: i64,
    /// SHA-256 of the event's content (`hashing`), as recomputed when the receipt was made.
    #[serde(with = "crate::model::hex_bytes")]
    pub event_hash: Vec<u8>,
    pub leaf_index: i64,
    #[serde(with = "hex_hashes")]
    pub inclusion: Vec<Hash>,
    pub head: TreeHead,
}

impl Receipt {
    /// The receipt of `event` against `head`; None when the event is not among the leaves the
    /// head covers or the leaves do not give the head.
    pub fn build(leaves: &Leaves, head: &TreeHead, event: &StoredEvent) -> Option<Receipt> {
        let index = leaves.index_of(event.position)?;
        let size = usize::try_from(head.tree_size).ok()?;
        if index >= size || !leaves.matches(head) {
            return None;
        }
        Some(Receipt {
            position: event.position,
            event_hash: stored_event_hash(event).to_vec(),
            leaf_index: index as i64,
            inclusion: merkle::inclusion_proof(&leaves.hashes[..size], index)?,
            head: head.clone(),
        })
    }

    /// Checks the head's signature and the inclusion of the event's leaf under its root.
    pub fn check(&self, keyring: &Keyring) -> ProofCheck {
        match signatures(keyring, &[&self.head]) {
            ProofCheck::Valid => {}
            refused => return refused,
        }
        let included = root_of(&self.head).is_some_and(|root| {
            merkle::verify_inclusion(
                &leaf(self.position, &self.event_hash),
                self.leaf_index as u64,
                self.head.tree_size as u64,
                &self.inclusion,
                &root,
            )
        });
        if included && self.leaf_index >= 0 && self.head.tree_size >= 0 {
            ProofCheck::Valid
        } else {
            ProofCheck::ProofFails
        }
    }
}

/// The proof that the head `to` extends the head `from`: the log it signs starts with every
/// event `from` signed, unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consistency {
    pub from: TreeHead,
    pub to: TreeHead,
    #[serde(with = "hex_hashes")]
    pub proof: Vec<Hash>,
}

impl Consistency {
    /// The proof between `from` and `to` over `leaves`; None when `from` is the larger or the
    /// leaves do not give both heads.
    pub fn build(leaves: &Leaves, from: &TreeHead, to: &TreeHead) -> Option<Consistency> {
        let (old, new) = (usize::try_from(from.tree_size).ok()?, usize::try_from(to.tree_size).ok()?);
        if old > new || !leaves.matches(from) || !leaves.matches(to) {
            return None;
        }
        let proof = merkle::consistency_proof(&leaves.hashes[..new], old)?;
        Some(Consistency { from: from.clone(), to: to.clone(), proof })
    }

    /// Checks both signatures and the consistency proof.
    pub fn check(&self, keyring: &Keyring) -> ProofCheck {
        match signatures(keyring, &[&self.from, &self.to]) {
            ProofCheck::Valid => {}
            refused => return refused,
        }
        let consistent = match (root_of(&self.from), root_of(&self.to)) {
            (Some(old), Some(new)) => {
                self.from.tree_size >= 0
                    && merkle::verify_consistency(
                        self.from.tree_size as u64,
                        self.to.tree_size as u64,
                        &old,
                        &new,
                        &self.proof,
                    )
            }
            _ => false,
        };
        if consistent {
            ProofCheck::Valid
        } else {
            ProofCheck::ProofFails
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(key: &SigningKey) -> TreeHead {
        key.sign(3, 7, &[9u8; 32], DateTime::from_timestamp_micros(1_000_000).unwrap())
    }

    #[test]
    fn a_head_verifies_with_its_key_only() {
        let key = SigningKey::generate();
        let keyring = Keyring::parse(&key.public_key().to_base64()).unwrap();
        assert_eq!(keyring.check(&head(&key)), SignatureCheck::Valid);
        assert_eq!(keyring.check(&head(&SigningKey::generate())), SignatureCheck::UnknownKey);
        let mut forged = head(&key);
        forged.position += 1;
        assert_eq!(keyring.check(&forged), SignatureCheck::Invalid);
    }

    #[test]
    fn a_key_survives_its_file_and_its_debug_shows_no_secret() {
        let dir = std::env::temp_dir().join(format!("autos-heads-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("signing.key");
        let key = SigningKey::generate();
        key.store(&path).unwrap();
        let loaded = SigningKey::load(&path).unwrap().expect("written");
        assert_eq!(loaded.public_key(), key.public_key());
        assert!(!format!("{loaded:?}").contains(&key.to_base64()));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
