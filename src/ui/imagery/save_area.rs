//! *Save area for offline use…*: a box drawn on the map (or the view, or a typed box), a zoom
//! range and a source; first how
//! many tiles and roughly how many megabytes, then the download into an `.mbtiles` file on a
//! thread, with progress, pause and cancel. Saving again into the same file fills in what is
//! missing (resume). Sources whose terms forbid it are refused with the reason
//! ([`crate::tiles::save::policy`]); the finished file can be shown as the basemap at once.
//! While the dialog is open the area is outlined on the map; *Draw on the map* makes the next
//! drag on the map draw it (the map does not pan meanwhile; Esc lets go).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Duration;

use egui::{Color32, RichText};
use geo::Point;
use walkers::Projector;

use crate::tiles::Source;
use crate::tiles::save::plan::{MAX_ZOOM, Plan, TYPICAL_TILE_BYTES, parse_bbox};
use crate::tiles::save::{Control, Report, Request, policy, request_interval};
use crate::ui::a11y;
use crate::ui::bytes::format_bytes;

/// A save running on its thread.
struct Job {
    control: Arc<Control>,
    done: Receiver<Result<Report, String>>,
    path: PathBuf,
}

/// The dialog's state between frames.
pub struct SaveArea {
    pub open: bool,
    /// What to save: the basemap shown when the dialog was opened (or the compared one).
    pub source: Source,
    /// `W,S,E,N` in degrees.
    pub bbox: String,
    pub zoom_min: u8,
    pub zoom_max: u8,
    /// The `.mbtiles` file to write.
    pub path: String,
    job: Option<Job>,
    /// The next drag on the map draws the area.
    drawing: bool,
    /// The corners of the box being drawn: where the drag started and where the pointer is.
    drawn: Option<(Point<f64>, Point<f64>)>,
    /// How the last save ended.
    outcome: Option<(PathBuf, Result<Report, String>)>,
    browse: Option<Receiver<Option<PathBuf>>>,
}

impl Default for SaveArea {
    fn default() -> Self {
        Self {
            open: false,
            source: Source::Offline,
            bbox: String::new(),
            zoom_min: 10,
            zoom_max: 15,
            path: String::new(),
            job: None,
            drawing: false,
            drawn: None,
            outcome: None,
            browse: None,
        }
    }
}

/// `W,S,E,N` written with 5 decimals (about a metre).
pub fn format_bbox(b: [f64; 4]) -> String {
    format!("{:.5},{:.5},{:.5},{:.5}", b[0], b[1], b[2], b[3])
}

impl SaveArea {
    /// Open the dialog for `source`, over `view` (W,S,E,N) if the box is still empty.
    pub fn show(&mut self, source: Source, view: Option<[f64; 4]>, zoom: f64) {
        self.open = true;
        if self.job.is_none() {
            self.source = source;
        }
        if self.bbox.trim().is_empty()
            && let Some(view) = view
        {
            self.bbox = format_bbox(view);
            let z = zoom.round().clamp(0.0, f64::from(MAX_ZOOM)) as u8;
            self.zoom_min = z;
            self.zoom_max = (z + 3).min(MAX_ZOOM);
        }
        if self.path.trim().is_empty() {
            let dir = std::env::current_dir().unwrap_or_default();
            self.path = dir.join("saved-area.mbtiles").display().to_string();
        }
    }

    /// Whether the next drag on the map draws the area (the map must not pan).
    pub fn is_drawing(&self) -> bool {
        self.open && self.drawing
    }

    /// On the map, while the dialog is open: a drag draws the area when *Draw on the map* was
    /// pressed, and the area is outlined.
    pub fn map_ui(
        &mut self,
        response: &egui::Response,
        projector: &Projector,
        painter: &egui::Painter,
    ) {
        if !self.open {
            self.drawing = false;
            self.drawn = None;
            return;
        }
        if self.drawing {
            let ctx = &response.ctx;
            if ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
                self.drawing = false;
                self.drawn = None;
            }
            if response.hovered() {
                ctx.set_cursor_icon(egui::CursorIcon::Crosshair);
            }
            let at = |pos: egui::Pos2| projector.unproject(pos.to_vec2());
            if response.drag_started()
                && let Some(origin) = ctx.input(|i| i.pointer.press_origin())
            {
                self.drawn = Some((at(origin), at(origin)));
            }
            if let (Some((_, end)), Some(pos)) = (&mut self.drawn, response.interact_pointer_pos())
                && response.dragged()
            {
                *end = at(pos);
            }
            if response.drag_stopped()
                && let Some((a, b)) = self.drawn.take()
            {
                self.bbox = format_bbox([
                    a.x().min(b.x()),
                    a.y().min(b.y()),
                    a.x().max(b.x()),
                    a.y().max(b.y()),
                ]);
                self.drawing = false;
            }
        }
        let corners = match self.drawn {
            Some((a, b)) => Some((a, b)),
            None => parse_bbox(&self.bbox)
                .ok()
                .map(|b| (Point::new(b[0], b[1]), Point::new(b[2], b[3]))),
        };
        if let Some((a, b)) = corners {
            let rect = egui::Rect::from_two_pos(
                projector.project(a).to_pos2(),
                projector.project(b).to_pos2(),
            );
            painter.rect(
                rect,
                0.0,
                Color32::from_rgba_unmultiplied(30, 110, 220, 30),
                egui::Stroke::new(2.0, Color32::from_rgb(30, 110, 220)),
                egui::StrokeKind::Middle,
            );
        }
    }

    /// Whether a save is running.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// The progress of the running save: tiles done and in all.
    pub fn progress(&self) -> Option<(u64, u64)> {
        self.job.as_ref().map(|j| j.control.done())
    }

    /// How the last save ended.
    pub fn outcome(&self) -> Option<&Result<Report, String>> {
        self.outcome.as_ref().map(|(_, r)| r)
    }

    /// The plan for what is typed, or why it cannot be saved.
    fn plan(&self) -> Result<Plan, String> {
        let bbox = parse_bbox(&self.bbox)?;
        Plan::new(bbox, self.zoom_min..=self.zoom_max).map_err(|e| e.to_string())
    }

    /// Start saving on a thread.
    pub fn start(&mut self, ctx: &egui::Context) -> Result<(), String> {
        if self.job.is_some() {
            return Err("a save is already running".into());
        }
        if let Some(reason) = policy::refusal(&self.source) {
            return Err(reason);
        }
        let plan = self.plan()?;
        let path = PathBuf::from(self.path.trim());
        if path.as_os_str().is_empty() {
            return Err("choose the .mbtiles file to save into".into());
        }
        let request = Request {
            source: self.source.clone(),
            plan,
            out: path.clone(),
        };
        let control = Arc::new(Control::default());
        let (tx, rx) = channel();
        let thread_control = control.clone();
        let repaint = ctx.clone();
        std::thread::Builder::new()
            .name("save-area".into())
            .spawn(move || {
                let result = crate::tiles::save::save(&request, &thread_control)
                    .map_err(|e| crate::tiles::describe(&e));
                let _ = tx.send(result);
                repaint.request_repaint();
            })
            .map_err(|e| format!("cannot start the save: {e}"))?;
        self.outcome = None;
        self.job = Some(Job {
            control,
            done: rx,
            path,
        });
        Ok(())
    }

    /// Pause (or go on with) the running save.
    pub fn pause(&self, paused: bool) {
        if let Some(job) = &self.job {
            job.control.pause(paused);
        }
    }

    /// Stop the running save; the tiles saved so far stay in the file.
    pub fn cancel(&self) {
        if let Some(job) = &self.job {
            job.control.cancel();
        }
    }

    /// Take the finished save's result.
    pub fn poll(&mut self) {
        if let Some(rx) = &self.browse {
            match rx.try_recv() {
                Ok(Some(path)) => {
                    self.path = path.display().to_string();
                    self.browse = None;
                }
                Ok(None) | Err(TryRecvError::Disconnected) => self.browse = None,
                Err(TryRecvError::Empty) => {}
            }
        }
        let Some(job) = &self.job else {
            return;
        };
        match job.done.try_recv() {
            Ok(result) => {
                let path = job.path.clone();
                self.job = None;
                self.outcome = Some((path, result));
            }
            Err(TryRecvError::Disconnected) => {
                let path = job.path.clone();
                self.job = None;
                self.outcome = Some((path, Err("the save stopped unexpectedly".into())));
            }
            Err(TryRecvError::Empty) => {}
        }
    }

    /// The dialog, while open. `view` is the map's view (W,S,E,N). Returns a source to show as
    /// the basemap (the saved file) when the user asks for it.
    pub fn window_ui(&mut self, ctx: &egui::Context, view: Option<[f64; 4]>) -> Option<Source> {
        self.poll();
        if !self.open {
            return None;
        }
        let mut open = self.open;
        let mut show_file = None;
        egui::Window::new("Save area for offline use")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .default_width(420.0)
            .show(ctx, |ui| {
                show_file = self.contents_ui(ui, view);
            });
        self.open = open;
        if self.job.is_some() {
            ctx.request_repaint_after(Duration::from_millis(200));
        }
        show_file
    }

    fn contents_ui(&mut self, ui: &mut egui::Ui, view: Option<[f64; 4]>) -> Option<Source> {
        let running = self.job.is_some();
        ui.label(format!("Source: {}", self.source.label()));
        let refusal = policy::refusal(&self.source);
        if let Some(reason) = &refusal {
            ui.label(
                RichText::new(format!(
                    "This source cannot be saved for offline use: {reason}"
                ))
                .color(Color32::from_rgb(190, 30, 30)),
            );
        }
        self.form_ui(ui, running, view);
        let plan = self.plan();
        self.estimate_ui(ui, &plan);
        self.progress_or_start_ui(ui, refusal.is_none() && plan.is_ok());
        self.outcome_ui(ui)
    }

    /// The area (typed, the view, or drawn), the zoom levels and the file.
    fn form_ui(&mut self, ui: &mut egui::Ui, running: bool, view: Option<[f64; 4]>) {
        ui.add_enabled_ui(!running, |ui| {
            ui.horizontal(|ui| {
                let name = ui.label("Area W,S,E,N");
                ui.add(egui::TextEdit::singleline(&mut self.bbox).desired_width(230.0))
                    .labelled_by(name.id);
                if ui
                    .add_enabled(view.is_some(), egui::Button::new("Use the view"))
                    .clicked()
                    && let Some(view) = view
                {
                    self.bbox = format_bbox(view);
                }
            });
            ui.horizontal(|ui| {
                let draw = ui
                    .selectable_label(self.drawing, "Draw on the map")
                    .on_hover_text("Drag a box on the map for the area");
                a11y::name(&draw, "Draw the area on the map");
                if draw.clicked() {
                    self.drawing = !self.drawing;
                    self.drawn = None;
                }
                if self.drawing {
                    ui.label(
                        RichText::new("Drag a box on the map (Esc cancels).")
                            .color(Color32::from_rgb(30, 110, 220)),
                    );
                }
            });
            ui.horizontal(|ui| {
                let from = ui.label("Zoom levels");
                ui.add(egui::DragValue::new(&mut self.zoom_min).range(0..=MAX_ZOOM))
                    .labelled_by(from.id);
                let to = ui.label("to");
                ui.add(egui::DragValue::new(&mut self.zoom_max).range(0..=MAX_ZOOM))
                    .labelled_by(to.id);
            });
            ui.horizontal(|ui| {
                let name = ui.label("File");
                ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(260.0))
                    .labelled_by(name.id);
                if ui.button("Browse…").clicked() {
                    self.browse_for_file(ui.ctx());
                }
            });
        });
    }

    /// The running save's progress with Pause and Cancel, else the button that starts one
    /// (enabled when `can`).
    fn progress_or_start_ui(&mut self, ui: &mut egui::Ui, can: bool) {
        match &self.job {
            Some(job) => {
                let (done, total) = job.control.done();
                let fraction = if total == 0 {
                    0.0
                } else {
                    done as f32 / total as f32
                };
                let bytes = job.control.bytes.load(std::sync::atomic::Ordering::Relaxed);
                let paused = job.control.is_paused();
                ui.add(egui::ProgressBar::new(fraction).text(format!(
                    "{done} of {total} tiles · {}{}",
                    format_bytes(bytes),
                    if paused { " · paused" } else { "" }
                )));
                ui.horizontal(|ui| {
                    if ui.button(if paused { "Resume" } else { "Pause" }).clicked() {
                        job.control.pause(!paused);
                    }
                    if ui.button("Cancel").clicked() {
                        job.control.cancel();
                    }
                });
            }
            None => {
                let exists = std::path::Path::new(self.path.trim()).is_file();
                let label = if exists {
                    "Save the rest of the area"
                } else {
                    "Save the area"
                };
                if ui.add_enabled(can, egui::Button::new(label)).clicked()
                    && let Err(problem) = self.start(ui.ctx())
                {
                    self.outcome = Some((PathBuf::from(self.path.trim()), Err(problem)));
                }
            }
        }
    }

    /// How the last save ended; the saved file when the user asks to show it as the basemap.
    fn outcome_ui(&self, ui: &mut egui::Ui) -> Option<Source> {
        let mut show_file = None;
        if let Some((path, outcome)) = &self.outcome {
            match outcome {
                Ok(report) => {
                    let mut text = format!(
                        "{} tiles saved ({}), {} were there already",
                        report.saved,
                        format_bytes(report.bytes),
                        report.already
                    );
                    if report.absent > 0 {
                        text.push_str(&format!(", {} not offered by the source", report.absent));
                    }
                    if report.cancelled {
                        text.push_str(". Cancelled: save again into the file to go on");
                    } else if report.failed > 0 {
                        text.push_str(&format!(
                            ". {} tiles failed: save again into the file to fill them in",
                            report.failed
                        ));
                    } else {
                        text.push_str(". Complete.");
                    }
                    ui.label(text);
                    if ui.button("Show it as the basemap").clicked() {
                        show_file = Some(Source::MbTiles(path.clone()));
                    }
                }
                Err(problem) => {
                    ui.label(
                        RichText::new(format!("Not saved: {problem}"))
                            .color(Color32::from_rgb(190, 30, 30)),
                    );
                }
            }
        }
        show_file
    }

    fn browse_for_file(&mut self, ctx: &egui::Context) {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("save-area-dialog".into())
            .spawn(move || {
                let path = rfd::FileDialog::new()
                    .set_title("Save the area into")
                    .add_filter("MBTiles", &["mbtiles"])
                    .set_file_name("saved-area.mbtiles")
                    .save_file();
                let _ = tx.send(path);
                ctx.request_repaint();
            });
        if spawned.is_ok() {
            self.browse = Some(rx);
        }
    }

    /// How many tiles the area holds, about how many bytes and how long at the polite rate, or
    /// what is wrong with the form.
    fn estimate_ui(&self, ui: &mut egui::Ui, plan: &Result<Plan, String>) {
        match plan {
            Ok(plan) => {
                let count = plan.count();
                let seconds = request_interval(&self.source).as_secs_f64() * count as f64;
                let mut text = format!(
                    "{count} tiles, about {}",
                    format_bytes(plan.estimate_bytes(TYPICAL_TILE_BYTES))
                );
                if seconds >= 60.0 {
                    text.push_str(&format!(
                        " · at least {:.0} min at the polite rate",
                        seconds / 60.0
                    ));
                }
                ui.strong(text);
            }
            Err(problem) => {
                ui.label(RichText::new(problem).color(Color32::from_rgb(190, 30, 30)));
            }
        }
    }
}
