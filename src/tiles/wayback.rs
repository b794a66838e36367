//! Esri World Imagery Wayback: the dated releases of the satellite imagery, as Esri publishes
//! them in its Wayback configuration, and which of them changed the imagery at a place.
//!
//! The configuration ([`DEFAULT_CONFIG_URL`], or another address given by `--wayback-config`
//! or the setting) is one JSON object keyed by release number:
//!
//! ```json
//! { "10": { "itemTitle": "World Imagery (Wayback 2014-02-20)",
//!           "itemURL": "https://…/World_Imagery/WMTS/1.0.0/default028mm/MapServer/tile/10/{level}/{row}/{col}",
//!           "itemID": "…", "metadataLayerUrl": "…", "layerIdentifier": "…" }, … }
//! ```
//!
//! The release's date is the `YYYY-MM-DD` in its title; its tiles are at `itemURL` with
//! `{level}`, `{row}`, `{col}` for zoom, row (from the north) and column. Other members are
//! ignored, and an entry that cannot be read is skipped (and logged) rather than losing the list.
//!
//! Which releases changed a tile: the Wayback map server answers
//! `…/World_Imagery/MapServer/tilemap/{release}/{z}/{y}/{x}` with `{"data":[1],"select":[n]}`,
//! `n` the latest release up to `release` whose imagery differs there (no `select`: `release`
//! itself); `"data":[0]` means no imagery at all. Walking back from the newest release, asking
//! again from the release before each answer, lists exactly the releases worth showing.
//!
//! Reading the configuration or the tilemap uses the network: it happens only when the user
//! opens the list of releases or names a release by date (`wayback:YYYY-MM-DD`).

use serde::{Deserialize, Serialize};

use super::TileKey;
use super::http::{HttpError, client};
use super::template::UrlTemplate;
use crate::timeline::Day;

/// Where Esri publishes the Wayback configuration.
pub const DEFAULT_CONFIG_URL: &str =
    "https://s3-us-west-2.amazonaws.com/config.maptiles.arcgis.com/waybackconfig.json";

/// Credit for Wayback imagery (Esri's basemap attribution, with the release's date).
pub const CREDIT: &str = "Imagery: Esri World Imagery Wayback · Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community";

/// One dated release of World Imagery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// Esri's release number (the key in the configuration).
    pub number: u32,
    /// The release date, `YYYY-MM-DD`.
    pub date: String,
    /// The tile URL template in raidmap's form (`{z}/{y}/{x}`).
    pub template: String,
}

impl Release {
    /// The release date as a day (the date was checked when the configuration was read).
    pub fn day(&self) -> Option<Day> {
        parse_day(&self.date)
    }

    /// Where the map server answers which release last changed a tile, if the tile address
    /// has the usual Wayback shape (`…/World_Imagery/WMTS/…`).
    fn tilemap_url(&self, release: u32, key: TileKey) -> Option<String> {
        let base = &self.template[..self.template.find("/WMTS/")?];
        Some(format!(
            "{base}/MapServer/tilemap/{release}/{}/{}/{}",
            key.z, key.y, key.x
        ))
    }
}

/// Why the releases cannot be listed.
#[derive(Debug, thiserror::Error)]
pub enum WaybackError {
    #[error(transparent)]
    Client(#[from] HttpError),
    #[error("cannot read the Wayback configuration from {url}: {source}")]
    Fetch {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("the Wayback configuration at {url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("the Wayback configuration at {url} is not JSON of the expected shape: {detail}")]
    Shape { url: String, detail: String },
    #[error("the Wayback configuration at {url} lists no release that can be read")]
    Empty { url: String },
    #[error("{0:?} is not a date; write YYYY-MM-DD")]
    Date(String),
}

/// Read `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Option<Day> {
    let text = text.trim();
    let mut parts = text.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    Day::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "itemTitle")]
    title: Option<String>,
    #[serde(rename = "itemURL")]
    url: Option<String>,
}

/// Read a Wayback configuration's text: the releases, oldest first. `url` only names the
/// source in errors.
pub fn parse_config(text: &str, url: &str) -> Result<Vec<Release>, WaybackError> {
    let entries: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|err| WaybackError::Shape {
            url: url.to_owned(),
            detail: err.to_string(),
        })?;
    let mut releases = Vec::new();
    for (key, value) in entries {
        let Ok(number) = key.trim().parse::<u32>() else {
            log::warn!("Wayback configuration: skipping {key:?}, not a release number");
            continue;
        };
        let Ok(entry) = serde_json::from_value::<Entry>(value) else {
            log::warn!("Wayback configuration: skipping release {number}, not an object");
            continue;
        };
        let date = entry.title.as_deref().and_then(find_date);
        let template = entry.url.as_deref().map(to_template);
        match (date, template) {
            (Some(date), Some(Ok(template))) => releases.push(Release {
                number,
                date: date.to_string(),
                template,
            }),
            _ => log::warn!(
                "Wayback configuration: skipping release {number}: no date in its title or no usable tile address"
            ),
        }
    }
    if releases.is_empty() {
        return Err(WaybackError::Empty {
            url: url.to_owned(),
        });
    }
    releases.sort_by(|a, b| (&a.date, a.number).cmp(&(&b.date, b.number)));
    Ok(releases)
}

/// The first `YYYY-MM-DD` in a title such as "World Imagery (Wayback 2014-02-20)".
fn find_date(title: &str) -> Option<Day> {
    let bytes = title.as_bytes();
    (0..bytes.len().saturating_sub(9)).find_map(|i| {
        let candidate = title.get(i..i + 10)?;
        let shape = candidate.bytes().enumerate().all(|(j, b)| match j {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
        if shape { parse_day(candidate) } else { None }
    })
}

/// Esri's `{level}/{row}/{col}` as raidmap's `{z}/{y}/{x}`, checked.
fn to_template(item_url: &str) -> Result<String, super::TemplateError> {
    let template = item_url
        .trim()
        .replace("{level}", "{z}")
        .replace("{row}", "{y}")
        .replace("{col}", "{x}");
    UrlTemplate::parse(&template)?;
    Ok(template)
}

/// The release nearest to `day`; of two equally near, the earlier. `None` for an empty list.
pub fn nearest(releases: &[Release], day: Day) -> Option<&Release> {
    releases
        .iter()
        .filter_map(|r| Some((r, r.day()?)))
        .min_by_key(|(_, d)| ((d.0 - day.0).abs(), d.0))
        .map(|(r, _)| r)
}

/// Download and read the configuration at `url` (network).
pub fn fetch_releases(url: &str) -> Result<Vec<Release>, WaybackError> {
    let client = client()?;
    let fetch = |source| WaybackError::Fetch {
        url: url.to_owned(),
        source,
    };
    log::info!("reading the Wayback configuration from {url}");
    let response = client.get(url).send().map_err(fetch)?;
    let status = response.status();
    if !status.is_success() {
        return Err(WaybackError::Status {
            url: url.to_owned(),
            status: status.as_u16(),
        });
    }
    let text = response.text().map_err(fetch)?;
    parse_config(&text, url)
}

#[derive(Deserialize)]
struct TileMap {
    #[serde(default)]
    data: Vec<u8>,
    #[serde(default)]
    select: Vec<u32>,
}

/// The releases (of `releases`, oldest first) whose imagery changed at tile `key`, oldest
/// first, as the Wayback map server's tilemap says (network). `None` when the server does not
/// say (no tilemap at that address, or an answer of another shape): then every release is
/// worth listing.
pub fn changed_releases(releases: &[Release], key: TileKey) -> Option<Vec<Release>> {
    let client = client().ok()?;
    let newest = releases.last()?;
    let mut changed: Vec<Release> = Vec::new();
    // Each step moves to an older release, so this ends after at most `releases.len()` asks.
    let mut ask = Some(newest.number);
    while let Some(number) = ask {
        let url = newest.tilemap_url(number, key)?;
        let response = client.get(&url).send().ok()?.error_for_status().ok()?;
        let answer: TileMap = serde_json::from_slice(&response.bytes().ok()?).ok()?;
        if answer.data.first() != Some(&1) {
            break;
        }
        let changed_in = answer.select.first().copied().unwrap_or(number);
        let index = releases.iter().position(|r| r.number == changed_in)?;
        if changed.iter().any(|r| r.number == changed_in) {
            break;
        }
        changed.push(releases[index].clone());
        ask = index.checked_sub(1).map(|i| releases[i].number);
    }
    changed.reverse();
    Some(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"{
        "31": {"itemID": "a", "itemTitle": "World Imagery (Wayback 2019-03-27)",
               "itemURL": "http://h/arcgis/rest/services/World_Imagery/WMTS/1.0.0/default028mm/MapServer/tile/31/{level}/{row}/{col}",
               "metadataLayerUrl": "m", "metadataLayerItemID": "i", "layerIdentifier": "WB_2019_R04"},
        "10": {"itemTitle": "World Imagery (Wayback 2014-02-20)",
               "itemURL": "http://h/arcgis/rest/services/World_Imagery/WMTS/1.0.0/default028mm/MapServer/tile/10/{level}/{row}/{col}"},
        "20": {"itemTitle": "World Imagery (Wayback 2016-06-01)",
               "itemURL": "http://h/arcgis/rest/services/World_Imagery/WMTS/1.0.0/default028mm/MapServer/tile/20/{level}/{row}/{col}"},
        "99": {"itemTitle": "no date here", "itemURL": "http://h/{level}/{row}/{col}"},
        "x": {"itemTitle": "World Imagery (Wayback 2020-01-01)"}
    }"#;

    #[test]
    fn the_configuration_gives_dated_releases_oldest_first_skipping_bad_entries() {
        let releases = parse_config(CONFIG, "test").expect("parse");
        let dates: Vec<&str> = releases.iter().map(|r| r.date.as_str()).collect();
        assert_eq!(dates, ["2014-02-20", "2016-06-01", "2019-03-27"]);
        assert_eq!(releases[0].number, 10);
        assert_eq!(
            releases[0].template,
            "http://h/arcgis/rest/services/World_Imagery/WMTS/1.0.0/default028mm/MapServer/tile/10/{z}/{y}/{x}"
        );
        assert_eq!(
            releases[0].tilemap_url(31, TileKey::new(14, 12970, 7548)),
            Some(
                "http://h/arcgis/rest/services/World_Imagery/MapServer/tilemap/31/14/7548/12970"
                    .into()
            )
        );
    }

    #[test]
    fn the_nearest_release_to_a_date_is_chosen_earlier_on_a_tie() {
        let releases = parse_config(CONFIG, "test").expect("parse");
        let pick = |d: &str| nearest(&releases, parse_day(d).expect("day")).map(|r| r.number);
        assert_eq!(pick("2010-01-01"), Some(10));
        assert_eq!(pick("2016-05-01"), Some(20));
        assert_eq!(pick("2030-01-01"), Some(31));
        let two = [
            Release {
                number: 1,
                date: "2020-01-01".into(),
                template: String::new(),
            },
            Release {
                number: 2,
                date: "2020-01-03".into(),
                template: String::new(),
            },
        ];
        let mid = parse_day("2020-01-02").expect("day");
        assert_eq!(nearest(&two, mid).map(|r| r.number), Some(1));
    }

    #[test]
    fn bad_configurations_are_reported_with_their_address() {
        let err = parse_config("[1,2]", "http://c/wb.json").expect_err("array");
        assert!(err.to_string().contains("http://c/wb.json"), "{err}");
        let err = parse_config("{}", "http://c/wb.json").expect_err("empty");
        assert!(err.to_string().contains("no release"), "{err}");
    }

    #[test]
    fn dates_are_found_in_titles_and_checked() {
        assert_eq!(
            find_date("World Imagery (Wayback 2014-02-20)").map(|d| d.to_string()),
            Some("2014-02-20".into())
        );
        assert_eq!(find_date("Wayback 2014-02-31"), None);
        assert_eq!(find_date("short"), None);
        assert!(parse_day("2014-2-20").is_none());
    }
}
