//! A feature's `id` and `name` read without keeping its parsed object, for whatever goes over
//! every feature of a layer that may be big (exporting, coverage, finding a place by name):
//! [`Feature::id`] and [`Feature::name`] keep the object they parse, which for 300,000
//! buildings would bring back the memory their text-only form saves.

use serde_json::Value;

use super::Feature;

impl Feature {
    /// [`Feature::id`] without keeping the parsed object.
    pub fn id_unkept(&self) -> Option<Value> {
        self.with_object(|o| o.get("id").cloned())
    }

    /// [`Feature::id_text`] without keeping the parsed object.
    pub fn id_text_unkept(&self) -> Option<String> {
        self.id_unkept().map(|id| match id {
            Value::String(s) => s,
            other => other.to_string(),
        })
    }

    /// [`Feature::name`] without keeping the parsed object.
    pub fn name_unkept(&self) -> Option<String> {
        self.with_properties(|p| {
            p?.get("name")?
                .as_str()
                .filter(|n| !n.trim().is_empty())
                .map(str::to_owned)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn id_and_name_read_from_text_are_those_of_the_object_and_nothing_is_kept() {
        let text = Arc::new(
            r#"[{"type":"Feature","id":7,"geometry":null,"properties":{"name":"Mango Park"}},{"type":"Feature","id":"a","geometry":null,"properties":{"name":" "}}]"#
                .to_owned(),
        );
        let split = text.find("},{").expect("two features") + 1;
        let features = [
            Feature::read(&text, 1..split, None),
            Feature::read(&text, split + 1..text.len() - 1, None),
        ];
        for f in &features {
            assert_eq!(f.id_unkept().as_ref(), f.clone().id());
            assert_eq!(f.id_text_unkept(), f.clone().id_text());
            assert_eq!(f.name_unkept().as_deref(), f.clone().name());
            assert!(!f.holds_parsed_object());
        }
        assert_eq!(features[0].id_text_unkept().as_deref(), Some("7"));
        assert_eq!(features[0].name_unkept().as_deref(), Some("Mango Park"));
        assert_eq!(features[1].name_unkept(), None);
    }
}
