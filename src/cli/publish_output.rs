//! Where `animate`, `report` and `publish` write: `-o FILE`, or `-o FILE.age` sealed in the age
//! format with `--passphrase-env VAR` or `--recipient age1…` (as `export` does), so a report
//! from an encrypted project need not be written in plaintext. `age -d` opens the result.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::evidence::Seal;

/// The options that seal a published file.
#[derive(Debug, clap::Args)]
pub struct SealArgs {
    /// Encrypt the output (age format) with the passphrase in this environment variable
    /// (the output's name should end in .age).
    #[arg(long, value_name = "VAR")]
    pub passphrase_env: Option<String>,
    /// Encrypt the output (age format) to this age public key (`age1…`; repeatable).
    #[arg(long = "recipient", value_name = "AGE1…")]
    pub recipients: Vec<String>,
}

/// The text the commands' help shares.
pub const HELP: &str = "\
OUT ending in .age (report.pdf.age, map.html.age, raids.gif.age) is encrypted in the age format
with --passphrase-env VAR or to --recipient age1... keys (not both); `age -d` decrypts it and
nothing is written in plaintext. Publishing an encrypted project or file to a plaintext OUT
says so on stderr first.";

/// A published file: its path and the seal when it is to be encrypted.
#[derive(Debug)]
pub(super) struct Out {
    pub path: PathBuf,
    pub seal: Option<Seal>,
}

impl Out {
    /// Read `-o` and the seal options; `Err` is a usage error already printed.
    pub(super) fn new(path: &Path, args: &SealArgs) -> Result<Self, ExitCode> {
        let sealed_name = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("age"));
        let seal = if sealed_name || args.passphrase_env.is_some() || !args.recipients.is_empty() {
            Some(crate::cli::evidence::encrypt::seal_from(
                args.passphrase_env.as_deref(),
                &args.recipients,
            )?)
        } else {
            None
        };
        Ok(Self {
            path: path.to_owned(),
            seal,
        })
    }

    pub(super) fn output(&self) -> crate::publish::Output<'_> {
        crate::publish::Output {
            path: &self.path,
            seal: self.seal.as_ref(),
        }
    }
}
