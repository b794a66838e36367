//! How the window is shared out between the map and the panels around it: side panels sized
//! from the window's width (so the map keeps at least half of it) and folded to a strip of
//! buttons on request, the timeline folded to one row on short windows.

/// Side panels never take more than these shares of the window's width, so the map keeps
/// at least half of it (with room for the panels' separators).
const LEFT_SHARE: f32 = 0.22;
const RIGHT_SHARE: f32 = 0.26;
/// The widths the side panels open with on a large window (logical points).
const LEFT_WIDTH: f32 = 290.0;
const RIGHT_WIDTH: f32 = 330.0;
/// Narrower than this, a side panel's content no longer reads well.
const MIN_PANEL_WIDTH: f32 = 150.0;
/// Windows shorter than this start with the timeline folded to its one row.
const TALL_ENOUGH_FOR_TIMELINE: f32 = 800.0;
/// Windows narrower than this start with the right-hand panel folded.
const WIDE_ENOUGH_FOR_BOTH: f32 = 1000.0;
/// The width of a folded side panel: a column of icon buttons.
pub(crate) const FOLDED_WIDTH: f32 = 34.0;

/// Which panels are open. The right-hand panel and the timeline follow the window's size
/// (folded on a small window) until the user opens or folds them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Layout {
    /// The layers panel (left).
    pub layers_open: bool,
    /// The feature / measure / coverage panel (right).
    details_open: bool,
    /// Whether the user opened or folded the right-hand panel.
    details_chosen: bool,
    /// Whether the user opened or folded the timeline.
    timeline_chosen: bool,
    /// The timeline's state as set here last, to notice the user's own toggle.
    timeline_set: Option<bool>,
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            layers_open: true,
            details_open: true,
            details_chosen: false,
            timeline_chosen: false,
            timeline_set: None,
        }
    }
}

/// The width range of one side panel for a window of a given width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PanelWidth {
    /// The width it opens with.
    pub default: f32,
    /// What the user can drag it to.
    pub range: egui::Rangef,
}

impl PanelWidth {
    fn of(window_width: f32, share: f32, preferred: f32) -> Self {
        let max = (window_width * share).max(MIN_PANEL_WIDTH);
        Self {
            default: preferred.min(max),
            range: egui::Rangef::new(MIN_PANEL_WIDTH.min(max), max),
        }
    }
}

impl Layout {
    /// Fold what a window of this size has no room for, unless the user chose: the
    /// timeline's histogram on a short window, the right-hand panel on a very narrow one.
    pub fn follow_window(&mut self, window: egui::Vec2, timeline_open: &mut bool) {
        if self.timeline_set.is_some_and(|set| set != *timeline_open) {
            self.timeline_chosen = true;
        }
        if !self.timeline_chosen {
            *timeline_open = window.y >= TALL_ENOUGH_FOR_TIMELINE;
            self.timeline_set = Some(*timeline_open);
        }
        if !self.details_chosen {
            self.details_open = window.x >= WIDE_ENOUGH_FOR_BOTH;
        }
    }

    /// Whether the right-hand panel is open.
    pub fn details_open(&self) -> bool {
        self.details_open
    }

    /// Open or fold the right-hand panel (the user's choice from now on).
    pub fn set_details_open(&mut self, open: bool) {
        self.details_open = open;
        self.details_chosen = true;
    }

    /// The layers panel's width for a window this wide.
    pub fn left(window_width: f32) -> PanelWidth {
        PanelWidth::of(window_width, LEFT_SHARE, LEFT_WIDTH)
    }

    /// The right-hand panel's width for a window this wide.
    pub fn right(window_width: f32) -> PanelWidth {
        PanelWidth::of(window_width, RIGHT_SHARE, RIGHT_WIDTH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_panels_leave_half_the_width_to_the_map() {
        for width in [1024.0, 1100.0, 1280.0, 1366.0, 1920.0] {
            let sides = Layout::left(width).range.max + Layout::right(width).range.max;
            assert!(sides <= width * 0.5, "{width}: panels may take {sides}");
        }
    }

    #[test]
    fn a_large_window_opens_the_panels_at_their_usual_width() {
        assert_eq!(Layout::left(1920.0).default, LEFT_WIDTH);
        assert_eq!(Layout::right(1920.0).default, RIGHT_WIDTH);
        assert!(Layout::left(1024.0).default < LEFT_WIDTH);
    }

    #[test]
    fn a_short_window_folds_the_timeline_until_the_user_opens_it() {
        let mut layout = Layout::default();
        let mut open = true;
        layout.follow_window(egui::vec2(1920.0, 1080.0), &mut open);
        assert!(open);
        layout.follow_window(egui::vec2(1024.0, 640.0), &mut open);
        assert!(!open, "folded when the window became short");
        open = true; // the user's click
        layout.follow_window(egui::vec2(1024.0, 640.0), &mut open);
        assert!(open, "the user's choice stays");
    }

    #[test]
    fn a_narrow_window_folds_the_right_panel_until_the_user_opens_it() {
        let mut layout = Layout::default();
        let mut open = true;
        layout.follow_window(egui::vec2(900.0, 700.0), &mut open);
        assert!(!layout.details_open());
        layout.set_details_open(true);
        layout.follow_window(egui::vec2(900.0, 700.0), &mut open);
        assert!(layout.details_open());
    }
}
