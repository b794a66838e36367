//! `raidmap render` with imagery through time: two basemaps either side of a swipe divider, a
//! Wayback release chosen by date from a configuration on 127.0.0.1, and a picture pinned onto
//! the map landing within a pixel of where its pins put it.

use std::process::Output;

use raidmap::mercator::{lon_lat_to_world, world_to_lon_lat};

use crate::tile_server::TileServer;
use crate::wayback::wayback_server;

fn render(args: &[&str]) -> (Output, image::RgbImage) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("map.png");
    // A cache of its own: the user's tile cache is shared by every test run on the machine,
    // and a tile kept there under another test's 127.0.0.1 port (or Wayback release) would be
    // drawn without asking this test's server.
    let output = crate::util::command()
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .arg("render")
        .arg("--out")
        .arg(&out)
        .args(args)
        .output()
        .expect("raidmap runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let image = image::open(&out).expect("a PNG").to_rgb8();
    (output, image)
}

/// The share of pixels in columns `xs` and rows `ys` close to `rgb`.
fn share(
    image: &image::RgbImage,
    xs: std::ops::Range<u32>,
    ys: std::ops::Range<u32>,
    rgb: [u8; 3],
) -> f64 {
    let mut near = 0;
    let mut all = 0;
    for y in ys {
        for x in xs.clone() {
            let p = image.get_pixel(x, y).0;
            all += 1;
            if p.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) < 24) {
                near += 1;
            }
        }
    }
    f64::from(near) / f64::from(all)
}

/// Open sea in the Gulf of Thailand: no borders or towns on top of the imagery.
const SEA: &str = "103.0,7.0,104.0,8.0";

#[test]
fn a_swipe_image_has_the_first_basemap_left_and_the_second_right() {
    let red = TileServer::solid([220, 30, 30]);
    let blue = TileServer::solid([30, 30, 220]);
    let (_, image) = render(&[
        "--width",
        "400",
        "--height",
        "300",
        "--bbox",
        SEA,
        "--basemap",
        &red.url("/{z}/{x}/{y}.png"),
        "--compare",
        &blue.url("/{z}/{x}/{y}.png"),
        "--swipe",
        "0.25",
    ]);
    // Divider at x = 100: left of it red, right of it blue (away from the names, and from the
    // credits, which take the bottom right of so small an image).
    assert!(share(&image, 10..90, 150..240, [220, 30, 30]) > 0.95);
    assert!(share(&image, 110..240, 150..210, [30, 30, 220]) > 0.95);
    assert!(share(&image, 110..240, 150..210, [220, 30, 30]) < 0.01);
    assert!(!red.paths().is_empty() && !blue.paths().is_empty());
}

#[test]
fn a_wayback_date_draws_the_nearest_release() {
    let server = wayback_server();
    let config = server.url("/waybackconfig.json");
    // 2015-12-01 is nearest the 2016-06-01 release (green).
    let (output, image) = render(&[
        "--width",
        "300",
        "--height",
        "300",
        "--bbox",
        SEA,
        "--basemap",
        "wayback:2015-12-01",
        "--wayback-config",
        &config,
    ]);
    assert!(share(&image, 20..160, 150..240, [40, 200, 40]) > 0.95);
    let _ = output;
    // Compared with the 2014 release (red) on the right.
    let (_, image) = render(&[
        "--width",
        "300",
        "--height",
        "300",
        "--bbox",
        SEA,
        "--basemap",
        "wayback:2015-12-01",
        "--wayback-config",
        &config,
        "--compare",
        "wayback:2014-01-01",
    ]);
    assert!(share(&image, 10..140, 150..240, [40, 200, 40]) > 0.95);
    // Right of the divider: above the credits (two releases' credits fill the bottom right of
    // so small an image) and left of the north arrow.
    assert!(share(&image, 160..240, 5..60, [200, 40, 40]) > 0.95);
}

/// The centre of the pixels near `rgb`.
fn centroid(image: &image::RgbImage, rgb: [u8; 3]) -> (f64, f64) {
    let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
    for (x, y, p) in image.enumerate_pixels() {
        if p.0.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) < 40) {
            sx += f64::from(x) + 0.5;
            sy += f64::from(y) + 0.5;
            n += 1.0;
        }
    }
    assert!(n > 0.0, "no pixel of {rgb:?}");
    (sx / n, sy / n)
}

/// A 200 × 200 picture: grey, a red square at (40..48, 60..68), a blue one at (150..158,
/// 120..128).
fn plan_picture() -> image::RgbImage {
    let mut picture = image::RgbImage::from_pixel(200, 200, image::Rgb([128, 128, 128]));
    for (x0, y0, rgb) in [(40, 60, [230, 20, 20]), (150, 120, [20, 20, 230])] {
        for y in y0..y0 + 8 {
            for x in x0..x0 + 8 {
                picture.put_pixel(x, y, image::Rgb(rgb));
            }
        }
    }
    picture
}

/// West, east, north and south of a box square in Web Mercator, which a 200 × 200 image shows
/// edge to edge: a picture pinned by its corners to it lands pixel on pixel.
fn square_box() -> (f64, f64, f64, f64) {
    let (west, east, north) = (104.90, 104.92, 11.57);
    let nw = lon_lat_to_world(west, north);
    let ne = lon_lat_to_world(east, north);
    let side = ne.x - nw.x;
    let (_, south) = world_to_lon_lat(geo::Coord {
        x: nw.x,
        y: nw.y + side,
    });
    (west, east, north, south)
}

/// The red and blue squares of [`plan_picture`] where its pins put them (within a pixel).
fn assert_squares_in_place(image: &image::RgbImage) {
    let (rx, ry) = centroid(image, [230, 20, 20]);
    let (bx, by) = centroid(image, [20, 20, 230]);
    assert!(
        (rx - 44.0).abs() < 1.0 && (ry - 64.0).abs() < 1.0,
        "red at {rx},{ry}"
    );
    assert!(
        (bx - 154.0).abs() < 1.0 && (by - 124.0).abs() < 1.0,
        "blue at {bx},{by}"
    );
}

#[test]
fn a_pinned_picture_lands_within_a_pixel_of_its_pins() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.png");
    plan_picture().save(&path).expect("save");
    // The picture's corners pinned to the square box: picture pixel (x, y) must land on image
    // pixel (x, y).
    let (west, east, north, south) = square_box();
    let pins = format!(
        "0,0,{west},{north};200,0,{east},{north};0,200,{west},{south};200,200,{east},{south}"
    );
    let bbox = format!("{west},{south},{east},{north}");
    let (output, image) = render(&[
        "--width",
        "200",
        "--height",
        "200",
        "--bbox",
        &bbox,
        "--overlay",
        &path.display().to_string(),
        "--pins",
        &pins,
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("pin 4: residual 0.00 m"), "{stderr}");
    assert_squares_in_place(&image);
}

#[test]
fn a_project_draws_its_pinned_picture_from_inside_the_project() {
    use raidmap::model::Picture;
    use raidmap::model::picture::Pin;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut png = Vec::new();
    plan_picture()
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encodes");
    let mut evidence = raidmap::evidence::Evidence::default();
    let sha256 = evidence.store.add(png);
    let (west, east, north, south) = square_box();
    let mut picture = Picture::new("plan.png", sha256, [200, 200]);
    picture.opacity = 1.0;
    picture.pins = [
        ([0.0, 0.0], west, north),
        ([200.0, 0.0], east, north),
        ([0.0, 200.0], west, south),
    ]
    .into_iter()
    .map(|(image, lon, lat)| Pin { image, lon, lat })
    .collect();
    let settings = raidmap::project::Settings {
        pictures: vec![picture],
        ..Default::default()
    };
    let project = dir.path().join("case.raidmap");
    raidmap::project::save(&project, &[], &settings, &evidence).expect("saves");
    let bbox = format!("{west},{south},{east},{north}");
    let (_, image) = render(&[
        &project.display().to_string(),
        "--width",
        "200",
        "--height",
        "200",
        "--bbox",
        &bbox,
    ]);
    assert_squares_in_place(&image);
}

#[test]
fn bad_pins_are_a_usage_error_naming_the_pin() {
    let output = crate::util::command()
        .args([
            "render",
            "--out",
            "/nonexistent/x.png",
            "--overlay",
            "a.png",
            "--pins",
            "0,0,104,11;1,2",
        ])
        .output()
        .expect("raidmap runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("pin 2"), "{stderr}");
}
