//! Screen rectangles bucketed in a grid of square cells, so asking whether a new label meets
//! any of those already taken looks only at the few nearby, not at every one (placing labels
//! was quadratic in their number).

use std::collections::HashMap;

use egui::Rect;

/// Cell size in points: about a label's width, so a label meets a few cells.
const CELL: f32 = 64.0;

/// A rectangle meeting more cells than this is not bucketed (checked one by one instead).
const MAX_CELLS: i64 = 64;

/// Rectangles, found by where they are.
#[derive(Default)]
pub(crate) struct RectGrid {
    rects: Vec<Rect>,
    cells: HashMap<(i32, i32), Vec<u32>>,
    /// Rectangles too big (or not finite) for the cells.
    large: Vec<Rect>,
}

impl RectGrid {
    /// A grid holding `rects`.
    pub(crate) fn of(rects: &[Rect]) -> Self {
        let mut grid = Self::default();
        for r in rects {
            grid.insert(*r);
        }
        grid
    }

    /// The range of cells `rect` meets, `None` when that is more than [`MAX_CELLS`] (or the
    /// rectangle is not finite).
    fn cells_of(
        rect: Rect,
    ) -> Option<(std::ops::RangeInclusive<i32>, std::ops::RangeInclusive<i32>)> {
        if !(rect.min.is_finite() && rect.max.is_finite()) {
            return None;
        }
        let cell = |v: f32| (v / CELL).floor().clamp(-1e9, 1e9) as i32;
        let (x0, x1) = (cell(rect.min.x), cell(rect.max.x));
        let (y0, y1) = (cell(rect.min.y), cell(rect.max.y));
        let count = (i64::from(x1) - i64::from(x0) + 1) * (i64::from(y1) - i64::from(y0) + 1);
        (count <= MAX_CELLS).then_some((x0..=x1, y0..=y1))
    }

    /// Keep `rect`.
    pub(crate) fn insert(&mut self, rect: Rect) {
        let Some((xs, ys)) = Self::cells_of(rect) else {
            self.large.push(rect);
            return;
        };
        let id = self.rects.len() as u32;
        self.rects.push(rect);
        for x in xs {
            for y in ys.clone() {
                self.cells.entry((x, y)).or_default().push(id);
            }
        }
    }

    /// Whether any kept rectangle meets `rect` (as [`Rect::intersects`]).
    pub(crate) fn intersects(&self, rect: Rect) -> bool {
        if self.large.iter().any(|r| r.intersects(rect)) {
            return true;
        }
        let Some((xs, ys)) = Self::cells_of(rect) else {
            return self.rects.iter().any(|r| r.intersects(rect));
        };
        xs.into_iter().any(|x| {
            ys.clone().any(|y| {
                self.cells
                    .get(&(x, y))
                    .is_some_and(|ids| ids.iter().any(|&i| self.rects[i as usize].intersects(rect)))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{pos2, vec2};

    #[test]
    fn the_grid_finds_what_checking_every_rectangle_finds() {
        // A deterministic scatter of rectangles of many sizes, some across cell borders.
        let mut seed = 7_u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((seed >> 33) % 1000) as f32
        };
        let mut rect = || {
            Rect::from_min_size(
                pos2(next() - 100.0, next() - 100.0),
                vec2(next() / 5.0, next() / 20.0),
            )
        };
        let kept: Vec<Rect> = (0..300).map(|_| rect()).collect();
        let grid = RectGrid::of(&kept);
        let mut hits = 0;
        for _ in 0..2000 {
            let r = rect();
            let brute = kept.iter().any(|k| k.intersects(r));
            assert_eq!(grid.intersects(r), brute, "{r:?}");
            hits += usize::from(brute);
        }
        assert!(hits > 100 && hits < 1900, "both answers tested: {hits}");
        assert!(!grid.intersects(Rect::NOTHING));
        // A huge rectangle and an infinite one are checked one by one.
        let mut grid = RectGrid::of(&kept);
        grid.insert(Rect::from_min_max(pos2(-1e7, 5000.0), pos2(1e7, 5001.0)));
        assert!(grid.intersects(Rect::from_min_size(pos2(3.0e6, 4990.0), vec2(5.0, 20.0))));
        assert!(!RectGrid::default().intersects(Rect::EVERYTHING));
        assert!(grid.intersects(Rect::EVERYTHING));
    }
}
