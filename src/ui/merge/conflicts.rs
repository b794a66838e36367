//! *Merge a colleague's copy…*: the layer as it was opened is the base (kept in memory since
//! it was read, so saving edits over the file does not change it), the layer as edited is
//! ours, the chosen file is theirs. The merge is worked out on a thread and shown
//! before anything changes: each change of theirs that merges without conflict (feature
//! added, deleted or changed), ticked to be taken and unticked to leave it out, and each
//! conflict side by side (base / ours / theirs; for a geometry also on the map), to decide
//! one at a time or all one way. *Apply* makes what was picked one undoable step; no file is
//! written until the user saves or exports.

use std::path::PathBuf;

use egui::RichText;
use egui_extras::{Column, TableBuilder};
use serde_json::Value;

use super::job::{Job, Work, read_version};
use super::marks::{self, Marks, Outline};
use super::source::{Asked, KeyChoice, OtherChoice};
use super::values::{self, cell};
use crate::merge::{Base, Conflict, Incoming, IncomingKind, Key, Merge, Part, Side, What};
use crate::model::{Document, FeatureRef, Layer, LayerId};
use crate::ui::command::Command;

/// A merge worked out, with the user's decisions so far.
pub struct Merged {
    merge: Merge,
    /// Per change of theirs without conflict (in the merge's order): whether to take it.
    pub takes: Vec<bool>,
    /// Per conflict (in the merge's order): the side chosen, if any yet.
    pub choices: Vec<Option<Side>>,
    theirs_name: String,
    /// The layer's revision when it was copied as ours.
    revision: Option<u64>,
    key: Key,
}

impl Merged {
    pub fn conflicts(&self) -> impl ExactSizeIterator<Item = &Conflict> {
        self.merge.conflicts()
    }

    /// `(from ours, from theirs)` with the decisions so far.
    fn counts(&self) -> (usize, usize) {
        self.merge.taken(|i| self.takes[i], |i| self.choices[i])
    }
}

/// A row of the window's lists.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Row {
    Incoming(usize),
    Conflict(usize),
}

type State = Work<Merged>;

/// The *Merge a colleague's copy…* window of one layer.
pub struct MergeWindow {
    pub layer: LayerId,
    pub theirs: OtherChoice,
    pub key: KeyChoice,
    state: State,
    /// The row shown on the map.
    picked: Option<Row>,
    drawing: Marks,
}

/// What the window asked the app for this frame.
pub enum Wants {
    Nothing,
    Close,
    Browse,
}

impl MergeWindow {
    pub fn new(doc: &Document, layer: LayerId) -> Self {
        Self {
            layer,
            theirs: OtherChoice::default(),
            key: KeyChoice::for_layer(doc, layer),
            state: State::Asking,
            picked: None,
            drawing: Marks::default(),
        }
    }

    pub fn is_busy(&self) -> bool {
        self.state.is_busy()
    }

    pub fn merged(&self) -> Option<&Merged> {
        self.state.done()
    }

    /// The picked conflict's geometries on the map.
    pub fn drawing(&self) -> Option<&Marks> {
        (!self.drawing.outlines.is_empty()).then_some(&self.drawing)
    }

    /// Work out the merge of the chosen file into the layer as it is now, from `base`, the
    /// layer as it was opened (`None`: made in the window, there is no base).
    pub fn start(&mut self, ctx: &egui::Context, doc: &Document, base: Option<&Base>) {
        self.picked = None;
        self.drawing = Marks::default();
        let Some(layer) = doc.layer(self.layer) else {
            self.state = State::Failed("The layer was closed.".into());
            return;
        };
        let Some(base) = base.cloned() else {
            self.state = State::Failed(format!(
                "{} was not read from a file, so there is no base to merge from. Use Compare with… to take a colleague's changes one by one.",
                layer.name
            ));
            return;
        };
        let Some(theirs_path) = self.theirs.path() else {
            self.state = State::Failed("Choose your colleague's file first.".into());
            return;
        };
        let ours = layer.clone();
        let revision = doc.layer_revision(self.layer);
        let key = self.key.key();
        self.state = State::Working(Job::spawn(ctx, move || {
            work_out(&base, ours, theirs_path, key, revision)
        }));
    }

    /// The window; `base` is the layer as it was opened.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        base: Option<&Base>,
        commands: &mut Vec<Command>,
    ) -> Wants {
        self.state.poll();
        let Some(layer) = doc.layer(self.layer) else {
            return Wants::Close;
        };
        let mut open = true;
        let mut wants = Wants::Nothing;
        let max_height = ctx.content_rect().height() * 0.85;
        egui::Window::new(format!("Merge a colleague's copy into {}", layer.name))
            .id(egui::Id::unique("merge-window"))
            .open(&mut open)
            .default_width(640.0)
            .max_height(max_height)
            .show(ctx, |ui| {
                let base_name = match (base, &layer.path) {
                    (None, _) => "(none: not read from a file)".to_owned(),
                    (Some(_), Some(path)) => format!("{} as it was opened", path.display()),
                    (Some(_), None) => format!("{} as it was opened", layer.name),
                };
                egui::Grid::new("merge-sides")
                    .num_columns(2)
                    .show(ui, |ui| {
                        ui.strong("Base");
                        ui.label(base_name);
                        ui.end_row();
                        ui.strong("Ours");
                        ui.label(format!("{} as edited here", layer.name));
                        ui.end_row();
                        ui.strong("Theirs");
                        ui.label("your colleague's copy:");
                        ui.end_row();
                    });
                if let Asked::Browse = self.theirs.ui(ui, doc, self.layer, false) {
                    wants = Wants::Browse;
                }
                if self.state.controls_ui(
                    ui,
                    &mut self.key,
                    ("Work out the merge", "Nothing changes until you apply it"),
                    (
                        "Pick your colleague's file, then work out the merge.",
                        "Working out the merge…",
                    ),
                ) {
                    self.start(ui.ctx(), doc, base);
                }
                if self.state.done().is_some() && self.result_ui(ui, doc, commands) {
                    wants = Wants::Close;
                }
            });
        if !open {
            return Wants::Close;
        }
        wants
    }

    /// The summary, theirs' changes, the conflicts and *Apply*; true once the merge was
    /// applied.
    fn result_ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        commands: &mut Vec<Command>,
    ) -> bool {
        let State::Done(m) = &mut self.state else {
            return false;
        };
        let incoming = m.takes.len();
        let total = m.choices.len();
        let (plain_ours, plain_theirs) = m.merge.taken(|_| true, |_| None);
        ui.label(format!(
            "Without conflict: {plain_theirs} changes from {}, {plain_ours} of yours.",
            m.theirs_name
        ));
        if total == 0 && incoming == 0 {
            ui.label("Nothing to merge: their copy has no change that yours lacks.");
            return false;
        }
        // The lists share the height left, each at least 100 points.
        let lists = usize::from(incoming > 0) + usize::from(total > 0);
        let height =
            ((ui.available_height() - 90.0 - 50.0 * lists as f32) / lists as f32).max(100.0);
        let mut clicked = None;
        if incoming > 0 {
            clicked = incoming_ui(ui, m, self.picked, height);
        }
        if total > 0 {
            ui.separator();
            clicked = conflicts_ui(ui, m, self.picked, height).or(clicked);
        }
        if let Some(row) = clicked {
            self.pick(row, doc, commands);
        }
        let State::Done(m) = &self.state else {
            return false;
        };
        let left = m.choices.iter().filter(|c| c.is_none()).count();
        let (ours, theirs) = m.counts();
        ui.separator();
        let apply = ui
            .add_enabled(
                left == 0,
                egui::Button::new(format!(
                    "Apply the merge: {theirs} changes from theirs, {ours} of yours kept"
                )),
            )
            .on_hover_text(
                "One undoable step (Ctrl+Z); no file is written until you save or export",
            )
            .on_disabled_hover_text(format!("Decide the {left} conflicts left first"));
        if apply.clicked() {
            return self.apply(doc, commands);
        }
        false
    }

    /// Show a row on the map: the feature selected and in view, and for a geometry or
    /// deletion conflict its geometries.
    fn pick(&mut self, row: Row, doc: &Document, commands: &mut Vec<Command>) {
        let State::Done(m) = &self.state else {
            return;
        };
        self.picked = Some(row);
        self.drawing = Marks::default();
        let i = match row {
            Row::Conflict(i) => i,
            Row::Incoming(i) => {
                let Some(change) = m.merge.incoming().get(i) else {
                    return;
                };
                let index = doc.layer(self.layer).and_then(|l| {
                    // Theirs' addition is not in the layer yet.
                    (change.kind != IncomingKind::Added)
                        .then(|| m.key.find(l, &change.key))
                        .flatten()
                });
                commands.push(Command::Select(index.map(|index| FeatureRef {
                    layer: self.layer,
                    index,
                })));
                if let Some(area) =
                    index.and_then(|i| doc.layer(self.layer)?.features.get(i)?.exact_bbox())
                {
                    commands.push(Command::ZoomTo(area));
                }
                return;
            }
        };
        let Some(c) = m.conflicts().nth(i) else {
            return;
        };
        let geometry = |v: &Option<Value>| match c.what {
            What::Geometry => v.clone(),
            What::Delete { .. } => v.as_ref().and_then(|o| o.get("geometry")).cloned(),
            _ => None,
        };
        self.drawing.outlines = [
            (geometry(&c.base), marks::BASE, true),
            (geometry(&c.ours), marks::OURS, false),
            (geometry(&c.theirs), marks::THEIRS, false),
        ]
        .into_iter()
        .filter(|(g, _, _)| g.is_some())
        .map(|(g, color, dashed)| Outline::of_geometry(g.as_ref(), color, dashed))
        .collect();
        let index = doc.layer(self.layer).and_then(|l| m.key.find(l, &c.key));
        commands.push(Command::Select(index.map(|index| FeatureRef {
            layer: self.layer,
            index,
        })));
        let points: Vec<geo::Coord<f64>> = self
            .drawing
            .outlines
            .iter()
            .flat_map(|o| o.parts.iter().flatten().map(|p| p.0))
            .collect();
        let area = match points.split_first() {
            Some((first, rest)) => {
                Some(rest.iter().fold(geo::Rect::new(*first, *first), |r, p| {
                    crate::model::union(&r, &geo::Rect::new(*p, *p))
                }))
            }
            None => index.and_then(|i| doc.layer(self.layer)?.features.get(i)?.exact_bbox()),
        };
        if let Some(area) = area {
            commands.push(Command::ZoomTo(marks::with_room(area)));
        }
    }

    /// Apply the merge with the decisions as one undoable step; true when it was.
    fn apply(&mut self, doc: &Document, commands: &mut Vec<Command>) -> bool {
        let State::Done(m) = &self.state else {
            return false;
        };
        if doc.layer_revision(self.layer) != m.revision {
            self.state = State::Failed(
                "The layer changed since the merge was worked out: work it out again.".into(),
            );
            return false;
        }
        let edit = m.merge.edit(
            self.layer,
            |i| m.takes[i],
            |i| m.choices[i].unwrap_or(Side::Ours),
        );
        let (_, theirs) = m.counts();
        let resolved = m.choices.len();
        let name = doc.layer(self.layer).map_or("", |l| l.name.as_str());
        let description = if resolved > 0 {
            format!(
                "Merge {} into {name} ({theirs} changes taken, {resolved} conflicts decided)",
                m.theirs_name
            )
        } else {
            format!(
                "Merge {} into {name} ({theirs} changes taken)",
                m.theirs_name
            )
        };
        commands.push(Command::Edit(edit, description));
        true
    }
}

/// Theirs' changes without conflict, each ticked to take it; the row clicked, if any.
fn incoming_ui(ui: &mut egui::Ui, m: &mut Merged, picked: Option<Row>, height: f32) -> Option<Row> {
    let taken = m.takes.iter().filter(|t| **t).count();
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!(
                "Their changes ({taken} of {} ticked to take):",
                m.takes.len()
            ))
            .strong(),
        );
        if ui.button("Take all").clicked() {
            m.takes.iter_mut().for_each(|t| *t = true);
        }
        if ui.button("Take none").clicked() {
            m.takes.iter_mut().for_each(|t| *t = false);
        }
    });
    let mut clicked = None;
    let changes = m.merge.incoming();
    let takes = &mut m.takes;
    TableBuilder::new(ui)
        .id_salt("merge-incoming")
        .striped(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(40.0))
        .column(Column::initial(160.0).at_least(80.0).clip(true))
        .column(Column::exact(70.0))
        .column(Column::remainder().at_least(120.0).clip(true))
        .min_scrolled_height(0.0)
        .max_scroll_height(height)
        .header(20.0, |mut h| {
            for name in ["Take", "Feature", "Change", "What"] {
                h.col(|ui| {
                    ui.strong(name);
                });
            }
        })
        .body(|body| {
            body.rows(22.0, changes.len(), |mut row| {
                let i = row.index();
                let change = &changes[i];
                row.set_selected(picked == Some(Row::Incoming(i)));
                let (kind, color) = match change.kind {
                    IncomingKind::Added => ("added", marks::ADDED),
                    IncomingKind::Removed => ("removed", marks::REMOVED),
                    IncomingKind::Changed(_) => ("changed", marks::CHANGED),
                };
                let what = incoming_text(change);
                row.col(|ui| {
                    let r = ui.checkbox(&mut takes[i], "");
                    crate::ui::a11y::name(&r, format!("Take {}: {what}", change.label));
                });
                row.col(|ui| {
                    cell(ui, &change.label).on_hover_text(format!(
                        "{} (key {})",
                        change.label,
                        values::key_text(Some(&change.key))
                    ));
                });
                row.col(|ui| {
                    cell(ui, RichText::new(kind).color(color));
                });
                row.col(|ui| {
                    cell(ui, &what).on_hover_text(&what);
                });
                if row.response().clicked() {
                    clicked = Some(Row::Incoming(i));
                }
            });
        });
    clicked
}

/// `added`, `deleted`, `status, geometry, source (member)`.
fn incoming_text(change: &Incoming) -> String {
    match &change.kind {
        IncomingKind::Added => "added".into(),
        IncomingKind::Removed => "deleted".into(),
        IncomingKind::Changed(parts) => parts
            .iter()
            .map(|p| match p {
                Part::Property(name) => name.clone(),
                Part::Geometry => "geometry".into(),
                Part::Member(name) => format!("{name} (member)"),
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The conflicts side by side, each decided with *ours* / *theirs*; the row clicked, if any.
fn conflicts_ui(
    ui: &mut egui::Ui,
    m: &mut Merged,
    picked: Option<Row>,
    height: f32,
) -> Option<Row> {
    let total = m.choices.len();
    let left = m.choices.iter().filter(|c| c.is_none()).count();
    ui.label(RichText::new(format!(
        "{total} conflicts: both of you changed the same thing differently. Decide each one, or all one way ({left} left)."
    )).strong());
    ui.horizontal(|ui| {
        if ui.button("All ours").clicked() {
            m.choices.iter_mut().for_each(|c| *c = Some(Side::Ours));
        }
        if ui.button("All theirs").clicked() {
            m.choices.iter_mut().for_each(|c| *c = Some(Side::Theirs));
        }
    });
    let mut clicked = None;
    let conflicts: Vec<&Conflict> = m.merge.conflicts().collect();
    let choices = &mut m.choices;
    TableBuilder::new(ui)
        .id_salt("merge-conflicts")
        .striped(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(110.0).at_least(60.0).clip(true))
        .column(Column::initial(80.0).at_least(50.0).clip(true))
        .column(Column::initial(110.0).at_least(50.0).clip(true))
        .column(Column::initial(110.0).at_least(50.0).clip(true))
        .column(Column::initial(110.0).at_least(50.0).clip(true))
        .column(Column::exact(110.0))
        .min_scrolled_height(0.0)
        .max_scroll_height(height)
        .header(20.0, |mut h| {
            for name in ["Feature", "Field", "Base", "Ours", "Theirs", "Keep"] {
                h.col(|ui| {
                    ui.strong(name);
                });
            }
        })
        .body(|body| {
            body.rows(22.0, conflicts.len(), |mut row| {
                let i = row.index();
                let c = conflicts[i];
                row.set_selected(picked == Some(Row::Conflict(i)));
                let field = field_text(c);
                row.col(|ui| {
                    cell(ui, &c.label).on_hover_text(format!(
                        "{} (key {})",
                        c.label,
                        values::key_text(Some(&c.key))
                    ));
                });
                row.col(|ui| {
                    cell(ui, &field);
                });
                for (value, side) in [
                    (&c.base, None),
                    (&c.ours, Some(Side::Ours)),
                    (&c.theirs, Some(Side::Theirs)),
                ] {
                    row.col(|ui| {
                        let (short, full) = cell_text(c, value.as_ref(), side);
                        let color = match side {
                            None => marks::BASE,
                            Some(Side::Ours) => marks::OURS,
                            Some(Side::Theirs) => marks::THEIRS,
                        };
                        cell(ui, RichText::new(short).color(color)).on_hover_text(full);
                    });
                }
                row.col(|ui| {
                    for (side, text) in [(Side::Ours, "ours"), (Side::Theirs, "theirs")] {
                        let chosen = choices[i] == Some(side);
                        let r = ui.selectable_label(chosen, text);
                        crate::ui::a11y::name(&r, format!("Keep {text}: {} {field}", c.label));
                        if r.clicked() {
                            choices[i] = Some(side);
                        }
                    }
                });
                if row.response().clicked() {
                    clicked = Some(Row::Conflict(i));
                }
            });
        });
    clicked
}

/// `status`, `geometry`, `id (member)`, `deleted by theirs`.
fn field_text(c: &Conflict) -> String {
    match &c.what {
        What::Property(name) => name.clone(),
        What::Geometry => "geometry".into(),
        What::Member(name) => format!("{name} (member)"),
        What::Delete {
            deleted_by: Side::Ours,
        } => "deleted by ours".into(),
        What::Delete {
            deleted_by: Side::Theirs,
        } => "deleted by theirs".into(),
    }
}

/// A conflict's value on one side (`side` `None`: the base), short and in full.
fn cell_text(c: &Conflict, value: Option<&Value>, side: Option<Side>) -> (String, String) {
    match (&c.what, value) {
        (What::Delete { .. }, None) => ("deleted".into(), "deleted".into()),
        (What::Delete { .. }, Some(v)) => {
            let short = if side.is_none() { "as read" } else { "changed" };
            (short.into(), values::cut(&v.to_string(), 2_000))
        }
        (What::Geometry, Some(v)) => (geometry_summary(v), values::cut(&v.to_string(), 2_000)),
        (_, v) => (values::short(v), values::describe(v)),
    }
}

/// `Point 104.91234, 11.56789` or `Polygon, 12 positions`.
fn geometry_summary(v: &Value) -> String {
    let kind = v.get("type").and_then(Value::as_str).unwrap_or("geometry");
    let outline = Outline::of_geometry(Some(v), marks::BASE, false);
    let positions: Vec<_> = outline.parts.iter().flatten().collect();
    match positions.as_slice() {
        [p] => format!("{kind} {:.5}, {:.5}", p.y(), p.x()),
        many => format!("{kind}, {} positions", many.len()),
    }
}

/// Read theirs and merge it with the base and ours (on the work thread).
fn work_out(
    base: &Base,
    ours: Layer,
    theirs_path: PathBuf,
    key: Key,
    revision: Option<u64>,
) -> Result<Merged, String> {
    let theirs = read_version(&theirs_path, &ours.name)?;
    let merge =
        crate::merge::merge(&base.layer(), &ours, &theirs, &key).map_err(|e| e.to_string())?;
    let conflicts = merge.conflicts().len();
    let theirs_name = theirs_path.file_name().map_or_else(
        || theirs_path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(Merged {
        takes: vec![true; merge.incoming().len()],
        choices: vec![None; conflicts],
        merge,
        theirs_name,
        revision,
        key,
    })
}
