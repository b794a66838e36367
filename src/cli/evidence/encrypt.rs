//! `raidmap encrypt PROJECT -o OUT (--passphrase-env VAR | --recipient age1…)…`: seal a whole
//! project, attachments included, in the age format; `age -d` opens the result too.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{EXIT_USAGE, case};
use crate::evidence::seal::SealError;
use crate::evidence::{Event, Seal};

/// Encrypt a project (every layer embedded, attachments and custody log included) with a
/// passphrase or to the age public keys of the people who may open it. A layer file (GeoJSON,
/// KML, CSV, …) is encrypted as it is.
///
/// The result is an age file (age-encryption.org/v1): `age -d` decrypts it with the same
/// passphrase or key. The age format allows a passphrase only alone, so giving both
/// --passphrase-env and --recipient is refused (exit status 2).
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("key").required(true).multiple(true))]
pub struct Args {
    /// The project (`.raidmap`) or layer file to encrypt (itself encrypted or not).
    pub input: PathBuf,
    /// Where to write the encrypted file (atomically; may be INPUT).
    #[arg(short = 'o', long = "output", required = true)]
    pub output: PathBuf,
    /// Read the passphrase from this environment variable.
    #[arg(long, value_name = "VAR", group = "key")]
    pub passphrase_env: Option<String>,
    /// An age public key (`age1…`) that may open the file (repeatable).
    #[arg(long = "recipient", value_name = "AGE1…", group = "key")]
    pub recipients: Vec<String>,
}

/// The seal the options ask for; `Err` is a usage error already printed.
pub fn seal_from(passphrase_env: Option<&str>, recipients: &[String]) -> Result<Seal, ExitCode> {
    let passphrase = match passphrase_env {
        Some(var) => match crate::cli::evidence::unlock::passphrase_from_env(var) {
            Some(p) => Some(p),
            None => {
                eprintln!(
                    "raidmap: --passphrase-env {var}: the variable {var} is not set or empty"
                );
                return Err(ExitCode::from(EXIT_USAGE));
            }
        },
        None => None,
    };
    Seal::new(passphrase, recipients).map_err(|e| {
        eprintln!("raidmap: {e}");
        match e {
            SealError::Both | SealError::Nothing | SealError::EmptyPassphrase => {
                ExitCode::from(EXIT_USAGE)
            }
            _ => ExitCode::from(crate::cli::EXIT_BAD_INPUT),
        }
    })
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let seal = match seal_from(args.passphrase_env.as_deref(), &args.recipients) {
        Ok(seal) => seal,
        Err(code) => return Ok(code),
    };
    let how = seal.describe();
    reseal(&args.input, &args.output, Some(seal), Event::Encrypted)?;
    eprintln!(
        "raidmap: encrypted {} {how} into {}",
        args.input.display(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Write `input` to `output` sealed with `seal` (`None`: in plaintext). A project is opened and
/// saved whole, recording `event` in its custody log with the SHA-256 of the file read; any
/// other file is decrypted if needed and written with the new seal.
pub fn reseal(input: &Path, output: &Path, seal: Option<Seal>, event: Event) -> anyhow::Result<()> {
    let read = std::fs::read(input)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", input.display()))?;
    let read_sha = crate::evidence::sha256_hex(&read);
    if crate::project::is_project_file(input) {
        let mut project = case::open(input)?;
        project.evidence.seal = seal;
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        project.evidence.log.record(
            &crate::evidence::default_user(),
            event,
            &read_sha,
            &format!("{name} into {}", output.display()),
        );
        for layer in &mut project.layers {
            layer.embedded = true;
        }
        return case::save(output, &project);
    }
    let name = input.display().to_string();
    let plain = if crate::evidence::seal::is_sealed(&read) {
        crate::evidence::keys::unseal(&read, &name)
            .map_err(|e| anyhow::anyhow!("{name} cannot be opened: {e}"))?
            .plaintext
    } else {
        read
    };
    let bytes = match seal {
        Some(seal) => seal.encrypt(&plain)?,
        None => plain,
    };
    crate::io::write_atomic(output, |w| std::io::Write::write_all(w, &bytes))?;
    Ok(())
}
