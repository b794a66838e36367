//! Measurements kept as features of the Measurements layer, and recognising them again when a
//! file is opened.
//!
//! Every kept measurement carries `"method": "geodesic-wgs84"` and its numbers in SI units
//! (`distance_m`, `legs_m`, `area_m2`, `perimeter_m`, `radius_m`) next to `from`, `to`, `via`,
//! `center` or `of`, so it is exported with everything else and means the same thing when
//! read back, by raidmap or by anyone else. The geometry holds the measured vertices (a line
//! for distances and paths, a closed line for rings, a polygon for areas); the numbers, not the
//! straight segments between vertices, are the measurement.

use geo::{Geometry, LineString};
use serde_json::{Map, Value, json};

use super::{
    AreaMeasure, METHOD, Place, Units, distance_m, initial_bearing_deg, path_length,
    rings::{RING_STEPS, geodesic_ring},
};
use crate::model::{Feature, Layer};

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
        props.insert("note".into(), centroid_note());
    }
    Feature::created(Geometry::LineString(line), props)
}

/// A multi-leg path through `places` as a LineString feature with the total (`distance_m`) and
/// each leg (`legs_m`). `None` with fewer than two places.
pub fn path_feature(places: &[Place]) -> Option<Feature> {
    let (first, last) = (places.first()?, places.last()?);
    if places.len() < 2 {
        return None;
    }
    let points: Vec<_> = places.iter().map(|p| p.point).collect();
    let length = path_length(&points);
    let via: Vec<&str> = places[1..places.len() - 1]
        .iter()
        .map(|p| p.label.as_str())
        .collect();
    let mut props = Map::new();
    let name = if via.is_empty() {
        format!("{} to {}", first.label, last.label)
    } else {
        format!("{} to {} via {}", first.label, last.label, via.join(", "))
    };
    props.insert("name".into(), Value::String(name));
    props.insert("distance_m".into(), json!(length.total_m));
    props.insert("legs_m".into(), json!(length.legs_m));
    props.insert(
        "initial_bearing_deg".into(),
        json!(initial_bearing_deg(first.point, places[1].point)),
    );
    props.insert("from".into(), Value::String(first.label.clone()));
    if !via.is_empty() {
        props.insert("via".into(), json!(via));
    }
    props.insert("to".into(), Value::String(last.label.clone()));
    props.insert("method".into(), Value::String(METHOD.into()));
    if places.iter().any(|p| p.from_centroid) {
        props.insert("note".into(), centroid_note());
    }
    let line = LineString::from(points.iter().map(|p| p.0).collect::<Vec<_>>());
    Some(Feature::created(Geometry::LineString(line), props))
}

/// A geodesic ring of `radius_m` around `center` as a closed LineString feature (a line, not a
/// polygon, so clicks inside it still reach the sites it surrounds).
pub fn ring_feature(center: &Place, radius_m: f64) -> Feature {
    let ring = geodesic_ring(center.point, radius_m, RING_STEPS);
    let mut props = Map::new();
    props.insert(
        "name".into(),
        Value::String(format!(
            "{} ring around {}",
            Units::Metric.format_length(radius_m),
            center.label
        )),
    );
    props.insert("radius_m".into(), json!(radius_m));
    props.insert("center".into(), Value::String(center.label.clone()));
    props.insert("center_lat".into(), json!(center.point.y()));
    props.insert("center_lon".into(), json!(center.point.x()));
    props.insert("method".into(), Value::String(METHOD.into()));
    if center.from_centroid {
        props.insert("note".into(), centroid_note());
    }
    Feature::created(Geometry::LineString(ring), props)
}

/// A measured polygon as a feature with `area_m2` and `perimeter_m`; `of` names the feature it
/// was measured from, if any.
pub fn area_feature(polygon: Geometry<f64>, of: Option<&str>, measure: AreaMeasure) -> Feature {
    let mut props = Map::new();
    let name = match of {
        Some(label) => format!("Area of {label}"),
        None => "Drawn area".to_owned(),
    };
    props.insert("name".into(), Value::String(name));
    props.insert("area_m2".into(), json!(measure.area_m2));
    props.insert("perimeter_m".into(), json!(measure.perimeter_m));
    if let Some(label) = of {
        props.insert("of".into(), Value::String(label.to_owned()));
    }
    props.insert("method".into(), Value::String(METHOD.into()));
    Feature::created(polygon, props)
}

fn centroid_note() -> Value {
    Value::String("a non-point feature was measured from its centroid".into())
}

/// Whether a feature is a kept measurement: `"method": "geodesic-wgs84"` and at least one of
/// `distance_m`, `area_m2` or `radius_m` as a number.
pub fn is_measurement(feature: &Feature) -> bool {
    feature.property("method").and_then(Value::as_str) == Some(METHOD)
        && ["distance_m", "area_m2", "radius_m"]
            .iter()
            .any(|k| feature.property(k).is_some_and(Value::is_number))
}

/// Whether a layer read from a file holds only kept measurements (and at least one), so it is
/// opened as a Measurements layer.
pub fn is_measurement_layer(layer: &Layer) -> bool {
    !layer.features.is_empty() && layer.features.iter().all(is_measurement)
}

/// What the map writes next to a kept measurement: its distance, its area, or its radius, in
/// `units`; `None` for a feature that is not a measurement.
pub fn measurement_label(feature: &Feature, units: Units) -> Option<String> {
    // Read without keeping the parsed properties: the map asks this of every feature it labels.
    feature.with_properties(|p| {
        let p = p?;
        if p.get("method").and_then(Value::as_str) != Some(METHOD) {
            return None;
        }
        let number = |key: &str| p.get(key).and_then(Value::as_f64);
        if let Some(area) = number("area_m2") {
            return Some(units.format_area(area));
        }
        if let Some(radius) = number("radius_m") {
            return Some(format!("r = {}", units.format_length(radius)));
        }
        number("distance_m").map(|d| units.format_length(d))
    })
}

/// Where the map writes a kept measurement's label: on a ring's first vertex (due north of
/// its centre, so the labels of rings around one centre do not collide), else at the
/// representative point (the middle of a line, the centroid of an area).
pub fn measurement_anchor(feature: &Feature) -> Option<geo::Point<f64>> {
    let ring = feature.with_properties(|p| {
        p.and_then(|p| p.get("radius_m"))
            .is_some_and(Value::is_number)
    });
    feature.with_geometry(|geometry| {
        let geometry = geometry?;
        if ring && let Geometry::LineString(ring) = geometry {
            return ring.points().next();
        }
        super::representative_point(geometry).map(|(p, _)| p)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::polygon_area;
    use geo::{Point, polygon};

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
        assert!(is_measurement(&f));
    }

    #[test]
    fn a_kept_path_lists_its_legs_in_order_and_their_total() {
        let places = [
            place("A", 104.66, 11.262),
            place("B", 104.716, 11.202),
            place("C", 102.563, 13.659),
        ];
        let f = path_feature(&places).expect("three places");
        let legs: Vec<f64> = f
            .property("legs_m")
            .and_then(Value::as_array)
            .expect("legs_m")
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        assert_eq!(
            legs,
            [
                distance_m(places[0].point, places[1].point),
                distance_m(places[1].point, places[2].point)
            ]
        );
        assert_eq!(
            f.property("distance_m").and_then(Value::as_f64),
            Some(legs[0] + legs[1])
        );
        assert_eq!(f.property("via"), Some(&json!(["B"])));
        assert_eq!(f.name(), Some("A to C via B"));
        assert!(path_feature(&places[..1]).is_none());
    }

    #[test]
    fn a_kept_ring_is_a_closed_line_with_its_radius_and_centre() {
        let f = ring_feature(&place("Mango Park", 104.66, 11.262), 5000.0);
        assert_eq!(f.property("radius_m"), Some(&json!(5000.0)));
        assert_eq!(f.property("center"), Some(&json!("Mango Park")));
        assert!(matches!(f.geometry(), Some(Geometry::LineString(l)) if l.is_closed()));
        assert_eq!(
            measurement_label(&f, Units::Metric).as_deref(),
            Some("r = 5.00 km")
        );
    }

    #[test]
    fn a_kept_area_carries_area_and_perimeter_and_is_labelled_by_its_area() {
        let poly = Geometry::Polygon(polygon![
            (x: 104.0, y: 11.0), (x: 104.01, y: 11.0), (x: 104.01, y: 11.01), (x: 104.0, y: 11.01)
        ]);
        let m = polygon_area(&poly).expect("polygon");
        let f = area_feature(poly, Some("Block"), m);
        assert_eq!(
            f.property("area_m2").and_then(Value::as_f64),
            Some(m.area_m2)
        );
        assert_eq!(f.property("of"), Some(&json!("Block")));
        let label = measurement_label(&f, Units::Metric).expect("a label");
        assert!(label.ends_with(" km²") || label.ends_with(" m²"), "{label}");
    }

    #[test]
    fn only_features_with_the_method_and_a_measured_number_are_measurements() {
        let mut props = Map::new();
        props.insert("distance_m".into(), json!(12.5));
        let line = Geometry::LineString(LineString::from(vec![(0.0, 0.0), (1.0, 1.0)]));
        let plain = Feature::new(line.clone(), props.clone());
        assert!(!is_measurement(&plain));
        props.insert("method".into(), json!("geodesic-wgs84"));
        let kept = Feature::new(line.clone(), props.clone());
        assert!(is_measurement(&kept));
        assert_eq!(
            measurement_label(&kept, Units::Imperial).as_deref(),
            Some("41 ft")
        );
        props.insert("distance_m".into(), json!("far"));
        assert!(!is_measurement(&Feature::new(line, props)));
    }
}
