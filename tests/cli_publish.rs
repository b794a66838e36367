//! `raidmap animate`, `report` and `publish` as a user runs them: real files out, read back by
//! other programs (the gif and image-webp decoders, `webpinfo`, `ffprobe`, `pdftotext`,
//! `pdfinfo`, `pdffonts`). `.ci/run` installs ffmpeg, webp and poppler-utils; a test that needs
//! one fails, saying so, without it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::raidmap_headless as raidmap;

fn data(name: &str) -> String {
    format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn ok(run: &Output) {
    assert!(
        run.status.success(),
        "exit {:?}: {}",
        run.status.code(),
        String::from_utf8_lossy(&run.stderr)
    );
}

fn tool(name: &str, args: &[&str], package: &str) -> Output {
    Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name} ({e}): apt-get install {package}"))
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The frames of a GIF as RGBA images.
fn gif_frames(path: &Path) -> Vec<(u16, Vec<u8>)> {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let file = std::fs::File::open(path).expect("the GIF was written");
    let mut decoder = options.read_info(file).expect("a GIF");
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().expect("a frame") {
        frames.push((frame.delay, frame.buffer.to_vec()));
    }
    frames
}

#[test]
fn ten_days_make_a_ten_frame_gif_with_the_date_on_each() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("raids.gif");
    let run = raidmap(&[
        "animate",
        "--out",
        s(&out),
        "--from",
        "2025-07-10",
        "--to",
        "2025-07-19",
        "--step",
        "1d",
        "--fps",
        "4",
        "--width",
        "400",
        "--height",
        "250",
        &data("sample.raidmap"),
    ]);
    ok(&run);
    let frames = gif_frames(&out);
    assert_eq!(frames.len(), 10);
    assert!(
        frames.iter().all(|(delay, _)| *delay == 25),
        "4 frames a second"
    );
    // No raid between the 10th and the 13th: those frames differ only by the date written.
    assert_ne!(
        frames[0].1, frames[1].1,
        "the date differs from frame to frame"
    );
    // Raids appear from the 14th on: more of the raids' purple (#5e3c99) on the last frame.
    let purple = |rgba: &[u8]| {
        rgba.chunks(4)
            .filter(|p| {
                (i32::from(p[0]) - 0x5e).abs() < 24
                    && (i32::from(p[1]) - 0x3c).abs() < 24
                    && (i32::from(p[2]) - 0x99).abs() < 24
            })
            .count()
    };
    let (first, last) = (purple(&frames[0].1), purple(&frames[9].1));
    assert!(
        last > first + 50,
        "purple pixels: {first} on the 10th, {last} on the 19th"
    );
}

#[test]
fn an_animated_webp_is_valid_and_has_every_frame() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("raids.webp");
    let run = raidmap(&[
        "animate",
        "--out",
        s(&out),
        "--from",
        "2025-07-13",
        "--to",
        "2025-07-17",
        "--mode",
        "window:2",
        "--width",
        "320",
        "--height",
        "200",
        &data("sample.raidmap"),
    ]);
    ok(&run);
    let bytes = std::fs::read(&out).expect("written");
    let decoder = image_webp::WebPDecoder::new(std::io::Cursor::new(bytes)).expect("a WebP");
    assert!(decoder.is_animated());
    assert_eq!(decoder.num_frames(), 5);
    assert_eq!(decoder.dimensions(), (320, 200));
    // libwebp's own reader agrees.
    let info = tool("webpinfo", &[s(&out)], "webp");
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success(), "webpinfo: {text}");
    assert_eq!(text.matches("Chunk ANMF").count(), 5, "{text}");
}

#[test]
fn mp4_is_h264_through_ffmpeg_or_says_what_is_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("raids.mp4");
    let run = raidmap(&[
        "animate",
        "--out",
        s(&out),
        "--from",
        "2025-07-14",
        "--to",
        "2025-07-16",
        "--width",
        "321",
        "--height",
        "201",
        &data("sample.raidmap"),
    ]);
    ok(&run);
    let probe = tool(
        "ffprobe",
        &[
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=codec_name,nb_read_frames",
            "-of",
            "csv=p=0",
            s(&out),
        ],
        "ffmpeg",
    );
    assert_eq!(String::from_utf8_lossy(&probe.stdout).trim(), "h264,3");

    // Without ffmpeg on the PATH: exit 1, a sentence saying so, no file.
    let empty = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("none.mp4");
    let run = crate::util::command()
        .args(["animate", "--out", s(&missing), &data("sample.raidmap")])
        .env("PATH", empty.path())
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("ffmpeg") && err.contains(".gif"), "{err}");
    assert!(!missing.exists());
}

#[test]
fn animate_refuses_bad_arguments_and_keeps_the_old_file_on_bad_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("a.gif");
    for bad in [
        vec!["--out", "a.png"],
        vec!["--out", s(&out), "--step", "1y"],
        vec!["--out", s(&out), "--mode", "window:0"],
        vec![
            "--out",
            s(&out),
            "--from",
            "2025-07-19",
            "--to",
            "2025-07-10",
        ],
        vec![
            "--out",
            s(&out),
            "--from",
            "1900-01-01",
            "--to",
            "2025-07-10",
        ],
        vec!["--out", s(&out), "--fps", "0"],
        vec!["--out", s(&out), "--bbox", "1,2,3"],
    ] {
        let mut args = vec!["animate"];
        args.extend(bad.iter().copied());
        let run = raidmap(&args);
        assert_eq!(
            run.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    std::fs::write(&out, b"old").expect("write");
    let broken = dir.path().join("broken.geojson");
    std::fs::write(&broken, "{\"type\": \"FeatureCollection\", \"features\": [").expect("write");
    let run = raidmap(&["animate", "--out", s(&out), s(&broken)]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("broken.geojson"));
    assert_eq!(std::fs::read(&out).expect("still there"), b"old");
    // A layer without dates has nothing to animate.
    let run = raidmap(&["animate", "--out", s(&out), &data("sites.geojson")]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("dates"));
}

fn pdftotext(pdf: &Path) -> String {
    let run = tool("pdftotext", &["-layout", s(pdf), "-"], "poppler-utils");
    assert!(run.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&run.stdout).into_owned()
}

/// The geodesic distance on WGS84 (GeographicLib's algorithm, Karney), in metres.
fn geodesic_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    use geographiclib_rs::{Geodesic, InverseGeodesic};
    let d: f64 = Geodesic::wgs84().inverse(a.1, a.0, b.1, b.0);
    d
}

#[test]
fn the_report_is_searchable_text_with_sites_distances_and_sources() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("report.pdf");
    let run = raidmap(&[
        "report",
        &data("sample.raidmap"),
        "-o",
        s(&out),
        "--title",
        "July 2025 raids",
        "--radius-km",
        "10",
        "--from",
        "2025-07-14",
        "--to",
        "2025-07-16",
    ]);
    ok(&run);
    let text = pdftotext(&out);
    for expected in [
        "July 2025 raids",
        "Mango Park 2",
        "Poipet compound",
        "Kampong Speu",
        "Kong Pisey raid",
        "2025-07-16",
        "63 people",
        "CamboJA News",
        "WGS84",
        "Karney",
        "2025-07-14 to 2025-07-16",
        "lies within 10.00 km",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in the PDF's text:\n{text}"
        );
    }
    // Each data file with its SHA-256.
    for file in ["sample.raidmap", "sites.geojson", "raids.geojson"] {
        let bytes = std::fs::read(data(file)).expect("read");
        use sha2::Digest as _;
        let hash: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(
            text.contains(&hash),
            "{file}'s SHA-256 {hash} not in the PDF:\n{text}"
        );
    }
    // Mango Park 2's nearest raid in the window is Kong Pisey's (104.64, 11.33), at the
    // geodesic distance computed here.
    let d = geodesic_m((104.716, 11.202), (104.64, 11.33));
    let written = raidmap::measure::format_distance(d);
    let row = text
        .lines()
        .find(|l| l.contains("Mango Park 2"))
        .expect("a row for Mango Park 2");
    assert!(row.contains(&written), "{written} not in {row:?}");
    // Precision notes of approximate positions.
    assert!(text.contains("commune"), "precision notes");

    let info = tool("pdfinfo", &[s(&out)], "poppler-utils");
    assert!(String::from_utf8_lossy(&info.stdout).contains("595.28 x 841.89 pts (A4)"));
    let fonts =
        String::from_utf8_lossy(&tool("pdffonts", &[s(&out)], "poppler-utils").stdout).into_owned();
    assert!(
        fonts.contains("NotoSans") && fonts.lines().skip(2).all(|l| l.contains(" yes ")),
        "{fonts}"
    );
}

/// The resolution of each picture in the PDF (`pdfimages -list`'s x-ppi and y-ppi), with
/// its size in pixels.
fn pdf_images_ppi(pdf: &Path) -> Vec<(u32, u32, u32, u32)> {
    let run = tool("pdfimages", &["-list", s(pdf)], "poppler-utils");
    assert!(run.status.success(), "pdfimages failed");
    let list = String::from_utf8_lossy(&run.stdout).into_owned();
    // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    list.lines()
        .skip(2)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            (cells.get(2) == Some(&"image")).then(|| {
                let n = |i: usize| cells[i].parse::<u32>().expect("a number");
                (n(3), n(4), n(12), n(13))
            })
        })
        .collect()
}

#[test]
fn the_report_names_when_each_file_was_last_modified_and_its_map_prints_at_300_dpi() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sites = dir.path().join("sites.geojson");
    std::fs::copy(data("sites.geojson"), &sites).expect("copy");
    // 2025-07-20 10:30:05 UTC, set here and read back from the PDF.
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_753_007_405);
    std::fs::File::options()
        .write(true)
        .open(&sites)
        .and_then(|f| f.set_modified(when))
        .expect("set the modification time");
    for (paper, size) in [("a4", 595.28 - 96.0), ("letter", 612.0 - 96.0)] {
        let out = dir.path().join(format!("{paper}.pdf"));
        ok(&raidmap(&[
            "report",
            s(&sites),
            "-o",
            s(&out),
            "--paper",
            paper,
        ]));
        let text = pdftotext(&out);
        assert!(
            text.contains("last modified 2025-07-20 10:30:05 UTC"),
            "the file's modification time:\n{text}"
        );
        assert!(
            text.contains("Edited since read: no."),
            "nothing edited on the command line:\n{text}"
        );
        let images = pdf_images_ppi(&out);
        assert_eq!(images.len(), 1, "one picture, the map: {images:?}");
        let (width, _, x_ppi, y_ppi) = images[0];
        assert!(
            x_ppi >= 300 && y_ppi >= 300,
            "the map prints at {x_ppi} × {y_ppi} ppi on {paper}"
        );
        // Across the text width between the margins (72 points an inch).
        let printed_in = size / 72.0;
        assert!(
            f64::from(width) / printed_in >= 300.0,
            "{width} pixels across {printed_in:.2} in"
        );
    }
}

#[test]
fn the_report_prints_on_letter_and_shapes_khmer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let layer = dir.path().join("khmer.geojson");
    std::fs::write(
        &layer,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[104.9,11.55]},"properties":{"name":"អគារ ភ្នំពេញ","status":"suspected"}}]}"#,
    )
    .expect("write");
    let out = dir.path().join("letter.pdf");
    let run = raidmap(&["report", s(&layer), "-o", s(&out), "--paper", "letter"]);
    ok(&run);
    let info = tool("pdfinfo", &[s(&out)], "poppler-utils");
    assert!(String::from_utf8_lossy(&info.stdout).contains("612 x 792 pts (letter)"));
    let fonts =
        String::from_utf8_lossy(&tool("pdffonts", &[s(&out)], "poppler-utils").stdout).into_owned();
    assert!(
        fonts.contains("NotoSansKhmer"),
        "the Khmer font is embedded: {fonts}"
    );
    assert!(
        pdftotext(&out).contains("Phnom Penh"),
        "the province from the basemap"
    );
}

#[test]
fn report_and_publish_refuse_bad_arguments_and_unreadable_inputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = dir.path().join("r.pdf");
    let html = dir.path().join("m.html");
    for bad in [
        vec!["report", "-o", s(&pdf)],
        vec!["report", &data("sites.geojson")],
        vec![
            "report",
            &data("sites.geojson"),
            "-o",
            s(&pdf),
            "--radius-km",
            "-1",
        ],
        vec![
            "report",
            &data("sites.geojson"),
            "-o",
            s(&pdf),
            "--paper",
            "a5",
        ],
        vec![
            "report",
            &data("sites.geojson"),
            "-o",
            s(&pdf),
            "--from",
            "2025-07-20",
            "--to",
            "2025-07-01",
        ],
        vec!["publish", "-o", s(&html)],
        vec!["publish", &data("sites.geojson")],
    ] {
        let run = raidmap(&bad);
        assert_eq!(
            run.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let missing = dir.path().join("missing.geojson");
    for command in ["report", "publish"] {
        let out: PathBuf = dir.path().join(format!("{command}.out"));
        std::fs::write(&out, b"old").expect("write");
        let run = raidmap(&[command, s(&missing), "-o", s(&out)]);
        assert_eq!(run.status.code(), Some(1), "{command}");
        assert!(String::from_utf8_lossy(&run.stderr).contains("missing.geojson"));
        assert_eq!(std::fs::read(&out).expect("kept"), b"old");
    }
}

#[test]
fn the_web_map_is_one_small_file_that_names_nothing_outside_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("map.html");
    let run = raidmap(&["publish", &data("sample.raidmap"), "-o", s(&out)]);
    ok(&run);
    let html = std::fs::read_to_string(&out).expect("written");
    assert!(html.len() < 2_000_000, "{} bytes", html.len());
    for needle in [
        "Mango Park 2",
        "Leaflet 1.9.4",
        "BSD 2-Clause",
        "Natural Earth",
        "default-src 'none'",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    assert!(!html.contains("sourceMappingURL"));
    assert!(!html.contains("url(images/"));
    assert!(!html.contains(" src=\"http"), "no remote script or image");
}
