//! *Save to database*: each database layer's changes (only the changed features) sent on a
//! thread in one transaction; what came of it shown: saved N rows, nothing to save, or the
//! conflicts with others' saves (nothing written) for the person to settle.
//!
//! After a save the saved features become the rows as written, and every feature the undo
//! history keeps for those rows is rebased on them (`Feature::rebased`), so undoing an edit
//! after saving it is a change to save again, as with a file.

use std::collections::HashMap;

use super::conflicts::ConflictsWindow;
use super::job::Job;
use crate::io::postgis::read::id_key;
use crate::io::postgis::{self, Address, Changes, DbError, SaveOutcome};
use crate::model::{Feature, LayerId};
use crate::ui::app::RaidmapApp;
use crate::ui::panels::layers::ProblemReport;

/// A save under way.
pub(crate) struct SaveJob {
    pub layer: LayerId,
    /// The layer's revision when its changes were taken.
    revision: Option<u64>,
    address: Address,
    /// The features the save writes, as they were when it started, by id key.
    sent: HashMap<String, Feature>,
    job: Job<SaveOutcome>,
}

impl RaidmapApp {
    /// Save every database layer that has changes.
    pub fn save_to_database(&mut self, ctx: &egui::Context) {
        let mut started = 0;
        let mut unchanged = Vec::new();
        for id in self.database_layers() {
            match self.save_layer(ctx, id) {
                Some(true) => started += 1,
                Some(false) => unchanged.push(self.layer_name(id)),
                None => {}
            }
        }
        if started == 0 && !unchanged.is_empty() {
            self.status = format!("Nothing to save: no changes in {}.", unchanged.join(", "));
        }
    }

    /// Start saving one layer: `Some(true)` started, `Some(false)` nothing to save, `None`
    /// could not (said in the status and the problems list).
    pub(crate) fn save_layer(&mut self, ctx: &egui::Context, id: LayerId) -> Option<bool> {
        if self.database.busy_with(id) {
            self.status = format!(
                "{} is being saved or refreshed; try again.",
                self.layer_name(id)
            );
            return None;
        }
        let layer = self.doc.layer(id)?;
        let origin = layer.table.as_deref()?;
        if let Some(why) = &origin.read_only {
            self.problems.push(ProblemReport {
                title: format!("{} cannot be saved to its table", layer.name),
                lines: vec![
                    why.clone(),
                    "Export it to a file to keep your edits.".into(),
                ],
            });
            return None;
        }
        let address = match Address::parse(&origin.address) {
            Ok(address) => address,
            Err(e) => {
                self.status = format!("The address of {} is not right: {e}.", layer.name);
                return None;
            }
        };
        let table = address.table.clone()?;
        let changes = Changes::of(layer);
        if changes.is_empty() {
            return Some(false);
        }
        let sent = changes
            .indices()
            .filter_map(|i| layer.features.get(i))
            .filter_map(|f| Some((id_key(f.id()?), f.clone())))
            .collect();
        let password = self.database.secrets.password_for(&address);
        let (updated, inserted, deleted) = changes.counts();
        self.status = format!(
            "Saving {} to {}: {updated} changed, {inserted} new, {deleted} deleted…",
            layer.name,
            address.short_name()
        );
        let job = Job::spawn(ctx, "save-table", {
            let address = address.clone();
            move || {
                let mut conn = postgis::connect(&address, password.as_deref())?;
                postgis::save(&mut conn, &table, &changes)
            }
        });
        self.database.saving.push(SaveJob {
            layer: id,
            revision: self.doc.layer_revision(id),
            address,
            sent,
            job,
        });
        Some(true)
    }

    pub(crate) fn layer_name(&self, id: LayerId) -> String {
        self.doc
            .layer(id)
            .map(|l| l.name.clone())
            .unwrap_or_default()
    }

    /// Take the saves that ended.
    pub(crate) fn poll_saves(&mut self, ctx: &egui::Context) {
        let mut ended = Vec::new();
        let mut running = Vec::new();
        for job in std::mem::take(&mut self.database.saving) {
            match job.job.poll() {
                Some(result) => ended.push((job, result)),
                None => running.push(job),
            }
        }
        self.database.saving = running;
        for (job, result) in ended {
            self.saved(ctx, job, result);
        }
    }

    fn saved(&mut self, ctx: &egui::Context, job: SaveJob, result: Result<SaveOutcome, DbError>) {
        let SaveJob {
            layer: id,
            revision,
            address,
            sent,
            ..
        } = job;
        let address = &address;
        let name = self.layer_name(id);
        let table = address.short_name();
        match result {
            Ok(SaveOutcome::Nothing) => self.status = format!("Nothing to save in {name}."),
            Ok(SaveOutcome::Saved(saved)) => {
                let mut rows: HashMap<String, Option<Feature>> = saved
                    .features()
                    .into_iter()
                    .filter_map(|(_, f)| Some((id_key(f.id()?), Some(f))))
                    .collect();
                rows.extend(saved.deleted_keys().iter().map(|k| (k.clone(), None)));
                self.editing.history.features_mut(|layer, feature| {
                    if layer != id {
                        return;
                    }
                    let Some(key) = feature.id().map(id_key) else {
                        return;
                    };
                    match (rows.get(&key), sent.get(&key)) {
                        (Some(Some(row)), Some(was)) => *feature = feature.rebased(was, Some(row)),
                        (Some(None), _) => *feature = feature.rebased(feature, None),
                        _ => {}
                    }
                });
                let unchanged = self.doc.layer_revision(id) == revision;
                if let Some(layer) = self.doc.layer_mut(id) {
                    if unchanged {
                        saved.apply(layer);
                    } else if let Some(origin) = layer.table.as_deref_mut() {
                        // Edited while saving: the features stay as they are (still to save;
                        // saving them again writes nothing new), only the versions move on.
                        saved.update_versions(&mut origin.versions);
                    }
                }
                self.status = format!(
                    "Saved {} to {table}: {} rows ({} changed, {} new, {} deleted).",
                    name,
                    saved.total(),
                    saved.updated,
                    saved.inserted,
                    saved.deleted
                );
                self.database.conflicts = None;
            }
            Ok(SaveOutcome::Conflicts(conflicts)) => {
                self.status = format!(
                    "Nothing was saved to {table}: {} of your changes conflict with others' saves. \
                     Choose for each, then save again.",
                    conflicts.len()
                );
                self.database.conflicts = Some(ConflictsWindow::new(id, name, conflicts));
            }
            Err(DbError::PasswordNeeded { .. }) => self.ask_password(address, "save"),
            Err(error) => {
                if error.to_string().contains("password authentication failed") {
                    self.database.secrets.forget(address);
                    self.ask_password(address, "save");
                }
                self.status = format!("Could not save {name} to {table}; your edits are kept.");
                self.problems.push(ProblemReport {
                    title: format!("Could not save {name} to {table}"),
                    lines: vec![
                        super::open::explain(&error),
                        "Nothing was written by this save: the table is as it was, and your \
                         edits are kept in raidmap, unsaved. Save again when the database can \
                         be reached."
                            .into(),
                    ],
                });
            }
        }
        ctx.request_repaint();
    }
}
