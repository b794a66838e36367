//! Database addresses: `postgresql://USER@HOST[:PORT]/DB?table=[SCHEMA.]TABLE` (also
//! `sslmode=` and `sslrootcert=`), and where the password comes from (never the address).
//!
//! A password written in the address is refused: addresses are saved in projects and shown in
//! messages, so the password comes from the window's prompt, `PGPASSWORD` or `~/.pgpass`
//! (`PGPASSFILE`), as with `psql`.

use std::fmt;
use std::path::{Path, PathBuf};

/// Whether `text` is a database address rather than a file path.
pub fn is_address(text: &str) -> bool {
    let lower = text.get(..13).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("postgresql://") || lower.starts_with("postgres://")
}

/// How TLS is used, as libpq's `sslmode` (`allow` counts as `prefer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never.
    Disable,
    /// When the server offers it, without checking its certificate (libpq's default).
    Prefer,
    /// Always, without checking the certificate.
    Require,
    /// Always, checking the certificate chain against `sslrootcert` (or the system's roots)
    /// but not the host name.
    VerifyCa,
    /// Always, checking the chain and that the certificate names the host.
    VerifyFull,
}

impl SslMode {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "disable" => SslMode::Disable,
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// A schema-qualified table name (schema `public` when none is given).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableName {
    pub schema: String,
    pub name: String,
}

impl TableName {
    /// `TABLE` or `SCHEMA.TABLE`; a name holding a dot can be written in double quotes
    /// (`"my.schema"."my.table"`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts = split_qualified(text)?;
        match parts.as_slice() {
            [name] => Ok(Self {
                schema: "public".into(),
                name: name.clone(),
            }),
            [schema, name] => Ok(Self {
                schema: schema.clone(),
                name: name.clone(),
            }),
            _ => Err(format!(
                "table {text:?} has more than two parts; write SCHEMA.TABLE"
            )),
        }
    }

    /// The name quoted for SQL: `"schema"."table"`.
    pub fn sql(&self) -> String {
        format!("{}.{}", quote_ident(&self.schema), quote_ident(&self.name))
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |s: &str| {
            if s.contains(['.', '"']) {
                quote_ident(s)
            } else {
                s.to_owned()
            }
        };
        if self.schema == "public" {
            write!(f, "{}", part(&self.name))
        } else {
            write!(f, "{}.{}", part(&self.schema), part(&self.name))
        }
    }
}

/// An identifier as SQL text: always in double quotes, inner quotes doubled, so no name can
/// end the identifier early.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn split_qualified(text: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    Some('"') => break,
                    Some(c) => part.push(c),
                    None => return Err(format!("unclosed quote in table {text:?}")),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                part.push(c);
                chars.next();
            }
        }
        if part.is_empty() {
            return Err(format!("empty name in table {text:?}"));
        }
        parts.push(part);
        match chars.next() {
            None => return Ok(parts),
            Some('.') => {}
            Some(c) => return Err(format!("unexpected {c:?} in table {text:?}")),
        }
    }
}

/// A parsed database address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub user: String,
    pub host: String,
    pub port: u16,
    pub database: String,
    /// The table, when the address names one (the window's *Open database…* lists them).
    pub table: Option<TableName>,
    pub ssl_mode: SslMode,
    /// A PEM file of the certificate authorities to trust (libpq's `sslrootcert`).
    pub ssl_root_cert: Option<PathBuf>,
}

impl Address {
    /// Parse an address; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let rest = text
            .strip_prefix("postgresql://")
            .or_else(|| text.strip_prefix("postgres://"))
            .ok_or_else(|| "a database address starts with postgresql://USER@HOST/DB".to_owned())?;
        let (main, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, database) = main.split_once('/').unwrap_or((main, ""));
        let (user, hostport) = match authority.rsplit_once('@') {
            Some((user, hostport)) => (user, hostport),
            None => ("", authority),
        };
        if user.contains(':') {
            return Err(
                "the address holds a password: leave it out (raidmap asks for it, or \
                        reads PGPASSWORD or ~/.pgpass) so it is never saved or shown"
                    .to_owned(),
            );
        }
        let (host, port) = if let Some(inner) = hostport.strip_prefix('[') {
            // [IPv6]:port
            let (host, after) = inner
                .split_once(']')
                .ok_or("unclosed [ in the host of the address")?;
            (host, after.strip_prefix(':').unwrap_or(""))
        } else {
            hostport.rsplit_once(':').unwrap_or((hostport, ""))
        };
        let port = if port.is_empty() {
            5432
        } else {
            port.parse::<u16>()
                .map_err(|_| format!("port {port:?} in the address is not a number"))?
        };
        let mut address = Self {
            user: decode(user)?,
            host: if host.is_empty() {
                "localhost".to_owned()
            } else {
                decode(host)?
            },
            port,
            database: decode(database)?,
            table: None,
            ssl_mode: SslMode::Prefer,
            ssl_root_cert: None,
        };
        if address.user.is_empty() {
            address.user = std::env::var("PGUSER")
                .or_else(|_| std::env::var("USER"))
                .unwrap_or_else(|_| "postgres".to_owned());
        }
        if address.database.is_empty() {
            address.database = address.user.clone();
        }
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value)?;
            match key {
                "table" => address.table = Some(TableName::parse(&value)?),
                "sslmode" => {
                    address.ssl_mode = SslMode::parse(&value).ok_or_else(|| {
                        format!(
                            "sslmode={value} is not one of disable, allow, prefer, require, \
                             verify-ca, verify-full"
                        )
                    })?;
                }
                "sslrootcert" => address.ssl_root_cert = Some(PathBuf::from(value)),
                "password" => {
                    return Err("the address holds a password: leave it out (raidmap asks \
                                for it, or reads PGPASSWORD or ~/.pgpass) so it is never \
                                saved or shown"
                        .to_owned());
                }
                other => {
                    return Err(format!(
                        "unknown parameter {other:?} in the address (raidmap reads table, \
                         sslmode and sslrootcert)"
                    ));
                }
            }
        }
        Ok(address)
    }

    /// The same server and database with another table.
    pub fn with_table(&self, table: TableName) -> Self {
        Self {
            table: Some(table),
            ..self.clone()
        }
    }

    /// What a person calls it: `TABLE` (or `SCHEMA.TABLE`) for a table, else `DB on HOST`.
    pub fn short_name(&self) -> String {
        match &self.table {
            Some(table) => table.to_string(),
            None => format!("{} on {}", self.database, self.host),
        }
    }

    /// The password for this address from `PGPASSWORD`, else from the password file
    /// (`PGPASSFILE`, else `~/.pgpass`), as libpq finds it.
    pub fn stored_password(&self) -> Option<String> {
        if let Ok(password) = std::env::var("PGPASSWORD") {
            return Some(password);
        }
        let file = std::env::var_os("PGPASSFILE")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pgpass")))?;
        let text = std::fs::read_to_string(file).ok()?;
        self.pgpass_lookup(&text)
    }

    /// The first line of a `.pgpass` text (`host:port:database:user:password`, `*` matching
    /// anything, `\:` and `\\` escaped) that matches this address.
    fn pgpass_lookup(&self, text: &str) -> Option<String> {
        let port = self.port.to_string();
        let wanted = [
            self.host.as_str(),
            port.as_str(),
            self.database.as_str(),
            self.user.as_str(),
        ];
        text.lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .find_map(|line| {
                let fields = split_pgpass(line);
                let [host, port, db, user, password] = <[String; 5]>::try_from(fields).ok()?;
                let matches = [host, port, db, user]
                    .iter()
                    .zip(wanted)
                    .all(|(field, want)| field == "*" || field == want);
                matches.then_some(password)
            })
    }
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(field)) = (chars.next(), fields.last_mut()) {
                    field.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(field) = fields.last_mut() {
                    field.push(c);
                }
            }
        }
    }
    fields
}

/// Written back in the form it is parsed from, without any password (there is none to write).
impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            encode(&self.host)
        };
        write!(
            f,
            "postgresql://{}@{host}:{}/{}",
            encode(&self.user),
            self.port,
            encode(&self.database)
        )?;
        let mut params = Vec::new();
        if let Some(table) = &self.table {
            let text = if table.schema == "public" && !table.name.contains(['.', '"']) {
                table.name.clone()
            } else {
                format!(
                    "{}.{}",
                    quote_ident(&table.schema),
                    quote_ident(&table.name)
                )
            };
            params.push(format!("table={}", encode(&text)));
        }
        if self.ssl_mode != SslMode::Prefer {
            params.push(format!("sslmode={}", self.ssl_mode.name()));
        }
        if let Some(cert) = &self.ssl_root_cert {
            params.push(format!(
                "sslrootcert={}",
                encode(&cert.display().to_string())
            ));
        }
        if !params.is_empty() {
            write!(f, "?{}", params.join("&"))?;
        }
        Ok(())
    }
}

/// Percent-decoding (`%22` → `"`).
fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad %-escape in the address at {:?}", &text[i..]))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the address is not UTF-8 once decoded".to_owned())
}

/// Percent-encoding of everything but unreserved characters and `/` `.` (paths stay readable).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_form() {
        let a = Address::parse(
            "postgresql://ana@db.example.org:6543/ngo?table=field.sites&sslmode=require",
        )
        .expect("parses");
        assert_eq!(a.user, "ana");
        assert_eq!(a.host, "db.example.org");
        assert_eq!(a.port, 6543);
        assert_eq!(a.database, "ngo");
        assert_eq!(
            a.table,
            Some(TableName {
                schema: "field".into(),
                name: "sites".into()
            })
        );
        assert_eq!(a.ssl_mode, SslMode::Require);
        assert_eq!(Address::parse(&a.to_string()), Ok(a));
        let b = Address::parse("postgres://ana@localhost/ngo?table=sites").expect("parses");
        assert_eq!((b.port, b.ssl_mode), (5432, SslMode::Prefer));
        assert_eq!(b.table.as_ref().map(|t| t.schema.as_str()), Some("public"));
    }

    #[test]
    fn hostile_table_names_round_trip_quoted() {
        let table = TableName {
            schema: "we\"ird.schema".into(),
            name: "x\"; DROP TABLE sites; --".into(),
        };
        assert_eq!(
            table.sql(),
            r#""we""ird.schema"."x""; DROP TABLE sites; --""#
        );
        let a = Address::parse("postgresql://u@h/d")
            .expect("parses")
            .with_table(table.clone());
        assert_eq!(
            Address::parse(&a.to_string()).expect("parses").table,
            Some(table)
        );
    }

    #[test]
    fn a_password_in_the_address_is_refused_without_echoing_it() {
        for text in [
            "postgresql://ana:s3cret@h/d?table=t",
            "postgresql://ana@h/d?table=t&password=s3cret",
        ] {
            let err = Address::parse(text).expect_err("refused");
            assert!(err.contains("password") && !err.contains("s3cret"), "{err}");
        }
    }

    #[test]
    fn bad_parts_are_named() {
        assert!(Address::parse("postgresql://a@h:x/d").is_err_and(|e| e.contains("port")));
        assert!(
            Address::parse("postgresql://a@h/d?sslmode=maybe")
                .is_err_and(|e| e.contains("sslmode"))
        );
        assert!(Address::parse("postgresql://a@h/d?tabel=t").is_err_and(|e| e.contains("tabel")));
        assert!(Address::parse("postgresql://a@h/d?table=a.b.c").is_err());
    }

    #[test]
    fn pgpass_lines_match_like_libpq() {
        let a = Address::parse("postgresql://ana@db:5432/ngo").expect("parses");
        let text = "# comment\nother:*:*:*:no\ndb:5432:ngo:bob:no\n*:*:ngo:ana:pa\\:ss\n";
        assert_eq!(a.pgpass_lookup(text).as_deref(), Some("pa:ss"));
        assert_eq!(a.pgpass_lookup("db:1:ngo:ana:no\n"), None);
    }
}
