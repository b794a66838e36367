//! The vertices of a geometry, addressed so one can be moved: what the map offers to drag.
//!
//! A polygon ring's closing position is not a vertex of its own: moving or removing the first
//! vertex moves the closing position too, so the ring stays closed. A line keeps at least two
//! vertices and a ring at least three corners: removing one more is refused (`None`).

use geo::{Coord, Geometry, LineString, Point, Polygon};

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
    let VertexId { part, ring, index } = id;
    match geometry {
        Geometry::Point(_) => (part == 0 && ring == 0 && index == 0).then(|| Point(to).into()),
        Geometry::MultiPoint(mp) => {
            if ring != 0 || index != 0 {
                return None;
            }
            let mut mp = mp.clone();
            mp.0.get_mut(part)?.0 = to;
            Some(mp.into())
        }
        _ => with_line(geometry, id, |ls, closed| {
            let n = ls.0.len();
            if closed {
                if n < 2 || index >= n - 1 {
                    return None;
                }
                ls.0[index] = to;
                if index == 0 {
                    ls.0[n - 1] = to;
                }
            } else {
                *ls.0.get_mut(index)? = to;
            }
            Some(())
        }),
    }
}

/// The middle of every segment (lon/lat average: a place to grab, not a measurement), with
/// where a vertex inserted there would go.
pub fn midpoints(geometry: &Geometry<f64>) -> Vec<(VertexId, Coord<f64>)> {
    let mut out = Vec::new();
    let line = |out: &mut Vec<_>, part, ring, ls: &LineString<f64>| {
        for (i, w) in ls.0.windows(2).enumerate() {
            let c = Coord {
                x: (w[0].x + w[1].x) / 2.0,
                y: (w[0].y + w[1].y) / 2.0,
            };
            out.push((
                VertexId {
                    part,
                    ring,
                    index: i + 1,
                },
                c,
            ));
        }
    };
    let polygon = |out: &mut Vec<_>, part, p: &Polygon<f64>| {
        line(out, part, 0, p.exterior());
        for (i, hole) in p.interiors().iter().enumerate() {
            line(out, part, i + 1, hole);
        }
    };
    match geometry {
        Geometry::LineString(ls) => line(&mut out, 0, 0, ls),
        Geometry::MultiLineString(mls) => {
            for (part, ls) in mls.0.iter().enumerate() {
                line(&mut out, part, 0, ls);
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

/// Change the line or ring at `id`'s part and ring (`change` learns whether it is a closed
/// ring); `None` when there is none or `change` refused.
fn with_line<F>(geometry: &Geometry<f64>, id: VertexId, change: F) -> Option<Geometry<f64>>
where
    F: FnOnce(&mut LineString<f64>, bool) -> Option<()>,
{
    let mut g = geometry.clone();
    let VertexId { part, ring, .. } = id;
    let polygon = |p: &mut Polygon<f64>, change: F| {
        let mut done = None;
        if ring == 0 {
            p.exterior_mut(|ls| done = change(ls, true));
        } else if ring <= p.interiors().len() {
            p.interiors_mut(|holes| done = change(&mut holes[ring - 1], true));
        }
        done
    };
    let done = match &mut g {
        Geometry::LineString(ls) if part == 0 && ring == 0 => change(ls, false),
        Geometry::MultiLineString(mls) if ring == 0 => change(mls.0.get_mut(part)?, false),
        Geometry::Polygon(p) if part == 0 => polygon(p, change),
        Geometry::MultiPolygon(mp) => polygon(mp.0.get_mut(part)?, change),
        _ => None,
    };
    done.map(|()| g)
}

/// The geometry with a vertex inserted at `id` (before the vertex now at that index).
pub fn insert_vertex(
    geometry: &Geometry<f64>,
    id: VertexId,
    at: Coord<f64>,
) -> Option<Geometry<f64>> {
    with_line(geometry, id, |ls, closed| {
        let n = ls.0.len();
        // In a ring the closing position stays last.
        let last = if closed { n.saturating_sub(1) } else { n };
        if id.index == 0 || id.index > last {
            return None;
        }
        ls.0.insert(id.index, at);
        Some(())
    })
}

/// The geometry without the vertex `id`; `None` when it has none or would become too short.
pub fn remove_vertex(geometry: &Geometry<f64>, id: VertexId) -> Option<Geometry<f64>> {
    with_line(geometry, id, |ls, closed| {
        let n = ls.0.len();
        if closed {
            // Three corners at least stay (plus the closing position).
            if n < 5 || id.index >= n - 1 {
                return None;
            }
            ls.0.remove(id.index);
            if id.index == 0 {
                let first = ls.0[0];
                let last = ls.0.len() - 1;
                ls.0[last] = first;
            }
        } else {
            if n < 3 || id.index >= n {
                return None;
            }
            ls.0.remove(id.index);
        }
        Some(())
    })
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

    #[test]
    fn a_vertex_inserted_at_a_midpoint_and_removed_again_gives_the_ring_back() {
        let square: Geometry<f64> =
            polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 2.), (x: 0., y: 2.)].into();
        let mids = midpoints(&square);
        assert_eq!(mids.len(), 4, "one per side, the closing side included");
        let (at, c) = mids[3];
        assert_eq!(c, coord! { x: 0., y: 1. });
        let five = insert_vertex(&square, at, c).expect("inserted");
        assert_eq!(vertices(&five).len(), 5);
        let back = remove_vertex(&five, at).expect("removed");
        assert_eq!(back, square);
        // Removing the first corner keeps the ring closed.
        let Some(Geometry::Polygon(p)) = remove_vertex(&five, vertices(&five)[0].0) else {
            panic!("a polygon")
        };
        assert_eq!(p.exterior().0.first(), p.exterior().0.last());
        assert_eq!(p.exterior().0.len(), 5);
    }

    #[test]
    fn a_triangle_and_a_two_point_line_keep_their_vertices() {
        let triangle: Geometry<f64> =
            polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 0., y: 1.)].into();
        assert_eq!(remove_vertex(&triangle, vertices(&triangle)[1].0), None);
        let line: Geometry<f64> = line_string![(x: 0., y: 0.), (x: 1., y: 1.)].into();
        assert_eq!(remove_vertex(&line, vertices(&line)[0].0), None);
        let three: Geometry<f64> =
            line_string![(x: 0., y: 0.), (x: 1., y: 1.), (x: 2., y: 0.)].into();
        assert_eq!(
            remove_vertex(&three, vertices(&three)[1].0),
            Some(line_string![(x: 0., y: 0.), (x: 2., y: 0.)].into())
        );
    }
}
