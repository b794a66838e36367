//! What can go wrong talking to the database, said for a person (never with a password: the
//! client never puts one in its errors and addresses cannot hold one).

use std::error::Error as _;

use super::address::Address;

/// A database operation that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    /// The server asks for a password and none was given (the window then prompts for one).
    #[error(
        "{address} asks for a password: give it when asked, or set PGPASSWORD or add it to \
         ~/.pgpass"
    )]
    PasswordNeeded { address: String },
    /// The connection could not be made or the login was refused.
    #[error("cannot connect to {address}: {message}")]
    Connect { address: String, message: String },
    /// The TLS settings could not be used (a CA file that cannot be read...).
    #[error("TLS: {0}")]
    Tls(String),
    /// The connection was lost (the server went away or ended the session).
    #[error("the connection to the database was lost ({0}); nothing was changed by this step")]
    Lost(String),
    /// The server refused a statement.
    #[error("the database refused: {0}")]
    Server(String),
    /// The table cannot be used as asked (no geometry column, not found, read-only...).
    #[error("{0}")]
    Table(String),
}

impl DbError {
    pub(crate) fn connecting(address: &Address, e: postgres::Error) -> Self {
        let shown = Address {
            table: None,
            ..address.clone()
        }
        .to_string();
        let config_cause = e.source().map(ToString::to_string).unwrap_or_default();
        if config_cause.contains("password missing") {
            return DbError::PasswordNeeded { address: shown };
        }
        DbError::Connect {
            address: shown,
            message: describe(&e),
        }
    }
}

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> Self {
        if e.as_db_error().is_none() && (e.is_closed() || e.source().is_some_and(is_io)) {
            return DbError::Lost(describe(&e));
        }
        if e.as_db_error().is_some_and(|db| {
            // admin_shutdown, crash_shutdown, cannot_connect_now: the server is going away.
            ["57P01", "57P02", "57P03"].contains(&db.code().code())
        }) {
            return DbError::Lost(describe(&e));
        }
        DbError::Server(describe(&e))
    }
}

fn is_io(e: &(dyn std::error::Error + 'static)) -> bool {
    e.is::<std::io::Error>()
}

/// The server's message with its detail and hint, or the client's error with its cause.
fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut text = db.message().to_owned();
        if let Some(detail) = db.detail() {
            text.push_str(&format!(" ({detail})"));
        }
        if let Some(hint) = db.hint() {
            text.push_str(&format!("; hint: {hint}"));
        }
        return text;
    }
    match e.source() {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}
