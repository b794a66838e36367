//! The custody log: an append-only list of what happened to each item of evidence (attached,
//! removed, exported, hash verified or failed, project encrypted or decrypted), each entry with
//! its UTC time, user name and the item's SHA-256.
//!
//! Each entry carries `hash`, the SHA-256 of the previous entry's hash and this entry's other
//! fields, so an entry changed, inserted or removed after the fact breaks the chain at that
//! place ([`CustodyLog::verify`]). The first entry chains from 64 zeros.

use serde::{Deserialize, Serialize};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Attached,
    Removed,
    Exported,
    HashVerified,
    HashFailed,
    Encrypted,
    Decrypted,
}

impl Event {
    /// The word used in `raidmap log` and the panel.
    pub fn word(self) -> &'static str {
        match self {
            Event::Attached => "attached",
            Event::Removed => "removed",
            Event::Exported => "exported",
            Event::HashVerified => "hash verified",
            Event::HashFailed => "hash FAILED",
            Event::Encrypted => "encrypted",
            Event::Decrypted => "decrypted",
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// UTC, RFC 3339.
    pub time: String,
    pub user: String,
    pub event: Event,
    /// The item's SHA-256 (for `encrypted`/`decrypted`, the file that was read).
    pub sha256: String,
    /// What the item is: a file name, a feature, where it was exported to.
    pub detail: String,
    /// SHA-256 over the previous entry's `hash` and this entry's fields.
    pub hash: String,
}

/// The fields an entry's hash covers, in a fixed order.
#[derive(Serialize)]
struct Hashed<'a> {
    previous: &'a str,
    time: &'a str,
    user: &'a str,
    event: Event,
    sha256: &'a str,
    detail: &'a str,
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn chain_hash(previous: &str, e: &Entry) -> String {
    let hashed = Hashed {
        previous,
        time: &e.time,
        user: &e.user,
        event: e.event,
        sha256: &e.sha256,
        detail: &e.detail,
    };
    super::sha256_hex(
        serde_json::to_string(&hashed)
            .unwrap_or_default()
            .as_bytes(),
    )
}

/// The log of a project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustodyLog {
    entries: Vec<Entry>,
}

/// Where the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the custody log was altered: entry {number} of {total} does not follow from the ones before it"
)]
pub struct Broken {
    /// 1-based.
    pub number: usize,
    pub total: usize,
}

impl CustodyLog {
    /// Append an event now, by `user`.
    pub fn record(&mut self, user: &str, event: Event, sha256: &str, detail: &str) {
        self.record_at(&super::now_utc(), user, event, sha256, detail);
    }

    /// Append an event at `time` (UTC, RFC 3339).
    pub fn record_at(&mut self, time: &str, user: &str, event: Event, sha256: &str, detail: &str) {
        let previous = self.entries.last().map_or(GENESIS, |e| e.hash.as_str());
        let mut entry = Entry {
            time: time.to_owned(),
            user: user.to_owned(),
            event,
            sha256: sha256.to_owned(),
            detail: detail.to_owned(),
            hash: String::new(),
        };
        entry.hash = chain_hash(previous, &entry);
        self.entries.push(entry);
    }

    /// Record what the hash checks made on opening found, where it differs from what the log
    /// last says about each file: `hash FAILED` when a file fails for the first time, `hash
    /// verified` when one that failed matches again. A file attached (or last verified) that
    /// still matches adds nothing, so opening a sound project leaves the log as it was.
    /// Returns how many entries were added.
    pub fn record_checks(&mut self, checks: &[super::Check], user: &str) -> usize {
        let mut seen = std::collections::BTreeSet::new();
        let mut added = 0;
        for check in checks {
            let sha = check.attachment.sha256.as_str();
            if !seen.insert(sha) {
                continue;
            }
            let failed_last = self
                .entries
                .iter()
                .rev()
                .find(|e| {
                    e.sha256 == sha
                        && matches!(
                            e.event,
                            Event::Attached | Event::HashVerified | Event::HashFailed
                        )
                })
                .is_some_and(|e| e.event == Event::HashFailed);
            let (event, detail) = match (check.problem(), failed_last) {
                (Some(problem), false) => (Event::HashFailed, problem),
                (None, true) => (
                    Event::HashVerified,
                    format!("{} matches its SHA-256 again", check.attachment.name),
                ),
                _ => continue,
            };
            self.record(user, event, sha, &detail);
            added += 1;
        }
        added
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Check the chain from the first entry.
    pub fn verify(&self) -> Result<(), Broken> {
        let mut previous = GENESIS;
        for (i, e) in self.entries.iter().enumerate() {
            if chain_hash(previous, e) != e.hash {
                return Err(Broken {
                    number: i + 1,
                    total: self.entries.len(),
                });
            }
            previous = &e.hash;
        }
        Ok(())
    }

    /// The log as CSV: `time,user,event,sha256,detail,hash` with a header line.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(["time", "user", "event", "sha256", "detail", "hash"]);
        for e in &self.entries {
            let event = serde_json::to_value(e.event)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let _ = w.write_record([&e.time, &e.user, &event, &e.sha256, &e.detail, &e.hash]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_entry_breaks_the_chain_there() {
        let mut log = CustodyLog::default();
        log.record_at(
            "2026-01-01T00:00:00Z",
            "ana",
            Event::Attached,
            "ab",
            "a.jpg",
        );
        log.record_at("2026-01-02T00:00:00Z", "ana", Event::Removed, "ab", "a.jpg");
        log.record_at("2026-01-03T00:00:00Z", "bo", Event::Exported, "ab", "out");
        assert_eq!(log.verify(), Ok(()));
        let mut changed = log.clone();
        changed.entries[1].user = "mallory".into();
        assert_eq!(
            changed.verify(),
            Err(Broken {
                number: 2,
                total: 3
            })
        );
        let mut dropped = log.clone();
        dropped.entries.remove(0);
        assert_eq!(
            dropped.verify(),
            Err(Broken {
                number: 1,
                total: 2
            })
        );
        let text = serde_json::to_string(&log).expect("serializes");
        let back: CustodyLog = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back.verify(), Ok(()));
        assert!(
            log.to_csv()
                .starts_with("time,user,event,sha256,detail,hash\n")
        );
    }
}
