//! The caption line of an image: every filter in force, so a published map says what it
//! hides (`raids shown: 14–16 July 2025, 6 of 7`, `hidden layers: sites`). The window's
//! *Export image…* and `raidmap render` make it the same way.

use std::collections::HashMap;

use crate::model::{Document, LayerId};
use crate::render::layer_view::LayerView;
use crate::timeline::Window;

/// One line per filter: for each visible layer the time window thins, how many of its
/// features it shows; then the layers that are hidden. Empty when nothing is filtered.
pub fn filter_lines(
    doc: &Document,
    views: &HashMap<LayerId, LayerView>,
    window: &Window,
) -> Vec<String> {
    let mut lines = Vec::new();
    let mut hidden = Vec::new();
    for (id, layer) in doc.layers() {
        let Some(view) = views.get(&id) else {
            continue;
        };
        if !view.visible {
            hidden.push(super::layer_title(layer));
            continue;
        }
        if window.is_unbounded() {
            continue;
        }
        if let Some(shown) = &view.time_filter {
            let n = shown.count();
            lines.push(format!(
                "{} shown: {}, {n} of {}",
                super::layer_title(layer),
                window.describe(),
                shown.len()
            ));
        }
    }
    if !hidden.is_empty() {
        let noun = if hidden.len() == 1 { "layer" } else { "layers" };
        lines.push(format!("hidden {noun}: {}", hidden.join(", ")));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Day;

    fn doc() -> (Document, HashMap<LayerId, LayerView>) {
        let mut doc = Document::new();
        for layer in crate::sample::layers().expect("the sample reads") {
            doc.add_layer(layer);
        }
        let views = crate::render::layer_view::views_for(&doc);
        (doc, views)
    }

    #[test]
    fn nothing_filtered_says_nothing() {
        let (doc, views) = doc();
        assert!(filter_lines(&doc, &views, &Window::ALL).is_empty());
    }

    #[test]
    fn a_time_window_and_a_hidden_layer_are_stated() {
        let (doc, mut views) = doc();
        let ids: Vec<LayerId> = doc.layers().map(|(id, _)| id).collect();
        let raids = ids[1];
        let total = doc.layer(raids).expect("raids").features.len();
        let mut shown = vec![true; total];
        shown[0] = false;
        views
            .get_mut(&raids)
            .expect("view")
            .set_time_filter(Some(shown));
        views.get_mut(&ids[0]).expect("view").visible = false;
        let window = Window::days(
            Day::from_ymd(2025, 7, 14).expect("day"),
            Day::from_ymd(2025, 7, 16).expect("day"),
        );
        let lines = filter_lines(&doc, &views, &window);
        let raids_title = super::super::layer_title(doc.layer(raids).expect("raids"));
        let sites_title = super::super::layer_title(doc.layer(ids[0]).expect("sites"));
        assert_eq!(
            lines,
            vec![
                format!(
                    "{raids_title} shown: 14–16 July 2025, {} of {total}",
                    total - 1
                ),
                format!("hidden layer: {sites_title}"),
            ]
        );
    }
}
