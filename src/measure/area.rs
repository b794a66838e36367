//! Geodesic area and perimeter of polygons on the WGS84 ellipsoid (Karney's algorithm through
//! geo's `GeodesicArea`).
//!
//! Holes are subtracted from the area; the perimeter is the length of every ring (exteriors
//! and holes) of every part. Ring winding does not matter: RFC 7946 asks writers for
//! counter-clockwise exteriors but readers must accept either, so each polygon is taken as the
//! smaller of the two regions its exterior ring bounds (always the case for anything smaller
//! than a hemisphere), minus its holes.

use geo::{GeodesicArea, Geometry, LineString, Point, Polygon};

/// Area and perimeter of a polygonal geometry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaMeasure {
    /// Geodesic area in square metres, holes subtracted.
    pub area_m2: f64,
    /// Geodesic length of every ring of every part, in metres.
    pub perimeter_m: f64,
}

/// Why a geometry has no area.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AreaError {
    #[error("a {0} has no area: only a Polygon or a MultiPolygon can be measured")]
    NotAPolygon(&'static str),
    #[error("a polygon needs at least three distinct corners")]
    TooFewCorners,
}

/// Area and perimeter of a Polygon or MultiPolygon (a Rect or Triangle is taken as the polygon
/// it is). Any other geometry is an error.
pub fn polygon_area(geometry: &Geometry<f64>) -> Result<AreaMeasure, AreaError> {
    let parts: Vec<Polygon<f64>> = match geometry {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(mp) => mp.0.clone(),
        Geometry::Rect(r) => vec![r.to_polygon()],
        Geometry::Triangle(t) => vec![t.to_polygon()],
        other => return Err(AreaError::NotAPolygon(geometry_kind(other))),
    };
    let mut total = AreaMeasure {
        area_m2: 0.0,
        perimeter_m: 0.0,
    };
    for part in &parts {
        // Signed: positive for a counter-clockwise exterior, negative for a clockwise one, in
        // (-half the ellipsoid, +half]; geo subtracts the holes with the exterior's sign.
        let (perimeter_m, signed_area_m2) = part.geodesic_perimeter_area_signed();
        total.area_m2 += signed_area_m2.abs();
        total.perimeter_m += perimeter_m;
    }
    Ok(total)
}

/// The polygon whose corners were clicked, in order, closed; `None` with fewer than three
/// distinct corners.
pub fn drawn_polygon(corners: &[Point<f64>]) -> Result<Polygon<f64>, AreaError> {
    let mut distinct: Vec<Point<f64>> = Vec::with_capacity(corners.len() + 1);
    for c in corners {
        if distinct.last() != Some(c) {
            distinct.push(*c);
        }
    }
    if distinct.len() > 1 && distinct.first() == distinct.last() {
        distinct.pop();
    }
    if distinct.len() < 3 {
        return Err(AreaError::TooFewCorners);
    }
    // LineString -> Polygon closes the ring.
    Ok(Polygon::new(LineString::from(distinct), Vec::new()))
}

/// The GeoJSON type name of a geometry, for messages.
pub fn geometry_kind(geometry: &Geometry<f64>) -> &'static str {
    match geometry {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use geo::{MultiPolygon, polygon};

    /// GeographicLib's Planimeter0 test: the square with corners at latitude 89 and longitudes
    /// 0, 90, 180, 270 has perimeter 631819.8745 m and area 24952305678.0 m² (geographiclib
    /// 2.1, test_geodesic.py, test_Planimeter0, tolerances 1e-4 m and 1 m²).
    #[test]
    fn the_square_around_the_north_pole_matches_geographiclib() {
        let square = Geometry::Polygon(polygon![
            (x: 0.0, y: 89.0), (x: 90.0, y: 89.0), (x: 180.0, y: 89.0), (x: 270.0, y: 89.0)
        ]);
        let m = polygon_area(&square).expect("a polygon");
        assert_relative_eq!(m.perimeter_m, 631_819.874_5, epsilon = 1e-4);
        assert_relative_eq!(m.area_m2, 24_952_305_678.0, epsilon = 1.0);
    }

    #[test]
    fn winding_does_not_change_the_area() {
        let ccw = polygon![(x: 104.0, y: 11.0), (x: 104.1, y: 11.0), (x: 104.1, y: 11.1), (x: 104.0, y: 11.1)];
        let cw = polygon![(x: 104.0, y: 11.0), (x: 104.0, y: 11.1), (x: 104.1, y: 11.1), (x: 104.1, y: 11.0)];
        let a = polygon_area(&Geometry::Polygon(ccw)).expect("polygon");
        let b = polygon_area(&Geometry::Polygon(cw)).expect("polygon");
        assert_relative_eq!(a.area_m2, b.area_m2, max_relative = 1e-12);
        assert!(a.area_m2 > 1.0e8 && a.area_m2 < 1.3e8, "{}", a.area_m2);
    }

    #[test]
    fn holes_are_subtracted_from_the_area_and_added_to_the_perimeter() {
        let outer = polygon![(x: 104.0, y: 11.0), (x: 104.1, y: 11.0), (x: 104.1, y: 11.1), (x: 104.0, y: 11.1)];
        let hole = polygon![(x: 104.02, y: 11.02), (x: 104.02, y: 11.04), (x: 104.04, y: 11.04), (x: 104.04, y: 11.02)];
        let with_hole = Polygon::new(outer.exterior().clone(), vec![hole.exterior().clone()]);
        let whole = polygon_area(&Geometry::Polygon(outer)).expect("polygon");
        let inner = polygon_area(&Geometry::Polygon(hole)).expect("polygon");
        let holed = polygon_area(&Geometry::Polygon(with_hole)).expect("polygon");
        assert_relative_eq!(
            holed.area_m2,
            whole.area_m2 - inner.area_m2,
            max_relative = 1e-12
        );
        assert_relative_eq!(
            holed.perimeter_m,
            whole.perimeter_m + inner.perimeter_m,
            max_relative = 1e-12
        );
    }

    #[test]
    fn a_multipolygon_adds_its_parts() {
        let a = polygon![(x: 104.0, y: 11.0), (x: 104.1, y: 11.0), (x: 104.1, y: 11.1), (x: 104.0, y: 11.1)];
        let b = polygon![(x: 105.0, y: 12.0), (x: 105.0, y: 12.1), (x: 105.1, y: 12.1), (x: 105.1, y: 12.0)];
        let ma = polygon_area(&Geometry::Polygon(a.clone())).expect("polygon");
        let mb = polygon_area(&Geometry::Polygon(b.clone())).expect("polygon");
        let both = polygon_area(&Geometry::MultiPolygon(MultiPolygon(vec![a, b]))).expect("ok");
        assert_relative_eq!(both.area_m2, ma.area_m2 + mb.area_m2, max_relative = 1e-12);
        assert_relative_eq!(
            both.perimeter_m,
            ma.perimeter_m + mb.perimeter_m,
            max_relative = 1e-12
        );
    }

    #[test]
    fn a_line_or_a_point_has_no_area() {
        let line = Geometry::LineString(LineString::from(vec![(104.0, 11.0), (105.0, 12.0)]));
        assert_eq!(
            polygon_area(&line),
            Err(AreaError::NotAPolygon("LineString"))
        );
        assert_eq!(
            polygon_area(&Geometry::Point(Point::new(1.0, 2.0))),
            Err(AreaError::NotAPolygon("Point"))
        );
    }

    #[test]
    fn a_drawn_polygon_needs_three_distinct_corners_and_is_closed() {
        let p = |x, y| Point::new(x, y);
        assert_eq!(
            drawn_polygon(&[p(1.0, 1.0), p(2.0, 1.0), p(2.0, 1.0)]),
            Err(AreaError::TooFewCorners)
        );
        let poly = drawn_polygon(&[p(1.0, 1.0), p(2.0, 1.0), p(2.0, 2.0), p(1.0, 1.0)])
            .expect("three corners");
        assert_eq!(poly.exterior().0.len(), 4);
        assert!(poly.exterior().is_closed());
    }
}
