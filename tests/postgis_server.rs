//! The test PostgreSQL + PostGIS server that `.ci/postgres.sh` starts (`.ci/run` sources it):
//! its address, password and CA from the environment. A test that needs it FAILS, saying how
//! to start it, when it is not there: it never passes without having run.

use std::sync::atomic::{AtomicU32, Ordering};

use raidmap::io::postgis::{self, Address, Connection, TableName};

pub(crate) struct Server {
    /// `postgresql://raidmap@127.0.0.1:PORT/raidmap?sslmode=verify-full&sslrootcert=CA`.
    pub base: String,
    pub password: String,
}

/// The test server, or a failure that says how to start one.
pub(crate) fn server() -> Server {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!(
                "{name} is not set: these tests need the throwaway PostgreSQL + PostGIS server. \
                 Run `source .ci/postgres.sh` (needs the postgresql, postgis and openssl \
                 packages) before `cargo test`, or run `bash .ci/run`."
            )
        })
    };
    let pg = var("RAIDMAP_TEST_PG");
    let password = var("RAIDMAP_TEST_PGPASSWORD");
    let ca = var("RAIDMAP_TEST_PG_CA");
    Server {
        base: format!("{pg}?sslmode=verify-full&sslrootcert={ca}"),
        password,
    }
}

impl Server {
    /// The address of `table` (quoted as needed).
    pub(crate) fn address(&self, table: &str) -> Address {
        Address::parse(&self.base)
            .expect("the test address parses")
            .with_table(TableName::parse(table).unwrap_or_else(|_| TableName {
                schema: "public".into(),
                name: table.into(),
            }))
    }

    pub(crate) fn connect(&self) -> Connection {
        let address = Address::parse(&self.base).expect("the test address parses");
        postgis::connect(&address, Some(&self.password)).expect("connects to the test server")
    }

    /// Run SQL (several statements) on a new connection.
    pub(crate) fn sql(&self, sql: &str) {
        self.connect()
            .client()
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// One text value from a query.
    pub(crate) fn text(&self, sql: &str) -> Option<String> {
        self.connect()
            .client()
            .query_one(sql, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .get(0)
    }
}

/// A table name no other test (or earlier run) uses: `PREFIX_PID_N`.
pub(crate) fn fresh_table(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
