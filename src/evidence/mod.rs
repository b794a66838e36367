//! Evidence: files attached to features, named by their SHA-256; geotagged photos as points;
//! the custody log of what happened to each item; encryption of projects and layers at rest.
//!
//! - [`attachment`]: the `"raidmap:attachments"` member of a feature (name, SHA-256, size,
//!   media type, when and by whom added) and the undoable edits that change it.
//! - [`store`]: the attached files' bytes by hash, and the check of every hash on open.
//! - [`export`]: layers written to a file with their attachments listed (and sealed when asked),
//!   the one way the command line and the window export them.
//! - [`custody`]: the append-only log, each entry hashed over the one before it, so a changed
//!   or removed line breaks the chain.
//! - [`seal`]: the age format (`age-encryption.org/v1`) through the `age` crate: a passphrase
//!   or the team's `age1…` keys; [`keys`] holds what the process may open files with.
//! - [`photos`]: EXIF GPS position, time, direction and camera of photos, as point features.
//! - [`temp`]: private temporary copies of attached files for the system viewer.
//!
//! Nothing here knows about the screen; the project format ([`crate::project`]) stores it.

pub mod attachment;
pub mod custody;
pub mod export;
pub mod keys;
pub mod photos;
pub mod seal;
pub mod store;
pub mod temp;

pub use attachment::Attachment;
pub use custody::{CustodyLog, Event};
pub use seal::Seal;
pub use store::{Check, Store};

use sha2::{Digest as _, Sha256};

/// What a project holds besides its layers: the attached files, the custody log, and how the
/// project is encrypted (if it is).
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub store: Store,
    pub log: CustodyLog,
    /// How the project is sealed when saved; `None` saves it in plaintext.
    pub seal: Option<Seal>,
    /// Keep downloaded map tiles in memory only while this project is open.
    pub tiles_memory_only: bool,
}

/// The SHA-256 of `bytes`, as 64 lowercase hexadecimal digits (as `sha256sum` prints it).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    text
}

/// Whether `text` is a SHA-256 as [`sha256_hex`] writes it (so it can name a file safely).
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The user name written into the custody log and attachments: `RAIDMAP_USER`, else the
/// login name (`USER`, `USERNAME`), else `unknown`.
pub fn default_user() -> String {
    ["RAIDMAP_USER", "USER", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

/// Now, in UTC, as RFC 3339 with seconds (`2026-12-05T22:10:03Z`).
pub fn now_utc() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string()
}
