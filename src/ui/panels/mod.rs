//! The panels and dialogs around the map: layers and their styles, the inspector and property
//! editor with the feature's attachments, the custody log, search, image export, coverage and
//! help.

pub mod attachments;
pub mod coverage;
pub mod custody_log;
pub mod help;
pub mod image_export;
pub mod inspector;
pub mod layers;
pub mod property_editor;
pub mod search_box;
pub mod style_editor;
pub mod thumbnail;
