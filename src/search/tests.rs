use super::*;
use crate::model::Document;

fn sample() -> Document {
    let mut doc = Document::new();
    for layer in crate::sample::layers().expect("sample data") {
        doc.add_layer(layer);
    }
    doc
}

fn names(doc: &Document, hits: &[Hit]) -> Vec<String> {
    hits.iter()
        .map(|h| {
            doc.feature(h.feature)
                .map(|f| f.label(h.feature.index))
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn an_exact_name_comes_first() {
    let doc = sample();
    let hits = search(&doc, "mango park", 10);
    let found = names(&doc, &hits);
    assert_eq!(found[0], "Mango Park");
    // The other Mango Parks (site 2 and the raid) follow.
    assert!(found.contains(&"Mango Park 2".to_owned()), "{found:?}");
    assert!(
        found.contains(&"Mango Park raid (2024)".to_owned()),
        "{found:?}"
    );
}

#[test]
fn aliases_find_their_feature() {
    let doc = sample();
    let hits = search(&doc, "Mango Park II", 5);
    assert_eq!(names(&doc, &hits)[0], "Mango Park 2");
    assert_eq!(hits[0].key, "aliases");
}

#[test]
fn case_accents_and_typos_are_forgiven() {
    let doc = sample();
    assert_eq!(
        names(&doc, &search(&doc, "POIPET", 3))[0],
        "Poipet compound"
    );
    assert_eq!(
        names(&doc, &search(&doc, "poiept compund", 3))[0],
        "Poipet compound"
    );
    let mut doc = Document::new();
    let layer = crate::io::read_str(
        r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":null,"properties":{"name":"Kratié town"}},
            {"type":"Feature","geometry":null,"properties":{"name":"ភ្នំពេញ"}}]}"#,
        "x.geojson",
    )
    .expect("valid");
    doc.add_layer(layer);
    assert_eq!(names(&doc, &search(&doc, "kratie", 3)), ["Kratié town"]);
    assert_eq!(names(&doc, &search(&doc, "ភ្នំ", 3)), ["ភ្នំពេញ"]);
}

#[test]
fn searches_span_layers_and_any_property() {
    let doc = sample();
    // "Kong Pisey" is a district of a site and of a raid.
    let hits = search(&doc, "kong pisey", 20);
    let layers: std::collections::HashSet<_> = hits.iter().map(|h| h.feature.layer).collect();
    assert_eq!(layers.len(), 2);
    // A nested property (a source's publisher).
    let hits = search(&doc, "camboja", 3);
    assert_eq!(hits[0].key, "sources.publisher");
}

#[test]
fn nothing_matches_nonsense_or_an_empty_query() {
    let doc = sample();
    assert!(search(&doc, "zzzqqq", 10).is_empty());
    assert!(search(&doc, "   ", 10).is_empty());
    assert_eq!(search(&doc, "park", 2).len(), 2);
}

#[test]
fn the_edit_distance_counts_transpositions_as_one() {
    assert_eq!(edit_distance("poipet", "poiept"), 1);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
    assert_eq!(edit_distance("", "abc"), 3);
}
