//! Esri World Imagery Wayback against a server on 127.0.0.1 shaped like Esri's: a Wayback
//! configuration, tiles of a different colour for each release, and the tilemap that says
//! which release last changed a tile.

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use raidmap::tiles::wayback::{self, Release};
use raidmap::tiles::{Source, TileKey, WaybackChoice};

use crate::tile_server::{TileServer, solid_png};

pub(crate) const RELEASES: [(u32, &str, [u8; 3]); 3] = [
    (10, "2014-02-20", [200, 40, 40]),
    (20, "2016-06-01", [40, 200, 40]),
    (31, "2019-03-27", [40, 40, 200]),
];

const SERVICE: &str = "/arcgis/rest/services/World_Imagery";

/// The server: `/waybackconfig.json`, tiles at `…/WMTS/…/tile/{release}/{z}/{y}/{x}`, and a
/// tilemap saying that release 31 brought nothing new (its tiles are release 20's).
pub(crate) fn wayback_server() -> TileServer {
    let port = Arc::new(AtomicU16::new(0));
    let server = {
        let port = port.clone();
        TileServer::start(Box::new(move |path, _| {
            let port = port.load(Ordering::SeqCst);
            if path == "/waybackconfig.json" {
                return (200, config(port).into_bytes());
            }
            let tiles = format!("{SERVICE}/WMTS/1.0.0/default028mm/MapServer/tile/");
            if let Some(rest) = path.strip_prefix(&tiles) {
                let release: u32 = rest
                    .split('/')
                    .next()
                    .and_then(|r| r.parse().ok())
                    .unwrap_or(0);
                // Release 31 serves release 20's imagery.
                let shown = if release == 31 { 20 } else { release };
                return match RELEASES.iter().find(|r| r.0 == shown) {
                    Some((_, _, rgb)) => (200, solid_png(*rgb)),
                    None => (404, Vec::new()),
                };
            }
            let tilemap = format!("{SERVICE}/MapServer/tilemap/");
            if let Some(rest) = path.strip_prefix(&tilemap) {
                let release: u32 = rest
                    .split('/')
                    .next()
                    .and_then(|r| r.parse().ok())
                    .unwrap_or(0);
                let body = match release {
                    31 => r#"{"valid":true,"data":[1],"select":[20]}"#,
                    20 => r#"{"valid":true,"data":[1]}"#,
                    10 => r#"{"valid":true,"data":[1],"select":[10]}"#,
                    _ => r#"{"valid":true,"data":[0]}"#,
                };
                return (200, body.as_bytes().to_vec());
            }
            (404, Vec::new())
        }))
    };
    port.store(server.port, Ordering::SeqCst);
    server
}

fn config(port: u16) -> String {
    let entries: Vec<String> = RELEASES
        .iter()
        .map(|(n, date, _)| {
            format!(
                r#""{n}": {{"itemID": "id{n}", "itemTitle": "World Imagery (Wayback {date})",
                "itemURL": "http://127.0.0.1:{port}{SERVICE}/WMTS/1.0.0/default028mm/MapServer/tile/{n}/{{level}}/{{row}}/{{col}}",
                "metadataLayerUrl": "http://127.0.0.1:{port}/metadata", "metadataLayerItemID": "m{n}",
                "layerIdentifier": "WB_{n}"}}"#
            )
        })
        .collect();
    format!("{{{}}}", entries.join(",\n"))
}

fn centre_colour(png: &[u8]) -> [u8; 3] {
    let image = image::load_from_memory(png).expect("decode").to_rgb8();
    image.get_pixel(128, 128).0
}

#[test]
fn the_releases_are_read_from_the_configuration_with_their_dates() {
    let server = wayback_server();
    let releases = wayback::fetch_releases(&server.url("/waybackconfig.json")).expect("list");
    let listed: Vec<(u32, &str)> = releases
        .iter()
        .map(|r| (r.number, r.date.as_str()))
        .collect();
    assert_eq!(
        listed,
        [(10, "2014-02-20"), (20, "2016-06-01"), (31, "2019-03-27")]
    );
}

#[test]
fn only_releases_that_changed_the_tile_are_listed() {
    let server = wayback_server();
    let releases = wayback::fetch_releases(&server.url("/waybackconfig.json")).expect("list");
    let key = TileKey::new(15, 25930, 15089);
    let changed: Vec<u32> = wayback::changed_releases(&releases, key)
        .expect("the tilemap answers")
        .iter()
        .map(|r: &Release| r.number)
        .collect();
    assert_eq!(changed, [10, 20]);
    let asked = server.paths();
    assert!(
        asked
            .iter()
            .any(|p| p.ends_with("/tilemap/31/15/15089/25930")),
        "{asked:?}"
    );
}

#[test]
fn a_date_picks_the_nearest_release_and_its_tiles() {
    let server = wayback_server();
    let config = server.url("/waybackconfig.json");
    for (asked, number, rgb) in [
        ("2015-12-01", 20, [40, 200, 40]),
        ("2010-01-01", 10, [200, 40, 40]),
        ("2014-03-01", 10, [200, 40, 40]),
    ] {
        let source = Source::parse(&format!("wayback:{asked}"))
            .expect("parse")
            .resolve(&config)
            .expect("resolve");
        let Source::Wayback(WaybackChoice {
            release: Some(release),
            ..
        }) = &source
        else {
            panic!("not resolved: {source:?}");
        };
        assert_eq!(release.number, number, "{asked}");
        let loader = source.open(None).expect("open").expect("tiles");
        let tile = loader
            .load(TileKey::new(15, 25930, 15089))
            .expect("load")
            .expect("a tile");
        assert_eq!(centre_colour(&tile), rgb, "{asked}");
        let credit = loader.attribution().expect("credit");
        assert!(credit.contains(&release.date), "{credit}");
        assert!(source.label().contains(&release.date));
    }
}

#[test]
fn a_bad_date_or_configuration_is_reported_clearly() {
    let err = Source::parse("wayback:2019-13-01").expect_err("month 13");
    assert!(
        err.to_string().contains("\"2019-13-01\" is not a date"),
        "{err}"
    );
    let server = TileServer::start(Box::new(|_, _| (200, b"<html>".to_vec())));
    let err = Source::parse("wayback:2019-01-01")
        .expect("parse")
        .resolve(&server.url("/waybackconfig.json"))
        .expect_err("not JSON");
    assert!(
        err.to_string().contains("not JSON of the expected shape"),
        "{err}"
    );
}
