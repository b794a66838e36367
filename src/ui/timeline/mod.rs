//! The timeline panel (bottom): events per day, week or month for every layer that has dates,
//! the window of days the map shows (dragged on the histogram, typed, or picked by month),
//! play/pause through time, each layer's time field, and the features whose date cannot be
//! read.
//!
//! It keeps, per layer, the detected time fields and the dates read with the chosen one; the
//! window and the field change only through [`Command::SetTimeWindow`] and
//! [`Command::SetTimeField`], applied by `RaidmapApp::apply`. A layer without dates is not on
//! the timeline and the window never hides its features.

mod histogram;
mod replay;

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::{Color32, RichText};

use crate::measure::group_thousands;
use crate::model::{Document, FeatureProperties, LayerId};
use crate::render::layer_view::{BACKGROUND_FROM, LayerView};
use crate::timeline::{
    Bin, Candidate, Day, Filter, LayerDates, LayerTimes, TimeField, Window, candidates,
    histogram_of_counts,
};
use crate::ui::command::Command;

/// How playing moves the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayMode {
    /// The start stays at the first event; the end moves forward.
    Accumulate,
    /// A window of fixed length moves forward.
    MovingWindow,
}

/// The dates of one layer.
struct Temporal {
    candidates: Vec<Candidate>,
    /// Read with the chosen field; `None` when the layer has no date field or the user took
    /// it off the timeline.
    times: Option<LayerTimes>,
    /// The layer's revision when read; the layer is read again when it changes (an edit).
    revision: Option<u64>,
}

pub struct TimelinePanel {
    /// Whether the panel is expanded (collapsed it is one row, so the map keeps its room).
    pub open: bool,
    /// The window the map shows; [`Window::ALL`] shows everything.
    window: Window,
    /// The bar width the user chose; `None` picks one from the data's extent.
    bin: Option<Bin>,
    from_text: String,
    to_text: String,
    text_error: Option<String>,
    pub playing: bool,
    pub speed_days_per_s: f32,
    pub mode: PlayMode,
    /// Length of the moving window in days.
    pub moving_days: i64,
    /// Fraction of a day played but not yet stepped.
    play_carry: f64,
    layers: HashMap<LayerId, Temporal>,
    /// Where a drag on the histogram started (day number).
    drag_start: Option<f64>,
    /// How the histogram mapped days to the screen in the last frame.
    histogram_transform: Option<egui_plot::PlotTransform>,
    /// Bumped whenever what the map should hide changes.
    generation: u64,
    /// Bumped whenever any layer's dates are read (again).
    dates_read: u64,
    /// The counts of the last histogram and what they were counted from.
    bars: Option<histogram::Bars>,
    /// The last quiet frame's histogram, painted again while nothing it shows changed.
    replay: replay::PlotReplay<histogram::Looks>,
    /// The extent of all dates and the events per month, for the `dates_read` they were
    /// worked out for (a frame must not go through every feature's date).
    extent_memo: std::cell::Cell<Option<(u64, Extent)>>,
    months_memo: Option<(u64, Vec<MonthButton>)>,
    /// The window summary, for the `generation` it was counted for and the document revision
    /// its texts were written for.
    summary_memo: std::cell::RefCell<Option<Summary>>,
    /// Big layers whose dates are read on another thread, with the revision being read.
    reading: HashMap<LayerId, (Option<u64>, Receiver<Dates>)>,
}

/// A layer, how many of its features the window shows and how many it has.
type ShownCount = (LayerId, usize, usize);

/// The window summary: how many features of each layer on the timeline the window shows, of
/// how many, and its two texts.
struct Summary {
    generation: u64,
    revision: u64,
    counts: Vec<ShownCount>,
    /// "Window: 2025-07-14 to 2025-07-16 (UTC days, inclusive)".
    window: String,
    /// "6 of 7 raids.geojson shown · …", empty without dated layers.
    shown: String,
}

/// A layer's date fields and its dates by the chosen one.
type Dates = (Vec<Candidate>, Option<LayerTimes>);

/// The date fields of a layer's features and their dates by `keep` (else by the best field).
fn read_dates(layer: &impl FeatureProperties, keep: Option<TimeField>) -> Dates {
    let candidates = candidates(layer);
    let field = keep.or_else(|| candidates.first().map(|c| c.field.clone()));
    let times = field.map(|f| LayerTimes::read(layer, f));
    (candidates, times)
}

/// First and last day with an event, if any.
type Extent = Option<(Day, Day)>;

impl Default for TimelinePanel {
    fn default() -> Self {
        Self {
            open: true,
            window: Window::ALL,
            bin: None,
            from_text: String::new(),
            to_text: String::new(),
            text_error: None,
            playing: false,
            speed_days_per_s: 2.0,
            mode: PlayMode::MovingWindow,
            moving_days: 3,
            play_carry: 0.0,
            layers: HashMap::new(),
            dates_read: 0,
            bars: None,
            replay: Default::default(),
            extent_memo: std::cell::Cell::new(None),
            months_memo: None,
            summary_memo: std::cell::RefCell::new(None),
            reading: HashMap::new(),
            drag_start: None,
            histogram_transform: None,
            generation: 0,
        }
    }
}

impl TimelinePanel {
    /// The window the map shows.
    pub fn window(&self) -> Window {
        self.window
    }

    /// Where the middle of `day` was on the histogram in the last frame (for tests and for
    /// anything that points at a date).
    pub fn histogram_pos(&self, day: Day) -> Option<egui::Pos2> {
        let t = self.histogram_transform.as_ref()?;
        let x = t.position_from_point_x(day.0 as f64 + 0.5);
        Some(egui::pos2(x, t.frame().center().y))
    }

    /// Counter that changes whenever the window or a layer's dates change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Set the window (from [`Command::SetTimeWindow`]).
    pub fn set_window(&mut self, window: Window) {
        if window != self.window {
            self.window = window;
            self.generation += 1;
        }
        self.from_text = window.from.map(|d| d.to_string()).unwrap_or_default();
        self.to_text = window.to.map(|d| d.to_string()).unwrap_or_default();
        self.text_error = None;
    }

    /// Choose a layer's time field, or none (from [`Command::SetTimeField`]).
    pub fn set_field(&mut self, doc: &Document, id: LayerId, field: Option<TimeField>) {
        let Some(layer) = doc.layer(id) else { return };
        if let Some(t) = self.layers.get_mut(&id) {
            t.times = field.map(|f| LayerTimes::read(layer, f));
            self.generation += 1;
            self.dates_read += 1;
        }
    }

    /// Take the dates of a new layer read elsewhere (by the thread that read its file, so the
    /// window does not scan a big layer): its candidate fields and its dates by the first.
    /// `revision` is the layer's revision in the document.
    pub fn add_read(&mut self, id: LayerId, revision: Option<u64>, dates: LayerDates) {
        self.layers.insert(
            id,
            Temporal {
                candidates: dates.candidates,
                times: dates.times,
                revision,
            },
        );
        self.generation += 1;
        self.dates_read += 1;
    }

    /// Detect and read the dates of new or changed layers; forget closed ones.
    pub fn sync(&mut self, doc: &Document) {
        let before = self.layers.len();
        self.layers.retain(|id, _| doc.layer(*id).is_some());
        let mut changed = before != self.layers.len();
        for (id, layer) in doc.layers() {
            if self
                .layers
                .get(&id)
                .is_some_and(|t| t.revision == doc.layer_revision(id))
            {
                continue;
            }
            let keep = self
                .layers
                .get(&id)
                .and_then(|t| t.times.as_ref().map(|x| x.field.clone()));
            let revision = doc.layer_revision(id);
            let dates = if layer.features.len() < BACKGROUND_FROM {
                read_dates(layer, keep)
            } else {
                // A big layer is read on another thread; its last dates stay meanwhile.
                match self.reading.get(&id) {
                    Some((r, rx)) if *r == revision => match rx.try_recv() {
                        Ok(dates) => dates,
                        Err(TryRecvError::Empty) => continue,
                        Err(TryRecvError::Disconnected) => read_dates(layer, keep),
                    },
                    _ => {
                        // The texts the styles are worked out from after the same change, shared.
                        let texts = doc.property_texts(id).unwrap_or_default();
                        let field = keep.clone();
                        let (tx, rx) = channel();
                        let started = std::thread::Builder::new().name("read-dates".into()).spawn(
                            move || {
                                let _ = tx.send(read_dates(texts.as_ref(), field));
                            },
                        );
                        if started.is_ok() {
                            self.reading.insert(id, (revision, rx));
                            continue;
                        }
                        read_dates(layer, keep)
                    }
                }
            };
            self.reading.remove(&id);
            let (candidates, times) = dates;
            self.layers.insert(
                id,
                Temporal {
                    candidates,
                    times,
                    revision,
                },
            );
            changed = true;
        }
        self.reading.retain(|id, _| doc.layer(*id).is_some());
        if changed {
            self.generation += 1;
            self.dates_read += 1;
        }
    }

    /// Whether a big layer's dates are being read again on another thread.
    pub fn is_reading(&self) -> bool {
        !self.reading.is_empty()
    }

    /// The dates of a layer by its chosen field, if it is on the timeline.
    pub fn times(&self, id: LayerId) -> Option<&LayerTimes> {
        self.layers.get(&id)?.times.as_ref()
    }

    /// Which features of a layer the map shows: `None` for all (no window, or the layer has no
    /// dates); else one flag per feature. A feature whose date cannot be read is hidden while a
    /// window is set (it is listed in the panel).
    pub fn shown(&self, id: LayerId) -> Option<Filter> {
        if self.window.is_unbounded() {
            return None;
        }
        Some(self.times(id)?.filter(&self.window))
    }

    /// First and last day with an event on any layer (worked out once per reading of dates).
    fn extent(&self) -> Option<(Day, Day)> {
        if let Some((read, extent)) = self.extent_memo.get()
            && read == self.dates_read
        {
            return extent;
        }
        let extent = self
            .layers
            .values()
            .filter_map(|t| t.times.as_ref()?.extent())
            .reduce(|a, b| a.union(b))
            .map(|w| (w.first_day(), w.last_day()));
        self.extent_memo.set(Some((self.dates_read, extent)));
        extent
    }

    /// The bin width in use: the user's, else one that suits the data's extent.
    fn bin(&self) -> Bin {
        self.bin.unwrap_or_else(|| match self.extent() {
            Some((a, b)) if b.0 - a.0 <= 120 => Bin::Day,
            Some((a, b)) if b.0 - a.0 <= 3 * 365 => Bin::Week,
            _ => Bin::Month,
        })
    }

    /// Advance the window while playing; called once per frame.
    fn play_step(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        if !self.playing {
            return;
        }
        let Some((first, last)) = self.extent() else {
            self.playing = false;
            return;
        };
        ctx.request_repaint();
        let dt = f64::from(ctx.input(|i| i.stable_dt).min(0.25));
        self.play_carry += dt * f64::from(self.speed_days_per_s);
        let steps = self.play_carry.floor() as i64;
        if steps < 1 {
            return;
        }
        self.play_carry -= steps as f64;
        let to = self.window.to.map_or(first, |d| d.plus(steps));
        if to > last {
            self.playing = false;
            return;
        }
        let from = match self.mode {
            PlayMode::Accumulate => first,
            PlayMode::MovingWindow => to.plus(1 - self.moving_days.max(1)),
        };
        commands.push(Command::SetTimeWindow(Window::days(from, to)));
    }

    /// Start playing from the first event (or go on from the current window).
    fn start_playing(&mut self, commands: &mut Vec<Command>) {
        let Some((first, last)) = self.extent() else {
            return;
        };
        self.playing = true;
        self.play_carry = 0.0;
        let at_end = self.window.to.is_none_or(|to| to >= last);
        if at_end {
            let to = match self.mode {
                PlayMode::Accumulate => first,
                PlayMode::MovingWindow => first.plus(self.moving_days.max(1) - 1),
            };
            commands.push(Command::SetTimeWindow(Window::days(first, to)));
        }
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        views: &HashMap<LayerId, LayerView>,
        commands: &mut Vec<Command>,
    ) {
        self.play_step(ui.ctx(), commands);
        // One row that wraps on a narrow window rather than cutting its controls off.
        ui.horizontal_wrapped(|ui| {
            if ui
                .selectable_label(self.open, RichText::new("Timeline").strong())
                .on_hover_text("Show or hide the timeline")
                .clicked()
            {
                self.open = !self.open;
            }
            self.window_summary_ui(ui, doc);
            ui.separator();
            self.window_controls_ui(ui, commands);
        });
        if !self.open {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            self.play_controls_ui(ui, commands);
            ui.separator();
            self.months_ui(ui, commands);
            ui.separator();
            if ui
                .button("Export animation…")
                .on_hover_text("Save the map moving through the dates as a GIF, WebP or MP4")
                .clicked()
            {
                commands.push(Command::OpenPublish(crate::ui::command::Dialog::Animation));
            }
        });
        self.fields_ui(ui, doc, commands);
        self.histogram_ui(ui, doc, views, commands);
    }

    /// "Window: … · 6 of 7 raids shown" (written again only when the window, the dates or the
    /// document change).
    fn window_summary_ui(&self, ui: &mut egui::Ui, doc: &Document) {
        let mut memo = self.summary_memo.borrow_mut();
        let summary = match memo.take() {
            Some(s) if s.generation == self.generation && s.revision == doc.revision() => s,
            Some(s) if s.generation == self.generation => self.summary(doc, s.counts),
            _ => self.summary(doc, self.shown_counts(doc)),
        };
        ui.label(RichText::new(summary.window.as_str()).strong());
        if !summary.shown.is_empty() {
            ui.label(summary.shown.as_str());
        }
        *memo = Some(summary);
    }

    /// The summary's texts for `counts`.
    fn summary(&self, doc: &Document, counts: Vec<ShownCount>) -> Summary {
        let parts: Vec<String> = counts
            .iter()
            .filter_map(|&(id, shown, total)| {
                let layer = doc.layer(id)?;
                let [shown, total] = [shown, total].map(|n| group_thousands(n as f64));
                Some(format!("{shown} of {total} {} shown", layer.name))
            })
            .collect();
        let window = if self.window.is_unbounded() {
            "all dates".to_owned()
        } else {
            format!("{} (UTC days, inclusive)", self.window)
        };
        Summary {
            generation: self.generation,
            revision: doc.revision(),
            counts,
            window: format!("Window: {window}"),
            shown: parts.join(" · "),
        }
    }

    /// How many features of each layer on the timeline the window shows, of how many (goes
    /// through each layer's distinct dates: once per change of the window or the dates).
    fn shown_counts(&self, doc: &Document) -> Vec<ShownCount> {
        doc.layers()
            .filter_map(|(id, _)| {
                let times = self.times(id)?;
                let total = times.dates.len();
                let shown = if self.window.is_unbounded() {
                    total
                } else {
                    times.filter(&self.window).count()
                };
                Some((id, shown, total))
            })
            .collect()
    }

    fn window_controls_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let width = crate::ui::text_fit::field_width(ui, "YYYY-MM-DD");
        let label = ui.label("from");
        let from = ui
            .add(
                egui::TextEdit::singleline(&mut self.from_text)
                    .hint_text("YYYY-MM-DD")
                    .desired_width(width),
            )
            .labelled_by(label.id);
        let label = ui.label("to");
        let to = ui
            .add(
                egui::TextEdit::singleline(&mut self.to_text)
                    .hint_text("YYYY-MM-DD")
                    .desired_width(width),
            )
            .labelled_by(label.id);
        let enter =
            (from.lost_focus() || to.lost_focus()) && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("Apply").clicked() || enter {
            self.apply_typed(commands);
        }
        if ui
            .button("All dates")
            .on_hover_text("Show every feature, whatever its date")
            .clicked()
        {
            self.playing = false;
            commands.push(Command::SetTimeWindow(Window::ALL));
        }
        if let (Some(from), Some(to)) = (self.window.from, self.window.to) {
            let len = to.0 - from.0 + 1;
            if ui
                .button("« Earlier")
                .on_hover_text(format!("Move the window {len} days back"))
                .clicked()
            {
                commands.push(Command::SetTimeWindow(Window::days(
                    from.plus(-len),
                    to.plus(-len),
                )));
            }
            if ui
                .button("Later »")
                .on_hover_text(format!("Move the window {len} days forward"))
                .clicked()
            {
                commands.push(Command::SetTimeWindow(Window::days(
                    from.plus(len),
                    to.plus(len),
                )));
            }
        }
        if let Some(err) = &self.text_error {
            ui.label(RichText::new(err).color(ui.visuals().error_fg_color));
        }
    }

    /// Read the typed window; an empty box leaves that end open.
    fn apply_typed(&mut self, commands: &mut Vec<Command>) {
        let read = |text: &str, end: bool| -> Result<Option<Day>, String> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            Day::parse_bound(text, end)
                .map(Some)
                .ok_or_else(|| format!("{text:?} is not a date: write YYYY-MM-DD or YYYY-MM"))
        };
        match (read(&self.from_text, false), read(&self.to_text, true)) {
            (Ok(from), Ok(to)) => {
                if let (Some(a), Some(b)) = (from, to)
                    && a > b
                {
                    self.text_error = Some("the window ends before it starts".into());
                    return;
                }
                self.text_error = None;
                commands.push(Command::SetTimeWindow(Window { from, to }));
            }
            (Err(e), _) | (_, Err(e)) => self.text_error = Some(e),
        }
    }

    fn play_controls_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let has_dates = self.extent().is_some();
        let label = if self.playing { "Pause" } else { "Play" };
        if ui
            .add_enabled(has_dates, egui::Button::new(label))
            .on_hover_text("Step through time, one day at a time")
            .clicked()
        {
            if self.playing {
                self.playing = false;
            } else {
                self.start_playing(commands);
            }
        }
        ui.add(
            egui::Slider::new(&mut self.speed_days_per_s, 0.5..=60.0)
                .logarithmic(true)
                .suffix(" days/s")
                .max_decimals(1),
        )
        .on_hover_text("Playing speed: days of the timeline per second");
        egui::ComboBox::from_id_salt("play-mode")
            .selected_text(match self.mode {
                PlayMode::Accumulate => "accumulate",
                PlayMode::MovingWindow => "moving window",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut self.mode, PlayMode::Accumulate, "accumulate")
                    .on_hover_text("Keep everything from the first event on");
                ui.selectable_value(&mut self.mode, PlayMode::MovingWindow, "moving window")
                    .on_hover_text("Show only the last days");
            })
            .response
            .on_hover_text("How Play moves the window");
        if self.mode == PlayMode::MovingWindow {
            ui.add(
                egui::DragValue::new(&mut self.moving_days)
                    .range(1..=3650)
                    .suffix(" days"),
            )
            .on_hover_text("Length of the moving window");
        }
        ui.separator();
        ui.label("bars per");
        let current = self.bin();
        egui::ComboBox::from_id_salt("timeline-bin")
            .selected_text(current.name())
            .show_ui(ui, |ui| {
                for bin in Bin::ALL {
                    if ui.selectable_label(current == bin, bin.name()).clicked() {
                        self.bin = Some(bin);
                    }
                }
            })
            .response
            .on_hover_text("Width of the histogram's bars");
    }

    /// One button per month with events (up to 24 of them): one click shows that month.
    fn months_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        if self
            .months_memo
            .as_ref()
            .is_none_or(|(read, _)| *read != self.dates_read)
        {
            let buttons = month_buttons(self.layers.values().filter_map(|t| t.times.as_ref()));
            self.months_memo = Some((self.dates_read, buttons));
        }
        let Some((_, buttons)) = &self.months_memo else {
            return;
        };
        if buttons.is_empty() {
            return;
        }
        ui.label("Months:");
        let mut picked = None;
        for m in buttons {
            if ui
                .selectable_label(self.window == m.window, m.text.as_str())
                .on_hover_text(m.hover.as_str())
                .clicked()
            {
                picked = Some(m.window);
            }
        }
        if let Some(window) = picked {
            self.playing = false;
            commands.push(Command::SetTimeWindow(window));
        }
    }

    /// Per layer with dates: its time field (changeable) and its unreadable dates.
    fn fields_ui(&mut self, ui: &mut egui::Ui, doc: &Document, commands: &mut Vec<Command>) {
        for (id, layer) in doc.layers() {
            let Some(t) = self.layers.get(&id) else {
                continue;
            };
            if t.candidates.is_empty() {
                continue;
            }
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("{}: time field", layer.name)).strong());
                let current = t.times.as_ref().map(|x| x.field.clone());
                let shown = current.as_ref().map_or_else(
                    || "none (not on the timeline)".to_owned(),
                    ToString::to_string,
                );
                egui::ComboBox::from_id_salt(("time-field", id))
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for c in &t.candidates {
                            let text = format!(
                                "{} ({} dated)",
                                c.field,
                                group_thousands(c.readable as f64)
                            );
                            if ui
                                .selectable_label(current.as_ref() == Some(&c.field), text)
                                .clicked()
                            {
                                commands.push(Command::SetTimeField(id, Some(c.field.clone())));
                            }
                        }
                        if ui
                            .selectable_label(current.is_none(), "none (not on the timeline)")
                            .clicked()
                        {
                            commands.push(Command::SetTimeField(id, None));
                        }
                    })
                    .response
                    .on_hover_text("The property that dates this layer's features");
                let Some(times) = &t.times else { return };
                ui.label(format!("{} dated", group_thousands(times.dated() as f64)));
                let bad = times.unreadable();
                let count = times.unreadable_count();
                if count == 0 {
                    ui.label(RichText::new("every date read").weak());
                } else {
                    let hidden = if self.window.is_unbounded() {
                        ""
                    } else {
                        " (hidden while a window is set)"
                    };
                    egui::CollapsingHeader::new(
                        RichText::new(format!(
                            "{} without a readable date{hidden}",
                            group_thousands(count as f64)
                        ))
                        .color(Color32::from_rgb(170, 90, 0)),
                    )
                    .id_salt(("unreadable", id))
                    .show(ui, |ui| {
                        egui::ScrollArea::vertical()
                            .max_height(90.0)
                            .show(ui, |ui| {
                                for u in bad {
                                    ui.label(format!("{} (#{}): {}", u.label, u.index, u.reason));
                                }
                                if count > bad.len() {
                                    ui.label(
                                        RichText::new(format!(
                                            "… and {} more, not listed",
                                            group_thousands((count - bad.len()) as f64)
                                        ))
                                        .weak(),
                                    );
                                }
                            });
                    });
                }
            });
        }
    }
}

/// A month with events, as its button shows it: "Jul 2025 (6)", "Show 2025-07-01 to
/// 2025-07-31", and the window it sets.
struct MonthButton {
    text: String,
    hover: String,
    window: Window,
}

/// The buttons of the months with events in `times` (through their distinct dates); none when
/// there are more than 24 such months.
fn month_buttons<'a>(times: impl Iterator<Item = &'a LayerTimes>) -> Vec<MonthButton> {
    let distinct = times.flat_map(|t| t.dates.distinct());
    let Some(months) = histogram_of_counts(distinct, Bin::Month, 10_000) else {
        return Vec::new();
    };
    let with_events: Vec<_> = months.iter().filter(|b| b.count > 0).collect();
    if with_events.len() > 24 {
        return Vec::new();
    }
    with_events
        .into_iter()
        .map(|m| {
            let (y, mo, _) = m.first.ymd();
            MonthButton {
                text: format!(
                    "{} {y} ({})",
                    MONTHS[(mo as usize).saturating_sub(1) % 12],
                    m.count
                ),
                hover: format!("Show {} to {}", m.first, m.last),
                window: Window::days(m.first, m.last),
            }
        })
        .collect()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
