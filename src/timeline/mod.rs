//! Time in the data: reading dates, choosing the field that dates a layer, windows of days and
//! histograms.
//!
//! Plain data and logic, no egui: the timeline panel, the `coverage` command and the tests use
//! it alike. Promises:
//! - `2025-07-16` is the whole UTC day; `2025-07` the whole month; a date-time with `Z` or an
//!   offset is one instant placed by UTC; `A/B` and `start`/`end` pairs are spans. A
//!   date-time without an offset and a bare year are refused, not guessed.
//! - A [`Window`] is inclusive whole UTC days; an event is in it when any of its span is.
//! - Every feature whose date cannot be read is counted, the first ones listed with why
//!   ([`LayerTimes::unreadable`]), and the reason of any one read again on demand
//!   ([`LayerTimes::why_unreadable`]).
//! - A layer's dates take about 4 bytes a feature ([`Dates`]: each distinct span once).

mod date;
mod dates;
mod field;
mod window;

pub use date::{DateError, Day, SECONDS_PER_DAY, When, parse_when};
pub use dates::{Dates, Filter};
pub use field::{
    Candidate, LISTED_UNREADABLE, LayerDates, LayerTimes, TimeField, Unreadable, UnreadableFeature,
    candidates,
};
pub use window::{Bin, BinCount, Window, histogram, histogram_of_counts};
