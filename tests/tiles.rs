//! Tile sources end to end, with a tile server on 127.0.0.1 standing in for the internet and
//! MBTiles/PMTiles files made here: URL templates, `{-y}`, the User-Agent, the disk cache (a
//! second load comes from disk with the server stopped), stale tiles when offline, failures
//! retried later, and over-zoom from a file's maximum zoom; the credits of two sources on one
//! line, each once.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use raidmap::tiles::cache::DEFAULT_LIMIT_BYTES;
use raidmap::tiles::{DiskCache, Source, TileKey, TileLoader, credit};
use raidmap::ui::map::tiles::TileLayer;
use walkers::{TileId, Tiles};

use crate::tile_server::{TileServer, key_png, parse_tile_path, solid_png, wait_for};

fn loader(source: &Source, cache: Option<Arc<DiskCache>>) -> Arc<dyn TileLoader> {
    source
        .open(cache)
        .expect("the source opens")
        .expect("not the offline basemap")
}

fn key_server() -> TileServer {
    TileServer::start(Box::new(|path, _| match parse_tile_path(path) {
        Some((z, x, y)) => (200, key_png(TileKey::new(z, x, y))),
        None => (404, Vec::new()),
    }))
}

#[test]
fn a_url_template_requests_each_tile_at_its_url_and_names_raidmap() {
    let server = key_server();
    let source = Source::parse(&server.url("/{z}/{x}/{y}.png")).expect("valid template");
    let tiles = loader(&source, None);
    let key = TileKey::new(7, 101, 60);
    let data = tiles.load(key).expect("loaded").expect("a tile");
    assert_eq!(data, key_png(key));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/7/101/60.png");
    let agent = requests[0].user_agent.as_deref().unwrap_or_default();
    assert_eq!(agent, concat!("raidmap/", env!("CARGO_PKG_VERSION")));
}

#[test]
fn minus_y_asks_for_tms_rows() {
    let server = key_server();
    let source = Source::parse(&server.url("/tms/{z}/{x}/{-y}.png")).expect("valid template");
    let tiles = loader(&source, None);
    // Row 1 from the north at zoom 3 is row 6 from the south.
    let _ = tiles.load(TileKey::new(3, 5, 1));
    assert_eq!(server.paths(), ["/tms/3/5/6.png"]);
}

#[test]
fn a_tile_the_server_does_not_have_is_missing_not_an_error() {
    let server = TileServer::start(Box::new(|_, _| (404, Vec::new())));
    let source = Source::parse(&server.url("/{z}/{x}/{y}.png")).expect("valid template");
    let tiles = loader(&source, None);
    assert!(matches!(tiles.load(TileKey::new(2, 1, 1)), Ok(None)));
}

#[test]
fn a_second_load_comes_from_the_disk_cache_with_the_server_stopped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = key_server();
    let template = server.url("/{z}/{x}/{y}.png");
    let source = Source::parse(&template).expect("valid template");
    let key = TileKey::new(9, 402, 240);
    {
        let cache = Arc::new(DiskCache::new(dir.path(), DEFAULT_LIMIT_BYTES));
        let tiles = loader(&source, Some(cache));
        assert_eq!(tiles.load(key).expect("loaded"), Some(key_png(key)));
    }
    assert_eq!(server.paths().len(), 1);
    server.stop();

    // A new session: a new loader on the same cache folder, and no server.
    let cache = Arc::new(DiskCache::new(dir.path(), DEFAULT_LIMIT_BYTES));
    let tiles = loader(&source, Some(cache.clone()));
    assert_eq!(tiles.load(key).expect("from disk"), Some(key_png(key)));
    // The server really is gone: a tile that was never cached cannot be had.
    let err = tiles
        .load(TileKey::new(9, 403, 240))
        .expect_err("nothing serves it");
    assert!(err.to_string().contains("cannot reach 127.0.0.1"), "{err}");
    assert_eq!(server.paths().len(), 1, "no request reached the server");
    let used = cache.scan().expect("scan");
    assert!(used > key_png(key).len() as u64, "{used} bytes cached");
}

#[test]
fn a_stale_tile_is_downloaded_again_but_still_used_when_the_server_is_unreachable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = TileServer::solid([0, 200, 0]);
    let source = Source::parse(&server.url("/{z}/{x}/{y}.png")).expect("valid template");
    let id = source.cache_id().expect("online");
    let key = TileKey::new(6, 50, 30);
    let cache = Arc::new(DiskCache::new(dir.path(), DEFAULT_LIMIT_BYTES));
    let month_ago = SystemTime::now() - Duration::from_secs(30 * 24 * 3600);
    let old = solid_png([200, 0, 0]);
    cache
        .put_downloaded_at(&id, key, &old, month_ago)
        .expect("put");

    // The server is up: the stale tile is replaced by a fresh download.
    let tiles = loader(&source, Some(cache.clone()));
    assert_eq!(
        tiles.load(key).expect("loaded"),
        Some(solid_png([0, 200, 0]))
    );
    assert_eq!(server.paths(), ["/6/50/30.png"]);

    // Stale again, and the server gone: the old tile beats a hole in the map.
    cache
        .put_downloaded_at(&id, key, &old, month_ago)
        .expect("put");
    server.stop();
    assert_eq!(tiles.load(key).expect("stale tile"), Some(old));
}

#[test]
fn a_failed_tile_is_retried_later_and_then_shown() {
    // The server fails the first two requests for each tile, then serves it.
    let server = TileServer::start(Box::new(|path, asked_before| {
        match (parse_tile_path(path), asked_before) {
            (Some(_), 0 | 1) => (500, b"overloaded".to_vec()),
            (Some((z, x, y)), _) => (200, key_png(TileKey::new(z, x, y))),
            (None, _) => (404, Vec::new()),
        }
    }));
    let source = Source::parse(&server.url("/{z}/{x}/{y}.png")).expect("valid template");
    let ctx = egui::Context::default();
    let mut layer =
        TileLayer::new(loader(&source, None), ctx).with_first_retry(Duration::from_millis(150));
    let id = TileId {
        x: 25,
        y: 15,
        zoom: 5,
    };
    let key = TileKey::new(5, 25, 15);
    assert!(layer.at(id).is_none(), "nothing yet");
    // The first failure is reported, with the server's answer, and nothing is drawn.
    assert!(
        wait_for(Duration::from_secs(10), || {
            let _ = layer.at(id);
            layer.status().failed > 0
        }),
        "the failure was never reported"
    );
    let status = layer.status();
    assert!(
        status
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("answered 500")),
        "{status:?}"
    );
    assert!(layer.at(id).is_none());
    // Asked again (and again) as the map keeps drawing, until the server gives it.
    assert!(
        wait_for(Duration::from_secs(10), || {
            let _ = layer.at(id);
            layer.is_loaded(key)
        }),
        "the tile was never retried; requests: {:?}",
        server.paths()
    );
    assert!(layer.at(id).is_some());
    assert_eq!(server.paths(), ["/5/25/15.png"; 3]);
    assert_eq!(layer.status().failed, 0);
}

/// A PNG tile set over Cambodia at zooms 5–7, as (key, PNG) pairs.
fn cambodia_tiles() -> Vec<(TileKey, Vec<u8>)> {
    // Zoom 7 tiles around Phnom Penh, and their parents.
    let mut tiles = Vec::new();
    for z in 5..=7u8 {
        let shift = 7 - z;
        for x in (100u32 >> shift)..=(102u32 >> shift) {
            for y in (59u32 >> shift)..=(61u32 >> shift) {
                let key = TileKey::new(z, x, y);
                tiles.push((key, key_png(key)));
            }
        }
    }
    tiles.sort_by_key(|(k, _)| *k);
    tiles.dedup_by_key(|(k, _)| *k);
    tiles
}

fn write_mbtiles(path: &Path, tiles: &[(TileKey, Vec<u8>)], format: &str) {
    let db = rusqlite::Connection::open(path).expect("create MBTiles");
    db.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);",
    )
    .expect("schema");
    for (name, value) in [
        ("name", "Test imagery"),
        ("format", format),
        ("minzoom", "5"),
        ("maxzoom", "7"),
        ("bounds", "102.3,10.4,107.65,14.7"),
        ("attribution", "Test tiles © raidmap tests"),
    ] {
        db.execute("INSERT INTO metadata VALUES (?1, ?2)", (name, value))
            .expect("metadata");
    }
    for (key, png) in tiles {
        db.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            (key.z, key.x, key.tms_y(), png),
        )
        .expect("tile");
    }
}

fn write_pmtiles(path: &Path, tiles: &[(TileKey, Vec<u8>)]) {
    let file = std::fs::File::create(path).expect("create PMTiles");
    let mut writer = pmtiles::PmTilesWriter::new(pmtiles::TileType::Png)
        .min_zoom(5)
        .max_zoom(7)
        .bounds(102.3, 10.4, 107.65, 14.7)
        .metadata(r#"{"name":"Test imagery","attribution":"PMTiles test tiles"}"#)
        .create(file)
        .expect("writer");
    for (key, png) in tiles {
        let coord = pmtiles::TileCoord::new(key.z, key.x, key.y).expect("coord");
        writer.add_tile(coord, png).expect("add tile");
    }
    writer.finalize().expect("finalize");
}

/// What every local tile file must do: give each tile at its XYZ key, know its zoom levels
/// and attribution, have nothing outside its tiles, and over-zoom past its maximum.
fn check_tile_file(source: &Source, tiles: &[(TileKey, Vec<u8>)], credit: &str) {
    let file = loader(source, None);
    assert_eq!(file.zoom_range(), 5..=7);
    assert_eq!(file.attribution().as_deref(), Some(credit));
    for (key, png) in tiles {
        assert_eq!(
            file.load(*key).expect("read").as_deref(),
            Some(png.as_slice()),
            "{key}"
        );
    }
    assert!(matches!(file.load(TileKey::new(7, 0, 0)), Ok(None)));

    // On the map: zoom 9 is past the file's maximum, so the zoom-7 tile is scaled up.
    let ctx = egui::Context::default();
    let mut layer = TileLayer::new(file, ctx);
    let z7 = TileKey::new(7, 101, 60);
    let at_z9 = TileId {
        x: 101 * 4 + 3,
        y: 60 * 4 + 1,
        zoom: 9,
    };
    assert!(
        wait_for(Duration::from_secs(10), || {
            let _ = layer.at(at_z9);
            layer.is_loaded(z7)
        }),
        "the zoom-7 tile was never loaded"
    );
    let piece = layer.at(at_z9).expect("the zoom-7 tile stands in");
    assert_eq!(piece.uv.min, egui::pos2(0.75, 0.25));
    assert_eq!(piece.uv.size(), egui::vec2(0.25, 0.25));
    // The zoom-9 tile itself was never asked for: the file has no zoom 9.
    assert!(!layer.is_loaded(TileKey::new(9, at_z9.x, at_z9.y)));
    // Below the file's minimum zoom the layer shows nothing (the offline basemap does).
    assert!(
        layer
            .at(TileId {
                x: 12,
                y: 7,
                zoom: 4
            })
            .is_none()
    );
}

#[test]
fn an_mbtiles_file_gives_its_tiles_by_xyz_key_from_tms_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("imagery.mbtiles");
    let tiles = cambodia_tiles();
    write_mbtiles(&path, &tiles, "png");
    let source = Source::parse(&path.display().to_string()).expect("a valid MBTiles file");
    assert_eq!(source, Source::MbTiles(path.clone()));
    let info = source.file_info().expect("a file").expect("readable");
    assert_eq!(info.name.as_deref(), Some("Test imagery"));
    assert_eq!(info.bounds, Some([102.3, 10.4, 107.65, 14.7]));
    check_tile_file(&source, &tiles, "Test tiles © raidmap tests");
}

#[test]
fn an_mbtiles_file_of_vector_tiles_is_refused_clearly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("vector.mbtiles");
    write_mbtiles(&path, &cambodia_tiles(), "pbf");
    let err = Source::parse(&path.display().to_string())
        .expect_err("vector tiles")
        .to_string();
    assert!(err.contains("vector tiles"), "{err}");
}

#[test]
fn a_pmtiles_file_gives_its_tiles_and_over_zooms() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("imagery.pmtiles");
    let tiles = cambodia_tiles();
    write_pmtiles(&path, &tiles);
    let source = Source::parse(&path.display().to_string()).expect("a valid PMTiles file");
    assert_eq!(source, Source::PmTiles(path.clone()));
    let info = source.file_info().expect("a file").expect("readable");
    assert_eq!(info.name.as_deref(), Some("Test imagery"));
    check_tile_file(&source, &tiles, "PMTiles test tiles");
}

/// A 256 px tile of one colour in another image format.
fn encoded(rgb: [u8; 3], format: image::ImageFormat) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(256, 256, image::Rgb(rgb));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, format).expect("encode");
    bytes.into_inner()
}

#[test]
fn jpeg_and_webp_tiles_are_decoded_for_the_map() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, format) in [
        ("jpg", image::ImageFormat::Jpeg),
        ("webp", image::ImageFormat::WebP),
    ] {
        let key = TileKey::new(6, 50, 30);
        let path = dir.path().join(format!("tiles-{name}.mbtiles"));
        write_mbtiles(&path, &[(key, encoded([20, 160, 60], format))], name);
        let source = Source::parse(&path.display().to_string()).expect("a valid file");
        let mut layer = TileLayer::new(loader(&source, None), egui::Context::default());
        let id = TileId {
            x: key.x,
            y: key.y,
            zoom: key.z,
        };
        assert!(
            wait_for(Duration::from_secs(10), || {
                let _ = layer.at(id);
                layer.is_loaded(key)
            }),
            "the {name} tile was not decoded: {:?}",
            layer.status()
        );
    }
}

#[test]
fn the_same_credit_is_written_once() {
    let osm = "© OpenStreetMap contributors";
    assert_eq!(credit::join([osm, osm]).as_deref(), Some(osm));
    assert_eq!(
        credit::join([osm, " ", "Tiles: 127.0.0.1"]).as_deref(),
        Some("© OpenStreetMap contributors | Tiles: 127.0.0.1")
    );
    assert_eq!(credit::join(Vec::<String>::new()), None);
    assert_eq!(credit::join([" "]), None);
}

#[test]
fn two_releases_of_the_same_imagery_are_credited_once_with_both_dates() {
    let esri = raidmap::tiles::wayback::CREDIT;
    let old = credit::release(esri, "2014-02-20");
    let new = credit::release(esri, "2024-06-27");
    assert_eq!(
        credit::join([&old, &new]),
        Some(format!("{esri} · releases 2014-02-20 and 2024-06-27"))
    );
    // The same release on both sides: its date once.
    assert_eq!(credit::join([&old, &old]), Some(old.clone()));
    // A release and another source: both, in order.
    assert_eq!(
        credit::join([old.as_str(), "© OpenStreetMap contributors"]),
        Some(format!("{old} | © OpenStreetMap contributors"))
    );
}
