//! `raidmap render`: PNG images of the map made without a window (the tests unset DISPLAY).

use std::path::{Path, PathBuf};
use std::process::Output;

fn render(args: &[&str]) -> Output {
    crate::util::headless()
        .arg("render")
        .args(args)
        .output()
        .expect("the raidmap binary runs")
}

fn data(name: &str) -> String {
    format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn out_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("map.png")
}

fn read_png(path: &Path) -> image::RgbaImage {
    image::open(path).expect("a PNG was written").to_rgba8()
}

fn ok(run: &Output) {
    assert!(
        run.status.success(),
        "exit {:?}: {}",
        run.status.code(),
        String::from_utf8_lossy(&run.stderr)
    );
}

/// The x (or y, with `lat`) of a position in an image of `size_px` showing `bbox` edge to edge
/// along that axis, through Web Mercator.
fn mercator_y(lat: f64) -> f64 {
    let phi = lat.to_radians();
    (std::f64::consts::FRAC_PI_4 + phi / 2.0).tan().ln()
}

#[test]
fn the_sample_renders_at_the_default_size_without_a_display() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = out_in(&dir);
    let run = render(&[
        "--out",
        out.to_str().expect("utf-8"),
        &data("sites.geojson"),
        &data("raids.geojson"),
    ]);
    ok(&run);
    let image = read_png(&out);
    assert_eq!(image.dimensions(), (1600, 1000));
    // The sites' red (the first layer's colour) is drawn: on the map and in the legend.
    let red = image.pixels().filter(|p| p.0 == [214, 39, 40, 255]).count();
    assert!(red > 200, "{red} red pixels");
    // Everything is opaque (the basemap covers the whole image).
    assert!(image.pixels().all(|p| p.0[3] == 255));
}

#[test]
fn the_image_has_exactly_the_size_asked_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = out_in(&dir);
    for (w, h) in [("640", "400"), ("333", "777"), ("1", "1")] {
        let run = render(&[
            "--out",
            out.to_str().expect("utf-8"),
            "--width",
            w,
            "--height",
            h,
            &data("sites.geojson"),
        ]);
        ok(&run);
        let image = read_png(&out);
        assert_eq!(
            image.dimensions(),
            (w.parse().expect("n"), h.parse().expect("n"))
        );
    }
}

#[test]
fn a_bbox_centres_the_image_on_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = out_in(&dir);
    // The Poipet compound (102.563, 13.659) in the middle of a small box: the centre pixel is
    // the sites' red dot.
    let bbox = "102.513,13.609,102.613,13.709";
    let run = render(&[
        "--out",
        out.to_str().expect("utf-8"),
        "--width",
        "600",
        "--height",
        "600",
        "--bbox",
        bbox,
        &data("sites.geojson"),
    ]);
    ok(&run);
    let image = read_png(&out);
    assert_eq!(image.get_pixel(300, 300).0, [214, 39, 40, 255]);
    // A box shifted east by its width: the site is just outside the left edge (so not drawn
    // at the centre). Its x lies one image width to the left of the centre.
    let run = render(&[
        "--out",
        out.to_str().expect("utf-8"),
        "--width",
        "600",
        "--height",
        "600",
        "--bbox",
        "102.613,13.609,102.713,13.709",
        &data("sites.geojson"),
    ]);
    ok(&run);
    let image = read_png(&out);
    assert_ne!(image.get_pixel(300, 300).0, [214, 39, 40, 255]);

    // A wide box on a square image: longitudes fill the width, and the point a quarter of the
    // way across lands a quarter of the way across the image.
    let (w, e): (f64, f64) = (102.363, 102.963);
    let lon = w + (e - w) / 4.0;
    let (s, n): (f64, f64) = (13.609, 13.709);
    let bbox = format!("{w},{s},{e},{n}");
    let site = format!(
        r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon},{lat}]}},"properties":{{}}}}"#,
        lat = (s + n) / 2.0
    );
    let site_path = dir.path().join("one.geojson");
    std::fs::write(&site_path, site).expect("written");
    let run = render(&[
        "--out",
        out.to_str().expect("utf-8"),
        "--width",
        "800",
        "--height",
        "800",
        "--bbox",
        &bbox,
        site_path.to_str().expect("utf-8"),
    ]);
    ok(&run);
    let image = read_png(&out);
    // Mercator centre in y: the middle latitude is not quite the middle row.
    let y_mid = (mercator_y(s) + mercator_y(n)) / 2.0;
    let row = 400.0 - (mercator_y((s + n) / 2.0) - y_mid) / ((e - w).to_radians()) * 800.0;
    assert_eq!(
        image.get_pixel(200, row.round() as u32).0,
        [214, 39, 40, 255]
    );
}

#[test]
fn without_layers_the_image_shows_cambodia() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = out_in(&dir);
    let run = render(&["--out", out.to_str().expect("utf-8")]);
    ok(&run);
    let image = read_png(&out);
    assert_eq!(image.dimensions(), (1600, 1000));
    // Cambodia's land colour (the basemap's highlight) fills much of the image.
    let cambodia = image
        .pixels()
        .filter(|p| p.0 == [253, 249, 237, 255])
        .count();
    let share = cambodia as f64 / (1600.0 * 1000.0);
    assert!(share > 0.3, "{share}");
}

#[test]
fn bad_arguments_are_usage_errors_and_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = out_in(&dir);
    let out_s = out.to_str().expect("utf-8");
    let cases: [&[&str]; 8] = [
        &["--out", out_s, "--width", "0"],
        &["--out", out_s, "--height", "-5"],
        &["--out", out_s, "--width", "big"],
        &["--out", out_s, "--bbox", "1,2,3"],
        &["--out", out_s, "--bbox", "105,12,104,13"],
        &["--out", out_s, "--bbox", "100,-89,110,13"],
        &["--out", out_s, "--basemap", "no-such-source"],
        &["--width", "100"],
    ];
    for args in cases {
        let run = render(args);
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        assert!(!run.stderr.is_empty(), "{args:?}: says why");
        assert!(!out.exists(), "{args:?}");
    }
    let run = render(&["--out", out_s, "--bbox", "1,2,3"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("W,S,E,N"), "{stderr}");
}

#[test]
fn an_invalid_layer_is_bad_input_and_leaves_an_existing_image_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = out_in(&dir);
    std::fs::write(&out, b"old image").expect("written");
    let bad = dir.path().join("bad.geojson");
    std::fs::write(
        &bad,
        r#"{"type": "FeatureCollection", "features": [{"type": "Feature"}]}"#,
    )
    .expect("written");
    let run = render(&[
        "--out",
        out.to_str().expect("utf-8"),
        bad.to_str().expect("utf-8"),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("bad.geojson"), "{stderr}");
    assert_eq!(std::fs::read(&out).expect("still there"), b"old image");
    let run = render(&[
        "--out",
        out.to_str().expect("utf-8"),
        dir.path().join("missing.geojson").to_str().expect("utf-8"),
    ]);
    assert_eq!(run.status.code(), Some(1));
}

/// The README's image: `raidmap render` of `data/sample.raidmap` (sites coloured by status,
/// raids sized by the people detained, with the legend). Refresh it with the command in the
/// README when the map's drawing changes on purpose.
#[test]
fn the_readme_image_is_what_render_makes_of_the_sample_project() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = out_in(&dir);
    let run = render(&[
        "--out",
        out.to_str().expect("utf-8"),
        &data("sample.raidmap"),
        "--title",
        "Scam compounds and police raids in Cambodia, 2024–2025 (approximate positions)",
    ]);
    ok(&run);
    let made = read_png(&out);
    let reference = read_png(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/render_sample.png"
    )));
    assert_eq!(made.dimensions(), reference.dimensions());
    let differing = made
        .pixels()
        .zip(reference.pixels())
        .filter(|(a, b)| {
            a.0.iter()
                .zip(b.0)
                .any(|(x, y)| (i32::from(*x) - i32::from(y)).abs() > 16)
        })
        .count();
    assert!(
        differing <= 1600,
        "{differing} pixels differ from the README's image"
    );
}

#[test]
fn the_sample_project_styles_sites_by_status_and_raids_by_detainees() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = out_in(&dir);
    let run = render(&[
        "--out",
        out.to_str().expect("utf-8"),
        &data("sample.raidmap"),
    ]);
    ok(&run);
    let image = read_png(&out);
    let count = |rgb: [u8; 3]| {
        image
            .pixels()
            .filter(|p| p.0[..3] == rgb && p.0[3] == 255)
            .count()
    };
    // Raided sites blue, suspected ones orange, raids purple: on the map and in the legend.
    assert!(count([31, 119, 180]) > 100, "raided");
    assert!(count([255, 152, 0]) > 50, "suspected");
    assert!(count([94, 60, 153]) > 100, "raids");
}

#[test]
fn a_tile_basemap_named_on_the_command_line_is_drawn_under_the_data() {
    let server = crate::tile_server::TileServer::solid([200, 30, 200]);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = out_in(&dir);
    let template = server.url("/{z}/{x}/{y}.png");
    // In the Gulf of Thailand: sea on the offline basemap, magenta from the tiles.
    let run = crate::util::headless()
        .args(["render", "--width", "300", "--height", "200", "--bbox"])
        .arg("103.0,10.0,103.5,10.3")
        .arg("--basemap")
        .arg(&template)
        .arg("--out")
        .arg(&out)
        // The tile cache goes to the test's folder, not the user's.
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("HOME", dir.path())
        .output()
        .expect("runs");
    ok(&run);
    let image = read_png(&out);
    assert_eq!(image.get_pixel(150, 100).0, [200, 30, 200, 255]);
    // Only tiles of one zoom level were asked for, each once.
    let paths = server.paths();
    assert!(!paths.is_empty());
    let zooms: std::collections::HashSet<&str> =
        paths.iter().filter_map(|p| p.split('/').nth(1)).collect();
    assert_eq!(zooms.len(), 1, "{paths:?}");
    let unique: std::collections::HashSet<&String> = paths.iter().collect();
    assert_eq!(unique.len(), paths.len(), "{paths:?}");
}

/// Every run of the binary gets a tile cache of its own (`util::command`): a tile one run
/// cached is not drawn by the next, as a tile of the user's cache under a reused 127.0.0.1
/// port once was in place of a test's own server. Two runs given the same cache folder do
/// share it (so the first run did cache its tiles).
#[test]
fn two_runs_do_not_share_a_tile_cache_unless_given_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let magenta = [200, 30, 200, 255];
    let run = |template: &str, name: &str, cache: Option<&Path>| {
        let out = dir.path().join(name);
        let mut command = crate::util::headless();
        command
            .args(["render", "--width", "300", "--height", "200", "--bbox"])
            .arg("103.0,10.0,103.5,10.3")
            .arg("--basemap")
            .arg(template)
            .arg("--out")
            .arg(&out);
        if let Some(cache) = cache {
            command.env("XDG_CACHE_HOME", cache);
        }
        let output = command.output().expect("runs");
        // In the Gulf of Thailand: sea on the offline basemap, magenta from the tiles.
        output.status.success() && read_png(&out).get_pixel(150, 100).0 == magenta
    };
    for cache in [None, Some(dir.path().join("cache"))] {
        let mut server = crate::tile_server::TileServer::solid([200, 30, 200]);
        let template = server.url("/{z}/{x}/{y}.png");
        assert!(run(&template, "first.png", cache.as_deref()), "{cache:?}");
        assert!(!server.paths().is_empty());
        // The server is gone: only a cache shared with the first run has its tiles.
        server.stop();
        assert_eq!(
            run(&template, "second.png", cache.as_deref()),
            cache.is_some(),
            "the second run with cache {cache:?}"
        );
    }
}

#[test]
fn without_basemap_render_uses_the_offline_map() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = out_in(&dir);
    let run = render(&[
        "--out",
        out.to_str().expect("utf-8"),
        "--width",
        "300",
        "--height",
        "200",
        "--bbox",
        "103.0,10.0,103.5,10.3",
    ]);
    ok(&run);
    // The offline basemap's sea.
    let sea = read_png(&out).get_pixel(150, 100).0;
    assert!(sea[2] > sea[0] && sea[2] > 200, "{sea:?}");
}

#[test]
fn a_scale_enlarges_text_but_keeps_the_pixel_size() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dark = |scale: &str| {
        let out = dir.path().join(format!("scale-{scale}.png"));
        let run = render(&[
            "--out",
            out.to_str().expect("utf-8"),
            "--width",
            "800",
            "--height",
            "500",
            "--scale",
            scale,
            "--title",
            "Title",
        ]);
        ok(&run);
        let image = read_png(&out);
        assert_eq!(image.dimensions(), (800, 500));
        // Dark title ink in the top left corner.
        (0..300)
            .flat_map(|x| (0..80).map(move |y| (x, y)))
            .filter(|&(x, y)| image.get_pixel(x, y).0[0] < 60)
            .count()
    };
    let (one, two) = (dark("1"), dark("2"));
    assert!(two > 3 * one, "ink at scale 1: {one}, at 2: {two}");
    let run = render(&["--out", "x.png", "--scale", "0"]);
    assert_eq!(run.status.code(), Some(2));
}

/// A project of the sample layers (by absolute path) with a time window and the sites hidden.
fn windowed_project(dir: &tempfile::TempDir) -> PathBuf {
    let project = dir.path().join("window.raidmap");
    let text = format!(
        r#"{{"raidmap_project": 2,
  "layers": [
    {{"name": "sites.geojson", "kind": "data", "source": {sites:?}, "visible": false}},
    {{"name": "raids.geojson", "kind": "data", "source": {raids:?}, "visible": true}}
  ],
  "time_window": {{"from": "2025-07-14", "to": "2025-07-16"}}}}"#,
        sites = data("sites.geojson"),
        raids = data("raids.geojson"),
    );
    std::fs::write(&project, text).expect("write the project");
    project
}

#[test]
fn an_image_of_a_time_window_says_so_and_names_the_hidden_layers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = windowed_project(&dir);
    let out = out_in(&dir);
    let run = render(&[
        "--out",
        out.to_str().expect("utf-8"),
        "--bbox",
        "102.3,10.4,107.65,14.7",
        project.to_str().expect("utf-8"),
    ]);
    ok(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    // Seven raids, the 2024 Mango Park raid outside the window.
    assert!(
        stderr.contains("shown: 14–16 July 2025, 6 of 7"),
        "{stderr}"
    );
    assert!(stderr.contains("hidden layer: "), "{stderr}");
    let captioned = read_png(&out);

    // The same layers without a window or hidden layer: no caption, and the heading's text
    // is what makes the top left differ.
    let plain = dir.path().join("plain.png");
    let run = render(&[
        "--out",
        plain.to_str().expect("utf-8"),
        "--bbox",
        "102.3,10.4,107.65,14.7",
        &data("raids.geojson"),
    ]);
    ok(&run);
    assert!(
        !String::from_utf8_lossy(&run.stderr).contains("the image states"),
        "nothing filtered, nothing stated"
    );
    let plain = read_png(&plain);
    let dark_top_left = |image: &image::RgbaImage| {
        (0..400)
            .flat_map(|x| (0..120).map(move |y| (x, y)))
            .filter(|&(x, y)| image.get_pixel(x, y).0[..3].iter().all(|c| *c < 60))
            .count()
    };
    assert!(
        dark_top_left(&captioned) > dark_top_left(&plain) + 200,
        "the caption is written at the top left: {} vs {} dark pixels",
        dark_top_left(&captioned),
        dark_top_left(&plain)
    );
}
