//! What the case report says, as plain data: the title page's facts, the sites with their
//! coverage, the raids, the kept measurements, the sources cited and the precision notes.
//! [`super::pdf`] lays it out; the tests read it directly.

use std::collections::BTreeSet;

use serde_json::Value;

use super::super::inputs::layer_title;
use super::super::{Scene, SourceFile};
use crate::coverage::{self, Status};
use crate::measure::{self, Units};
use crate::model::{Feature, Layer, LayerKind};
use crate::timeline::{LayerTimes, TimeField, Window};

/// The method statement printed on the title page.
pub const METHOD: &str = "Distances are geodesic, measured on the WGS84 ellipsoid with Karney's \
algorithm (GeographicLib, through the geo crate), never on a flat map. A raid covers a site when \
it took place in the time window and lies within the radius of the site, or names the site in its \
\"site\" property. Sites and raids that are not points are measured from their centroid. \
Positions marked approximate are listed at the end with their notes.";

/// The whole report.
#[derive(Debug, Clone)]
pub struct Content {
    pub title: String,
    /// When it was made (UTC), `2026-12-05 21:55 UTC`.
    pub made: String,
    pub files: Vec<SourceFile>,
    /// The shown data layers with features changed or added in raidmap since they were read.
    pub edited: Vec<EditedLayer>,
    /// Some change in the window is not saved to any file (see [`Scene::unsaved_changes`]).
    pub unsaved: bool,
    /// Only the features selected in the window are reported.
    pub selected_only: bool,
    pub window: Window,
    pub radius_m: f64,
    /// The layers the tables come from: sites and raids (`None` when there is no such layer).
    pub sites_layer: Option<String>,
    pub raids_layer: Option<String>,
    pub sites: Vec<SiteRow>,
    pub raids: Vec<RaidRow>,
    pub measurements: Vec<MeasurementRow>,
    pub sources: Vec<Source>,
    pub precision: Vec<PrecisionNote>,
}

/// A layer edited since it was read: its name and how many features were changed or added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditedLayer {
    pub layer: String,
    pub features: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SiteRow {
    pub name: String,
    pub province: String,
    /// The site's own `status` property (suspected, raided, …).
    pub status: String,
    /// `raided` or `untouched` in the window and radius; `—` without a raids layer.
    pub coverage: String,
    /// The nearest raid in the window and its distance, with its unit.
    pub nearest: Option<(String, String)>,
    pub within: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RaidRow {
    pub date: String,
    pub place: String,
    /// People detained, or `not reported`.
    pub detained: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementRow {
    pub what: String,
    /// The number with its unit.
    pub value: String,
}

/// A cited source: the same publisher, title, date and URL cited by several features is
/// listed once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Source {
    pub publisher: String,
    pub title: String,
    pub date: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionNote {
    pub feature: String,
    /// How precise the position is (`commune`, `district`, …).
    pub precision: String,
    pub note: String,
}

/// The report of a scene: sites from the first visible data layer without dates, raids from
/// the first visible data layer with dates, coverage within `radius_m` in `window`.
pub fn build(scene: &Scene, title: Option<&str>, radius_m: f64, window: Window) -> Content {
    // Each visible data layer with the field it is dated by, if any.
    let data: Vec<(&Layer, Option<TimeField>)> = scene
        .visible()
        .filter(|(_, l)| l.kind == LayerKind::Data)
        .map(|(shown, l)| (l, scene.time_field(shown.id, l)))
        .collect();
    let raids = data.iter().find(|(_, field)| field.is_some());
    let sites = data
        .iter()
        .find(|(_, field)| field.is_none())
        .map(|(l, _)| *l);
    let times = raids.and_then(|(r, field)| Some(LayerTimes::read(r, field.clone()?)));
    let raids = raids.map(|(r, _)| *r);
    let title = title
        .map(str::to_owned)
        .filter(|t| !t.trim().is_empty())
        .or_else(|| scene.default_title())
        .unwrap_or_else(|| "Case report".to_owned());
    let mut content = Content {
        title,
        made: made_now(),
        files: scene.files.clone(),
        edited: scene
            .visible()
            .filter(|(_, l)| l.kind == LayerKind::Data)
            .filter_map(|(_, l)| {
                let features = l.features.iter().filter(|f| f.is_edited()).count();
                (features > 0).then(|| EditedLayer {
                    layer: layer_title(l),
                    features,
                })
            })
            .collect(),
        unsaved: scene.unsaved_changes,
        selected_only: scene.selected_only,
        window,
        radius_m,
        sites_layer: sites.map(layer_title),
        raids_layer: raids.map(layer_title),
        sites: Vec::new(),
        raids: Vec::new(),
        measurements: Vec::new(),
        sources: Vec::new(),
        precision: Vec::new(),
    };
    if let Some(sites) = sites {
        content.sites = site_rows(sites, raids.zip(Some(times.as_ref())), radius_m, window);
    }
    if let Some(raids) = raids {
        content.raids = raid_rows(raids, times.as_ref(), window);
    }
    let mut sources = BTreeSet::new();
    for (_, layer) in scene.visible() {
        if layer.kind == LayerKind::Measurements {
            content.measurements.extend(measurement_rows(layer));
            continue;
        }
        for (i, feature) in layer.features.iter().enumerate() {
            sources.extend(feature_sources(feature));
            if let Some(note) = precision_note(feature, i) {
                content.precision.push(note);
            }
        }
    }
    content.sources = sources.into_iter().collect();
    content
}

/// The current UTC time, to the minute.
fn made_now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%d %H:%M UTC")
        .to_string()
}

/// When a data file was last modified, in UTC to the second (`2025-07-20 10:30:05 UTC`), or
/// `not known` where the file system does not say.
pub fn modified_utc(file: &SourceFile) -> String {
    file.modified
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| "not known".to_owned())
}

/// What the title page says about edits since the files were read.
pub fn edited_since(content: &Content) -> String {
    if content.edited.is_empty() {
        let unsaved = if content.unsaved {
            " (styles or the layer list were changed in the window since the last save)"
        } else {
            ""
        };
        return format!("Edited since read: no. The data shown is as it was read{unsaved}.");
    }
    let layers: Vec<String> = content
        .edited
        .iter()
        .map(|e| {
            let s = if e.features == 1 { "" } else { "s" };
            format!("{} ({} feature{s} changed or added)", e.layer, e.features)
        })
        .collect();
    let saved = if content.unsaved {
        "These edits are not saved: the SHA-256 above are of the files before them."
    } else {
        "The modification times and SHA-256 above are of the files as last saved."
    };
    format!(
        "Edited since read: yes, in raidmap: {}. The map and tables show the data as edited. {saved}",
        layers.join(", ")
    )
}

fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

fn site_rows(
    sites: &Layer,
    raids: Option<(&Layer, Option<&LayerTimes>)>,
    radius_m: f64,
    window: Window,
) -> Vec<SiteRow> {
    let coverage =
        raids.map(|(raids, times)| coverage::classify(sites, raids, times, radius_m, window));
    let basemap = crate::basemap::Basemap::embedded();
    sites
        .features
        .iter()
        .enumerate()
        .map(|(i, feature)| {
            let point = feature
                .with_geometry(|g| g.and_then(measure::representative_point))
                .map(|(p, _)| p);
            // Read without keeping the parsed objects (the sites may be a big layer).
            let (province, status) = feature.with_properties(|p| {
                let get = |k: &str| text_of(p.and_then(|p| p.get(k)));
                (get("province"), get("status"))
            });
            let province = province
                .or_else(|| {
                    let p = point?;
                    Some(basemap.province_at(p.x(), p.y())?.name.clone())
                })
                .unwrap_or_else(|| "—".to_owned());
            let answer = coverage.as_ref().and_then(|c| c.sites.get(i));
            SiteRow {
                name: feature.label_unkept(i),
                province,
                status: status.unwrap_or_else(|| "—".to_owned()),
                coverage: answer.map_or_else(
                    || "—".to_owned(),
                    |a| match a.status {
                        Status::Raided => "raided".to_owned(),
                        Status::Untouched => "untouched".to_owned(),
                    },
                ),
                nearest: answer.and_then(|a| {
                    let n = a.nearest.as_ref()?;
                    Some((n.label.clone(), measure::format_distance(n.distance_m)))
                }),
                within: answer.map_or(0, |a| a.raids_within),
            }
        })
        .collect()
}

fn raid_rows(raids: &Layer, times: Option<&LayerTimes>, window: Window) -> Vec<RaidRow> {
    let mut rows: Vec<(Option<i64>, RaidRow)> = raids
        .features
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            window.is_unbounded()
                || times
                    .and_then(|t| t.when(*i))
                    .is_some_and(|w| window.contains(&w))
        })
        .map(|(i, feature)| {
            let when = times.and_then(|t| t.when(i));
            let date = times
                .and_then(|t| t.field.text(feature))
                .unwrap_or_else(|| "undated".to_owned());
            // Read without keeping the parsed objects (the raids may be a big layer).
            let (place, detained) = feature.with_properties(|p| {
                let get = |k: &str| p.and_then(|p| p.get(k));
                let place = [
                    text_of(get("site")).or_else(|| Some(feature.label_unkept(i))),
                    text_of(get("district")),
                    text_of(get("province")),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
                let detained = match get("detained") {
                    Some(Value::Number(n)) => format!("{} people", n),
                    Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
                    _ => "not reported".to_owned(),
                };
                (place, detained)
            });
            (
                when.map(|w| w.first_s),
                RaidRow {
                    date,
                    place,
                    detained,
                },
            )
        })
        .collect();
    rows.sort_by_key(|(first, _)| first.unwrap_or(i64::MAX));
    rows.into_iter().map(|(_, row)| row).collect()
}

fn measurement_rows(layer: &Layer) -> Vec<MeasurementRow> {
    layer
        .features
        .iter()
        .enumerate()
        .filter_map(|(i, feature)| {
            let value = measure::measurement_label(feature, Units::Metric)?;
            let what = text_of(feature.property("name"))
                .or_else(|| {
                    let from = text_of(feature.property("from"))?;
                    let to = text_of(feature.property("to"))?;
                    Some(format!("{from} to {to}"))
                })
                .or_else(|| text_of(feature.property("of")))
                .unwrap_or_else(|| feature.label(i));
            Some(MeasurementRow { what, value })
        })
        .collect()
}

/// The feature's `sources` (a list of objects with publisher, title, published or date, url),
/// or a single `source` text or object.
fn feature_sources(feature: &Feature) -> Vec<Source> {
    let one = |v: &Value| -> Option<Source> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(Source {
                publisher: String::new(),
                title: s.trim().to_owned(),
                date: String::new(),
                url: String::new(),
            }),
            Value::Object(o) => {
                let get = |keys: &[&str]| {
                    keys.iter()
                        .find_map(|k| text_of(o.get(*k)))
                        .unwrap_or_default()
                };
                let source = Source {
                    publisher: get(&["publisher", "outlet"]),
                    title: get(&["title", "headline"]),
                    date: get(&["published", "date"]),
                    url: get(&["url", "link", "href"]),
                };
                (!(source.publisher.is_empty() && source.title.is_empty() && source.url.is_empty()))
                    .then_some(source)
            }
            _ => None,
        }
    };
    match feature
        .property("sources")
        .or_else(|| feature.property("source"))
    {
        Some(Value::Array(list)) => list.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// A position given as approximate: `location_precision` other than exact/surveyed, or a
/// `coordinates_note`.
fn precision_note(feature: &Feature, index: usize) -> Option<PrecisionNote> {
    let precision = text_of(feature.property("location_precision"));
    let note = text_of(feature.property("coordinates_note"));
    let exact = precision
        .as_deref()
        .is_some_and(|p| matches!(p.to_lowercase().as_str(), "exact" | "surveyed" | "gps"));
    if (precision.is_none() && note.is_none()) || (exact && note.is_none()) {
        return None;
    }
    Some(PrecisionNote {
        feature: feature.label(index),
        precision: precision.unwrap_or_else(|| "not given".to_owned()),
        note: note.unwrap_or_default(),
    })
}
