//! Passwords typed in the window, for this run only: kept in memory by server and user, used
//! to connect again (save, refresh, open another table), never written to a project, the
//! autosave, a log or an error message. Without one, `PGPASSWORD` or `~/.pgpass` is used.

use std::collections::HashMap;

use crate::io::postgis::Address;

/// The passwords typed so far, by server, database and user.
#[derive(Default)]
pub struct Secrets {
    typed: HashMap<String, String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} typed)", self.typed.len())
    }
}

/// The server, database and user of an address (its table and TLS settings left out).
fn key(address: &Address) -> String {
    format!(
        "{}@{}:{}/{}",
        address.user, address.host, address.port, address.database
    )
}

impl Secrets {
    /// Remember a password that worked for `address`.
    pub fn remember(&mut self, address: &Address, password: String) {
        self.typed.insert(key(address), password);
    }

    /// Forget the password for `address` (the server refused it).
    pub fn forget(&mut self, address: &Address) {
        self.typed.remove(&key(address));
    }

    /// The password to use for `address`: one typed in this run, else `PGPASSWORD` or
    /// `~/.pgpass`, else none.
    pub fn password_for(&self, address: &Address) -> Option<String> {
        self.typed
            .get(&key(address))
            .cloned()
            .or_else(|| address.stored_password())
    }
}
