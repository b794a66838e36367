//! A geometry with a Z value for each position, as geozero's writers take it (GeoPackage WKB,
//! FlatGeobuf): a layer whose features have altitudes is written 3-D, as `ogr2ogr` writes it.
//! Positions are counted in geo's order (exterior ring before holes, members in order), the
//! order [`crate::io::convert::z_values`] reads them in; a position past the end of `z` gets 0.

use geo::{Coord, Geometry, LineString, Polygon};
use geozero::error::Result;
use geozero::{CoordDimensions, GeomProcessor, GeozeroGeometry};

/// `geometry` with `z` (when the layer is written 3-D: `Some`, possibly empty for a feature
/// without altitudes; `None` writes 2-D).
pub(super) struct WithZ<'a> {
    pub geometry: &'a Geometry<f64>,
    pub z: Option<&'a [f64]>,
}

impl GeozeroGeometry for WithZ<'_> {
    fn process_geom<P: GeomProcessor>(&self, processor: &mut P) -> Result<()> {
        let mut z = self.z.unwrap_or_default().iter().copied();
        Walk {
            processor,
            z: &mut z,
        }
        .geometry(self.geometry, 0)
    }

    fn dims(&self) -> CoordDimensions {
        if self.z.is_some() {
            CoordDimensions::xyz()
        } else {
            CoordDimensions::xy()
        }
    }
}

struct Walk<'p, 'z, P> {
    processor: &'p mut P,
    z: &'z mut dyn Iterator<Item = f64>,
}

impl<P: GeomProcessor> Walk<'_, '_, P> {
    fn geometry(&mut self, g: &Geometry<f64>, idx: usize) -> Result<()> {
        match g {
            Geometry::Point(p) => {
                self.processor.point_begin(idx)?;
                self.coord(p.0, 0)?;
                self.processor.point_end(idx)
            }
            Geometry::Line(l) => self.line(&LineString::from(*l), true, idx),
            Geometry::LineString(l) => self.line(l, true, idx),
            Geometry::Polygon(p) => self.polygon(p, true, idx),
            Geometry::Rect(r) => self.polygon(&r.to_polygon(), true, idx),
            Geometry::Triangle(t) => self.polygon(&t.to_polygon(), true, idx),
            Geometry::MultiPoint(m) => {
                self.processor.multipoint_begin(m.0.len(), idx)?;
                for (i, p) in m.0.iter().enumerate() {
                    self.coord(p.0, i)?;
                }
                self.processor.multipoint_end(idx)
            }
            Geometry::MultiLineString(m) => {
                self.processor.multilinestring_begin(m.0.len(), idx)?;
                for (i, l) in m.0.iter().enumerate() {
                    self.line(l, false, i)?;
                }
                self.processor.multilinestring_end(idx)
            }
            Geometry::MultiPolygon(m) => {
                self.processor.multipolygon_begin(m.0.len(), idx)?;
                for (i, p) in m.0.iter().enumerate() {
                    self.polygon(p, false, i)?;
                }
                self.processor.multipolygon_end(idx)
            }
            Geometry::GeometryCollection(c) => {
                self.processor.geometrycollection_begin(c.0.len(), idx)?;
                for (i, g) in c.0.iter().enumerate() {
                    self.geometry(g, i)?;
                }
                self.processor.geometrycollection_end(idx)
            }
        }
    }

    fn coord(&mut self, c: Coord<f64>, idx: usize) -> Result<()> {
        let z = self.z.next();
        if self.processor.multi_dim() {
            self.processor
                .coordinate(c.x, c.y, Some(z.unwrap_or(0.0)), None, None, None, idx)
        } else {
            self.processor.xy(c.x, c.y, idx)
        }
    }

    fn line(&mut self, l: &LineString<f64>, tagged: bool, idx: usize) -> Result<()> {
        self.processor.linestring_begin(tagged, l.0.len(), idx)?;
        for (i, c) in l.0.iter().enumerate() {
            self.coord(*c, i)?;
        }
        self.processor.linestring_end(tagged, idx)
    }

    fn polygon(&mut self, p: &Polygon<f64>, tagged: bool, idx: usize) -> Result<()> {
        self.processor
            .polygon_begin(tagged, p.interiors().len() + 1, idx)?;
        self.line(p.exterior(), false, 0)?;
        for (i, ring) in p.interiors().iter().enumerate() {
            self.line(ring, false, i + 1)?;
        }
        self.processor.polygon_end(tagged, idx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geozero::ToWkb as _;

    #[test]
    fn z_values_go_to_their_positions_and_none_writes_2d() {
        let polygon: Geometry<f64> = Polygon::new(
            LineString::from(vec![(0., 0.), (1., 0.), (1., 1.), (0., 0.)]),
            vec![LineString::from(vec![
                (0.2, 0.2),
                (0.3, 0.2),
                (0.3, 0.3),
                (0.2, 0.2),
            ])],
        )
        .into();
        let z = [1., 2., 3., 4., 5., 6., 7., 8.];
        let three = WithZ {
            geometry: &polygon,
            z: Some(&z),
        };
        let wkb = three.to_wkb(CoordDimensions::xyz()).expect("3-D WKB");
        // ISO WKB: byte order, type 1003 (Polygon Z), 2 rings, 4 points of 3 doubles each.
        assert_eq!(&wkb[1..5], &1003u32.to_le_bytes());
        let doubles: Vec<f64> = wkb[13..13 + 12 * 8]
            .chunks(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect();
        assert_eq!(doubles, [0., 0., 1., 1., 0., 2., 1., 1., 3., 0., 0., 4.]);
        let last = &wkb[wkb.len() - 8..];
        assert_eq!(f64::from_le_bytes(last.try_into().expect("8 bytes")), 8.);
        let two = WithZ {
            geometry: &polygon,
            z: None,
        };
        assert_eq!(
            two.to_wkb(CoordDimensions::xy()).expect("2-D WKB"),
            polygon.to_wkb(CoordDimensions::xy()).expect("geo's WKB")
        );
    }
}
