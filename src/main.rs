//! The `raidmap` binary: the GUI when called without a subcommand, else the command line.

use std::process::ExitCode;

use clap::Parser;
use raidmap::cli::{self, Cli};

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = Cli::parse();
    match cli.command {
        Some(_) if cli.basemap.is_some() => {
            eprintln!("raidmap: --basemap applies to the map window, not to subcommands");
            ExitCode::from(cli::EXIT_USAGE)
        }
        Some(_) if cli.bench_frames.is_some() => {
            eprintln!("raidmap: --bench-frames runs the map, not a subcommand");
            ExitCode::from(cli::EXIT_USAGE)
        }
        Some(command) => match cli::evidence::unlock::setup(&cli.identity) {
            Ok(()) => cli::run(command),
            Err(err) => {
                eprintln!("raidmap: {err}");
                ExitCode::from(cli::EXIT_USAGE)
            }
        },
        None => {
            // The window opens encrypted projects with these keys too (and asks for others).
            if let Err(err) = cli::evidence::unlock::load_keys(&cli.identity) {
                eprintln!("raidmap: {err}");
                return ExitCode::from(cli::EXIT_USAGE);
            }
            match cli.bench_frames {
                Some(frames) => raidmap::ui::bench_frames::run(frames, cli.files),
                None => raidmap::ui::run_app(cli.files, cli.basemap),
            }
        }
    }
}
