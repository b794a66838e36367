//! Project files (`.raidmap`): the open layers, how each is drawn, the view, the basemap, the
//! time window and the evidence (attached files, custody log), as versioned JSON, in a zip
//! container when files are attached ([`container`]), sealed in the age format when the project
//! is encrypted. The GUI saves and opens them; the command line reads them (`render`,
//! `export`, `info`, `attach`, `log`, `encrypt`, `decrypt`).
//!
//! Promises:
//! - A layer is saved by reference (its file's path, relative to the project's folder when it
//!   lies under it) only while it is unedited and came from a file. An edited layer, the
//!   Measurements layer and any layer without a file are embedded as GeoJSON written by the
//!   lossless writer, so every annotation and every byte not edited survives, and the source
//!   file is never written to.
//! - A layer that cannot be read back (its file moved) is reported in
//!   [`Project::problems`]; the other layers still open.
//! - A project written by a newer raidmap (a higher `raidmap_project` version) is refused in
//!   words rather than half read. Unknown members are ignored, missing ones take defaults.
//! - Saving is atomic ([`crate::io::write_atomic`]).
//! - A database layer is embedded like an edited one, with its table's address (never a
//!   password), its rows' versions and the row each edited feature was read as
//!   ([`file::DatabaseEntry`]), so its unsaved edits can still be saved to the table, checked
//!   against others' changes as if raidmap had never closed.
//! - A sealed project is written sealed, every layer embedded, so nothing of it is on disk in
//!   plaintext; a wrong passphrase is an error that opens nothing.
//! - On open every attachment's hash is checked ([`Project::checks`]) and the custody log's
//!   chain verified ([`Project::custody_broken`]); both are reported, never hidden.
//! - Pictures pinned onto the map ([`Settings::pictures`]) are saved with their pins, and their
//!   images inside the project like attached files (`evidence/<sha256>` of the zip container),
//!   so a project with a picture is always a container. An image missing or not matching its
//!   hash on open is reported ([`Project::picture_problems`]); the picture and its pins are kept.
//!
//! The format is documented in the README ("Project files").

pub mod container;
mod file;

pub use file::{FORMAT_VERSION, LayerEntry, ProjectFile, View};

use std::path::{Path, PathBuf};

use serde_json::Value;
use serde_json::value::RawValue;

use crate::evidence::{self, Check, Evidence, Seal};
use crate::io::{self, AtomicWriteError, ReadError};
use crate::model::{Layer, LayerKind, Picture};
use crate::style::LayerStyle;
use crate::timeline::{Day, Window};

/// One layer to save, with how it is shown.
#[derive(Debug, Clone, Copy)]
pub struct SaveLayer<'a> {
    pub layer: &'a Layer,
    pub visible: bool,
    pub style: Option<&'a LayerStyle>,
    /// Embed the layer even when it is unedited and has a file (it was embedded when opened,
    /// so its file does not hold what the user sees).
    pub embed: bool,
}

/// What a project holds besides its layers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub view: Option<View>,
    /// The GUI's basemap settings (source, opacity, what is drawn above imagery), as it
    /// serialises them; the project only carries them.
    pub basemap: Option<Value>,
    pub time_window: Window,
    /// Pictures pinned onto the map, in drawing order; their images' bytes are in the
    /// evidence store under their SHA-256.
    pub pictures: Vec<Picture>,
}

/// A project read back: its layers in drawing order and its settings.
#[derive(Debug)]
pub struct Project {
    pub layers: Vec<OpenedLayer>,
    pub settings: Settings,
    /// Layers that could not be read, one line each (which layer, what went wrong).
    pub problems: Vec<String>,
    /// The attached files, the custody log and how the project was sealed.
    pub evidence: Evidence,
    /// Every attachment's hash checked against its bytes (`layer` indexes [`Self::layers`]).
    pub checks: Vec<Check>,
    /// Where the custody log's chain is broken, if it is.
    pub custody_broken: Option<evidence::custody::Broken>,
    /// Pinned pictures whose image is missing from the project or does not match its hash,
    /// one line each.
    pub picture_problems: Vec<String>,
}

/// One layer of a project read back.
#[derive(Debug)]
pub struct OpenedLayer {
    pub layer: Layer,
    pub visible: bool,
    pub style: Option<LayerStyle>,
    /// Whether it was embedded in the project (so it must be embedded again when saved).
    pub embedded: bool,
}

/// Why a project could not be saved or opened.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("cannot read {}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a raidmap project", .path.display())]
    NotAProject {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "{} was saved by a newer raidmap (project format {found}; this one reads up to {FORMAT_VERSION})",
        .path.display()
    )]
    Newer { path: PathBuf, found: u32 },
    #[error("cannot save the project")]
    Write(#[from] AtomicWriteError),
    #[error("{} is encrypted and cannot be opened: {source}", .path.display())]
    Sealed {
        path: PathBuf,
        #[source]
        source: evidence::seal::OpenError,
    },
    #[error("{} is not a readable raidmap project: {reason}", .path.display())]
    Container { path: PathBuf, reason: String },
    #[error("cannot encrypt the project")]
    Seal(#[from] evidence::seal::SealError),
}

impl ProjectError {
    /// Whether opening failed for want of the right passphrase or key (the GUI asks again).
    pub fn needs_key(&self) -> bool {
        use evidence::seal::OpenError as E;
        matches!(
            self,
            ProjectError::Sealed {
                source: E::NeedPassphrase | E::WrongPassphrase | E::NeedIdentity | E::NoMatchingKey,
                ..
            }
        )
    }
}

/// Whether a path names a project file (by its `.raidmap` or `.raidmap.age` extension), for
/// the places that take layers and projects alike (the window's Open and command line,
/// `render`).
pub fn is_project_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".raidmap") || name.ends_with(".raidmap.age")
}

/// Save a project at `path`, atomically: plain JSON, or a zip container when a feature has
/// attachments, sealed when `evidence.seal` says so.
pub fn save(
    path: &Path,
    layers: &[SaveLayer<'_>],
    settings: &Settings,
    evidence: &Evidence,
) -> Result<(), ProjectError> {
    let bytes = to_bytes(path, layers, settings, evidence)?;
    io::write_atomic(path, |w| std::io::Write::write_all(w, &bytes))?;
    Ok(())
}

/// The bytes [`save`] writes.
pub fn to_bytes(
    path: &Path,
    layers: &[SaveLayer<'_>],
    settings: &Settings,
    evidence: &Evidence,
) -> Result<Vec<u8>, ProjectError> {
    let plain = to_plain_bytes(path, layers, settings, evidence)?;
    match &evidence.seal {
        Some(seal) => Ok(seal.encrypt(&plain)?),
        None => Ok(plain),
    }
}

/// The bytes [`to_bytes`] seals when `evidence.seal` says so (JSON, or the zip container);
/// as the project is sealed, every layer is embedded. The window's autosave seals them on
/// another thread.
pub fn to_plain_bytes(
    path: &Path,
    layers: &[SaveLayer<'_>],
    settings: &Settings,
    evidence: &Evidence,
) -> Result<Vec<u8>, ProjectError> {
    let file = to_file(path, layers, settings, evidence);
    let mut json = serde_json::to_vec_pretty(&file).unwrap_or_default();
    json.push(b'\n');
    let mut keep = evidence::store::referenced(layers.iter().map(|s| s.layer));
    keep.extend(settings.pictures.iter().map(|p| p.sha256.clone()));
    keep.sort();
    keep.dedup();
    if keep.is_empty() {
        Ok(json)
    } else {
        container::write_zip(&json, &evidence.store, &keep).map_err(|source| {
            ProjectError::Write(AtomicWriteError::Io {
                path: path.to_owned(),
                source,
            })
        })
    }
}

fn to_file(
    path: &Path,
    layers: &[SaveLayer<'_>],
    settings: &Settings,
    evidence: &Evidence,
) -> ProjectFile {
    let folder = path.parent().unwrap_or(Path::new(""));
    let sealed = evidence.seal.is_some();
    let layers = layers
        .iter()
        .map(|s| {
            let layer = s.layer;
            let by_path = layer.path.as_ref().filter(|_| {
                !sealed && !s.embed && !layer.is_edited() && layer.kind == LayerKind::Data
            });
            let geojson = match by_path {
                Some(_) => None,
                // The lossless writer's text is valid JSON; a failure here cannot happen,
                // and would save the layer by path alone.
                None => RawValue::from_string(io::to_string(layer).trim_end().to_owned()).ok(),
            };
            LayerEntry {
                name: layer.name.clone(),
                kind: match layer.kind {
                    LayerKind::Data => "data".into(),
                    LayerKind::Measurements => "measurements".into(),
                },
                source: layer.path.as_ref().map(|p| relative(p, folder)),
                geojson,
                visible: s.visible,
                style: s.style.cloned(),
                database: layer
                    .table
                    .as_deref()
                    .map(|origin| database_entry(layer, origin)),
            }
        })
        .collect();
    ProjectFile {
        raidmap_project: FORMAT_VERSION,
        layers,
        view: settings.view,
        basemap: settings.basemap.clone(),
        time_window: file::TimeWindow {
            from: settings.time_window.from.map(|d| d.to_string()),
            to: settings.time_window.to.map(|d| d.to_string()),
        },
        custody: evidence.log.clone(),
        recipients: evidence
            .seal
            .as_ref()
            .map(Seal::recipient_keys)
            .unwrap_or_default(),
        tiles_memory_only: evidence.tiles_memory_only,
        pictures: settings.pictures.clone(),
    }
}

/// Each pinned picture whose image the project does not hold, or holds damaged, in words.
fn check_pictures(pictures: &[Picture], store: &evidence::Store) -> Vec<String> {
    pictures
        .iter()
        .filter_map(|p| match store.get(&p.sha256) {
            None => Some(format!(
                "the pinned picture {} (SHA-256 {}) is missing from the project",
                p.name, p.sha256
            )),
            Some(bytes) if evidence::sha256_hex(bytes) != p.sha256 => Some(format!(
                "the pinned picture {} does not match its SHA-256 {} (the stored file was \
                 changed or damaged)",
                p.name, p.sha256
            )),
            Some(_) => None,
        })
        .collect()
}

/// What a database layer needs to be saved to its table later.
fn database_entry(layer: &Layer, origin: &crate::model::TableOrigin) -> file::DatabaseEntry {
    let edited = layer
        .features
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_edited())
        .map(|(index, f)| file::EditedRow {
            index,
            base: f.base_text().map(str::to_owned),
        })
        .collect();
    file::DatabaseEntry {
        address: origin.address.clone(),
        versions: origin
            .versions
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        read_only: origin.read_only.clone(),
        edited,
    }
}

/// Link a layer read from a project back to its table: each edited feature gets the row it was
/// read as for its base again, so a save checks it against the table as before.
fn relink(layer: &mut Layer, entry: file::DatabaseEntry) {
    for row in entry.edited {
        let Some(feature) = layer.features.get_mut(row.index) else {
            continue;
        };
        let base = row
            .base
            .as_deref()
            .and_then(io::postgis::save::feature_from_text);
        *feature = match &base {
            // The content as edited over the row as read (edited when they differ).
            Some(base) => feature.rebased(base, Some(base)),
            None => feature.rebased(feature, None),
        };
    }
    layer.table = Some(Box::new(crate::model::TableOrigin {
        address: entry.address,
        versions: entry.versions.into_iter().collect(),
        read_only: entry.read_only,
    }));
}

/// `path` relative to `folder` when it lies under it, else absolute.
fn relative(path: &Path, folder: &Path) -> PathBuf {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    let (p, f) = (absolute(path), absolute(folder));
    match p.strip_prefix(&f) {
        Ok(inside) => inside.to_owned(),
        Err(_) => p,
    }
}

/// Open a project: unseal it (with the keys of [`evidence::keys`]), read its layers (embedded
/// ones from the project, the others from their files), its settings and its evidence, and
/// check every attachment's hash and the custody log.
pub fn load(path: &Path) -> Result<Project, ProjectError> {
    load_with(path, None)
}

/// [`load`], trying `passphrase` (asked for by the window) before the keys set in
/// [`evidence::keys`].
pub fn load_with(
    path: &Path,
    passphrase: Option<age::secrecy::SecretString>,
) -> Result<Project, ProjectError> {
    let bytes = std::fs::read(path).map_err(|source| ProjectError::Read {
        path: path.to_owned(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (bytes, passphrase, sealed) = if evidence::seal::is_sealed(&bytes) {
        let unsealed =
            evidence::keys::unseal_with(&bytes, &name, passphrase).map_err(|source| {
                ProjectError::Sealed {
                    path: path.to_owned(),
                    source,
                }
            })?;
        (unsealed.plaintext, unsealed.passphrase, true)
    } else {
        (bytes, None, false)
    };
    let container = |reason: String| ProjectError::Container {
        path: path.to_owned(),
        reason,
    };
    let (text, store) = if container::is_zip(&bytes) {
        container::read_zip(&bytes).map_err(container)?
    } else {
        let text = String::from_utf8(bytes)
            .map_err(|_| container("neither a zip container nor UTF-8 JSON".into()))?;
        (text, evidence::Store::default())
    };
    let version: file::Version =
        serde_json::from_str(&text).map_err(|source| ProjectError::NotAProject {
            path: path.to_owned(),
            source,
        })?;
    if version.raidmap_project > FORMAT_VERSION {
        return Err(ProjectError::Newer {
            path: path.to_owned(),
            found: version.raidmap_project,
        });
    }
    let file: ProjectFile =
        serde_json::from_str(&text).map_err(|source| ProjectError::NotAProject {
            path: path.to_owned(),
            source,
        })?;
    let (layers, problems) = open_layers(file.layers, path.parent().unwrap_or(Path::new("")));
    let day = |s: &Option<String>| s.as_deref().and_then(parse_day);
    let seal = match (passphrase, sealed) {
        (Some(p), _) => Some(Seal::Passphrase(p)),
        // Keys that do not parse leave an empty list: saving then refuses rather than writing
        // the project in plaintext.
        (None, true) => Some(Seal::Recipients(
            file.recipients
                .iter()
                .filter_map(|r| r.parse().ok())
                .collect(),
        )),
        (None, false) => None,
    };
    let checks = evidence::store::check(layers.iter().map(|l| &l.layer), &store);
    let custody_broken = file.custody.verify().err();
    let picture_problems = check_pictures(&file.pictures, &store);
    Ok(Project {
        picture_problems,
        evidence: Evidence {
            store,
            log: file.custody,
            seal,
            tiles_memory_only: file.tiles_memory_only,
        },
        checks,
        custody_broken,
        layers,
        settings: Settings {
            view: file.view,
            basemap: file.basemap,
            time_window: Window {
                from: day(&file.time_window.from),
                to: day(&file.time_window.to),
            },
            pictures: file.pictures,
        },
        problems,
    })
}

/// The layers of a project's entries (paths relative to `folder`), and a line for each one
/// that could not be read.
fn open_layers(entries: Vec<LayerEntry>, folder: &Path) -> (Vec<OpenedLayer>, Vec<String>) {
    let mut layers = Vec::new();
    let mut problems = Vec::new();
    for entry in entries {
        let source = entry.source.as_ref().map(|s| folder.join(s));
        match read_entry(&entry, source.as_deref()) {
            Ok(mut layer) => {
                layer.name = entry.name.clone();
                layer.path = source;
                if entry.kind == "measurements" {
                    layer.kind = LayerKind::Measurements;
                }
                if let Some(database) = entry.database {
                    relink(&mut layer, database);
                }
                layers.push(OpenedLayer {
                    layer,
                    visible: entry.visible,
                    style: entry.style,
                    embedded: entry.geojson.is_some(),
                });
            }
            Err(err) => problems.push(format!("{}: {}", entry.name, error_text(&err))),
        }
    }
    (layers, problems)
}

fn read_entry(entry: &LayerEntry, source: Option<&Path>) -> Result<Layer, ReadError> {
    if let Some(text) = &entry.geojson {
        return io::read_str(text.get(), &entry.name);
    }
    let Some(source) = source else {
        return Err(io::format_error(
            &entry.name,
            "project",
            None,
            "the layer has neither a file nor embedded data".into(),
        ));
    };
    // A KML file gives one layer per folder: the one of this name.
    let mut layers = io::read_layers(source)?;
    let index = layers.iter().position(|l| l.name == entry.name);
    match index {
        Some(index) => Ok(layers.swap_remove(index)),
        None if layers.len() == 1 => Ok(layers.swap_remove(0)),
        None => Err(io::format_error(
            &entry.name,
            "project",
            None,
            format!("{} has no folder of this name any more", source.display()),
        )),
    }
}

/// An error and its causes on one line.
fn error_text(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// `2025-07-14` as a day.
fn parse_day(text: &str) -> Option<Day> {
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Day::from_ymd(year, month, day)
}

#[cfg(test)]
mod tests;
