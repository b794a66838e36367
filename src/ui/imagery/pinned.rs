//! *Pin a picture…*: a PNG or JPEG (a screenshot of imagery from elsewhere, a leaked site plan,
//! a scanned map) added as a picture pinned onto the map, and the window that pins it: the
//! picture is shown, a click on it marks a point, the next click on the map ties that point to
//! a position (a pin). Three pins fit an affine transform, four or more optionally a projective
//! one (`georef`); each pin's residual is listed in metres. A marked point or a pin waiting for
//! its new place is let go with Esc. A pin is moved by dragging it on the map or on the picture
//! (or by *Move* and a new click on the map), or removed; the picture's opacity, whether it lies
//! over or under the data, and whether it is shown are set here too.
//!
//! The picture is shown small so the window leaves the map free; it zooms (the wheel over it, or
//! its + and − buttons), and dragging it where there is no pin pans it, so a
//! point of a large picture can be clicked to the pixel.
//!
//! The pictures are document data ([`crate::model::Picture`]): every change is an
//! [`Edit`] pushed as a [`Command`], so it is one step of the undo history and counts as an
//! unsaved change. The image's bytes go into the project's evidence store by SHA-256 (saved
//! inside the project). This module keeps only what the window needs between frames: the
//! images (decoded on threads, [`super::picture_images`]), which picture is being pinned, the point waiting for its map click, a pin
//! being dragged and how the picture is zoomed.

use egui::{Color32, Pos2, Rect, RichText, Sense, Shape, Stroke, vec2};
use geo::Point;
use walkers::Projector;

use crate::edit::Edit;
use crate::evidence::Store;
use crate::model::picture::{Pin, TransformKind};
use crate::model::{Document, Picture};
use crate::render::overlay::MapDrawing;
use crate::render::pinned::PinnedTexture;
use crate::ui::a11y;
use crate::ui::command::Command;
use crate::ui::imagery::picture_images::{PictureImages, Shown};
use crate::ui::map::MapView;
use crate::ui::map::editing::GRAB_RADIUS;

/// The largest the picture is shown in the pinning window, in points.
const SHOWN_SIDE: f32 = 200.0;
/// The closest the picture zooms in: this many points a pixel.
const MAX_POINTS_PER_PIXEL: f32 = 8.0;
/// Pins' colour, on the picture and on the map.
const PIN: Color32 = Color32::from_rgb(230, 90, 0);

/// A pin being dragged to `to`.
struct Drag<T> {
    pin: usize,
    to: T,
    moved: bool,
}

/// Where the picture was shown: `rect` on screen, `origin` the picture pixel at its top left,
/// `scale` points a pixel.
#[derive(Debug, Clone, Copy)]
struct PictureView {
    rect: Rect,
    origin: [f32; 2],
    scale: f32,
}

impl PictureView {
    /// Where picture pixel `px` is on screen.
    fn screen(&self, px: [f64; 2]) -> Pos2 {
        self.rect.min
            + vec2(
                (px[0] as f32 - self.origin[0]) * self.scale,
                (px[1] as f32 - self.origin[1]) * self.scale,
            )
    }

    /// The picture pixel at screen position `pos` (not rounded, not clamped).
    fn picture(&self, pos: Pos2) -> [f64; 2] {
        let v = (pos - self.rect.min) / self.scale;
        [
            f64::from(self.origin[0] + v.x),
            f64::from(self.origin[1] + v.y),
        ]
    }
}

/// The pinning window's state.
#[derive(Default)]
pub struct PinEditor {
    /// Whether the window is shown.
    pub open: bool,
    /// The picture being pinned (an index into the document's pictures).
    pub selected: usize,
    /// A point of the picture clicked, waiting for its position on the map.
    pub pending: Option<[f64; 2]>,
    /// A pin to place again by the next click on the map.
    pub moving: Option<usize>,
    /// The picture file typed (or chosen) to add.
    pub path: String,
    /// The pictures' images, decoded on threads, and the picture file being added.
    pub images: PictureImages,
    /// The opacity shown while its slider is dragged (one undo step when released).
    opacity_drag: Option<f32>,
    /// Where the picture was shown in the last frame, and which part of it.
    shown: Option<PictureView>,
    /// How far the picture is zoomed in (1 shows it whole) and the picture pixel at the top
    /// left of its view.
    zoom: f32,
    origin: [f32; 2],
    /// A pin being dragged on the map.
    map_drag: Option<Drag<Point<f64>>>,
    /// A pin (its point of the picture) being dragged on the picture.
    picture_drag: Option<Drag<[f64; 2]>>,
    /// What went wrong with the last picture added, for the window.
    pub problem: Option<String>,
}

impl PinEditor {
    /// Open the window on the picture at `index`.
    pub fn show_picture(&mut self, index: usize) {
        self.open = true;
        self.selected = index;
        self.pending = None;
        self.moving = None;
        self.problem = None;
        self.zoom = 1.0;
        self.origin = [0.0, 0.0];
        self.shown = None;
        self.map_drag = None;
        self.picture_drag = None;
    }

    /// Whether the next click on the map is for a pin (not a selection).
    pub fn wants_map_click(&self) -> bool {
        self.open && (self.pending.is_some() || self.moving.is_some())
    }

    /// Where picture pixel `px` was shown in the last frame (tests click there).
    pub fn screen_pos(&self, px: [f64; 2]) -> Option<Pos2> {
        Some(self.shown?.screen(px))
    }

    /// How far the picture is zoomed in (1 shows it whole).
    pub fn zoom(&self) -> f32 {
        self.zoom.max(1.0)
    }

    /// Before the map is drawn: a press on a pin of the picture being pinned starts dragging
    /// it. Returns whether a pin is being dragged (the map then stays still).
    pub fn before_map(&mut self, ctx: &egui::Context, map: &MapView, doc: &Document) -> bool {
        let Some(picture) = doc.pictures().get(self.selected).filter(|_| self.open) else {
            self.map_drag = None;
            return false;
        };
        let (pressed, origin, down, pos) = ctx.input(|i| {
            (
                i.pointer.primary_pressed(),
                i.pointer.press_origin(),
                i.pointer.primary_down(),
                i.pointer.interact_pos(),
            )
        });
        if pressed {
            self.map_drag = origin.filter(|o| map.is_on_map(ctx, *o)).and_then(|o| {
                let pins = picture.pins.iter().map(|p| Point::new(p.lon, p.lat));
                let pin = nearest(pins.filter_map(|p| map.screen_pos(p)), o)?;
                let p = &picture.pins[pin];
                Some(Drag {
                    pin,
                    to: Point::new(p.lon, p.lat),
                    moved: false,
                })
            });
        }
        let Some(drag) = &mut self.map_drag else {
            return false;
        };
        if let Some(p) = pos.and_then(|p| map.geo_pos(p))
            && p != drag.to
        {
            drag.moved = true;
            drag.to = p;
        }
        down
    }

    /// After the map was drawn: a pin dragged on the map and let go there, as an edit.
    pub fn after_map(&mut self, ctx: &egui::Context, doc: &Document) -> Option<Command> {
        if self.map_drag.is_none() || ctx.input(|i| i.pointer.primary_down()) {
            return None;
        }
        let drag = self.map_drag.take().filter(|d| d.moved)?;
        let picture = doc.pictures().get(self.selected)?;
        let mut changed = picture.clone();
        let pin = changed.pins.get_mut(drag.pin)?;
        pin.lon = drag.to.x();
        pin.lat = drag.to.y();
        self.moving = None;
        Some(Command::Edit(
            Edit::ReplacePicture {
                index: self.selected,
                picture: changed,
            },
            format!("Move pin {} of {}", drag.pin + 1, picture.name),
        ))
    }

    /// A click on the map at `position`: the pending picture point's pin, or the moved pin's
    /// new place, as an edit.
    pub fn map_click(&mut self, doc: &Document, position: Point<f64>) -> Option<Command> {
        let index = self.selected;
        let picture = doc.pictures().get(index)?;
        let mut changed = picture.clone();
        let description = if let Some(image) = self.pending.take() {
            changed.pins.push(Pin {
                image,
                lon: position.x(),
                lat: position.y(),
            });
            format!("Add pin {} to {}", changed.pins.len(), picture.name)
        } else {
            let i = self.moving.take()?;
            let pin = changed.pins.get_mut(i)?;
            pin.lon = position.x();
            pin.lat = position.y();
            format!("Move pin {} of {}", i + 1, picture.name)
        };
        Some(Command::Edit(
            Edit::ReplacePicture {
                index,
                picture: changed,
            },
            description,
        ))
    }

    /// The visible pictures with pins enough to place them and their images ready (decoding
    /// starts on a thread the first time), for the map to draw this frame.
    pub fn draws(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        store: &Store,
    ) -> Vec<PinnedTexture> {
        let mut draws = Vec::new();
        for (i, picture) in doc.pictures().iter().enumerate() {
            if !picture.visible {
                continue;
            }
            let Ok(fit) = crate::georef::picture_fit(picture) else {
                continue;
            };
            let opacity = match self.opacity_drag {
                Some(o) if self.open && i == self.selected => o,
                _ => picture.opacity,
            };
            let Shown::Ready(loaded) = self.images.get(ctx, &picture.sha256, store) else {
                continue;
            };
            draws.push(PinnedTexture {
                texture: loaded.texture.id(),
                size: loaded.size,
                transform: fit.transform,
                opacity,
                above_data: picture.above_data,
            });
        }
        draws
    }

    /// The pins of the picture being pinned, for the map (while the window is open).
    pub fn marks(&self, doc: &Document) -> Option<PinMarks> {
        let picture = doc.pictures().get(self.selected).filter(|_| self.open)?;
        Some(PinMarks {
            pins: picture
                .pins
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let at = match &self.map_drag {
                        Some(d) if d.pin == i => d.to,
                        _ => Point::new(p.lon, p.lat),
                    };
                    (at, (i + 1).to_string())
                })
                .collect(),
            moving: self.moving,
        })
    }

    /// The pinning window; what the user changes is pushed onto `commands`.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        store: &Store,
        commands: &mut Vec<Command>,
    ) {
        if !self.open {
            return;
        }
        let count = doc.pictures().len();
        self.selected = self.selected.min(count.saturating_sub(1));
        let pins = doc
            .pictures()
            .get(self.selected)
            .map_or(0, |p| p.pins.len());
        if self.moving.is_some_and(|i| i >= pins) {
            self.moving = None;
        }
        // Esc lets go of a marked point or a pin waiting for its new place.
        if (self.pending.is_some() || self.moving.is_some())
            && !ctx.egui_wants_keyboard_input()
            && ctx.input(|i| i.key_pressed(egui::Key::Escape))
        {
            self.pending = None;
            self.moving = None;
        }
        let mut open = self.open;
        egui::Window::new("Pinned pictures")
            .open(&mut open)
            .default_pos(egui::pos2(60.0, 100.0))
            .default_width(SHOWN_SIDE)
            .resizable(false)
            .show(ctx, |ui| {
                self.add_ui(ui, commands);
                if count == 0 {
                    ui.label(
                        RichText::new(
                            "Add a PNG or JPEG (a screenshot of imagery, a site plan, a scanned \
                             map), then pin three or more of its points to the map.",
                        )
                        .weak(),
                    );
                    return;
                }
                ui.separator();
                if count > 1 {
                    egui::ComboBox::from_label("Picture")
                        .selected_text(doc.pictures()[self.selected].name.clone())
                        .show_ui(ui, |ui| {
                            for (i, p) in doc.pictures().iter().enumerate() {
                                if ui.selectable_label(i == self.selected, &p.name).clicked()
                                    && i != self.selected
                                {
                                    self.show_picture(i);
                                }
                            }
                        });
                }
                let picture = doc.pictures()[self.selected].clone();
                self.picture_ui(ui, &picture, store, commands);
            });
        self.open = open;
        if !self.open {
            self.pending = None;
            self.moving = None;
        }
    }

    /// The row adding a picture: a typed path (with completion), *Choose…* and *Add*.
    fn add_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            let field = crate::ui::path_field::path_field(
                ui,
                "picture-path",
                &mut self.path,
                ("Picture file", "a PNG or JPEG to pin"),
                110.0,
            );
            if ui.button("Choose…").clicked() {
                commands.push(Command::AskPinPicture);
            }
            let add = ui.button("Add");
            a11y::name(&add, "Add the picture");
            if (add.clicked() || field.submitted) && !self.path.trim().is_empty() {
                commands.push(Command::PinPicture(self.path.trim().into()));
            }
        });
        if let Some(path) = self.images.adding() {
            let name = path
                .file_name()
                .unwrap_or(path.as_os_str())
                .to_string_lossy();
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Reading {name}…"));
            });
        }
        if let Some(problem) = &self.problem {
            ui.label(RichText::new(problem).color(Color32::from_rgb(180, 30, 20)));
        }
    }

    /// One picture: its image to click on, the pins and their residuals, the fit and how it
    /// is drawn.
    fn picture_ui(
        &mut self,
        ui: &mut egui::Ui,
        picture: &Picture,
        store: &Store,
        commands: &mut Vec<Command>,
    ) {
        // (Not changed by a drag: the picture below would move under the pointer.)
        let hint = if self.pending.is_some() {
            "Now click the same place on the map (Esc cancels)."
        } else if self.moving.is_some() {
            "Click the map where the pin belongs (Esc cancels)."
        } else {
            "Click a point on the picture, then the same place on the map. Drag a pin to move it."
        };
        ui.horizontal(|ui| {
            ui.label(RichText::new(&picture.name).strong());
            self.zoom_buttons_ui(ui);
        });
        ui.add(egui::Label::new(RichText::new(hint).color(PIN)).wrap());
        let ctx = ui.ctx().clone();
        match self.images.get(&ctx, &picture.sha256, store) {
            Shown::Ready(loaded) => {
                let (id, size) = (loaded.texture.id(), loaded.size);
                self.image_ui(ui, id, size, picture, commands);
            }
            Shown::Decoding => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Decoding the picture…");
                });
            }
            Shown::Failed(err) => {
                ui.label(
                    RichText::new(format!("The image cannot be shown: {err}"))
                        .color(Color32::from_rgb(180, 30, 20)),
                );
            }
        }
        let fit = crate::georef::picture_fit(picture);
        // At most four rows shown; more scroll.
        egui::ScrollArea::vertical()
            .max_height(4.0 * 22.0)
            .auto_shrink([false, true])
            .show(ui, |ui| self.pins_ui(ui, picture, &fit, commands));
        self.fit_and_drawing_ui(ui, picture, &fit, commands);
    }

    /// The pins, one a row: the point of the picture (its place on the map on hover), the
    /// residual, *Move* and remove.
    fn pins_ui(
        &mut self,
        ui: &mut egui::Ui,
        picture: &Picture,
        fit: &Result<crate::georef::Fit, crate::georef::FitError>,
        commands: &mut Vec<Command>,
    ) {
        let index = self.selected;
        egui::Grid::new("pins").striped(true).show(ui, |ui| {
            for (i, pin) in picture.pins.iter().enumerate() {
                ui.label(format!("{}", i + 1));
                ui.label(format!("{:.0}, {:.0} px", pin.image[0], pin.image[1]))
                    .on_hover_text(format!(
                        "Picture pixel {:.0}, {:.0} (from its top-left corner) pinned at \
                         {:.6}°, {:.6}° (latitude, longitude)",
                        pin.image[0], pin.image[1], pin.lat, pin.lon
                    ));
                let residual = match fit {
                    Ok(fit) => fit.residuals_m.get(i).map_or_else(
                        || "?".to_owned(),
                        |r| format!("residual {}", residual_text(*r)),
                    ),
                    Err(_) => "residual –".to_owned(),
                };
                ui.label(&residual).on_hover_text(
                    "How far the fitted picture puts this point from where the pin says \
                     (geodesic, WGS84)",
                );
                let moving = self.moving == Some(i);
                let button = ui
                    .selectable_label(moving, "Move")
                    .on_hover_text("Click the map where this point belongs");
                a11y::name(&button, format!("Move pin {}", i + 1));
                if button.clicked() {
                    self.moving = (!moving).then_some(i);
                    self.pending = None;
                }
                let remove = ui.small_button("×").on_hover_text("Remove this pin");
                a11y::name(&remove, format!("Remove pin {}", i + 1));
                if remove.clicked() {
                    let mut changed = picture.clone();
                    changed.pins.remove(i);
                    self.moving = None;
                    commands.push(Command::Edit(
                        Edit::ReplacePicture {
                            index,
                            picture: changed,
                        },
                        format!("Remove pin {} of {}", i + 1, picture.name),
                    ));
                }
                ui.end_row();
            }
        });
    }

    /// The fit's summary, the transform, opacity, over or under the data, shown, and removing
    /// the picture.
    fn fit_and_drawing_ui(
        &mut self,
        ui: &mut egui::Ui,
        picture: &Picture,
        fit: &Result<crate::georef::Fit, crate::georef::FitError>,
        commands: &mut Vec<Command>,
    ) {
        let index = self.selected;
        let replace = |picture: Picture, description: String| {
            Command::Edit(Edit::ReplacePicture { index, picture }, description)
        };
        let fit_text = match fit {
            Ok(fit) => format!(
                "Fit: {} through {} pins, RMS residual {}",
                fit.kind.label(),
                picture.pins.len(),
                residual_text(fit.rms_m())
            ),
            Err(crate::georef::FitError::TooFewPins { needed, have, .. }) => format!(
                "Place {} more pin{} to place the picture ({needed} needed).",
                needed - have,
                if needed - have == 1 { "" } else { "s" }
            ),
            Err(err) => format!("Not placed: {err}."),
        };
        ui.add(egui::Label::new(fit_text).wrap());
        ui.horizontal(|ui| {
            let four = picture.pins.len() >= TransformKind::Projective.min_pins();
            let mut kind = picture.kind;
            ui.selectable_value(&mut kind, TransformKind::Affine, "Affine")
                .on_hover_text("Shift, rotation, scale and shear (three pins or more)");
            ui.add_enabled_ui(four, |ui| {
                ui.selectable_value(&mut kind, TransformKind::Projective, "Projective")
                    .on_hover_text("Also perspective, for an oblique photo (four pins or more)")
                    .on_disabled_hover_text("Needs four pins or more");
            });
            if kind != picture.kind {
                let mut changed = picture.clone();
                changed.kind = kind;
                commands.push(replace(
                    changed,
                    format!("Fit {} as {}", picture.name, kind.label()),
                ));
            }
        });
        self.opacity_ui(ui, picture, commands);
        ui.horizontal(|ui| {
            let mut above = picture.above_data;
            if ui
                .checkbox(&mut above, "Over the data")
                .on_hover_text("Draw the picture over the layers (else under them)")
                .changed()
            {
                let mut changed = picture.clone();
                changed.above_data = above;
                let place = if above { "over" } else { "under" };
                commands.push(replace(
                    changed,
                    format!("Draw {} {place} the data", picture.name),
                ));
            }
            let mut visible = picture.visible;
            if ui.checkbox(&mut visible, "Shown").changed() {
                let mut changed = picture.clone();
                changed.visible = visible;
                let verb = if visible { "Show" } else { "Hide" };
                commands.push(replace(changed, format!("{verb} {}", picture.name)));
            }
            if ui.button("Remove picture").clicked() {
                self.pending = None;
                self.moving = None;
                commands.push(Command::RemovePicture(index));
            }
        });
    }

    /// The picture's opacity: one undoable change when the slider is let go.
    fn opacity_ui(&mut self, ui: &mut egui::Ui, picture: &Picture, commands: &mut Vec<Command>) {
        let index = self.selected;
        let replace = |picture: Picture, description: String| {
            Command::Edit(Edit::ReplacePicture { index, picture }, description)
        };
        ui.horizontal(|ui| {
            ui.label("Opacity");
            ui.spacing_mut().slider_width = 90.0;
            let mut opacity = self.opacity_drag.unwrap_or(picture.opacity);
            let slider = ui.add(
                egui::Slider::new(&mut opacity, 0.0..=1.0)
                    .custom_formatter(|v, _| format!("{:.0} %", v * 100.0))
                    .custom_parser(|t| {
                        t.trim()
                            .trim_end_matches('%')
                            .trim()
                            .parse::<f64>()
                            .ok()
                            .map(|v| v / 100.0)
                    }),
            );
            a11y::name(&slider, "Picture opacity");
            if slider.changed() {
                self.opacity_drag = Some(opacity);
            }
            let done = slider.drag_stopped() || (slider.changed() && !slider.dragged());
            if done
                && let Some(opacity) = self.opacity_drag.take()
                && opacity != picture.opacity
            {
                let mut changed = picture.clone();
                changed.opacity = opacity;
                commands.push(replace(
                    changed,
                    format!(
                        "Set the opacity of {} to {:.0} %",
                        picture.name,
                        opacity * 100.0
                    ),
                ));
            }
        });
    }

    /// Zoom in and out of the picture, and show it whole again.
    fn zoom_buttons_ui(&mut self, ui: &mut egui::Ui) {
        let zoom_in = ui
            .small_button("+")
            .on_hover_text("Zoom in on the picture (or the wheel over it)");
        a11y::name(&zoom_in, "Zoom in on the picture");
        let out = ui
            .add_enabled(self.zoom() > 1.0, egui::Button::new("−").small())
            .on_hover_text("Zoom out of the picture");
        a11y::name(&out, "Zoom out of the picture");
        let whole = ui
            .add_enabled(self.zoom() > 1.0, egui::Button::new("Whole").small())
            .on_hover_text("Show the whole picture");
        // About the middle of the view.
        let middle = self.shown.map(|v| v.rect.center());
        if zoom_in.clicked() {
            self.zoom_by(2.0, middle);
        }
        if out.clicked() {
            self.zoom_by(0.5, middle);
        }
        if whole.clicked() {
            self.zoom = 1.0;
        }
    }

    /// Zoom the picture by `factor`, keeping the pixel at screen position `about` where it is.
    fn zoom_by(&mut self, factor: f32, about: Option<Pos2>) {
        let (Some(view), Some(about)) = (self.shown, about) else {
            return;
        };
        let fit_scale = view.scale / self.zoom();
        let max_zoom = (MAX_POINTS_PER_PIXEL / fit_scale).max(1.0);
        let zoom = (self.zoom() * factor).clamp(1.0, max_zoom);
        let px = view.picture(about);
        let v = (about - view.rect.min) / (fit_scale * zoom);
        self.origin = [px[0] as f32 - v.x, px[1] as f32 - v.y];
        self.zoom = zoom;
    }

    /// The picture as zoomed, its frame, its pins (one being dragged where it is dragged to)
    /// and the point marked to pin.
    fn paint_picture(
        &self,
        ui: &egui::Ui,
        rect: Rect,
        texture: egui::TextureId,
        [w, h]: [f32; 2],
        view: &PictureView,
        picture: &Picture,
    ) {
        let painter = ui.painter_at(rect);
        let uv = Rect::from_min_max(
            egui::pos2(view.origin[0] / w, view.origin[1] / h),
            egui::pos2(
                (view.origin[0] + rect.width() / view.scale) / w,
                (view.origin[1] + rect.height() / view.scale) / h,
            ),
        );
        painter.image(texture, rect, uv, Color32::WHITE);
        painter.rect_stroke(
            rect,
            0.0,
            Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Outside,
        );
        for (i, pin) in picture.pins.iter().enumerate() {
            let at = match &self.picture_drag {
                Some(d) if d.pin == i => d.to,
                _ => pin.image,
            };
            let at = view.screen(at);
            // The number toward the picture's middle, so a pin on an edge keeps it in view.
            let toward = vec2(
                if at.x < rect.center().x { 1.0 } else { -1.0 },
                if at.y < rect.center().y { 1.0 } else { -1.0 },
            );
            pin_mark(&painter, at, &(i + 1).to_string(), toward);
        }
        if let Some(p) = self.pending {
            let c = view.screen(p);
            let stroke = Stroke::new(2.0, PIN);
            painter.line_segment([c - vec2(7.0, 0.0), c + vec2(7.0, 0.0)], stroke);
            painter.line_segment([c - vec2(0.0, 7.0), c + vec2(0.0, 7.0)], stroke);
        }
    }

    /// The wheel (or a pinch) over the picture zooms about the pointer.
    fn wheel_zoom(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        rect: Rect,
        fit_scale: f32,
        [w, h]: [f32; 2],
    ) {
        if response.hovered() {
            let (scroll, pinch, pointer) = ui.input(|i| {
                (
                    i.smooth_scroll_delta().y,
                    i.zoom_delta(),
                    i.pointer.hover_pos(),
                )
            });
            let factor = pinch * (scroll / 200.0).exp2();
            if factor != 1.0 {
                self.shown = Some(self.view(rect, fit_scale, [w, h]));
                self.zoom_by(factor, pointer);
            }
        }
    }

    /// The picture, fitted into [`SHOWN_SIDE`] and zoomed: a click marks the point to pin, a
    /// drag from a pin moves that pin's point of the picture, a drag elsewhere pans, the wheel
    /// zooms; the pins and the marked point are drawn on it.
    fn image_ui(
        &mut self,
        ui: &mut egui::Ui,
        texture: egui::TextureId,
        size: [u32; 2],
        picture: &Picture,
        commands: &mut Vec<Command>,
    ) {
        let (w, h) = (size[0].max(1) as f32, size[1].max(1) as f32);
        let fit_scale = (SHOWN_SIDE / w).min(SHOWN_SIDE / h);
        let (rect, response) =
            ui.allocate_exact_size(vec2(w * fit_scale, h * fit_scale), Sense::click_and_drag());
        a11y::name(&response, "Picture to pin");
        self.wheel_zoom(ui, &response, rect, fit_scale, [w, h]);
        let mut view = self.view(rect, fit_scale, [w, h]);
        let clamp = |px: [f64; 2]| {
            [
                px[0].clamp(0.0, f64::from(w)).round(),
                px[1].clamp(0.0, f64::from(h)).round(),
            ]
        };
        if response.drag_started() {
            let origin = ui.input(|i| i.pointer.press_origin());
            let pins = picture.pins.iter().map(|p| view.screen(p.image));
            self.picture_drag = origin.and_then(|o| nearest(pins, o)).map(|pin| Drag {
                pin,
                to: picture.pins[pin].image,
                moved: false,
            });
        }
        if response.dragged() {
            match &mut self.picture_drag {
                Some(drag) => {
                    if let Some(pos) = response.interact_pointer_pos() {
                        drag.to = clamp(view.picture(pos));
                        drag.moved = true;
                    }
                }
                None => {
                    // Pan the zoomed picture.
                    let d = response.drag_delta() / view.scale;
                    self.origin = [self.origin[0] - d.x, self.origin[1] - d.y];
                    view = self.view(rect, fit_scale, [w, h]);
                }
            }
        }
        if response.drag_stopped()
            && let Some(drag) = self.picture_drag.take().filter(|d| d.moved)
            && picture
                .pins
                .get(drag.pin)
                .is_some_and(|p| p.image != drag.to)
        {
            let mut changed = picture.clone();
            changed.pins[drag.pin].image = drag.to;
            commands.push(Command::Edit(
                Edit::ReplacePicture {
                    index: self.selected,
                    picture: changed,
                },
                format!(
                    "Move point {} of {} on the picture",
                    drag.pin + 1,
                    picture.name
                ),
            ));
        }
        self.paint_picture(ui, rect, texture, [w, h], &view, picture);
        if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            self.pending = Some(clamp(view.picture(pos)));
            self.moving = None;
        }
        if response.hovered() {
            let on_pin = ui.input(|i| i.pointer.hover_pos()).is_some_and(|p| {
                nearest(picture.pins.iter().map(|pin| view.screen(pin.image)), p).is_some()
            });
            ui.ctx()
                .set_cursor_icon(if on_pin || self.picture_drag.is_some() {
                    egui::CursorIcon::Grab
                } else {
                    egui::CursorIcon::Crosshair
                });
        }
        self.shown = Some(view);
    }

    /// The view of a `size` picture shown in `rect` at the zoom kept, its origin kept inside
    /// the picture.
    fn view(&mut self, rect: Rect, fit_scale: f32, size: [f32; 2]) -> PictureView {
        let scale = fit_scale * self.zoom();
        let max = [
            (size[0] - rect.width() / scale).max(0.0),
            (size[1] - rect.height() / scale).max(0.0),
        ];
        self.origin = [
            self.origin[0].clamp(0.0, max[0]),
            self.origin[1].clamp(0.0, max[1]),
        ];
        PictureView {
            rect,
            origin: self.origin,
            scale,
        }
    }
}

/// The index of the screen position of `points` nearest `pos`, if within [`GRAB_RADIUS`].
fn nearest(points: impl Iterator<Item = Pos2>, pos: Pos2) -> Option<usize> {
    points
        .enumerate()
        .map(|(i, p)| (i, p.distance(pos)))
        .filter(|(_, d)| *d <= GRAB_RADIUS)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// A residual for people: metres, with the unit.
fn residual_text(metres: f64) -> String {
    if metres.is_finite() {
        format!("{metres:.1} m")
    } else {
        "? m".into()
    }
}

/// A numbered pin: a filled circle with its number beside it, on the side `toward` points to
/// (x and y each 1 or −1: right or left, below or above).
fn pin_mark(painter: &egui::Painter, at: Pos2, number: &str, toward: egui::Vec2) {
    painter.circle(at, 5.0, PIN, Stroke::new(1.5, Color32::WHITE));
    let align = egui::Align2([
        if toward.x > 0.0 {
            egui::Align::Min
        } else {
            egui::Align::Max
        },
        if toward.y > 0.0 {
            egui::Align::Min
        } else {
            egui::Align::Max
        },
    ]);
    painter.text(
        at + vec2(6.0 * toward.x, 3.0 * toward.y),
        align,
        number,
        egui::FontId::proportional(13.0),
        PIN,
    );
}

/// The pins of the picture being pinned, drawn on the map over the data.
pub struct PinMarks {
    pins: Vec<(Point<f64>, String)>,
    /// The pin waiting for a new place (drawn hollow).
    moving: Option<usize>,
}

impl MapDrawing for PinMarks {
    fn paint(&self, painter: &egui::Painter, projector: &Projector) {
        for (i, (at, number)) in self.pins.iter().enumerate() {
            let pos = projector.project(*at).to_pos2();
            if self.moving == Some(i) {
                painter.add(Shape::circle_stroke(pos, 6.0, Stroke::new(2.0, PIN)));
            } else {
                pin_mark(painter, pos, number, vec2(1.0, -1.0));
            }
        }
    }
}
