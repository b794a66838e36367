//! A layer as it was opened, kept as the base of later merges into it: where each feature's
//! exact text starts in the file's text, shared with the open layer (4 bytes a feature; its
//! end is found again when a merge asks for it), and a whole copy only of a feature that has
//! no span of that text (made by the program, or read from another text).

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::{Feature, FeatureText, Layer};

/// A feature that is in [`Base::whole`].
const WHOLE: u32 = u32::MAX;

/// The base of a merge, kept small.
#[derive(Debug, Clone)]
pub struct Base {
    name: String,
    /// The file text the features are spans of (the first met).
    text: Option<Arc<String>>,
    /// Where each feature starts in `text`, in order ([`WHOLE`]: the feature is in `whole`).
    starts: Vec<u32>,
    /// Copies of the features without a span of `text`, by index.
    whole: HashMap<usize, Feature>,
}

impl Base {
    /// Keep `layer` as it is now.
    pub fn of(layer: &Layer) -> Self {
        let mut base = Self {
            name: layer.name.clone(),
            text: None,
            starts: Vec::with_capacity(layer.features.len()),
            whole: HashMap::new(),
        };
        for (i, feature) in layer.features.iter().enumerate() {
            let start = (feature.shared_text().zip(feature.original_text()))
                .and_then(|(shared, text)| base.start_of(&shared, text.len()));
            base.starts.push(start.unwrap_or(WHOLE));
            if start.is_none() {
                base.whole.insert(i, feature.clone());
            }
        }
        base
    }

    /// Where `text` (`len` bytes) starts in the base's text, when it is a span of it.
    fn start_of(&mut self, text: &FeatureText, len: usize) -> Option<u32> {
        let (shared, start) = text.start();
        // A text holding more than this feature is the file's (a feature too long for a
        // span has a copy of its own).
        if self.text.is_none() && len < shared.len() {
            self.text = Some(Arc::clone(shared));
        }
        let in_text = self.text.as_ref().is_some_and(|t| Arc::ptr_eq(t, shared));
        (in_text && start != WHOLE).then_some(start)
    }

    /// The kept layer, to merge with: its features as they were, compared by their JSON
    /// (those read from text have no geometry of their own: [`FeatureText::feature`]).
    pub fn layer(&self) -> Layer {
        let mut layer = Layer::new(self.name.clone(), crate::model::LayerKind::Data);
        layer.features = (self.starts.iter().enumerate())
            .filter_map(|(i, &start)| match (&self.text, start) {
                (Some(text), start) if start != WHOLE => {
                    FeatureText::at(text, start).map(|t| t.feature())
                }
                _ => self.whole.get(&i).cloned(),
            })
            .collect();
        layer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layer_read_from_text_is_kept_as_four_bytes_a_feature() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":1,"geometry":null,"properties":{"name":"A","deep":[[[{"a":[1]}]]]}},
            {"type":"Feature","id":2,"geometry":{"type":"Point","coordinates":[104.9,11.5]},"properties":{"name":"B}"}}]}"#;
        let layer = crate::io::read_str(text, "sites.geojson").expect("valid");
        let base = Base::of(&layer);
        assert!(
            base.whole.is_empty(),
            "every feature is a span of the file's text"
        );
        assert_eq!(
            std::mem::size_of_val(base.starts.as_slice()),
            4 * layer.features.len(),
            "a merge base of a million points would otherwise take 16 MB or more"
        );
        let again = base.layer();
        assert_eq!(again.features.len(), 2);
        for (a, b) in again.features.iter().zip(&layer.features) {
            assert_eq!(a.original_text(), b.original_text());
            assert!(a.original_text().is_some());
        }
    }
}
