//! Saving a layer's edits back to its table without ever overwriting someone else's change.
//!
//! [`Changes::of`] finds what the layer changed since it was read: edited features (each
//! against its own base text, the row as it was read), new features and deleted rows. [`save`]
//! then, in one transaction, locks the rows it will touch (`SELECT … FOR UPDATE`) and compares
//! each with what this layer saw:
//! - an edited row: for every field (the geometry or one property) this layer changed, the
//!   row's value now must still be the base value (or already equal the new one). Fields
//!   others changed meanwhile that this layer did not touch are kept: different people's
//!   changes to different rows, or to different properties of one row, all survive.
//! - a deleted row: its version (`xmin`) must be the one read; a row someone else changed is
//!   not deleted.
//! - a new feature with an id: no row may have that id already.
//!
//! If anything fails the test, nothing is written (the transaction is rolled back) and every
//! [`Conflict`] is returned with the other person's values, to be settled with [`resolve`] and
//! saved again. A connection lost mid-save leaves the table as it was (the server rolls back)
//! and the layer unchanged.

use std::collections::{HashMap, HashSet};

use postgres::Transaction;
use serde_json::{Map, Value};

use super::address::{TableName, quote_ident};
use super::catalog::{self, Table};
use super::connect::Connection;
use super::error::DbError;
use super::read::{feature_id_key, id_key};
use super::write::{Parts, add_missing_columns, insert, read_rows, row_object};
use crate::model::{Feature, Layer};

/// One field of a feature: its geometry or one property.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field {
    Geometry,
    Property(String),
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Field::Geometry => f.write_str("geometry"),
            Field::Property(key) => write!(f, "{key}"),
        }
    }
}

impl Field {
    /// This field's value in `parts` (a missing property is `null`, as in the table).
    pub(crate) fn value_in(&self, parts: &Parts) -> Value {
        match self {
            Field::Geometry => parts.geometry.clone(),
            Field::Property(key) => parts.properties.get(key).cloned().unwrap_or(Value::Null),
        }
    }
}

/// An edited feature: its place, the row as read and as it is now.
#[derive(Debug, Clone)]
struct Update {
    index: usize,
    key: String,
    base: Parts,
    mine: Parts,
    fields: Vec<Field>,
}

/// What a layer changed since it was read from its table.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    updates: Vec<Update>,
    /// New features (index in the layer, parts).
    inserts: Vec<(usize, Parts)>,
    /// Rows deleted from the layer: their id key and version as read.
    deletes: Vec<(String, u32)>,
}

impl Changes {
    /// The changes of `layer` (which must come from a table; else there are none).
    pub fn of(layer: &Layer) -> Self {
        let Some(origin) = &layer.table else {
            return Self::default();
        };
        let mut changes = Self::default();
        let mut present = 0usize;
        for (index, feature) in layer.features.iter().enumerate() {
            if !feature.is_edited() {
                present += 1;
                continue;
            }
            let mine = Parts::of(feature);
            let key = mine.id.as_ref().map(id_key);
            let known = key.as_ref().filter(|k| origin.versions.contains_key(*k));
            match (known, Parts::base_of(feature)) {
                (Some(key), Some(base)) if base.id == mine.id => {
                    present += 1;
                    let fields = changed_fields(&base, &mine);
                    if !fields.is_empty() {
                        changes.updates.push(Update {
                            index,
                            key: key.clone(),
                            base,
                            mine,
                            fields,
                        });
                    }
                }
                (Some(key), _) => {
                    // A feature put in place of a row (a paste, a resolved conflict's
                    // re-insert): every field is this layer's.
                    present += 1;
                    let base = Parts {
                        id: mine.id.clone(),
                        geometry: Value::Null,
                        properties: Map::new(),
                    };
                    let mut fields = changed_fields(&base, &mine);
                    fields.push(Field::Geometry);
                    fields.dedup();
                    changes.updates.push(Update {
                        index,
                        key: key.clone(),
                        base,
                        mine,
                        fields,
                    });
                }
                (None, _) => changes.inserts.push((index, mine)),
            }
        }
        if present < origin.versions.len() {
            // Some rows read are no longer features: find which (ids of unedited features are
            // read from the start of their text, which the server wrote).
            let mut ids: HashSet<String> = HashSet::with_capacity(layer.features.len());
            for feature in &layer.features {
                let key = match feature.original_text() {
                    Some(text) => feature_id_key(text),
                    None => feature.id().map(id_key).unwrap_or_default(),
                };
                ids.insert(key);
            }
            changes.deletes = origin
                .versions
                .iter()
                .filter(|(key, _)| !ids.contains(*key))
                .map(|(key, version)| (key.clone(), *version))
                .collect();
            changes.deletes.sort();
        }
        changes
    }

    pub fn is_empty(&self) -> bool {
        self.updates.is_empty() && self.inserts.is_empty() && self.deletes.is_empty()
    }

    /// (changed, new, deleted) feature counts.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.updates.len(), self.inserts.len(), self.deletes.len())
    }

    /// Indices of the features this save would write (changed or new).
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.updates
            .iter()
            .map(|u| u.index)
            .chain(self.inserts.iter().map(|(i, _)| *i))
    }
}

/// The fields whose values differ between `base` and `mine`.
fn changed_fields(base: &Parts, mine: &Parts) -> Vec<Field> {
    let mut fields = Vec::new();
    if base.geometry != mine.geometry {
        fields.push(Field::Geometry);
    }
    let keys = base.properties.keys().chain(
        mine.properties
            .keys()
            .filter(|k| !base.properties.contains_key(*k)),
    );
    for key in keys {
        let field = Field::Property(key.clone());
        if field.value_in(base) != field.value_in(mine) {
            fields.push(field);
        }
    }
    fields
}

/// What stops a save, for one feature.
#[derive(Debug, Clone, PartialEq)]
pub enum ConflictKind {
    /// Another person changed fields this layer changed too.
    Changed,
    /// Another person deleted the row this layer changed.
    DeletedByOther,
    /// This layer deleted a row another person changed.
    ChangedByOther,
    /// This layer added a feature whose id another person has given a row meanwhile.
    IdTaken,
}

/// One field two people changed differently.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldConflict {
    pub field: Field,
    /// The value when this layer read the row.
    pub base: Value,
    pub mine: Value,
    /// The value in the table now.
    pub theirs: Value,
}

/// A feature the save could not write without overwriting someone else's change.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub kind: ConflictKind,
    /// The feature's id as JSON text (`7`, `"site-7"`).
    pub key: String,
    /// The feature's index in the layer (none for a row this layer deleted).
    pub index: Option<usize>,
    /// The fields in conflict (for [`ConflictKind::Changed`]).
    pub fields: Vec<FieldConflict>,
    /// Every field this layer changed (kept by [`resolve`] unless the user takes theirs).
    pub my_fields: Vec<(Field, Value)>,
    /// The row now, as a feature's text, and its version (none when it was deleted).
    pub theirs: Option<(String, u32)>,
}

impl Conflict {
    /// What a person reads: "site-7: status is "raided" in the table (yours: "closed")".
    pub fn describe(&self) -> String {
        let id = serde_json::from_str::<Value>(&self.key)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| self.key.clone());
        match self.kind {
            ConflictKind::DeletedByOther => {
                format!("{id}: someone deleted this row while you changed it")
            }
            ConflictKind::ChangedByOther => {
                format!("{id}: someone changed this row while you deleted it")
            }
            ConflictKind::IdTaken => format!("{id}: someone added a row with this id meanwhile"),
            ConflictKind::Changed => {
                let fields: Vec<String> = self
                    .fields
                    .iter()
                    .map(|f| match f.field {
                        Field::Geometry => "the geometry was moved".to_owned(),
                        Field::Property(ref key) => {
                            format!("{key} is {} (yours: {})", short(&f.theirs), short(&f.mine))
                        }
                    })
                    .collect();
                format!("{id}: someone else changed it: {}", fields.join("; "))
            }
        }
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(39).collect::<String>())
    } else {
        text
    }
}

/// What a save did.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveOutcome {
    /// The layer had no changes.
    Nothing,
    /// Written (and committed); [`Saved::apply`] brings the layer up to date.
    Saved(Saved),
    /// Nothing was written: these features conflict with others' changes.
    Conflicts(Vec<Conflict>),
}

/// The rows a save wrote, as the table has them now.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub updated: usize,
    pub inserted: usize,
    pub deleted: usize,
    /// (index in the layer, feature text, version) of each written feature.
    rows: Vec<(usize, String, u32)>,
    deleted_keys: Vec<String>,
}

impl Saved {
    /// How many rows were written in all.
    pub fn total(&self) -> usize {
        self.updated + self.inserted + self.deleted
    }

    /// The saved features of `layer` become the rows as written (unedited, with their new
    /// versions); deleted rows are forgotten. `layer` must be the one saved, unchanged since.
    pub fn apply(&self, layer: &mut Layer) {
        let Some(origin) = layer.table.as_deref_mut() else {
            return;
        };
        for key in &self.deleted_keys {
            origin.versions.remove(key);
        }
        for (index, text, version) in &self.rows {
            if let Some(feature) = feature_from_text(text) {
                origin.versions.insert(feature_id_key(text), *version);
                if let Some(slot) = layer.features.get_mut(*index) {
                    *slot = feature;
                }
            }
        }
    }

    /// The features as written: (index in the layer, the feature as the table has it).
    pub fn features(&self) -> Vec<(usize, Feature)> {
        self.rows
            .iter()
            .filter_map(|(index, text, _)| Some((*index, feature_from_text(text)?)))
            .collect()
    }

    /// The id keys of the rows this save deleted.
    pub fn deleted_keys(&self) -> &[String] {
        &self.deleted_keys
    }

    /// The layer's row versions after this save (to set on the layer's origin).
    pub fn update_versions(&self, versions: &mut HashMap<String, u32>) {
        for key in &self.deleted_keys {
            versions.remove(key);
        }
        for (_, text, version) in &self.rows {
            versions.insert(feature_id_key(text), *version);
        }
    }
}

/// A feature read from one feature's text as the server wrote it (unedited).
pub(crate) fn feature_from_text(text: &str) -> Option<Feature> {
    let collection = format!("{{\"type\":\"FeatureCollection\",\"features\":[{text}]}}");
    let mut layer = crate::io::geojson::read_str(&collection, "row").ok()?;
    (layer.features.len() == 1).then(|| layer.features.remove(0))
}

/// Save `changes` (of a layer read from `table`) in one transaction, refusing any write that
/// would overwrite another person's change (see the module's documentation).
pub fn save(
    conn: &mut Connection,
    table_name: &TableName,
    changes: &Changes,
) -> Result<SaveOutcome, DbError> {
    if changes.is_empty() {
        return Ok(SaveOutcome::Nothing);
    }
    let mut tx = conn.client.transaction()?;
    let mut table = catalog::describe_with(&mut tx, table_name)?;
    if let Some(why) = &table.read_only {
        return Err(DbError::Table(why.clone()));
    }
    let current = lock_rows(&mut tx, &table, &locked_keys(changes))?;
    let mut conflicts = Vec::new();
    let writes = checked_updates(changes, &current, &mut conflicts);
    let deletes = checked_deletes(changes, &current, &mut conflicts);
    check_inserts(changes, &current, &mut conflicts);
    if !conflicts.is_empty() {
        tx.rollback()?;
        return Ok(SaveOutcome::Conflicts(conflicts));
    }
    let rows = write_changes(&mut tx, &mut table, changes, &writes, &deletes)?;
    tx.commit()?;
    Ok(SaveOutcome::Saved(Saved {
        updated: writes.len(),
        inserted: changes.inserts.len(),
        deleted: deletes.len(),
        rows,
        deleted_keys: changes.deletes.iter().map(|(k, _)| k.clone()).collect(),
    }))
}

/// The rows locked for the save: every updated and deleted row, and any row holding an
/// inserted feature's id.
fn locked_keys(changes: &Changes) -> Vec<String> {
    changes
        .updates
        .iter()
        .map(|u| u.key.clone())
        .chain(changes.deletes.iter().map(|(k, _)| k.clone()))
        .chain(
            changes
                .inserts
                .iter()
                .filter_map(|(_, p)| p.id.as_ref().map(id_key)),
        )
        .collect()
}

/// The updates to write, with the fields each writes; an update whose row was deleted, or
/// one of whose fields another person changed, is a conflict instead.
fn checked_updates<'c>(
    changes: &'c Changes,
    current: &HashMap<String, (String, u32)>,
    conflicts: &mut Vec<Conflict>,
) -> Vec<(&'c Update, Vec<Field>)> {
    let mut writes = Vec::new();
    for update in &changes.updates {
        let my_fields: Vec<(Field, Value)> = update
            .fields
            .iter()
            .map(|f| (f.clone(), f.value_in(&update.mine)))
            .collect();
        let Some((text, version)) = current.get(&update.key) else {
            conflicts.push(Conflict {
                kind: ConflictKind::DeletedByOther,
                key: update.key.clone(),
                index: Some(update.index),
                fields: Vec::new(),
                my_fields,
                theirs: None,
            });
            continue;
        };
        let theirs = parts_of_text(text);
        let fields: Vec<FieldConflict> = update
            .fields
            .iter()
            .filter_map(|field| {
                let base = field.value_in(&update.base);
                let mine = field.value_in(&update.mine);
                let now = field.value_in(&theirs);
                (now != base && now != mine).then(|| FieldConflict {
                    field: field.clone(),
                    base,
                    mine,
                    theirs: now,
                })
            })
            .collect();
        if fields.is_empty() {
            writes.push((update, update.fields.clone()));
        } else {
            conflicts.push(Conflict {
                kind: ConflictKind::Changed,
                key: update.key.clone(),
                index: Some(update.index),
                fields,
                my_fields,
                theirs: Some((text.clone(), *version)),
            });
        }
    }
    writes
}

/// The keys of the rows to delete: those still as they were read (one deleted already needs
/// nothing); one another person changed is a conflict.
fn checked_deletes(
    changes: &Changes,
    current: &HashMap<String, (String, u32)>,
    conflicts: &mut Vec<Conflict>,
) -> Vec<String> {
    let mut deletes = Vec::new();
    for (key, version) in &changes.deletes {
        match current.get(key) {
            None => {} // deleted already: nothing to do
            Some((_, now)) if now == version => deletes.push(key.clone()),
            Some((text, now)) => conflicts.push(Conflict {
                kind: ConflictKind::ChangedByOther,
                key: key.clone(),
                index: None,
                fields: Vec::new(),
                my_fields: Vec::new(),
                theirs: Some((text.clone(), *now)),
            }),
        }
    }
    deletes
}

/// An inserted feature whose id a row already holds is a conflict.
fn check_inserts(
    changes: &Changes,
    current: &HashMap<String, (String, u32)>,
    conflicts: &mut Vec<Conflict>,
) {
    for (index, parts) in &changes.inserts {
        let Some(key) = parts.id.as_ref().map(id_key) else {
            continue;
        };
        if let Some((text, version)) = current.get(&key) {
            conflicts.push(Conflict {
                kind: ConflictKind::IdTaken,
                key,
                index: Some(*index),
                fields: Vec::new(),
                my_fields: all_fields(parts),
                theirs: Some((text.clone(), *version)),
            });
        }
    }
}

/// Write the updates, deletes and inserts (adding the columns they need); returns each
/// written row (feature index, text, version) as the table now holds it.
fn write_changes(
    tx: &mut Transaction,
    table: &mut Table,
    changes: &Changes,
    writes: &[(&Update, Vec<Field>)],
    deletes: &[String],
) -> Result<Vec<(usize, String, u32)>, DbError> {
    let new_parts: Vec<Parts> = changes
        .inserts
        .iter()
        .map(|(_, p)| p.clone())
        .chain(writes.iter().map(|(u, _)| u.mine.clone()))
        .collect();
    add_missing_columns(tx, table, &new_parts)?;
    for (update, fields) in writes {
        update_row(tx, table, &update.mine, fields)?;
    }
    delete_rows(tx, table, deletes)?;
    let mut rows = Vec::new();
    let written: Vec<String> = writes.iter().map(|(u, _)| u.key.clone()).collect();
    let fresh: HashMap<String, (String, u32)> = read_rows(tx, table, &written, false)?
        .into_iter()
        .map(|(key, text, version)| (key, (text, version)))
        .collect();
    for (update, _) in writes {
        if let Some((text, version)) = fresh.get(&update.key) {
            rows.push((update.index, text.clone(), *version));
        }
    }
    for (index, parts) in &changes.inserts {
        // One by one, so each new row (its id perhaps made by the table) is matched to its
        // feature.
        for (_, text, version) in insert(tx, table, std::slice::from_ref(parts))? {
            rows.push((*index, text, version));
        }
    }
    Ok(rows)
}

fn all_fields(parts: &Parts) -> Vec<(Field, Value)> {
    std::iter::once((Field::Geometry, parts.geometry.clone()))
        .chain(
            parts
                .properties
                .iter()
                .map(|(k, v)| (Field::Property(k.clone()), v.clone())),
        )
        .collect()
}

pub(crate) fn parts_of_text(text: &str) -> Parts {
    let object = crate::model::json_text::from_str::<Map<String, Value>>(text).unwrap_or_default();
    Parts::from_object(&object)
}

/// Lock (in key order, so two savers cannot deadlock) and read the rows with these id keys:
/// id key → (feature text, version).
fn lock_rows(
    tx: &mut Transaction,
    table: &Table,
    keys: &[String],
) -> Result<HashMap<String, (String, u32)>, DbError> {
    Ok(read_rows(tx, table, keys, true)?
        .into_iter()
        .map(|(key, text, version)| (key, (text, version)))
        .collect())
}

/// Write `fields` of `mine` into its row.
fn update_row(
    tx: &mut Transaction,
    table: &Table,
    mine: &Parts,
    fields: &[Field],
) -> Result<(), DbError> {
    let Some(key) = &table.key else {
        return Ok(());
    };
    let mut sets = Vec::new();
    for field in fields {
        match field {
            Field::Geometry => sets.push(format!(
                "{} = {}",
                quote_ident(&table.geometry.name),
                table.geometry.value_of_geojson("$2::text::json")
            )),
            Field::Property(name) => {
                if table.columns.iter().any(|c| &c.name == name) {
                    sets.push(format!("{0} = r.{0}", quote_ident(name)));
                }
            }
        }
    }
    if sets.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE {table} t SET {sets} FROM json_populate_record(NULL::{table}, $1::text::json) r \
         WHERE t.{key} = r.{key}",
        table = table.name.sql(),
        sets = sets.join(", "),
        key = quote_ident(&key.name),
    );
    let row = Value::Object(row_object(table, mine)).to_string();
    let geometry = mine.geometry.to_string();
    if fields.contains(&Field::Geometry) {
        tx.execute(&sql, &[&row, &geometry])?;
    } else {
        tx.execute(&sql, &[&row])?;
    }
    Ok(())
}

fn delete_rows(tx: &mut Transaction, table: &Table, keys: &[String]) -> Result<(), DbError> {
    let Some(key) = &table.key else {
        return Ok(());
    };
    if keys.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "DELETE FROM {table} t WHERE t.{key} = ANY(ARRAY(SELECT (json_populate_record(\
         NULL::{table}, json_build_object($2::text, e))).{key} \
         FROM json_array_elements($1::text::json) e))",
        key = quote_ident(&key.name),
        table = table.name.sql(),
    );
    let param = format!("[{}]", keys.join(","));
    tx.execute(&sql, &[&param, &key.name])?;
    Ok(())
}

/// How a person settles one conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Take the table's row (or its deletion) for this feature.
    Theirs,
    /// Keep this layer's values (or deletion) for every field in conflict.
    Mine,
}

/// What settling a conflict does to the layer.
#[derive(Debug, Clone)]
pub enum Resolution {
    /// Put this feature at the conflict's index (based on the row as it is now, with the
    /// fields kept from this layer set on it) and set the row's version.
    Replace {
        index: usize,
        feature: Feature,
        version: Option<(String, u32)>,
    },
    /// Remove the feature at the index (the row was deleted and that is taken).
    Remove { index: usize, key: String },
    /// Add the row as it is now (a deletion given up).
    Restore {
        feature: Feature,
        version: (String, u32),
    },
    /// Keep the feature as is, as a new row (the row was deleted; this layer's is kept).
    Reinsert { key: String },
    /// Record the row's current version, so the deletion goes through next time.
    Version { key: String, version: u32 },
}

/// How to settle `conflict` with `choose` (per field in conflict; deletions and taken ids
/// have one choice, asked for [`Field::Geometry`]): fields this layer changed that are not in
/// conflict are always kept, so saving again writes exactly what the person chose.
pub fn resolve(
    conflict: &Conflict,
    mut choose: impl FnMut(&Field) -> Choice,
) -> Option<Resolution> {
    let whole = choose(&Field::Geometry);
    match conflict.kind {
        ConflictKind::Changed | ConflictKind::IdTaken => {
            let (text, version) = conflict.theirs.as_ref()?;
            let mut feature = feature_from_text(text)?;
            let in_conflict: HashSet<&Field> = conflict.fields.iter().map(|f| &f.field).collect();
            for (field, mine) in &conflict.my_fields {
                let keep = if conflict.kind == ConflictKind::IdTaken {
                    whole == Choice::Mine
                } else {
                    !in_conflict.contains(field) || choose(field) == Choice::Mine
                };
                if keep {
                    set_field(&mut feature, field, mine.clone());
                }
            }
            Some(Resolution::Replace {
                index: conflict.index?,
                feature,
                version: Some((conflict.key.clone(), *version)),
            })
        }
        ConflictKind::DeletedByOther => Some(match whole {
            Choice::Theirs => Resolution::Remove {
                index: conflict.index?,
                key: conflict.key.clone(),
            },
            Choice::Mine => Resolution::Reinsert {
                key: conflict.key.clone(),
            },
        }),
        ConflictKind::ChangedByOther => {
            let (text, version) = conflict.theirs.as_ref()?;
            Some(match whole {
                Choice::Theirs => Resolution::Restore {
                    feature: feature_from_text(text)?,
                    version: (conflict.key.clone(), *version),
                },
                Choice::Mine => Resolution::Version {
                    key: conflict.key.clone(),
                    version: *version,
                },
            })
        }
    }
}

impl Resolution {
    /// Apply to `layer` directly (the command line and tests; the window goes through its
    /// edit history for the feature and sets the version itself).
    pub fn apply(self, layer: &mut Layer) {
        let Some(origin) = layer.table.as_deref_mut() else {
            return;
        };
        match self {
            Resolution::Replace {
                index,
                feature,
                version,
            } => {
                if let Some((key, version)) = version {
                    origin.versions.insert(key, version);
                }
                if let Some(slot) = layer.features.get_mut(index) {
                    *slot = feature;
                }
            }
            Resolution::Remove { index, key } => {
                origin.versions.remove(&key);
                if index < layer.features.len() {
                    layer.features.remove(index);
                }
            }
            Resolution::Restore {
                feature,
                version: (key, version),
            } => {
                origin.versions.insert(key, version);
                layer.features.push(feature);
            }
            Resolution::Reinsert { key } => {
                origin.versions.remove(&key);
            }
            Resolution::Version { key, version } => {
                origin.versions.insert(key, version);
            }
        }
    }
}

fn set_field(feature: &mut Feature, field: &Field, value: Value) {
    match field {
        Field::Geometry => {
            let geometry = serde_json::from_value::<geojson::Geometry>(value)
                .ok()
                .and_then(|g| geo::Geometry::<f64>::try_from(g).ok());
            feature.set_geometry(geometry);
        }
        Field::Property(key) => {
            feature.set_property(key, value);
        }
    }
}
