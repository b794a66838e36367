//! The timeline's histogram: each dated layer's events per bin, stacked in the layer's
//! colour, and the window as a band; a drag across it sets the window, a click a bar's bin.
//!
//! The counts are kept until the dates, the bin or the extent change ([`Bars`]), and a frame
//! where nothing the histogram shows changed paints the last frame's shapes again instead of
//! laying the plot out ([`PlotReplay`](super::replay::PlotReplay)).

use std::collections::HashMap;

use egui::{Color32, RichText};
use egui_plot::{Bar, BarChart, Plot, Span};

use super::TimelinePanel;
use crate::model::{Document, LayerId};
use crate::render::layer_view::LayerView;
use crate::timeline::{Bin, BinCount, Day, LayerTimes, When, Window, histogram};
use crate::ui::command::Command;

/// Half the width of a date ("2025-07-16") under the histogram, in points.
const HALF_DATE_WIDTH: f64 = 36.0;
/// Most bars the histogram draws; a finer bin with more falls back to a wider one.
const MAX_BARS: usize = 1_500;
/// egui_plot's smallest plot side, in points (`Plot::min_size`'s default).
const PLOT_MIN_SIDE: f32 = 64.0;

/// What the bars' counts depend on: the dates read, the bin asked for, the extent, the
/// layers on the timeline.
#[derive(PartialEq)]
struct BarsKey {
    dates_read: u64,
    asked: Bin,
    first: Day,
    last: Day,
    layers: Vec<LayerId>,
}

/// The histogram's counts, kept so a frame does not count every feature's date again.
pub(super) struct Bars {
    key: BarsKey,
    /// The bin the bars are of: the one asked for, or a coarser one when it would make too
    /// many bars.
    bin: Bin,
    /// Per layer of `key.layers`, its events in each bin.
    counts: Vec<Vec<BinCount>>,
}

/// Everything the histogram's pixels and widgets depend on, for
/// [`PlotReplay`](super::replay::PlotReplay).
#[derive(PartialEq)]
pub(super) struct Looks {
    dates_read: u64,
    bin: Bin,
    first: Day,
    last: Day,
    /// Each layer's id, name and colour.
    series: Vec<(LayerId, String, Color32)>,
    window: Window,
    size: egui::Vec2,
    /// Where the ui's next widget goes and what it has room for: cursor, max and min rects,
    /// clip rect.
    place: [egui::Rect; 4],
    layer: egui::LayerId,
    style: std::sync::Arc<egui::Style>,
    enabled: bool,
    opacity: f32,
}

impl TimelinePanel {
    pub(super) fn histogram_ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        views: &HashMap<LayerId, LayerView>,
        commands: &mut Vec<Command>,
    ) {
        let (first, last) = match self.extent() {
            Some(e) => e,
            None => {
                ui.label(
                    RichText::new(
                        "No layer has dates. A property with ISO 8601 dates (2025-07-16, \
                         2025-07-16T14:00:00+07:00, 2025-07) puts a layer on the timeline.",
                    )
                    .weak(),
                );
                return;
            }
        };
        self.count_bars(doc, first, last, self.bin());
        let Some(bars) = &self.bars else { return };
        let mut series = Vec::new();
        let mut shown_counts = Vec::new();
        for (id, counts) in bars.key.layers.iter().zip(&bars.counts) {
            let Some(layer) = doc.layer(*id) else {
                continue;
            };
            let color = views.get(id).map_or(Color32::GRAY, |v| {
                crate::render::layer_view::color32(v.style().color)
            });
            series.push((*id, layer.name.clone(), color));
            shown_counts.push(counts.as_slice());
        }
        let window = self.window;
        let height = ui.available_height().clamp(70.0, 120.0);
        // The size `Plot::show` takes (its width the room left, neither side under its minimum).
        let size = egui::vec2(
            ui.available_size_before_wrap().x.max(PLOT_MIN_SIDE),
            height.max(PLOT_MIN_SIDE),
        );
        let looks = Looks {
            dates_read: bars.key.dates_read,
            bin: bars.bin,
            first,
            last,
            series,
            window,
            size,
            place: [ui.cursor(), ui.max_rect(), ui.min_rect(), ui.clip_rect()],
            layer: ui.layer_id(),
            style: ui.style().clone(),
            enabled: ui.is_enabled(),
            opacity: ui.opacity(),
        };
        let bin = bars.bin;
        let draw = |ui: &mut egui::Ui, looks: &Looks| {
            let plotted: Vec<(&str, Color32, &[BinCount])> = looks
                .series
                .iter()
                .zip(&shown_counts)
                .map(|((_, name, color), counts)| (name.as_str(), *color, *counts))
                .collect();
            plot(ui, height, &plotted, window, first, last)
        };
        let (response, transform) =
            self.replay
                .show(ui, looks, size, self.drag_start.is_some(), draw);
        self.histogram_input(&response, transform, bin, commands);
    }

    /// Count each dated layer's events per bin, unless they were counted for the same dates,
    /// bin and extent.
    fn count_bars(&mut self, doc: &Document, first: Day, last: Day, asked: Bin) {
        let layers: Vec<LayerId> = doc
            .layers()
            .filter(|(id, _)| self.times(*id).is_some())
            .map(|(id, _)| id)
            .collect();
        let key = BarsKey {
            dates_read: self.dates_read,
            asked,
            first,
            last,
            layers,
        };
        if self.bars.as_ref().is_some_and(|b| b.key == key) {
            return;
        }
        // The same bins for every layer: count from the common first to the common last day.
        let mut bin = asked;
        let bins = loop {
            match (histogram([first, last].map(When::day), bin, MAX_BARS), bin) {
                (Some(b), _) => break b,
                (None, Bin::Day) => bin = Bin::Week,
                (None, _) => bin = Bin::Month,
            }
        };
        let counts = key
            .layers
            .iter()
            .map(|id| count_bars(&bins, bin, self.times(*id)))
            .collect();
        self.bars = Some(Bars { key, bin, counts });
    }

    /// A drag on the histogram sets the window to the dragged days; a click, to the bar's bin.
    fn histogram_input(
        &mut self,
        response: &egui::Response,
        transform: egui_plot::PlotTransform,
        bin: Bin,
        commands: &mut Vec<Command>,
    ) {
        self.histogram_transform = Some(transform);
        let day_at = |pos: egui::Pos2| transform.value_from_position(pos).x;
        // A drag is recognised only after the pointer moved a little: start where it was pressed.
        if response.drag_started()
            && let Some(pos) = response
                .ctx
                .input(|i| i.pointer.press_origin())
                .or_else(|| response.interact_pointer_pos())
        {
            self.drag_start = Some(day_at(pos));
        }
        if let (Some(start), Some(pos)) = (self.drag_start, response.interact_pointer_pos())
            && (response.dragged() || response.drag_stopped())
        {
            let end = day_at(pos);
            let (a, b) = (start.min(end), start.max(end));
            self.playing = false;
            let dragged = Window::days(Day(a.floor() as i64), Day(b.floor() as i64));
            // Only a change is a command: a held drag must not repaint for ever.
            if dragged != self.window {
                commands.push(Command::SetTimeWindow(dragged));
            }
            if response.drag_stopped() {
                self.drag_start = None;
            }
        } else if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            let start = bin.start_of(Day(day_at(pos).floor() as i64));
            self.playing = false;
            commands.push(Command::SetTimeWindow(Window::days(
                start,
                bin.next(start).plus(-1),
            )));
        }
    }
}

/// The histogram plot, `height` points high: `series`' bars (name, colour, counts) stacked
/// and the window as a band.
fn plot(
    ui: &mut egui::Ui,
    height: f32,
    series: &[(&str, Color32, &[BinCount])],
    window: Window,
    first: Day,
    last: Day,
) -> egui_plot::PlotResponse<()> {
    // A date is written centred on its mark: one too near either end would be cut off by
    // the plot's edge, so it is left out (the hover label still names every day).
    let plot_width = f64::from(ui.available_width());
    let x_fmt = move |mark: egui_plot::GridMark, range: &std::ops::RangeInclusive<f64>| {
        axis_date(mark.value, range, plot_width)
    };
    Plot::new("timeline-histogram")
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_grid([false, true])
        .x_grid_spacer(day_grid)
        .x_axis_formatter(x_fmt)
        // Counts are whole numbers: no label between them.
        .y_axis_formatter(|mark, _| {
            if mark.value.fract() == 0.0 {
                format!("{}", mark.value)
            } else {
                String::new()
            }
        })
        .y_axis_min_width(18.0)
        .include_y(0.0)
        .include_x(first.0 as f64 - 0.5)
        .include_x(last.0 as f64 + 1.5)
        .label_formatter(|hover| {
            let p = match hover {
                egui_plot::HoverPosition::NearDataPoint { position, .. } => position,
                egui_plot::HoverPosition::Elsewhere { position } => position,
            };
            Some(Day(p.x.floor() as i64).to_string())
        })
        .show(ui, |plot_ui| {
            plot_bars(plot_ui, series, window, first, last);
        })
}

/// Marks on whole days only, far enough apart for a date label: every 1 or 2 days, every
/// Monday or second Monday, or on the first of every 1, 3, 6, 12, 24 or 60 months.
fn day_grid(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    const LABEL_SPACING_PX: f64 = 110.0;
    let (lo, hi) = input.bounds;
    // `base_step_size` is the plot width of 8 points.
    let min_days = input.base_step_size / 8.0 * LABEL_SPACING_PX;
    let (first, last) = (Day(lo.ceil() as i64), Day(hi.floor() as i64));
    let mut marks = Vec::new();
    if !(lo.is_finite() && hi.is_finite()) || last.0 - first.0 > 200_000 {
        return marks;
    }
    if let Some(step) = [1_i64, 2, 7, 14]
        .into_iter()
        .find(|s| *s as f64 >= min_days)
    {
        let mut d = match step {
            1 => first,
            2 => Day(first.0 + first.0.rem_euclid(2)),
            _ => Bin::Week.start_of(first),
        };
        while d <= last {
            if d >= first {
                marks.push(egui_plot::GridMark {
                    value: d.0 as f64,
                    step_size: step as f64,
                });
            }
            d = d.plus(step);
        }
        return marks;
    }
    let months = [1_u32, 3, 6, 12, 24, 60]
        .into_iter()
        .find(|m| f64::from(*m) * 30.44 >= min_days)
        .unwrap_or(60);
    let mut d = Bin::Month.start_of(first);
    while d <= last {
        let (y, m, _) = d.ymd();
        let index = y * 12 + i64::from(m) - 1;
        if d >= first && index.rem_euclid(i64::from(months)) == 0 {
            marks.push(egui_plot::GridMark {
                value: d.0 as f64,
                step_size: f64::from(months) * 30.44,
            });
        }
        d = Bin::Month.next(d);
    }
    marks
}

/// How many of a layer's dated features start in each of `bins` (of width `bin`), through
/// its distinct dates.
fn count_bars(bins: &[BinCount], bin: Bin, times: Option<&LayerTimes>) -> Vec<BinCount> {
    let mut counts: Vec<BinCount> = bins.iter().map(|b| BinCount { count: 0, ..*b }).collect();
    for (w, n) in times.into_iter().flat_map(|t| t.dates.distinct()) {
        let start = bin.start_of(w.first_day());
        if let Ok(i) = counts.binary_search_by_key(&start, |b| b.first) {
            counts[i].count += n;
        }
    }
    counts
}

/// The date written under the axis mark at `day` (days since 1970) on a plot `plot_width`
/// points wide showing `range`: empty when the date, centred on its mark, would be cut off by
/// either edge.
fn axis_date(day: f64, range: &std::ops::RangeInclusive<f64>, plot_width: f64) -> String {
    let px_per_day = plot_width / (range.end() - range.start()).max(1e-9);
    let room = (day - range.start()).min(range.end() - day) * px_per_day;
    if room < HALF_DATE_WIDTH {
        String::new()
    } else {
        Day(day.round() as i64).to_string()
    }
}

/// The stacked bars of `series` and the time window as a band.
fn plot_bars(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    series: &[(&str, Color32, &[BinCount])],
    window: Window,
    first: Day,
    last: Day,
) {
    let mut below: Vec<BarChart> = Vec::new();
    for (name, color, counts) in series {
        let bars = counts
            .iter()
            .map(|b| {
                let width = (b.last.0 - b.first.0 + 1) as f64;
                Bar::new(b.first.0 as f64 + width / 2.0, b.count as f64)
                    .width(width * 0.9)
                    .name(format!("{name}: {} {} to {}", b.count, b.first, b.last))
            })
            .collect();
        let refs: Vec<&BarChart> = below.iter().collect();
        let chart = BarChart::new(*name, bars).color(*color).stack_on(&refs);
        below.push(chart);
    }
    for chart in below {
        plot_ui.bar_chart(chart);
    }
    if !window.is_unbounded() {
        let a = window.from.map_or(first.0 as f64 - 1.0, |d| d.0 as f64);
        let b = window.to.map_or(last.0 as f64 + 2.0, |d| d.0 as f64 + 1.0);
        plot_ui.span(
            Span::new("window", a..=b)
                .fill(Color32::from_rgba_unmultiplied(250, 200, 0, 50))
                .border_color(Color32::from_rgb(200, 150, 0)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse_bound(text, false).expect("a day")
    }

    fn marks(from: &str, to: &str, width_px: f64) -> Vec<String> {
        let (lo, hi) = (day(from).0 as f64, day(to).0 as f64);
        let input = egui_plot::GridInput {
            bounds: (lo, hi),
            base_step_size: (hi - lo) / width_px * 8.0,
        };
        day_grid(input)
            .into_iter()
            .map(|m| {
                assert_eq!(m.value.fract(), 0.0, "whole days only");
                Day(m.value as i64).to_string()
            })
            .collect()
    }

    #[test]
    fn axis_dates_too_near_either_edge_to_be_written_whole_are_left_out() {
        // 2025-07-01 is day 20,270; a month shown on 600 points is about 19 points a day.
        let (first, last) = (20_270.0, 20_301.0);
        let range = first..=last;
        assert_eq!(axis_date(first + 15.0, &range, 600.0), "2025-07-16");
        // On the left edge, and one day in (19 points: less than half a date's width).
        assert_eq!(axis_date(first, &range, 600.0), "");
        assert_eq!(axis_date(first + 1.0, &range, 600.0), "");
        assert_eq!(axis_date(last - 1.0, &range, 600.0), "");
        // Four days in there is room (76 points).
        assert_eq!(axis_date(first + 4.0, &range, 600.0), "2025-07-05");
    }

    #[test]
    fn histogram_marks_fall_on_whole_days_mondays_or_first_of_months() {
        // Three days over 1,400 px: every day.
        assert_eq!(
            marks("2025-07-14", "2025-07-16", 1400.0),
            ["2025-07-14", "2025-07-15", "2025-07-16"]
        );
        // Two months over 1,000 px: Mondays.
        let weekly = marks("2025-06-01", "2025-07-31", 1000.0);
        assert!(weekly.contains(&"2025-07-14".to_owned()), "{weekly:?}");
        assert!(weekly.iter().all(|d| Bin::Week.start_of(day(d)) == day(d)));
        // Nine months over 1,400 px: first days of months.
        let monthly = marks("2024-10-23", "2025-07-18", 1400.0);
        assert!(monthly.iter().all(|d| d.ends_with("-01")), "{monthly:?}");
        assert!(monthly.contains(&"2025-01-01".to_owned()), "{monthly:?}");
    }
}

#[cfg(test)]
mod replay_tests {
    use super::*;
    use egui::epaint::ClippedShape;

    fn raids() -> Document {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"date":"2025-07-14"},"geometry":{"type":"Point","coordinates":[104.9,11.5]}},
            {"type":"Feature","properties":{"date":"2025-07-16"},"geometry":{"type":"Point","coordinates":[103.5,10.6]}},
            {"type":"Feature","properties":{"date":"2025-08-02"},"geometry":{"type":"Point","coordinates":[103.6,10.7]}}]}"#;
        let mut doc = Document::new();
        doc.add_layer(crate::io::read_str(text, "raids.geojson").expect("valid"));
        doc
    }

    /// What a frame of the histogram alone left: its shapes, where the ui's next widget goes
    /// and the id it gets (the same ids mean the same widgets were allocated).
    type Frame = (Vec<ClippedShape>, egui::Rect, egui::Rect, egui::Id);

    fn frame(
        ctx: &egui::Context,
        panel: &mut TimelinePanel,
        doc: &Document,
        events: Vec<egui::Event>,
    ) -> Frame {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(900.0, 300.0),
            )),
            events,
            ..Default::default()
        };
        let mut after = None;
        let output = ctx.run_ui(input, |ui| {
            panel.histogram_ui(ui, doc, &HashMap::new(), &mut Vec::new());
            after = Some((ui.min_rect(), ui.cursor(), ui.next_auto_id()));
        });
        let (min_rect, cursor, id) = after.expect("the frame ran");
        (output.shapes, min_rect, cursor, id)
    }

    /// The frames are the same (told shape by shape: a whole frame's debug text is long).
    fn same(a: &Frame, b: &Frame) {
        assert_eq!((a.1, a.2, a.3), (b.1, b.2, b.3), "layout and widgets");
        assert_eq!(a.0.len(), b.0.len(), "shape count");
        for (i, (x, y)) in a.0.iter().zip(&b.0).enumerate() {
            let short = |s: &ClippedShape| format!("{s:?}").chars().take(400).collect::<String>();
            assert!(x == y, "shape {i}: {} != {}", short(x), short(y));
        }
    }

    #[test]
    fn a_histogram_painted_again_is_the_one_drawn_and_the_pointer_over_it_draws_it() {
        let ctx = egui::Context::default();
        crate::render::setup_context(&ctx);
        let doc = raids();
        let mut panel = TimelinePanel::default();
        panel.sync(&doc);
        for _ in 0..3 {
            frame(&ctx, &mut panel, &doc, Vec::new());
        }
        assert!(
            panel.replay.is_settled(),
            "three quiet frames drew the same"
        );
        let painted = frame(&ctx, &mut panel, &doc, Vec::new());
        assert!(panel.replay.is_settled());
        panel.replay.forget();
        let drawn = frame(&ctx, &mut panel, &doc, Vec::new());
        assert!(!drawn.0.is_empty(), "the plot drew something");
        same(&painted, &drawn);
        // A window set changes the key: drawn again, with the band.
        panel.set_window(Window::days(
            Day::parse_bound("2025-07-14", false).expect("a day"),
            Day::parse_bound("2025-07-20", true).expect("a day"),
        ));
        let banded = frame(&ctx, &mut panel, &doc, Vec::new());
        assert_ne!(banded.0, drawn.0, "the window's band");
        // The pointer over the plot: drawn (for its hover label) and nothing kept.
        for _ in 0..3 {
            frame(&ctx, &mut panel, &doc, Vec::new());
        }
        assert!(panel.replay.is_settled());
        let over = panel
            .histogram_pos(Day::parse_bound("2025-07-16", false).expect("a day"))
            .expect("the histogram was drawn");
        let hovered = frame(
            &ctx,
            &mut panel,
            &doc,
            vec![egui::Event::PointerMoved(over)],
        );
        assert!(
            !panel.replay.is_settled(),
            "a frame with the pointer is not kept"
        );
        assert_ne!(hovered.0, banded.0, "the hover label and rulers");
    }
}
