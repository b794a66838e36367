//! The coverage question: which sites did a raid come near in a window of days, and which were
//! left untouched.
//!
//! Rules ([`classify`]):
//! - A raid takes part when it is in the window (see [`Window::contains`]); with no window
//!   every raid takes part, dated or not. With a window, a raid whose date cannot be read takes
//!   no part and is listed in [`Coverage::raids_undated`].
//! - A site is [`Status::Raided`] when a raid that takes part lies within the radius
//!   (geodesic, WGS84, `d ≤ R`) or names it in its `site` property (a text, or a list of texts,
//!   equal to the site's `name` or its `id`, ignoring case and surrounding spaces); else it is
//!   [`Status::Untouched`].
//! - Each site gets the nearest raid that takes part, with its geodesic distance, and the
//!   number of those raids within the radius.
//! - Sites and raids that are not points stand at their centroid
//!   ([`measure::representative_point`]); a site without a geometry can only be matched by
//!   name, and a raid without one only names sites: both are listed.
//!
//! Distances come from an R-tree search in a box proven to hold the geodesic circle, then the
//! exact geodesic distance ([`index`]), so 10,000 raids × 2,000 sites take a few milliseconds.

pub mod index;

use std::collections::HashMap;

use geo::Point;
use serde_json::{Map, Value, json};

use crate::measure;
use crate::model::{Layer, Root};
use crate::timeline::{LayerTimes, Window};
use index::PointIndex;

/// Whether a raid came near a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Raided,
    Untouched,
}

impl Status {
    /// `raided` or `untouched`, as written in JSON, CSV and GeoJSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Raided => "raided",
            Status::Untouched => "untouched",
        }
    }
}

/// The nearest raid to a site.
#[derive(Debug, Clone, PartialEq)]
pub struct NearestRaid {
    /// Index of the raid in its layer.
    pub raid: usize,
    pub label: String,
    /// The raid's date as written (`None` if it has none or no time field is used).
    pub date: Option<String>,
    pub distance_m: f64,
}

/// One site's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteCoverage {
    /// Index of the site in its layer.
    pub site: usize,
    /// `name`, else `id`, else `#index` (as [`crate::model::Feature::label`]).
    pub label: String,
    /// The feature's `id` member with its type, if any.
    pub id: Option<Value>,
    pub status: Status,
    pub nearest: Option<NearestRaid>,
    /// Raids taking part within the radius.
    pub raids_within: usize,
    /// Raids taking part that name this site in their `site` property.
    pub named_by: Vec<usize>,
    /// The point the site was measured from; `None` for a site without a geometry.
    pub point: Option<Point<f64>>,
    /// Whether `point` is a centroid (the site is not a point).
    pub from_centroid: bool,
}

/// The answer for every site, and what could not take part.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub radius_m: f64,
    pub window: Window,
    /// In the order of the site layer.
    pub sites: Vec<SiteCoverage>,
    /// Raids that took part (in the window).
    pub raids_in_window: usize,
    /// Raids left out because their date cannot be read while a window is set.
    pub raids_undated: Vec<usize>,
    /// Raids in the window without a geometry: they count only through their `site` names.
    pub raids_without_position: Vec<usize>,
}

impl Coverage {
    /// How many sites have this status.
    pub fn count(&self, status: Status) -> usize {
        self.sites.iter().filter(|s| s.status == status).count()
    }

    /// Sites without a geometry, classified by name only.
    pub fn sites_without_position(&self) -> impl Iterator<Item = &SiteCoverage> {
        self.sites.iter().filter(|s| s.point.is_none())
    }
}

/// Classify every feature of `sites` against the raids of `raids` taking part in `window`
/// (dated by `times`, which must have been read from `raids`; `None` when the raids have no
/// time field, in which case only an unbounded window lets them take part).
pub fn classify(
    sites: &Layer,
    raids: &Layer,
    times: Option<&LayerTimes>,
    radius_m: f64,
    window: Window,
) -> Coverage {
    let mut raids_undated = Vec::new();
    let taking_part: Vec<usize> = (0..raids.features.len())
        .filter(|&i| {
            if window.is_unbounded() {
                return true;
            }
            match times.and_then(|t| t.when(i)) {
                Some(when) => window.contains(&when),
                None => {
                    raids_undated.push(i);
                    false
                }
            }
        })
        .collect();

    let mut raids_without_position = Vec::new();
    let mut points = Vec::with_capacity(taking_part.len());
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for &i in &taking_part {
        let raid = &raids.features[i];
        // Read without keeping: the raids or sites may be a big layer.
        match raid.with_geometry(|g| g.and_then(measure::representative_point)) {
            Some((p, _)) => points.push((i, p)),
            None => raids_without_position.push(i),
        }
        for name in raid.with_properties(|p| named_sites(p.and_then(|p| p.get("site")))) {
            by_name.entry(name).or_default().push(i);
        }
    }
    let index = PointIndex::new(points);

    let raid_date = |i: usize| times.and_then(|t| t.field.text(&raids.features[i]));
    let sites = sites
        .features
        .iter()
        .enumerate()
        .map(|(site, f)| {
            let mut named_by: Vec<usize> = [f.name_unkept(), f.id_text_unkept()]
                .into_iter()
                .flatten()
                .filter_map(|key| by_name.get(&fold(&key)))
                .flatten()
                .copied()
                .collect();
            named_by.sort_unstable();
            named_by.dedup();
            let placed = f.with_geometry(|g| g.and_then(measure::representative_point));
            let (within, nearest) = match placed {
                Some((p, _)) => index.near(p, radius_m),
                None => (Vec::new(), None),
            };
            let status = if within.is_empty() && named_by.is_empty() {
                Status::Untouched
            } else {
                Status::Raided
            };
            SiteCoverage {
                site,
                label: f.label_unkept(site),
                id: f.id_unkept(),
                status,
                nearest: nearest.map(|n| NearestRaid {
                    raid: n.id,
                    label: raids.features[n.id].label_unkept(n.id),
                    date: raid_date(n.id),
                    distance_m: n.distance_m,
                }),
                raids_within: within.len(),
                named_by,
                point: placed.map(|(p, _)| p),
                from_centroid: placed.is_some_and(|(_, c)| c),
            }
        })
        .collect();
    Coverage {
        radius_m,
        window,
        sites,
        raids_in_window: taking_part.len(),
        raids_undated,
        raids_without_position,
    }
}

/// The site names a raid's `site` property gives: a text or a list of texts (numbers count as
/// their text, so `"site": 7` names the site with `"id": 7`).
fn named_sites(value: Option<&Value>) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) if !s.trim().is_empty() => Some(fold(s)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// How names are compared: surrounding spaces removed, case ignored.
fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The JSON value of a window: `{"from": "2025-07-14"|null, "to": …}`.
pub fn window_json(window: &Window) -> Value {
    json!({
        "from": window.from.map(|d| d.to_string()),
        "to": window.to.map(|d| d.to_string()),
    })
}

/// A copy of the site layer with each site's answer added to its properties:
/// `coverage_status` (`"raided"`/`"untouched"`), `nearest_raid` (the raid's label, or null)
/// and `nearest_raid_distance_m` (metres, geodesic, or null). Everything else of every feature
/// is kept; a FeatureCollection also gets a foreign member `raidmap_coverage` saying how the
/// answer was made (radius, window, method), so the file explains itself.
pub fn annotate(sites: &Layer, coverage: &Coverage) -> Layer {
    let mut out = sites.clone();
    for answer in &coverage.sites {
        let Some(f) = out.features.get_mut(answer.site) else {
            continue;
        };
        f.set_property("coverage_status", json!(answer.status.as_str()));
        f.set_property(
            "nearest_raid",
            answer
                .nearest
                .as_ref()
                .map_or(Value::Null, |n| json!(n.label)),
        );
        f.set_property(
            "nearest_raid_distance_m",
            answer
                .nearest
                .as_ref()
                .map_or(Value::Null, |n| json!(n.distance_m)),
        );
    }
    if let Root::FeatureCollection { members, .. } = &mut out.root {
        let mut about = Map::new();
        about.insert("radius_m".into(), json!(coverage.radius_m));
        about.insert("window".into(), window_json(&coverage.window));
        about.insert("method".into(), json!(measure::METHOD));
        members.insert("raidmap_coverage".into(), Value::Object(about));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_str;
    use crate::timeline::{Day, TimeField};
    use geo::{Destination, Geodesic};

    fn layer(features: &[String]) -> Layer {
        read_str(
            &format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                features.join(",")
            ),
            "t.geojson",
        )
        .expect("valid test layer")
    }

    fn point(p: Point<f64>, props: &str) -> String {
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{},{}]}},"properties":{props}}}"#,
            p.x(),
            p.y()
        )
    }

    fn day(text: &str) -> Day {
        Day::parse_bound(text, false).expect("a day")
    }

    fn july() -> Window {
        Window::days(day("2025-07-14"), day("2025-07-16"))
    }

    fn run(sites: &Layer, raids: &Layer, radius_m: f64, window: Window) -> Coverage {
        let times = LayerTimes::read(raids, TimeField::Single("date".into()));
        classify(sites, raids, Some(&times), radius_m, window)
    }

    const SITE: Point<f64> = Point(geo::Coord {
        x: 104.716,
        y: 11.202,
    });

    #[test]
    fn a_raid_in_the_window_within_the_radius_makes_a_site_raided() {
        let near = Geodesic.destination(SITE, 45.0, 4_000.0);
        let sites = layer(&[point(SITE, r#"{"name":"Mango Park 2"}"#)]);
        let raids = layer(&[point(near, r#"{"name":"r","date":"2025-07-15"}"#)]);
        let c = run(&sites, &raids, 5_000.0, july());
        assert_eq!(c.sites[0].status, Status::Raided);
        assert_eq!(c.sites[0].raids_within, 1);
        let n = c.sites[0].nearest.as_ref().expect("a nearest raid");
        assert!((n.distance_m - 4_000.0).abs() < 1e-6, "{}", n.distance_m);
        assert_eq!(n.date.as_deref(), Some("2025-07-15"));
        // The same raid outside the window does not count and is not the nearest.
        let c = run(
            &sites,
            &raids,
            5_000.0,
            Window::days(day("2025-07-16"), day("2025-07-31")),
        );
        assert_eq!(c.sites[0].status, Status::Untouched);
        assert_eq!(c.sites[0].nearest, None);
    }

    #[test]
    fn the_radius_boundary_is_inclusive() {
        let at = Geodesic.destination(SITE, 200.0, 5_000.0);
        let sites = layer(&[point(SITE, r#"{"name":"s"}"#)]);
        let raids = layer(&[point(at, r#"{"date":"2025-07-15"}"#)]);
        let d = measure::distance_m(SITE, at);
        assert_eq!(
            run(&sites, &raids, d, july()).sites[0].status,
            Status::Raided
        );
        let just_short = d * (1.0 - 1e-9);
        let c = run(&sites, &raids, just_short, july());
        assert_eq!(c.sites[0].status, Status::Untouched);
        assert_eq!(c.sites[0].raids_within, 0);
        assert!(c.sites[0].nearest.is_some(), "still the nearest raid");
    }

    #[test]
    fn a_raid_that_names_a_site_by_name_or_id_makes_it_raided_at_any_distance() {
        let far = Point::new(102.563, 13.659);
        let sites = layer(&[
            r#"{"type":"Feature","id":"KH-S-002","geometry":null,"properties":{"name":"Mango Park 2"}}"#.to_string(),
            point(SITE, r#"{"name":"Mango Park"}"#),
            r#"{"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[104.0,12.0]},"properties":{}}"#.to_string(),
        ]);
        let raids = layer(&[
            point(far, r#"{"date":"2025-07-16","site":" mango park 2 "}"#),
            point(far, r#"{"date":"2025-07-16","site":["elsewhere", 7]}"#),
            point(far, r#"{"date":"2025-06-01","site":"Mango Park"}"#),
        ]);
        let c = run(&sites, &raids, 5_000.0, july());
        let statuses: Vec<Status> = c.sites.iter().map(|s| s.status).collect();
        assert_eq!(
            statuses,
            [Status::Raided, Status::Untouched, Status::Raided],
            "by name ignoring case and spaces; not by a raid outside the window; by numeric id"
        );
        assert_eq!(c.sites[0].named_by, [0]);
        assert_eq!(c.sites[0].raids_within, 0, "named, not within the radius");
        assert_eq!(c.sites[0].nearest, None, "no geometry, no distance");
        assert_eq!(c.sites_without_position().count(), 1);
        // A name that only starts like the site's is no match.
        let raids = layer(&[point(far, r#"{"date":"2025-07-16","site":"Mango"}"#)]);
        assert_eq!(
            run(&sites, &raids, 5_000.0, july()).sites[1].status,
            Status::Untouched
        );
        // The id of one site is matched exactly, not as a prefix of another's.
        let raids = layer(&[point(far, r#"{"date":"2025-07-16","site":"KH-S-00"}"#)]);
        assert_eq!(
            run(&sites, &raids, 5_000.0, july()).sites[0].status,
            Status::Untouched
        );
    }

    #[test]
    fn undated_raids_are_listed_and_left_out_of_a_window_but_count_without_one() {
        let sites = layer(&[point(SITE, r#"{"name":"s"}"#)]);
        let raids = layer(&[
            point(SITE, r#"{"date":"sometime in July"}"#),
            r#"{"type":"Feature","geometry":null,"properties":{"date":"2025-07-15"}}"#.to_string(),
        ]);
        let c = run(&sites, &raids, 5_000.0, july());
        assert_eq!(c.raids_undated, [0]);
        assert_eq!(c.raids_without_position, [1]);
        assert_eq!(c.raids_in_window, 1);
        assert_eq!(c.sites[0].status, Status::Untouched);
        let c = run(&sites, &raids, 5_000.0, Window::ALL);
        assert_eq!(c.raids_undated, Vec::<usize>::new());
        assert_eq!(c.sites[0].status, Status::Raided);
    }

    #[test]
    fn a_polygon_site_is_measured_from_its_centroid() {
        let sites = layer(&[r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[104.70,11.19],[104.73,11.19],[104.73,11.21],[104.70,11.21],[104.70,11.19]]]},"properties":{"name":"yard"}}"#.to_string()]);
        let raids = layer(&[point(SITE, r#"{"date":"2025-07-15"}"#)]);
        let c = run(&sites, &raids, 5_000.0, july());
        assert!(c.sites[0].from_centroid);
        let centroid = Point::new(104.715, 11.2);
        let n = c.sites[0].nearest.as_ref().expect("nearest");
        assert!((n.distance_m - measure::distance_m(centroid, SITE)).abs() < 1e-6);
    }

    #[test]
    fn an_annotated_site_layer_carries_the_answer_and_keeps_everything_else() {
        let sites = layer(&[
            point(SITE, r#"{"name":"s","notes":"kept"}"#),
            r#"{"type":"Feature","geometry":null,"properties":null}"#.to_string(),
        ]);
        let raids = layer(&[point(
            Geodesic.destination(SITE, 0.0, 9_000.0),
            r#"{"name":"r","date":"2025-07-15"}"#,
        )]);
        let c = run(&sites, &raids, 5_000.0, july());
        let out = annotate(&sites, &c);
        let f = &out.features[0];
        assert_eq!(f.property("notes"), Some(&json!("kept")));
        assert_eq!(f.property("coverage_status"), Some(&json!("untouched")));
        assert_eq!(f.property("nearest_raid"), Some(&json!("r")));
        let d = f
            .property("nearest_raid_distance_m")
            .and_then(Value::as_f64)
            .expect("a distance");
        assert!((d - 9_000.0).abs() < 1e-6);
        let g = &out.features[1];
        assert_eq!(g.property("nearest_raid"), Some(&Value::Null));
        let Root::FeatureCollection { members, .. } = &out.root else {
            panic!("a collection")
        };
        assert_eq!(members["raidmap_coverage"]["radius_m"], json!(5000.0));
        assert_eq!(members["raidmap_coverage"]["window"]["from"], "2025-07-14");
    }
}
