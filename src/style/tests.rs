use serde_json::json;

use super::*;
use crate::io::read_str;

fn layer(features: &[serde_json::Value]) -> Layer {
    let fc = json!({"type": "FeatureCollection", "features": features});
    read_str(&fc.to_string(), "sites.geojson").expect("valid GeoJSON")
}

fn point(props: serde_json::Value) -> serde_json::Value {
    json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [104.9, 11.5]},
           "properties": props})
}

fn sites() -> Layer {
    layer(&[
        point(json!({"name": "A", "status": "suspected"})),
        point(json!({"name": "B", "status": "raided"})),
        point(json!({"name": "C", "status": "suspected"})),
        point(json!({"name": "D", "status": null})),
        point(json!({"name": "E", "status": "operating"})),
    ])
}

#[test]
fn categories_list_each_value_once_in_order_of_appearance() {
    let c = Categories::from_layer("status", &sites());
    let values: Vec<&str> = c.classes.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(values, ["suspected", "raided", "operating"]);
    // Known statuses have their usual colours, different from each other.
    assert_ne!(c.classes[0].color, c.classes[1].color);
    assert_ne!(c.classes[1].color, c.classes[2].color);
}

#[test]
fn a_feature_is_coloured_by_its_category_and_others_are_grey() {
    let layer = sites();
    let style = LayerStyle {
        categories: Some(Categories::from_layer("status", &layer)),
        ..LayerStyle::default()
    };
    let raided = style.feature_style(&layer.features[1]).color;
    let suspected = style.feature_style(&layer.features[0]).color;
    assert_eq!(raided, Rgba::rgb(31, 119, 180));
    assert_ne!(raided, suspected);
    assert_eq!(style.feature_style(&layer.features[3]).color, OTHER_COLOR);
}

#[test]
fn numbers_and_booleans_are_categories_too() {
    let layer = layer(&[
        point(json!({"raided": true, "floors": 3})),
        point(json!({"raided": false, "floors": 3.5})),
    ]);
    let c = Categories::from_layer("raided", &layer);
    assert_eq!(c.classes.len(), 2);
    assert_eq!(c.classes[0].value, "true");
    let f = Categories::from_layer("floors", &layer);
    assert_eq!(f.classes[1].value, "3.5");
}

#[test]
fn graduated_sizes_grow_with_the_value_by_area() {
    let layer = layer(&[
        point(json!({"detained": 0})),
        point(json!({"detained": 100})),
        point(json!({"detained": null})),
        point(json!({"detained": "25"})),
    ]);
    let g = Graduated::from_layer("detained", &layer).expect("numbers");
    assert_eq!((g.min_value, g.max_value), (0.0, 100.0));
    let r = |i: usize| g.radius_of(layer.features[i].property("detained"));
    assert_eq!(r(0), g.min_radius);
    assert_eq!(r(1), g.max_radius);
    // No value: the smallest symbol.
    assert_eq!(r(2), g.min_radius);
    // A quarter of the way: area a quarter of the way between the smallest and largest.
    let area = |r: f32| r * r;
    let expected = area(g.min_radius) + 0.25 * (area(g.max_radius) - area(g.min_radius));
    assert!((area(r(3)) - expected).abs() < 1e-3);
    // Clamped outside the range.
    assert_eq!(g.radius_for(1e9), g.max_radius);
}

#[test]
fn graduation_needs_a_number() {
    assert!(Graduated::from_layer("status", &sites()).is_none());
    assert!(Graduated::from_layer("missing", &sites()).is_none());
}

#[test]
fn the_legend_lists_the_categories_present_and_other() {
    let layer = sites();
    let style = LayerStyle {
        categories: Some(Categories::from_layer("status", &layer)),
        ..LayerStyle::default()
    };
    let legend = style.legend(&layer);
    assert_eq!(legend.title, "sites: status");
    let labels: Vec<&str> = legend.entries.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["suspected", "raided", "operating", "other"]);
    assert!(matches!(
        legend.entries[0].swatch,
        Swatch::Point {
            symbol: Symbol::Dot,
            ..
        }
    ));
}

#[test]
fn the_legend_of_graduated_sizes_shows_largest_middle_smallest_and_no_value() {
    let layer = layer(&[
        point(json!({"detained": 63})),
        point(json!({"detained": null})),
        point(json!({"detained": 5})),
    ]);
    let style = LayerStyle {
        graduated: Graduated::from_layer("detained", &layer),
        ..LayerStyle::default()
    };
    let legend = style.legend(&layer);
    assert_eq!(legend.title, "sites: size by detained");
    let labels: Vec<&str> = legend.entries.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["63", "32", "0", "no value"]);
    let radius = |i: usize| match legend.entries[i].swatch {
        Swatch::Point { radius, .. } => radius,
        other => panic!("a point swatch, not {other:?}"),
    };
    assert!(radius(0) > radius(1) && radius(1) > radius(2));
}

#[test]
fn a_single_colour_legend_counts_the_features() {
    let legend = LayerStyle::default().legend(&sites());
    assert_eq!(legend.entries.len(), 1);
    assert_eq!(legend.entries[0].label, "5 features");
    let one = layer(&[point(json!({"name": "A"}))]);
    assert_eq!(
        LayerStyle::default().legend(&one).entries[0].label,
        "1 feature"
    );
}

#[test]
fn labels_come_from_the_chosen_property() {
    let layer = sites();
    let mut style = LayerStyle::default();
    assert_eq!(style.label_of(&layer.features[0]).as_deref(), Some("A"));
    style.label = Some("status".into());
    assert_eq!(
        style.label_of(&layer.features[1]).as_deref(),
        Some("raided")
    );
    assert_eq!(style.label_of(&layer.features[3]), None);
    style.label = None;
    assert_eq!(style.label_of(&layer.features[0]), None);
}

#[test]
fn opacity_fades_colours_and_fills() {
    let style = LayerStyle {
        opacity: 0.5,
        fill_opacity: 0.5,
        ..LayerStyle::default()
    };
    let s = style.feature_style(&sites().features[0]);
    assert_eq!(s.color.0[3], 128);
    assert_eq!(s.fill.0[3], 64);
}

#[test]
fn styles_survive_a_round_trip_and_missing_fields_take_defaults() {
    let layer = sites();
    let style = LayerStyle {
        categories: Some(Categories::from_layer("status", &layer)),
        graduated: Some(Graduated {
            property: "detained".into(),
            min_value: 0.0,
            max_value: 63.0,
            min_radius: 4.0,
            max_radius: 18.0,
        }),
        symbol: Symbol::Diamond,
        ..LayerStyle::default()
    };
    let text = serde_json::to_string(&style).expect("serialises");
    assert!(text.contains("\"#1f77b4\""), "{text}");
    let back: LayerStyle = serde_json::from_str(&text).expect("reads back");
    assert_eq!(back, style);
    let partial: LayerStyle =
        serde_json::from_str(r##"{"color": "#00ff00", "symbol": "square"}"##).expect("reads");
    assert_eq!(partial.color, Rgba::rgb(0, 255, 0));
    assert_eq!(partial.symbol, Symbol::Square);
    assert_eq!(partial.point_radius, LayerStyle::default().point_radius);
    let bad = serde_json::from_str::<LayerStyle>(r#"{"color": "green"}"#);
    assert!(bad.is_err_and(|e| e.to_string().contains("not a colour")));
}

#[test]
fn layers_opened_one_after_another_differ_in_colour_and_symbol() {
    let layer = sites();
    let a = LayerStyle::nth(&layer, 0);
    let b = LayerStyle::nth(&layer, 1);
    assert_ne!(a.color, b.color);
    assert_ne!(a.symbol, b.symbol);
}

#[test]
fn numeric_keys_are_the_properties_with_a_number() {
    let layer = layer(&[
        point(json!({"name": "A", "detained": null})),
        point(json!({"name": "B", "detained": 4})),
    ]);
    assert_eq!(property_keys(&layer), ["name", "detained"]);
    assert_eq!(numeric_keys(&layer), ["detained"]);
}

#[test]
fn a_chosen_title_heads_the_legend_as_it_is() {
    let layer = sites();
    let style = LayerStyle {
        categories: Some(Categories::from_layer("status", &layer)),
        title: Some("Compounds by status".into()),
        ..LayerStyle::default()
    };
    assert_eq!(style.legend(&layer).title, "Compounds by status");
}

#[test]
fn features_without_a_size_value_are_drawn_fainter() {
    let layer = layer(&[
        point(json!({"detained": 5})),
        point(json!({"detained": null})),
    ]);
    let style = LayerStyle {
        graduated: Graduated::from_layer("detained", &layer),
        ..LayerStyle::default()
    };
    let known = style.feature_style(&layer.features[0]).color;
    let unknown = style.feature_style(&layer.features[1]).color;
    assert_eq!(known.0[3], 255);
    assert!(unknown.0[3] < 200);
}

#[test]
fn a_layer_of_lines_and_areas_has_the_swatch_of_the_more_numerous() {
    let square = |x: f64| {
        json!({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
            "coordinates": [[[x, 11.0], [x + 0.01, 11.0], [x + 0.01, 11.01], [x, 11.0]]]}})
    };
    let road = |x: f64| {
        json!({"type": "Feature", "properties": {}, "geometry": {"type": "LineString",
            "coordinates": [[x, 11.0], [x + 0.1, 11.1]]}})
    };
    let style = LayerStyle::default();
    // Building footprints with a road: an area, not a line.
    let buildings = layer(&[road(104.0), square(104.1), square(104.2)]);
    assert_eq!(swatch_of(&style, &buildings), Swatch::Area);
    let roads = layer(&[road(104.0), road(104.5), square(104.2)]);
    assert!(matches!(swatch_of(&style, &roads), Swatch::Line { .. }));
    // A point anywhere: the point symbol.
    let mixed = layer(&[square(104.1), point(json!({})), square(104.2)]);
    assert!(matches!(swatch_of(&style, &mixed), Swatch::Point { .. }));
}
