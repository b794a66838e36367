//! `raidmap info [--json] FILE...`: read and check GeoJSON (or KML, KMZ, CSV) files and
//! summarize each one.
//!
//! Every file is read with the same checking reader the GUI uses, so the problems printed here
//! are the ones the map window would show. Output shapes are documented in `--help` and are
//! relied on by scripts: change them only by adding keys.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Map, Value, json};

use super::EXIT_BAD_INPUT;
use crate::evidence::Check;
use crate::evidence::store::Outcome;
use crate::io::{self, Problem, ReadError};
use crate::model::{Layer, Root, precision};

/// Read and check GeoJSON files (RFC 7946) and summarize each one; every other format raidmap
/// reads is read too (by extension), and a `.raidmap` project is summarized layer by layer.
#[derive(Debug, clap::Args)]
#[command(after_long_help = HELP)]
pub struct Args {
    /// Print one JSON object on stdout instead of text (its shape is in `--help`).
    #[arg(long)]
    pub json: bool,
    /// Files to check: GeoJSON, or any other format raidmap reads by its extension (KML/KMZ,
    /// CSV/TSV, GPX, Shapefile, GeoPackage, FlatGeobuf, TopoJSON), projects, or database tables
    /// (`postgresql://USER@HOST[:PORT]/DB?table=[SCHEMA.]TABLE`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

const HELP: &str = "\
Each file is checked against RFC 7946: a broken MUST (an unclosed ring, a Feature without
\"properties\", a duplicate key, a bbox of the wrong length, ...) is an error; a SHOULD not followed
(a clockwise exterior ring, longitude out of range, more than 7 decimals, a \"crs\" member, ...) is
a warning, and repeated warnings are counted and shown once at their first place.

Problems go to stderr, one per line:
  FILE:LINE:COLUMN: message (at JSON.PATH)            an error
  FILE:LINE:COLUMN: warning: message (at JSON.PATH)   a warning (text mode only)
  FILE: JSON.PATH: message                            when no line can be given
Lines and columns are 1-based; columns count characters, not bytes.

Text output (stdout) gives per file: the top-level type, the feature count, the geometry types
with counts, the bounding box in longitude/latitude degrees (west, south, east, north) and the
property keys with the number of features that have them.

--json prints exactly one object on stdout:
  {\"files\": [{\"path\": \"a.geojson\", \"valid\": true, \"type\": \"FeatureCollection\",
               \"features\": 12, \"geometry_types\": {\"Point\": 11, \"null\": 1},
               \"bbox\": [west, south, east, north], \"properties\": {\"name\": 12},
               \"warnings\": [PROBLEM...], \"errors\": []}]}
  A bare Feature or Geometry counts as 1 feature. \"geometry_types\" counts features by their
  geometry's \"type\"; \"null\" counts features with \"geometry\": null. \"bbox\" is computed from
  the geometries (not copied from a bbox member), null when no feature has a position.
  A PROBLEM is {\"line\": N|null, \"column\": N|null, \"path\": \"features[3].geometry\",
  \"message\": \"...\"}.
  An invalid or unreadable file is listed too, with \"valid\": false, its \"errors\" (and any
  warnings), and null for \"type\", \"features\", \"geometry_types\", \"bbox\" and \"properties\";
  its errors are also printed on stderr.

KML and KMZ files (Google My Maps, Google Earth) and CSV/TSV files with latitude/longitude or
WKT columns are read by their extension and summarized the same way (all folders of a KML file
together); their problems (XML errors, rows or placemarks that could not be read) are reported
with their line.

A project file (.raidmap) is summarized layer by layer, each named \"PROJECT [LAYER]\" (with
the project's edits applied); a layer it names that cannot be read makes it invalid. Its
attached files are listed per feature with their SHA-256, each hashed again: a file that no
longer matches its hash (or is missing) is reported on stderr and makes the exit status 1. With
--json such a layer has \"attachments\": [{\"name\", \"sha256\", \"bytes\", \"media_type\",
\"added\", \"feature\", \"added_by\", \"verified\": true|false}]. An encrypted project is read
with RAIDMAP_PASSPHRASE, --identity FILE or a passphrase typed on the terminal.

Exit status: 0 when every file is valid (warnings allowed), 1 when any file is invalid or cannot
be read, 2 for usage errors.";

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mut all_valid = true;
    let mut files = Vec::with_capacity(args.files.len());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (path, result, checks) in args.files.iter().flat_map(|path| inputs(path)) {
        all_valid &= result.is_ok();
        report_problems(&path, &result, !args.json);
        for check in &checks {
            if let Some(problem) = check.problem() {
                eprintln!("{}: {problem}", path.display());
                all_valid = false;
            }
        }
        if args.json {
            let mut file = file_json(&path, &result);
            if let (Some(object), false) = (file.as_object_mut(), checks.is_empty()) {
                object.insert("attachments".into(), attachments_json(&result, &checks));
            }
            files.push(file);
        } else {
            write_text(&mut out, &path, &result)?;
            write_attachments(&mut out, &result, &checks)?;
        }
    }
    if args.json {
        serde_json::to_writer(&mut out, &json!({ "files": files }))?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_BAD_INPUT)
    })
}

/// One input summarized: its name, the layer (or why it could not be read), and the hash
/// checks of its attachments.
type Input = (PathBuf, Result<Layer, ReadError>, Vec<Check>);

/// What to summarize for one path: the file itself, or each layer of a `.raidmap` project,
/// named `PROJECT [LAYER]` (a project that cannot be opened is one unreadable input).
fn inputs(path: &Path) -> Vec<Input> {
    if !crate::project::is_project_file(path) {
        return vec![(path.to_owned(), io::read_any(path), Vec::new())];
    }
    match crate::project::load(path) {
        Ok(project) => {
            if let Some(broken) = &project.custody_broken {
                eprintln!("{}: {broken}", path.display());
            }
            let mut checks = project.checks;
            let mut inputs: Vec<_> = project
                .layers
                .into_iter()
                .enumerate()
                .map(|(i, opened)| {
                    let name = PathBuf::from(format!("{} [{}]", path.display(), opened.layer.name));
                    let (mine, rest) = checks.drain(..).partition(|c| c.layer == i);
                    checks = rest;
                    (name, Ok(opened.layer), mine)
                })
                .collect();
            // A layer the project names but that cannot be read (its file moved, say).
            for problem in project.problems {
                let source = std::io::Error::other(problem);
                inputs.push((
                    path.to_owned(),
                    Err(ReadError::Io {
                        path: path.to_owned(),
                        source,
                    }),
                    Vec::new(),
                ));
            }
            inputs
        }
        Err(e) => {
            let source = std::io::Error::other(format!("{:#}", anyhow::Error::from(e)));
            vec![(
                path.to_owned(),
                Err(ReadError::Io {
                    path: path.to_owned(),
                    source,
                }),
                Vec::new(),
            )]
        }
    }
}

/// The feature a check is about, as a person calls it.
fn feature_label(result: &Result<Layer, ReadError>, check: &Check) -> String {
    result
        .as_ref()
        .ok()
        .and_then(|l| l.features.get(check.feature))
        .map_or_else(|| format!("#{}", check.feature), |f| f.label(check.feature))
}

/// The attachments of a project layer, feature by feature, each with its SHA-256 and whether
/// its bytes still match it.
fn write_attachments(
    out: &mut impl std::io::Write,
    result: &Result<Layer, ReadError>,
    checks: &[Check],
) -> std::io::Result<()> {
    if checks.is_empty() {
        return Ok(());
    }
    let failed = checks.iter().filter(|c| !c.ok()).count();
    writeln!(
        out,
        "  attachments: {} ({failed} failed their hash check)",
        checks.len()
    )?;
    for c in checks {
        let a = &c.attachment;
        writeln!(
            out,
            "    {}: {}  sha256 {}  {} bytes  {}  added {} by {}  {}",
            feature_label(result, c),
            a.name,
            a.sha256,
            a.bytes,
            a.media_type,
            a.added,
            a.added_by,
            match c.outcome {
                Outcome::Verified => "hash verified",
                Outcome::Mismatch => "HASH MISMATCH",
                Outcome::Missing => "FILE MISSING",
            }
        )?;
    }
    Ok(())
}

fn attachments_json(result: &Result<Layer, ReadError>, checks: &[Check]) -> Value {
    checks
        .iter()
        .map(|c| {
            let mut item = c.attachment.export_json();
            if let Some(object) = item.as_object_mut() {
                object.insert("feature".into(), json!(feature_label(result, c)));
                object.insert("added_by".into(), json!(c.attachment.added_by));
                object.insert("verified".into(), json!(c.ok()));
            }
            item
        })
        .collect()
}

/// Print the problems of one file on stderr in the `FILE:LINE:COLUMN: message` form: always
/// the errors (and why an unreadable file could not be read), the warnings when `warnings`.
pub fn report_problems(path: &Path, result: &Result<Layer, ReadError>, warnings: bool) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let problems = match result {
        Ok(layer) => layer.warnings.as_slice(),
        Err(e @ ReadError::Io { .. }) => {
            let _ = writeln!(err, "{}: {}", path.display(), cause_of(e));
            return;
        }
        Err(ReadError::Database { message, .. }) => {
            let _ = writeln!(err, "{}: {message}", path.display());
            return;
        }
        Err(e) => e.problems(),
    };
    for p in problems.iter().filter(|p| warnings || p.is_error()) {
        let _ = writeln!(err, "{}", problem_line(path, p));
    }
}

/// `FILE:LINE:COLUMN: [warning: ]message (at PATH)`, or `FILE: PATH: [warning: ]message`.
pub fn problem_line(path: &Path, p: &Problem) -> String {
    let kind = if p.is_error() { "" } else { "warning: " };
    let file = path.display();
    match (p.line, p.path.is_empty()) {
        (Some(line), true) => format!(
            "{file}:{line}:{}: {kind}{}",
            p.column.unwrap_or(1),
            p.message
        ),
        (Some(line), false) => format!(
            "{file}:{line}:{}: {kind}{} (at {})",
            p.column.unwrap_or(1),
            p.message,
            p.path
        ),
        (None, false) => format!("{file}: {}: {kind}{}", p.path, p.message),
        (None, true) => format!("{file}: {kind}{}", p.message),
    }
}

/// "cannot read: No such file or directory (os error 2)" for an unreadable file.
fn cause_of(e: &ReadError) -> String {
    match std::error::Error::source(e) {
        Some(cause) => format!("cannot read the file: {cause}"),
        None => e.to_string(),
    }
}

/// What a layer holds, counted.
struct Summary {
    kind: &'static str,
    features: usize,
    geometry_types: BTreeMap<String, usize>,
    /// West, south, east, north in degrees.
    bbox: Option<[f64; 4]>,
    /// Property keys in order of first appearance, with how many features have each.
    properties: Vec<(String, usize)>,
}

fn summarize(layer: &Layer) -> Summary {
    let mut geometry_types = BTreeMap::new();
    let mut properties: Vec<(String, usize)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for feature in &layer.features {
        let kind = feature.geometry_type().unwrap_or("null");
        match geometry_types.get_mut(kind) {
            Some(n) => *n += 1,
            None => {
                geometry_types.insert(kind.to_owned(), 1);
            }
        }
        // Keys only: a million features' properties are read without keeping them.
        for (j, key) in feature.property_keys().into_iter().enumerate() {
            // Features of one file mostly list the same keys in the same order: try that first.
            if let Some((known, n)) = properties.get_mut(j)
                && *known == *key
            {
                *n += 1;
                continue;
            }
            match index.get(key.as_ref()) {
                Some(&i) => properties[i].1 += 1,
                None => {
                    index.insert(key.to_string(), properties.len());
                    properties.push((key.into_owned(), 1));
                }
            }
        }
    }
    Summary {
        kind: match layer.root {
            Root::FeatureCollection { .. } => "FeatureCollection",
            Root::Feature => "Feature",
            Root::Geometry => "Geometry",
        },
        features: layer.features.len(),
        geometry_types,
        bbox: layer
            .bbox()
            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]),
        properties,
    }
}

fn problem_json(p: &Problem) -> Value {
    json!({ "line": p.line, "column": p.column, "path": p.path, "message": p.message })
}

fn file_json(path: &Path, result: &Result<Layer, ReadError>) -> Value {
    let path = path.display().to_string();
    match result {
        Ok(layer) => {
            let s = summarize(layer);
            json!({
                "path": path,
                "valid": true,
                "type": s.kind,
                "features": s.features,
                "geometry_types": s.geometry_types,
                "bbox": s.bbox,
                "properties": s.properties.into_iter()
                    .map(|(k, n)| (k, Value::from(n)))
                    .collect::<Map<_, _>>(),
                "warnings": layer.warnings.iter().map(problem_json).collect::<Vec<_>>(),
                "errors": [],
            })
        }
        Err(e) => {
            let (errors, warnings): (Vec<&Problem>, Vec<&Problem>) =
                e.problems().iter().partition(|p| p.is_error());
            let mut errors: Vec<Value> = errors.into_iter().map(problem_json).collect();
            match e {
                ReadError::Io { .. } => errors.push(json!({
                    "line": null, "column": null, "path": "", "message": cause_of(e)
                })),
                ReadError::Database { message, .. } => errors.push(json!({
                    "line": null, "column": null, "path": "", "message": message
                })),
                _ => {}
            }
            json!({
                "path": path,
                "valid": false,
                "type": null,
                "features": null,
                "geometry_types": null,
                "bbox": null,
                "properties": null,
                "warnings": warnings.into_iter().map(problem_json).collect::<Vec<_>>(),
                "errors": errors,
            })
        }
    }
}

fn write_text(
    out: &mut impl std::io::Write,
    path: &Path,
    result: &Result<Layer, ReadError>,
) -> std::io::Result<()> {
    let file = path.display();
    let layer = match result {
        Ok(layer) => layer,
        Err(ReadError::Io { .. } | ReadError::Database { .. }) => {
            return writeln!(out, "{file}: cannot be read (see stderr)");
        }
        Err(e) => {
            let n = e.problems().iter().filter(|p| p.is_error()).count();
            let plural = if n == 1 { "" } else { "s" };
            let what = match e {
                ReadError::Format { format, .. } => format!("a readable {format} file"),
                _ => "valid GeoJSON".to_owned(),
            };
            return writeln!(
                out,
                "{file}: not {what} ({n} error{plural}, listed on stderr)"
            );
        }
    };
    let s = summarize(layer);
    let plural = if s.features == 1 { "" } else { "s" };
    if let Some(origin) = &layer.table {
        writeln!(
            out,
            "{file}: read as a PostGIS table (converted to GeoJSON), {} feature{plural}{}",
            s.features,
            if origin.read_only.is_some() {
                " (read-only)"
            } else {
                ""
            }
        )?;
    } else {
        match io::detect(path) {
            io::Detected::Readable(io::Format::GeoJson) | io::Detected::Unsupported(_) => writeln!(
                out,
                "{file}: valid GeoJSON {}, {} feature{plural}",
                s.kind, s.features
            )?,
            io::Detected::Readable(format) => writeln!(
                out,
                "{file}: read as {} (converted to GeoJSON), {} feature{plural}",
                format.name(),
                s.features
            )?,
        }
    }
    let types: Vec<String> = s
        .geometry_types
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    writeln!(out, "  geometry types: {}", or_none(&types.join(", ")))?;
    match s.bbox {
        Some(bbox) => {
            // At most 7 decimals (about 1 cm): a reprojected file's float noise is not news.
            let [w, south, e, n] = bbox.map(|v| precision::round(v, precision::MAX_DECIMALS));
            writeln!(
                out,
                "  bbox (lon/lat degrees W,S,E,N): {w}, {south}, {e}, {n}"
            )?
        }
        None => writeln!(out, "  bbox: none (no feature has a position)")?,
    }
    let props: Vec<String> = s
        .properties
        .iter()
        .map(|(k, n)| format!("{k} ({n})"))
        .collect();
    writeln!(out, "  properties: {}", or_none(&props.join(", ")))?;
    match layer.warnings.len() {
        0 => writeln!(out, "  warnings: none"),
        n => writeln!(out, "  warnings: {n} (listed on stderr)"),
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { "none" } else { s }
}
