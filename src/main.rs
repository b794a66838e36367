//! The `raidmap` binary: the GUI when called without a subcommand, else the command line.

use std::process::ExitCode;

use clap::Parser;
use raidmap::cli::{self, Cli};

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = Cli::parse();
    match cli.command {
        Some(command) => cli::run(command),
        None => raidmap::ui::run_app(cli.files),
    }
}
