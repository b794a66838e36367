//! Evidence from the command line: attachments hashed as `sha256sum` hashes them, a damaged one
//! reported, the custody log, geotagged photos (EXIF written here), and encryption that the
//! real `age` command opens and writes (both ways, passphrase and keys).

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

use raidmap::evidence::Evidence;
use raidmap::model::Document;
use raidmap::project::{self, SaveLayer, Settings};
use serde_json::Value;

const PASSPHRASE: &str = "correct horse battery staple 17";

fn raidmap(args: &[&std::ffi::OsStr], envs: &[(&str, &str)]) -> Output {
    let mut command = crate::util::command();
    command.args(args).env_remove("RAIDMAP_PASSPHRASE");
    for (k, v) in envs {
        command.env(k, v);
    }
    command.output().expect("runs")
}

fn ok(run: &Output) -> String {
    assert!(
        run.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        run.status.code(),
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout).into_owned()
}

fn os<P: AsRef<std::ffi::OsStr> + ?Sized>(p: &P) -> &std::ffi::OsStr {
    p.as_ref()
}

/// The hash `sha256sum` prints for a file.
pub(crate) fn sha256sum(path: &Path) -> String {
    let out = Process::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum runs (coreutils)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("a hash")
        .to_owned()
}

/// A project in `dir` holding the sample sites (embedded).
fn sample_project(dir: &Path) -> PathBuf {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut doc = Document::new();
    doc.add_layer(raidmap::io::read_path(&data.join("sites.geojson")).expect("reads"));
    let layers: Vec<SaveLayer<'_>> = doc
        .layers()
        .map(|(_, layer)| SaveLayer {
            layer,
            visible: true,
            style: None,
            embed: true,
        })
        .collect();
    let path = dir.join("case.raidmap");
    project::save(&path, &layers, &Settings::default(), &Evidence::default()).expect("saves");
    path
}

/// The first feature's name in the sample sites.
fn first_site_name() -> String {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sites.geojson");
    let layer = raidmap::io::read_path(&data).expect("reads");
    layer.features[0].name().expect("named").to_owned()
}

/// A small JPEG with the given EXIF fields (written with kamadak-exif's writer into an APP1
/// segment after the start-of-image marker).
pub(crate) fn jpeg_with_exif(fields: &[exif::Field]) -> Vec<u8> {
    let mut jpeg = Vec::new();
    let pixels: Vec<u8> = (0..16 * 16 * 3).map(|i| (i * 7 % 251) as u8).collect();
    image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
        .encode(&pixels, 16, 16, image::ExtendedColorType::Rgb8)
        .expect("encodes");
    if fields.is_empty() {
        return jpeg;
    }
    let tiff = exif_tiff(fields);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The EXIF fields as a TIFF structure (big-endian), by kamadak-exif's writer.
fn exif_tiff(fields: &[exif::Field]) -> Vec<u8> {
    let mut writer = exif::experimental::Writer::new();
    for f in fields {
        writer.push_field(f);
    }
    let mut tiff = std::io::Cursor::new(Vec::new());
    writer.write(&mut tiff, false).expect("writes EXIF");
    tiff.into_inner()
}

/// An ISO-BMFF box: size, type, body.
fn bmff_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// A HEIF (HEIC) file holding only an `Exif` item with the given fields (ISO/IEC 23008-12:
/// `ftyp` with the `mif1` brand, `meta` with `iinf`/`infe`, `iloc` pointing into `idat`), as
/// a phone writes the metadata of its photos; no image item, which raidmap does not read.
pub(crate) fn heic_with_exif(fields: &[exif::Field]) -> Vec<u8> {
    // The Exif item: the offset to the TIFF header (0), then the TIFF structure.
    let mut item = 0u32.to_be_bytes().to_vec();
    item.extend_from_slice(&exif_tiff(fields));
    let ftyp = bmff_box(b"ftyp", b"heic\0\0\0\0mif1heic");
    // infe version 2: item 1, protection 0, type Exif, empty name.
    let infe = bmff_box(b"infe", b"\x02\0\0\0\0\x01\0\0Exif\0");
    let mut iinf = vec![0, 0, 0, 0, 0, 1];
    iinf.extend_from_slice(&infe);
    // iloc version 1: 4-byte offsets and lengths, no base offset; item 1 built from idat
    // (construction method 1), one extent.
    let mut iloc = vec![1, 0, 0, 0, 0x44, 0x00, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1];
    iloc.extend_from_slice(&0u32.to_be_bytes());
    iloc.extend_from_slice(&(item.len() as u32).to_be_bytes());
    let mut meta = vec![0, 0, 0, 0];
    meta.extend_from_slice(&bmff_box(b"iinf", &iinf));
    meta.extend_from_slice(&bmff_box(b"iloc", &iloc));
    meta.extend_from_slice(&bmff_box(b"idat", &item));
    let mut out = ftyp;
    out.extend_from_slice(&bmff_box(b"meta", &meta));
    out
}

pub(crate) fn ascii(tag: exif::Tag, text: &str) -> exif::Field {
    exif::Field {
        tag,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Ascii(vec![text.as_bytes().to_vec()]),
    }
}

pub(crate) fn rationals(tag: exif::Tag, values: &[(u32, u32)]) -> exif::Field {
    exif::Field {
        tag,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Rational(values.iter().map(|&(n, d)| (n, d).into()).collect()),
    }
}

pub(crate) fn gps(
    lat: [(u32, u32); 3],
    lat_ref: &str,
    lon: [(u32, u32); 3],
    lon_ref: &str,
) -> Vec<exif::Field> {
    use exif::Tag;
    vec![
        exif::Field {
            tag: Tag::GPSVersionID,
            ifd_num: exif::In::PRIMARY,
            value: exif::Value::Byte(vec![2, 3, 0, 0]),
        },
        ascii(Tag::GPSLatitudeRef, lat_ref),
        rationals(Tag::GPSLatitude, &lat),
        ascii(Tag::GPSLongitudeRef, lon_ref),
        rationals(Tag::GPSLongitude, &lon),
    ]
}

#[test]
fn attachments_are_hashed_as_sha256sum_does_listed_exported_and_logged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = sample_project(dir.path());
    let photo = dir.path().join("gate.jpg");
    std::fs::write(&photo, jpeg_with_exif(&[])).expect("writes");
    let note = dir.path().join("witness note.txt");
    std::fs::write(&note, "Guard rotation at 22:00, two trucks.\n").expect("writes");
    let site = first_site_name();

    let out = ok(&raidmap(
        &[
            os("attach"),
            project.as_os_str(),
            os(&site),
            photo.as_os_str(),
            note.as_os_str(),
        ],
        &[("RAIDMAP_USER", "ana")],
    ));
    let photo_sha = sha256sum(&photo);
    let note_sha = sha256sum(&note);
    assert!(out.contains(&format!("{photo_sha}  gate.jpg")), "{out}");
    assert!(
        out.contains(&format!("{note_sha}  witness note.txt")),
        "{out}"
    );
    let head = std::fs::read(&project).expect("reads");
    assert!(
        head.starts_with(b"PK"),
        "a project with attachments is a zip container"
    );

    let info = ok(&raidmap(&[os("info"), project.as_os_str()], &[]));
    assert!(
        info.contains(&format!("gate.jpg  sha256 {photo_sha}")),
        "{info}"
    );
    assert!(info.contains("image/jpeg"), "{info}");
    assert!(info.contains("added") && info.contains("by ana"), "{info}");
    let json = ok(&raidmap(
        &[os("info"), os("--json"), project.as_os_str()],
        &[],
    ));
    let json: Value = serde_json::from_str(&json).expect("json");
    let listed = &json["files"][0]["attachments"];
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{json}");
    assert_eq!(listed[0]["verified"], true);

    let out = dir.path().join("out.geojson");
    let evidence = dir.path().join("evidence out");
    ok(&raidmap(
        &[
            os("export"),
            project.as_os_str(),
            os("-o"),
            out.as_os_str(),
            os("--evidence"),
            evidence.as_os_str(),
        ],
        &[("RAIDMAP_USER", "bo")],
    ));
    let exported: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("reads")).expect("json");
    let feature = exported["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["properties"]["name"] == site.as_str())
        .expect("the site");
    let list = exported_attachments(feature);
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["sha256"], photo_sha.as_str());
    let check = Process::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&evidence)
        .output()
        .expect("sha256sum runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&check.stdout).lines().count(), 2);
    assert_eq!(
        std::fs::read(evidence.join("gate.jpg")).expect("written"),
        std::fs::read(&photo).expect("reads")
    );

    let log = ok(&raidmap(&[os("log"), project.as_os_str()], &[]));
    let lines: Vec<&str> = log.lines().collect();
    // Attached twice; then each file's hash verified before it was exported.
    assert_eq!(lines.len(), 6, "{log}");
    assert!(
        lines[0].contains("attached") && lines[0].contains(&photo_sha) && lines[0].contains("ana")
    );
    assert!(
        lines[2].contains("hash verified") && lines[2].contains(&photo_sha),
        "{log}"
    );
    assert!(
        lines[3].contains("exported") && lines[3].contains(&photo_sha) && lines[3].contains("bo"),
        "{log}"
    );
    assert!(lines[5].contains("exported"), "{log}");
    let csv = ok(&raidmap(
        &[os("log"), os("--csv"), project.as_os_str()],
        &[],
    ));
    assert!(
        csv.starts_with("time,user,event,sha256,detail,hash\n"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(",ana,attached,{photo_sha},")),
        "{csv}"
    );
}

/// An exported feature's `attachments` list, checked to have exactly the export's keys in
/// order, and no project member left.
pub(crate) fn exported_attachments(feature: &Value) -> &Vec<Value> {
    assert!(feature.get("raidmap:attachments").is_none(), "{feature}");
    let list = feature["attachments"]
        .as_array()
        .expect("an attachments list");
    for item in list {
        let keys: Vec<&str> = item
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["name", "sha256", "bytes", "media_type", "added"]);
    }
    list
}

/// Seal `project` into `sealed` with `PASSPHRASE` (`raidmap encrypt --passphrase-env`).
fn encrypt(project: &Path, sealed: &Path) {
    ok(&raidmap(
        &[
            os("encrypt"),
            project.as_os_str(),
            os("-o"),
            sealed.as_os_str(),
            os("--passphrase-env"),
            os("PW"),
        ],
        &[("PW", PASSPHRASE)],
    ));
}

/// Rewrite the zip container with one entry's bytes changed.
pub(crate) fn damage(project: &Path, sha: &str) {
    let bytes = std::fs::read(project).expect("reads");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().to_owned();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).expect("reads");
        if name == format!("evidence/{sha}") {
            data[0] ^= 0x55;
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("starts");
        std::io::Write::write_all(&mut out, &data).expect("writes");
    }
    let out = out.finish().expect("finishes").into_inner();
    std::fs::write(project, out).expect("writes");
}

#[test]
fn a_damaged_attachment_is_reported_and_stops_an_evidence_export() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = sample_project(dir.path());
    let file = dir.path().join("plan.pdf");
    std::fs::write(&file, b"%PDF-1.4 site plan of building C").expect("writes");
    ok(&raidmap(
        &[
            os("attach"),
            project.as_os_str(),
            os(&first_site_name()),
            file.as_os_str(),
        ],
        &[],
    ));
    let sha = sha256sum(&file);
    damage(&project, &sha);

    let run = raidmap(&[os("info"), project.as_os_str()], &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(&format!("plan.pdf does not match its SHA-256 {sha}")),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&run.stdout).contains("HASH MISMATCH"));

    let evidence = dir.path().join("ev");
    let run = raidmap(
        &[
            os("export"),
            project.as_os_str(),
            os("-o"),
            dir.path().join("o.geojson").as_os_str(),
            os("--evidence"),
            evidence.as_os_str(),
        ],
        &[],
    );
    assert_eq!(run.status.code(), Some(1));
    assert!(!evidence.exists(), "nothing written");
}

#[test]
fn photos_become_points_with_time_direction_camera_and_hash_and_unplaced_ones_are_listed() {
    use exif::Tag;
    let dir = tempfile::tempdir().expect("temp dir");
    let photos = dir.path().join("field");
    std::fs::create_dir(&photos).expect("mkdir");
    // 11°33'36.0"N 104°55'12.5"E, with offset and direction.
    let mut a = gps(
        [(11, 1), (33, 1), (360, 10)],
        "N",
        [(104, 1), (55, 1), (125, 10)],
        "E",
    );
    a.push(ascii(Tag::DateTimeOriginal, "2025:03:01 14:22:05"));
    a.push(ascii(Tag::OffsetTimeOriginal, "+07:00"));
    a.push(rationals(Tag::GPSImgDirection, &[(2715, 10)]));
    a.push(ascii(Tag::Make, "Canon"));
    a.push(ascii(Tag::Model, "EOS 90D"));
    std::fs::write(photos.join("a.jpg"), jpeg_with_exif(&a)).expect("writes");
    // South and west, no offset.
    let mut b = gps(
        [(10, 1), (30, 1), (0, 1)],
        "S",
        [(20, 1), (15, 1), (0, 1)],
        "W",
    );
    b.push(ascii(Tag::DateTimeOriginal, "2024:12:31 23:59:59"));
    std::fs::write(photos.join("b.jpg"), jpeg_with_exif(&b)).expect("writes");
    // No GPS at all.
    std::fs::write(
        photos.join("c.jpg"),
        jpeg_with_exif(&[ascii(Tag::Make, "Nokia")]),
    )
    .expect("writes");
    std::fs::write(photos.join("notes.txt"), "not a photo").expect("writes");

    let out = dir.path().join("photos.geojson");
    let run = raidmap(
        &[os("photos"), photos.as_os_str(), os("-o"), out.as_os_str()],
        &[],
    );
    ok(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("c.jpg: not placed: no GPS position"),
        "{stderr}"
    );
    assert!(!stderr.contains("notes.txt"), "{stderr}");
    let layer: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("reads")).expect("json");
    let features = layer["features"].as_array().expect("features");
    assert_eq!(features.len(), 2);
    let a = &features[0];
    let coords = a["geometry"]["coordinates"].as_array().expect("point");
    assert!(
        (coords[0].as_f64().expect("lon") - (104.0 + 55.0 / 60.0 + 12.5 / 3600.0)).abs() < 1e-7
    );
    assert!((coords[1].as_f64().expect("lat") - (11.0 + 33.0 / 60.0 + 36.0 / 3600.0)).abs() < 1e-7);
    assert_eq!(a["properties"]["taken_at"], "2025-03-01T14:22:05+07:00");
    assert_eq!(a["properties"]["direction_deg"], 271.5);
    assert_eq!(a["properties"]["camera_make"], "Canon");
    assert_eq!(a["properties"]["camera_model"], "EOS 90D");
    assert_eq!(a["properties"]["file"], "a.jpg");
    let sha = sha256sum(&photos.join("a.jpg"));
    assert_eq!(a["properties"]["sha256"], sha.as_str());
    assert_eq!(a["attachments"][0]["sha256"], sha.as_str());
    let b = &features[1];
    let coords = b["geometry"]["coordinates"].as_array().expect("point");
    assert!(coords[0].as_f64().expect("lon") < 0.0 && coords[1].as_f64().expect("lat") < 0.0);
    assert_eq!(b["properties"]["taken_at"], "2024-12-31T23:59:59");
    assert!(
        b["properties"]["taken_at_note"]
            .as_str()
            .expect("a note")
            .contains("no UTC offset")
    );

    // The timeline dates the photos by `taken_at` and lists the one without an offset.
    let read = raidmap::io::read_path(&out).expect("reads back");
    let field = raidmap::timeline::candidates(&read)[0].field.clone();
    assert_eq!(field.to_string(), "taken_at");
    let times = raidmap::timeline::LayerTimes::read(&read, field);
    assert!(times.when(0).is_some());
    assert_eq!(times.unreadable_count(), 1);
    assert_eq!(times.unreadable()[0].index, 1);

    // As a project, the photos themselves are attached and verified.
    let case = dir.path().join("photos.raidmap");
    ok(&raidmap(
        &[
            os("photos"),
            photos.join("a.jpg").as_os_str(),
            os("-o"),
            case.as_os_str(),
        ],
        &[],
    ));
    let info = ok(&raidmap(&[os("info"), case.as_os_str()], &[]));
    assert!(
        info.contains(&format!("a.jpg  sha256 {sha}")) && info.contains("hash verified"),
        "{info}"
    );
}

/// Run `age` in a pseudo-terminal (it reads passphrases only from a terminal), typing `input`.
pub(crate) fn age_with_tty(args: &str, input: &str) -> Output {
    let mut child = Process::new("script")
        .args(["-qec", &format!("age {args}"), "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script (util-linux) and age run; .ci/run installs them");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), input.as_bytes())
        .expect("types");
    child.wait_with_output().expect("waits")
}

pub(crate) fn age_keygen(path: &Path) -> String {
    let run = Process::new("age-keygen")
        .arg("-o")
        .arg(path)
        .output()
        .expect("age-keygen runs");
    assert!(run.status.success());
    let text = std::fs::read_to_string(path).expect("reads");
    text.lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .expect("public key line")
        .to_owned()
}

#[test]
fn encrypted_projects_open_with_age_and_age_files_open_in_raidmap() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = sample_project(dir.path());
    let file = dir.path().join("recruitment post.png");
    std::fs::write(&file, b"\x89PNG\r\n\x1a\n not really a png, but bytes").expect("writes");
    ok(&raidmap(
        &[
            os("attach"),
            project.as_os_str(),
            os(&first_site_name()),
            file.as_os_str(),
        ],
        &[],
    ));

    // raidmap → age, passphrase.
    let sealed = dir.path().join("sealed.raidmap");
    encrypt(&project, &sealed);
    assert!(
        std::fs::read(&sealed)
            .expect("reads")
            .starts_with(b"age-encryption.org/v1\n")
    );
    let opened = dir.path().join("opened.zip");
    let run = age_with_tty(
        &format!("-d -o '{}' '{}'", opened.display(), sealed.display()),
        &format!("{PASSPHRASE}\n"),
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let zip = std::fs::read(&opened).expect("age wrote it");
    assert!(
        zip.starts_with(b"PK"),
        "the whole container, attachments included"
    );
    let blobs = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("zip");
    assert!(
        blobs
            .file_names()
            .any(|n| n == format!("evidence/{}", sha256sum(&file)))
    );

    // raidmap reads it with the passphrase, refuses a wrong one, and logs the encryption.
    let log = ok(&raidmap(
        &[os("log"), sealed.as_os_str()],
        &[("RAIDMAP_PASSPHRASE", PASSPHRASE)],
    ));
    assert!(
        log.lines().last().expect("a line").contains("encrypted"),
        "{log}"
    );
    let run = raidmap(
        &[os("info"), sealed.as_os_str()],
        &[("RAIDMAP_PASSPHRASE", "wrong")],
    );
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("the passphrase is wrong"));
    let run = raidmap(&[os("info"), sealed.as_os_str()], &[]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("RAIDMAP_PASSPHRASE"));

    // age → raidmap, passphrase: a project and a layer.
    let by_age = dir.path().join("by-age.raidmap");
    let run = age_with_tty(
        &format!("-p -o '{}' '{}'", by_age.display(), project.display()),
        &format!("{PASSPHRASE}\n{PASSPHRASE}\n"),
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let info = ok(&raidmap(
        &[os("info"), by_age.as_os_str()],
        &[("RAIDMAP_PASSPHRASE", PASSPHRASE)],
    ));
    assert!(info.contains("hash verified"), "{info}");

    // Keys, both ways.
    let key = dir.path().join("key.txt");
    let public = age_keygen(&key);
    let to_key = dir.path().join("to-key.raidmap");
    ok(&raidmap(
        &[
            os("encrypt"),
            project.as_os_str(),
            os("-o"),
            to_key.as_os_str(),
            os("--recipient"),
            os(&public),
        ],
        &[],
    ));
    let opened = dir.path().join("opened2.zip");
    let run = Process::new("age")
        .args([
            os("-d"),
            os("-i"),
            key.as_os_str(),
            os("-o"),
            opened.as_os_str(),
            to_key.as_os_str(),
        ])
        .output()
        .expect("age runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(std::fs::read(&opened).expect("reads").starts_with(b"PK"));
    ok(&raidmap(
        &[
            os("info"),
            os("--identity"),
            key.as_os_str(),
            to_key.as_os_str(),
        ],
        &[],
    ));
    let run = raidmap(&[os("info"), to_key.as_os_str()], &[]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--identity"));

    let layer = dir.path().join("sites.geojson.age");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sites.geojson");
    let run = Process::new("age")
        .args([
            os("-r"),
            os(&public),
            os("-o"),
            layer.as_os_str(),
            data.as_os_str(),
        ])
        .output()
        .expect("age runs");
    assert!(run.status.success());
    let out = dir.path().join("sites.geojson");
    ok(&raidmap(
        &[
            os("export"),
            os("--identity"),
            key.as_os_str(),
            layer.as_os_str(),
            os("-o"),
            out.as_os_str(),
        ],
        &[],
    ));
    assert_eq!(
        std::fs::read(&out).expect("reads"),
        std::fs::read(&data).expect("reads")
    );

    // export to .age, then age opens it; decrypt gives the plaintext project back.
    let sealed_layer = dir.path().join("out.geojson.age");
    ok(&raidmap(
        &[
            os("export"),
            project.as_os_str(),
            os("-o"),
            sealed_layer.as_os_str(),
            os("--recipient"),
            os(&public),
        ],
        &[],
    ));
    let run = Process::new("age")
        .args([
            os("-d"),
            os("-i"),
            key.as_os_str(),
            sealed_layer.as_os_str(),
        ])
        .output()
        .expect("age runs");
    assert!(run.status.success());
    let text: Value = serde_json::from_slice(&run.stdout).expect("GeoJSON inside");
    assert_eq!(text["type"], "FeatureCollection");
    let plain = dir.path().join("plain.raidmap");
    ok(&raidmap(
        &[
            os("decrypt"),
            os("--identity"),
            key.as_os_str(),
            to_key.as_os_str(),
            os("-o"),
            plain.as_os_str(),
        ],
        &[],
    ));
    assert!(std::fs::read(&plain).expect("reads").starts_with(b"PK"));
    let log = ok(&raidmap(&[os("log"), plain.as_os_str()], &[]));
    assert!(log.contains("decrypted"), "{log}");
}

#[test]
fn a_passphrase_and_keys_together_are_refused_with_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = sample_project(dir.path());
    let key = dir.path().join("key.txt");
    let public = age_keygen(&key);
    let out = dir.path().join("x.raidmap");
    let run = raidmap(
        &[
            os("encrypt"),
            project.as_os_str(),
            os("-o"),
            out.as_os_str(),
            os("--passphrase-env"),
            os("PW"),
            os("--recipient"),
            os(&public),
        ],
        &[("PW", PASSPHRASE)],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("passphrase and with public keys at once")
    );
    assert!(!out.exists());
    let run = raidmap(
        &[
            os("encrypt"),
            project.as_os_str(),
            os("-o"),
            out.as_os_str(),
        ],
        &[],
    );
    assert_eq!(run.status.code(), Some(2));
    let run = raidmap(
        &[
            os("encrypt"),
            project.as_os_str(),
            os("-o"),
            out.as_os_str(),
            os("--passphrase-env"),
            os("UNSET_VAR_FOR_TEST"),
        ],
        &[],
    );
    assert_eq!(run.status.code(), Some(2));
}

/// Every file under `root` (recursively).
fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn working_on_an_encrypted_project_writes_no_plaintext_anywhere() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Inputs live outside the folder searched; raidmap's home, temp and cache folders inside.
    let inputs = dir.path().join("inputs");
    let work = dir.path().join("work");
    for d in [&inputs, &work, &work.join("home"), &work.join("tmp")] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    let secret_value = "Compound-Kappa-7741-informant";
    let layer = inputs.join("secret.geojson");
    std::fs::write(
        &layer,
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","geometry":{{"type":"Point","coordinates":[104.9,11.5]}},"properties":{{"name":"K7","source":"{secret_value}"}}}}]}}"#
        ),
    )
    .expect("writes");
    let attachment = inputs.join("face.bin");
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 31 % 253) as u8).collect();
    std::fs::write(&attachment, &bytes).expect("writes");
    let plain = inputs.join("plain.raidmap");
    {
        let read = raidmap::io::read_path(&layer).expect("reads");
        let save = [SaveLayer {
            layer: &read,
            visible: true,
            style: None,
            embed: true,
        }];
        project::save(&plain, &save, &Settings::default(), &Evidence::default()).expect("saves");
    }
    let env = [
        ("HOME", work.join("home")),
        ("TMPDIR", work.join("tmp")),
        ("XDG_CACHE_HOME", work.join("home/.cache")),
        ("XDG_DATA_HOME", work.join("home/.local/share")),
        ("XDG_CONFIG_HOME", work.join("home/.config")),
    ];
    let run = |args: &[&std::ffi::OsStr]| {
        let mut command = crate::util::command();
        command
            .args(args)
            .env("RAIDMAP_PASSPHRASE", PASSPHRASE)
            .env("PW", PASSPHRASE);
        for (k, v) in &env {
            command.env(k, v);
        }
        let out = command.output().expect("runs");
        ok(&out);
    };
    let sealed = work.join("case.raidmap");
    run(&[
        os("encrypt"),
        plain.as_os_str(),
        os("-o"),
        sealed.as_os_str(),
        os("--passphrase-env"),
        os("PW"),
    ]);
    run(&[
        os("attach"),
        sealed.as_os_str(),
        os("K7"),
        attachment.as_os_str(),
    ]);
    run(&[
        os("export"),
        sealed.as_os_str(),
        os("-o"),
        work.join("out.geojson.age").as_os_str(),
        os("--passphrase-env"),
        os("PW"),
    ]);
    run(&[os("info"), sealed.as_os_str()]);
    run(&[os("log"), sealed.as_os_str()]);

    let written = files_under(&work);
    assert!(written.len() >= 2, "{written:?}");
    for path in written {
        let content = std::fs::read(&path).expect("reads");
        assert!(
            content.starts_with(b"age-encryption.org/v1\n"),
            "{} is not sealed",
            path.display()
        );
        assert!(
            !contains(&content, secret_value.as_bytes()),
            "{} holds the property value",
            path.display()
        );
        assert!(
            !contains(&content, &bytes[..64]),
            "{} holds the attachment's bytes",
            path.display()
        );
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn publishing_an_encrypted_project_says_first_that_the_page_is_plaintext() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = sample_project(dir.path());
    let sealed = dir.path().join("sealed.raidmap");
    encrypt(&project, &sealed);
    let page = dir.path().join("map.html");
    let run = raidmap(
        &[
            os("publish"),
            sealed.as_os_str(),
            os("-o"),
            page.as_os_str(),
        ],
        &[("RAIDMAP_PASSPHRASE", PASSPHRASE)],
    );
    ok(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(&format!(
            "note: {} is encrypted, but {} is written in plaintext",
            sealed.display(),
            page.display()
        )),
        "{stderr}"
    );
    // A plaintext project says nothing of the kind.
    let run = raidmap(
        &[
            os("publish"),
            project.as_os_str(),
            os("-o"),
            page.as_os_str(),
        ],
        &[],
    );
    ok(&run);
    assert!(!String::from_utf8_lossy(&run.stderr).contains("encrypted"));
}

#[test]
fn reports_pages_and_animations_of_an_encrypted_project_are_written_encrypted_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = sample_project(dir.path());
    let sealed = dir.path().join("sealed.raidmap");
    encrypt(&project, &sealed);
    let key = dir.path().join("key.txt");
    let public = age_keygen(&key);
    let unlock = [
        ("RAIDMAP_PASSPHRASE", PASSPHRASE),
        ("OUT_PW", "another passphrase 9"),
    ];
    // A report to a recipient, a page with a passphrase: no plaintext note, and `age -d` opens
    // each (the key file directly; the passphrase typed on a terminal).
    let report = dir.path().join("report.pdf.age");
    let run = raidmap(
        &[
            os("report"),
            sealed.as_os_str(),
            os("-o"),
            report.as_os_str(),
            os("--recipient"),
            os(&public),
        ],
        &unlock,
    );
    ok(&run);
    assert!(
        !String::from_utf8_lossy(&run.stderr).contains("plaintext"),
        "{run:?}"
    );
    let plain = std::process::Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&key)
        .arg(&report)
        .output()
        .expect("age runs");
    assert!(plain.status.success(), "{plain:?}");
    assert!(plain.stdout.starts_with(b"%PDF"), "a PDF inside");
    let page = dir.path().join("map.html.age");
    ok(&raidmap(
        &[
            os("publish"),
            sealed.as_os_str(),
            os("-o"),
            page.as_os_str(),
            os("--passphrase-env"),
            os("OUT_PW"),
        ],
        &unlock,
    ));
    let opened = age_with_tty(
        &format!(
            "-d -o {} {}",
            dir.path().join("map.html").display(),
            page.display()
        ),
        "another passphrase 9\n",
    );
    assert!(opened.status.success(), "{opened:?}");
    let html = std::fs::read_to_string(dir.path().join("map.html")).expect("decrypted");
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..html.len().min(80)]
    );
    // An .age name with nothing to seal with, and an MP4 (ffmpeg would write it in plaintext
    // first), are usage errors that write nothing.
    for (out, extra) in [("r2.pdf.age", None), ("a.mp4.age", Some(public.as_str()))] {
        let path = dir.path().join(out);
        let command = if out.ends_with("mp4.age") {
            "animate"
        } else {
            "report"
        };
        let mut args = vec![os(command), sealed.as_os_str(), os("-o"), path.as_os_str()];
        if let Some(public) = extra {
            args.extend([os("--recipient"), os(public)]);
        }
        let run = raidmap(&args, &unlock);
        assert_eq!(run.status.code(), Some(2), "{out}: {run:?}");
        assert!(!path.exists(), "{out}: nothing written");
    }
}

#[test]
fn a_heic_photo_is_placed_from_its_exif() {
    use exif::Tag;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut fields = gps(
        [(11, 1), (33, 1), (360, 10)],
        "N",
        [(104, 1), (55, 1), (125, 10)],
        "E",
    );
    fields.push(ascii(Tag::DateTimeOriginal, "2025:03:01 14:22:05"));
    fields.push(ascii(Tag::OffsetTimeOriginal, "+07:00"));
    fields.push(ascii(Tag::Make, "Apple"));
    let photo = dir.path().join("IMG_0412.HEIC");
    std::fs::write(&photo, heic_with_exif(&fields)).expect("writes");

    let out = dir.path().join("photos.geojson");
    ok(&raidmap(
        &[
            os("photos"),
            dir.path().as_os_str(),
            os("-o"),
            out.as_os_str(),
        ],
        &[],
    ));
    let layer: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("reads")).expect("json");
    let features = layer["features"].as_array().expect("features");
    assert_eq!(features.len(), 1, "{layer}");
    let point = &features[0];
    let coords = point["geometry"]["coordinates"].as_array().expect("point");
    assert!(
        (coords[0].as_f64().expect("lon") - (104.0 + 55.0 / 60.0 + 12.5 / 3600.0)).abs() < 1e-7
    );
    assert!((coords[1].as_f64().expect("lat") - (11.0 + 33.0 / 60.0 + 36.0 / 3600.0)).abs() < 1e-7);
    assert_eq!(point["properties"]["taken_at"], "2025-03-01T14:22:05+07:00");
    assert_eq!(point["properties"]["camera_make"], "Apple");
    assert_eq!(point["properties"]["sha256"], sha256sum(&photo).as_str());
    let attached = exported_attachments(point);
    assert_eq!(attached[0]["media_type"], "image/heic");
}
