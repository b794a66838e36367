//! One place to all others: the geodesic distance and initial bearing from an origin to every
//! feature of the given layers, sorted, filtered and written as CSV or TSV.
//!
//! Features are measured where [`representative_point`] puts them (a point as it is, anything
//! else from its centroid); features without geometry cannot be measured and are listed apart.
//! [`Targets`] is built once per set of layers and reused for every origin, so a new origin
//! costs one inverse geodesic per target (about 1 µs each; see `benches/one_to_all.rs`).

use std::cmp::Ordering;

use geo::Point;
use serde_json::Value;

use super::{Units, distance_and_bearing, representative_point};
use crate::model::{FeatureRef, Layer, LayerId};

/// A feature that can be measured to.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub feature: FeatureRef,
    /// The name of the feature's layer.
    pub layer_name: String,
    /// The feature's `name`, else its `id`, else `#index`.
    pub label: String,
    /// The feature's `id` member as it is in the file (string or number), if any.
    pub id: Option<Value>,
    /// Where it is measured: the point, or the centroid of another geometry.
    pub point: Point<f64>,
    /// True when `point` is a centroid.
    pub from_centroid: bool,
}

/// A feature that was left out because it has no geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmeasurable {
    pub feature: FeatureRef,
    pub layer_name: String,
    pub label: String,
    pub id: Option<Value>,
}

/// Every feature of some layers, ready to be measured to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Targets {
    /// Measurable features, layer by layer in the given order, each in feature order.
    pub targets: Vec<Target>,
    /// Features with `"geometry": null` (or an empty geometry), which have no position.
    pub without_geometry: Vec<Unmeasurable>,
}

impl Targets {
    /// Collect the features of `layers`.
    pub fn collect(layers: &[(LayerId, &Layer)]) -> Self {
        let mut out = Self::default();
        for (layer_id, layer) in layers {
            for (index, feature) in layer.features.iter().enumerate() {
                let feature_ref = FeatureRef {
                    layer: *layer_id,
                    index,
                };
                // Read without keeping: every feature of the layers is looked at.
                let label = feature.label_unkept(index);
                let id = feature.id_unkept();
                match feature.with_geometry(|g| g.and_then(representative_point)) {
                    Some((point, from_centroid)) => out.targets.push(Target {
                        feature: feature_ref,
                        layer_name: layer.name.clone(),
                        label,
                        id,
                        point,
                        from_centroid,
                    }),
                    None => out.without_geometry.push(Unmeasurable {
                        feature: feature_ref,
                        layer_name: layer.name.clone(),
                        label,
                        id,
                    }),
                }
            }
        }
        out
    }
}

/// One line of the table: which target, how far, which way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// Index into [`Targets::targets`].
    pub target: usize,
    pub distance_m: f64,
    /// Initial bearing from the origin, degrees clockwise from north in `[0, 360)`.
    pub bearing_deg: f64,
}

/// Distance and bearing from `origin` to every target for which `keep` is true, except the
/// feature `exclude` (the origin itself), sorted by distance ascending (ties in target order).
pub fn one_to_all(
    origin: Point<f64>,
    targets: &[Target],
    exclude: Option<FeatureRef>,
    keep: impl Fn(&Target) -> bool,
) -> Vec<Row> {
    let mut rows: Vec<Row> = targets
        .iter()
        .enumerate()
        .filter(|(_, t)| Some(t.feature) != exclude && keep(t))
        .map(|(i, t)| {
            let (distance_m, bearing_deg) = distance_and_bearing(origin, t.point);
            Row {
                target: i,
                distance_m,
                bearing_deg,
            }
        })
        .collect();
    sort_rows(&mut rows, targets, SortKey::Distance, false);
    rows
}

/// A column to sort the table by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    Label,
    Layer,
    Distance,
    Bearing,
}

/// Sort rows by a column, ascending or descending; equal rows are in target order either way,
/// so the result never depends on the order before.
pub fn sort_rows(rows: &mut [Row], targets: &[Target], key: SortKey, descending: bool) {
    let order = |o: Ordering| if descending { o.reverse() } else { o };
    match key {
        // Text keys are lower-cased once per row, not once per comparison.
        SortKey::Label | SortKey::Layer => {
            let text = |r: &Row| {
                targets
                    .get(r.target)
                    .map_or_else(String::new, |t| match key {
                        SortKey::Layer => t.layer_name.clone(),
                        _ => t.label.to_lowercase(),
                    })
            };
            let mut keyed: Vec<(String, Row)> = rows.iter().map(|r| (text(r), *r)).collect();
            keyed.sort_by(|(ta, a), (tb, b)| {
                let primary = ta.cmp(tb);
                // Within a layer, nearest first.
                let primary = if key == SortKey::Layer {
                    primary.then(a.distance_m.total_cmp(&b.distance_m))
                } else {
                    primary
                };
                order(primary).then(a.target.cmp(&b.target))
            });
            for (slot, (_, row)) in rows.iter_mut().zip(keyed) {
                *slot = row;
            }
        }
        SortKey::Distance => rows.sort_by(|a, b| {
            order(a.distance_m.total_cmp(&b.distance_m)).then(a.target.cmp(&b.target))
        }),
        SortKey::Bearing => rows.sort_by(|a, b| {
            order(a.bearing_deg.total_cmp(&b.bearing_deg)).then(a.target.cmp(&b.target))
        }),
    }
}

/// The `id` as a table shows it: strings without quotes, numbers as written, empty if absent.
pub fn id_text(id: Option<&Value>) -> String {
    match id {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The rows as delimited text with a header line: `label, id, layer, distance_m,
/// distance_<unit>, bearing_deg` (metres always, plus the chosen unit). `separator` is `','`
/// for CSV (RFC 4180 quoting) or `'\t'` for TSV (fields holding a tab, a newline or a quote
/// are quoted the same way, which spreadsheets accept).
pub fn to_delimited(rows: &[Row], targets: &[Target], units: Units, separator: char) -> String {
    let sep = separator.to_string();
    let long = units.long_unit();
    let mut out = ["label", "id", "layer", "distance_m"]
        .into_iter()
        .map(str::to_owned)
        .chain([format!("distance_{long}"), "bearing_deg".to_owned()])
        .collect::<Vec<_>>()
        .join(&sep);
    out.push('\n');
    for row in rows {
        let Some(t) = targets.get(row.target) else {
            continue;
        };
        let fields = [
            t.label.clone(),
            id_text(t.id.as_ref()),
            t.layer_name.clone(),
            format!("{:.3}", row.distance_m),
            format!("{:.6}", units.in_long_unit(row.distance_m)),
            format!("{:.4}", row.bearing_deg),
        ];
        let line: Vec<String> = fields.iter().map(|f| quote(f, separator)).collect();
        out.push_str(&line.join(&sep));
        out.push('\n');
    }
    out
}

/// Quote a field if it holds the separator, a quote, a line break or outer spaces.
pub fn quote(field: &str, separator: char) -> String {
    let needs = field.contains(separator)
        || field.contains('"')
        || field.contains('\n')
        || field.contains('\r')
        || field.starts_with(' ')
        || field.ends_with(' ');
    if needs {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_str;
    use crate::measure::distance_m;

    fn layer() -> Layer {
        read_str(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"mp","geometry":{"type":"Point","coordinates":[104.66,11.262]},"properties":{"name":"Mango Park"}},
            {"type":"Feature","id":2,"geometry":{"type":"Point","coordinates":[104.716,11.202]},"properties":{"name":"Mango Park 2"}},
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[102,13],[103,13],[103,14],[102,14],[102,13]]]},"properties":{"name":"Block, \"north\""}},
            {"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[102.563,13.659]},"properties":{}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.893,11.583]},"properties":null},
            {"type":"Feature","geometry":null,"properties":{"name":"somewhere"}}]}"#,
            "sites.geojson",
        )
        .expect("valid test layer")
    }

    #[test]
    fn features_without_geometry_are_listed_apart_and_labels_fall_back_to_id_then_index() {
        let l = layer();
        let t = Targets::collect(&[(LayerId(0), &l)]);
        let labels: Vec<&str> = t.targets.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Mango Park", "Mango Park 2", "Block, \"north\"", "7", "#4"]
        );
        assert_eq!(t.without_geometry.len(), 1);
        assert_eq!(t.without_geometry[0].label, "somewhere");
        assert!(t.targets[2].from_centroid);
        assert_eq!(t.targets[2].point, Point::new(102.5, 13.5));
        assert_eq!(t.targets[1].id, Some(serde_json::json!(2)));
    }

    #[test]
    fn the_table_is_sorted_by_distance_and_leaves_the_origin_out() {
        let l = layer();
        let t = Targets::collect(&[(LayerId(0), &l)]);
        let origin = t.targets[0].clone();
        let rows = one_to_all(origin.point, &t.targets, Some(origin.feature), |_| true);
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|r| r.target != 0));
        assert_eq!(rows[0].target, 1, "Mango Park 2 is the nearest");
        assert!(rows.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
        for r in &rows {
            let d = distance_m(origin.point, t.targets[r.target].point);
            assert_eq!(r.distance_m, d);
        }
    }

    #[test]
    fn a_filter_keeps_only_the_targets_it_accepts() {
        let l = layer();
        let t = Targets::collect(&[(LayerId(0), &l)]);
        let rows = one_to_all(Point::new(104.0, 11.0), &t.targets, None, |t| {
            !t.from_centroid
        });
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|r| r.target != 2));
    }

    #[test]
    fn sorting_by_any_column_in_either_direction_is_total() {
        let l = layer();
        let t = Targets::collect(&[(LayerId(0), &l)]);
        let mut rows = one_to_all(Point::new(104.0, 11.0), &t.targets, None, |_| true);
        sort_rows(&mut rows, &t.targets, SortKey::Bearing, true);
        assert!(
            rows.windows(2)
                .all(|w| w[0].bearing_deg >= w[1].bearing_deg)
        );
        sort_rows(&mut rows, &t.targets, SortKey::Label, false);
        let labels: Vec<&str> = rows
            .iter()
            .map(|r| t.targets[r.target].label.as_str())
            .collect();
        assert_eq!(
            labels,
            ["#4", "7", "Block, \"north\"", "Mango Park", "Mango Park 2"]
        );
        sort_rows(&mut rows, &t.targets, SortKey::Distance, true);
        assert!(rows.windows(2).all(|w| w[0].distance_m >= w[1].distance_m));
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_tsv_uses_tabs() {
        let l = layer();
        let t = Targets::collect(&[(LayerId(0), &l)]);
        let origin = t.targets[0].point;
        let rows = one_to_all(origin, &t.targets, Some(t.targets[0].feature), |t| {
            t.from_centroid
        });
        let csv = to_delimited(&rows, &t.targets, Units::Nautical, ',');
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("label,id,layer,distance_m,distance_nmi,bearing_deg")
        );
        let line = lines.next().expect("one row");
        assert!(
            line.starts_with("\"Block, \"\"north\"\"\",,sites.geojson,"),
            "{line}"
        );
        let tsv = to_delimited(&rows, &t.targets, Units::Metric, '\t');
        assert!(tsv.starts_with("label\tid\tlayer\tdistance_m\tdistance_km\tbearing_deg\n"));
        assert!(tsv.contains("Block, \"\"north\"\"") && tsv.contains("\tsites.geojson\t"));
    }
}
