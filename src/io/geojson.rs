//! GeoJSON reading (PRELIMINARY: being replaced by the validating reader).

use std::path::Path;

use serde_json::{Map, Value};

use crate::model::{Feature, Layer, LayerKind, Root};

/// How bad a problem is: errors break RFC 7946 (MUST), warnings are SHOULD-level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a file, with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    /// 1-based line and column where the JSON gives them.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// JSON path such as `features[3].geometry.coordinates[0]`.
    pub path: String,
    pub message: String,
}

/// Why a file could not be read as a layer.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not valid GeoJSON: {}", .name, .problems.first().map(|p| p.message.as_str()).unwrap_or("?"))]
    Invalid { name: String, problems: Vec<Problem> },
}

pub fn read_path(path: &Path) -> Result<Layer, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut layer = read_str(&text, &name)?;
    layer.path = Some(path.to_owned());
    Ok(layer)
}

pub fn read_str(text: &str, name: &str) -> Result<Layer, ReadError> {
    let invalid = |message: String| ReadError::Invalid {
        name: name.to_owned(),
        problems: vec![Problem {
            severity: Severity::Error,
            line: None,
            column: None,
            path: String::new(),
            message,
        }],
    };
    let value: Value = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let Value::Object(mut members) = value else {
        return Err(invalid("not an object".into()));
    };
    let mut layer = Layer::new(name, LayerKind::Data);
    let features = match members.get_mut("features") {
        Some(f) => f.take(),
        None => return Err(invalid("not a FeatureCollection".into())),
    };
    for f in features.as_array().into_iter().flatten() {
        let Value::Object(obj) = f.clone() else {
            continue;
        };
        let geometry = obj
            .get("geometry")
            .and_then(|g| geojson::Geometry::from_json_value(g.clone()).ok())
            .and_then(|g| geo::Geometry::<f64>::try_from(g).ok());
        let original = serde_json::value::to_raw_value(&obj).ok();
        layer.features.push(Feature::from_parts(obj, original, geometry));
    }
    layer.root = Root::FeatureCollection {
        members: members.into_iter().collect::<Map<_, _>>(),
    };
    Ok(layer)
}
