//! Fitting a transform from image pixels to the map through pins, and how far each pin is off.
//!
//! The transform maps image pixels (x right, y down, from the top-left corner) to Web Mercator
//! world units (`basemap::projection`), the plane the map is drawn in, so an image placed by an
//! affine fit is drawn exactly (one quad) and a projective one closely (a fine grid of quads).
//!
//! - Affine (6 parameters) needs three pins not on one line; with more it is the least-squares
//!   fit (smallest sum of squared misfits in world units).
//! - Projective (8 parameters, a homography) needs four pins, no three on a line; with more it
//!   is the algebraic least-squares fit (Hartley's normalisation keeps it well conditioned).
//!
//! Each pin's residual is the geodesic distance on WGS84 (Karney, `measure::geodesic`) between
//! where the pin says the image point is and where the fitted transform puts it, in metres.

use geo::{Coord, Point};

use super::{Pin, TransformKind};
use crate::measure::distance_m;
use crate::mercator::{lon_lat_to_world, world_to_lon_lat};

/// Image pixels → Web Mercator world units, as a 3×3 matrix acting on `(x, y, 1)` (row-major;
/// the last row is `0 0 1` for an affine transform).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transform {
    pub m: [f64; 9],
}

impl Transform {
    /// Where image pixel `(x, y)` lies, in world units; `None` on the projective horizon.
    pub fn apply(&self, px: [f64; 2]) -> Option<Coord<f64>> {
        let m = &self.m;
        let w = m[6] * px[0] + m[7] * px[1] + m[8];
        if w.abs() < 1e-300 || !w.is_finite() {
            return None;
        }
        let x = (m[0] * px[0] + m[1] * px[1] + m[2]) / w;
        let y = (m[3] * px[0] + m[4] * px[1] + m[5]) / w;
        (x.is_finite() && y.is_finite()).then_some(Coord { x, y })
    }

    /// Where image pixel `(x, y)` lies, as `(lon, lat)` in degrees.
    pub fn apply_lon_lat(&self, px: [f64; 2]) -> Option<(f64, f64)> {
        self.apply(px).map(world_to_lon_lat)
    }

    /// The transform from world units back to image pixels; `None` when it is singular.
    pub fn inverse(&self) -> Option<Transform> {
        let inv = invert3(&self.m)?;
        Some(Transform { m: inv })
    }
}

/// A fitted transform and how well it fits.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub kind: TransformKind,
    pub transform: Transform,
    /// Per pin, in the pins' order: geodesic metres between the pin's map position and where
    /// the transform puts its image point.
    pub residuals_m: Vec<f64>,
}

impl Fit {
    /// Root mean square of the residuals, in metres.
    pub fn rms_m(&self) -> f64 {
        if self.residuals_m.is_empty() {
            return 0.0;
        }
        let sum: f64 = self.residuals_m.iter().map(|r| r * r).sum();
        (sum / self.residuals_m.len() as f64).sqrt()
    }
}

/// Why no transform can be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error("the {kind} fit needs at least {needed} pins; there {}", count_pins(*.have))]
    TooFewPins {
        kind: &'static str,
        needed: usize,
        have: usize,
    },
    #[error(
        "the pins do not fix a {0} transform: they lie on one line (or, for projective, three of them do)"
    )]
    Degenerate(&'static str),
    #[error("pin {0}: its coordinates are not finite numbers")]
    NotFinite(usize),
}

fn count_pins(have: usize) -> String {
    match have {
        1 => "is 1".into(),
        n => format!("are {n}"),
    }
}

/// Fit a transform of `kind` through `pins`.
pub fn fit(pins: &[Pin], kind: TransformKind) -> Result<Fit, FitError> {
    if pins.len() < kind.min_pins() {
        return Err(FitError::TooFewPins {
            kind: kind.label(),
            needed: kind.min_pins(),
            have: pins.len(),
        });
    }
    let mut src = Vec::with_capacity(pins.len());
    let mut dst = Vec::with_capacity(pins.len());
    for (i, pin) in pins.iter().enumerate() {
        let ok = pin.image.iter().all(|v| v.is_finite())
            && pin.lon.is_finite()
            && pin.lat.is_finite()
            && pin.lat.abs() <= 90.0;
        if !ok {
            return Err(FitError::NotFinite(i + 1));
        }
        src.push(pin.image);
        let w = lon_lat_to_world(pin.lon, pin.lat);
        dst.push([w.x, w.y]);
    }
    // Both sides moved to their centroid and scaled to a mean distance of √2 (Hartley): the
    // normal equations are then well conditioned whatever the image size or the map scale.
    let (ns, src_n) = normalise(&src);
    let (nd, dst_n) = normalise(&dst);
    let degenerate = FitError::Degenerate(kind.label());
    let h = match kind {
        TransformKind::Affine => fit_affine(&src_n, &dst_n).ok_or(degenerate)?,
        TransformKind::Projective => {
            if has_collinear_triple(&src_n) || has_collinear_triple(&dst_n) {
                return Err(degenerate);
            }
            fit_projective(&src_n, &dst_n).ok_or(degenerate)?
        }
    };
    // Undo the normalisations: T = Nd⁻¹ · H · Ns.
    let nd_inv = invert3(&nd).ok_or(FitError::Degenerate(kind.label()))?;
    let mut m = mul3(&nd_inv, &mul3(&h, &ns));
    let scale = m[8];
    if scale.abs() > 1e-300 {
        m.iter_mut().for_each(|v| *v /= scale);
    }
    let transform = Transform { m };
    let residuals_m = pins
        .iter()
        .map(|pin| match transform.apply_lon_lat(pin.image) {
            Some((lon, lat)) => distance_m(Point::new(pin.lon, pin.lat), Point::new(lon, lat)),
            None => f64::INFINITY,
        })
        .collect();
    Ok(Fit {
        kind,
        transform,
        residuals_m,
    })
}

/// Centre points on their centroid and scale them to a mean distance of √2; returns the
/// normalising matrix and the normalised points.
fn normalise(points: &[[f64; 2]]) -> ([f64; 9], Vec<[f64; 2]>) {
    let n = points.len() as f64;
    let cx = points.iter().map(|p| p[0]).sum::<f64>() / n;
    let cy = points.iter().map(|p| p[1]).sum::<f64>() / n;
    let mean = points
        .iter()
        .map(|p| (p[0] - cx).hypot(p[1] - cy))
        .sum::<f64>()
        / n;
    let s = if mean > 0.0 {
        std::f64::consts::SQRT_2 / mean
    } else {
        1.0
    };
    let matrix = [s, 0.0, -s * cx, 0.0, s, -s * cy, 0.0, 0.0, 1.0];
    let normalised = points
        .iter()
        .map(|p| [s * (p[0] - cx), s * (p[1] - cy)])
        .collect();
    (matrix, normalised)
}

/// Least squares for `dst = A·(src, 1)`, each output coordinate on its own.
fn fit_affine(src: &[[f64; 2]], dst: &[[f64; 2]]) -> Option<[f64; 9]> {
    let rows: Vec<[f64; 3]> = src.iter().map(|p| [p[0], p[1], 1.0]).collect();
    let xs: Vec<f64> = dst.iter().map(|p| p[0]).collect();
    let ys: Vec<f64> = dst.iter().map(|p| p[1]).collect();
    let a = least_squares::<3>(&rows, &xs)?;
    let b = least_squares::<3>(&rows, &ys)?;
    Some([a[0], a[1], a[2], b[0], b[1], b[2], 0.0, 0.0, 1.0])
}

/// The homography with `h₃₃ = 1`: each pin gives two linear equations in the other eight.
fn fit_projective(src: &[[f64; 2]], dst: &[[f64; 2]]) -> Option<[f64; 9]> {
    let mut rows = Vec::with_capacity(src.len() * 2);
    let mut rhs = Vec::with_capacity(src.len() * 2);
    for (s, d) in src.iter().zip(dst) {
        let [x, y] = *s;
        let [u, v] = *d;
        rows.push([x, y, 1.0, 0.0, 0.0, 0.0, -x * u, -y * u]);
        rhs.push(u);
        rows.push([0.0, 0.0, 0.0, x, y, 1.0, -x * v, -y * v]);
        rhs.push(v);
    }
    let h = least_squares::<8>(&rows, &rhs)?;
    Some([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0])
}

/// Solve the normal equations `(AᵀA) x = Aᵀb` by Gaussian elimination with partial pivoting;
/// `None` when the system is (numerically) singular.
fn least_squares<const N: usize>(rows: &[[f64; N]], rhs: &[f64]) -> Option<[f64; N]> {
    let mut ata = [[0.0; N]; N];
    let mut atb = [0.0; N];
    for (row, b) in rows.iter().zip(rhs) {
        for i in 0..N {
            atb[i] += row[i] * b;
            for j in 0..N {
                ata[i][j] += row[i] * row[j];
            }
        }
    }
    solve(ata, atb)
}

fn solve<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> Option<[f64; N]> {
    let scale = a
        .iter()
        .flat_map(|r| r.iter())
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    if scale == 0.0 {
        return None;
    }
    for col in 0..N {
        let pivot = (col..N).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < scale * 1e-10 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for row in col + 1..N {
            let f = a[row][col] / pivot_row[col];
            for (value, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *value -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; N];
    for row in (0..N).rev() {
        let tail: f64 = (row + 1..N).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Whether some three of the (normalised) points lie on one line.
fn has_collinear_triple(points: &[[f64; 2]]) -> bool {
    // Too many pins to try every triple is unusual; then rely on the solver's pivot check.
    if points.len() > 40 {
        return false;
    }
    for i in 0..points.len() {
        for j in i + 1..points.len() {
            for k in j + 1..points.len() {
                let [a, b, c] = [points[i], points[j], points[k]];
                let cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
                if cross.abs() < 1e-9 {
                    return true;
                }
            }
        }
    }
    false
}

fn mul3(a: &[f64; 9], b: &[f64; 9]) -> [f64; 9] {
    let mut out = [0.0; 9];
    for r in 0..3 {
        for c in 0..3 {
            out[r * 3 + c] = (0..3).map(|k| a[r * 3 + k] * b[k * 3 + c]).sum();
        }
    }
    out
}

fn invert3(m: &[f64; 9]) -> Option<[f64; 9]> {
    let [a, b, c, d, e, f, g, h, i] = *m;
    let co = [
        e * i - f * h,
        -(d * i - f * g),
        d * h - e * g,
        -(b * i - c * h),
        a * i - c * g,
        -(a * h - b * g),
        b * f - c * e,
        -(a * f - c * d),
        a * e - b * d,
    ];
    let det = a * co[0] + b * co[1] + c * co[2];
    if !det.is_finite() || det == 0.0 {
        return None;
    }
    // The inverse is the transposed cofactor matrix over the determinant.
    let inverse = [
        co[0] / det,
        co[3] / det,
        co[6] / det,
        co[1] / det,
        co[4] / det,
        co[7] / det,
        co[2] / det,
        co[5] / det,
        co[8] / det,
    ];
    inverse.iter().all(|v| v.is_finite()).then_some(inverse)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(x: f64, y: f64, lon: f64, lat: f64) -> Pin {
        Pin {
            image: [x, y],
            lon,
            lat,
        }
    }

    /// Pins made by a known transform: 1000 px image over ~0.01° near Phnom Penh.
    fn pins_from(t: &Transform, points: &[[f64; 2]]) -> Vec<Pin> {
        points
            .iter()
            .map(|&p| {
                let (lon, lat) = t.apply_lon_lat(p).expect("finite");
                pin(p[0], p[1], lon, lat)
            })
            .collect()
    }

    fn known_affine() -> Transform {
        let origin = lon_lat_to_world(104.90, 11.57);
        let s = 1e-8; // world units per pixel (~0.4 m at this latitude)
        Transform {
            m: [
                s * 0.98,
                s * 0.17,
                origin.x,
                -s * 0.15,
                s * 1.02,
                origin.y,
                0.0,
                0.0,
                1.0,
            ],
        }
    }

    #[test]
    fn three_exact_pins_give_back_the_affine_transform_with_zero_residuals() {
        let t = known_affine();
        let pins = pins_from(&t, &[[0.0, 0.0], [1000.0, 0.0], [0.0, 800.0]]);
        let fit = fit(&pins, TransformKind::Affine).expect("fit");
        for r in &fit.residuals_m {
            assert!(*r < 1e-3, "residual {r} m");
        }
        let q = [512.0, 333.0];
        let a = fit.transform.apply(q).expect("finite");
        let b = t.apply(q).expect("finite");
        // Well under a millimetre on the ground.
        assert!((a.x - b.x).abs() < 1e-13 && (a.y - b.y).abs() < 1e-13);
    }

    #[test]
    fn a_misplaced_pin_shows_its_misfit_in_metres() {
        let t = known_affine();
        let mut pins = pins_from(
            &t,
            &[[0.0, 0.0], [1000.0, 0.0], [0.0, 800.0], [1000.0, 800.0]],
        );
        // Move one pin about 100 m north (0.0009° of latitude ≈ 99.5 m).
        pins[3].lat += 0.0009;
        let fit = fit(&pins, TransformKind::Affine).expect("fit");
        assert_eq!(fit.residuals_m.len(), 4);
        // Least squares spreads the error: each of the four pins is off by a quarter, 25 m.
        for r in &fit.residuals_m {
            assert!((r - 24.9).abs() < 1.0, "{:?}", fit.residuals_m);
        }
        assert!(fit.rms_m() > 20.0);
    }

    #[test]
    fn a_projective_fit_recovers_a_perspective_exactly() {
        let a = known_affine();
        // Add perspective.
        let mut m = a.m;
        m[6] = 2e-4;
        m[7] = -1e-4;
        let t = Transform { m };
        let pins = pins_from(
            &t,
            &[
                [0.0, 0.0],
                [1000.0, 0.0],
                [0.0, 800.0],
                [1000.0, 800.0],
                [400.0, 300.0],
            ],
        );
        let projective = fit(&pins, TransformKind::Projective).expect("fit");
        assert!(projective.rms_m() < 1e-3, "{:?}", projective.residuals_m);
        let affine = fit(&pins, TransformKind::Affine).expect("fit");
        assert!(affine.rms_m() > 1.0, "{:?}", affine.residuals_m);
    }

    #[test]
    fn too_few_or_collinear_pins_are_refused_clearly() {
        let t = known_affine();
        let two = pins_from(&t, &[[0.0, 0.0], [10.0, 0.0]]);
        let err = fit(&two, TransformKind::Affine).expect_err("two");
        assert_eq!(
            err.to_string(),
            "the affine fit needs at least 3 pins; there are 2"
        );
        let line = pins_from(&t, &[[0.0, 0.0], [10.0, 10.0], [20.0, 20.0]]);
        let err = fit(&line, TransformKind::Affine).expect_err("on a line");
        assert!(err.to_string().contains("lie on one line"), "{err}");
        let three = pins_from(&t, &[[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]);
        assert!(fit(&three, TransformKind::Projective).is_err());
        let square_with_line = pins_from(&t, &[[0.0, 0.0], [10.0, 0.0], [20.0, 0.0], [0.0, 10.0]]);
        assert!(fit(&square_with_line, TransformKind::Projective).is_err());
    }

    #[test]
    fn the_inverse_takes_the_map_back_to_pixels() {
        let t = known_affine();
        let inv = t.inverse().expect("invertible");
        let w = t.apply([123.0, 456.0]).expect("finite");
        let p = inv.apply([w.x, w.y]).expect("finite");
        assert!((p.x - 123.0).abs() < 1e-6 && (p.y - 456.0).abs() < 1e-6);
    }
}
