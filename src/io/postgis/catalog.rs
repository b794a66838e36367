//! What the database holds: the tables and views with a geometry or geography column (with
//! their row counts), and one table's columns, primary key and geometry column.
//!
//! Names are looked up with `to_regclass` on a bound parameter and written into SQL only as
//! quoted identifiers ([`quote_ident`]), so a hostile table or column name stays a name.

use postgres::GenericClient;

use super::address::{TableName, quote_ident};
use super::connect::Connection;
use super::error::DbError;

/// A table or view with geometry, as the window lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    pub name: TableName,
    /// The (first) geometry or geography column.
    pub geometry_column: String,
    /// Its SRID (0 when the column does not fix one).
    pub srid: i32,
    /// How many rows it has now.
    pub rows: i64,
}

/// Every table and view of the database with a geometry or geography column, by schema and
/// name, with exact row counts.
pub fn list_tables(conn: &mut Connection) -> Result<Vec<TableInfo>, DbError> {
    let row = conn.client.query_one(
        "SELECT to_regclass('geometry_columns') IS NOT NULL, current_database()::text",
        &[],
    )?;
    if !row.get::<_, bool>(0) {
        let database: String = row.get(1);
        return Err(DbError::Table(format!(
            "the database {database} has no PostGIS (no geometry_columns): its owner can add \
             it with CREATE EXTENSION postgis"
        )));
    }
    let rows = conn.client.query(
        "SELECT f_table_schema::text, f_table_name::text, f_geometry_column::text, srid
           FROM geometry_columns
         UNION ALL
         SELECT f_table_schema::text, f_table_name::text, f_geography_column::text, srid
           FROM geography_columns
         ORDER BY 1, 2",
        &[],
    )?;
    let mut tables: Vec<TableInfo> = Vec::new();
    for row in rows {
        let name = TableName {
            schema: row.get(0),
            name: row.get(1),
        };
        if tables.last().is_some_and(|t| t.name == name) {
            continue;
        }
        tables.push(TableInfo {
            name,
            geometry_column: row.get(2),
            srid: row.get(3),
            rows: 0,
        });
    }
    for table in &mut tables {
        let count = conn
            .client
            .query_one(&format!("SELECT count(*) FROM {}", table.name.sql()), &[])?;
        table.rows = count.get(0);
    }
    Ok(tables)
}

/// One column that becomes a property (or the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// The type as SQL writes it (`integer`, `timestamp with time zone`, `text[]`...).
    pub sql_type: String,
}

impl Column {
    /// The expression that reads it from the row `t` as the JSON value raidmap shows: a
    /// `timestamp` without time zone is read as UTC (the session's zone), so the timeline can
    /// place it; everything else as `to_json` gives it (numbers exactly, `json`/`jsonb` as
    /// JSON, arrays as lists, dates as ISO 8601).
    pub(crate) fn select(&self) -> String {
        let column = format!("t.{}", quote_ident(&self.name));
        let value = match self.sql_type.as_str() {
            "timestamp without time zone" => format!("{column}::timestamptz"),
            "timestamp without time zone[]" => format!("{column}::timestamptz[]"),
            _ => column,
        };
        format!("{value} AS {}", quote_ident(&self.name))
    }
}

/// The geometry column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeometryColumn {
    pub name: String,
    /// `geography` rather than `geometry`.
    pub geography: bool,
    /// The SRID the column fixes (0: none; values are then taken as WGS84).
    pub srid: i32,
}

impl GeometryColumn {
    /// SQL giving the geometry of row `t` in WGS84 as GeoJSON text (7 decimals, about 1 cm,
    /// as RFC 7946 recommends), NULL when it is NULL.
    pub(crate) fn select_geojson(&self) -> String {
        let column = format!("t.{}", quote_ident(&self.name));
        let wgs84 = if self.geography {
            format!("{column}::geometry")
        } else {
            format!(
                "CASE WHEN ST_SRID({column}) IN (0, 4326) THEN {column} \
                 ELSE ST_Transform({column}, 4326) END"
            )
        };
        format!("ST_AsGeoJSON({wgs84}, 7, 0)")
    }

    /// SQL turning GeoJSON text (an expression of type json or text, in WGS84) into a value
    /// for this column, NULL for JSON `null`.
    pub(crate) fn value_of_geojson(&self, json: &str) -> String {
        let geometry =
            format!("ST_SetSRID(ST_GeomFromGeoJSON(NULLIF(({json})::text, 'null')), 4326)");
        if self.geography {
            format!("{geometry}::geography")
        } else if self.srid == 0 || self.srid == 4326 {
            geometry
        } else {
            format!("ST_Transform({geometry}, {})", self.srid)
        }
    }
}

/// A table as raidmap reads and writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: TableName,
    /// The primary key (the features' `id`), when it is one column.
    pub key: Option<Column>,
    /// Whether the key fills itself in (a serial or identity column, a default) for new rows.
    pub key_has_default: bool,
    pub geometry: GeometryColumn,
    /// Every other column, in table order: the properties.
    pub columns: Vec<Column>,
    /// Why it cannot be saved to, if so (a view, no primary key...).
    pub read_only: Option<String>,
}

/// Look up `name`: its columns, key and geometry column. A table without a geometry or
/// geography column is an error that says so.
pub fn describe(conn: &mut Connection, name: &TableName) -> Result<Table, DbError> {
    describe_with(&mut conn.client, name)
}

/// [`describe`] on any client (a transaction).
pub(crate) fn describe_with(
    client: &mut impl GenericClient,
    name: &TableName,
) -> Result<Table, DbError> {
    let qualified = name.sql();
    let kind = client.query_opt(
        "SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)",
        &[&qualified],
    )?;
    let Some(kind) = kind else {
        return Err(DbError::Table(format!(
            "there is no table {name} in the database"
        )));
    };
    let kind: String = kind.get(0);
    let rows = client.query(
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), t.typname::text,
                a.atthasdef OR a.attidentity <> '',
                coalesce((SELECT i.indisprimary FROM pg_index i
                           WHERE i.indrelid = a.attrelid AND i.indisprimary
                             AND a.attnum = ANY(i.indkey)), false),
                coalesce(postgis_typmod_srid(a.atttypmod), 0)
           FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
          WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attnum",
        &[&qualified],
    )?;
    let key_columns = client.query_one(
        "SELECT coalesce((SELECT array_length(indkey, 1) FROM pg_index
                           WHERE indrelid = to_regclass($1) AND indisprimary), 0)",
        &[&qualified],
    )?;
    let key_width: i32 = key_columns.get(0);
    let mut key = None;
    let mut key_has_default = false;
    let mut geometry = None;
    let mut columns = Vec::new();
    for row in rows {
        let column = Column {
            name: row.get(0),
            sql_type: row.get(1),
        };
        let type_name: String = row.get(2);
        let is_key: bool = row.get(4);
        if is_key && key_width == 1 {
            key_has_default = row.get(3);
            key = Some(column);
        } else if geometry.is_none() && (type_name == "geometry" || type_name == "geography") {
            let srid: i32 = row.get(5);
            geometry = Some(GeometryColumn {
                name: column.name,
                geography: type_name == "geography",
                srid: if type_name == "geography" && srid == 0 {
                    4326
                } else {
                    srid
                },
            });
        } else {
            columns.push(column);
        }
    }
    let Some(geometry) = geometry else {
        return Err(DbError::Table(format!(
            "{name} has no geometry or geography column, so it cannot be shown on a map"
        )));
    };
    let read_only = match (kind.as_str(), &key) {
        ("r" | "p", Some(_)) => None,
        ("r" | "p", None) if key_width > 1 => Some(format!(
            "{name} has a primary key of {key_width} columns; raidmap saves only to tables \
             whose primary key is one column, so it opens read-only"
        )),
        ("r" | "p", None) => Some(format!(
            "{name} has no primary key, so raidmap cannot tell its rows apart when saving; \
             it opens read-only (add one: ALTER TABLE … ADD PRIMARY KEY)"
        )),
        ("v" | "m", _) => Some(format!("{name} is a view, so it opens read-only")),
        _ => Some(format!(
            "{name} is not a plain table, so it opens read-only"
        )),
    };
    Ok(Table {
        name: name.clone(),
        key,
        key_has_default,
        geometry,
        columns,
        read_only,
    })
}
