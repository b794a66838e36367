//! Helpers shared by the integration tests: running the real `raidmap` binary (the one place
//! that names it; every test module runs it through these).

use std::ffi::OsStr;
use std::process::{Command, Output};

/// The path of the `raidmap` binary Cargo built for these tests (for wrappers such as strace).
pub(crate) const BINARY: &str = env!("CARGO_BIN_EXE_raidmap");

/// A command for the `raidmap` binary.
pub(crate) fn command() -> Command {
    Command::new(BINARY)
}

/// A command for the `raidmap` binary without a display (no `DISPLAY` or `WAYLAND_DISPLAY`), so
/// a subcommand that tried to open a window would fail.
pub(crate) fn headless() -> Command {
    let mut command = command();
    command.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    command
}

/// Run `raidmap` with `args` and wait for it.
pub(crate) fn raidmap<S: AsRef<OsStr>>(args: &[S]) -> Output {
    command()
        .args(args)
        .output()
        .expect("the raidmap binary runs")
}

/// Run `raidmap` with `args` without a display and wait for it.
pub(crate) fn raidmap_headless<S: AsRef<OsStr>>(args: &[S]) -> Output {
    headless()
        .args(args)
        .output()
        .expect("the raidmap binary runs")
}
