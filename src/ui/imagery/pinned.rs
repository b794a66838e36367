//! *Pin a picture…*: a PNG or JPEG (a screenshot of imagery from elsewhere, a leaked site plan,
//! a scanned map) added as a picture pinned onto the map, and the window that pins it: the
//! picture is shown, a click on it marks a point, the next click on the map ties that point to
//! a position (a pin). Three pins fit an affine transform, four or more optionally a projective
//! one (`georef`); each pin's residual is listed in metres. A pin is moved by *Move* and a new
//! click on the map, or removed; the picture's opacity, whether it lies over or under the data,
//! and whether it is shown are set here too.
//!
//! The pictures are document data ([`crate::model::Picture`]): every change is an
//! [`Edit`] pushed as a [`Command`], so it is one step of the undo history and counts as an
//! unsaved change. The image's bytes go into the project's evidence store by SHA-256 (saved
//! inside the project). This module keeps only what the window needs between frames: the
//! decoded textures, which picture is being pinned, and the point waiting for its map click.

use std::collections::HashMap;

use egui::{Color32, Pos2, Rect, RichText, Sense, Shape, Stroke, TextureHandle, vec2};
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

/// The largest the picture is shown in the pinning window, in points.
const SHOWN_SIDE: f32 = 260.0;
/// Pins' colour, on the picture and on the map.
const PIN: Color32 = Color32::from_rgb(230, 90, 0);

/// A picture's image loaded as a texture.
struct Loaded {
    texture: TextureHandle,
    size: [u32; 2],
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
    /// Decoded images by SHA-256 (an error in words for one that cannot be read).
    textures: HashMap<String, Result<Loaded, String>>,
    /// The opacity shown while its slider is dragged (one undo step when released).
    opacity_drag: Option<f32>,
    /// Where the picture was shown in the last frame and how many points a pixel took.
    shown: Option<(Rect, f32)>,
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
    }

    /// Keep a decoded image as the texture of the picture with this SHA-256.
    pub fn keep_image(&mut self, ctx: &egui::Context, sha256: &str, image: &image::RgbaImage) {
        let loaded = load(ctx, sha256, image);
        self.textures.insert(sha256.to_owned(), Ok(loaded));
    }

    /// Whether the next click on the map is for a pin (not a selection).
    pub fn wants_map_click(&self) -> bool {
        self.open && (self.pending.is_some() || self.moving.is_some())
    }

    /// Where picture pixel `px` was shown in the last frame (tests click there).
    pub fn screen_pos(&self, px: [f64; 2]) -> Option<Pos2> {
        let (rect, scale) = self.shown?;
        Some(rect.min + vec2(px[0] as f32 * scale, px[1] as f32 * scale))
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

    /// The visible pictures with pins enough to place them, their textures loaded (decoded
    /// the first time from `store`), for the map to draw this frame.
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
            let Ok(loaded) = self.texture(ctx, picture, store) else {
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

    /// The picture's texture, decoded and loaded on first use.
    fn texture(
        &mut self,
        ctx: &egui::Context,
        picture: &Picture,
        store: &Store,
    ) -> Result<&Loaded, &String> {
        self.textures
            .entry(picture.sha256.clone())
            .or_insert_with(|| {
                let bytes = store
                    .get(&picture.sha256)
                    .ok_or_else(|| "its image is not in the project".to_owned())?;
                let image = crate::georef::decode(bytes)?;
                Ok(load(ctx, &picture.sha256, &image))
            })
            .as_ref()
    }

    /// The pins of the picture being pinned, for the map (while the window is open).
    pub fn marks(&self, doc: &Document) -> Option<PinMarks> {
        let picture = doc.pictures().get(self.selected).filter(|_| self.open)?;
        Some(PinMarks {
            pins: picture
                .pins
                .iter()
                .enumerate()
                .map(|(i, p)| (Point::new(p.lon, p.lat), (i + 1).to_string()))
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
        self.shown = None;
        let mut open = self.open;
        egui::Window::new("Pinned pictures")
            .open(&mut open)
            .default_pos(egui::pos2(60.0, 120.0))
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
                220.0,
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
        let index = self.selected;
        let replace = |picture: Picture, description: String| {
            Command::Edit(Edit::ReplacePicture { index, picture }, description)
        };
        ui.label(RichText::new(&picture.name).strong());
        let hint = if self.pending.is_some() {
            "Now click the same place on the map."
        } else if self.moving.is_some() {
            "Click the map where the pin belongs."
        } else {
            "Click a point on the picture, then the same place on the map."
        };
        ui.label(RichText::new(hint).color(PIN));
        let ctx = ui.ctx().clone();
        match self.texture(&ctx, picture, store) {
            Ok(loaded) => {
                let (id, size) = (loaded.texture.id(), loaded.size);
                self.image_ui(ui, id, size, picture);
            }
            Err(err) => {
                ui.label(
                    RichText::new(format!("The image cannot be shown: {err}"))
                        .color(Color32::from_rgb(180, 30, 20)),
                );
            }
        }
        let fit = crate::georef::picture_fit(picture);
        egui::Grid::new("pins").striped(true).show(ui, |ui| {
            for (i, pin) in picture.pins.iter().enumerate() {
                ui.label(format!("{}", i + 1));
                ui.label(format!("{:.0}, {:.0} px", pin.image[0], pin.image[1]))
                    .on_hover_text("Where on the picture (pixels from its top-left corner)");
                ui.label(format!("{:.6}°, {:.6}°", pin.lat, pin.lon))
                    .on_hover_text("Where on the map (latitude, longitude)");
                let residual = match &fit {
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
                let remove = ui.button("Remove");
                a11y::name(&remove, format!("Remove pin {}", i + 1));
                if remove.clicked() {
                    let mut changed = picture.clone();
                    changed.pins.remove(i);
                    self.moving = None;
                    commands.push(replace(
                        changed,
                        format!("Remove pin {} of {}", i + 1, picture.name),
                    ));
                }
                ui.end_row();
            }
        });
        let fit_text = match &fit {
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
        ui.label(fit_text);
        ui.horizontal(|ui| {
            ui.label("Transform");
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
        ui.horizontal(|ui| {
            ui.label("Opacity");
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
                commands.push(Command::Edit(
                    Edit::RemovePicture { index },
                    format!("Remove the picture {}", picture.name),
                ));
            }
        });
    }

    /// The picture, fitted into [`SHOWN_SIDE`]: a click marks the point to pin; the pins and
    /// the marked point are drawn on it.
    fn image_ui(
        &mut self,
        ui: &mut egui::Ui,
        texture: egui::TextureId,
        size: [u32; 2],
        picture: &Picture,
    ) {
        let (w, h) = (size[0].max(1) as f32, size[1].max(1) as f32);
        let scale = (SHOWN_SIDE / w).min(SHOWN_SIDE / h);
        let (rect, response) = ui.allocate_exact_size(vec2(w * scale, h * scale), Sense::click());
        a11y::name(&response, "Picture to pin");
        let painter = ui.painter_at(rect);
        painter.image(
            texture,
            rect,
            Rect::from_min_max(Pos2::ZERO, egui::pos2(1.0, 1.0)),
            Color32::WHITE,
        );
        painter.rect_stroke(
            rect,
            0.0,
            Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Outside,
        );
        let at = |px: [f64; 2]| rect.min + vec2(px[0] as f32 * scale, px[1] as f32 * scale);
        for (i, pin) in picture.pins.iter().enumerate() {
            let upper_half = pin.image[1] < f64::from(h) / 2.0;
            pin_mark(&painter, at(pin.image), &(i + 1).to_string(), upper_half);
        }
        if let Some(p) = self.pending {
            let c = at(p);
            let stroke = Stroke::new(2.0, PIN);
            painter.line_segment([c - vec2(7.0, 0.0), c + vec2(7.0, 0.0)], stroke);
            painter.line_segment([c - vec2(0.0, 7.0), c + vec2(0.0, 7.0)], stroke);
        }
        if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            let px = ((pos - rect.min) / scale).to_pos2();
            self.pending = Some([
                f64::from(px.x.clamp(0.0, w)).round(),
                f64::from(px.y.clamp(0.0, h)).round(),
            ]);
            self.moving = None;
        }
        if response.hovered() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
        }
        self.shown = Some((rect, scale));
    }
}

/// A residual for people: metres, with the unit.
fn residual_text(metres: f64) -> String {
    if metres.is_finite() {
        format!("{metres:.1} m")
    } else {
        "? m".into()
    }
}

/// A numbered pin: a filled circle with its number beside it, above right of the dot or
/// (`below`) below right, so a pin at the picture's edge keeps its number inside the picture.
fn pin_mark(painter: &egui::Painter, at: Pos2, number: &str, below: bool) {
    painter.circle(at, 5.0, PIN, Stroke::new(1.5, Color32::WHITE));
    let (offset, align) = if below {
        (vec2(6.0, 3.0), egui::Align2::LEFT_TOP)
    } else {
        (vec2(6.0, -3.0), egui::Align2::LEFT_BOTTOM)
    };
    painter.text(
        at + offset,
        align,
        number,
        egui::FontId::proportional(13.0),
        PIN,
    );
}

/// Decoded pixels as a texture.
fn load(ctx: &egui::Context, sha256: &str, image: &image::RgbaImage) -> Loaded {
    let size = [image.width(), image.height()];
    let color = egui::ColorImage::from_rgba_unmultiplied(
        [size[0] as usize, size[1] as usize],
        image.as_raw(),
    );
    let texture = ctx.load_texture(
        format!("pinned-{sha256}"),
        color,
        egui::TextureOptions::LINEAR,
    );
    Loaded { texture, size }
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
                pin_mark(painter, pos, number, false);
            }
        }
    }
}
