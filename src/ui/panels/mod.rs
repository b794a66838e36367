//! The panels and dialogs around the map: layers and their styles, the inspector and property
//! editor with the feature's attachments, the custody log, search, image export, coverage and
//! help.

pub(crate) mod attachments;
pub(crate) mod coverage;
pub(crate) mod custody_log;
pub mod help;
pub(crate) mod image_export;
pub(crate) mod inspector;
pub(crate) mod layers;
pub(crate) mod property_editor;
pub(crate) mod search_box;
pub(crate) mod style_editor;
pub(crate) mod thumbnail;
