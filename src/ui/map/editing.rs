//! Editing on the map and the undo history: the tools (add a point, draw a line or a polygon),
//! dragging the selected feature's vertices (or a segment's middle, which adds a vertex there),
//! right-click on a vertex to remove it, selecting several features (Ctrl+click), the
//! Undo/Redo buttons and keys, and the history list.
//!
//! Nothing here changes the document: every decision becomes a [`Command::Edit`], applied
//! through [`History`] by the app.

use egui::{Color32, Key, KeyboardShortcut, Modifiers, Pos2, RichText, Stroke};
use geo::{Coord, Geometry, LineString, Point, Polygon};
use serde_json::Map;
use walkers::Projector;

use crate::edit::vertex::{self, VertexId};
use crate::edit::{Edit, History};
use crate::model::{Document, Feature, FeatureRef, LayerId, LayerKind};
use crate::render::overlay::MapDrawing;
use crate::ui::command::Command;
use crate::ui::map::{Click, MapView};

/// How close (screen points) a press must be to a vertex (or a pin) to drag it.
pub const GRAB_RADIUS: f32 = 9.0;
/// At most this many vertex handles are drawn; shapes with more show every n-th.
const MAX_HANDLES: usize = 60;

/// Every n-th of `all`, so that at most `max` are left.
fn thin<T>(all: Vec<T>, max: usize) -> Vec<T> {
    if all.len() <= max {
        return all;
    }
    let step = all.len().div_ceil(max.max(1));
    all.into_iter().step_by(step).collect()
}

/// What a click on the map does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Select (Ctrl+click adds to the selection); drag the selected feature's vertices.
    Select,
    AddPoint,
    DrawLine,
    DrawPolygon,
}

/// A vertex being dragged (or, with `insert`, a new vertex pulled out of a segment's middle).
#[derive(Debug, Clone)]
struct Drag {
    feature: FeatureRef,
    vertex: VertexId,
    to: Coord<f64>,
    moved: bool,
    insert: bool,
}

impl Drag {
    /// The dragged geometry with the vertex where the pointer is.
    fn apply(&self, geometry: &Geometry<f64>) -> Option<Geometry<f64>> {
        if self.insert {
            vertex::insert_vertex(geometry, self.vertex, self.to)
        } else {
            vertex::move_vertex(geometry, self.vertex, self.to)
        }
    }
}

/// The editing state of the GUI.
pub struct Editing {
    pub history: History,
    pub tool: Tool,
    /// Vertices placed so far of the line or polygon being drawn.
    pub drawing: Vec<Coord<f64>>,
    /// The layer new features go into; the first data layer when unset or closed.
    pub target: Option<LayerId>,
    /// Features selected with Ctrl+click besides the app's selection.
    pub also_selected: Vec<FeatureRef>,
    /// The history list is shown.
    pub show_history: bool,
    /// The add tools stay armed after a point (else one point, then Select).
    pub pin: bool,
    /// A point was just added: the inspector focuses its name field.
    pub name_asked: bool,
    drag: Option<Drag>,
}

impl Default for Editing {
    fn default() -> Self {
        Self {
            history: History::default(),
            tool: Tool::Select,
            drawing: Vec::new(),
            target: None,
            also_selected: Vec::new(),
            show_history: false,
            pin: false,
            name_asked: false,
            drag: None,
        }
    }
}

/// What the map paints for editing: the other selected features, the shape being drawn, the
/// selected feature's vertices and the vertex being dragged.
#[derive(Debug, Default)]
pub struct EditDrawing {
    pub also_selected: Vec<Geometry<f64>>,
    pub drawing: Vec<Coord<f64>>,
    pub closed: bool,
    pub handles: Vec<Coord<f64>>,
    /// Segment middles: drag one to add a vertex there.
    pub midpoints: Vec<Coord<f64>>,
    pub preview: Option<Geometry<f64>>,
}

impl Editing {
    /// The layer new features go into: the chosen one if still open, else the first data layer.
    pub fn target_layer(&self, doc: &Document) -> Option<LayerId> {
        self.target
            .filter(|id| doc.layer(*id).is_some())
            .or_else(|| {
                doc.layers()
                    .find(|(_, l)| l.kind == LayerKind::Data)
                    .map(|(id, _)| id)
            })
    }

    /// Every selected feature: the app's selection first, then the Ctrl+clicked ones.
    pub fn selected(&self, selection: Option<FeatureRef>) -> Vec<FeatureRef> {
        let mut all: Vec<FeatureRef> = selection.into_iter().collect();
        for r in &self.also_selected {
            if !all.contains(r) {
                all.push(*r);
            }
        }
        all
    }

    /// Forget what an edit may have made stale (indices shift when features are deleted).
    pub fn after_edit(&mut self, doc: &Document) {
        self.also_selected.retain(|r| doc.feature(*r).is_some());
        self.drag = None;
    }

    /// Keys: Ctrl+Z undo, Ctrl+Shift+Z and Ctrl+Y redo, Delete deletes the selection, Enter
    /// finishes a drawing, Escape cancels it. Not while a text field has the keyboard (it has
    /// its own undo).
    pub fn keys(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        selection: Option<FeatureRef>,
        commands: &mut Vec<Command>,
    ) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let redo_shift = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
        let redo_y = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
        let undo = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
        ctx.input_mut(|i| {
            // Ctrl+Shift+Z first: Ctrl+Z would match it too.
            if i.consume_shortcut(&redo_shift) || i.consume_shortcut(&redo_y) {
                commands.push(Command::Redo);
            } else if i.consume_shortcut(&undo) {
                commands.push(Command::Undo);
            }
            if i.key_pressed(Key::Escape) {
                self.drawing.clear();
                self.tool = Tool::Select;
            }
            if i.key_pressed(Key::Enter)
                && let Some(command) = self.finish(doc)
            {
                commands.push(command);
            }
            if i.key_pressed(Key::Delete)
                && self.tool == Tool::Select
                && let Some(command) = delete_command(doc, &self.selected(selection))
            {
                commands.push(command);
            }
        });
    }

    /// Before the map is drawn: whether it may pan. A press on a vertex of the selected
    /// feature starts a drag of that vertex, and the map then stays still.
    pub fn before_map(
        &mut self,
        ctx: &egui::Context,
        map: &MapView,
        doc: &Document,
        selection: Option<FeatureRef>,
    ) -> bool {
        let (pressed, origin, down, pos) = ctx.input(|i| {
            (
                i.pointer.primary_pressed(),
                i.pointer.press_origin(),
                i.pointer.primary_down(),
                i.pointer.interact_pos(),
            )
        });
        if pressed && self.tool == Tool::Select {
            self.drag = origin
                .filter(|o| map.is_on_map(ctx, *o))
                .and_then(|o| grab(map, doc, selection, o));
        }
        if let Some(drag) = &mut self.drag {
            if let Some(p) = pos.and_then(|p| map.geo_pos(p)) {
                if p.0 != drag.to {
                    drag.moved = true;
                }
                drag.to = p.0;
            }
            if down {
                return false;
            }
        }
        true
    }

    /// After the map was drawn: a finished drag becomes an edit, and so does a right-click on
    /// a vertex of the selected line or polygon (it removes the vertex).
    pub fn after_map(
        &mut self,
        ctx: &egui::Context,
        map: &MapView,
        doc: &Document,
        selection: Option<FeatureRef>,
        commands: &mut Vec<Command>,
    ) {
        let right_click = ctx.input(|i| {
            i.pointer
                .button_clicked(egui::PointerButton::Secondary)
                .then(|| i.pointer.interact_pos())
                .flatten()
        });
        if let Some(pos) = right_click
            && self.tool == Tool::Select
            && let Some(grabbed) = grab(map, doc, selection, pos).filter(|d| !d.insert)
            && let Some(feature) = doc.feature(grabbed.feature)
            && let Some(geometry) = feature.geometry()
            && !matches!(geometry, Geometry::Point(_) | Geometry::MultiPoint(_))
            && let Some(fewer) = vertex::remove_vertex(geometry, grabbed.vertex)
        {
            commands.push(Command::Edit(
                Edit::SetGeometry {
                    target: grabbed.feature,
                    geometry: Some(fewer),
                },
                format!(
                    "Remove a vertex of {}",
                    feature.label(grabbed.feature.index)
                ),
            ));
        }
        if self.drag.is_none() || ctx.input(|i| i.pointer.primary_down()) {
            return;
        }
        let Some(drag) = self.drag.take() else { return };
        if !drag.moved {
            return;
        }
        let Some(feature) = doc.feature(drag.feature) else {
            return;
        };
        let Some(moved) = feature.geometry().and_then(|g| drag.apply(g)) else {
            return;
        };
        let label = feature.label(drag.feature.index);
        let what = if drag.insert {
            format!("Add a vertex to {label}")
        } else if matches!(moved, Geometry::Point(_)) {
            format!("Move {label}")
        } else {
            format!("Move a vertex of {label}")
        };
        commands.push(Command::Edit(
            Edit::SetGeometry {
                target: drag.feature,
                geometry: Some(moved),
            },
            what,
        ));
    }

    /// A click on the map. Returns `true` when editing used it (the app does not select).
    pub fn click(
        &mut self,
        doc: &Document,
        click: Click,
        ctrl: bool,
        keep_tool: bool,
        selection: Option<FeatureRef>,
        commands: &mut Vec<Command>,
    ) -> bool {
        match self.tool {
            Tool::Select if ctrl => {
                if let Some(r) = click.feature {
                    if Some(r) == selection {
                        // Ctrl+click on the main selection: the next one takes its place.
                        let next =
                            (!self.also_selected.is_empty()).then(|| self.also_selected.remove(0));
                        commands.push(Command::Select(next));
                    } else if let Some(i) = self.also_selected.iter().position(|x| *x == r) {
                        self.also_selected.remove(i);
                    } else if selection.is_none() {
                        commands.push(Command::Select(Some(r)));
                    } else {
                        self.also_selected.push(r);
                    }
                }
                true
            }
            Tool::Select => {
                self.also_selected.clear();
                false
            }
            Tool::AddPoint => {
                let Some(layer) = self.target_layer(doc) else {
                    return true;
                };
                let index = doc.layer(layer).map_or(0, |l| l.features.len());
                let name = doc
                    .layer(layer)
                    .map_or_else(String::new, |l| l.name.clone());
                commands.push(Command::Edit(
                    Edit::InsertFeature {
                        layer,
                        index,
                        feature: new_point(click.position),
                    },
                    format!("Add a point to {name}"),
                ));
                commands.push(Command::Select(Some(FeatureRef { layer, index })));
                // One point, then back to selecting, unless held (Shift, or the pin).
                if !(keep_tool || self.pin) {
                    self.tool = Tool::Select;
                }
                self.name_asked = true;
                true
            }
            Tool::DrawLine | Tool::DrawPolygon => {
                self.drawing.push(click.position.0);
                true
            }
        }
    }

    /// The feature being drawn as an edit, when it has enough vertices; the tool goes back to
    /// Select.
    pub fn finish(&mut self, doc: &Document) -> Option<Command> {
        let geometry: Geometry<f64> = match self.tool {
            Tool::DrawLine if self.drawing.len() >= 2 => {
                LineString::new(self.drawing.clone()).into()
            }
            Tool::DrawPolygon if self.drawing.len() >= 3 => {
                Polygon::new(LineString::new(self.drawing.clone()), vec![]).into()
            }
            _ => return None,
        };
        let layer = self.target_layer(doc)?;
        let l = doc.layer(layer)?;
        let kind = if matches!(geometry, Geometry::Polygon(_)) {
            "polygon"
        } else {
            "line"
        };
        self.drawing.clear();
        self.tool = Tool::Select;
        Some(Command::Edit(
            Edit::InsertFeature {
                layer,
                index: l.features.len(),
                feature: Feature::created(geometry, Map::new()).with_new_id(),
            },
            format!("Draw a {kind} in {}", l.name),
        ))
    }

    /// What the map paints for editing this frame.
    pub fn drawing(&self, doc: &Document, selection: Option<FeatureRef>) -> EditDrawing {
        let preview = self.drag.as_ref().filter(|d| d.moved).and_then(|d| {
            let g = doc.feature(d.feature)?.geometry()?;
            d.apply(g)
        });
        // Handles only on a data layer's line or polygon: kept measurements are not edited
        // vertex by vertex (a kept ring has hundreds).
        let editable = selection.filter(|r| {
            doc.layer(r.layer)
                .is_some_and(|l| l.kind == LayerKind::Data)
        });
        let shape = match (self.tool, editable.and_then(|r| doc.feature(r))) {
            (Tool::Select, Some(f)) => f.geometry().filter(|g| !matches!(g, Geometry::Point(_))),
            _ => None,
        };
        let coords = |list: Vec<(VertexId, Coord<f64>)>| list.into_iter().map(|(_, c)| c).collect();
        let handles: Vec<Coord<f64>> = shape
            .map(|g| coords(vertex::vertices(g)))
            .unwrap_or_default();
        // Many vertices: every n-th is drawn (each can still be grabbed), and no middles.
        let thinned = handles.len() > MAX_HANDLES;
        let handles = thin(handles, MAX_HANDLES);
        let midpoints = shape
            .filter(|_| !thinned)
            .map(|g| coords(vertex::midpoints(g)))
            .unwrap_or_default();
        EditDrawing {
            also_selected: self
                .also_selected
                .iter()
                .filter_map(|r| doc.feature(*r)?.with_geometry(|g| g.cloned()))
                .collect(),
            drawing: self.drawing.clone(),
            closed: self.tool == Tool::DrawPolygon,
            handles,
            midpoints,
            preview,
        }
    }

    /// The tools row, Undo/Redo and the history button (top of the Feature tab).
    pub fn toolbar_ui(&mut self, ui: &mut egui::Ui, doc: &Document, commands: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            let undo = self.history.done().last().map(|e| e.description.clone());
            let redo = self.history.undone().last().map(|e| e.description.clone());
            let b = ui.add_enabled(undo.is_some(), egui::Button::new("Undo"));
            if b.on_hover_text(format!("{} (Ctrl+Z)", undo.unwrap_or_default()))
                .clicked()
            {
                commands.push(Command::Undo);
            }
            let b = ui.add_enabled(redo.is_some(), egui::Button::new("Redo"));
            if b.on_hover_text(format!("{} (Ctrl+Shift+Z)", redo.unwrap_or_default()))
                .clicked()
            {
                commands.push(Command::Redo);
            }
            let n = self.history.done().len() + self.history.undone().len();
            ui.toggle_value(&mut self.show_history, format!("History ({n})"));
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("Add:");
            for (tool, label) in [
                (Tool::AddPoint, "Point"),
                (Tool::DrawLine, "Line"),
                (Tool::DrawPolygon, "Polygon"),
            ] {
                if ui.selectable_label(self.tool == tool, label).clicked() {
                    self.tool = if self.tool == tool {
                        Tool::Select
                    } else {
                        tool
                    };
                    self.drawing.clear();
                }
            }
            let target = self.target_layer(doc);
            let name = target
                .and_then(|id| doc.layer(id))
                .map_or_else(|| "no layer".to_owned(), |l| l.name.clone());
            egui::ComboBox::from_id_salt("edit-target")
                .selected_text(format!("to {name}"))
                .show_ui(ui, |ui| {
                    for (id, layer) in doc.layers() {
                        if layer.kind == LayerKind::Data
                            && ui
                                .selectable_label(target == Some(id), &layer.name)
                                .clicked()
                        {
                            self.target = Some(id);
                        }
                    }
                })
                .response
                .on_hover_text("The layer new features go into");
            ui.toggle_value(&mut self.pin, "Keep tool")
                .on_hover_text("Keep adding points after one (or hold Shift while clicking)");
        });
        let hint = match self.tool {
            Tool::Select => Some(
                "Select a line or polygon to edit it: drag a vertex to move it, a middle to add \
                 one; right-click a vertex to remove it."
                    .to_owned(),
            ),
            Tool::AddPoint => Some("Click the map to add a point. Esc stops.".to_owned()),
            Tool::DrawLine | Tool::DrawPolygon => Some(format!(
                "Click the map to place vertices ({} so far); Enter or Finish ends, Esc cancels.",
                self.drawing.len()
            )),
        };
        if let Some(hint) = hint {
            ui.label(RichText::new(hint).weak());
        }
        if matches!(self.tool, Tool::DrawLine | Tool::DrawPolygon) {
            ui.horizontal(|ui| {
                let enough = match self.tool {
                    Tool::DrawLine => self.drawing.len() >= 2,
                    _ => self.drawing.len() >= 3,
                };
                if ui
                    .add_enabled(enough, egui::Button::new("Finish"))
                    .clicked()
                    && let Some(command) = self.finish(doc)
                {
                    commands.push(command);
                }
                if ui.button("Cancel").clicked() {
                    self.drawing.clear();
                    self.tool = Tool::Select;
                }
            });
        }
    }

    /// The history list, newest first: undone steps greyed above the done ones.
    pub fn history_ui(&mut self, ctx: &egui::Context) {
        let mut open = self.show_history && !crate::ui::popup::esc(ctx);
        egui::Window::new("History")
            .open(&mut open)
            .default_width(300.0)
            .show(ctx, |ui| {
                if self.history.done().is_empty() && self.history.undone().is_empty() {
                    ui.label(RichText::new("No edits yet.").weak());
                }
                egui::ScrollArea::vertical()
                    .max_height(300.0)
                    .show(ui, |ui| {
                        for entry in self.history.undone() {
                            ui.label(
                                RichText::new(format!("(undone) {}", entry.description)).weak(),
                            );
                        }
                        for entry in self.history.done().iter().rev() {
                            ui.label(&entry.description);
                        }
                    });
            });
        self.show_history = open;
    }
}

/// The vertex (or segment middle) of the selected feature under a press at `pos`, if any;
/// vertices win over middles.
fn grab(map: &MapView, doc: &Document, selection: Option<FeatureRef>, pos: Pos2) -> Option<Drag> {
    let r = selection?;
    if doc.layer(r.layer)?.kind != LayerKind::Data {
        return None;
    }
    let geometry = doc.feature(r)?.geometry()?;
    let vertices = vertex::vertices(geometry)
        .into_iter()
        .map(|(id, c)| (id, c, false));
    let middles = vertex::midpoints(geometry)
        .into_iter()
        .map(|(id, c)| (id, c, true));
    vertices
        .chain(middles)
        .filter_map(|(id, c, insert)| {
            let at = map.screen_pos(Point(c))?;
            let d = at.distance(pos) + if insert { 0.5 } else { 0.0 };
            (d <= GRAB_RADIUS).then_some((d, id, c, insert))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, vertex, to, insert)| Drag {
            feature: r,
            vertex,
            to,
            moved: false,
            insert,
        })
}

/// Delete the selected features as one step (highest index first, so the others stay put).
pub fn delete_command(doc: &Document, selected: &[FeatureRef]) -> Option<Command> {
    let mut targets: Vec<FeatureRef> = selected
        .iter()
        .copied()
        .filter(|r| doc.feature(*r).is_some())
        .collect();
    targets.sort_by(|a, b| (a.layer, b.index).cmp(&(b.layer, a.index)));
    let description = match targets.as_slice() {
        [] => return None,
        [one] => format!(
            "Delete {}",
            doc.feature(*one)
                .map(|f| f.label(one.index))
                .unwrap_or_default()
        ),
        many => format!("Delete {} features", many.len()),
    };
    let edits = targets
        .into_iter()
        .map(|target| Edit::DeleteFeature { target })
        .collect();
    Some(Command::Edit(Edit::Batch(edits), description))
}

/// Paint the editing overlay (called by the map inside its frame).
impl MapDrawing for EditDrawing {
    fn paint(&self, painter: &egui::Painter, projector: &Projector) {
        paint(painter, projector, self);
    }
}

fn paint(painter: &egui::Painter, projector: &Projector, drawing: &EditDrawing) {
    let screen = |c: Coord<f64>| projector.project(Point(c)).to_pos2();
    let blue = Color32::from_rgb(0, 110, 220);
    for g in &drawing.also_selected {
        for (_, c) in vertex::vertices(g) {
            painter.circle_stroke(
                screen(c),
                10.0,
                Stroke::new(3.0, Color32::from_rgb(250, 200, 0)),
            );
        }
    }
    if let Some(g) = &drawing.preview {
        let points: Vec<Pos2> = vertex::vertices(g)
            .into_iter()
            .map(|(_, c)| screen(c))
            .collect();
        if points.len() > 1 {
            painter.add(egui::Shape::line(points.clone(), Stroke::new(2.0, blue)));
        }
        for p in points {
            painter.circle_filled(p, 5.0, blue);
        }
    }
    for c in &drawing.midpoints {
        painter.circle(
            screen(*c),
            3.0,
            Color32::from_rgba_unmultiplied(255, 255, 255, 170),
            Stroke::new(1.0, blue.gamma_multiply(0.7)),
        );
    }
    for c in &drawing.handles {
        painter.circle(screen(*c), 4.5, Color32::WHITE, Stroke::new(1.5, blue));
    }
    if !drawing.drawing.is_empty() {
        let mut points: Vec<Pos2> = drawing.drawing.iter().map(|c| screen(*c)).collect();
        if drawing.closed && points.len() > 2 {
            points.push(points[0]);
        }
        painter.add(egui::Shape::line(points.clone(), Stroke::new(2.5, blue)));
        for p in points {
            painter.circle(p, 4.5, Color32::WHITE, Stroke::new(2.0, blue));
        }
    }
}

/// A point added by a click: an empty `name` to fill in, and a new `id`.
fn new_point(position: Point<f64>) -> Feature {
    let mut properties = Map::new();
    properties.insert("name".into(), serde_json::Value::String(String::new()));
    Feature::created(position.into(), properties).with_new_id()
}
