//! `raidmap export FILE... -o OUT` (PRELIMINARY).

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Input GeoJSON files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output file.
    #[arg(short = 'o', long = "output", required = true)]
    pub output: PathBuf,
}

pub fn run(_args: &Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet built")
}
