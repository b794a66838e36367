//! Writing features into a table: creating a table for a layer (`raidmap export FILE -o ADDR`),
//! adding columns for new properties, and inserting rows in batches. Values always travel as
//! one bound JSON parameter that the server turns into the columns' types
//! (`json_populate_record`), names always as quoted identifiers.

use postgres::Transaction;
use serde_json::{Map, Value, json};

use super::address::{TableName, quote_ident};
use super::catalog::{self, Table};
use super::connect::Connection;
use super::error::DbError;
use super::read::feature_query;
use crate::model::{Feature, Layer};

/// A feature's `id`, `geometry` and `properties`, parsed from its text without keeping the
/// parsed object in the feature (a million features would not fit).
#[derive(Debug, Clone)]
pub(crate) struct Parts {
    pub id: Option<Value>,
    pub geometry: Value,
    pub properties: Map<String, Value>,
}

impl Parts {
    pub(crate) fn of(feature: &Feature) -> Self {
        let parsed;
        let object = match feature.original_text() {
            Some(text) => {
                parsed = crate::model::json_text::from_str::<Map<String, Value>>(text)
                    .unwrap_or_default();
                &parsed
            }
            None => feature.object(),
        };
        Self::from_object(object)
    }

    /// From a feature's base text (as read, before any edit): `None` for a new feature.
    pub(crate) fn base_of(feature: &Feature) -> Option<Self> {
        let object =
            crate::model::json_text::from_str::<Map<String, Value>>(feature.base_text()?).ok()?;
        Some(Self::from_object(&object))
    }

    pub(crate) fn from_object(object: &Map<String, Value>) -> Self {
        Self {
            id: object.get("id").cloned(),
            geometry: object.get("geometry").cloned().unwrap_or(Value::Null),
            properties: object
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        }
    }
}

/// The SQL type for a property whose values are these (nulls left out): `bigint` for
/// integers, `numeric` for other numbers (kept exactly), `boolean`, `text`, else `jsonb`.
fn column_type<'a>(values: impl Iterator<Item = &'a Value>) -> &'static str {
    let mut kind = None;
    for value in values {
        let this = match value {
            Value::Null => continue,
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() => "bigint",
            Value::Number(_) => "numeric",
            Value::String(_) => "text",
            Value::Array(_) | Value::Object(_) => "jsonb",
        };
        kind = Some(match (kind, this) {
            (None, this) => this,
            (Some(a), b) if a == b => a,
            (Some("bigint" | "numeric"), "bigint" | "numeric") => "numeric",
            _ => "jsonb",
        });
    }
    kind.unwrap_or("text")
}

/// The first of `names` not taken by a property.
fn free_name(names: &[&'static str], taken: &[String]) -> &'static str {
    names
        .iter()
        .find(|n| !taken.iter().any(|t| t == *n))
        .copied()
        .unwrap_or(names[names.len() - 1])
}

/// Property keys in order of first appearance, with their values' SQL type.
fn property_columns(features: &[Parts]) -> Vec<(String, &'static str)> {
    let mut keys: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for parts in features {
        for key in parts.properties.keys() {
            if seen.insert(key.as_str()) {
                keys.push(key.clone());
            }
        }
    }
    keys.into_iter()
        .map(|key| {
            let kind = column_type(features.iter().filter_map(|p| p.properties.get(&key)));
            (key, kind)
        })
        .collect()
}

/// How many rows go in one INSERT.
const BATCH: usize = 2_000;

/// Write `layers`' features into `name`, in one transaction: a new table (key from the
/// features' ids, `geometry(Geometry, 4326)` with a spatial index, a column per property) when
/// it does not exist, else (with `append`) added to it. Returns how many rows were written.
/// Without `append` an existing table is an error, and nothing is written.
pub fn export_layers(
    conn: &mut Connection,
    name: &TableName,
    layers: &[&Layer],
    append: bool,
) -> Result<usize, DbError> {
    let features: Vec<Parts> = layers
        .iter()
        .flat_map(|l| l.features.iter().map(Parts::of))
        .collect();
    let exists: bool = conn
        .client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name.sql()])?
        .get(0);
    if exists && !append {
        return Err(DbError::Table(format!(
            "{name} exists already; add --append to add these features to it"
        )));
    }
    let mut tx = conn.client.transaction()?;
    if !exists {
        create_table(&mut tx, name, &features)?;
    }
    // The new table's (or the existing one's) columns, read back as for any table.
    let mut described = catalog::describe_with(&mut tx, name)?;
    if let Some(why) = &described.read_only {
        return Err(DbError::Table(format!("cannot add to it: {why}")));
    }
    add_missing_columns(&mut tx, &mut described, &features)?;
    let written = insert(&mut tx, &described, &features)?.len();
    if written < features.len() {
        return Err(DbError::Table(format!(
            "{} of the features have ids that {name} has already; nothing was written",
            features.len() - written
        )));
    }
    tx.commit()?;
    Ok(written)
}

fn create_table(tx: &mut Transaction, name: &TableName, features: &[Parts]) -> Result<(), DbError> {
    let columns = property_columns(features);
    let taken: Vec<String> = columns.iter().map(|(k, _)| k.clone()).collect();
    let key = free_name(&["id", "fid", "raidmap_id"], &taken);
    let geometry = free_name(&["geom", "geometry", "raidmap_geom"], &taken);
    let ids: Vec<&Value> = features.iter().filter_map(|p| p.id.as_ref()).collect();
    let key_type = if ids.is_empty() {
        "bigint GENERATED BY DEFAULT AS IDENTITY".to_owned()
    } else if ids.len() < features.len() {
        return Err(DbError::Table(format!(
            "{} of {} features have no id: give every feature an id, or none (the table then \
             numbers them)",
            features.len() - ids.len(),
            features.len()
        )));
    } else {
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = ids.iter().find(|id| !seen.insert(id.to_string())) {
            return Err(DbError::Table(format!(
                "the id {dup} is on more than one feature; ids become the primary key and must \
                 differ"
            )));
        }
        match column_type(ids.iter().copied()) {
            kind @ ("bigint" | "text" | "numeric") => kind.to_owned(),
            _ => {
                return Err(DbError::Table(
                    "the features' ids mix numbers and strings; they become the primary key \
                     and must be of one type"
                        .into(),
                ));
            }
        }
    };
    let mut sql = format!(
        "CREATE TABLE {} ({} {key_type} PRIMARY KEY, {} geometry(Geometry, 4326)",
        name.sql(),
        quote_ident(key),
        quote_ident(geometry)
    );
    for (column, kind) in &columns {
        if column == key || column == geometry {
            continue;
        }
        sql.push_str(&format!(", {} {kind}", quote_ident(column)));
    }
    sql.push(')');
    tx.batch_execute(&sql)?;
    tx.batch_execute(&format!(
        "CREATE INDEX ON {} USING GIST ({})",
        name.sql(),
        quote_ident(geometry)
    ))?;
    Ok(())
}

/// Add a column (typed by its values) for every property the table lacks.
pub(crate) fn add_missing_columns(
    tx: &mut Transaction,
    table: &mut Table,
    features: &[Parts],
) -> Result<(), DbError> {
    let mut added = false;
    for (column, kind) in property_columns(features) {
        let known = table.columns.iter().any(|c| c.name == column)
            || table.key.as_ref().is_some_and(|k| k.name == column)
            || table.geometry.name == column;
        if !known {
            tx.batch_execute(&format!(
                "ALTER TABLE {} ADD COLUMN {} {kind}",
                table.name.sql(),
                quote_ident(&column)
            ))?;
            added = true;
        }
    }
    if added {
        *table = catalog::describe_with(tx, &table.name)?;
    }
    Ok(())
}

/// The JSON row object for `parts`: its properties (those the table has) and the key.
pub(crate) fn row_object(table: &Table, parts: &Parts) -> Map<String, Value> {
    let mut row: Map<String, Value> = parts
        .properties
        .iter()
        .filter(|(k, _)| table.columns.iter().any(|c| &c.name == *k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let (Some(key), Some(id)) = (&table.key, &parts.id) {
        row.insert(key.name.clone(), id.clone());
    }
    row
}

/// Insert rows for `features`; returns each new row as (id key, feature text, version).
/// Features without an id get one from the key's default (an error when it has none).
pub(crate) fn insert(
    tx: &mut Transaction,
    table: &Table,
    features: &[Parts],
) -> Result<Vec<(String, String, u32)>, DbError> {
    let Some(key) = &table.key else {
        return Err(DbError::Table(format!(
            "{} has no primary key; raidmap cannot add rows to it",
            table.name
        )));
    };
    let (with_id, without_id): (Vec<&Parts>, Vec<&Parts>) =
        features.iter().partition(|p| p.id.is_some());
    if !without_id.is_empty() && !table.key_has_default {
        return Err(DbError::Table(format!(
            "{} new feature{} no id and the key column {} of {} fills in none: give them ids",
            without_id.len(),
            if without_id.len() == 1 {
                " has"
            } else {
                "s have"
            },
            key.name,
            table.name
        )));
    }
    let mut written = Vec::with_capacity(features.len());
    for (group, include_key) in [(with_id, true), (without_id, false)] {
        let mut columns: Vec<String> = table.columns.iter().map(|c| quote_ident(&c.name)).collect();
        if include_key {
            columns.push(quote_ident(&key.name));
        }
        let values: Vec<String> = columns.iter().map(|c| format!("r.{c}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({columns}{comma}{geometry}) \
             SELECT {values}{comma}{geometry_value} \
             FROM json_array_elements($1::text::json) e, \
                  LATERAL json_populate_record(NULL::{table}, e->'p') r \
             ON CONFLICT ({key}) DO NOTHING RETURNING to_json({key})::text",
            table = table.name.sql(),
            columns = columns.join(", "),
            comma = if columns.is_empty() { "" } else { ", " },
            geometry = quote_ident(&table.geometry.name),
            values = values.join(", "),
            geometry_value = table.geometry.value_of_geojson("e->'g'"),
            key = quote_ident(&key.name),
        );
        let statement = tx.prepare(&sql)?;
        for chunk in group.chunks(BATCH) {
            let rows: Vec<Value> = chunk
                .iter()
                .map(|p| json!({"p": row_object(table, p), "g": p.geometry}))
                .collect();
            let param = Value::Array(rows).to_string();
            let keys: Vec<String> = tx
                .query(&statement, &[&param])?
                .iter()
                .map(|r| r.get::<_, String>(0))
                .collect();
            written.extend(read_rows(tx, table, &keys, false)?);
        }
    }
    Ok(written)
}

/// The rows whose keys (as JSON text) are `keys`: (id key, feature text, version) each,
/// locked for this transaction with `lock`.
pub(crate) fn read_rows(
    tx: &mut Transaction,
    table: &Table,
    keys: &[String],
    lock: bool,
) -> Result<Vec<(String, String, u32)>, DbError> {
    let Some(key) = &table.key else {
        return Ok(Vec::new());
    };
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let filter = format!(
        "WHERE t.{key} = ANY(ARRAY(SELECT (json_populate_record(NULL::{table}, \
         json_build_object($2::text, e))).{key} FROM json_array_elements($1::text::json) e))",
        key = quote_ident(&key.name),
        table = table.name.sql(),
    );
    let param = format!("[{}]", keys.join(","));
    let rows = tx.query(&feature_query(table, &filter, lock), &[&param, &key.name])?;
    Ok(rows
        .iter()
        .map(|row| {
            let text: String = row.get(0);
            let version: Option<String> = row.get(1);
            (
                super::read::feature_id_key(&text),
                text,
                version.and_then(|v| v.parse().ok()).unwrap_or_default(),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_take_the_type_their_values_share() {
        let t = |values: Value| column_type(values.as_array().into_iter().flatten());
        assert_eq!(t(json!([1, null, 2])), "bigint");
        assert_eq!(t(json!([1, 2.5])), "numeric");
        assert_eq!(t(json!([true, false])), "boolean");
        assert_eq!(t(json!(["a", null])), "text");
        assert_eq!(t(json!(["a", 1])), "jsonb");
        assert_eq!(t(json!([[1], {"a": 1}])), "jsonb");
        assert_eq!(t(json!([null])), "text");
    }
}
