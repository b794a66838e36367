//! How every command gets keys for sealed (age-encrypted) projects and layers: `--identity
//! FILE` (repeatable), the `RAIDMAP_PASSPHRASE` environment variable, or a prompt on the
//! terminal when neither gives a passphrase (the window has its own, `ui::app::unlock`). Set up once before a command runs
//! ([`crate::evidence::keys`] holds them).

use std::io::IsTerminal as _;
use std::path::PathBuf;

use age::secrecy::SecretString;

/// The environment variable a passphrase is read from.
pub const PASSPHRASE_VAR: &str = "RAIDMAP_PASSPHRASE";

/// Load the identity files and the passphrase (for the window too, which asks for what is
/// missing in its own prompt).
pub fn load_keys(identities: &[PathBuf]) -> Result<(), String> {
    for path in identities {
        crate::evidence::keys::add_identity_file(path)?;
    }
    if let Some(passphrase) = passphrase_from_env(PASSPHRASE_VAR) {
        crate::evidence::keys::set_passphrase(passphrase);
    }
    Ok(())
}

/// Load the identity files and the passphrase; install the terminal prompt.
pub fn setup(identities: &[PathBuf]) -> Result<(), String> {
    load_keys(identities)?;
    crate::evidence::keys::set_prompt(|name| {
        if !std::io::stdin().is_terminal() {
            return None;
        }
        rpassword::prompt_password(format!("Passphrase for {name}: "))
            .ok()
            .filter(|p| !p.is_empty())
            .map(SecretString::from)
    });
    Ok(())
}

/// The passphrase in the environment variable `var`, if set and not empty.
pub fn passphrase_from_env(var: &str) -> Option<SecretString> {
    let mut value = std::env::var(var).ok()?;
    let secret = (!value.is_empty()).then(|| SecretString::from(value.as_str()));
    zeroize::Zeroize::zeroize(&mut value);
    secret
}
