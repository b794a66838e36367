//! Reading a table as a layer: the server writes each row as a GeoJSON Feature (primary key as
//! `id`, geometry transformed to WGS84, the other columns as typed properties) and the text goes
//! through the same checking reader as a file, so a table's features are held like a file's.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::address::{Address, quote_ident};
use super::catalog::Table;
use super::connect::Connection;
use super::error::DbError;
use crate::io::{Progress, ReadError, Stage};
use crate::model::{Layer, TableOrigin};

/// The SELECT that gives, for the rows of `table` matching `filter` (SQL over the row `t`),
/// each row as a GeoJSON Feature's text and its version (`xmin`, NULL without a key), in key
/// order, locked `FOR UPDATE` with `lock`.
pub(crate) fn feature_query(table: &Table, filter: &str, lock: bool) -> String {
    let properties: Vec<String> = table.columns.iter().map(|c| c.select()).collect();
    let (id, version, order) = match &table.key {
        Some(key) => {
            let key = format!("t.{}", quote_ident(&key.name));
            (
                format!("',\"id\":' || to_json({key})::text || "),
                "t.xmin::text",
                format!(" ORDER BY {key}"),
            )
        }
        None => (String::new(), "NULL::text", String::new()),
    };
    format!(
        "SELECT '{{\"type\":\"Feature\"' || {id}',\"geometry\":' || \
         coalesce({geometry}, 'null') || ',\"properties\":' || row_to_json(p)::text || '}}', \
         {version} FROM {table} t, LATERAL (SELECT {properties}) p {filter}{order}{lock}",
        lock = if lock { " FOR UPDATE OF t" } else { "" },
        geometry = table.geometry.select_geojson(),
        table = table.name.sql(),
        properties = properties.join(", "),
    )
}

/// The key of a feature id in [`TableOrigin::versions`]: its JSON text as serde writes it.
pub fn id_key(id: &Value) -> String {
    id.to_string()
}

/// How many rows are read between two progress reports and cancel checks.
const STEP: u64 = 10_000;

/// Read the whole table named by `address` (which must name one) as a layer, with each row's
/// version for saving later. Progress counts rows, then features checked.
pub fn read_table(
    conn: &mut Connection,
    address: &Address,
    table: &Table,
    progress: &Progress,
) -> Result<Layer, ReadError> {
    let name = address.short_name();
    let db_error = |e: DbError| ReadError::Database {
        name: name.clone(),
        message: e.to_string(),
    };
    let count: i64 = conn
        .client
        .query_one(&format!("SELECT count(*) FROM {}", table.name.sql()), &[])
        .map_err(|e| db_error(e.into()))?
        .get(0);
    progress.start(Stage::Reading, u64::try_from(count).unwrap_or(0));
    let query = feature_query(table, "", false);
    let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    let mut versions = HashMap::new();
    let mut rows = conn
        .client
        .query_raw(&query, std::iter::empty::<&str>())
        .map_err(|e| db_error(e.into()))?;
    let mut done = 0u64;
    while let Some(row) = postgres::fallible_iterator::FallibleIterator::next(&mut rows)
        .map_err(|e| db_error(e.into()))?
    {
        let feature: &str = row.get(0);
        if done > 0 {
            text.push_str(",\n");
        }
        text.push_str(feature);
        if let Some(version) = row.get::<_, Option<&str>>(1) {
            let version: u32 = version.parse().unwrap_or_default();
            versions.insert(feature_id_key(feature), version);
        }
        done += 1;
        if done.is_multiple_of(STEP) {
            progress.advance(done);
            if progress.cancelled() {
                return Err(ReadError::Cancelled { name });
            }
        }
    }
    text.push_str("\n]}");
    let mut layer = crate::io::geojson::read_shared(&Arc::new(text), &name, progress)?;
    layer.table = Some(Box::new(TableOrigin {
        address: address.to_string(),
        versions,
        read_only: table.read_only.clone(),
    }));
    Ok(layer)
}

/// The id key of a feature text the server wrote (`{"type":"Feature","id":ID,...`).
pub(crate) fn feature_id_key(feature: &str) -> String {
    let rest = feature
        .strip_prefix("{\"type\":\"Feature\",\"id\":")
        .unwrap_or_default();
    let mut de = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
    match de.next() {
        Some(Ok(id)) => id_key(&id),
        _ => String::new(),
    }
}
