//! A bounding box in `f32`, rounded outward: it always holds the exact `f64` box, and is at
//! most one `f32` step larger on each side (under a metre at Cambodia's longitudes). A line
//! or polygon kept as text keeps its box so, inline in its [`super::Feature`]: a `Rect<f64>`
//! does not fit in the feature's 48 bytes and, boxed, took 48 bytes more on the heap for each
//! of a building layer's 300,000 polygons. Good for indexing and culling; what is shown or
//! written (a layer's extent, *zoom to*) is read exactly ([`super::Layer::bbox`]).

use geo::{Coord, Rect};

/// `min` and `max` corners as `[x, y]`, in `f32`, rounded outward.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OuterBox {
    min: [f32; 2],
    max: [f32; 2],
}

impl OuterBox {
    /// The smallest `f32` box holding `rect`; `None` when a side does not fit in a finite
    /// `f32` (coordinates beyond ±3.4e38).
    pub(crate) fn around(rect: Rect<f64>) -> Option<Self> {
        let (min, max) = (rect.min(), rect.max());
        let outer = Self {
            min: [at_most(min.x), at_most(min.y)],
            max: [at_least(max.x), at_least(max.y)],
        };
        outer
            .min
            .iter()
            .chain(&outer.max)
            .all(|v| v.is_finite())
            .then_some(outer)
    }

    pub(crate) fn rect(self) -> Rect<f64> {
        Rect::new(
            Coord {
                x: f64::from(self.min[0]),
                y: f64::from(self.min[1]),
            },
            Coord {
                x: f64::from(self.max[0]),
                y: f64::from(self.max[1]),
            },
        )
    }
}

/// The largest `f32` not above `v`.
pub(crate) fn at_most(v: f64) -> f32 {
    let near = v as f32;
    if f64::from(near) > v {
        near.next_down()
    } else {
        near
    }
}

/// The smallest `f32` not below `v`.
pub(crate) fn at_least(v: f64) -> f32 {
    let near = v as f32;
    if f64::from(near) < v {
        near.next_up()
    } else {
        near
    }
}

/// The smallest `f32` above `v`, as `f64`: an outer box whose min side is at least this has
/// an exact side above `v` too.
pub(crate) fn step_above(v: f64) -> f64 {
    let near = at_least(v);
    f64::from(if f64::from(near) > v {
        near
    } else {
        near.next_up()
    })
}

/// The largest `f32` below `v`, as `f64`.
pub(crate) fn step_below(v: f64) -> f64 {
    let near = at_most(v);
    f64::from(if f64::from(near) < v {
        near
    } else {
        near.next_down()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_holds_the_exact_one_within_one_step() {
        for (x0, y0, x1, y1) in [
            (104.912_345_678_9, 11.512_345_678_9, 104.912_6, 11.513),
            (-0.1, -89.999_999_9, 0.1, 90.0),
            (179.999_999_99, 1e-30, 180.0, 3.0),
        ] {
            let exact = Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 });
            let outer = OuterBox::around(exact).expect("finite").rect();
            assert!(outer.min().x <= x0 && outer.min().y <= y0);
            assert!(outer.max().x >= x1 && outer.max().y >= y1);
            for (o, e) in [(outer.min().x, x0), (outer.min().y, y0)] {
                assert!(step_above(o) > e, "{o} is the f32 just below {e}");
            }
            for (o, e) in [(outer.max().x, x1), (outer.max().y, y1)] {
                assert!(step_below(o) < e, "{o} is the f32 just above {e}");
            }
        }
    }

    #[test]
    fn an_f32_value_is_kept_and_the_steps_go_past_it() {
        assert_eq!(at_most(0.5), 0.5);
        assert_eq!(at_least(0.5), 0.5);
        assert!(step_above(0.5) > 0.5 && step_below(0.5) < 0.5);
        assert_eq!(step_above(0.5), f64::from(0.5f32.next_up()));
    }

    #[test]
    fn a_box_beyond_f32_is_not_made() {
        let huge = Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 1e300, y: 1.0 });
        assert_eq!(OuterBox::around(huge), None);
    }
}
