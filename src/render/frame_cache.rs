//! Per-feature drawing work (polygon triangles, label texts) kept only for what the last frame
//! drew: a feature that leaves the view is forgotten at the next frame (for labels, the next
//! frame that places labels), so memory follows the screen, not the layer, and nothing is
//! kept for features out of view.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;

use geo::Coord;

use crate::model::FeatureRef;

/// Values computed for the features drawn in the current and the previous frame.
#[derive(Debug)]
pub struct FrameCache<K, V> {
    current: HashMap<K, V>,
    previous: HashMap<K, V>,
}

impl<K, V> Default for FrameCache<K, V> {
    fn default() -> Self {
        Self {
            current: HashMap::new(),
            previous: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq + Copy, V> FrameCache<K, V> {
    /// The value for `key`: this frame's, else the last frame's, else `compute()`.
    pub fn get_or_insert_with(&mut self, key: K, compute: impl FnOnce() -> V) -> &mut V {
        let Self { current, previous } = self;
        match current.entry(key) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(previous.remove(&key).unwrap_or_else(compute)),
        }
    }

    /// Whether a value for `key` is kept from this frame or the last (then it is kept for
    /// this frame too), without computing one.
    pub fn keep(&mut self, key: K) -> bool {
        if self.current.contains_key(&key) {
            return true;
        }
        match self.previous.remove(&key) {
            Some(value) => {
                self.current.insert(key, value);
                true
            }
            None => false,
        }
    }

    /// Start a frame: what the last frame did not use is dropped.
    pub fn next_frame(&mut self) {
        std::mem::swap(&mut self.current, &mut self.previous);
        self.current.clear();
    }

    /// Forget every value whose key fails `keep`.
    pub fn retain(&mut self, keep: impl Fn(&K) -> bool) {
        self.current.retain(|k, _| keep(k));
        self.previous.retain(|k, _| keep(k));
    }

    /// How many values are kept.
    pub fn len(&self) -> usize {
        self.current.len() + self.previous.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A feature's label and where it goes, worked out once while the feature stays in view (the
/// point inside an area is costly to find).
#[derive(Debug, Clone)]
pub struct LabelText {
    pub text: String,
    /// A kept measurement's number (written in the units of the moment).
    pub measurement: bool,
    /// Where the label goes (lon/lat): the point, a point inside the area, the line's middle
    /// vertex, or the measurement's anchor.
    pub anchor: Coord<f64>,
    /// The anchor is the feature's own point (the label goes beside its symbol).
    pub point: bool,
    /// The size of the laid-out text (points), once it was laid out: a label that finds no
    /// room is not laid out again in the next frames.
    pub size: Option<egui::Vec2>,
    /// Until then, a width the laid-out text is at least as wide as (worked out once).
    pub width_at_least: Option<f32>,
}

/// The label of each feature in view (`None`: it has none or nowhere to put it), as the last
/// frame that placed labels left them.
pub type LabelTexts = FrameCache<FeatureRef, Option<LabelText>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_not_used_in_a_frame_are_dropped_at_the_next() {
        let mut cache: FrameCache<u32, u32> = FrameCache::default();
        let mut computed = 0;
        for key in [1, 2] {
            cache.get_or_insert_with(key, || {
                computed += 1;
                key
            });
        }
        cache.next_frame();
        // Frame 2 uses only 1: it comes from the last frame, not computed again.
        cache.get_or_insert_with(1, || {
            computed += 1;
            0
        });
        assert_eq!(computed, 2);
        cache.next_frame();
        assert_eq!(cache.len(), 1, "2 was not drawn in frame 2, so it is gone");
    }
}
