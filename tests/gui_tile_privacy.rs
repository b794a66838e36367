//! The project's tile privacy switch: with it on, an online basemap's tiles are shown but no
//! tile is written to the disk cache (with it off, the same tiles are cached: the control);
//! the switch is saved with the project and comes back on when it is opened.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use raidmap::tiles::Source;
use raidmap::ui::app::RaidmapApp;

use crate::gui::builder;
use crate::tile_server::TileServer;

/// Files under `dir`, recursively.
fn count_files(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() { count_files(&path) } else { 1 }
        })
        .sum()
}

/// Show tiles from a 127.0.0.1 server until some arrived; the harness and its cache folder.
fn show_tiles(
    memory_only: bool,
    server: &TileServer,
) -> (Harness<'static, RaidmapApp>, tempfile::TempDir) {
    let cache = tempfile::tempdir().expect("temp dir");
    let mut app = RaidmapApp::with_files(Vec::new());
    app.map.basemap.set_cache_root(cache.path().to_path_buf());
    app.map.basemap.set_memory_only(memory_only);
    app.map
        .basemap
        .choose(Source::Xyz(server.url("/{z}/{x}/{y}.png")));
    let mut h = builder().build_ui_state(|ui, app: &mut RaidmapApp| app.ui(ui), app);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        h.step();
        let ready = h
            .state()
            .map
            .basemap
            .status()
            .is_some_and(|s| s.ready > 0 && s.loading == 0);
        if ready {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no tile arrived: {:?}",
            server.paths()
        );
        std::thread::sleep(Duration::from_millis(30));
    }
    (h, cache)
}

#[test]
fn with_the_switch_on_no_tile_reaches_the_disk() {
    let server = TileServer::solid([230, 0, 200]);

    // The control: without the switch, shown tiles are cached on disk.
    let (_h, cache) = show_tiles(false, &server);
    let deadline = Instant::now() + Duration::from_secs(10);
    while count_files(cache.path()) == 0 {
        assert!(Instant::now() < deadline, "the cache got no tile");
        std::thread::sleep(Duration::from_millis(50));
    }

    let (mut h, cache) = show_tiles(true, &server);
    std::thread::sleep(Duration::from_millis(500));
    h.step();
    assert!(server.paths().len() > 1);
    assert_eq!(count_files(cache.path()), 0, "a tile was written to disk");

    // The chooser says so, and the project keeps the switch.
    h.state_mut().map.basemap.open = true;
    h.run_steps(2);
    h.get_by_label("No tile is written to disk while this project is open.");
    h.get_by_label_contains("It learns your IP address");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("quiet.raidmap");
    h.state_mut().save_project(&path);
    assert!(
        raidmap::project::load(&path)
            .expect("opens")
            .evidence
            .tiles_memory_only
    );
    let mut other = RaidmapApp::with_files(Vec::new());
    assert!(!other.map.basemap.memory_only());
    other.open_project(&path, true);
    other.finish_loading();
    assert!(other.map.basemap.memory_only(), "the switch comes back on");
}
