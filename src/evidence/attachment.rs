//! Attachments of a feature: a list in the feature's `"raidmap:attachments"` member (a foreign
//! member, so no property of the user's is touched), each naming a file by its SHA-256.
//!
//! The bytes live in the project's [`super::Store`]; the list is changed only through
//! [`Edit`]s made here, so attaching and removing are undoable like any other edit.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::edit::Edit;
use crate::model::{Feature, FeatureRef, Layer};

/// The feature member holding the list.
pub const MEMBER: &str = "raidmap:attachments";

/// One attached file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The original file name (no folder).
    pub name: String,
    /// SHA-256 of the bytes, lowercase hex: also the file's name in the project.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Media type (`image/jpeg`, `application/pdf`, …), from the file name.
    pub media_type: String,
    /// When it was attached (UTC, RFC 3339).
    pub added: String,
    /// Who attached it (the user name setting).
    #[serde(default)]
    pub added_by: String,
}

impl Attachment {
    /// Describe `bytes` read from a file called `name`, attached now by `user`.
    pub fn describe(name: &str, bytes: &[u8], user: &str) -> Self {
        Self {
            name: name.to_owned(),
            sha256: super::sha256_hex(bytes),
            bytes: bytes.len() as u64,
            media_type: media_type(name),
            added: super::now_utc(),
            added_by: user.to_owned(),
        }
    }

    /// Whether the file is a picture a thumbnail can be made of.
    pub fn is_image(&self) -> bool {
        self.media_type.starts_with("image/")
    }

    /// The object written by `export` for this attachment: `name`, `sha256`, `bytes`,
    /// `media_type`, `added`.
    pub fn export_json(&self) -> Value {
        serde_json::json!({
            "name": self.name,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "media_type": self.media_type,
            "added": self.added,
        })
    }
}

/// The media type of a file by its name (`application/octet-stream` when unknown).
pub fn media_type(name: &str) -> String {
    mime_guess::from_path(name)
        .first_or_octet_stream()
        .essence_str()
        .to_owned()
}

/// The attachments of a feature, in the order they were added. Entries that cannot be read
/// (a hand-edited file) are skipped; [`unreadable`] counts them.
pub fn of(feature: &Feature) -> Vec<Attachment> {
    match feature.object().get(MEMBER) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| serde_json::from_value(v.clone()).ok())
            .collect(),
        _ => Vec::new(),
    }
}

/// How many entries of the feature's list are not attachments raidmap can read.
pub fn unreadable(feature: &Feature) -> usize {
    match feature.object().get(MEMBER) {
        Some(Value::Array(items)) => items
            .iter()
            .filter(|v| serde_json::from_value::<Attachment>((*v).clone()).is_err())
            .count(),
        Some(_) => 1,
        None => 0,
    }
}

/// Whether a feature has an attachments member at all (cheap enough for a scan: it looks at
/// the text before parsing).
pub fn has_any(feature: &Feature) -> bool {
    match feature.original_text() {
        Some(text) if !text.contains(MEMBER) => false,
        _ => feature.object().contains_key(MEMBER),
    }
}

/// The edit that appends `added` to the feature's list (an attachment with a hash already in
/// the list is not added twice).
pub fn attach(target: FeatureRef, feature: &Feature, added: Vec<Attachment>) -> Edit {
    let mut list = of(feature);
    for a in added {
        if !list.iter().any(|b| b.sha256 == a.sha256) {
            list.push(a);
        }
    }
    set(target, list)
}

/// The edit that removes the attachment with hash `sha256` from the feature's list.
pub fn remove(target: FeatureRef, feature: &Feature, sha256: &str) -> Edit {
    let mut list = of(feature);
    list.retain(|a| a.sha256 != sha256);
    set(target, list)
}

fn set(target: FeatureRef, list: Vec<Attachment>) -> Edit {
    let value = (!list.is_empty()).then(|| {
        Value::Array(
            list.iter()
                .filter_map(|a| serde_json::to_value(a).ok())
                .collect(),
        )
    });
    Edit::SetMember {
        target,
        key: MEMBER.into(),
        value,
    }
}

/// The member an export writes the attachments list in (with `name`, `sha256`, `bytes`,
/// `media_type`, `added` each).
pub const EXPORT_MEMBER: &str = "attachments";

/// `layer` as exported: each feature's attachments as an [`EXPORT_MEMBER`] list instead of the
/// project's member (features without attachments are untouched, so written verbatim; a layer
/// without any is not copied).
pub fn for_export(layer: &Layer) -> Cow<'_, Layer> {
    if !layer.features.iter().any(has_any) {
        return Cow::Borrowed(layer);
    }
    let mut out = layer.clone();
    for feature in &mut out.features {
        if !has_any(feature) {
            continue;
        }
        let list: Vec<Value> = of(feature).iter().map(Attachment::export_json).collect();
        feature.set_member(MEMBER, None);
        feature.set_member(EXPORT_MEMBER, Some(Value::Array(list)));
    }
    Cow::Owned(out)
}
