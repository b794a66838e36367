//! The web map: one self-contained HTML file that opens from a USB stick or an e-mail
//! attachment with no network at all. It holds the data (each feature with its style, date
//! and label worked out here, by the same code as the window), the offline basemap (the
//! app's layers and labels, coordinates rounded to 1e-4° ≈ 11 m), the legend, the kept
//! measurements and the credits, and Leaflet 1.9.4 (BSD-2-Clause, from npm, in `leaflet/`)
//! with our page script (`app.js`): pan and zoom, click for properties, search by name, the
//! timeline slider.
//!
//! Nothing in the page refers to anything outside it: no URL is loaded (the CSS's image
//! references are removed while inlining), and the tests open it in headless Chromium and
//! check that no request is made.

use serde_json::{Map, Value, json};

use super::Output;
use super::Scene;
use crate::basemap::{self, LabelKind};
use crate::io::AtomicWriteError;
use crate::measure::{self, Units};
use crate::model::{Feature, Layer, LayerKind};
use crate::style::{Rgba, Swatch, Symbol};
use crate::timeline::Window;

const LEAFLET_JS: &str = include_str!("leaflet/leaflet.js");
const LEAFLET_CSS: &str = include_str!("leaflet/leaflet.css");
const LEAFLET_LICENSE: &str = include_str!("leaflet/LICENSE");
const PAGE: &str = include_str!("page.html");
const APP_JS: &str = include_str!("app.js");
const APP_CSS: &str = include_str!("app.css");

/// Decimal places kept in basemap coordinates (1e-4° is about 11 m).
const BASEMAP_DECIMALS: i32 = 4;

/// What the page shows besides the scene.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `None`: the layers' names.
    pub title: Option<String>,
}

/// Write the web map of `scene` to `out` atomically (sealed when `out` says so); returns its
/// size in bytes (before sealing).
pub fn write_webmap(
    scene: &Scene,
    options: &Options,
    out: Output<'_>,
) -> Result<usize, AtomicWriteError> {
    let page = page(scene, options);
    out.write(page.as_bytes())?;
    Ok(page.len())
}

/// The whole page.
pub fn page(scene: &Scene, options: &Options) -> String {
    let title = options
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| scene.default_title())
        .unwrap_or_else(|| "raidmap".to_owned());
    let data = page_data(scene, &title);
    // Inside <script>, `</` could end the element: JSON allows `<\/` for it.
    let data = data.to_string().replace("</", "<\\/");
    let leaflet_js = LEAFLET_JS.replace("//# sourceMappingURL=leaflet.js.map", "");
    let leaflet_css = LEAFLET_CSS
        .replace("url(images/layers.png)", "none")
        .replace("url(images/layers-2x.png)", "none")
        .replace("url(images/marker-icon.png)", "none");
    fill(
        PAGE,
        &[
            ("title", &html_escape(&title)),
            ("leaflet_license", &LEAFLET_LICENSE.replace("--", "- -")),
            ("leaflet_css", &leaflet_css),
            ("app_css", APP_CSS),
            ("leaflet_js", &leaflet_js),
            ("app_js", APP_JS),
            ("data", &data),
        ],
    )
}

/// The template with each `{{name}}` replaced, in one pass (a value holding `{{…}}`, such as a
/// title, is left as it is).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").and_then(|end| {
            let name = &after[..end];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (end, *v))
        }) {
            Some((end, value)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn hex(color: Rgba) -> String {
    let [r, g, b, _] = color.0;
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn opacity(color: Rgba) -> f64 {
    (f64::from(color.0[3]) / 255.0 * 1000.0).round() / 1000.0
}

fn symbol_name(symbol: Symbol) -> &'static str {
    match symbol {
        Symbol::Dot => "dot",
        Symbol::Ring => "ring",
        Symbol::Diamond => "diamond",
        Symbol::Square => "square",
        Symbol::Triangle => "triangle",
    }
}

/// The JSON the page script reads.
fn page_data(scene: &Scene, title: &str) -> Value {
    let times = scene.times();
    let mut layers = Vec::new();
    for (shown, layer) in scene.visible() {
        layers.push(layer_data(layer, &shown.style, times.get(&shown.id)));
    }
    let timeline = Scene::date_extent(&times).map(|(first, last)| {
        let Window { from, to } = scene.window;
        json!({
            "first": first.0,
            "last": last.0,
            "from": from.map_or(first.0, |d| d.0.clamp(first.0, last.0)),
            "to": to.map_or(last.0, |d| d.0.clamp(first.0, last.0)),
        })
    });
    let bounds = scene
        .visible()
        .filter_map(|(_, l)| l.bbox())
        .reduce(|a, b| crate::model::union(&a, &b))
        .map(|r| json!([r.min().x, r.min().y, r.max().x, r.max().y]));
    let palette: Map<String, Value> = super::draw::basemap_palette()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), Value::String(v)))
        .collect();
    json!({
        "title": title,
        "credits": format!("{} Map: raidmap; Leaflet (BSD-2-Clause).", basemap::ATTRIBUTION),
        "palette": palette,
        "basemap": basemap_data(),
        "layers": layers,
        "timeline": timeline,
        "bounds": bounds,
    })
}

fn layer_data(
    layer: &Layer,
    style: &crate::style::LayerStyle,
    times: Option<&crate::timeline::LayerTimes>,
) -> Value {
    let legend = style.legend(layer);
    let legend_entries: Vec<Value> = legend
        .entries
        .iter()
        .map(|e| {
            let swatch = match e.swatch {
                Swatch::Point { symbol, radius } => {
                    json!({"kind": "point", "symbol": symbol_name(symbol), "radius": radius})
                }
                Swatch::Line { width } => json!({"kind": "line", "width": width}),
                Swatch::Area => json!({"kind": "area"}),
            };
            json!({"label": e.label, "color": hex(e.color), "opacity": opacity(e.color), "swatch": swatch})
        })
        .collect();
    let measurements = layer.kind == LayerKind::Measurements;
    let features: Vec<Value> = layer
        .features
        .iter()
        .enumerate()
        .filter_map(|(i, feature)| {
            // Read without keeping: publishing a layer of 300,000 buildings must not leave
            // each holding its parsed geometry and object.
            let geometry = feature.with_geometry(|g| g.map(geojson::Geometry::from))?;
            let fs = style.feature_style(feature);
            let when = times
                .and_then(|t| t.when(i))
                .map(|w| json!([w.first_day().0, w.last_day().0]));
            let label = if measurements {
                measure::measurement_label(feature, Units::Metric)
            } else {
                style
                    .label
                    .as_deref()
                    .and_then(|key| feature.with_properties(|p| p?.get(key).and_then(value_text)))
            };
            Some(json!({
                "name": feature_name(feature, i),
                "geometry": geometry,
                "properties": feature.with_properties(|p| p.cloned().map_or(Value::Null, Value::Object)),
                "style": {
                    "color": hex(fs.color),
                    "opacity": opacity(fs.color),
                    "fill": hex(fs.fill),
                    "fill_opacity": opacity(fs.fill),
                    "symbol": symbol_name(fs.symbol),
                    "radius": fs.radius,
                    "width": fs.line_width,
                },
                "dated": times.is_some(),
                "when": when,
                "label": label,
            }))
        })
        .collect();
    json!({
        "name": layer.name,
        "title": legend.title,
        "kind": if measurements { "measurements" } else { "data" },
        "legend": legend_entries,
        "features": features,
    })
}

/// The name searched and shown as a popup's heading.
fn feature_name(feature: &Feature, index: usize) -> String {
    feature.label_unkept(index)
}

fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The basemap's layers (properties dropped except what the page styles by) and labels.
fn basemap_data() -> Value {
    use basemap::embedded::{
        COASTLINE, COUNTRIES, COUNTRY_BORDERS, LAKES, LAND, PROVINCE_BORDERS, RIVERS,
    };
    let mut layers = Map::new();
    for (key, file, keep) in [
        ("land", LAND, &[][..]),
        ("countries", COUNTRIES, &["iso_a3"][..]),
        ("lakes", LAKES, &[][..]),
        ("province_borders", PROVINCE_BORDERS, &[][..]),
        ("rivers", RIVERS, &["gshhg_level"][..]),
        ("coastline", COASTLINE, &[][..]),
        ("country_borders", COUNTRY_BORDERS, &[][..]),
    ] {
        layers.insert(key.to_owned(), slim_layer(file.text, keep));
    }
    let map = basemap::Basemap::embedded();
    let labels: Vec<Value> = map
        .labels
        .iter()
        .map(|label| {
            let (lon, lat) = crate::mercator::world_to_lon_lat(label.world);
            let kind = match label.kind {
                LabelKind::Capital => "capital",
                LabelKind::Town { in_cambodia: true } => "town",
                LabelKind::Town { in_cambodia: false } => "town-neighbour",
                LabelKind::Province => "province",
                LabelKind::Country { .. } => "country",
                LabelKind::Water => "water",
            };
            json!({
                "text": label.text,
                "kind": kind,
                "at": [round(lat, BASEMAP_DECIMALS), round(lon, BASEMAP_DECIMALS)],
                "min_zoom": label.min_zoom,
                "max_zoom": if label.max_zoom.is_finite() { json!(label.max_zoom) } else { Value::Null },
            })
        })
        .collect();
    layers.insert("labels".to_owned(), Value::Array(labels));
    Value::Object(layers)
}

fn round(v: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    (v * k).round() / k
}

/// A basemap layer as GeoJSON with coordinates rounded and only `keep` properties.
fn slim_layer(text: &str, keep: &[&str]) -> Value {
    let Ok(mut value) = serde_json::from_str::<Value>(text) else {
        return json!({"type": "FeatureCollection", "features": []});
    };
    if let Some(features) = value.get_mut("features").and_then(Value::as_array_mut) {
        for feature in features {
            if let Some(props) = feature.get_mut("properties").and_then(Value::as_object_mut) {
                props.retain(|k, _| keep.contains(&k.as_str()));
            }
            if let Some(coords) = feature
                .get_mut("geometry")
                .and_then(|g| g.get_mut("coordinates"))
            {
                round_coordinates(coords);
            }
        }
    }
    value
}

fn round_coordinates(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(round_coordinates),
        Value::Number(n) => {
            if let Some(v) = n.as_f64()
                && let Some(r) = serde_json::Number::from_f64(round(v, BASEMAP_DECIMALS))
            {
                *n = r;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_filled_once_and_values_are_not_read_as_placeholders() {
        assert_eq!(
            fill("a {{x}} b {{y}} {{z}}", &[("x", "{{y}}"), ("y", "2")]),
            "a {{y}} b 2 {{z}}"
        );
    }

    #[test]
    fn data_cannot_close_the_script_or_inject_markup() {
        let layer = crate::io::read_str(
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[104.9,11.5]},"properties":{"name":"</script><script>alert(1)</script>"}}]}"#,
            "evil.geojson",
        )
        .expect("a layer");
        let mut scene = Scene::default();
        let id = scene.doc.add_layer(layer);
        scene.shown.push(super::super::Shown {
            id,
            visible: true,
            style: crate::style::LayerStyle::default(),
        });
        let page = page(
            &scene,
            &Options {
                title: Some("<b>T</b>".into()),
            },
        );
        assert!(!page.contains("</script><script>alert"));
        assert!(page.contains("<\\/script><script>alert(1)<\\/script>"));
        assert!(page.contains("<title>&lt;b&gt;T&lt;/b&gt;</title>"));
    }

    #[test]
    fn the_basemap_is_small_and_rounded() {
        let basemap = basemap_data().to_string();
        assert!(basemap.len() < 1_200_000, "{} bytes", basemap.len());
        assert!(basemap.contains("Phnom Penh"));
        assert!(!basemap.contains("104.91601"), "rounded to 4 decimals");
    }
}
