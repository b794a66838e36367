//! Polylines in world units, simplified ahead of time for every zoom level.
//!
//! Each line keeps its full-resolution points plus Douglas–Peucker simplifications (geo's
//! `Simplify`, in world units) with a tolerance of [`SIMPLIFY_TOLERANCE_PX`] screen pixels at
//! zooms [`FIRST_SIMPLIFIED_ZOOM`]..=[`LAST_SIMPLIFIED_ZOOM`]. A frame picks the level for its zoom,
//! so the number of points drawn stays about proportional to what the screen can show, and the
//! shape never moves by more than half a pixel from the data.

use geo::{BoundingRect, Coord, Geometry, LineString, MapCoords, Rect, Simplify};

use super::projection::px_per_unit_at_zoom;
use crate::mercator::lon_lat_to_world;

/// How far a simplified line may stray from the data, in screen pixels at its zoom.
pub const SIMPLIFY_TOLERANCE_PX: f64 = 0.4;
/// The coarsest level is made for this zoom; lower zooms use it too.
pub const FIRST_SIMPLIFIED_ZOOM: u8 = 3;
/// Above this zoom the full-resolution points are drawn.
pub const LAST_SIMPLIFIED_ZOOM: u8 = 14;

/// What a line on the basemap is, which decides how it is drawn and from which zoom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// A land border between two countries.
    CountryBorder,
    /// A border between two provinces; `in_cambodia` tells Cambodia's from its neighbours'.
    ProvinceBorder {
        in_cambodia: bool,
    },
    Coastline,
    /// The outline of a lake (its fill is in the lakes meshes).
    LakeShore,
    River(RiverClass),
}

/// GSHHG's river classes (`gshhg_level` in rivers.geojson).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RiverClass {
    /// Level 0: a wide river drawn by its two banks (the Mekong, the Bassac, the Tonlé Sap river).
    DoubleLined,
    /// Levels 1 to 4: permanent rivers, 1 the major ones, 4 the minor ones.
    Permanent(u8),
    /// Levels 10 and above: intermittent rivers and canals.
    Intermittent,
}

impl RiverClass {
    pub fn from_gshhg_level(level: i64) -> Self {
        match level {
            i64::MIN..=0 => Self::DoubleLined,
            1..=4 => Self::Permanent(level as u8),
            5..=9 => Self::Permanent(4),
            _ => Self::Intermittent,
        }
    }

    /// From which zoom this class is worth drawing: major rivers always, minor ones zoomed in.
    pub fn min_zoom(self) -> f64 {
        match self {
            Self::DoubleLined | Self::Permanent(0..=2) => 0.0,
            Self::Permanent(3) => 7.5,
            Self::Permanent(_) => 8.5,
            Self::Intermittent => 9.0,
        }
    }
}

impl LineKind {
    /// From which zoom lines of this kind are drawn.
    pub fn min_zoom(self) -> f64 {
        match self {
            Self::ProvinceBorder { in_cambodia: false } => 6.5,
            Self::River(class) => class.min_zoom(),
            _ => 0.0,
        }
    }
}

/// One level of a line: its points and the distance along the line to each, both in world units.
#[derive(Debug, Clone, Default)]
pub struct LineLevel {
    pub points_world: Vec<Coord<f64>>,
    /// `along_world[i]` is the length of the line from its start to `points_world[i]`, so dashes
    /// can keep their phase when only part of the line is drawn.
    pub along_world: Vec<f64>,
}

impl LineLevel {
    fn new(points_world: Vec<Coord<f64>>) -> Self {
        let mut along_world = Vec::with_capacity(points_world.len());
        let mut total = 0.0;
        let mut previous = points_world.first().copied();
        for p in &points_world {
            if let Some(q) = previous {
                total += (p.x - q.x).hypot(p.y - q.y);
            }
            along_world.push(total);
            previous = Some(*p);
        }
        Self {
            points_world,
            along_world,
        }
    }
}

/// One simple line (a LineString; a MultiLineString becomes several) with its levels of detail.
#[derive(Debug, Clone)]
pub struct Polyline {
    pub kind: LineKind,
    pub bbox_world: Rect<f64>,
    /// Level `i` is simplified for zoom `FIRST_SIMPLIFIED_ZOOM + i`; the last is the full line.
    levels: Vec<LineLevel>,
}

impl Polyline {
    /// A line from world-unit points; `None` when it has fewer than two points.
    pub fn new(kind: LineKind, line_world: &LineString<f64>) -> Option<Self> {
        if line_world.0.len() < 2 {
            return None;
        }
        let bbox_world = line_world.bounding_rect()?;
        let mut levels: Vec<LineLevel> = (FIRST_SIMPLIFIED_ZOOM..=LAST_SIMPLIFIED_ZOOM)
            .map(|zoom| {
                let tolerance_world = SIMPLIFY_TOLERANCE_PX / px_per_unit_at_zoom(f64::from(zoom));
                LineLevel::new(line_world.simplify(tolerance_world).0)
            })
            .collect();
        levels.push(LineLevel::new(line_world.0.clone()));
        Some(Self {
            kind,
            bbox_world,
            levels,
        })
    }

    /// The points to draw at `zoom`: simplified to within [`SIMPLIFY_TOLERANCE_PX`] on screen.
    pub fn level_for_zoom(&self, zoom: f64) -> &LineLevel {
        let index = if zoom >= f64::from(LAST_SIMPLIFIED_ZOOM) + 1.0 {
            self.levels.len() - 1
        } else {
            // The level made for the zoom at or above this one is never coarser than needed.
            let level_zoom = zoom.ceil().max(f64::from(FIRST_SIMPLIFIED_ZOOM));
            (level_zoom as usize - usize::from(FIRST_SIMPLIFIED_ZOOM)).min(self.levels.len() - 1)
        };
        &self.levels[index]
    }

    /// The full-resolution line.
    pub fn full(&self) -> &LineLevel {
        &self.levels[self.levels.len() - 1]
    }
}

/// Lines of a geometry (LineString, MultiLineString, polygon rings, collections), in world units.
pub fn world_lines(geometry: &Geometry<f64>) -> Vec<LineString<f64>> {
    let mut lines = Vec::new();
    collect_lines(geometry, &mut lines);
    lines
        .into_iter()
        .map(|l| l.map_coords(|c| lon_lat_to_world(c.x, c.y)))
        .collect()
}

fn collect_lines(geometry: &Geometry<f64>, out: &mut Vec<LineString<f64>>) {
    match geometry {
        Geometry::LineString(l) => out.push(l.clone()),
        Geometry::MultiLineString(ml) => out.extend(ml.0.iter().cloned()),
        Geometry::Polygon(p) => {
            out.push(p.exterior().clone());
            out.extend(p.interiors().iter().cloned());
        }
        Geometry::MultiPolygon(mp) => {
            for p in mp {
                out.push(p.exterior().clone());
                out.extend(p.interiors().iter().cloned());
            }
        }
        Geometry::GeometryCollection(gc) => {
            for g in gc {
                collect_lines(g, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_string;

    #[test]
    fn coarser_levels_have_fewer_points_and_keep_the_ends() {
        // A wiggly line: 200 points, 1e-6 world units of wiggle (about 0.5 px at zoom 11).
        let points: Vec<Coord<f64>> = (0..200)
            .map(|i| Coord {
                x: 0.78 + f64::from(i) * 1e-5,
                y: 0.46 + if i % 2 == 0 { 0.0 } else { 1e-6 },
            })
            .collect();
        let line = Polyline::new(LineKind::Coastline, &LineString(points.clone()))
            .expect("the line has points");
        let coarse = line.level_for_zoom(5.0);
        let fine = line.level_for_zoom(20.0);
        assert_eq!(fine.points_world.len(), 200);
        assert!(
            coarse.points_world.len() < 10,
            "{}",
            coarse.points_world.len()
        );
        assert_eq!(coarse.points_world.first(), points.first());
        assert_eq!(coarse.points_world.last(), points.last());
        let along = fine.along_world.last().copied().unwrap_or_default();
        assert!(along > 199e-5);
    }

    #[test]
    fn a_single_point_is_no_line() {
        assert!(Polyline::new(LineKind::Coastline, &line_string![(x: 0.5, y: 0.5)]).is_none());
    }

    #[test]
    fn river_classes_follow_gshhg_levels() {
        assert_eq!(RiverClass::from_gshhg_level(0), RiverClass::DoubleLined);
        assert_eq!(RiverClass::from_gshhg_level(3), RiverClass::Permanent(3));
        assert_eq!(RiverClass::from_gshhg_level(10), RiverClass::Intermittent);
        assert!(RiverClass::Permanent(4).min_zoom() > RiverClass::Permanent(1).min_zoom());
    }
}
