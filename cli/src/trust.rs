//! The signed tree heads on the command line: where their files live (beside the master key, in
//! the working directory), `autos keys create` / `rotate`, the check of every head that
//! `autos verify` runs before it seals anything, the notary that signs what was sealed, and
//! `autos proof check`, which needs no database — only a public key and a proof.

use std::path::Path;

use autos_store::integrity::Problem;
use autos_store::tree_heads::{
    Consistency, HeadCheck, Keyring, Leaves, Notary, ProofCheck, Receipt, SignatureCheck, SigningKey, TrustFiles,
    Witness,
};
use autos_store::{EventStore, TreeHead};

use crate::CliError;

/// The secret key that signs tree heads when `AUTOS_SIGNING_KEY` does not give it.
const SIGNING_KEY_FILE: &str = "./autos.signing.key";
/// Every public key that ever signed a head, one base64 key a line: what an auditor is given.
const KEYRING_FILE: &str = "./autos.signing.pub";
/// The witness directory: every signed head is appended there too.
const WITNESS_DIR: &str = "./autos.witness";

/// The witnesses: the directory beside the key file, the directories `AUTOS_WITNESS_DIRS` names
/// (separated by `:`, e.g. a mount of another machine) and the databases and services
/// `AUTOS_WITNESS_URLS` names (separated by spaces: `sqlite:/mnt/outra/testemunha.db`,
/// `postgres://testemunha@outro-servidor/autos_testemunha`,
/// `https://testemunha.exemplo.gov.br/cabecalhos`), each getting every signed head.
///
/// # Errors
/// `Store` (`Witness`) for a URL of none of those kinds.
pub fn witness() -> Result<Witness, CliError> {
    let mut dirs = vec![std::path::PathBuf::from(WITNESS_DIR)];
    if let Some(more) = std::env::var_os("AUTOS_WITNESS_DIRS") {
        dirs.extend(std::env::split_paths(&more).filter(|d| !d.as_os_str().is_empty()));
    }
    let urls: Vec<String> = std::env::var("AUTOS_WITNESS_URLS")
        .map(|urls| urls.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    Ok(Witness::in_dirs(&dirs).and_urls(&urls)?)
}

/// The keyring and the witnesses, which heads are checked from.
///
/// # Errors
/// As [`witness`].
pub fn files() -> Result<TrustFiles, CliError> {
    Ok(TrustFiles { keyring: KEYRING_FILE.into(), witness: witness()? })
}

/// The server's signing key: [`existing_signing_key`], or a fresh one written to
/// `./autos.signing.key` (mode 0600) on the first start.
///
/// # Errors
/// `Store` (`TrustFile`) when the key is malformed or a file cannot be read or written.
pub fn signing_key() -> Result<SigningKey, CliError> {
    if let Some(key) = existing_signing_key()? {
        return Ok(key);
    }
    let key = SigningKey::generate();
    key.store(Path::new(SIGNING_KEY_FILE))?;
    Keyring::add(Path::new(KEYRING_FILE), &key.public_key())?;
    Ok(key)
}

/// The key that signs heads, if this installation has one: `AUTOS_SIGNING_KEY` (base64 of 32
/// bytes) or the file `./autos.signing.key`. Its public key is always in the keyring, so the
/// heads it signs verify. A command run elsewhere (an auditor's `autos verify`) has none and
/// signs nothing, rather than sign the log with a key the server does not know.
///
/// # Errors
/// `Store` (`TrustFile`) when the key is malformed or a file cannot be read or written.
pub fn existing_signing_key() -> Result<Option<SigningKey>, CliError> {
    let key = match std::env::var("AUTOS_SIGNING_KEY") {
        Ok(text) => Some(SigningKey::from_base64(&text)?),
        Err(_) => SigningKey::load(Path::new(SIGNING_KEY_FILE))?,
    };
    if let Some(key) = &key {
        Keyring::add(Path::new(KEYRING_FILE), &key.public_key())?;
    }
    Ok(key)
}

/// Checks every head of the database and the witness against the log (before anything is
/// sealed) and prints what it found.
///
/// # Errors
/// `IntegrityFailed` when a head is missing, unsigned or no longer matched; `Store` on faults.
pub async fn check_heads(store: &dyn EventStore) -> Result<HeadCheck, CliError> {
    let check = files()?.check(store).await?;
    println!("{} cabeçalhos assinados verificados (banco e testemunha).", check.heads_checked);
    if check.problems.is_empty() {
        witness_unwitnessed(&check).await?;
        return Ok(check);
    }
    print_problems(&check.problems);
    println!("Nada foi selado: o registro não confere com os cabeçalhos assinados.");
    Err(CliError::IntegrityFailed(check.problems.len()))
}

/// Gives each witness the verified heads it lacks.
///
/// # Errors
/// `Store` (`TrustFile`, `Witness`) when a witness cannot be written.
pub async fn witness_unwitnessed(check: &HeadCheck) -> Result<(), CliError> {
    Ok(witness()?.append_where_missing(&check.unwitnessed).await?)
}

/// Prints each problem found.
pub fn print_problems(problems: &[Problem]) {
    for problem in problems {
        println!("PROBLEMA: {problem}");
    }
}

/// Signs, records and witnesses the head of the latest checkpoint when none covers it yet, and
/// says so.
///
/// # Errors
/// `Store` when the log does not give the sealed events, the witness cannot be written, or on faults.
pub async fn sign_latest(notary: &mut Notary, store: &dyn EventStore) -> Result<(), CliError> {
    if let Some(head) = notary.sign_latest(store).await? {
        println!(
            "Cabeçalho assinado: {} eventos até a posição {}, chave {}, raiz {}.",
            head.tree_size,
            head.position,
            head.key_id,
            hex::encode(&head.root)
        );
    }
    Ok(())
}

/// The signed head `text` holds — its JSON, or the path of a file holding it — or None when it
/// is something else (an exported checkpoint).
///
/// # Errors
/// `Config` when it looks like a head and is not one.
pub fn kept_head(text: &str) -> Result<Option<TreeHead>, CliError> {
    let path = Path::new(text.trim());
    let json = if text.trim_start().starts_with('{') {
        text.to_owned()
    } else if path.is_file() {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::Config(format!("não foi possível ler {}: {e}", path.display())))?
    } else {
        return Ok(None);
    };
    serde_json::from_str(json.trim()).map(Some).map_err(|_| {
        CliError::Config("o cabeçalho dado não é um cabeçalho assinado (JSON de uma linha da testemunha)".into())
    })
}

/// `autos verify --against HEAD`: the head's signature verifies with the keyring and the log
/// still gives its root — everything it signed is there, unchanged.
///
/// # Errors
/// `IntegrityFailed` when it does not hold, `Store` on faults.
pub async fn verify_against_head(store: &dyn EventStore, head: &TreeHead) -> Result<(), CliError> {
    let why = match files()?.check_signature(head)? {
        SignatureCheck::Valid => {
            let leaves = Leaves::read(store, Some(head.position)).await?;
            if leaves.matches(head) {
                println!(
                    "O registro ainda contém, inalterado, tudo o que o cabeçalho assinado atestou ({} eventos até a posição {}).",
                    head.tree_size, head.position
                );
                return Ok(());
            }
            "o registro não dá mais a raiz que o cabeçalho assinou"
        }
        SignatureCheck::UnknownKey => "o cabeçalho foi assinado por uma chave que não está no chaveiro",
        SignatureCheck::Invalid => "a assinatura do cabeçalho não confere",
    };
    println!("DIVERGÊNCIA: {why} ({} eventos até a posição {}).", head.tree_size, head.position);
    Err(CliError::IntegrityFailed(1))
}

fn print_public(key: &SigningKey) {
    let public = key.public_key();
    println!("Chave pública {} (em {KEYRING_FILE}, entregue este arquivo aos auditores):", public.key_id());
    println!("{}", public.to_base64());
}

/// `autos keys create`: a first signing key in `./autos.signing.key`, its public key added to
/// the keyring.
///
/// # Errors
/// `Config` when a key already exists; `Store` when a file cannot be written.
pub fn keys_create() -> Result<(), CliError> {
    let path = Path::new(SIGNING_KEY_FILE);
    if SigningKey::load(path)?.is_some() {
        return Err(CliError::Config(format!(
            "já existe uma chave de assinatura em {SIGNING_KEY_FILE}; para trocá-la use `autos keys rotate`"
        )));
    }
    let key = SigningKey::generate();
    key.store(path)?;
    Keyring::add(Path::new(KEYRING_FILE), &key.public_key())?;
    println!("Chave de assinatura criada em {SIGNING_KEY_FILE} (guarde-a fora do banco, como a chave mestra).");
    print_public(&key);
    Ok(())
}

/// `autos keys rotate`: checks the log against every head, records the rotation as an event
/// of `officer` (an active admin; default the first), then a new key signs from now on; the old
/// public key stays in the keyring, so every head signed before still verifies. The event is in
/// the log before the new key can sign, and the new public key enters the keyring before the key
/// file is replaced, so no head is ever signed by a key the keyring or the log lacks. What is
/// sealed but unsigned is signed with the new key at once.
///
/// # Errors
/// `Config` when there is no key file to rotate (or the key comes from `AUTOS_SIGNING_KEY`) or
/// the officer is not an active admin, `IntegrityFailed` when the log does not match its heads,
/// `Store` on faults.
pub async fn keys_rotate(url: &str, officer: Option<uuid::Uuid>) -> Result<(), CliError> {
    if std::env::var_os("AUTOS_SIGNING_KEY").is_some() {
        return Err(CliError::Config("a chave vem de AUTOS_SIGNING_KEY: troque-a na variável".into()));
    }
    let path = Path::new(SIGNING_KEY_FILE);
    let Some(old) = SigningKey::load(path)? else {
        return Err(CliError::Config(format!(
            "não há chave em {SIGNING_KEY_FILE} para trocar; crie uma com `autos keys create`"
        )));
    };
    let store = autos_store::open(url, 2).await?;
    let officer = crate::ops::acting_admin(store.as_ref(), officer, "trocar a chave de assinatura").await?;
    let check = check_heads(store.as_ref()).await?;
    let new = SigningKey::generate();
    let command = serde_json::json!({ "act": "trocar_chave_de_assinatura", "chave_nova": new.public_key().key_id() });
    let provenance = crate::ops::provenance_of(&officer, command);
    let today = chrono::Local::now().date_naive();
    autos_store::tree_heads::record_rotation(store.as_ref(), &old.public_key(), &new.public_key(), provenance, today)
        .await?;
    Keyring::add(Path::new(KEYRING_FILE), &new.public_key())?;
    new.store(path)?;
    println!(
        "Chave {} substituída pela chave {}; a troca está no registro, a anterior continua no chaveiro e os cabeçalhos que assinou seguem válidos.",
        old.public_key().key_id(),
        new.public_key().key_id()
    );
    print_public(&new);
    println!("Reinicie `autos serve`: até lá ele assina com a chave anterior, que segue válida.");
    autos_store::integrity::seal_all(store.as_ref()).await?;
    sign_latest(&mut Notary::new(new, witness()?, check.leaves), store.as_ref()).await
}

/// `autos proof check`: verifies a receipt (`GET /api/v1/auditoria/prova/{position}`) or a
/// consistency proof (`GET /api/v1/auditoria/consistencia?from=N`) with nothing but the public keys
/// in `public_key` (one base64 key a line, as `./autos.signing.pub`). No database is opened.
///
/// # Errors
/// `Config` for an unreadable or malformed file, `IntegrityFailed` when the proof does not hold.
pub fn proof_check(public_key: &Path, proof: &Path) -> Result<(), CliError> {
    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::Config(format!("não foi possível ler {}: {e}", path.display())))
    };
    let keyring = Keyring::parse(&read(public_key)?)
        .map_err(|_| CliError::Config(format!("{} não contém chaves públicas em base64", public_key.display())))?;
    let text = read(proof)?;
    let not_a_proof = || CliError::Config(format!("{} não é um recibo nem uma prova de consistência", proof.display()));
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|_| not_a_proof())?;
    let (verdict, what) = if value.get("inclusion").is_some() {
        let receipt: Receipt = serde_json::from_value(value).map_err(|_| not_a_proof())?;
        let what = format!(
            "o evento da posição {} (hash {}) está no registro assinado de {} eventos até a posição {}",
            receipt.position,
            hex::encode(&receipt.event_hash),
            receipt.head.tree_size,
            receipt.head.position
        );
        (receipt.check(&keyring), what)
    } else {
        let consistency: Consistency = serde_json::from_value(value).map_err(|_| not_a_proof())?;
        let what = format!(
            "o registro assinado de {} eventos começa, inalterado, pelos {} eventos do cabeçalho anterior",
            consistency.to.tree_size, consistency.from.tree_size
        );
        (consistency.check(&keyring), what)
    };
    match verdict {
        ProofCheck::Valid => {
            println!("Prova válida: {what}.");
            Ok(())
        }
        refused => {
            println!(
                "PROVA INVÁLIDA: {}.",
                match refused {
                    ProofCheck::UnknownKey => "o cabeçalho foi assinado por uma chave que não está entre as fornecidas",
                    ProofCheck::BadSignature => "a assinatura do cabeçalho não confere",
                    _ => "a prova não leva o evento à raiz assinada",
                }
            );
            Err(CliError::IntegrityFailed(1))
        }
    }
}
