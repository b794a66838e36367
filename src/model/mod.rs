//! The document: layers of GeoJSON features, as plain data.
//!
//! Nothing here knows about the screen. The GUI, the command line, the tests and the benchmarks
//! all work on these types. A [`Feature`] keeps the JSON object it was read from (key order,
//! foreign members, `id` with its type) and, until it is edited, its exact original text, so an
//! export of unedited data reproduces the input.

pub mod density;
mod document;
mod feature;
mod layer;
mod outer_box;
pub mod picture;
pub mod precision;
mod problem;
mod property_texts;
mod spatial;
mod text;
mod unkept;

pub use density::Density;
pub use document::{Document, FeatureRef, LayerId};
pub use feature::{Feature, FeatureText};
pub use layer::{Layer, LayerKind, Root, TableOrigin, union};
pub use picture::Picture;
pub use problem::{Problem, Severity};
pub use property_texts::{FeatureProperties, PropertyTexts};
pub use spatial::SpatialIndex;
// The modules in text/ keep their paths directly under `model`.
pub(crate) use text::geometry_text;
pub use text::json_text;
