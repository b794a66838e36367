//! PostgreSQL/PostGIS tables as layers: a team's shared store, opened, edited and saved by
//! several people at once without anyone's change being lost.
//!
//! - [`address`]: `postgresql://USER@HOST[:PORT]/DB?table=[SCHEMA.]TABLE`, and the password
//!   from a prompt, `PGPASSWORD` or `~/.pgpass` (never from or into the address).
//! - [`connect`]: the `postgres` client over rustls; `sslmode` as libpq reads it.
//! - [`catalog`]: the tables with geometry, and one table's key, geometry and columns.
//! - [`read`]: a table as a layer (the server writes GeoJSON; the file reader checks it).
//! - [`write`]: a layer into a new or existing table (`raidmap export FILE -o ADDR`).
//! - [`save`]: edits back, with optimistic concurrency: conflicts are reported, never
//!   overwritten. [`refresh`]: others' changes brought in.
//!
//! Identifiers are always quoted and values always bound parameters: no name or value can
//! change the SQL.

pub mod address;
pub mod catalog;
pub mod connect;
pub mod error;
pub mod read;
pub mod refresh;
pub mod save;
pub mod write;

pub use address::{Address, SslMode, TableName, is_address};
pub use catalog::{Table, TableInfo, describe, list_tables};
pub use connect::{Connection, connect};
pub use error::DbError;
pub use read::read_table;
pub use save::{
    Changes, Choice, Conflict, ConflictKind, Field, FieldConflict, Resolution, SaveOutcome, Saved,
    resolve, save,
};
pub use write::export_layers;

use crate::io::{Progress, ReadError};
use crate::model::Layer;

/// Open the table `text` names (an address with `table=`) with the password from
/// `PGPASSWORD` or `~/.pgpass`: what every command does with an address where it takes a file.
pub fn read_address(text: &str, progress: &Progress) -> Result<Layer, ReadError> {
    let error = |message: String| ReadError::Database {
        name: text.to_owned(),
        message,
    };
    let address = Address::parse(text).map_err(error)?;
    if address.table.is_none() {
        return Err(error(
            "the address names no table: add ?table=NAME (raidmap info on the address \
             without a table is not supported; psql lists them)"
                .to_owned(),
        ));
    }
    open_table(&address, address.stored_password().as_deref(), progress)
}

/// Connect with `password` and read the table `address` names (the window passes the password
/// typed in it; errors name the table, never the password).
pub fn open_table(
    address: &Address,
    password: Option<&str>,
    progress: &Progress,
) -> Result<Layer, ReadError> {
    let name = address.short_name();
    let db = |e: DbError| ReadError::Database {
        name: name.clone(),
        message: e.to_string(),
    };
    let Some(table) = &address.table else {
        return Err(db(DbError::Table("the address names no table".to_owned())));
    };
    let mut conn = connect(address, password).map_err(db)?;
    let table = describe(&mut conn, table).map_err(db)?;
    read_table(&mut conn, address, &table, progress)
}
