//! The undo/redo history: one list of steps across all layers, each with a description.

use super::{Edit, EditError};
use crate::model::{Document, Feature, LayerId};

/// One step of the history: what it was (for the history list) and the edit that reverses it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub description: String,
    reverse: Edit,
}

/// Undo and redo stacks. Every edit goes through [`History::apply`]; a new edit clears the
/// redo stack, as in every editor.
#[derive(Debug, Default, Clone)]
pub struct History {
    undo: Vec<Entry>,
    redo: Vec<Entry>,
}

impl Entry {
    /// The edit that undoing this step (or redoing it, on the redo stack) applies.
    pub fn reverse(&self) -> &Edit {
        &self.reverse
    }
}

impl History {
    /// Apply `edit` and remember how to undo it. On error nothing changed and nothing is kept.
    pub fn apply(
        &mut self,
        doc: &mut Document,
        edit: Edit,
        description: impl Into<String>,
    ) -> Result<(), EditError> {
        let reverse = edit.apply(doc)?;
        self.undo.push(Entry {
            description: description.into(),
            reverse,
        });
        self.redo.clear();
        Ok(())
    }

    /// Every whole feature the undo and redo steps hold, with its layer (a save to a table
    /// rebases them on the rows it wrote: see [`crate::model::Feature::rebased`]).
    pub fn features_mut(&mut self, mut visit: impl FnMut(LayerId, &mut Feature)) {
        for entry in self.undo.iter_mut().chain(self.redo.iter_mut()) {
            entry.reverse.features_mut(&mut visit);
        }
    }

    /// Undo the last step; returns its description and the edit that was applied to undo it,
    /// or `None` when there is nothing to undo. A step that can no longer be undone (its layer
    /// was closed) is dropped with its error.
    pub fn undo(&mut self, doc: &mut Document) -> Option<Result<String, EditError>> {
        let entry = self.undo.pop()?;
        Some(match entry.reverse.apply(doc) {
            Ok(reverse) => {
                self.redo.push(Entry {
                    description: entry.description.clone(),
                    reverse,
                });
                Ok(entry.description)
            }
            Err(err) => {
                self.redo.clear();
                Err(err)
            }
        })
    }

    /// Redo the last undone step, like [`undo`](Self::undo).
    pub fn redo(&mut self, doc: &mut Document) -> Option<Result<String, EditError>> {
        let entry = self.redo.pop()?;
        Some(match entry.reverse.apply(doc) {
            Ok(reverse) => {
                self.undo.push(Entry {
                    description: entry.description.clone(),
                    reverse,
                });
                Ok(entry.description)
            }
            Err(err) => {
                self.redo.clear();
                Err(err)
            }
        })
    }

    /// Steps that can be undone, oldest first.
    pub fn done(&self) -> &[Entry] {
        &self.undo
    }

    /// Steps that can be redone, the next one last.
    pub fn undone(&self) -> &[Entry] {
        &self.redo
    }

    /// Forget everything (a project was opened in place of the document).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}
