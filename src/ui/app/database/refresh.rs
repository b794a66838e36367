//! *Refresh*: others' saves brought into the database layers, on demand or when the window
//! gets the focus back (then only when a table's stamp says it changed). The server is asked
//! on a thread; the rows are merged into the layer as one step of the undo history, keeping
//! every unsaved edit, and what others changed is marked on the map.

use super::job::Job;
use super::marks::Marks;
use crate::edit::Edit;
use crate::io::postgis::refresh::{self, Stamp};
use crate::io::postgis::{self, Address, DbError};
use crate::model::{FeatureRef, LayerId};
use crate::ui::app::RaidmapApp;
use crate::ui::panels::layers::ProblemReport;

/// The rows of a table now: (id key, feature text, version).
type Rows = Vec<(String, String, u32)>;

/// A refresh under way.
pub(crate) struct RefreshJob {
    pub layer: LayerId,
    /// Asked for by the person (an unchanged table is said so), not by the focus.
    asked: bool,
    address: Address,
    /// `None`: the table has not changed since the layer last saw it.
    job: Job<Option<Rows>>,
}

impl RaidmapApp {
    /// Refresh every database layer (`asked`: by the person, so the table is read even if its
    /// stamp did not change, and the outcome is said; else only changed tables are read).
    pub fn refresh_database(&mut self, ctx: &egui::Context, asked: bool) {
        for id in self.database_layers() {
            if self.database.busy_with(id)
                || self
                    .database
                    .conflicts
                    .as_ref()
                    .is_some_and(|c| c.layer == id)
            {
                continue;
            }
            let Some(origin) = self.doc.layer(id).and_then(|l| l.table.as_deref()) else {
                continue;
            };
            let Ok(address) = Address::parse(&origin.address) else {
                continue;
            };
            let Some(table) = address.table.clone() else {
                continue;
            };
            let seen: Stamp = refresh::local_stamp(origin);
            let password = self.database.secrets.password_for(&address);
            let job = Job::spawn(ctx, "refresh-table", {
                let address = address.clone();
                move || {
                    let mut conn = postgis::connect(&address, password.as_deref())?;
                    let table = postgis::describe(&mut conn, &table)?;
                    if !asked && refresh::stamp(&mut conn, &table)? == seen {
                        return Ok(None);
                    }
                    refresh::fetch_rows(&mut conn, &table).map(Some)
                }
            });
            self.database.refreshing.push(RefreshJob {
                layer: id,
                asked,
                address,
                job,
            });
        }
    }

    /// Take the refreshes that ended.
    pub(crate) fn poll_refreshes(&mut self) {
        let mut ended = Vec::new();
        self.database.refreshing.retain(|job| match job.job.poll() {
            Some(result) => {
                ended.push((job.layer, job.asked, job.address.clone(), result));
                false
            }
            None => true,
        });
        for (id, asked, address, result) in ended {
            match result {
                Ok(None) => {}
                Ok(Some(rows)) => self.merge_rows(id, rows, asked),
                Err(DbError::PasswordNeeded { .. }) if asked => {
                    self.ask_password(&address, "refresh");
                }
                Err(error) if asked => {
                    let name = self.layer_name(id);
                    self.status = format!("Could not refresh {name}.");
                    self.problems.push(ProblemReport {
                        title: format!("Could not refresh {name} from {}", address.short_name()),
                        lines: vec![super::open::explain(&error)],
                    });
                }
                Err(error) => {
                    // A refresh on focus does not interrupt; the status says it.
                    self.status = format!(
                        "Could not check {} for others' changes: {}",
                        self.layer_name(id),
                        super::open::explain(&error).replace('\n', " ")
                    );
                }
            }
        }
    }

    /// Merge the table's rows into the layer: others' changes as one undoable step, this
    /// person's unsaved edits kept, and the changes marked.
    fn merge_rows(&mut self, id: LayerId, rows: Rows, asked: bool) {
        let Some(layer) = self.doc.layer(id) else {
            return;
        };
        let name = layer.name.clone();
        let merged = refresh::merge(layer, rows);
        let mut marks = Marks::default();
        for (index, feature) in &merged.changed {
            marks.changed(layer.features.get(*index), feature);
        }
        for feature in &merged.added {
            marks.added(feature);
        }
        for index in &merged.removed {
            if let Some(feature) = layer.features.get(*index) {
                marks.removed(feature);
            }
        }
        let (changed, added, removed) = (
            merged.changed.len(),
            merged.added.len(),
            merged.removed.len(),
        );
        let remaining = layer.features.len() - removed;
        let empty = merged.is_empty();
        let mut edits: Vec<Edit> = merged
            .changed
            .into_iter()
            .map(|(index, feature)| Edit::ReplaceFeature {
                target: FeatureRef { layer: id, index },
                feature,
            })
            .collect();
        if !merged.removed.is_empty() {
            edits.push(Edit::DeleteFeatures {
                layer: id,
                indices: merged.removed,
            });
        }
        if !merged.added.is_empty() {
            edits.push(Edit::InsertFeatures {
                layer: id,
                features: merged
                    .added
                    .into_iter()
                    .enumerate()
                    .map(|(k, f)| (remaining + k, f))
                    .collect(),
            });
        }
        if !empty {
            self.edit(
                Edit::Batch(edits),
                format!("Bring in others' changes to {name}"),
            );
        }
        if let Some(origin) = self.doc.layer_mut(id).and_then(|l| l.table.as_deref_mut()) {
            origin.versions = merged.versions;
        }
        if empty {
            if asked {
                self.status = format!("{name} is up to date: no one else saved changes.");
            }
            return;
        }
        self.database.marks = marks;
        self.status = format!(
            "Brought in others' changes to {name}: {changed} changed, {added} new, {removed} \
             deleted (marked on the map)."
        );
    }
}
