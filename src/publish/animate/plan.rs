//! Which frames an animation has: one per step from the first day to the last, both ends
//! included, each with the window of days it shows and the caption written on it.

use std::fmt;

use crate::timeline::{Day, Window};

/// The most frames one animation may have.
pub const MAX_FRAMES: usize = 5_000;

/// How far apart frames are: `1d`, `3d`, `1w`, `1mo`, ….
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub count: u32,
    pub unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Day,
    Week,
    Month,
}

impl Step {
    pub const DAY: Step = Step {
        count: 1,
        unit: Unit::Day,
    };

    /// `Nd`, `Nw` or `Nmo` (N from 1 to 1000; `d`, `w`, `mo` alone mean 1).
    pub fn parse(text: &str) -> Result<Step, String> {
        let text = text.trim();
        let (number, unit) = if let Some(n) = text.strip_suffix("mo") {
            (n, Unit::Month)
        } else if let Some(n) = text.strip_suffix('w') {
            (n, Unit::Week)
        } else if let Some(n) = text.strip_suffix('d') {
            (n, Unit::Day)
        } else {
            return Err(format!(
                "{text:?} is not a step: write 1d, 1w or 1mo (a number of days, weeks or months)"
            ));
        };
        let count = if number.is_empty() {
            1
        } else {
            number
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| format!("{text:?}: the number of a step must be 1 to 1000"))?
        };
        Ok(Step { count, unit })
    }

    /// `day` moved by `times` steps (negative: back). A month step keeps the day of the month,
    /// or the month's last day when it has fewer days.
    pub fn advance(self, day: Day, times: i64) -> Day {
        let n = i64::from(self.count) * times;
        match self.unit {
            Unit::Day => day.plus(n),
            Unit::Week => day.plus(7 * n),
            Unit::Month => {
                let (y, m, d) = day.ymd();
                let months = y * 12 + i64::from(m) - 1 + n;
                let (year, month) = (months.div_euclid(12), (months.rem_euclid(12) + 1) as u32);
                (1..=d)
                    .rev()
                    .find_map(|d| Day::from_ymd(year, month, d))
                    .unwrap_or(day)
            }
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            Unit::Day => "d",
            Unit::Week => "w",
            Unit::Month => "mo",
        };
        write!(f, "{}{unit}", self.count)
    }
}

/// What each frame shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Everything from the first day up to the frame's day.
    Accumulate,
    /// The last N steps up to the frame's day (`window:7` with `--step 1d`: a week).
    Window(u32),
}

impl Mode {
    /// `accumulate` or `window:N` (N from 1 to 1000).
    pub fn parse(text: &str) -> Result<Mode, String> {
        let text = text.trim();
        if text == "accumulate" {
            return Ok(Mode::Accumulate);
        }
        let n = text
            .strip_prefix("window:")
            .ok_or_else(|| format!("{text:?} is not a mode: write accumulate or window:N"))?;
        n.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .map(Mode::Window)
            .ok_or_else(|| format!("{text:?}: N in window:N must be a whole number from 1 to 1000"))
    }
}

/// One frame: its day, the window of days it shows, and its caption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FramePlan {
    pub day: Day,
    pub window: Window,
    pub caption: String,
}

/// Why no frames could be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the first day {from} is after the last day {to}")]
    Backwards { from: Day, to: Day },
    #[error(
        "{count} frames from {from} to {to} by {step} is too many (at most {MAX_FRAMES}): choose a longer --step or fewer days"
    )]
    TooMany {
        from: Day,
        to: Day,
        step: Step,
        count: usize,
    },
}

/// The frames from `from` to `to` (both included: the last frame is `to` even when it is
/// not a whole number of steps after `from`).
pub fn frames(from: Day, to: Day, step: Step, mode: Mode) -> Result<Vec<FramePlan>, PlanError> {
    if from > to {
        return Err(PlanError::Backwards { from, to });
    }
    let mut days = Vec::new();
    let mut k = 0;
    loop {
        let day = step.advance(from, k);
        if day > to {
            break;
        }
        if days.len() >= MAX_FRAMES {
            // Count the rest cheaply for the message.
            let per = match step.unit {
                Unit::Day => 1.0,
                Unit::Week => 7.0,
                Unit::Month => 30.44,
            } * f64::from(step.count);
            let count = ((to.0 - from.0) as f64 / per).floor() as usize + 1;
            return Err(PlanError::TooMany {
                from,
                to,
                step,
                count,
            });
        }
        days.push(day);
        k += 1;
    }
    if days.last() != Some(&to) {
        days.push(to);
    }
    Ok(days
        .into_iter()
        .map(|day| {
            let (window, caption) = match mode {
                Mode::Accumulate => (Window::days(from, day), day.to_string()),
                Mode::Window(n) => {
                    let first = step.advance(day, -i64::from(n)).plus(1).max(from.min(day));
                    let first = first.min(day);
                    (Window::days(first, day), format!("{first} to {day}"))
                }
            };
            FramePlan {
                day,
                window,
                caption,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse_bound(text, false).expect("a date")
    }

    #[test]
    fn ten_days_make_ten_frames_with_both_ends() {
        let f = frames(
            day("2025-07-10"),
            day("2025-07-19"),
            Step::DAY,
            Mode::Accumulate,
        )
        .expect("frames");
        assert_eq!(f.len(), 10);
        assert_eq!(f[0].caption, "2025-07-10");
        assert_eq!(f[9].caption, "2025-07-19");
        assert_eq!(
            f[9].window,
            Window::days(day("2025-07-10"), day("2025-07-19"))
        );
    }

    #[test]
    fn the_last_day_is_a_frame_even_off_the_step() {
        let step = Step::parse("1w").expect("step");
        let f =
            frames(day("2025-07-10"), day("2025-07-19"), step, Mode::Accumulate).expect("frames");
        let days: Vec<String> = f.iter().map(|f| f.day.to_string()).collect();
        assert_eq!(days, ["2025-07-10", "2025-07-17", "2025-07-19"]);
    }

    #[test]
    fn a_moving_window_covers_n_steps_ending_on_the_frame() {
        let f = frames(
            day("2025-07-01"),
            day("2025-07-20"),
            Step::DAY,
            Mode::Window(7),
        )
        .expect("frames");
        assert_eq!(
            f[0].window,
            Window::days(day("2025-07-01"), day("2025-07-01"))
        );
        assert_eq!(
            f[19].window,
            Window::days(day("2025-07-14"), day("2025-07-20"))
        );
        assert_eq!(f[19].caption, "2025-07-14 to 2025-07-20");
    }

    #[test]
    fn month_steps_keep_the_day_or_the_months_last() {
        let step = Step::parse("1mo").expect("step");
        assert_eq!(step.advance(day("2025-01-31"), 1), day("2025-02-28"));
        assert_eq!(step.advance(day("2025-03-15"), -3), day("2024-12-15"));
        let f =
            frames(day("2025-01-31"), day("2025-05-31"), step, Mode::Accumulate).expect("frames");
        assert_eq!(f.len(), 5);
    }

    #[test]
    fn bad_steps_modes_and_ranges_are_refused() {
        for bad in ["", "0d", "1y", "d1", "-1d", "1001d", "1.5d"] {
            assert!(Step::parse(bad).is_err(), "{bad}");
        }
        for bad in ["window", "window:0", "window:x", "accum"] {
            assert!(Mode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Mode::parse("window:3"), Ok(Mode::Window(3)));
        assert!(matches!(
            frames(
                day("2025-07-19"),
                day("2025-07-10"),
                Step::DAY,
                Mode::Accumulate
            ),
            Err(PlanError::Backwards { .. })
        ));
        assert!(matches!(
            frames(
                day("1900-01-01"),
                day("2025-07-10"),
                Step::DAY,
                Mode::Accumulate
            ),
            Err(PlanError::TooMany { .. })
        ));
    }
}
