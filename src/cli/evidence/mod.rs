//! Subcommands for evidence and encryption: `attach`, `photos`, `log`, `encrypt`, `decrypt`;
//! `unlock.rs` sets up keys for any command (global `--identity`, `RAIDMAP_PASSPHRASE`, a
//! terminal prompt) and `evidence_dir.rs` is `export --evidence`.

pub mod attach;
pub mod decrypt;
pub mod encrypt;
pub(crate) mod evidence_dir;
pub mod log;
pub mod photos;
pub mod unlock;
