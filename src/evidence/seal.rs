//! Encryption at rest in the age format (`age-encryption.org/v1`, <https://age-encryption.org>)
//! through the `age` crate: a file sealed here opens with `age -d`, and a file `age` encrypted
//! opens here.
//!
//! A file is sealed either with a passphrase (scrypt) or to the X25519 public keys (`age1…`) of
//! the people who may open it; the age format does not allow both in one file (a passphrase
//! stanza must be the only one), so asking for both is refused ([`SealError::Both`]).

use std::io::{Read as _, Write as _};

use age::secrecy::SecretString;

/// The first line of every binary age file.
pub const MAGIC: &[u8] = b"age-encryption.org/v1\n";
/// The first line of an ASCII-armored age file (`age -a`).
const ARMOR: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";

/// The scrypt work factor (log2 N) of a passphrase raidmap seals with: the `age` command's own
/// (Go age writes 18), so the cost of opening does not depend on how busy the machine was while
/// saving, and every `age` accepts the file. The age crate would time this machine instead.
const SEAL_WORK_FACTOR: u8 = 18;

/// The highest work factor a passphrase-protected file may ask for when opened: the `age`
/// command's limit (22). The age crate's own limit is its timing of this machine plus 4, so on
/// a busy machine it refused files that a quiet one had sealed ("excessive work parameter").
const OPEN_MAX_WORK_FACTOR: u8 = 22;

/// How a file is sealed.
#[derive(Clone)]
pub enum Seal {
    Passphrase(SecretString),
    /// The `age1…` public keys; each one's private key opens the file.
    Recipients(Vec<age::x25519::Recipient>),
}

impl std::fmt::Debug for Seal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Seal::Passphrase(_) => f.write_str("Seal::Passphrase(…)"),
            Seal::Recipients(r) => f.debug_tuple("Seal::Recipients").field(r).finish(),
        }
    }
}

/// Why a seal could not be made or used.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(
        "a file cannot be sealed with a passphrase and with public keys at once (the age format \
         allows a passphrase only alone): choose one"
    )]
    Both,
    #[error("no passphrase and no public key (age1…) was given to encrypt with")]
    Nothing,
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    #[error("{0:?} is not an age public key (they look like age1…, 62 characters)")]
    BadRecipient(String),
    #[error("cannot encrypt: {0}")]
    Encrypt(String),
}

impl Seal {
    /// A seal from what the user gave: a passphrase or public keys, not both.
    pub fn new(passphrase: Option<SecretString>, recipients: &[String]) -> Result<Self, SealError> {
        use age::secrecy::ExposeSecret as _;
        match (passphrase, recipients.is_empty()) {
            (Some(_), false) => Err(SealError::Both),
            (None, true) => Err(SealError::Nothing),
            (Some(p), true) if p.expose_secret().is_empty() => Err(SealError::EmptyPassphrase),
            (Some(p), true) => Ok(Seal::Passphrase(p)),
            (None, false) => recipients
                .iter()
                .map(|r| {
                    r.trim()
                        .parse::<age::x25519::Recipient>()
                        .map_err(|_| SealError::BadRecipient(r.clone()))
                })
                .collect::<Result<_, _>>()
                .map(Seal::Recipients),
        }
    }

    /// The public keys as text (empty for a passphrase).
    pub fn recipient_keys(&self) -> Vec<String> {
        match self {
            Seal::Passphrase(_) => Vec::new(),
            Seal::Recipients(r) => r.iter().map(ToString::to_string).collect(),
        }
    }

    /// In words, for the status line and the log.
    pub fn describe(&self) -> String {
        match self {
            Seal::Passphrase(_) => "with a passphrase".into(),
            Seal::Recipients(r) if r.len() == 1 => "to 1 public key".into(),
            Seal::Recipients(r) => format!("to {} public keys", r.len()),
        }
    }

    /// Encrypt `plaintext` into an age file.
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        if matches!(self, Seal::Recipients(r) if r.is_empty()) {
            return Err(SealError::Nothing);
        }
        let encryptor = match self {
            Seal::Passphrase(p) => {
                let mut recipient = age::scrypt::Recipient::new(p.clone());
                recipient.set_work_factor(SEAL_WORK_FACTOR);
                age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                    .map_err(|e| SealError::Encrypt(e.to_string()))?
            }
            Seal::Recipients(r) => {
                age::Encryptor::with_recipients(r.iter().map(|r| r as &dyn age::Recipient))
                    .map_err(|e| SealError::Encrypt(e.to_string()))?
            }
        };
        let fail = |e: std::io::Error| SealError::Encrypt(e.to_string());
        let mut out = Vec::with_capacity(plaintext.len() + 512);
        let mut writer = encryptor.wrap_output(&mut out).map_err(fail)?;
        writer.write_all(plaintext).map_err(fail)?;
        writer.finish().map_err(fail)?;
        Ok(out)
    }

    /// Encrypt `plaintext` and write the age file at `path`, atomically.
    pub fn write_file(&self, path: &std::path::Path, plaintext: &[u8]) -> anyhow::Result<()> {
        let sealed = self.encrypt(plaintext)?;
        crate::io::write_atomic(path, |w| w.write_all(&sealed))?;
        Ok(())
    }
}

/// Whether `bytes` are an age file (binary or armored).
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC) || bytes.starts_with(ARMOR)
}

/// Why a sealed file could not be opened; nothing was changed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OpenError {
    #[error(
        "it is encrypted with a passphrase: give it (RAIDMAP_PASSPHRASE, or type it when asked)"
    )]
    NeedPassphrase,
    #[error("the passphrase is wrong")]
    WrongPassphrase,
    #[error(
        "it is encrypted to age public keys: give the matching identity file (--identity FILE)"
    )]
    NeedIdentity,
    #[error("none of the given identities can open it (it was encrypted to other keys)")]
    NoMatchingKey,
    #[error("it is an ASCII-armored age file: turn it into a binary one with `age -d` first")]
    Armored,
    #[error("it is not a readable age file: {0}")]
    Damaged(String),
}

/// The kind of seal a file has, read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Passphrase,
    Recipients,
}

/// Read the header of an age file: which kind of key opens it.
pub fn kind(bytes: &[u8]) -> Result<Kind, OpenError> {
    if bytes.starts_with(ARMOR) {
        return Err(OpenError::Armored);
    }
    let d = age::Decryptor::new_buffered(bytes).map_err(|e| OpenError::Damaged(e.to_string()))?;
    Ok(if d.is_scrypt() {
        Kind::Passphrase
    } else {
        Kind::Recipients
    })
}

/// Decrypt an age file with a passphrase.
pub fn open_with_passphrase(bytes: &[u8], passphrase: &SecretString) -> Result<Vec<u8>, OpenError> {
    let mut identity = age::scrypt::Identity::new(passphrase.clone());
    identity.set_max_work_factor(OPEN_MAX_WORK_FACTOR);
    decrypt(bytes, std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
        OpenError::NoMatchingKey => OpenError::WrongPassphrase,
        e => e,
    })
}

/// Decrypt an age file with any of `identities`.
pub fn open_with_identities(
    bytes: &[u8],
    identities: &[Box<dyn age::Identity + Send + Sync>],
) -> Result<Vec<u8>, OpenError> {
    if identities.is_empty() {
        return Err(OpenError::NeedIdentity);
    }
    decrypt(bytes, identities.iter().map(|i| &**i as &dyn age::Identity))
}

fn decrypt<'a>(
    bytes: &[u8],
    identities: impl Iterator<Item = &'a dyn age::Identity>,
) -> Result<Vec<u8>, OpenError> {
    if bytes.starts_with(ARMOR) {
        return Err(OpenError::Armored);
    }
    let d = age::Decryptor::new_buffered(bytes).map_err(|e| OpenError::Damaged(e.to_string()))?;
    let mut reader = d.decrypt(identities).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys
        | age::DecryptError::DecryptionFailed
        | age::DecryptError::KeyDecryptionFailed => OpenError::NoMatchingKey,
        e => OpenError::Damaged(e.to_string()),
    })?;
    let mut plaintext = Vec::new();
    reader
        .read_to_end(&mut plaintext)
        .map_err(|e| OpenError::Damaged(e.to_string()))?;
    Ok(plaintext)
}

/// Read an identity file (`age-keygen` output: `AGE-SECRET-KEY-1…` lines, `#` comments).
pub fn read_identity_file(
    path: &std::path::Path,
) -> Result<Vec<Box<dyn age::Identity + Send + Sync>>, String> {
    let file = age::IdentityFile::from_file(path.to_string_lossy().into_owned())
        .map_err(|e| format!("cannot read the identity file {}: {e}", path.display()))?;
    let identities = file
        .into_identities()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if identities.is_empty() {
        return Err(format!("{} holds no age identity", path.display()));
    }
    Ok(identities)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passphrase_seal_asks_the_age_commands_work_factor_and_opens_again() {
        let passphrase = SecretString::from("correct horse".to_owned());
        let seal = Seal::Passphrase(passphrase.clone());
        let sealed = seal.encrypt(b"Mango Park").expect("sealed");
        // The header's scrypt stanza: `-> scrypt SALT LOG_N`.
        let header = String::from_utf8_lossy(&sealed[..sealed.len().min(200)]).into_owned();
        let stanza = header
            .lines()
            .find(|l| l.starts_with("-> scrypt "))
            .unwrap_or_else(|| panic!("no scrypt stanza in {header:?}"));
        assert_eq!(stanza.rsplit(' ').next(), Some("18"), "{stanza}");
        let opened = open_with_passphrase(&sealed, &passphrase).expect("opens");
        assert_eq!(opened, b"Mango Park");
    }
}
