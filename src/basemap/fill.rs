//! Polygons turned into triangles once, in world units, so a frame only moves vertices.
//!
//! Triangulation happens in projected space (Web Mercator world units), where the screen is an
//! affine image of the data: the triangles then cover exactly the polygon that is drawn.

use geo::{
    BoundingRect, Coord, Geometry, MapCoords, MultiPolygon, Polygon, Rect, TriangulateEarcut,
};

use crate::mercator::lon_lat_to_world;

/// Triangles covering one polygon (holes excluded), in world units.
#[derive(Debug, Clone, Default)]
pub struct TriMesh {
    pub vertices_world: Vec<Coord<f64>>,
    /// Three indices into `vertices_world` per triangle.
    pub indices: Vec<u32>,
    /// Bounding box of the vertices, for culling.
    pub bbox_world: Option<Rect<f64>>,
}

impl TriMesh {
    /// Triangulate one polygon given in world units (ear cutting, geo's `TriangulateEarcut`).
    pub fn from_world_polygon(polygon: &Polygon<f64>) -> Self {
        if polygon.exterior().0.len() < 4 {
            return Self::default();
        }
        let raw = polygon.earcut_triangles_raw();
        let vertices_world: Vec<Coord<f64>> = raw
            .vertices
            .chunks_exact(2)
            .map(|xy| Coord { x: xy[0], y: xy[1] })
            .collect();
        let indices = raw
            .triangle_indices
            .iter()
            .filter_map(|&i| u32::try_from(i).ok())
            .collect();
        Self {
            vertices_world,
            indices,
            bbox_world: polygon.bounding_rect(),
        }
    }

    /// The triangles, as three vertices each.
    pub fn triangles(&self) -> impl Iterator<Item = [Coord<f64>; 3]> + '_ {
        self.indices.chunks_exact(3).filter_map(|t| {
            Some([
                *self.vertices_world.get(t[0] as usize)?,
                *self.vertices_world.get(t[1] as usize)?,
                *self.vertices_world.get(t[2] as usize)?,
            ])
        })
    }

    /// The sum of the triangles' areas, in square world units.
    pub fn area_world(&self) -> f64 {
        self.triangles()
            .map(|[a, b, c]| ((b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)).abs() / 2.0)
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }
}

/// The polygons of a geometry (a Polygon, a MultiPolygon or polygons in a collection),
/// projected to world units. Other kinds of geometry have none.
pub fn world_polygons(geometry: &Geometry<f64>) -> MultiPolygon<f64> {
    let mut polygons = Vec::new();
    collect_polygons(geometry, &mut polygons);
    MultiPolygon(polygons).map_coords(|c| lon_lat_to_world(c.x, c.y))
}

fn collect_polygons(geometry: &Geometry<f64>, out: &mut Vec<Polygon<f64>>) {
    match geometry {
        Geometry::Polygon(p) => out.push(p.clone()),
        Geometry::MultiPolygon(mp) => out.extend(mp.0.iter().cloned()),
        Geometry::GeometryCollection(gc) => {
            for g in gc {
                collect_polygons(g, out);
            }
        }
        _ => {}
    }
}

/// One mesh per polygon, so each can be culled on its own.
pub fn triangulate(polygons_world: &MultiPolygon<f64>) -> Vec<TriMesh> {
    polygons_world
        .0
        .iter()
        .map(TriMesh::from_world_polygon)
        .filter(|m| !m.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, polygon};

    #[test]
    fn a_square_with_a_hole_is_covered_exactly() {
        let square = polygon!(
            exterior: [(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 0., y: 4.), (x: 0., y: 0.)],
            interiors: [[(x: 1., y: 1.), (x: 2., y: 1.), (x: 2., y: 2.), (x: 1., y: 2.), (x: 1., y: 1.)]],
        );
        let mesh = TriMesh::from_world_polygon(&square);
        approx::assert_relative_eq!(mesh.area_world(), square.unsigned_area());
        approx::assert_relative_eq!(mesh.area_world(), 15.0);
    }
}
