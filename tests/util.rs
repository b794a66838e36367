//! Helpers shared by the integration tests: running the real `raidmap` binary.

use std::ffi::OsStr;
use std::process::{Command, Output};

/// A command for the `raidmap` binary Cargo built for these tests.
pub fn command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_raidmap"))
}

/// Run `raidmap` with `args` and wait for it.
pub fn raidmap<S: AsRef<OsStr>>(args: &[S]) -> Output {
    command()
        .args(args)
        .output()
        .expect("the raidmap binary runs")
}
