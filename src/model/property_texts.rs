//! The texts a layer's features' properties are read from, taken out of the layer so another
//! thread can read them (a [`Feature`] is not shared between threads): for every unedited
//! feature a span of the shared file text (12 bytes, the text itself is not copied), for the
//! others their `properties` written as JSON.
//!
//! After a change, several threads read the same layer's texts (its styles and labels, its
//! dates): [`SharedTexts`] hands each the one copy made for the layer's revision while any of
//! them still holds it, so a change costs one pass over the features and one copy in memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use serde_json::{Map, Value};

use super::Feature;
use super::feature::{PropertySource, label_in_text, properties_in_text};

/// No text: the feature's properties are `null`.
const NONE: u32 = u32::MAX;

/// Where each feature's properties are, by feature index.
#[derive(Debug, Default)]
pub struct PropertyTexts {
    texts: Vec<Arc<String>>,
    /// (index into `texts`, start, length) by feature.
    spans: Vec<(u32, u32, u32)>,
}

impl PropertyTexts {
    /// The property texts of `features` (one pass, no parsing, for the thread that owns them).
    pub fn of(features: &[Feature]) -> Self {
        let mut out = Self {
            texts: Vec::new(),
            spans: Vec::with_capacity(features.len()),
        };
        for feature in features {
            let span = match feature.property_source() {
                PropertySource::Text(text, start, len) => (out.text_index(text), start, len),
                PropertySource::Object(object) => {
                    let mut own = serde_json::Map::new();
                    for key in ["id", "properties"] {
                        if let Some(v) = object.get(key) {
                            own.insert(key.into(), v.clone());
                        }
                    }
                    let text = Value::Object(own).to_string();
                    let len = u32::try_from(text.len()).unwrap_or(0);
                    (out.push(Arc::new(text)), 0, len)
                }
                PropertySource::None => (NONE, 0, 0),
            };
            out.spans.push(span);
        }
        out
    }

    /// The index of `text`, added when it is not the last one added (features of one file
    /// share one text, so this stays short).
    fn text_index(&mut self, text: &Arc<String>) -> u32 {
        match self.texts.last() {
            Some(last) if Arc::ptr_eq(last, text) => (self.texts.len() - 1) as u32,
            _ => self.push(Arc::clone(text)),
        }
    }

    fn push(&mut self, text: Arc<String>) -> u32 {
        self.texts.push(text);
        (self.texts.len() - 1) as u32
    }

    /// How many features.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there is no feature.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The text feature `index`'s properties are read from, and where in it: a span of the
    /// shared file text for an unedited feature (labels are kept as spans of it).
    pub(crate) fn text_span(&self, index: usize) -> Option<(&Arc<String>, std::ops::Range<usize>)> {
        let &(text, start, len) = self.spans.get(index)?;
        let (start, len) = (start as usize, len as usize);
        Some((self.texts.get(text as usize)?, start..start + len))
    }

    /// Calls `f` with the `properties` of feature `index`, parsed now and not kept.
    pub fn with_properties<R>(
        &self,
        index: usize,
        f: impl FnOnce(Option<&Map<String, Value>>) -> R,
    ) -> R {
        let parsed = self.spans.get(index).and_then(|&(text, start, len)| {
            let text = self.texts.get(text as usize)?;
            let (start, len) = (start as usize, len as usize);
            properties_in_text(text.get(start..start + len)?)
        });
        f(parsed.as_ref())
    }
}

/// The [`PropertyTexts`] made for layers, by the layer revision they were made at (a
/// document's revisions are never shared by two layers), held weakly: they are handed out
/// again while some thread still reads them, and freed when the last one is done (nothing is
/// kept for a layer at rest). A clone starts empty.
#[derive(Default)]
pub(super) struct SharedTexts(Mutex<HashMap<u64, Weak<PropertyTexts>>>);

impl SharedTexts {
    /// The texts of `features`, a layer at `revision`: those made for that revision if a
    /// thread still holds them, else made now.
    pub(super) fn get(&self, revision: u64, features: &[Feature]) -> Arc<PropertyTexts> {
        let mut shared = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(texts) = shared.get(&revision).and_then(Weak::upgrade) {
            return texts;
        }
        let texts = Arc::new(PropertyTexts::of(features));
        shared.retain(|_, weak| weak.strong_count() > 0);
        shared.insert(revision, Arc::downgrade(&texts));
        texts
    }
}

impl Clone for SharedTexts {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for SharedTexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedTexts")
    }
}

/// Features' properties one by one, by index: a layer's, or [`PropertyTexts`] taken out of
/// it for another thread (scans such as the timeline's reading of dates take either).
pub trait FeatureProperties {
    /// How many features.
    fn count(&self) -> usize;
    /// Calls `f` with the `properties` of feature `index` (parsed now and not kept).
    fn properties_of<R>(&self, index: usize, f: impl FnOnce(Option<&Map<String, Value>>) -> R)
    -> R;
    /// What a person calls feature `index`: its `name`, else its `id`, else `#index`.
    fn label_of(&self, index: usize) -> String;
}

impl<T: FeatureProperties + ?Sized> FeatureProperties for &T {
    fn count(&self) -> usize {
        (**self).count()
    }

    fn properties_of<R>(
        &self,
        index: usize,
        f: impl FnOnce(Option<&Map<String, Value>>) -> R,
    ) -> R {
        (**self).properties_of(index, f)
    }

    fn label_of(&self, index: usize) -> String {
        (**self).label_of(index)
    }
}

impl FeatureProperties for super::Layer {
    fn count(&self) -> usize {
        self.features.len()
    }

    fn properties_of<R>(
        &self,
        index: usize,
        f: impl FnOnce(Option<&Map<String, Value>>) -> R,
    ) -> R {
        match self.features.get(index) {
            Some(feature) => feature.with_properties(f),
            None => f(None),
        }
    }

    fn label_of(&self, index: usize) -> String {
        match self.features.get(index) {
            Some(feature) => feature.label_unkept(index),
            None => format!("#{index}"),
        }
    }
}

impl FeatureProperties for PropertyTexts {
    fn count(&self) -> usize {
        self.len()
    }

    fn properties_of<R>(
        &self,
        index: usize,
        f: impl FnOnce(Option<&Map<String, Value>>) -> R,
    ) -> R {
        self.with_properties(index, f)
    }

    fn label_of(&self, index: usize) -> String {
        self.spans
            .get(index)
            .and_then(|&(text, start, len)| {
                let text = self.texts.get(text as usize)?;
                let (start, len) = (start as usize, len as usize);
                text.get(start..start + len)
            })
            .map_or_else(|| format!("#{index}"), |text| label_in_text(text, index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edited_and_unedited_features_read_the_same_properties_as_the_layer() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":null,"properties":{"name":"A","n":1}},
            {"type":"Feature","geometry":null,"properties":null},
            {"type":"Feature","geometry":null,"properties":{"name":"C"}}]}"#;
        let mut layer = crate::io::read_str(text, "t.geojson").expect("valid");
        layer.features[2].set_property("name", Value::String("Edited".into()));
        let texts = PropertyTexts::of(&layer.features);
        assert_eq!(texts.len(), 3);
        for (i, feature) in layer.features.iter().enumerate() {
            let theirs = feature.with_properties(|p| p.cloned());
            let ours = texts.with_properties(i, |p| p.cloned());
            assert_eq!(ours, theirs, "feature {i}");
            assert_eq!(texts.label_of(i), layer.label_of(i), "label {i}");
        }
        assert_eq!(
            texts.texts.len(),
            2,
            "one shared file text plus the edited feature's"
        );
    }

    #[test]
    fn readers_of_one_layer_revision_share_one_copy_and_none_is_kept_once_they_are_done() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":null,"properties":{"name":"A"}},
            {"type":"Feature","geometry":null,"properties":{"name":"B"}}]}"#;
        let mut doc = crate::model::Document::new();
        let id = doc.add_layer(crate::io::read_str(text, "t.geojson").expect("valid"));
        // The styles' thread and the dates' thread after the same change: one copy.
        let styles = doc.property_texts(id).expect("open");
        let dates = doc.property_texts(id).expect("open");
        assert!(Arc::ptr_eq(&styles, &dates), "made once, shared");
        // Once both are done nothing is kept (a layer at rest holds no copy).
        let weak = Arc::downgrade(&styles);
        drop((styles, dates));
        assert!(weak.upgrade().is_none(), "freed with its last reader");
        // A property edit makes new ones, which read the edit.
        let before = doc.property_texts(id).expect("open");
        let second = crate::model::FeatureRef {
            layer: id,
            index: 1,
        };
        if let Some(f) = doc.feature_mut_same_geometry(second) {
            f.set_property("name", Value::String("Edited".into()));
        }
        let after = doc.property_texts(id).expect("open");
        assert!(!Arc::ptr_eq(&before, &after));
        assert_eq!(after.label_of(1), "Edited");
        assert_eq!(
            before.label_of(1),
            "B",
            "a reader of the old revision keeps its own"
        );
    }
}
