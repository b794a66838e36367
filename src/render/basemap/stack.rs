//! How the offline basemap and tile imagery are stacked on the map.
//!
//! The offline basemap is laid out with the data (its names give way to the data's), after the
//! imagery is painted, so it gets its place first: [`reserve_under`] adds an empty shape before
//! `Map::show`, and inside the closure [`paint_basemap_stack`] fills it. From bottom to top:
//! 1. the offline basemap (always: it shows wherever a tile is missing, loading or failed, and
//!    through imagery made translucent with the opacity slider);
//! 2. the imagery (the tile layers, with the chosen opacity; a comparison's two on their sides
//!    of the divider or blended);
//! 3. borders and place names, when the user wants them above imagery (otherwise they are part
//!    of 1; nothing is drawn twice);
//! 4. the data, then the credits: the imagery's above the offline basemap's.
//!
//! Without imagery the result is exactly the offline basemap as before.

use egui::Shape;
use egui::layers::ShapeIdx;
use walkers::Projector;

use crate::basemap::ATTRIBUTION;
use crate::render::basemap::{BasemapStyle, basemap_shapes};
use crate::render::scale_bar::{credit_layouts, paint_credits as paint_credits_of};

/// What this frame's map shows of the basemap.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StackPlan {
    /// Imagery (online or file tiles) is drawn above the offline basemap.
    pub imagery: bool,
    pub borders_above: bool,
    pub labels_above: bool,
    /// The imagery's credit line.
    pub credit: Option<String>,
}

/// Reserve the offline basemap's place under the tile layers. Call right before `Map::show`.
pub fn reserve_under(ui: &egui::Ui) -> ShapeIdx {
    ui.painter().add(Shape::Noop)
}

/// Fill the reserved place with the offline basemap and, over imagery, paint the borders and
/// names asked for. Call inside the `Map::show` closure before the data. `reserved` are screen
/// areas the basemap's labels keep clear of.
pub fn paint_basemap_stack(
    painter: &egui::Painter,
    under: ShapeIdx,
    projector: &Projector,
    style: &BasemapStyle,
    plan: &StackPlan,
    reserved: &[egui::Rect],
) {
    let clip = painter.clip_rect().intersect(projector.clip_rect());
    let painter = painter.with_clip_rect(clip);
    let under_style = if plan.imagery {
        style.under_imagery(plan.borders_above, plan.labels_above)
    } else {
        style.clone()
    };
    let mut shapes = Vec::new();
    basemap_shapes(&painter, projector, &under_style, reserved, &mut shapes);
    painter.set(under, Shape::Vec(shapes));
    if plan.imagery && (plan.borders_above || plan.labels_above) {
        let over = style.over_imagery(plan.borders_above, plan.labels_above);
        let mut shapes = Vec::new();
        basemap_shapes(&painter, projector, &over, reserved, &mut shapes);
        painter.extend(shapes);
    }
}

/// Where the basemap's major labels go (see [`super::major_label_rects`]), when the stack
/// shows its names at all; the data's labels keep clear of them.
pub fn major_labels(
    painter: &egui::Painter,
    projector: &Projector,
    style: &BasemapStyle,
    plan: &StackPlan,
    taken: &[egui::Rect],
) -> Vec<egui::Rect> {
    let shown = style.show_labels && (!plan.imagery || plan.labels_above);
    if !shown {
        return Vec::new();
    }
    super::major_label_rects(painter, projector, style, taken)
}

/// With imagery, the credit lines at the bottom right, above everything: the offline basemap's
/// and the imagery's (without imagery the offline basemap paints its own).
pub fn paint_credits(
    painter: &egui::Painter,
    projector: &Projector,
    style: &BasemapStyle,
    plan: &StackPlan,
) {
    if !plan.imagery {
        return;
    }
    paint_credits_of(painter, projector.clip_rect(), &credit_texts(style, plan));
}

/// The credit lines, bottom first: the offline basemap's (where shown), then over imagery the
/// imagery's.
fn credit_texts<'a>(style: &BasemapStyle, plan: &'a StackPlan) -> Vec<&'a str> {
    let mut texts = Vec::new();
    if style.show_attribution {
        texts.push(ATTRIBUTION);
    }
    if plan.imagery
        && let Some(credit) = plan.credit.as_deref().filter(|c| !c.trim().is_empty())
    {
        texts.push(credit);
    }
    texts
}

/// What the credit lines cover at the bottom right (the offline basemap's, and over imagery
/// the imagery's), for the data's and the basemap's labels to keep clear of.
pub fn credit_rects(
    painter: &egui::Painter,
    projector: &Projector,
    style: &BasemapStyle,
    plan: &StackPlan,
) -> Vec<egui::Rect> {
    let texts = credit_texts(style, plan);
    credit_layouts(painter, projector.clip_rect(), &texts, egui::Color32::BLACK)
        .into_iter()
        .map(|(_, _, back)| back)
        .collect()
}
