//! SplitMix64: a tiny deterministic generator shared by the benchmarks, so every run measures
//! the same generated data (and no `rand` dependency is needed). Included by each bench with
//! `#[path = "support/split_mix.rs"] mod split_mix;`.

pub(crate) struct SplitMix(pub u64);

#[allow(dead_code)] // Each bench uses the methods it needs.
impl SplitMix {
    /// A uniform number in [0, 1).
    pub(crate) fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A uniform number in [lo, hi).
    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }

    /// A normal deviate (Box–Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let u = self.next_f64().max(1e-12);
        let v = self.next_f64();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}
