//! *Compare with…*: a layer against another version of it (a file, or another open layer).
//! The differences are marked on the map and listed for review, each with its old and new
//! values; *Take* brings one change of the other version into the layer, *Take all* every
//! one, each as one undoable edit. After a take the two are compared again.

use std::path::PathBuf;

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use super::job::{Job, Work, read_version};
use super::marks::{self, Kind, Mark, Marks};
use super::source::{Asked, KeyChoice, OtherChoice};
use super::values;
use super::values::cell;
use crate::merge::{Diff, GeometryChange, Take, ValueChange};
use crate::model::{Document, FeatureRef, Layer, LayerId};
use crate::ui::command::Command;

/// The other version as the thread gets it.
enum Other {
    File(PathBuf),
    Layer(Box<Layer>),
}

/// A finished comparison.
pub struct Compared {
    pub diff: Diff,
    /// The other version.
    new: Layer,
    /// What it is called in the window (file or layer name).
    new_name: String,
    /// The layer's revision and length when it was copied for the comparison.
    revision: Option<u64>,
    old_len: usize,
    /// Each row's mark (`None`: no geometry), in the order of [`Compared::rows`].
    row_marks: Vec<Option<Mark>>,
    rows: Vec<Take>,
    drawing: Marks,
}

type State = Work<Compared>;

/// The *Compare with…* window of one layer.
pub struct CompareWindow {
    pub layer: LayerId,
    pub other: OtherChoice,
    pub key: KeyChoice,
    state: State,
    /// The row whose details are shown.
    picked: Option<Take>,
    /// Compare again in the next frame (after a take was applied).
    again: bool,
    /// Said once, after something happened (a take, a comparison redone).
    note: Option<String>,
}

/// What the window asked the app for this frame.
pub enum Wants {
    Nothing,
    Close,
    Browse,
}

impl CompareWindow {
    pub fn new(doc: &Document, layer: LayerId) -> Self {
        Self {
            layer,
            other: OtherChoice::default(),
            key: KeyChoice::for_layer(doc, layer),
            state: State::Asking,
            picked: None,
            again: false,
            note: None,
        }
    }

    /// Whether a comparison is running.
    pub fn is_busy(&self) -> bool {
        self.state.is_busy()
    }

    /// The finished comparison, if any.
    pub fn compared(&self) -> Option<&Compared> {
        self.state.done()
    }

    /// What to draw on the map.
    pub fn drawing(&self) -> Option<&Marks> {
        self.compared().map(|c| &c.drawing)
    }

    /// Start comparing the layer, as it is now, with the chosen version.
    pub fn start(&mut self, ctx: &egui::Context, doc: &Document) {
        let Some(layer) = doc.layer(self.layer) else {
            self.state = State::Failed("The layer was closed.".into());
            return;
        };
        let (other, new_name) = match (self.other.layer, self.other.path()) {
            (Some(id), _) => match doc.layer(id) {
                Some(l) => (Other::Layer(Box::new(l.clone())), l.name.clone()),
                None => {
                    self.state = State::Failed("That layer was closed.".into());
                    return;
                }
            },
            (None, Some(path)) => {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into(),
                );
                (Other::File(path), name)
            }
            (None, None) => {
                self.state = State::Failed("Choose a file or an open layer first.".into());
                return;
            }
        };
        let old = layer.clone();
        let revision = doc.layer_revision(self.layer);
        let key = self.key.key();
        self.state = State::Working(Job::spawn(ctx, move || {
            compare(old, other, new_name, &key, revision)
        }));
    }

    /// The window; edits and selections go into `commands`.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        commands: &mut Vec<Command>,
    ) -> Wants {
        self.state.poll();
        if std::mem::take(&mut self.again) {
            self.start(ctx, doc);
        }
        let Some(layer) = doc.layer(self.layer) else {
            return Wants::Close;
        };
        let mut open = true;
        let mut wants = Wants::Nothing;
        let title = format!("Compare {} with another version", layer.name);
        let max_height = ctx.content_rect().height() * 0.8;
        egui::Window::new(title)
            .id(egui::Id::unique("compare-window"))
            .open(&mut open)
            .default_width(560.0)
            .max_height(max_height)
            .show(ctx, |ui| {
                let chosen = (self.other.path.clone(), self.other.layer);
                if let Asked::Browse = self.other.ui(ui, doc, self.layer, true) {
                    wants = Wants::Browse;
                }
                // A new choice answers a complaint about the old one ("Choose a file …").
                if chosen != (self.other.path.clone(), self.other.layer)
                    && matches!(self.state, State::Failed(_))
                {
                    self.state = State::Asking;
                }
                if self.state.controls_ui(
                    ui,
                    &mut self.key,
                    ("Compare", "Nothing changes until you take a change"),
                    ("Pick the other version, then Compare.", "Comparing…"),
                ) {
                    self.picked = None;
                    self.note = None;
                    self.start(ui.ctx(), doc);
                }
                if self.state.done().is_some() {
                    self.result_ui(ui, doc, commands);
                }
            });
        if !open {
            return Wants::Close;
        }
        wants
    }

    fn result_ui(&mut self, ui: &mut egui::Ui, doc: &Document, commands: &mut Vec<Command>) {
        let State::Done(c) = &self.state else {
            return;
        };
        summary_ui(ui, self.note.as_deref(), c);
        let d = &c.diff;
        if d.is_empty() {
            ui.label("The two versions hold the same features.");
            return;
        }
        let mut take: Option<Vec<Take>> = None;
        if ui
            .button(format!("Take all ({})", c.rows.len()))
            .on_hover_text("Make this layer like the other version: one undoable step")
            .clicked()
        {
            take = Some(d.all());
        }
        let mut clicked = None;
        let details_height = if self.picked.is_some() { 150.0 } else { 0.0 };
        let available = (ui.available_height() - details_height).max(120.0);
        TableBuilder::new(ui)
            .id_salt("compare-rows")
            .striped(true)
            .sense(egui::Sense::click())
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::exact(70.0))
            .column(Column::initial(150.0).at_least(80.0).clip(true))
            .column(Column::remainder().at_least(120.0).clip(true))
            .column(Column::exact(46.0))
            .min_scrolled_height(0.0)
            .max_scroll_height(available)
            .header(20.0, |mut h| {
                for name in ["Change", "Feature", "What changed", ""] {
                    h.col(|ui| {
                        ui.strong(name);
                    });
                }
            })
            .body(|body| {
                body.rows(20.0, c.rows.len(), |mut row| {
                    let take_this = c.rows[row.index()];
                    row.set_selected(self.picked == Some(take_this));
                    let (kind, label, what) = row_text(c, take_this);
                    row.col(|ui| {
                        let (text, color) = match kind {
                            Kind::Added => ("added", marks::ADDED),
                            Kind::Removed => ("removed", marks::REMOVED),
                            Kind::Changed => ("changed", marks::CHANGED),
                        };
                        cell(ui, RichText::new(text).color(color));
                    });
                    row.col(|ui| {
                        cell(ui, &label).on_hover_text(&label);
                    });
                    row.col(|ui| {
                        cell(ui, &what).on_hover_text(&what);
                    });
                    row.col(|ui| {
                        let button = ui.small_button("Take");
                        crate::ui::a11y::name(&button, format!("Take {label}"));
                        if button.clicked() {
                            take = Some(vec![take_this]);
                        }
                    });
                    if row.response().clicked() {
                        clicked = Some(row.index());
                    }
                });
            });
        if let Some(i) = clicked {
            let row = c.rows[i];
            self.picked = Some(row);
            show_on_map(c, i, self.layer, commands);
        }
        if let Some(row) = self.picked {
            ui.separator();
            details_ui(ui, c, row, doc.layer(self.layer));
        }
        if let Some(takes) = take {
            self.take(doc, &takes, commands);
        }
    }

    /// Apply `takes` (one undoable step) and compare again.
    fn take(&mut self, doc: &Document, takes: &[Take], commands: &mut Vec<Command>) {
        let State::Done(c) = &self.state else {
            return;
        };
        if doc.layer_revision(self.layer) != c.revision {
            self.note = Some("The layer changed since it was compared: compared again.".into());
            self.again = true;
            return;
        }
        let description = match takes {
            [one] => format!("Take {} from {}", row_text(c, *one).1, c.new_name),
            many => format!("Take {} changes from {}", many.len(), c.new_name),
        };
        let edit = c.diff.edit(self.layer, c.old_len, &c.new, takes);
        commands.push(Command::Edit(edit, description.clone()));
        self.note = Some(format!("{description} (undo with Ctrl+Z)."));
        self.picked = None;
        self.again = true;
    }
}

/// Select (when it is in this layer) and zoom to row `i`'s feature.
fn show_on_map(c: &Compared, i: usize, layer: LayerId, commands: &mut Vec<Command>) {
    let index = match c.rows[i] {
        Take::Changed(k) => Some(c.diff.changed[k].old),
        Take::Removed(k) => Some(c.diff.removed[k].index),
        Take::Added(_) => None,
    };
    commands.push(Command::Select(
        index.map(|index| FeatureRef { layer, index }),
    ));
    if let Some(mark) = &c.row_marks[i] {
        let area = match mark.from {
            Some(from) => marks::with_room(geo::Rect::new(from.0, mark.at.0)),
            None => mark.area,
        };
        commands.push(Command::ZoomTo(area));
    }
}

/// The note, how many features changed each way, and the map's marks.
fn summary_ui(ui: &mut egui::Ui, note: Option<&str>, c: &Compared) {
    if let Some(note) = note {
        ui.label(RichText::new(note).italics());
    }
    let d = &c.diff;
    ui.label(format!(
        "{} changed · {} only in {} (added) · {} not in it (removed) · {} unchanged",
        d.changed.len(),
        d.added.len(),
        c.new_name,
        d.removed.len(),
        d.unchanged
    ));
    ui.horizontal(|ui| {
        ui.label(RichText::new("+ added").color(marks::ADDED).strong());
        ui.label(RichText::new("× removed").color(marks::REMOVED).strong());
        ui.label(
            RichText::new("ring: changed, arrow: moved")
                .color(marks::CHANGED)
                .strong(),
        );
    });
}

/// A row's kind, feature label and one-line summary.
fn row_text(c: &Compared, take: Take) -> (Kind, String, String) {
    match take {
        Take::Added(k) => {
            let e = &c.diff.added[k];
            (
                Kind::Added,
                e.label.clone(),
                format!("only in {}", c.new_name),
            )
        }
        Take::Removed(k) => {
            let e = &c.diff.removed[k];
            (
                Kind::Removed,
                e.label.clone(),
                format!("not in {}", c.new_name),
            )
        }
        Take::Changed(k) => {
            let ch = &c.diff.changed[k];
            let mut parts: Vec<String> = ch.properties.iter().map(|p| p.name.clone()).collect();
            parts.extend(ch.members.iter().map(|m| format!("{} (member)", m.name)));
            if let Some(g) = geometry_text(&ch.geometry) {
                parts.push(g);
            }
            (Kind::Changed, ch.label.clone(), parts.join(", "))
        }
    }
}

/// `moved 110.6 m` or `geometry: 5 → 7 vertices`; `None` when the geometry is the same.
fn geometry_text(g: &GeometryChange) -> Option<String> {
    match g {
        GeometryChange::Same => None,
        GeometryChange::Moved { metres } => Some(format!(
            "moved {} (geodesic)",
            crate::measure::format_distance(*metres)
        )),
        GeometryChange::Changed {
            old_vertices,
            new_vertices,
        } => Some(format!(
            "geometry: {old_vertices} → {new_vertices} vertices"
        )),
    }
}

/// The picked row in full: each value in this layer and in the other version.
fn details_ui(ui: &mut egui::Ui, c: &Compared, row: Take, layer: Option<&Layer>) {
    let (_, label, _) = row_text(c, row);
    ui.strong(&label);
    egui::ScrollArea::vertical()
        .id_salt("compare-details")
        .max_height(130.0)
        .show(ui, |ui| {
            egui::Grid::new("compare-details-grid")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    ui.strong("Field");
                    ui.strong("This layer");
                    ui.strong(format!("In {}", c.new_name));
                    ui.end_row();
                    let rows = detail_rows(c, row, layer);
                    for (name, old, new) in rows {
                        ui.label(name);
                        ui.label(old);
                        ui.label(new);
                        ui.end_row();
                    }
                });
        });
}

/// `(field, this layer's value, the other version's value)` for a row.
fn detail_rows(c: &Compared, row: Take, layer: Option<&Layer>) -> Vec<(String, String, String)> {
    let value_rows = |changes: &[ValueChange], suffix: &str| {
        changes
            .iter()
            .map(|v| {
                (
                    format!("{}{suffix}", v.name),
                    values::describe(v.old.as_ref()),
                    values::describe(v.new.as_ref()),
                )
            })
            .collect::<Vec<_>>()
    };
    let properties = |feature: Option<&crate::model::Feature>, theirs: bool| {
        let mut out = Vec::new();
        if let Some(f) = feature {
            f.with_properties(|p| {
                for (name, value) in p.into_iter().flatten() {
                    let v = values::describe(Some(value));
                    out.push(if theirs {
                        (name.clone(), "absent".to_owned(), v)
                    } else {
                        (name.clone(), v, "absent".to_owned())
                    });
                }
            });
        }
        out
    };
    match row {
        Take::Changed(k) => {
            let ch = &c.diff.changed[k];
            let mut rows = value_rows(&ch.properties, "");
            rows.extend(value_rows(&ch.members, " (member)"));
            if let Some(g) = geometry_text(&ch.geometry) {
                rows.push(("geometry".into(), "as it is".into(), g));
            }
            rows
        }
        Take::Added(k) => properties(c.new.features.get(c.diff.added[k].index), true),
        Take::Removed(k) => properties(
            layer.and_then(|l| l.features.get(c.diff.removed[k].index)),
            false,
        ),
    }
}

/// Compare `old` with the other version (read from its file here, on the work thread).
fn compare(
    old: Layer,
    other: Other,
    new_name: String,
    key: &crate::merge::Key,
    revision: Option<u64>,
) -> Result<Compared, String> {
    let new = match other {
        Other::Layer(l) => *l,
        Other::File(path) => read_version(&path, &old.name)?,
    };
    let diff = crate::merge::diff(&old, &new, key).map_err(|e| e.to_string())?;
    let rows: Vec<Take> = (0..diff.changed.len())
        .map(Take::Changed)
        .chain((0..diff.added.len()).map(Take::Added))
        .chain((0..diff.removed.len()).map(Take::Removed))
        .collect();
    let row_marks: Vec<Option<Mark>> = rows
        .iter()
        .map(|row| match *row {
            Take::Added(k) => Mark::of(Kind::Added, &new.features[diff.added[k].index]),
            Take::Removed(k) => Mark::of(Kind::Removed, &old.features[diff.removed[k].index]),
            Take::Changed(k) => {
                let ch = &diff.changed[k];
                let mut mark = Mark::of(Kind::Changed, &new.features[ch.new])?;
                if let GeometryChange::Moved { .. } = ch.geometry {
                    mark.from = old.features[ch.old].point().map(geo::Point);
                }
                Some(mark)
            }
        })
        .collect();
    let drawing = Marks {
        marks: row_marks.iter().flatten().cloned().collect(),
        outlines: Vec::new(),
    };
    Ok(Compared {
        diff,
        new,
        new_name,
        revision,
        old_len: old.features.len(),
        row_marks,
        rows,
        drawing,
    })
}
