//! The bundled sample data agrees with the reporting it was written from (product brief, seed
//! article): every site and raid names its province and lies inside that province's polygon in
//! `maps/provinces.geojson`, carries its sources and the precision of its position, and Mango
//! Park ↔ Mango Park 2 measures about 9 km.

use geo::Geometry;
use raidmap::basemap::Basemap;
use raidmap::io::read_path;
use raidmap::measure::distance_m;
use raidmap::model::Layer;
use serde_json::Value;

fn layer(name: &str) -> Layer {
    let path = format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let layer = read_path(path.as_ref()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        layer.warnings.is_empty(),
        "{name} has warnings: {:?}",
        layer.warnings
    );
    layer
}

fn text<'a>(f: &'a raidmap::model::Feature, key: &str) -> &'a str {
    f.property(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{:?} has no text property {key}", f.name()))
}

#[test]
fn every_sample_point_lies_in_the_province_it_names() {
    let basemap = Basemap::embedded();
    for file in ["sites.geojson", "raids.geojson"] {
        for f in &layer(file).features {
            let province = text(f, "province");
            let Some(Geometry::Point(p)) = f.geometry() else {
                assert!(
                    f.geometry().is_none(),
                    "{:?}: only points or null",
                    f.name()
                );
                continue;
            };
            let found = basemap
                .province_at(p.x(), p.y())
                .map(|prov| prov.name.as_str());
            assert_eq!(found, Some(province), "{file}: {:?} at {p:?}", f.name());
        }
    }
}

#[test]
fn every_sample_feature_says_where_it_comes_from_and_how_precise_it_is() {
    const PRECISIONS: [&str; 5] = ["exact", "compound", "commune", "district", "province"];
    for file in ["sites.geojson", "raids.geojson"] {
        for f in &layer(file).features {
            assert!(!text(f, "name").is_empty());
            let precision = text(f, "location_precision");
            assert!(PRECISIONS.contains(&precision), "{precision}");
            assert!(text(f, "coordinates_note").starts_with("Approximate"));
            let sources = f
                .property("sources")
                .and_then(Value::as_array)
                .expect("sources is a list");
            assert!(!sources.is_empty(), "{:?} has no source", f.name());
            for s in sources {
                assert_eq!(s["publisher"], "CamboJA News", "{:?}", f.name());
            }
        }
    }
}

#[test]
fn raids_have_iso_dates_and_the_reported_numbers() {
    let raids = layer("raids.geojson");
    for f in &raids.features {
        let date = text(f, "date");
        let parts: Vec<u32> = date.split('-').filter_map(|p| p.parse().ok()).collect();
        assert!(
            date.len() == 10
                && parts.len() == 3
                && (1..=12).contains(&parts[1])
                && (1..=31).contains(&parts[2]),
            "{date} is not an ISO 8601 date"
        );
        assert!(
            f.property("detained")
                .is_some_and(|d| d.is_null() || d.is_u64())
        );
        assert!(f.property("nationalities").is_some_and(Value::is_array));
    }
    let by_name = |n: &str| {
        raids
            .features
            .iter()
            .find(|f| f.name() == Some(n))
            .unwrap_or_else(|| panic!("no raid {n}"))
    };
    // Facts from the article.
    assert_eq!(text(by_name("Poipet raid"), "date"), "2025-07-16");
    assert_eq!(text(by_name("Preah Sihanouk raid"), "date"), "2025-07-15");
    assert_eq!(text(by_name("Toul Kork raid"), "date"), "2025-07-14");
    assert_eq!(
        by_name("Kong Pisey raid").property("detained"),
        Some(&Value::from(63))
    );
    assert_eq!(
        text(by_name("Mango Park raid (2024)"), "date"),
        "2024-10-24"
    );
    let provinces: std::collections::BTreeSet<&str> = raids
        .features
        .iter()
        .filter(|f| text(f, "date").starts_with("2025-07"))
        .map(|f| text(f, "province"))
        .collect();
    let reported = [
        "Banteay Meanchey",
        "Kampong Speu",
        "Kratie",
        "Phnom Penh",
        "Preah Sihanouk",
        "Pursat",
    ];
    assert_eq!(provinces.into_iter().collect::<Vec<_>>(), reported);
}

#[test]
fn mango_park_and_mango_park_2_are_about_9_km_apart_in_their_provinces() {
    let sites = layer("sites.geojson");
    let point = |n: &str| {
        let f = sites
            .features
            .iter()
            .find(|f| f.name() == Some(n))
            .unwrap_or_else(|| panic!("no site {n}"));
        match f.geometry() {
            Some(Geometry::Point(p)) => (*p, text(f, "province").to_owned()),
            other => panic!("{n}: {other:?}"),
        }
    };
    let (a, province_a) = point("Mango Park");
    let (b, province_b) = point("Mango Park 2");
    assert_eq!(province_a, "Kampong Speu");
    assert_eq!(province_b, "Takeo");
    let km = distance_m(a, b) / 1000.0;
    assert!((8.5..=9.5).contains(&km), "{km} km");
}

#[test]
fn every_site_says_whether_the_article_reports_it_raided_in_july_2025_and_coverage_agrees() {
    use raidmap::coverage::{Status, classify};
    use raidmap::timeline::{Day, LayerTimes, TimeField, Window};
    let sites = layer("sites.geojson");
    let raids = layer("raids.geojson");
    let times = LayerTimes::read(&raids, TimeField::Single("date".into()));
    assert!(times.unreadable().is_empty(), "{:?}", times.unreadable());
    let day = |t: &str| Day::parse_bound(t, false).expect("a day");
    let windows = [
        Window::days(day("2025-07-14"), day("2025-07-16")),
        Window::days(day("2025-07-01"), day("2025-07-31")),
    ];
    let mut reported = 0;
    for window in windows {
        let coverage = classify(&sites, &raids, Some(&times), 5_000.0, window);
        for (f, answer) in sites.features.iter().zip(&coverage.sites) {
            let flag = f
                .property("raided_in_july_2025")
                .unwrap_or_else(|| panic!("{:?} has no raided_in_july_2025", f.name()));
            match flag {
                Value::Bool(raided) => {
                    reported += 1;
                    let expected = if *raided {
                        Status::Raided
                    } else {
                        Status::Untouched
                    };
                    assert_eq!(answer.status, expected, "{:?} in {window}", f.name());
                }
                Value::Null => {}
                other => panic!("{:?}: raided_in_july_2025 is {other}", f.name()),
            }
        }
    }
    // Mango Park 2 (untouched) and the four raided sites, in both windows.
    assert_eq!(reported, 10);
}
