//! Starting raidmap with the default (offline) basemap opens no network connection, not even
//! a name lookup. Proved at the operating system level on the real binary, with a real window
//! in a virtual X display (Xvfb):
//!
//! 1. under `strace -f`, every `socket`, `connect`, `sendto`, `sendmsg` and `openat` call of the
//!    process and all its threads is logged; the log must show the window connecting to the X
//!    server (so the app really started) and no IPv4/IPv6 socket, no connection to a name
//!    service (nscd, systemd-resolved) and no reading of `/etc/resolv.conf` or `/etc/hosts`;
//! 2. without strace, the process's open sockets (`/proc/PID/fd`) are looked up in the kernel's
//!    IPv4/IPv6 socket tables (`/proc/PID/net/{tcp,tcp6,udp,udp6,raw,raw6}`): there must be none.
//!
//! Each check is shown able to fail: the same strace check run on `--basemap` with a tile server
//! on 127.0.0.1 sees the IPv4 socket (and the server sees the requests), and the `/proc` check
//! finds a listening socket this test process opens itself.
//!
//! `raidmap render` (no display) is checked the same way under strace: offline, no network
//! call; with a 127.0.0.1 tile server named by `--basemap`, the check sees the connection.
//!
//! Needs `Xvfb` and `strace` (`.ci/run` installs them); the test fails, saying so, without them.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::tile_server::{TileServer, wait_for};

/// How long the app may take to open its window (connect to the X server).
const START_WITHIN: Duration = Duration::from_secs(40);
/// How long it keeps running, window open and drawing, after that.
const RUN_AFTER_START: Duration = Duration::from_secs(6);

/// A virtual X display, stopped on drop. One at a time: the tests here run the app one after
/// the other (they would race for display numbers, and each is heavy).
pub(crate) struct Xvfb {
    child: Child,
    pub(crate) display: String,
    _serial: std::sync::MutexGuard<'static, ()>,
}

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Xvfb {
    pub(crate) fn start() -> Self {
        let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let mut n = 170;
        while Path::new(&format!("/tmp/.X{n}-lock")).exists()
            || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
        {
            n += 1;
        }
        let display = format!(":{n}");
        let child = Command::new("Xvfb")
            .args([&display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start Xvfb ({e}); install it: apt-get install xvfb")
            });
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
        assert!(
            wait_for(Duration::from_secs(10), || socket.exists()),
            "Xvfb did not start on {display}"
        );
        Self {
            child,
            display,
            _serial: serial,
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Stop `child` and everything in its process group (it was started as the group's leader).
fn stop_group(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.kill();
}

/// An environment with nothing of the user's: empty home, config, data and cache folders (so no
/// basemap remembered from an earlier run applies) and no proxy settings.
pub(crate) fn isolated(command: &mut Command, home: &Path, display: &str) {
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_RUNTIME_DIR", home)
        .env("DISPLAY", display)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
}

/// Run raidmap (with `args`) under strace until its window is up and for [`RUN_AFTER_START`]
/// more, and return the trace.
fn trace(args: &[&str]) -> String {
    let x = Xvfb::start();
    let home = tempfile::tempdir().expect("temp dir");
    let log = home.path().join("strace.log");
    let mut command = Command::new("strace");
    command
        .args(["-f", "-qq", "-s", "200", "-e"])
        .arg("trace=socket,connect,sendto,sendmsg,openat")
        .arg("-o")
        .arg(&log)
        .arg(crate::util::BINARY)
        .args(args);
    isolated(&mut command, home.path(), &x.display);
    // Its own process group, so raidmap (strace's child) is stopped with it.
    command.process_group(0);
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run strace ({e}); install it: apt-get install strace"));
    let display_socket = format!("/tmp/.X11-unix/X{}", &x.display[1..]);
    let connected = |trace: &str| {
        trace
            .lines()
            .any(|l| l.contains("connect(") && l.contains(&display_socket))
    };
    let started = wait_for(START_WITHIN, || {
        connected(&std::fs::read_to_string(&log).unwrap_or_default())
            || child.try_wait().ok().flatten().is_some()
    });
    if started {
        std::thread::sleep(RUN_AFTER_START);
    }
    let exited = child.try_wait().expect("wait");
    stop_group(&mut child);
    let output = child.wait_with_output().expect("output");
    let trace = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        exited.is_none(),
        "raidmap exited early ({exited:?}): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        connected(&trace),
        "raidmap never connected to the X display, so it did not really start:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    trace
}

/// System calls in a trace that use the network or look a name up.
fn network_calls(trace: &str) -> Vec<&str> {
    trace
        .lines()
        .filter(|l| {
            let inet = (l.contains("socket(") || l.contains("connect("))
                && (l.contains("AF_INET") || l.contains("AF_INET6"));
            let name_service = l.contains("connect(")
                && (l.contains("nscd") || l.contains("resolve") || l.contains("avahi"));
            let resolver_files = l.contains("openat(")
                && (l.contains("/etc/resolv.conf")
                    || l.contains("/etc/hosts\"")
                    || l.contains("/etc/gai.conf"));
            inet || name_service || resolver_files
        })
        .collect()
}

#[test]
fn the_offline_default_makes_no_network_call_under_strace() {
    let trace = trace(&[]);
    let calls = network_calls(&trace);
    assert!(
        calls.is_empty(),
        "network system calls with the default basemap:\n{}",
        calls.join("\n")
    );
}

#[test]
fn the_strace_check_does_see_an_online_basemap_connect() {
    let server = TileServer::solid([90, 140, 90]);
    let template = server.url("/{z}/{x}/{y}.png");
    let trace = trace(&["--basemap", &template]);
    let calls = network_calls(&trace);
    assert!(
        calls.iter().any(|l| l.contains("AF_INET")),
        "the check missed the tile downloads; trace has {} lines",
        trace.lines().count()
    );
    assert!(!server.paths().is_empty(), "the server saw no request");
}

/// The inodes of the sockets process `pid` holds open.
fn socket_inodes(pid: u32) -> Vec<u64> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    fds.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter_map(|target| {
            let t = target.to_string_lossy().into_owned();
            t.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
        })
        .collect()
}

/// Those of `pid`'s sockets that the kernel's `tables` (under /proc/PID/net) list, by the
/// inode column.
fn sockets_in(pid: u32, tables: &[&str]) -> Vec<u64> {
    let inodes = socket_inodes(pid);
    let mut found = Vec::new();
    for table in tables {
        let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/net/{table}")) else {
            continue;
        };
        // The inode is the tenth column in the IP tables, the seventh in the Unix one.
        let column = if *table == "unix" { 6 } else { 9 };
        for line in text.lines().skip(1) {
            if let Some(inode) = line
                .split_whitespace()
                .nth(column)
                .and_then(|i| i.parse::<u64>().ok())
                && inodes.contains(&inode)
            {
                found.push(inode);
            }
        }
    }
    found
}

/// The inodes of the IPv4/IPv6 sockets process `pid` holds open.
fn inet_sockets(pid: u32) -> Vec<u64> {
    sockets_in(pid, &["tcp", "tcp6", "udp", "udp6", "raw", "raw6"])
}

/// The inodes of the Unix sockets process `pid` holds open.
pub(crate) fn unix_sockets(pid: u32) -> Vec<u64> {
    sockets_in(pid, &["unix"])
}

#[test]
fn the_offline_default_holds_no_internet_socket() {
    // The check finds a socket when there is one: this test process's own listener.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    assert!(!inet_sockets(std::process::id()).is_empty());
    drop(listener);

    let x = Xvfb::start();
    let home = tempfile::tempdir().expect("temp dir");
    let mut command = crate::util::command();
    isolated(&mut command, home.path(), &x.display);
    command.process_group(0);
    let mut child = command.spawn().expect("raidmap runs");
    let pid = child.id();
    let begun = Instant::now();
    let mut window_up: Option<Instant> = None;
    let mut seen = Vec::new();
    // Look every quarter second while it starts, opens its window and draws.
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        seen.extend(inet_sockets(pid));
        if window_up.is_none() && !unix_sockets(pid).is_empty() {
            window_up = Some(Instant::now());
        }
        match window_up {
            Some(at) if at.elapsed() >= RUN_AFTER_START => break,
            None if begun.elapsed() >= START_WITHIN => break,
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let exited = child.try_wait().expect("wait");
    stop_group(&mut child);
    let output = child.wait_with_output().expect("output");
    assert!(
        exited.is_none(),
        "raidmap exited early ({exited:?}): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // raidmap opens no socket before its window: its first Unix socket is the X connection.
    assert!(
        window_up.is_some(),
        "raidmap never connected to the X display, so it did not really start"
    );
    assert!(seen.is_empty(), "internet sockets held: {seen:?}");
}

/// Run `raidmap render` (with `args`, writing into a temporary folder) to its end under strace,
/// with no display, and return the trace.
fn trace_render(args: &[&str]) -> String {
    let home = tempfile::tempdir().expect("temp dir");
    let log = home.path().join("strace.log");
    let out = home.path().join("map.png");
    let output = Command::new("strace")
        .args(["-f", "-qq", "-s", "200", "-e"])
        .arg("trace=socket,connect,sendto,sendmsg,openat")
        .arg("-o")
        .arg(&log)
        .arg(crate::util::BINARY)
        .args(["render", "--width", "400", "--height", "300", "--out"])
        .arg(&out)
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run strace ({e}); install it: apt-get install strace"));
    assert!(
        output.status.success(),
        "render failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(out.exists(), "no image written");
    std::fs::read_to_string(&log).unwrap_or_default()
}

#[test]
fn render_with_the_offline_basemap_makes_no_network_call() {
    let sites = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample.raidmap");
    let trace = trace_render(&[sites]);
    let calls = network_calls(&trace);
    assert!(
        calls.is_empty(),
        "network system calls while rendering offline:\n{}",
        calls.join("\n")
    );
}

#[test]
fn the_render_check_does_see_a_tile_basemap_connect() {
    let server = TileServer::solid([90, 140, 90]);
    let template = server.url("/{z}/{x}/{y}.png");
    let trace = trace_render(&["--basemap", &template]);
    assert!(
        network_calls(&trace).iter().any(|l| l.contains("AF_INET")),
        "the check missed the tile downloads"
    );
    assert!(!server.paths().is_empty(), "the server saw no request");
}
