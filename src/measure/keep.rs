//! A measurement kept as a feature of the Measurements layer.

use geo::{Geometry, LineString};
use serde_json::{Map, Value, json};

use super::{METHOD, Place, distance_m, initial_bearing_deg};
use crate::model::Feature;

/// A LineString feature from `from` to `to` carrying the measured numbers, so the measurement
/// is exported with everything else and can be read back.
pub fn measurement_feature(from: &Place, to: &Place) -> Feature {
    let d = distance_m(from.point, to.point);
    let line = LineString::from(vec![from.point.0, to.point.0]);
    let mut props = Map::new();
    props.insert(
        "name".into(),
        Value::String(format!("{} to {}", from.label, to.label)),
    );
    props.insert("distance_m".into(), json!(d));
    props.insert(
        "initial_bearing_deg".into(),
        json!(initial_bearing_deg(from.point, to.point)),
    );
    props.insert("from".into(), Value::String(from.label.clone()));
    props.insert("to".into(), Value::String(to.label.clone()));
    props.insert("method".into(), Value::String(METHOD.into()));
    if from.from_centroid || to.from_centroid {
        props.insert(
            "note".into(),
            Value::String("a non-point feature was measured from its centroid".into()),
        );
    }
    Feature::new(Geometry::LineString(line), props)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Point;

    fn place(label: &str, lon: f64, lat: f64) -> Place {
        Place {
            label: label.into(),
            point: Point::new(lon, lat),
            from_centroid: false,
            feature: None,
        }
    }

    #[test]
    fn a_kept_measurement_is_a_line_with_its_distance_and_method() {
        let a = place("Mango Park", 104.66, 11.262);
        let b = place("Mango Park 2", 104.716, 11.202);
        let f = measurement_feature(&a, &b);
        let d = f
            .property("distance_m")
            .and_then(Value::as_f64)
            .expect("distance_m");
        assert_eq!(d, distance_m(a.point, b.point));
        assert_eq!(f.property("method"), Some(&json!("geodesic-wgs84")));
        assert!(matches!(f.geometry(), Some(Geometry::LineString(l)) if l.0.len() == 2));
        assert_eq!(f.object()["geometry"]["type"], json!("LineString"));
    }
}
