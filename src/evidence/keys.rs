//! What this process may open sealed files with: a passphrase, identity files, and a way to ask
//! for a passphrase. The command line fills it from `RAIDMAP_PASSPHRASE`, `--identity` and the
//! terminal; the window from its passphrase prompt and the identity file in its preferences.
//! Every reader of projects and layers opens sealed files through [`unseal`], so every command
//! reads encrypted files the same way.
//!
//! The passphrase is a [`SecretString`] (zeroed when dropped) and is kept only until the
//! process ends or it is replaced.

use std::sync::{LazyLock, Mutex};

use age::secrecy::SecretString;

use super::seal::{self, Kind, OpenError};

type Prompt = Box<dyn Fn(&str) -> Option<SecretString> + Send + Sync>;

#[derive(Default)]
struct Keys {
    passphrase: Option<SecretString>,
    identities: Vec<Box<dyn age::Identity + Send + Sync>>,
    prompt: Option<Prompt>,
}

static KEYS: LazyLock<Mutex<Keys>> = LazyLock::new(Mutex::default);

fn keys() -> std::sync::MutexGuard<'static, Keys> {
    KEYS.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Use `passphrase` for files sealed with a passphrase.
pub fn set_passphrase(passphrase: SecretString) {
    keys().passphrase = Some(passphrase);
}

/// Forget the passphrase (it is zeroed).
pub fn forget_passphrase() {
    keys().passphrase = None;
}

/// Add the identities of an age identity file.
pub fn add_identity_file(path: &std::path::Path) -> Result<(), String> {
    let identities = seal::read_identity_file(path)?;
    keys().identities.extend(identities);
    Ok(())
}

/// Ask with `prompt` (given the file's name) when a passphrase is needed and none is set.
pub fn set_prompt(prompt: impl Fn(&str) -> Option<SecretString> + Send + Sync + 'static) {
    keys().prompt = Some(Box::new(prompt));
}

/// A file opened by [`unseal`]: its plaintext, and the passphrase that opened it (to seal it
/// again the same way when saved).
pub struct Unsealed {
    pub plaintext: Vec<u8>,
    pub passphrase: Option<SecretString>,
}

/// Decrypt `bytes` (an age file called `name`) with the keys set here, asking for a passphrase
/// through the prompt when none is set.
pub fn unseal(bytes: &[u8], name: &str) -> Result<Unsealed, OpenError> {
    unseal_with(bytes, name, None)
}

/// [`unseal`], trying `given` (a passphrase the window asked for) before the one set here.
pub fn unseal_with(
    bytes: &[u8],
    name: &str,
    given: Option<SecretString>,
) -> Result<Unsealed, OpenError> {
    match seal::kind(bytes)? {
        Kind::Recipients => {
            let keys = keys();
            let plaintext = seal::open_with_identities(bytes, &keys.identities)?;
            Ok(Unsealed {
                plaintext,
                passphrase: None,
            })
        }
        Kind::Passphrase => {
            let (set, asked) = {
                let keys = keys();
                match (given, &keys.passphrase) {
                    (Some(p), _) => (Some(p), None),
                    (None, Some(p)) => (Some(p.clone()), None),
                    (None, None) => (None, keys.prompt.as_ref().and_then(|ask| ask(name))),
                }
            };
            let passphrase = set.or(asked).ok_or(OpenError::NeedPassphrase)?;
            let plaintext = seal::open_with_passphrase(bytes, &passphrase)?;
            Ok(Unsealed {
                plaintext,
                passphrase: Some(passphrase),
            })
        }
    }
}
