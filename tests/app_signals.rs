//! The real window ended by SIGTERM or SIGINT closes cleanly: exit status 0, the session and
//! settings written, and (nothing being unsaved) no crash mark left behind, so the next start
//! does not offer to recover what was never lost. Runs the binary in Xvfb (`.ci/run` installs
//! it; the test fails, saying so, without it).

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::privacy::{Xvfb, isolated, unix_sockets};

/// Start raidmap in `home`, wait until its window is up and drawing, send `signal`, and
/// return its exit status.
fn run_and_signal(home: &Path, display: &str, signal: &str) -> std::process::ExitStatus {
    let mut command = crate::util::command();
    isolated(&mut command, home, display);
    command.process_group(0);
    let mut child = command.spawn().expect("raidmap runs");
    let begun = Instant::now();
    while unix_sockets(child.id()).is_empty() {
        assert!(
            child.try_wait().expect("wait").is_none(),
            "raidmap exited before its window opened"
        );
        assert!(
            begun.elapsed() < Duration::from_secs(40),
            "raidmap did not connect to the X display"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Let it draw a few frames.
    std::thread::sleep(Duration::from_secs(4));
    let sent = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("raidmap did not close within 20 s of SIG{signal}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn sigterm_and_sigint_close_the_window_cleanly_without_a_recovery_offer() {
    let x = Xvfb::start();
    let home = tempfile::tempdir().expect("temp dir");
    let data = home.path().join("data").join("raidmap");
    for signal in ["TERM", "INT"] {
        let status = run_and_signal(home.path(), &x.display, signal);
        assert!(status.success(), "SIG{signal}: {status:?}");
        assert!(
            !data.join("running").exists(),
            "SIG{signal}: a crash mark was left behind"
        );
        // eframe's storage, written at the clean exit, holds the session.
        let stored = std::fs::read_to_string(data.join("app.ron")).unwrap_or_default();
        assert!(
            stored.contains("raidmap-session"),
            "SIG{signal}: the session was not saved: {stored:.300}"
        );
    }
}
