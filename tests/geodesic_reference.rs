//! raidmap's geodesic numbers against reference values from GeographicLib (Karney): published
//! test values and values computed by Karney's own Python implementation. Where each number
//! comes from is in `tests/fixtures/geodesic/reference.json` (every entry has a `source`) and
//! in `make_reference.py` next to it.

use geo::{Geometry, LineString, MultiPolygon, Point, Polygon};
use raidmap::measure::{distance_and_bearing, distance_m, path_length, polygon_area};
use serde_json::Value;

fn reference() -> Value {
    let path = format!(
        "{}/tests/fixtures/geodesic/reference.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("reference.json");
    serde_json::from_str(&text).expect("reference.json is JSON")
}

fn number(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// Distances must agree within 1 mm (the requirement), nearly antipodal pairs
/// included; the difference may be at most the reference's own rounding plus 1 mm.
#[test]
fn distances_agree_with_geographiclib_within_a_millimetre() {
    let reference = reference();
    let cases = reference["distances"].as_array().expect("distances");
    assert!(cases.len() >= 70, "{} cases", cases.len());
    let mut worst = (0.0_f64, String::new());
    let mut nearly_antipodal = 0;
    for case in cases {
        let a = Point::new(number(case, "lon1"), number(case, "lat1"));
        let b = Point::new(number(case, "lon2"), number(case, "lat2"));
        let expected = number(case, "s12_m");
        let got = distance_m(a, b);
        let error = (got - expected).abs();
        let source = case["source"].as_str().unwrap_or_default();
        assert!(
            error <= 1e-3 + number(case, "precision_m"),
            "{source}: {got} m, reference {expected} m, off by {error} m"
        );
        if error > worst.0 {
            worst = (error, source.to_owned());
        }
        if expected > 19_900_000.0 {
            nearly_antipodal += 1;
        }
    }
    assert!(
        nearly_antipodal >= 15,
        "{nearly_antipodal} nearly antipodal cases"
    );
    println!("largest distance difference: {:e} m ({})", worst.0, worst.1);
}

/// Initial bearings where the reference gives them, within 1e-9 degrees (about 0.1 mm of
/// sideways error at 10,000 km).
#[test]
fn initial_bearings_agree_with_geographiclib() {
    let reference = reference();
    let mut checked = 0;
    for case in reference["distances"].as_array().expect("distances") {
        let Some(azi1) = case["azi1_deg"].as_f64() else {
            continue;
        };
        let a = Point::new(number(case, "lon1"), number(case, "lat1"));
        let b = Point::new(number(case, "lon2"), number(case, "lat2"));
        let (d, bearing) = distance_and_bearing(a, b);
        if d == 0.0 {
            continue;
        }
        let expected = azi1.rem_euclid(360.0);
        let mut diff = (bearing - expected).abs();
        diff = diff.min(360.0 - diff);
        // Karney 2013 prints alpha1 to 1e-11 degrees.
        assert!(diff < 1e-9, "{}: {bearing} vs {expected}", case["source"]);
        checked += 1;
    }
    assert!(checked >= 60, "{checked} bearings");
}

#[test]
fn path_legs_and_total_agree_with_geographiclib() {
    let reference = reference();
    for case in reference["paths"].as_array().expect("paths") {
        let points: Vec<Point<f64>> = case["points_lat_lon"]
            .as_array()
            .expect("points")
            .iter()
            .map(|p| Point::new(p[1].as_f64().expect("lon"), p[0].as_f64().expect("lat")))
            .collect();
        let got = path_length(&points);
        let legs: Vec<f64> = case["legs_m"]
            .as_array()
            .expect("legs")
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        assert_eq!(got.legs_m.len(), legs.len());
        for (g, e) in got.legs_m.iter().zip(&legs) {
            assert!((g - e).abs() < 1e-3, "leg {g} vs {e}");
        }
        assert!((got.total_m - number(case, "total_m")).abs() < 1e-3);
    }
}

fn ring(v: &Value) -> LineString<f64> {
    LineString::from(
        v.as_array()
            .expect("ring")
            .iter()
            .map(|p| (p[0].as_f64().expect("lon"), p[1].as_f64().expect("lat")))
            .collect::<Vec<_>>(),
    )
}

/// Reference polygons: `[[exterior, hole, ...], ...]` as GeoJSON rings.
pub(crate) fn reference_geometry(polygons: &Value) -> Geometry<f64> {
    let parts: Vec<Polygon<f64>> = polygons
        .as_array()
        .expect("polygons")
        .iter()
        .map(|rings| {
            let rings = rings.as_array().expect("rings");
            Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
        })
        .collect();
    if parts.len() == 1 {
        Geometry::Polygon(parts[0].clone())
    } else {
        Geometry::MultiPolygon(MultiPolygon(parts))
    }
}

/// Areas must agree within 0.01 % (the requirement); perimeters within 1 mm or the
/// reference's rounding.
#[test]
fn areas_and_perimeters_agree_with_geographiclib() {
    let reference = reference();
    let cases = reference["areas"].as_array().expect("areas");
    assert!(cases.len() >= 10);
    let mut worst = 0.0_f64;
    for case in cases {
        let source = case["source"].as_str().unwrap_or_default();
        let geometry = reference_geometry(&case["polygons"]);
        let got = polygon_area(&geometry).expect("a polygon");
        let area = number(case, "area_m2");
        let relative = (got.area_m2 - area).abs() / area;
        assert!(
            relative < 1e-4,
            "{source}: area {} m², reference {area} m²",
            got.area_m2
        );
        worst = worst.max(relative);
        let perimeter = number(case, "perimeter_m");
        // Published perimeters are rounded to 1e-4 m or 1 m.
        let tolerance = if perimeter.fract() == 0.0 { 1.0 } else { 1e-3 };
        assert!(
            (got.perimeter_m - perimeter).abs() <= tolerance,
            "{source}: perimeter {} m, reference {perimeter} m",
            got.perimeter_m
        );
    }
    println!("largest relative area difference: {worst:e}");
}
