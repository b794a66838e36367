//! `raidmap log PROJECT [--csv]`: print a project's custody log and check its chain.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::EXIT_BAD_INPUT;

/// Print the custody log of a project: every evidence event (attached, removed, exported, hash
/// verified or failed, encrypted, decrypted) with its UTC time, user and SHA-256.
///
/// Each entry is chained to the one before it by a SHA-256; if an entry was changed, inserted
/// or removed, the log is still printed and the broken place is reported (exit status 1).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project (`.raidmap`).
    pub project: PathBuf,
    /// Print CSV (`time,user,event,sha256,detail,hash`, with a header line) instead of text.
    #[arg(long)]
    pub csv: bool,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let project = crate::project::load(&args.project)?;
    let log = &project.evidence.log;
    if args.csv {
        print!("{}", log.to_csv());
    } else if log.is_empty() {
        eprintln!(
            "raidmap: {} has no custody log entries",
            args.project.display()
        );
    } else {
        for e in log.entries() {
            println!(
                "{}  {:<13}  {}  {}  {}",
                e.time,
                e.event.word(),
                e.sha256,
                e.user,
                e.detail
            );
        }
    }
    match &project.custody_broken {
        Some(broken) => {
            eprintln!("raidmap: {}: {broken}", args.project.display());
            Ok(ExitCode::from(EXIT_BAD_INPUT))
        }
        None => Ok(ExitCode::SUCCESS),
    }
}
