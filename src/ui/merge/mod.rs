//! Team work in the window, on the core of [`crate::merge`]:
//!
//! - *Compare with…* ([`compare`]): a layer against another version (a file or another open
//!   layer); the differences marked on the map and listed for review with old and new values;
//!   *Take* / *Take all* as undoable edits.
//! - *Merge a colleague's copy…* ([`conflicts`]): the layer as it was opened is the base (a
//!   copy kept from the moment it was read, [`TeamWork::keep_base`], so saving edits over its
//!   file does not move the base), the layer as edited ours, the chosen file theirs; each
//!   change of theirs that does not conflict taken or left out, each conflict decided, and
//!   what was picked applied as one undoable step, nothing before *Apply*.
//!
//! Reading files and matching features (100,000 of them take about a second) run on a thread
//! ([`job`]). [`source`] asks for the other version and the key, [`marks`] draws on the map,
//! [`values`] shows JSON values with their types.

pub(crate) mod compare;
pub(crate) mod conflicts;
mod job;
pub(crate) mod marks;
mod source;
mod values;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::merge::Base;
use crate::model::{Document, LayerId};
use crate::render::overlay::MapDrawing;
use crate::ui::command::Command;

use compare::CompareWindow;
use conflicts::MergeWindow;

/// The open team windows (at most one of each).
#[derive(Default)]
pub struct TeamWork {
    pub compare: Option<CompareWindow>,
    pub merge: Option<MergeWindow>,
    /// Which window asked for a file dialog (the answer goes to it).
    browsing_for_merge: bool,
    /// Each layer as it was opened: the base of a merge.
    bases: HashMap<LayerId, Base>,
}

/// What the team windows ask of the app this frame.
pub enum Request {
    Nothing,
    /// Show a file dialog for the other version.
    Browse,
}

impl TeamWork {
    /// Open *Compare with…* for a layer.
    pub fn open_compare(&mut self, doc: &Document, layer: LayerId) {
        self.compare = Some(CompareWindow::new(doc, layer));
    }

    /// Open *Merge a colleague's copy…* for a layer.
    pub fn open_merge(&mut self, doc: &Document, layer: LayerId) {
        self.merge = Some(MergeWindow::new(doc, layer));
    }

    /// Keep `base` (the layer just opened as `id`, as it was read) as the base of later
    /// merges into it.
    pub fn keep_base(&mut self, id: LayerId, base: Base) {
        self.bases.insert(id, base);
    }

    /// The layer was closed: its base is not needed any more.
    pub fn forget(&mut self, id: LayerId) {
        self.bases.remove(&id);
    }

    /// A file picked in the dialog asked for by a window.
    pub fn picked_file(&mut self, path: PathBuf) {
        let text = path.display().to_string();
        match (self.browsing_for_merge, &mut self.merge, &mut self.compare) {
            (true, Some(m), _) => m.theirs.path = text,
            (false, _, Some(c)) => {
                c.other.path = text;
                c.other.layer = None;
            }
            _ => {}
        }
    }

    /// Whether any window is still working (tests wait for it).
    pub fn is_busy(&self) -> bool {
        self.compare.as_ref().is_some_and(CompareWindow::is_busy)
            || self.merge.as_ref().is_some_and(MergeWindow::is_busy)
    }

    /// The windows; edits and selections go into `commands`.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        commands: &mut Vec<Command>,
    ) -> Request {
        let mut request = Request::Nothing;
        if let Some(window) = &mut self.compare {
            match window.ui(ctx, doc, commands) {
                compare::Wants::Close => self.compare = None,
                compare::Wants::Browse => {
                    self.browsing_for_merge = false;
                    request = Request::Browse;
                }
                compare::Wants::Nothing => {}
            }
        }
        if let Some(window) = &mut self.merge {
            let base = self.bases.get(&window.layer);
            match window.ui(ctx, doc, base, commands) {
                conflicts::Wants::Close => self.merge = None,
                conflicts::Wants::Browse => {
                    self.browsing_for_merge = true;
                    request = Request::Browse;
                }
                conflicts::Wants::Nothing => {}
            }
        }
        request
    }

    /// What the windows draw on the map.
    pub fn drawings(&self) -> Vec<&dyn MapDrawing> {
        let compare = self.compare.as_ref().and_then(CompareWindow::drawing);
        let merge = self.merge.as_ref().and_then(MergeWindow::drawing);
        [compare, merge]
            .into_iter()
            .flatten()
            .map(|m| m as &dyn MapDrawing)
            .collect()
    }
}
