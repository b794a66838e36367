//! The histogram painted again from the shapes of an earlier frame, while nothing it is drawn
//! from changed and the pointer is away from it: egui_plot builds every bar, grid line and
//! axis date each frame, which a frame where the timeline did not move does not need.
//!
//! The shapes are kept from a quiet frame only (no pointer near the plot, no drag, no focus)
//! and painted again only once two quiet frames with the same key drew the same shapes (the
//! plot sizes its axes from the frame before). A replayed frame allocates the widgets egui_plot
//! allocates, in the same order and with the same rectangles, so widget ids, hit-testing and
//! the layout after the plot stay as they were. Text shapes point into the font atlas: a probe
//! text laid out every frame comes back as a new galley when the galley cache was emptied
//! (atlas full, other font options, other pixels per point), and the kept shapes are dropped.

use std::sync::Arc;

use egui::emath::GuiRounding as _;
use egui::epaint::ClippedShape;
use egui::{Galley, Id, Rect, Response, Sense, Ui, Vec2};
use egui_plot::{PlotResponse, PlotTransform};

/// Pointer this close to the plot (points) makes the frame draw it (hover labels, a press).
const NEAR: f32 = 8.0;

/// The last quiet frame's plot, by the key it was drawn for.
pub(super) struct PlotReplay<K> {
    kept: Option<Kept<K>>,
}

impl<K> Default for PlotReplay<K> {
    fn default() -> Self {
        Self { kept: None }
    }
}

struct Kept<K> {
    key: K,
    shapes: Vec<ClippedShape>,
    /// The plot area's response: its rectangle (rounded as egui allocated it) and id.
    plot: Rect,
    id: Id,
    transform: PlotTransform,
    probe: Arc<Galley>,
    /// Whether a second quiet frame drew the same shapes.
    settled: bool,
}

impl<K: PartialEq> PlotReplay<K> {
    /// The plot of `size` (the size `Plot::show` allocates) for `key`: painted from the kept
    /// shapes when they are for `key` and the frame is quiet, else drawn by `draw` from
    /// `key` (it shows the plot and nothing else). `busy`: the caller is in the middle of an
    /// interaction with the plot (a drag it follows).
    pub(super) fn show(
        &mut self,
        ui: &mut Ui,
        key: K,
        size: Vec2,
        busy: bool,
        draw: impl FnOnce(&mut Ui, &K) -> PlotResponse<()>,
    ) -> (Response, PlotTransform) {
        let probe = probe(ui);
        let can_paint = !busy && ui.is_visible() && !ui.is_sizing_pass();
        if let Some(kept) = &self.kept
            && can_paint
            && kept.settled
            && kept.key == key
            && Arc::ptr_eq(&kept.probe, &probe)
            && !pointer_near(ui, kept.plot, size)
            && ui.ctx().dragged_id() != Some(kept.id)
            && !ui.ctx().memory(|m| m.has_focus(kept.id))
        {
            return (kept.paint(ui, size), kept.transform);
        }
        let start = ui
            .ctx()
            .graphics(|g| g.get(ui.layer_id()).map_or(0, |l| l.next_idx().0));
        let shown = draw(ui, &key);
        let response = &shown.response;
        let quiet = can_paint
            && !(response.hovered()
                || response.contains_pointer()
                || response.is_pointer_button_down_on()
                || response.dragged()
                || response.has_focus()
                || pointer_near(ui, response.rect, size));
        if !quiet {
            self.kept = None;
            return (shown.response, shown.transform);
        }
        let shapes: Vec<ClippedShape> = ui.ctx().graphics(|g| {
            g.get(ui.layer_id())
                .map(|l| l.all_entries().skip(start).cloned().collect())
                .unwrap_or_default()
        });
        match &mut self.kept {
            Some(kept)
                if kept.key == key
                    && kept.plot == response.rect
                    && kept.id == response.id
                    && Arc::ptr_eq(&kept.probe, &probe)
                    && kept.shapes == shapes =>
            {
                kept.settled = true;
            }
            _ => {
                self.kept = Some(Kept {
                    key,
                    shapes,
                    plot: response.rect,
                    id: response.id,
                    transform: shown.transform,
                    probe,
                    settled: false,
                });
            }
        }
        (shown.response, shown.transform)
    }

    /// Whether the next quiet frame with the same key is painted from kept shapes.
    #[cfg(test)]
    pub(super) fn is_settled(&self) -> bool {
        self.kept.as_ref().is_some_and(|k| k.settled)
    }

    /// Forget the kept shapes: the next frame draws the plot.
    #[cfg(test)]
    pub(super) fn forget(&mut self) {
        self.kept = None;
    }
}

impl<K> Kept<K> {
    /// Allocate what `Plot::show` allocates (its whole rectangle, the plot area, the x and y
    /// axes' rectangles twice: once for their responses, once when drawn; the child ui of its
    /// items) and paint the kept shapes.
    fn paint(&self, ui: &mut Ui, size: Vec2) -> Response {
        let (_, complete) = ui.allocate_space(size);
        let response = ui.allocate_rect(self.plot, Sense::click_and_drag());
        // Without room for axes the plot takes the whole rectangle and has none.
        if self.plot != complete.round_ui() {
            let x_axis =
                Rect::from_x_y_ranges(self.plot.x_range(), self.plot.bottom()..=complete.bottom());
            let y_axis =
                Rect::from_x_y_ranges(complete.left()..=self.plot.left(), self.plot.y_range());
            for axis in [x_axis, y_axis, x_axis, y_axis] {
                ui.allocate_rect(axis, Sense::hover());
            }
        }
        // The child ui the items are drawn in.
        let frame = *self.transform.frame();
        let mut items = ui.new_child(
            egui::UiBuilder::new()
                .max_rect(frame)
                .layout(egui::Layout::default()),
        );
        items.set_clip_rect(frame.intersect(ui.clip_rect()));
        drop(items);
        ui.ctx().graphics_mut(|g| {
            let list = g.entry(ui.layer_id());
            for s in &self.shapes {
                list.add(s.clip_rect, s.shape.clone());
            }
        });
        ui.advance_cursor_after_rect(complete);
        response
    }
}

/// A galley laid out every frame: the galley cache hands back the same one until it is
/// emptied.
fn probe(ui: &Ui) -> Arc<Galley> {
    ui.painter().layout_no_wrap(
        "0".to_owned(),
        egui::FontId::default(),
        egui::Color32::WHITE,
    )
}

/// Whether the pointer is over the plot of `size` whose plot area is `plot` (its axes below
/// and left of it), or near it.
fn pointer_near(ui: &Ui, plot: Rect, size: Vec2) -> bool {
    let around = Rect::from_x_y_ranges(ui.max_rect().x_range(), plot.top()..=plot.top() + size.y)
        .expand(NEAR);
    ui.ctx()
        .pointer_latest_pos()
        .is_some_and(|p| around.contains(p))
}
