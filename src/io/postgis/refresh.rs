//! Bringing in others' changes: whether a table changed since the layer last saw it (a cheap
//! stamp), and merging its rows now into the layer without touching this person's unsaved
//! edits.

use std::collections::HashMap;

use super::catalog::Table;
use super::connect::Connection;
use super::error::DbError;
use super::read::{feature_id_key, feature_query, id_key};
use super::save::feature_from_text;
use crate::model::{Feature, Layer, TableOrigin};

/// A table's state in two numbers: its row count and the newest row version. Any insert,
/// update or delete changes one of them.
pub type Stamp = (i64, i64);

/// The table's stamp now.
pub fn stamp(conn: &mut Connection, table: &Table) -> Result<Stamp, DbError> {
    let row = conn.client.query_one(
        &format!(
            "SELECT count(*), coalesce(max(xmin::text::bigint), 0) FROM {}",
            table.name.sql()
        ),
        &[],
    )?;
    Ok((row.get(0), row.get(1)))
}

/// The stamp of the rows as the layer last saw them.
pub fn local_stamp(origin: &TableOrigin) -> Stamp {
    (
        i64::try_from(origin.versions.len()).unwrap_or(i64::MAX),
        origin.versions.values().copied().max().map_or(0, i64::from),
    )
}

/// Every row of the table now: (id key, feature text, version).
pub fn fetch_rows(
    conn: &mut Connection,
    table: &Table,
) -> Result<Vec<(String, String, u32)>, DbError> {
    let rows = conn.client.query(&feature_query(table, "", false), &[])?;
    Ok(rows
        .iter()
        .map(|row| {
            let text: String = row.get(0);
            let version: Option<String> = row.get(1);
            (
                feature_id_key(&text),
                text,
                version.and_then(|v| v.parse().ok()).unwrap_or_default(),
            )
        })
        .collect())
}

/// What others changed, to be applied to the layer it was computed for.
#[derive(Debug, Clone, Default)]
pub struct Refresh {
    /// Unedited features whose row changed: (index, the row now).
    pub changed: Vec<(usize, Feature)>,
    /// Rows others added.
    pub added: Vec<Feature>,
    /// Unedited features whose row others deleted (indices, ascending).
    pub removed: Vec<usize>,
    /// The layer's row versions after the refresh.
    pub versions: HashMap<String, u32>,
}

impl Refresh {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }

    /// Apply to `layer` directly (tests, the command line; the window applies it through
    /// its document so caches follow).
    pub fn apply(self, layer: &mut Layer) {
        for (index, feature) in self.changed {
            if let Some(slot) = layer.features.get_mut(index) {
                *slot = feature;
            }
        }
        for index in self.removed.into_iter().rev() {
            if index < layer.features.len() {
                layer.features.remove(index);
            }
        }
        layer.features.extend(self.added);
        if let Some(origin) = layer.table.as_deref_mut() {
            origin.versions = self.versions;
        }
    }
}

/// Merge the table's `rows` (from [`fetch_rows`]) into what `layer` shows: unedited features
/// take their row as it is now, rows others added are added and rows others deleted go, while
/// every feature this person edited (and every row they deleted) stays as they left it, to be
/// checked against the table when they save.
pub fn merge(layer: &Layer, rows: Vec<(String, String, u32)>) -> Refresh {
    let Some(origin) = &layer.table else {
        return Refresh::default();
    };
    let mut local: HashMap<String, usize> = HashMap::with_capacity(layer.features.len());
    for (index, feature) in layer.features.iter().enumerate() {
        let key = match feature.original_text() {
            Some(text) => feature_id_key(text),
            None => feature.id().map(id_key).unwrap_or_default(),
        };
        local.insert(key, index);
    }
    let mut refresh = Refresh::default();
    let mut seen = std::collections::HashSet::with_capacity(rows.len());
    for (key, text, version) in rows {
        seen.insert(key.clone());
        let old = origin.versions.get(&key).copied();
        refresh.versions.insert(key.clone(), version);
        match (local.get(&key), old) {
            (Some(&index), Some(old)) if old != version => {
                if !layer.features[index].is_edited()
                    && let Some(feature) = feature_from_text(&text)
                {
                    refresh.changed.push((index, feature));
                }
            }
            (None, None) => {
                if let Some(feature) = feature_from_text(&text) {
                    refresh.added.push(feature);
                }
            }
            (None, Some(old)) => {
                // Deleted here and not saved yet: keep the version it was deleted at.
                refresh.versions.insert(key, old);
            }
            _ => {}
        }
    }
    for (key, &index) in &local {
        let Some(&old) = origin.versions.get(key) else {
            continue;
        };
        if seen.contains(key) {
            continue;
        }
        if layer.features[index].is_edited() {
            // Edited here, deleted there: saving reports it (the row's version is kept so the
            // feature is not taken for a new one).
            refresh.versions.insert(key.clone(), old);
        } else {
            refresh.removed.push(index);
        }
    }
    refresh.removed.sort_unstable();
    refresh
}
