//! Features read again from the text a reader checked, rather than kept parsed: a feature's
//! lines and polygons from its text ([`geometry_text`]) and JSON text parsed without
//! serde_json's own nesting limit, since the readers have applied raidmap's ([`json_text`]).

pub(crate) mod geometry_text;
pub mod json_text;
