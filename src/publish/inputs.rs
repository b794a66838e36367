//! What is published: the layers read from files and projects (or what the window shows),
//! how each is shown (visibility and style, from the project or the defaults the window gives),
//! the date field each layer is put on the timeline by, the basemap tiles, the files with their
//! SHA-256, and the time window.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::draw::TileBasemap;
use crate::io::{self, ReadError};
use crate::model::{Document, FeatureRef, Layer, LayerId, LayerKind};
use crate::style::LayerStyle;
use crate::timeline::{self, Day, LayerTimes, TimeField, Window};

/// How one layer is shown.
#[derive(Debug, Clone)]
pub struct Shown {
    pub id: LayerId,
    pub visible: bool,
    pub style: LayerStyle,
}

/// A file the published layers were read from, with its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub bytes: u64,
    /// When the file was last modified, as the file system says (`None` where it cannot).
    pub modified: Option<std::time::SystemTime>,
}

/// Layers and how they are shown, in drawing order.
#[derive(Debug, Clone, Default)]
pub struct Scene {
    pub doc: Document,
    /// One entry per layer of `doc`, in its order.
    pub shown: Vec<Shown>,
    /// The data files and projects read, each once.
    pub files: Vec<SourceFile>,
    /// The project's time window (all dates when none was saved).
    pub window: Window,
    /// The date field of a layer as the window chose it (`None`: taken off the timeline);
    /// a layer not listed is dated by its best candidate field.
    pub time_fields: HashMap<LayerId, Option<TimeField>>,
    /// Tiles drawn under the data in map pictures (`None`: the offline basemap).
    pub tiles: Option<TileBasemap>,
    /// The window has changes not saved to any file (edits, styles): then the files' SHA-256
    /// are of the data before them. Always `false` for files read by the command line.
    pub unsaved_changes: bool,
    /// Only the features selected in the window are in [`Scene::doc`] ([`Scene::keep_only`]).
    pub selected_only: bool,
}

/// A scene read from files, and what could not be read (one line each, naming the file).
#[derive(Debug, Default)]
pub struct Loaded {
    pub scene: Scene,
    pub problems: Vec<String>,
    /// The inputs that were encrypted (a sealed project or layer file), whose data a
    /// published file holds in plaintext.
    pub sealed: Vec<PathBuf>,
}

/// Read GeoJSON, KML/KMZ, CSV/TSV files and `.raidmap` projects into one scene. Projects
/// give their layers' styles, visibility and time window (the first project's window wins);
/// other files get the window's default style for the `nth` layer opened. A layer that
/// cannot be read is reported in [`Loaded::problems`] and left out.
pub fn load(paths: &[PathBuf]) -> Loaded {
    let mut loaded = Loaded::default();
    let mut window = None;
    for path in paths {
        if crate::project::is_project_file(path) {
            match crate::project::load(path) {
                Ok(project) => {
                    if project.evidence.seal.is_some() {
                        loaded.sealed.push(path.clone());
                    }
                    for problem in project.problems {
                        loaded
                            .problems
                            .push(format!("{}: {problem}", path.display()));
                    }
                    window.get_or_insert(project.settings.time_window);
                    loaded.note_file(path);
                    for opened in project.layers {
                        if let Some(source) = opened.layer.path.clone().filter(|_| !opened.embedded)
                        {
                            loaded.note_file(&source);
                        }
                        let style = opened.style.unwrap_or_else(|| {
                            LayerStyle::nth(&opened.layer, loaded.scene.shown.len())
                        });
                        loaded.add(opened.layer, opened.visible, Some(style));
                    }
                }
                Err(err) => loaded.problems.push(crate::tiles::describe(&err)),
            }
            continue;
        }
        match io::read_layers(path) {
            Ok(layers) => {
                if io::is_sealed_file(path) {
                    loaded.sealed.push(path.clone());
                }
                loaded.note_file(path);
                for mut layer in layers {
                    if crate::measure::is_measurement_layer(&layer) {
                        layer.kind = LayerKind::Measurements;
                    }
                    loaded.add(layer, true, None);
                }
            }
            Err(err) => loaded.problems.extend(describe_read_error(path, &err)),
        }
    }
    loaded.scene.window = window.unwrap_or_default();
    loaded
}

/// One line per problem of a file that could not be read.
fn describe_read_error(path: &Path, err: &ReadError) -> Vec<String> {
    match err {
        ReadError::Io { .. } => vec![format!(
            "{}: {}",
            path.display(),
            crate::tiles::describe(err)
        )],
        _ => {
            let lines: Vec<String> = err
                .problems()
                .iter()
                .filter(|p| p.is_error())
                .map(|p| crate::cli::info::problem_line(path, p))
                .collect();
            if lines.is_empty() {
                vec![format!(
                    "{}: {}",
                    path.display(),
                    crate::tiles::describe(err)
                )]
            } else {
                lines
            }
        }
    }
}

impl Loaded {
    fn add(&mut self, layer: Layer, visible: bool, style: Option<LayerStyle>) {
        let nth = self.scene.shown.len();
        let style = style.unwrap_or_else(|| LayerStyle::nth(&layer, nth));
        let id = self.scene.doc.add_layer(layer);
        self.scene.shown.push(Shown { id, visible, style });
    }

    /// Fingerprint a file once; a file that cannot be read again is left out of the list
    /// (its layers were read, so this only happens if it changed meanwhile).
    fn note_file(&mut self, path: &Path) {
        self.scene.add_files(&[path.to_owned()]);
    }
}

/// SHA-256 and size of a file, read in blocks.
pub fn fingerprint(path: &Path) -> std::io::Result<SourceFile> {
    let mut file = std::fs::File::open(path)?;
    let modified = file.metadata().and_then(|m| m.modified()).ok();
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buffer[..n]);
    }
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(SourceFile {
        path: path.to_owned(),
        sha256,
        bytes,
        modified,
    })
}

/// Which features of each layer are among `selected` (one flag per feature), for the layers
/// that have one; layers without a selected feature are not listed.
pub fn selection_masks(doc: &Document, selected: &[FeatureRef]) -> HashMap<LayerId, Vec<bool>> {
    let mut masks: HashMap<LayerId, Vec<bool>> = HashMap::new();
    for r in selected {
        let Some(layer) = doc.layer(r.layer) else {
            continue;
        };
        if r.index < layer.features.len() {
            masks
                .entry(r.layer)
                .or_insert_with(|| vec![false; layer.features.len()])[r.index] = true;
        }
    }
    masks
}

impl Scene {
    /// Keep only the `selected` features (of the scene's own document, whose layer ids are
    /// the window's): layers without a selected feature are left out.
    pub fn keep_only(&mut self, selected: &[FeatureRef]) {
        self.selected_only = true;
        let masks = selection_masks(&self.doc, selected);
        let ids: Vec<LayerId> = self.doc.layers().map(|(id, _)| id).collect();
        for id in ids {
            match masks.get(&id) {
                Some(mask) => {
                    if let Some(layer) = self.doc.layer_mut(id) {
                        let mut keep = mask.iter();
                        layer
                            .features
                            .retain(|_| keep.next().copied().unwrap_or(false));
                    }
                }
                None => {
                    self.doc.remove_layer(id);
                    self.shown.retain(|s| s.id != id);
                    self.time_fields.remove(&id);
                }
            }
        }
    }

    /// The visible layers, in drawing order.
    pub fn visible(&self) -> impl Iterator<Item = (&Shown, &Layer)> {
        self.shown
            .iter()
            .filter(|s| s.visible)
            .filter_map(|s| Some((s, self.doc.layer(s.id)?)))
    }

    /// The field a layer is dated by: the one chosen in [`Scene::time_fields`], else its best
    /// candidate; `None` when it is not on the timeline.
    pub fn time_field(&self, id: LayerId, layer: &Layer) -> Option<TimeField> {
        match self.time_fields.get(&id) {
            Some(chosen) => chosen.clone(),
            None => Some(timeline::candidates(layer).into_iter().next()?.field),
        }
    }

    /// Each visible data layer's dates by its date field (layers without one are left out:
    /// the timeline never hides them).
    pub fn times(&self) -> HashMap<LayerId, LayerTimes> {
        self.visible()
            .filter(|(_, layer)| layer.kind == LayerKind::Data)
            .filter_map(|(shown, layer)| {
                let field = self.time_field(shown.id, layer)?;
                Some((shown.id, LayerTimes::read(layer, field)))
            })
            .collect()
    }

    /// Add these files (data files and projects the layers came from) with their SHA-256,
    /// each once; a file that cannot be read is left out.
    pub fn add_files(&mut self, paths: &[PathBuf]) {
        for path in paths {
            if self.files.iter().any(|f| &f.path == path) {
                continue;
            }
            if let Ok(file) = fingerprint(path) {
                self.files.push(file);
            }
        }
    }

    /// First and last day with an event on a visible layer.
    pub fn date_extent(times: &HashMap<LayerId, LayerTimes>) -> Option<(Day, Day)> {
        times
            .values()
            .filter_map(LayerTimes::extent)
            .reduce(timeline::When::union)
            .map(|w| (w.first_day(), w.last_day()))
    }

    /// Which features of each dated layer a window lets through (one flag per feature; a
    /// feature whose date cannot be read is hidden while a window is set, as in the window).
    pub fn filters(
        times: &HashMap<LayerId, LayerTimes>,
        window: &Window,
    ) -> HashMap<LayerId, timeline::Filter> {
        if window.is_unbounded() {
            return HashMap::new();
        }
        times
            .iter()
            .map(|(id, t)| (*id, t.filter(window)))
            .collect()
    }

    /// The title: the visible data layers' names (a FeatureCollection's `name` member, else
    /// the file name), joined.
    pub fn default_title(&self) -> Option<String> {
        let names: Vec<String> = self
            .visible()
            .filter(|(_, l)| l.kind == LayerKind::Data)
            .map(|(_, l)| layer_title(l))
            .collect();
        (!names.is_empty()).then(|| names.join(" · "))
    }
}

/// A layer's own name (a FeatureCollection's `name` member) or its file name.
pub fn layer_title(layer: &Layer) -> String {
    if let crate::model::Root::FeatureCollection { members, .. } = &layer.root
        && let Some(name) = members.get("name").and_then(|v| v.as_str())
        && !name.trim().is_empty()
    {
        return name.trim().to_owned();
    }
    layer.name.clone()
}

/// The bundled sample layers as a scene (what the window opens without files).
pub fn sample() -> Loaded {
    let mut loaded = Loaded::default();
    match crate::sample::layers() {
        Ok(layers) => {
            for layer in layers {
                loaded.add(layer, true, None);
            }
        }
        Err(err) => loaded.problems.push(format!(
            "the bundled sample data: {}",
            crate::tiles::describe(&err)
        )),
    }
    loaded
}
