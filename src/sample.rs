//! The bundled sample layers (`data/sites.geojson`, `data/raids.geojson`), embedded in the
//! binary so the app and the CLI work from any folder.

use crate::io::{ReadError, read_str};
use crate::model::Layer;

/// File name and text of each bundled layer, in the order they are opened.
pub const FILES: [(&str, &str); 2] = [
    ("sites.geojson", include_str!("../data/sites.geojson")),
    ("raids.geojson", include_str!("../data/raids.geojson")),
];

/// Read the bundled layers. They are checked by the tests, so an error here is a build defect,
/// but it is still reported rather than panicking.
pub fn layers() -> Result<Vec<Layer>, ReadError> {
    FILES
        .iter()
        .map(|(name, text)| read_str(text, name))
        .collect()
}
