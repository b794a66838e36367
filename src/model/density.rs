//! Feature counts on a pyramid of Web Mercator grids, so a layer of a million features can be
//! drawn at low zoom as a density map: one cell per few pixels with how many features it holds.
//!
//! Level `L` divides the Web Mercator square into 2^L × 2^L cells (the cells of level `z + 8`
//! are single pixels at zoom `z`). Each level keeps only its non-empty cells, sorted by row then
//! column, so the cells in a view are found with one binary search per row. Levels go up to
//! [`MAX_LEVEL`] (cells of about 600 m at the equator). A feature counts in the cell of its
//! bounding box's centre.

use super::Layer;
use crate::mercator::lon_lat_to_world;

/// The finest level kept.
pub const MAX_LEVEL: u8 = 16;

/// The cell of a feature without a geometry (not counted). It is also the key of the very
/// last cell of level 16 (at 180° E, 85° S), whose features count in the cell beside it.
pub const NO_CELL: u32 = u32::MAX;

/// Non-empty cells of one level, sorted by key (`row << level | column`).
#[derive(Debug, Default, Clone)]
pub struct Level {
    keys: Vec<u32>,
    counts: Vec<u32>,
    max: u32,
}

/// The counts at every level from 0 to [`MAX_LEVEL`].
#[derive(Debug, Default, Clone)]
pub struct Density {
    levels: Vec<Level>,
    total: u64,
}

impl Density {
    /// Count the features of `layer` that have a geometry and that `shown` lets through (all
    /// when `None`; by index otherwise, missing entries shown).
    pub fn build(layer: &Layer, shown: Option<&[bool]>) -> Self {
        let flags = shown.map(|s| move |i: usize| s.get(i).copied().unwrap_or(true));
        Self::of_cells(
            &Self::cells(layer),
            flags.as_ref().map(|f| f as &dyn Fn(usize) -> bool),
        )
    }

    /// The finest cell of each feature of `layer`, by index ([`NO_CELL`] without a geometry):
    /// what [`Density::of_cells`] counts, kept so the counts for a time window can be made
    /// on another thread.
    pub fn cells(layer: &Layer) -> Vec<u32> {
        let side = f64::from(1_u32 << MAX_LEVEL);
        let max_cell = (1_u32 << MAX_LEVEL) - 1;
        layer
            .features
            .iter()
            .map(|f| {
                let Some(c) = f.bbox().map(|b| b.center()) else {
                    return NO_CELL;
                };
                let w = lon_lat_to_world(c.x, c.y);
                let cell = |v: f64| ((v * side) as u32).min(max_cell);
                ((cell(w.y) << MAX_LEVEL) | cell(w.x)).min(NO_CELL - 1)
            })
            .collect()
    }

    /// Count the `cells` (of [`Density::cells`]) that `shown` lets through (all when `None`;
    /// else those whose index it says yes to).
    pub fn of_cells(cells: &[u32], shown: Option<&dyn Fn(usize) -> bool>) -> Self {
        let mut keys: Vec<u32> = cells
            .iter()
            .enumerate()
            .filter(|&(i, &c)| c != NO_CELL && shown.is_none_or(|s| s(i)))
            .map(|(_, &c)| c)
            .collect();
        let total = keys.len() as u64;
        keys.sort_unstable();
        let mut finest = Level::default();
        for key in keys {
            finest.add_sorted(key, 1);
        }
        let mut levels = vec![finest];
        for level in (0..MAX_LEVEL).rev() {
            let finer = levels.last().map(|l| l.coarser(level)).unwrap_or_default();
            levels.push(finer);
        }
        levels.reverse();
        for level in &mut levels {
            level.keys.shrink_to_fit();
            level.counts.shrink_to_fit();
        }
        Self { levels, total }
    }

    /// How many features are counted.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The cells of `level` (at most [`MAX_LEVEL`]).
    pub fn level(&self, level: u8) -> &Level {
        &self.levels[usize::from(level.min(MAX_LEVEL))]
    }
}

impl Level {
    /// Append a cell whose key is at least the last one (merging equal keys).
    fn add_sorted(&mut self, key: u32, count: u32) {
        match (self.keys.last(), self.counts.last_mut()) {
            (Some(&last), Some(n)) if last == key => *n += count,
            _ => {
                self.keys.push(key);
                self.counts.push(count);
            }
        }
        if let Some(&n) = self.counts.last() {
            self.max = self.max.max(n);
        }
    }

    /// This level (which is `level + 1`) merged into `level`.
    fn coarser(&self, level: u8) -> Level {
        let finer = level + 1;
        let mask = (1_u32 << finer) - 1;
        let mut cells: Vec<(u32, u32)> = self
            .keys
            .iter()
            .zip(&self.counts)
            .map(|(&key, &n)| {
                let (row, column) = (key >> finer, key & mask);
                (((row >> 1) << level) | (column >> 1), n)
            })
            .collect();
        cells.sort_unstable_by_key(|c| c.0);
        let mut out = Level::default();
        for (key, n) in cells {
            out.add_sorted(key, n);
        }
        out
    }

    /// The largest count of a cell.
    pub fn max(&self) -> u32 {
        self.max
    }

    /// How many non-empty cells there are.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Call `each(column, row, count)` for every non-empty cell with `columns.0 <= column <=
    /// columns.1` and `rows.0 <= row <= rows.1`, row by row; `level` is this level's number.
    pub fn cells_in(
        &self,
        level: u8,
        columns: (u32, u32),
        rows: (u32, u32),
        mut each: impl FnMut(u32, u32, u32),
    ) {
        let last = (1_u32 << level) - 1;
        let (c0, c1) = (columns.0.min(last), columns.1.min(last));
        for row in rows.0..=rows.1.min(last) {
            let first = (row << level) | c0;
            let end = (row << level) | c1;
            let mut i = self.keys.partition_point(|&k| k < first);
            while let Some(&key) = self.keys.get(i) {
                if key > end {
                    break;
                }
                each(key & last, row, self.counts[i]);
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_str;

    fn layer(points: &[(f64, f64)]) -> Layer {
        let features: Vec<String> = points
            .iter()
            .map(|(x, y)| {
                format!(
                    r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{x},{y}]}},"properties":{{}}}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        read_str(&text, "t").expect("valid")
    }

    #[test]
    fn every_level_counts_every_feature_once() {
        let points: Vec<(f64, f64)> = (0..500)
            .map(|i| {
                (
                    102.5 + f64::from(i % 50) * 0.1,
                    10.5 + f64::from(i / 50) * 0.4,
                )
            })
            .collect();
        let layer = layer(&points);
        let density = Density::build(&layer, None);
        assert_eq!(density.total(), 500);
        for level in 0..=MAX_LEVEL {
            let mut sum = 0;
            let all = (1_u32 << level) - 1;
            density
                .level(level)
                .cells_in(level, (0, all), (0, all), |_, _, n| sum += n);
            assert_eq!(sum, 500, "level {level}");
        }
        assert_eq!(density.level(0).len(), 1);
        assert_eq!(density.level(0).max(), 500);
        // Level 16 cells are ~600 m: the 0.1° grid puts every point in its own cell.
        assert_eq!(density.level(MAX_LEVEL).len(), 500);
    }

    #[test]
    fn cells_in_a_view_are_the_ones_holding_its_points() {
        let layer = layer(&[(104.9, 11.55), (104.91, 11.56), (103.0, 13.0)]);
        let density = Density::build(&layer, Some(&[true, true, false]));
        assert_eq!(density.total(), 2);
        let level = 10;
        let w = lon_lat_to_world(104.9, 11.55);
        let (col, row) = ((w.x * 1024.0) as u32, (w.y * 1024.0) as u32);
        let mut found = Vec::new();
        density
            .level(level)
            .cells_in(level, (col - 1, col + 1), (row - 1, row + 1), |c, r, n| {
                found.push((c, r, n))
            });
        assert_eq!(found, [(col, row, 2)]);
        let mut elsewhere = 0;
        density
            .level(level)
            .cells_in(level, (0, col - 2), (0, 1023), |_, _, n| elsewhere += n);
        assert_eq!(elsewhere, 0, "the hidden point is not counted");
    }
}
