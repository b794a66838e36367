//! A map scene painted into an egui painter: the one drawing path for the window and for images
//! (basemap, layers, highlights, labels, overlays, scale bar, legend, credits).

use std::collections::HashMap;

use egui::layers::ShapeIdx;
use egui::{Rect as ScreenRect, Vec2};
use geo::{Coord, Rect};
use walkers::{MapMemory, MercatorProjection, Projection, Projector, lon_lat};

use crate::measure::Units;
use crate::model::{Document, FeatureRef, LayerId};
use crate::render::basemap::stack::{
    StackPlan, credit_rects, major_labels, paint_basemap_stack, paint_credits,
};
use crate::render::basemap::{BasemapStyle, viewport_of};
use crate::render::density::Plan;
use crate::render::features::{Fill, KeptDots, paint_highlights, paint_layers};
use crate::render::frame_cache::{FrameCache, LabelTexts};
use crate::render::labels::{
    LabelBudget, labelled_in_view, paint_labels, place_data_labels, point_symbol_rects,
};
use crate::render::layer_view::LayerView;
use crate::render::legend::{layout_legend, legend_rect, legends, paint_legend};
use crate::render::overlay::Overlay;
use crate::render::scale_bar::ScaleBar;
use crate::render::screen::visible_area;

/// Cambodia's extent (lon/lat degrees), the view the app opens on.
pub fn cambodia() -> Rect<f64> {
    Rect::new(Coord { x: 102.3, y: 10.4 }, Coord { x: 107.65, y: 14.7 })
}

/// What a map shows: the document as the layer views style it, the overlay, and the basemap.
pub struct MapScene<'a> {
    pub doc: &'a Document,
    pub views: &'a HashMap<LayerId, LayerView>,
    pub overlay: &'a Overlay<'a>,
    pub basemap_style: &'a BasemapStyle,
    pub plan: &'a StackPlan,
    /// What the caller draws over the map (the window's zoom buttons and basemap chooser, an
    /// image's title and north arrow): labels keep clear of it.
    pub furniture: &'a [ScreenRect],
}

/// What a map keeps between its frames for the features it drew.
#[derive(Debug, Default)]
pub struct DrawCaches {
    /// Triangles and rings of each drawn polygon (Web Mercator units).
    pub fills: FrameCache<FeatureRef, Fill>,
    /// The label of each feature in view (`None`: it has none), `true` for a kept
    /// measurement's number (written in `units`).
    pub labels: LabelTexts,
    /// The units the measurement labels were written in and the pixels per point all labels
    /// were laid out for.
    pub written: Option<(Units, f32)>,
    /// How many labels a frame may work out that the frames before did not (`None`: all at
    /// once, as images need; the window spreads a sudden crowd of labels over a few frames).
    pub label_budget: LabelBudget,
    /// Each layer's sub-pixel lines and polygons as one mesh, and its other features in view,
    /// as the last frame drew them.
    pub dots: KeptDots,
}

impl DrawCaches {
    /// Start a frame (see [`FrameCache::next_frame`]; the labels start theirs when placed)
    /// whose measurements are written in `units` and whose text is laid out at
    /// `pixels_per_point`.
    pub fn next_frame(&mut self, units: Units, pixels_per_point: f32) {
        self.fills.next_frame();
        if self.written != Some((units, pixels_per_point)) {
            self.labels = FrameCache::default();
            self.written = Some((units, pixels_per_point));
        }
    }

    /// Forget everything about `layer` (removed or edited).
    pub fn forget_layer(&mut self, layer: crate::model::LayerId) {
        self.fills.retain(|r| r.layer != layer);
        self.labels.retain(|r| r.layer != layer);
        self.dots.forget_layer(layer);
    }
}

/// Paint everything the map shows inside `projector`'s rectangle, bottom to top: the offline
/// basemap (into the slot `under`, reserved before any tiles), the layers, highlights, labels,
/// the measurement being made, the scale bar, the legend and the credits. The window and
/// exported images both draw through here. `caches` keeps what the last frame worked out
/// for the features it drew (triangles, label texts).
pub fn paint_map(
    painter: &egui::Painter,
    under: ShapeIdx,
    projector: &Projector,
    scene: &MapScene<'_>,
    caches: &mut DrawCaches,
) {
    let MapScene {
        doc,
        views,
        overlay,
        basemap_style,
        plan,
        furniture: drawn_over,
    } = *scene;
    caches.next_frame(overlay.units, painter.pixels_per_point());
    let mut working = false;
    for (id, _) in doc.layers() {
        let Some(view) = views.get(&id) else { continue };
        if view.sync_styles(doc, id) {
            caches.forget_layer(id);
        }
        working |= view.is_working();
    }
    if working {
        // Styles or counts are being worked out on another thread: look again soon.
        painter
            .ctx()
            .request_repaint_after(std::time::Duration::from_millis(30));
    }
    let map_rect = projector.clip_rect();
    let visible = visible_area(projector, map_rect);
    let viewport = viewport_of(projector);
    // Big layers with many features in view are drawn as density grids.
    let lod = Plan::new(doc, views, &viewport);
    let layers = (doc, views, &lod);
    let labelled = labelled_in_view(layers, visible);
    let symbols = point_symbol_rects(projector, labelled.as_deref().unwrap_or_default());
    // The legend goes in the corner where it hides the fewest symbols.
    let legend = overlay
        .legend
        .then(|| layout_legend(painter, &legends(doc, views)))
        .flatten()
        .map(|layout| (legend_rect(map_rect, layout.size, &symbols), layout));
    // What is drawn over the map's corners (legend, scale bar, credits, the caller's controls):
    // no label goes under it.
    let scale_bar = ScaleBar::new(painter, projector);
    let mut furniture: Vec<ScreenRect> = legend.iter().map(|(rect, _)| *rect).collect();
    furniture.extend(scale_bar.as_ref().map(ScaleBar::rect));
    furniture.extend(credit_rects(painter, projector, basemap_style, plan));
    furniture.extend(drawn_over);
    // The data's labels are placed first (clear of the furniture), so the basemap's give way,
    // except the major places' (capital, countries, provincial capitals), which give way only
    // to the data's symbols and the furniture.
    let mut taken = furniture.clone();
    taken.extend(&symbols);
    let mut keep_clear = major_labels(painter, projector, basemap_style, plan, &taken);
    keep_clear.extend(&furniture);
    // Labels keep clear of the furniture and the major places' names, and of point symbols
    // where they can.
    // Too many features in view to label them: none is labelled, and the texts of the last
    // labelled view are kept (they are few), so labelling it again costs nothing.
    let (labels, waiting) = match &labelled {
        Some(features) => place_data_labels(
            painter,
            projector,
            features,
            (overlay.units, &mut caches.labels, caches.label_budget),
            &keep_clear,
            &symbols,
        ),
        None => (Vec::new(), false),
    };
    if waiting {
        // Labels left for the next frame.
        painter.ctx().request_repaint();
    }
    let mut reserved: Vec<ScreenRect> = labels.iter().map(|l| l.rect).collect();
    reserved.extend(furniture);
    reserved.extend(symbols);
    paint_basemap_stack(painter, under, projector, basemap_style, plan, &reserved);
    let kept = (&mut caches.fills, &mut caches.dots);
    paint_layers(painter, projector, layers, visible, kept);
    paint_highlights(painter, projector, doc, overlay);
    paint_labels(painter, labels);
    lod.paint_note(painter, &viewport, doc);
    for drawing in &overlay.drawings {
        drawing.paint(painter, projector);
    }
    if let Some(scale_bar) = scale_bar {
        scale_bar.paint(painter);
    }
    if let Some((rect, layout)) = legend {
        paint_legend(painter, rect, layout);
    }
    paint_credits(painter, projector, basemap_style, plan);
}

/// Centre and zoom `memory` so `area` fills the fraction `fill` of a view of `size` points.
pub fn fit(memory: &mut MapMemory, area: Rect<f64>, size: Vec2, fill: f64) {
    let p = MercatorProjection;
    let a = p.project(lon_lat(area.min().x, area.max().y), 0.0);
    let b = p.project(lon_lat(area.max().x, area.min().y), 0.0);
    let width0 = (b.x() - a.x()).abs();
    let height0 = (b.y() - a.y()).abs();
    // A single point has no extent: centre on it, close enough to see the district around it
    // (zoom 9 or the current zoom if closer) but never at the maximum zoom.
    let zoom = if width0 < 1e-9 && height0 < 1e-9 {
        memory.zoom().max(9.0)
    } else {
        let zoom_x = (f64::from(size.x.max(100.0)) * fill / width0.max(1e-12)).log2();
        let zoom_y = (f64::from(size.y.max(100.0)) * fill / height0.max(1e-12)).log2();
        zoom_x.min(zoom_y).clamp(2.0, 16.0)
    };
    let middle = p.unproject(
        walkers::Pixels::new((a.x() + b.x()) / 2.0, (a.y() + b.y()) / 2.0),
        0.0,
    );
    memory.center_at(middle);
    let _ = memory.set_zoom(zoom);
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::vec2;

    #[test]
    fn fitting_cambodia_into_a_window_zooms_to_about_seven() {
        let mut memory = MapMemory::default();
        fit(&mut memory, cambodia(), vec2(1100.0, 850.0), 0.9);
        assert!(
            (7.0..8.5).contains(&memory.zoom()),
            "zoom {}",
            memory.zoom()
        );
        let c = memory.detached().expect("centred on an exact position");
        assert!((104.0..106.0).contains(&c.x()) && (12.0..13.0).contains(&c.y()));
    }

    #[test]
    fn fitting_a_single_point_centres_on_it_without_zooming_to_the_maximum() {
        let mut memory = MapMemory::default();
        let _ = memory.set_zoom(7.0);
        let p = Coord {
            x: 104.716,
            y: 11.202,
        };
        fit(&mut memory, Rect::new(p, p), vec2(1100.0, 850.0), 0.9);
        assert_eq!(memory.zoom(), 9.0);
        let c = memory.detached().expect("centred on an exact position");
        assert!((c.x() - p.x).abs() < 1e-9 && (c.y() - p.y).abs() < 1e-9);
    }

    /// A layer of `near` small squares in a 0.02° box around (104.9, 11.55) and `far` more
    /// 2° away, styled by `kind` and labelled by `name`.
    fn squares(near: usize, far: usize) -> (Document, HashMap<LayerId, LayerView>) {
        let square = |i: usize, x: f64, y: f64| {
            let d = 0.0004;
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}},"properties":{{"name":"B{i}","kind":"{k}"}}}}"#,
                x1 = x + d,
                y1 = y + d,
                k = ["house", "casino"][i % 2],
            )
        };
        let features: Vec<String> = (0..near)
            .map(|i| {
                square(
                    i,
                    104.89 + 0.0019 * (i % 10) as f64,
                    11.54 + 0.0019 * (i / 10) as f64,
                )
            })
            .chain((0..far).map(|i| {
                square(
                    near + i,
                    102.5 + 0.001 * (i % 500) as f64,
                    13.5 + 0.001 * (i / 500) as f64,
                )
            }))
            .collect();
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        let mut doc = Document::new();
        doc.add_layer(crate::io::read_str(&text, "squares.geojson").expect("valid"));
        let mut views = crate::render::layer_view::views_for(&doc);
        for view in views.values_mut() {
            view.style_mut().label = Some("name".into());
            view.style_mut().categories = Some(crate::style::Categories {
                property: "kind".into(),
                classes: vec![crate::style::Category {
                    value: "casino".into(),
                    color: crate::style::Rgba([200, 0, 0, 255]),
                }],
                other: crate::style::Rgba([90, 90, 90, 255]),
            });
        }
        (doc, views)
    }

    /// The near squares' box: drawn at street zoom.
    const NEAR: [f64; 4] = [104.888, 11.538, 104.91, 11.56];

    /// Draw two frames of the near squares at street zoom; what the caches keep and how many
    /// shapes the last frame painted.
    fn draw(doc: &Document, views: &HashMap<LayerId, LayerView>) -> (usize, usize, usize) {
        draw_at(doc, views, NEAR)
    }

    /// Draw two frames fitting `[west, south, east, north]` into 800×600 points.
    fn draw_at(
        doc: &Document,
        views: &HashMap<LayerId, LayerView>,
        bbox: [f64; 4],
    ) -> (usize, usize, usize) {
        let (caches, shapes) = frames(doc, views, bbox, &[]);
        (caches.fills.len(), caches.labels.len(), shapes.len())
    }

    /// Draw two frames fitting `[west, south, east, north]` into 800×600 points, with
    /// `furniture` drawn over the map; the caches and the last frame's shapes.
    fn frames(
        doc: &Document,
        views: &HashMap<LayerId, LayerView>,
        bbox: [f64; 4],
        furniture: &[ScreenRect],
    ) -> (DrawCaches, Vec<egui::epaint::ClippedShape>) {
        let mut caches = DrawCaches::default();
        let shapes = frames_with(doc, views, bbox, furniture, &mut caches);
        (caches, shapes)
    }

    /// The same, keeping what the frames keep in `caches`; the last frame's shapes.
    fn frames_with(
        doc: &Document,
        views: &HashMap<LayerId, LayerView>,
        [west, south, east, north]: [f64; 4],
        furniture: &[ScreenRect],
        caches: &mut DrawCaches,
    ) -> Vec<egui::epaint::ClippedShape> {
        let ctx = egui::Context::default();
        crate::render::setup_context(&ctx);
        let screen = ScreenRect::from_min_size(egui::Pos2::ZERO, vec2(800.0, 600.0));
        let input = || egui::RawInput {
            screen_rect: Some(screen),
            ..Default::default()
        };
        let _ = ctx.run_ui(input(), |_| {});
        let overlay = Overlay::default();
        let basemap_style = BasemapStyle::default();
        let plan = StackPlan {
            imagery: false,
            borders_above: true,
            labels_above: true,
            credit: None,
        };
        let scene = MapScene {
            furniture,
            doc,
            views,
            overlay: &overlay,
            basemap_style: &basemap_style,
            plan: &plan,
        };
        let mut shapes = Vec::new();
        for _ in 0..2 {
            let output = ctx.run_ui(input(), |ui| {
                let mut memory = MapMemory::default();
                let area = Rect::new(Coord { x: west, y: south }, Coord { x: east, y: north });
                fit(&mut memory, area, screen.size(), 1.0);
                let center = memory.detached().expect("centred");
                let projector = Projector::new(screen, &MercatorProjection, &memory, center);
                let painter = ui.painter().with_clip_rect(screen);
                let under = painter.add(egui::Shape::Noop);
                paint_map(&painter, under, &projector, &scene, caches);
            });
            shapes = output.shapes;
        }
        shapes
    }

    /// The screen boxes of the data's labels ("B…") among `shapes`.
    fn data_label_rects(shapes: &[egui::epaint::ClippedShape]) -> Vec<ScreenRect> {
        fn visit(shape: &egui::Shape, rects: &mut Vec<ScreenRect>) {
            match shape {
                egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| visit(s, rects)),
                egui::Shape::Text(text) if text.galley.text().starts_with('B') => {
                    rects.push(text.visual_bounding_rect());
                }
                _ => {}
            }
        }
        let mut rects = Vec::new();
        for clipped in shapes {
            visit(&clipped.shape, &mut rects);
        }
        rects
    }

    #[test]
    fn no_data_label_goes_under_what_is_drawn_over_the_map() {
        let (doc, views) = squares(100, 0);
        // Without furniture, some labels fall in the left half of the map: the test can fail.
        let left = ScreenRect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(400.0, 600.0));
        let (_, shapes) = frames(&doc, &views, NEAR, &[]);
        let free = data_label_rects(&shapes);
        assert!(
            free.iter().any(|r| r.intersects(left)),
            "no label in the left half to begin with: {free:?}"
        );
        // The window's controls (or an image's title) over the left half: no label under it,
        // and the labels are still drawn elsewhere.
        let (_, shapes) = frames(&doc, &views, NEAR, &[left]);
        let placed = data_label_rects(&shapes);
        assert!(!placed.is_empty());
        for r in &placed {
            assert!(
                !r.intersects(left.shrink(0.5)),
                "a label at {r:?} is under the furniture"
            );
        }
    }

    #[test]
    fn a_frame_does_the_same_work_whatever_lies_out_of_view_and_keeps_no_parsed_objects() {
        let (alone, alone_views) = squares(100, 0);
        let (crowded, crowded_views) = squares(100, 20_000);
        let a = draw(&alone, &alone_views);
        let b = draw(&crowded, &crowded_views);
        assert!(
            a.0 >= 100 && a.1 >= 100,
            "the squares in view were drawn: {a:?}"
        );
        assert_eq!(a, b, "(triangulations kept, labels kept, shapes painted)");
        let (_, layer) = crowded.layers().next().expect("a layer");
        let parsed = layer
            .features
            .iter()
            .filter(|f| f.holds_parsed_object())
            .count();
        assert_eq!(
            parsed, 0,
            "drawing (styled, labelled) keeps no parsed feature objects"
        );
    }

    #[test]
    fn a_frame_looks_at_about_as_many_features_as_it_shows_however_many_lie_out_of_view() {
        // The drawing path counts the features it looks at in the spatial index (every
        // pass: symbols, labels, drawing); none of the far squares is in view.
        let visits = |far: usize| {
            let (doc, views) = squares(100, far);
            let shown = draw(&doc, &views);
            let visits: u64 = views.values().map(LayerView::take_visits).sum();
            (visits, shown)
        };
        let (few, shown_few) = visits(1_000);
        let (many, shown_many) = visits(200_000);
        assert_eq!(shown_few, shown_many, "the same was drawn");
        assert!(
            few >= 2 * 100,
            "two frames looked at the 100 squares: {few}"
        );
        // Runs of neighbours at the cluster's edge may hold a few far squares, differently
        // for each layer; a frame that went through the far squares would look at
        // hundreds of thousands.
        assert!(
            many <= 2 * few,
            "{many} features looked at with 200,000 out of view, {few} with 1,000"
        );
    }

    #[test]
    fn buildings_smaller_than_a_pixel_are_dots_in_one_mesh() {
        // 2,000 squares of 44 m in a district-wide view (zoom about 10.5): each under a pixel.
        let district = [104.5, 11.2, 105.3, 11.9];
        let (doc, views) = squares(2_000, 0);
        let (fills, _, shapes) = draw_at(&doc, &views, district);
        let (empty, empty_views) = squares(0, 0);
        let (_, _, without) = draw_at(&empty, &empty_views, district);
        assert_eq!(fills, 0, "no polygon was triangulated");
        // Drawn one by one they would be two shapes each (fill and outline).
        assert_eq!(
            shapes,
            without + 1,
            "the squares added {} shapes",
            shapes - without
        );
    }

    #[test]
    fn a_layers_dots_are_made_again_only_when_the_view_the_layer_its_style_or_window_changes() {
        let district = [104.5, 11.2, 105.3, 11.9];
        let (mut doc, mut views) = squares(2_000, 0);
        let id = doc.layers().next().map(|(id, _)| id).expect("a layer");
        let mut caches = DrawCaches::default();
        let mut two_frames = |doc: &Document, views: &HashMap<LayerId, LayerView>, bbox| {
            let before = caches.dots.made();
            let shapes = frames_with(doc, views, bbox, &[], &mut caches);
            (caches.dots.made() - before, shapes.len())
        };
        let (made, shapes) = two_frames(&doc, &views, district);
        assert_eq!(made, 1, "the second frame draws the first frame's dots");
        // Nothing that places or styles them changed: drawn again as they are, and the same.
        assert_eq!(two_frames(&doc, &views, district), (0, shapes));
        // A pinned picture is no change of the layer.
        doc.insert_picture(
            0,
            crate::model::Picture::new("a.png", "0".repeat(64), [8, 8]),
        );
        assert_eq!(two_frames(&doc, &views, district).0, 0, "a picture");
        // Another view, a style change, a property edit, a time window: made again, once.
        assert_eq!(
            two_frames(&doc, &views, [104.6, 11.2, 105.4, 11.9]).0,
            1,
            "panned"
        );
        assert_eq!(two_frames(&doc, &views, district).0, 1, "back");
        let view = views.get_mut(&id).expect("view");
        view.style_mut().line_width += 1.0;
        assert_eq!(two_frames(&doc, &views, district).0, 1, "a style change");
        let first = crate::model::FeatureRef {
            layer: id,
            index: 0,
        };
        if let Some(f) = doc.feature_mut_same_geometry(first) {
            f.set_property("kind", "casino".into());
        }
        assert_eq!(two_frames(&doc, &views, district).0, 1, "a property edit");
        let view = views.get_mut(&id).expect("view");
        view.set_time_filter(Some((0..2_000).map(|i| i % 3 != 0).collect::<Vec<_>>()));
        assert_eq!(two_frames(&doc, &views, district).0, 1, "a time window");
        assert_eq!(two_frames(&doc, &views, district).0, 0);
    }
}
