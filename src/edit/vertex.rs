//! The vertices of a geometry, addressed so one can be moved: what the map offers to drag.
//!
//! A polygon ring's closing position is not a vertex of its own: moving the first vertex
//! moves it too, so the ring stays closed.

use geo::{Coord, Geometry, LineString, Polygon};

/// Where a vertex is: the part of a Multi* geometry, the ring of a polygon (0 = exterior) and
/// the position in that line or ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VertexId {
    pub part: usize,
    pub ring: usize,
    pub index: usize,
}

/// Every vertex with its position (lon, lat). Geometry collections have none (not editable).
pub fn vertices(geometry: &Geometry<f64>) -> Vec<(VertexId, Coord<f64>)> {
    let mut out = Vec::new();
    let line = |out: &mut Vec<_>, part, ring, ls: &LineString<f64>, closed: bool| {
        let n = if closed {
            ls.0.len().saturating_sub(1)
        } else {
            ls.0.len()
        };
        for (index, c) in ls.0.iter().take(n).enumerate() {
            out.push((VertexId { part, ring, index }, *c));
        }
    };
    let polygon = |out: &mut Vec<_>, part, p: &Polygon<f64>| {
        line(out, part, 0, p.exterior(), true);
        for (i, hole) in p.interiors().iter().enumerate() {
            line(out, part, i + 1, hole, true);
        }
    };
    match geometry {
        Geometry::Point(p) => out.push((
            VertexId {
                part: 0,
                ring: 0,
                index: 0,
            },
            p.0,
        )),
        Geometry::MultiPoint(mp) => {
            for (part, p) in mp.0.iter().enumerate() {
                out.push((
                    VertexId {
                        part,
                        ring: 0,
                        index: 0,
                    },
                    p.0,
                ));
            }
        }
        Geometry::Line(l) => {
            line(
                &mut out,
                0,
                0,
                &LineString::from(vec![l.start, l.end]),
                false,
            );
        }
        Geometry::LineString(ls) => line(&mut out, 0, 0, ls, false),
        Geometry::MultiLineString(mls) => {
            for (part, ls) in mls.0.iter().enumerate() {
                line(&mut out, part, 0, ls, false);
            }
        }
        Geometry::Polygon(p) => polygon(&mut out, 0, p),
        Geometry::MultiPolygon(mp) => {
            for (part, p) in mp.0.iter().enumerate() {
                polygon(&mut out, part, p);
            }
        }
        _ => {}
    }
    out
}

/// The geometry with one vertex moved to `to`; `None` when there is no such vertex.
pub fn move_vertex(
    geometry: &Geometry<f64>,
    id: VertexId,
    to: Coord<f64>,
) -> Option<Geometry<f64>> {
    fn in_line(ls: &mut LineString<f64>, index: usize, to: Coord<f64>, closed: bool) -> Option<()> {
        let n = ls.0.len();
        if closed && n >= 2 && index < n - 1 {
            ls.0[index] = to;
            if index == 0 {
                ls.0[n - 1] = to;
            }
            return Some(());
        }
        if closed {
            return None;
        }
        *ls.0.get_mut(index)? = to;
        Some(())
    }
    fn in_polygon(p: &mut Polygon<f64>, ring: usize, index: usize, to: Coord<f64>) -> Option<()> {
        let mut done = None;
        if ring == 0 {
            p.exterior_mut(|ls| done = in_line(ls, index, to, true));
        } else if ring <= p.interiors().len() {
            p.interiors_mut(|holes| done = in_line(&mut holes[ring - 1], index, to, true));
        }
        done
    }
    let mut g = geometry.clone();
    let VertexId { part, ring, index } = id;
    let done = match &mut g {
        Geometry::Point(p) if part == 0 && ring == 0 && index == 0 => {
            p.0 = to;
            Some(())
        }
        Geometry::MultiPoint(mp) if ring == 0 && index == 0 => mp.0.get_mut(part).map(|p| p.0 = to),
        Geometry::LineString(ls) if part == 0 && ring == 0 => in_line(ls, index, to, false),
        Geometry::MultiLineString(mls) if ring == 0 => mls
            .0
            .get_mut(part)
            .and_then(|ls| in_line(ls, index, to, false)),
        Geometry::Polygon(p) if part == 0 => in_polygon(p, ring, index, to),
        Geometry::MultiPolygon(mp) => {
            mp.0.get_mut(part)
                .and_then(|p| in_polygon(p, ring, index, to))
        }
        _ => None,
    };
    done.map(|()| g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, line_string, point, polygon};

    #[test]
    fn a_polygon_lists_each_corner_once_and_moving_the_first_keeps_the_ring_closed() {
        let square: Geometry<f64> =
            polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)].into();
        let v = vertices(&square);
        assert_eq!(v.len(), 4);
        let moved = move_vertex(&square, v[0].0, coord! { x: -1., y: -1. }).expect("a vertex");
        let Geometry::Polygon(p) = moved else {
            panic!("still a polygon")
        };
        assert_eq!(p.exterior().0.first(), Some(&coord! { x: -1., y: -1. }));
        assert_eq!(p.exterior().0.last(), Some(&coord! { x: -1., y: -1. }));
        assert_eq!(p.exterior().0.len(), 5);
    }

    #[test]
    fn points_and_lines_move_the_vertex_asked_for_and_nothing_else() {
        let p: Geometry<f64> = point!(x: 104.9, y: 11.5).into();
        let moved = move_vertex(&p, vertices(&p)[0].0, coord! { x: 105., y: 12. });
        assert_eq!(moved, Some(point!(x: 105., y: 12.).into()));
        let l: Geometry<f64> = line_string![(x: 0., y: 0.), (x: 1., y: 1.), (x: 2., y: 0.)].into();
        let moved = move_vertex(&l, vertices(&l)[1].0, coord! { x: 1., y: 2. });
        assert_eq!(
            moved,
            Some(line_string![(x: 0., y: 0.), (x: 1., y: 2.), (x: 2., y: 0.)].into())
        );
        let missing = VertexId {
            part: 0,
            ring: 0,
            index: 9,
        };
        assert_eq!(move_vertex(&l, missing, coord! { x: 0., y: 0. }), None);
    }
}
