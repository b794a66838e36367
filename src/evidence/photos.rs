//! Geotagged photos as point features: the EXIF GPS position (kamadak-exif reads JPEG, PNG,
//! TIFF, HEIF/HEIC and WebP), `taken_at` from DateTimeOriginal with OffsetTimeOriginal,
//! `direction_deg` (GPSImgDirection), camera make and model, the file's name and SHA-256; the
//! photo itself is attached to its point.
//!
//! A photo without a position is listed in [`Photos::unplaced`] with the reason, never dropped
//! silently. A time without an offset is written as the camera gave it (no offset) with
//! `taken_at_note` saying so, rather than guessed: the timeline then lists it as undated.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use exif::{Exif, In, Tag, Value as ExifValue};
use geo::{Geometry, Point};
use serde_json::{Map, Value, json};

use super::attachment::{self, Attachment};
use super::{Event, Evidence};
use crate::io::{Progress, Stage};
use crate::model::{Feature, Layer, LayerKind};

/// File extensions read as photos when a folder is given.
pub const EXTENSIONS: [&str; 8] = ["jpg", "jpeg", "png", "tif", "tiff", "heic", "heif", "webp"];

/// Photos read: those with a position as points (with their bytes, to attach), the others with
/// why they have none.
#[derive(Debug, Default)]
pub struct Photos {
    pub placed: Vec<PlacedPhoto>,
    pub unplaced: Vec<(PathBuf, String)>,
}

/// A point for one photo, the photo's bytes, and its attachment record (already in the
/// feature's attachments member).
#[derive(Debug)]
pub struct PlacedPhoto {
    pub path: PathBuf,
    pub feature: Feature,
    pub bytes: Vec<u8>,
    pub attachment: Attachment,
}

/// The photo files of `inputs`: files as given, folders' photo files (by extension, sorted,
/// not descending into sub-folders). A path that cannot be read is listed as unplaced.
pub fn collect(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for input in inputs {
        if input.is_dir() {
            match std::fs::read_dir(input) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.is_file() && is_photo_name(p))
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(e) => problems.push((input.clone(), format!("cannot read the folder: {e}"))),
            }
        } else {
            files.push(input.clone());
        }
    }
    (files, problems)
}

/// Whether a file's name is that of a photo ([`EXTENSIONS`]).
pub fn is_photo_name(path: &Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| EXTENSIONS.contains(&e.as_str()))
}

/// Read photos (files or folders) into points, attributing the attachments to `user`.
pub fn read(inputs: &[PathBuf], user: &str) -> Photos {
    read_with(inputs, user, &Progress::default()).unwrap_or_default()
}

/// [`read`], counting the photos read in `progress` (stage [`Stage::Checking`], one unit a
/// photo) and stopping with `None` when it is cancelled.
pub fn read_with(inputs: &[PathBuf], user: &str, progress: &Progress) -> Option<Photos> {
    let (files, unplaced) = collect(inputs);
    let mut photos = Photos {
        placed: Vec::new(),
        unplaced,
    };
    progress.start(Stage::Checking, files.len() as u64);
    for (done, path) in files.into_iter().enumerate() {
        if progress.cancelled() {
            return None;
        }
        progress.advance(done as u64);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                photos.unplaced.push((path, format!("cannot read it: {e}")));
                continue;
            }
        };
        match place(&path, bytes, user) {
            Ok(p) => photos.placed.push(p),
            Err((path, why)) => photos.unplaced.push((path, why)),
        }
    }
    Some(photos)
}

/// Photos made into one point layer, and what the project keeps of them.
#[derive(Debug)]
pub struct PhotoLayer {
    /// One point per placed photo, in the order read, each with its photo attached.
    pub layer: Layer,
    /// Each placed photo's attachment record, bytes and the file it was read from.
    pub files: Vec<(Attachment, Vec<u8>, PathBuf)>,
    /// The photos without a position, with why.
    pub unplaced: Vec<(PathBuf, String)>,
}

impl Photos {
    /// The placed photos as the point layer `name` (the same for `raidmap photos` and the
    /// window's *Open photos…*).
    pub fn into_layer(self, name: &str) -> PhotoLayer {
        let mut layer = Layer::new(name, LayerKind::Data);
        let mut files = Vec::with_capacity(self.placed.len());
        for photo in self.placed {
            layer.features.push(photo.feature);
            files.push((photo.attachment, photo.bytes, photo.path));
        }
        PhotoLayer {
            layer,
            files,
            unplaced: self.unplaced,
        }
    }
}

/// Keep the photos' bytes in `evidence` (by the hash already worked out) and record each as
/// attached in the custody log, by `user`.
pub fn keep(files: Vec<(Attachment, Vec<u8>, PathBuf)>, evidence: &mut Evidence, user: &str) {
    for (attachment, bytes, path) in files {
        let detail = format!("{} from {}", attachment.name, path.display());
        evidence.store.add_hashed(attachment.sha256.clone(), bytes);
        evidence
            .log
            .record(user, Event::Attached, &attachment.sha256, &detail);
    }
}

/// One photo as a point, or why it cannot be placed.
pub fn place(path: &Path, bytes: Vec<u8>, user: &str) -> Result<PlacedPhoto, (PathBuf, String)> {
    let fail = |why: String| (path.to_owned(), why);
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(&bytes))
        .map_err(|e| fail(format!("no EXIF data could be read ({e})")))?;
    let position = position(&exif).ok_or_else(|| fail("no GPS position in its EXIF".into()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let record = Attachment::describe(&name, &bytes, user);
    let mut properties = Map::new();
    properties.insert("name".into(), json!(name));
    properties.insert("file".into(), json!(name));
    properties.insert("sha256".into(), json!(record.sha256));
    match taken_at(&exif) {
        Some((time, true)) => {
            properties.insert("taken_at".into(), json!(time));
        }
        Some((time, false)) => {
            properties.insert("taken_at".into(), json!(time));
            properties.insert(
                "taken_at_note".into(),
                json!("the camera recorded no UTC offset: local time, not placed on the timeline"),
            );
        }
        None => {}
    }
    if let Some(d) = rational(&exif, Tag::GPSImgDirection) {
        properties.insert("direction_deg".into(), json!(round(d, 2)));
    }
    if let Some(make) = ascii(&exif, Tag::Make) {
        properties.insert("camera_make".into(), json!(make));
    }
    if let Some(model) = ascii(&exif, Tag::Model) {
        properties.insert("camera_model".into(), json!(model));
    }
    let mut feature = Feature::new(Geometry::Point(position), properties);
    feature.set_member(
        attachment::MEMBER,
        Some(Value::Array(vec![
            serde_json::to_value(&record).unwrap_or(Value::Null),
        ])),
    );
    Ok(PlacedPhoto {
        path: path.to_owned(),
        feature,
        bytes,
        attachment: record,
    })
}

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// Longitude and latitude from the GPS tags, `None` when missing or out of range.
fn position(exif: &Exif) -> Option<Point<f64>> {
    let lat = degrees(exif, Tag::GPSLatitude)?;
    let lon = degrees(exif, Tag::GPSLongitude)?;
    let lat = match ascii(exif, Tag::GPSLatitudeRef)?.as_str() {
        "N" => lat,
        "S" => -lat,
        _ => return None,
    };
    let lon = match ascii(exif, Tag::GPSLongitudeRef)?.as_str() {
        "E" => lon,
        "W" => -lon,
        _ => return None,
    };
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
        .then(|| Point::new(round(lon, 7), round(lat, 7)))
}

/// Degrees, minutes, seconds as degrees.
fn degrees(exif: &Exif, tag: Tag) -> Option<f64> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        ExifValue::Rational(v) if v.len() == 3 && v.iter().all(|r| r.denom != 0) => {
            let d = v[0].to_f64() + v[1].to_f64() / 60.0 + v[2].to_f64() / 3600.0;
            d.is_finite().then_some(d)
        }
        _ => None,
    }
}

fn rational(exif: &Exif, tag: Tag) -> Option<f64> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        ExifValue::Rational(v) => v.first().filter(|r| r.denom != 0).map(|r| r.to_f64()),
        _ => None,
    }
}

fn ascii(exif: &Exif, tag: Tag) -> Option<String> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        ExifValue::Ascii(v) => v
            .first()
            .map(|b| String::from_utf8_lossy(b).trim().to_owned())
            .filter(|s| !s.is_empty()),
        _ => None,
    }
}

/// DateTimeOriginal (`2025:03:01 14:22:05`) as ISO 8601, with OffsetTimeOriginal when recorded;
/// the flag says whether it has an offset.
fn taken_at(exif: &Exif) -> Option<(String, bool)> {
    let raw = ascii(exif, Tag::DateTimeOriginal)?;
    let (date, time) = raw.split_once(' ')?;
    let date = date.replace(':', "-");
    let ok = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b':')
    };
    if !ok(&date, 10) || !ok(time, 8) {
        return None;
    }
    let local = format!("{date}T{time}");
    match ascii(exif, Tag::OffsetTimeOriginal) {
        Some(offset)
            if offset.len() == 6
                && matches!(offset.as_bytes()[0], b'+' | b'-')
                && offset.as_bytes()[3] == b':' =>
        {
            Some((format!("{local}{offset}"), true))
        }
        _ => Some((local, false)),
    }
}
