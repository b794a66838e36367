//! Tests of the prepared embedded basemap.

use super::*;
use crate::basemap::projection::PxRect;

fn basemap() -> &'static Basemap {
    Basemap::embedded()
}

/// A viewport of `width × height` px centred on a lon/lat at a zoom.
fn viewport(lon: f64, lat: f64, zoom: f64, width: f32, height: f32) -> Viewport {
    let transform = ScreenTransform::centered(
        lon_lat_to_world(lon, lat),
        zoom,
        [f64::from(width) / 2.0, f64::from(height) / 2.0],
    );
    Viewport {
        transform,
        rect_px: PxRect {
            min_px: [0.0, 0.0],
            max_px: [width, height],
        },
    }
}

/// Text sizes as a 13 px sans-serif font would give them, near enough for placement tests.
fn estimated_size(label: &Label) -> Option<([f32; 2], ())> {
    let chars = label.text.chars().count() as f32;
    Some(([chars * 7.0, 15.0], ()))
}

#[test]
fn all_nine_embedded_layers_parse_and_have_features() {
    for file in embedded::ALL {
        let layer = crate::io::read_str(file.text, file.name)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.name));
        assert!(!layer.features.is_empty(), "{} is empty", file.name);
    }
    assert!(basemap().problems.is_empty(), "{:?}", basemap().problems);
}

#[test]
fn every_layer_is_prepared() {
    let b = basemap();
    assert!(!b.land.is_empty());
    assert_eq!(b.countries.len(), 4);
    assert_eq!(b.countries.iter().filter(|c| c.is_cambodia).count(), 1);
    assert_eq!(b.provinces.len(), 109);
    assert!(!b.lakes.is_empty());
    let has = |kind: LineKind| b.lines.iter().any(|l| l.kind == kind);
    assert!(has(LineKind::CountryBorder));
    assert!(has(LineKind::Coastline));
    assert!(has(LineKind::LakeShore));
    assert!(has(LineKind::ProvinceBorder { in_cambodia: true }));
    assert!(has(LineKind::ProvinceBorder { in_cambodia: false }));
    assert!(has(LineKind::River(RiverClass::DoubleLined)));
    assert!(has(LineKind::River(RiverClass::Permanent(4))));
    assert!(has(LineKind::River(RiverClass::Intermittent)));
    // Everything lies in the clip box of maps/ (100–110 E, 8–16.5 N).
    let box_min = lon_lat_to_world(100.0, 16.5);
    let box_max = lon_lat_to_world(110.0, 8.0);
    for line in &b.lines {
        let r = line.bbox_world;
        assert!(r.min().x >= box_min.x - 1e-9 && r.max().x <= box_max.x + 1e-9);
        assert!(r.min().y >= box_min.y - 1e-9 && r.max().y <= box_max.y + 1e-9);
    }
}

#[test]
fn the_24_cambodian_provinces_get_their_english_names() {
    let cambodian: Vec<&Province> = basemap()
        .provinces
        .iter()
        .filter(|p| p.in_cambodia)
        .collect();
    assert_eq!(cambodian.len(), 24);
    for (code, english) in names::CAMBODIAN_PROVINCES {
        let province = cambodian
            .iter()
            .find(|p| p.iso_3166_2 == code)
            .unwrap_or_else(|| panic!("{code} is missing"));
        assert_eq!(province.name, english);
        assert_eq!(province.country, "Cambodia");
    }
    let takeo = cambodian.iter().find(|p| p.iso_3166_2 == "KH-21");
    assert_eq!(takeo.map(|p| p.natural_earth_name.as_str()), Some("Takêv"));
    let province_labels = basemap()
        .labels
        .iter()
        .filter(|l| l.kind == LabelKind::Province)
        .count();
    assert_eq!(province_labels, 24);
}

#[test]
fn triangles_cover_each_province_to_a_thousandth_of_its_area() {
    for province in &basemap().provinces {
        let triangles: f64 = province.meshes.iter().map(TriMesh::area_world).sum();
        let relative = (triangles - province.area_world).abs() / province.area_world;
        assert!(
            relative < 1e-3,
            "{} ({}): triangles {triangles:e}, polygon {:e}",
            province.name,
            province.iso_3166_2,
            province.area_world
        );
    }
}

#[test]
fn triangles_cover_the_countries_and_the_lake() {
    let b = basemap();
    for country in &b.countries {
        let area: f64 = country.meshes.iter().map(TriMesh::area_world).sum();
        assert!(area > 0.0, "{}", country.name);
    }
    let lake: f64 = b.lakes.iter().map(TriMesh::area_world).sum();
    // Tonlé Sap in the dry season: about 2,500 km², i.e. about 1.6e-6 square world units at 12.8 N.
    assert!((0.5e-6..5e-6).contains(&lake), "{lake:e}");
}

#[test]
fn points_are_found_in_their_province() {
    let b = basemap();
    let name = |lon, lat| b.province_at(lon, lat).map(|p| p.name.as_str());
    assert_eq!(name(104.916, 11.562), Some("Phnom Penh"));
    assert_eq!(name(103.86, 13.36), Some("Siem Reap"));
    // Suong, the capital of Tboung Khmum, which Natural Earth still counts as Kampong Cham.
    assert_eq!(name(105.655, 11.912), Some("Kampong Cham"));
    assert!(
        name(100.5, 13.75).is_some(),
        "Bangkok is in a Thai province"
    );
    assert_eq!(
        name(103.0, 9.0),
        None,
        "the Gulf of Thailand is in no province"
    );
}

#[test]
fn at_low_zoom_phnom_penh_is_labelled_and_no_labels_overlap() {
    for (zoom, width, height) in [
        (5.0, 800.0, 600.0),
        (6.0, 1024.0, 768.0),
        (7.0, 1280.0, 900.0),
    ] {
        let view = viewport(104.9, 12.5, zoom, width, height);
        let mut placed = Vec::new();
        place_labels(&basemap().labels, &view, &[], estimated_size, &mut placed);
        let texts: Vec<&str> = placed
            .iter()
            .map(|p| basemap().labels[p.label_index].text.as_str())
            .collect();
        assert!(texts.contains(&"Phnom Penh"), "zoom {zoom}: {texts:?}");
        assert!(placed.len() >= 5, "zoom {zoom}: {texts:?}");
        // Text boxes and town dots never overlap one another.
        let mut boxes: Vec<PxRect> = placed.iter().map(|p| p.text_rect_px).collect();
        for p in &placed {
            let r = basemap().labels[p.label_index].kind.dot_radius_px();
            if r > 0.0 {
                let [x, y] = p.anchor_px;
                boxes.push(PxRect::from_min_size([x - r, y - r], [2.0 * r, 2.0 * r]));
            }
        }
        for (i, a) in boxes.iter().enumerate() {
            assert!(
                view.rect_px.contains_rect(a),
                "zoom {zoom}: {a:?} is off the map"
            );
            for b in &boxes[i + 1..] {
                assert!(!a.overlaps(b), "zoom {zoom}: {a:?} overlaps {b:?}");
            }
        }
    }
}

#[test]
fn more_towns_are_labelled_as_one_zooms_in() {
    let count_towns = |zoom: f64| {
        let view = viewport(104.9, 11.6, zoom, 1280.0, 900.0);
        let mut placed = Vec::new();
        place_labels(&basemap().labels, &view, &[], estimated_size, &mut placed);
        placed
            .iter()
            .filter(|p| basemap().labels[p.label_index].kind.has_dot())
            .count()
    };
    // At zoom 11 the screen shows a much smaller area, so compare densities: towns per world area.
    let at_6 = count_towns(6.0);
    let at_9 = count_towns(9.0);
    assert!(at_6 >= 3, "{at_6}");
    assert!(at_9 >= 3, "{at_9}");
    let density = |n: usize, zoom: f64| n as f64 * (4.0f64).powf(zoom);
    assert!(density(at_9, 9.0) > density(at_6, 6.0));
}

#[test]
fn the_capital_comes_first() {
    let first = basemap().labels.first().map(|l| (l.text.as_str(), l.kind));
    assert!(matches!(first, Some((_, LabelKind::Capital))), "{first:?}");
    assert!(
        basemap()
            .labels
            .iter()
            .any(|l| l.text == "Phnom Penh" && l.kind == LabelKind::Capital)
    );
}

#[test]
fn a_town_listed_twice_is_labelled_once() {
    let ta_khmau = basemap()
        .labels
        .iter()
        .filter(|l| l.text == "Ta Khmau")
        .count();
    assert_eq!(ta_khmau, 1);
}

#[test]
fn a_data_symbol_on_phnom_penh_moves_its_name_aside_and_hides_only_its_dot() {
    let view = viewport(104.9, 11.6, 8.0, 1280.0, 900.0);
    let mut placed = Vec::new();
    place_labels(&basemap().labels, &view, &[], estimated_size, &mut placed);
    let capital = |placed: &[PlacedLabel<()>]| {
        placed
            .iter()
            .find(|p| basemap().labels[p.label_index].kind == LabelKind::Capital)
            .cloned()
    };
    let free = capital(&placed).expect("Phnom Penh is labelled");
    assert!(free.dot);
    // A 20-pixel symbol right on its dot.
    let [x, y] = free.anchor_px;
    let symbol = PxRect::from_min_size([x - 10.0, y - 10.0], [20.0, 20.0]);
    place_labels(
        &basemap().labels,
        &view,
        &[symbol],
        estimated_size,
        &mut placed,
    );
    let covered = capital(&placed).expect("Phnom Penh is still labelled");
    assert!(!covered.dot, "its dot is not drawn over the symbol");
    assert!(
        !covered.text_rect_px.overlaps(&symbol),
        "its name is beside the symbol"
    );
}

/// Text sizes with country names set as the map sets them (15 px, letter-spaced).
fn atlas_size(label: &Label) -> Option<([f32; 2], ())> {
    match label.kind {
        LabelKind::Country { .. } => {
            let chars = label.text.chars().count() as f32;
            Some(([chars * 15.0, 19.0], ()))
        }
        _ => estimated_size(label),
    }
}

/// The names placed in `view`, with their text boxes.
fn placed_names(view: &Viewport) -> Vec<(String, PxRect)> {
    let mut placed = Vec::new();
    place_labels(&basemap().labels, view, &[], atlas_size, &mut placed);
    placed
        .iter()
        .map(|p| (basemap().labels[p.label_index].text.clone(), p.text_rect_px))
        .collect()
}

/// Whether the named label's text fits on the screen centred on its own anchor.
fn fits_at_anchor(view: &Viewport, text: &str) -> bool {
    basemap().labels.iter().filter(|l| l.text == text).any(|l| {
        let [x, y] = view.transform.to_px(l.world);
        let Some(([w, h], ())) = atlas_size(l) else {
            return false;
        };
        view.rect_px
            .contains_rect(&PxRect::from_min_size([x - w / 2.0, y - h / 2.0], [w, h]))
    })
}

#[test]
fn the_neighbours_are_named_where_they_are_seen_even_when_their_heart_is_off_the_screen() {
    // The first view of a 1024 × 640 window: Thailand's and Vietnam's own anchors lie far
    // outside it, but a strip of each is on the screen.
    let view = viewport(104.99, 12.55, 7.0, 533.0, 540.0);
    let names = placed_names(&view);
    for country in ["THAILAND", "VIETNAM"] {
        assert!(
            !fits_at_anchor(&view, country),
            "{country} fits at its own anchor: the test would not test the move"
        );
    }
    for country in ["THAILAND", "VIETNAM", "LAOS"] {
        let (_, rect) = names
            .iter()
            .find(|(text, _)| text == country)
            .unwrap_or_else(|| panic!("{country} is not named: {names:?}"));
        // The whole name lies inside that country.
        let label = basemap()
            .labels
            .iter()
            .find(|l| l.text == country)
            .and_then(|l| l.outline_world.as_ref())
            .expect("a country label has its outline");
        for px in [rect.min_px, rect.max_px] {
            assert!(
                label.contains(&view.transform.to_world(px)),
                "{country} at {rect:?} runs out of the country"
            );
        }
    }
}

#[test]
fn a_neighbours_name_moved_into_view_stays_put_on_the_map_while_panning() {
    let at = |lon: f64| {
        let view = viewport(lon, 12.55, 7.0, 533.0, 540.0);
        assert!(!fits_at_anchor(&view, "THAILAND"));
        let (_, rect) = placed_names(&view)
            .into_iter()
            .find(|(text, _)| text == "THAILAND")
            .expect("Thailand is named");
        view.transform.to_world(rect.min_px)
    };
    // A 20 px pan (0.05° at zoom 7) moves the name with the map, not with the screen.
    let (a, b) = (at(104.99), at(105.04));
    assert!(
        (a.x - b.x).abs() < 1e-9 && (a.y - b.y).abs() < 1e-9,
        "{a:?} vs {b:?}"
    );
}
