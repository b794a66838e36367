//! Turning what a person typed ("Mango Park", "site-7", "11.26,104.66") into a point to measure.

use geo::{Centroid, Geometry, Point};

use crate::model::{FeatureRef, Layer, LayerId};

/// A point to measure from or to.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// What the place is called in output: the feature's label or the typed coordinate.
    pub label: String,
    pub point: Point<f64>,
    /// True when the feature is not a point and was measured from its centroid.
    pub from_centroid: bool,
    /// The feature, when the place is one.
    pub feature: Option<FeatureRef>,
}

/// Why a typed place could not be found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlaceError {
    #[error("no feature is named or has the id {query:?}{}", hint(.candidates))]
    NotFound {
        query: String,
        candidates: Vec<String>,
    },
    #[error("{query:?} matches {} features: {}", .candidates.len(), .candidates.join(", "))]
    Ambiguous {
        query: String,
        candidates: Vec<String>,
    },
    #[error("feature {label:?} has no geometry (\"geometry\": null), so it cannot be measured")]
    NoGeometry { label: String },
    #[error("{query:?} is not a valid LAT,LON coordinate: {reason}")]
    BadCoordinate { query: String, reason: String },
}

fn hint(candidates: &[String]) -> String {
    if candidates.is_empty() {
        String::new()
    } else {
        format!("; did you mean: {}?", candidates.join(", "))
    }
}

/// The point that stands for a geometry: the point itself, else the centroid (lon/lat planar
/// centroid of the shape, which is what people mean by "the middle of the compound"). The flag
/// says whether a centroid was used.
pub fn representative_point(geometry: &Geometry<f64>) -> Option<(Point<f64>, bool)> {
    match geometry {
        Geometry::Point(p) => Some((*p, false)),
        other => other.centroid().map(|c| (c, true)),
    }
}

/// Find a place: a `LAT,LON` coordinate, else a feature by exact `name`, then by case-insensitive
/// `name`, then by `id`, in the given layers.
pub fn resolve(query: &str, layers: &[(LayerId, &Layer)]) -> Result<Place, PlaceError> {
    if let Some(result) = parse_lat_lon(query) {
        return result;
    }
    let all = || {
        layers.iter().flat_map(|(id, layer)| {
            layer
                .features
                .iter()
                .enumerate()
                .map(move |(index, f)| (FeatureRef { layer: *id, index }, f))
        })
    };
    // Names and ids read without keeping the parsed objects of big layers.
    let exact: Vec<_> = all()
        .filter(|(_, f)| f.name_unkept().as_deref() == Some(query))
        .collect();
    let matches = if !exact.is_empty() {
        exact
    } else {
        let folded = query.to_lowercase();
        let by_name: Vec<_> = all()
            .filter(|(_, f)| f.name_unkept().is_some_and(|n| n.to_lowercase() == folded))
            .collect();
        if !by_name.is_empty() {
            by_name
        } else {
            all()
                .filter(|(_, f)| f.id_text_unkept().as_deref() == Some(query))
                .collect()
        }
    };
    let describe = |(r, f): &(FeatureRef, &crate::model::Feature)| {
        let layer = layers
            .iter()
            .find(|(id, _)| *id == r.layer)
            .map(|(_, l)| l.name.as_str())
            .unwrap_or("?");
        match f.id_text() {
            Some(id) => format!("{} (id {id}, {layer})", f.label(r.index)),
            None => format!("{} ({layer} #{})", f.label(r.index), r.index),
        }
    };
    match matches.as_slice() {
        [] => {
            let folded = query.to_lowercase();
            let mut candidates: Vec<String> = all()
                .filter(|(_, f)| {
                    f.name_unkept().is_some_and(|n| {
                        n.to_lowercase().contains(&folded) || folded.contains(&n.to_lowercase())
                    })
                })
                .map(|m| describe(&m))
                .collect();
            candidates.truncate(10);
            Err(PlaceError::NotFound {
                query: query.to_owned(),
                candidates,
            })
        }
        [one] => {
            let (r, f) = one;
            let label = f.label(r.index);
            let (point, from_centroid) = f
                .with_geometry(|g| g.and_then(representative_point))
                .ok_or_else(|| PlaceError::NoGeometry {
                    label: label.clone(),
                })?;
            Ok(Place {
                label,
                point,
                from_centroid,
                feature: Some(*r),
            })
        }
        many => Err(PlaceError::Ambiguous {
            query: query.to_owned(),
            candidates: many.iter().map(describe).collect(),
        }),
    }
}

/// `Some` when the text looks like a coordinate pair (two numbers separated by a comma), with
/// the result of checking its ranges.
fn parse_lat_lon(text: &str) -> Option<Result<Place, PlaceError>> {
    let (lat, lon) = text.split_once(',')?;
    let lat: f64 = lat.trim().parse().ok()?;
    let lon: f64 = lon.trim().parse().ok()?;
    let bad = |reason: &str| {
        Some(Err(PlaceError::BadCoordinate {
            query: text.to_owned(),
            reason: reason.to_owned(),
        }))
    };
    if !lat.is_finite() || !lon.is_finite() {
        return bad("values must be finite numbers");
    }
    if !(-90.0..=90.0).contains(&lat) {
        return bad("latitude must be between -90 and 90 (write LAT,LON, latitude first)");
    }
    if !(-180.0..=180.0).contains(&lon) {
        return bad("longitude must be between -180 and 180");
    }
    Some(Ok(Place {
        label: format!("{lat},{lon}"),
        point: Point::new(lon, lat),
        from_centroid: false,
        feature: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_str;

    fn layer() -> Layer {
        read_str(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"mp","geometry":{"type":"Point","coordinates":[104.66,11.262]},"properties":{"name":"Mango Park"}},
            {"type":"Feature","id":2,"geometry":{"type":"Point","coordinates":[104.716,11.202]},"properties":{"name":"Mango Park 2"}},
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]},"properties":{"name":"square"}},
            {"type":"Feature","geometry":null,"properties":{"name":"somewhere in Takeo"}}]}"#,
            "test.geojson",
        )
        .expect("valid test layer")
    }

    #[test]
    fn names_match_exactly_first_then_ignoring_case_then_by_id() {
        let l = layer();
        let layers = [(LayerId(0), &l)];
        assert_eq!(
            resolve("Mango Park", &layers).map(|p| p.label),
            Ok("Mango Park".into())
        );
        assert_eq!(
            resolve("mango park 2", &layers).map(|p| p.label),
            Ok("Mango Park 2".into())
        );
        assert_eq!(
            resolve("2", &layers).map(|p| p.label),
            Ok("Mango Park 2".into())
        );
        assert_eq!(
            resolve("mp", &layers).map(|p| p.label),
            Ok("Mango Park".into())
        );
    }

    #[test]
    fn an_unknown_name_lists_similar_names() {
        let l = layer();
        let err = resolve("Mango", &[(LayerId(0), &l)]).expect_err("no feature is called Mango");
        let PlaceError::NotFound { candidates, .. } = err else {
            panic!("expected NotFound, got {err:?}")
        };
        assert_eq!(candidates.len(), 2);
    }

    #[test]
    fn coordinates_are_latitude_first_and_may_be_negative() {
        let p = resolve("-33.9, 18.4", &[]).expect("a valid coordinate");
        assert_eq!(p.point, Point::new(18.4, -33.9));
        assert!(matches!(
            resolve("104.6,11.2", &[]),
            Err(PlaceError::BadCoordinate { .. })
        ));
    }

    #[test]
    fn polygons_are_measured_from_their_centroid_and_say_so() {
        let l = layer();
        let p = resolve("square", &[(LayerId(0), &l)]).expect("square exists");
        assert!(p.from_centroid);
        assert_eq!(p.point, Point::new(1.0, 1.0));
        assert!(matches!(
            resolve("somewhere in Takeo", &[(LayerId(0), &l)]),
            Err(PlaceError::NoGeometry { .. })
        ));
    }
}
