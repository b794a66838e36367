//! The bytes of attached files, by SHA-256, and the check of every attachment against them.
//!
//! Blobs are only added, never changed: removing an attachment is an edit of the feature's
//! list (so it can be undone), and a save writes only the blobs some feature still names.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::attachment::{self, Attachment};
use crate::model::Layer;

/// Attached files' bytes by their SHA-256 (lowercase hex).
#[derive(Debug, Clone, Default)]
pub struct Store {
    blobs: BTreeMap<String, Arc<[u8]>>,
}

impl Store {
    /// Keep `bytes`; returns their SHA-256.
    pub fn add(&mut self, bytes: impl Into<Arc<[u8]>>) -> String {
        let bytes = bytes.into();
        let sha = super::sha256_hex(&bytes);
        self.blobs.entry(sha.clone()).or_insert(bytes);
        sha
    }

    /// Keep `bytes` whose SHA-256 was worked out already (on a reading thread), unless a blob
    /// of that hash is kept.
    pub fn add_hashed(&mut self, sha256: String, bytes: impl Into<Arc<[u8]>>) {
        self.blobs.entry(sha256).or_insert_with(|| bytes.into());
    }

    /// Keep `bytes` read from a project under the name `sha256`, as they are (the name is
    /// checked against the bytes by [`check`], not here, so a damaged file is reported).
    pub fn insert_read(&mut self, sha256: String, bytes: Vec<u8>) {
        self.blobs.insert(sha256, bytes.into());
    }

    pub fn get(&self, sha256: &str) -> Option<&Arc<[u8]>> {
        self.blobs.get(sha256)
    }

    pub fn is_empty(&self) -> bool {
        self.blobs.is_empty()
    }

    /// Every blob, by hash.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Arc<[u8]>)> {
        self.blobs.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// The outcome of checking one attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The layer's index in the project and the feature's index in the layer.
    pub layer: usize,
    pub feature: usize,
    pub attachment: Attachment,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The bytes hash to the recorded SHA-256 and have the recorded size.
    Verified,
    /// The bytes are there but hash to something else (damaged or changed).
    Mismatch,
    /// The project holds no file by that name.
    Missing,
}

impl Check {
    pub fn ok(&self) -> bool {
        self.outcome == Outcome::Verified
    }

    /// What went wrong, in words (`None` when verified).
    pub fn problem(&self) -> Option<String> {
        let a = &self.attachment;
        match self.outcome {
            Outcome::Verified => None,
            Outcome::Mismatch => Some(format!(
                "{} does not match its SHA-256 {} (the stored file was changed or damaged)",
                a.name, a.sha256
            )),
            Outcome::Missing => Some(format!(
                "{} (SHA-256 {}) is missing from the project",
                a.name, a.sha256
            )),
        }
    }
}

/// Hash every attached file of every layer again and compare it with its record.
pub fn check<'a>(layers: impl IntoIterator<Item = &'a Layer>, store: &Store) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut hashed: BTreeMap<&str, String> = BTreeMap::new();
    for (l, layer) in layers.into_iter().enumerate() {
        for (f, feature) in layer.features.iter().enumerate() {
            if !attachment::has_any(feature) {
                continue;
            }
            for a in attachment::of(feature) {
                let outcome = match store.blobs.get_key_value(a.sha256.as_str()) {
                    None => Outcome::Missing,
                    Some((key, bytes)) => {
                        let actual = hashed
                            .entry(key.as_str())
                            .or_insert_with(|| super::sha256_hex(bytes));
                        if *actual == a.sha256 && bytes.len() as u64 == a.bytes {
                            Outcome::Verified
                        } else {
                            Outcome::Mismatch
                        }
                    }
                };
                checks.push(Check {
                    layer: l,
                    feature: f,
                    attachment: a,
                    outcome,
                });
            }
        }
    }
    checks
}

/// The hashes some feature of `layers` names (the blobs a save must keep).
pub fn referenced<'a>(layers: impl IntoIterator<Item = &'a Layer>) -> Vec<String> {
    let mut names: Vec<String> = layers
        .into_iter()
        .flat_map(|l| l.features.iter())
        .filter(|f| attachment::has_any(f))
        .flat_map(|f| attachment::of(f).into_iter().map(|a| a.sha256))
        .collect();
    names.sort();
    names.dedup();
    names
}
