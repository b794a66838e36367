//! `raidmap decrypt PROJECT -o OUT`: open an encrypted project (or layer) and write it in
//! plaintext.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::evidence::Event;

/// Decrypt an encrypted project or layer file (age format, from `raidmap encrypt` or `age`),
/// with `RAIDMAP_PASSPHRASE`, `--identity FILE` or a passphrase typed on the terminal.
///
/// A project is written whole (attachments and custody log included, the decryption recorded
/// in the log); OUT is then in plaintext on disk.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The encrypted project (`.raidmap`, `.raidmap.age`) or layer file.
    pub input: PathBuf,
    /// Where to write the plaintext (atomically).
    #[arg(short = 'o', long = "output", required = true)]
    pub output: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    crate::cli::evidence::encrypt::reseal(&args.input, &args.output, None, Event::Decrypted)?;
    eprintln!(
        "raidmap: decrypted {} into {} (in plaintext)",
        args.input.display(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}
