//! Two versions of a layer compared feature by feature, and three versions merged.
//!
//! Features are matched by a [`Key`] (the `id` member or a property the user names); features
//! without one are matched by identical content. [`diff`] lists what was added, removed and
//! changed (property by property, the geometry with how far a point moved); [`merge`] combines
//! a base with two edited copies at property level and lists every [`Conflict`].
//!
//! Both give their result as [`Edit`](crate::edit::Edit)s on the open layer, so the window
//! applies a taken change or a merge as one undoable step, and the command line applies the
//! same edits to its copy of OURS before writing it: a feature the merge does not touch keeps
//! its original text and is written back byte for byte.
//!
//! Nothing here knows about the screen.

mod base;
mod compare;
mod diff;
mod key;
mod three_way;

pub use base::Base;
pub use compare::{GeometryChange, ValueChange};
pub use diff::{Change, Diff, Entry, Take, diff};
pub use key::{Key, MatchError};
pub use three_way::{Conflict, Incoming, IncomingKind, Merge, Part, Side, What, merge};

#[cfg(test)]
mod tests;
