//! `raidmap tiles save`: an area of a tile server on 127.0.0.1 saved into an MBTiles file that
//! then works as a basemap; a save killed half-way and run again completes the file, asking
//! only for what was missing; OpenStreetMap refused, saying why.

use std::collections::HashSet;
use std::process::Stdio;
use std::time::Duration;

use raidmap::tiles::save::{self, Control, Plan, Request};
use raidmap::tiles::{Source, TileKey};

use crate::tile_server::{TileServer, key_png, parse_tile_path, wait_for};

/// A box in Phnom Penh and zoom levels 12–15: a few dozen tiles.
const BBOX: &str = "104.88,11.54,104.94,11.60";
const ZOOM: &str = "12-15";

fn plan() -> Plan {
    Plan::new([104.88, 11.54, 104.94, 11.60], 12..=15).expect("plan")
}

/// Tiles that tell their key by their colour, each after `delay_ms`.
fn key_server(delay_ms: u64) -> TileServer {
    TileServer::start(Box::new(move |path, _| match parse_tile_path(path) {
        Some((z, x, y)) => {
            std::thread::sleep(Duration::from_millis(delay_ms));
            (200, key_png(TileKey::new(z, x, y)))
        }
        None => (404, Vec::new()),
    }))
}

fn tile_paths(server: &TileServer) -> Vec<String> {
    server
        .paths()
        .into_iter()
        .filter(|p| parse_tile_path(p).is_some())
        .collect()
}

#[test]
fn a_saved_area_opens_as_a_basemap_with_every_tile() {
    let server = key_server(0);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("pp.mbtiles");
    let request = Request {
        source: Source::Xyz(server.url("/{z}/{x}/{y}.png")),
        plan: plan(),
        out: out.clone(),
    };
    let control = Control::default();
    let report = save::save(&request, &control).expect("save");
    assert!(report.complete(), "{report:?}");
    assert_eq!(report.saved, plan().count());
    assert_eq!(tile_paths(&server).len() as u64, plan().count());
    let basemap = Source::parse(&out.display().to_string()).expect("a basemap");
    let loader = basemap.open(None).expect("open").expect("tiles");
    assert_eq!(loader.zoom_range(), 12..=15);
    for key in plan().tiles() {
        assert_eq!(
            loader.load(key).expect("load"),
            Some(key_png(key)),
            "tile {key}"
        );
    }
    // Saving again finds everything there and asks the server nothing.
    let again = save::save(&request, &Control::default()).expect("save again");
    assert_eq!((again.already, again.saved), (plan().count(), 0));
    assert_eq!(tile_paths(&server).len() as u64, plan().count());
}

#[test]
fn an_interrupted_save_is_completed_by_running_it_again() {
    let server = key_server(100);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("pp.mbtiles");
    let url = server.url("/{z}/{x}/{y}.png");
    let out_text = out.display().to_string();
    let args = [
        "tiles", "save", "--source", &url, "--bbox", BBOX, "--zoom", ZOOM, "-o", &out_text,
    ];
    let total = plan().count();
    let mut child = crate::util::command()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("raidmap runs");
    // Killed (as by a crash or a pulled plug) once well past the first commit (2 s).
    assert!(
        wait_for(Duration::from_secs(60), || tile_paths(&server).len() as u64
            >= total * 3 / 4),
        "the save did not get going"
    );
    child.kill().expect("kill");
    let _ = child.wait();
    let first_run: HashSet<String> = tile_paths(&server).into_iter().collect();
    assert!(
        (first_run.len() as u64) < total,
        "it finished before it was killed"
    );

    let output = crate::util::command()
        .args(args)
        .output()
        .expect("raidmap runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("were there already"), "{stderr}");
    let asked = tile_paths(&server);
    let second_run = &asked[first_run.len()..];
    // The second run asked only for tiles the first had not committed.
    assert!(
        (second_run.len() as u64) < total,
        "asked for {} of {total} again",
        second_run.len()
    );
    let loader = Source::parse(&out_text)
        .expect("a basemap")
        .open(None)
        .expect("open")
        .expect("tiles");
    for key in plan().tiles() {
        assert_eq!(
            loader.load(key).expect("load"),
            Some(key_png(key)),
            "tile {key}"
        );
    }
}

#[test]
fn openstreetmap_is_refused_saying_why_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("osm.mbtiles");
    let output = crate::util::command()
        .args([
            "tiles", "save", "--source", "osm", "--bbox", BBOX, "--zoom", ZOOM, "-o",
        ])
        .arg(&out)
        .output()
        .expect("raidmap runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("OpenStreetMap cannot be saved for offline use"),
        "{stderr}"
    );
    assert!(
        stderr.contains("tile usage policy forbids bulk downloading"),
        "{stderr}"
    );
    assert!(!out.exists());
    // Typing OSM's own address is refused the same way.
    let output = crate::util::command()
        .args([
            "tiles",
            "save",
            "--source",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "--bbox",
            BBOX,
            "--zoom",
            ZOOM,
            "-o",
        ])
        .arg(&out)
        .output()
        .expect("raidmap runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(!out.exists());
}

#[test]
fn a_file_of_another_source_is_not_written_into() {
    let a = key_server(0);
    let b = key_server(0);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("pp.mbtiles");
    let small = Plan::new([104.88, 11.54, 104.94, 11.60], 12..=12).expect("plan");
    let request = |server: &TileServer| Request {
        source: Source::Xyz(server.url("/{z}/{x}/{y}.png")),
        plan: small.clone(),
        out: out.clone(),
    };
    save::save(&request(&a), &Control::default()).expect("save");
    let err = save::save(&request(&b), &Control::default()).expect_err("other source");
    assert!(err.to_string().contains("holds tiles saved from"), "{err}");
    assert!(tile_paths(&b).is_empty());
    // Nor a file that is not an MBTiles file at all.
    let text = dir.path().join("notes.mbtiles");
    std::fs::write(&text, "my notes").expect("write");
    let err = save::save(
        &Request {
            out: text.clone(),
            ..request(&a)
        },
        &Control::default(),
    )
    .expect_err("not ours");
    assert!(err.to_string().contains("notes.mbtiles"), "{err}");
    assert_eq!(std::fs::read_to_string(&text).expect("read"), "my notes");
}

#[test]
fn a_cancelled_save_keeps_its_tiles_and_says_so() {
    let server = key_server(0);
    let dir = tempfile::tempdir().expect("temp dir");
    let request = Request {
        source: Source::Xyz(server.url("/{z}/{x}/{y}.png")),
        plan: plan(),
        out: dir.path().join("pp.mbtiles"),
    };
    let control = Control::default();
    control.cancel();
    let report = save::save(&request, &control).expect("save");
    assert!(report.cancelled && !report.complete());
    assert_eq!(report.saved, 0);
    // Paused, nothing is asked; unpaused, it runs to the end.
    let control = std::sync::Arc::new(Control::default());
    control.pause(true);
    let worker = {
        let control = control.clone();
        let request = request.clone();
        std::thread::spawn(move || save::save(&request, &control))
    };
    std::thread::sleep(Duration::from_millis(500));
    assert!(tile_paths(&server).is_empty(), "asked while paused");
    control.pause(false);
    let report = worker.join().expect("thread").expect("save");
    assert!(report.complete(), "{report:?}");
}
