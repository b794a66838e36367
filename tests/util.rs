//! Helpers shared by the integration tests: running the real `raidmap` binary (the one place
//! that names it; every test module runs it through these).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The path of the `raidmap` binary Cargo built for these tests (for wrappers such as strace).
pub(crate) const BINARY: &str = env!("CARGO_BIN_EXE_raidmap");

/// A command for the `raidmap` binary, with a tile cache, settings and data folders of its
/// own, new and empty for each command: no run sees the user's tiles (a tile cached under a
/// reused 127.0.0.1 port once answered in place of a test's server), settings or autosaves,
/// nor another run's. A test that sets one of these variables itself gets its own.
pub(crate) fn command() -> Command {
    let own = own_folder();
    let mut command = Command::new(BINARY);
    command
        .env("XDG_CACHE_HOME", own.join("cache"))
        .env("XDG_CONFIG_HOME", own.join("config"))
        .env("XDG_DATA_HOME", own.join("data"));
    command
}

/// A folder path no run used before (not made: the binary makes what it writes), under a
/// folder of this test process in Cargo's scratch folder for tests. Those of earlier test
/// processes that have ended are removed on first use.
fn own_folder() -> PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let root = ROOT.get_or_init(|| {
        let all = Path::new(env!("CARGO_TARGET_TMPDIR")).join("raidmap-runs");
        for entry in std::fs::read_dir(&all).into_iter().flatten().flatten() {
            let pid = entry.file_name();
            if cfg!(target_os = "linux") && !Path::new("/proc").join(&pid).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        all.join(std::process::id().to_string())
    });
    root.join(NEXT.fetch_add(1, Ordering::Relaxed).to_string())
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
