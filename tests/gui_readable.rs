//! Reads right the first time (issue 14), through the real UI (egui_kittest): popups close
//! with Esc and a click outside, a measured result out of view is brought into view, measuring
//! starts from the selected feature, a feature is named on hover, the last project reopens at
//! start (the sample only on the very first run), and recovered work keeps its project.

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use geo::Point;
use raidmap::ui::app::RaidmapApp;
use raidmap::ui::app::session::Session;

use crate::gui::{click_at, feature_named, harness, on_screen, sample_app, type_into};

/// Whether the map's last view shows `point`.
fn in_view(app: &RaidmapApp, point: Point<f64>) -> bool {
    let view = app.map.view_area().expect("the map was drawn");
    let (south, north) = (
        view.min().y.min(view.max().y),
        view.min().y.max(view.max().y),
    );
    (view.min().x..=view.max().x).contains(&point.x()) && (south..=north).contains(&point.y())
}

/// A spot on the map, left of the middle, with nothing drawn under it at the default view.
fn empty_map_spot(harness: &egui_kittest::Harness<'_, RaidmapApp>) -> egui::Pos2 {
    let rect = harness.state().map.last_map_rect().expect("drawn");
    egui::pos2(rect.left() + rect.width() * 0.2, rect.bottom() - 60.0)
}

#[test]
fn the_basemap_popup_closes_with_esc_and_a_click_outside() {
    let mut harness = sample_app();
    let button = || "Basemap: Offline basemap";
    harness.get_by_label_contains(button()).click();
    harness.run();
    assert!(harness.state().map.basemap.open, "the chooser opened");
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().map.basemap.open, "Esc closed it");

    harness.get_by_label_contains(button()).click();
    harness.run();
    assert!(harness.state().map.basemap.open);
    // A click inside it (on its heading) leaves it open.
    harness.get_by_label("Basemap").click();
    harness.run();
    assert!(harness.state().map.basemap.open, "a click inside keeps it");
    let spot = empty_map_spot(&harness);
    click_at(&mut harness, spot);
    assert!(
        !harness.state().map.basemap.open,
        "a click outside closed it"
    );
}

#[test]
fn esc_closes_the_export_image_window_and_the_history() {
    let mut harness = sample_app();
    harness.get_by_label("Export image…").click();
    harness.run();
    assert!(harness.state().image_export.open);
    harness.key_press(Key::Escape);
    harness.run();
    assert!(
        !harness.state().image_export.open,
        "Esc closed Export image"
    );
    harness.state_mut().editing.show_history = true;
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().editing.show_history, "Esc closed History");
}

#[test]
fn a_distance_typed_far_out_of_view_is_brought_into_view() {
    let mut harness = sample_app();
    let (_, mango) = feature_named(harness.state(), "Mango Park");
    let (_, poipet) = feature_named(harness.state(), "Poipet compound");
    harness.state_mut().map.set_view(raidmap::project::View {
        center: [mango.x(), mango.y()],
        zoom: 13.0,
    });
    harness.run();
    assert!(
        !in_view(harness.state(), poipet),
        "Poipet starts out of view"
    );
    harness
        .get_by_role_and_label(Role::Button, "Measure")
        .click();
    harness.run();
    type_into(&mut harness, "From", "Mango Park");
    type_into(&mut harness, "To", "Poipet compound");
    harness
        .get_all_by_role_and_label(Role::Button, "Measure")
        .last()
        .expect("the Measure button")
        .click();
    harness.run();
    harness.run();
    assert!(
        in_view(harness.state(), mango) && in_view(harness.state(), poipet),
        "both ends are in view after measuring"
    );
}

#[test]
fn picking_a_row_of_the_one_to_all_table_brings_it_into_view() {
    let mut harness = sample_app();
    let (_, toul_kork) = feature_named(harness.state(), "Toul Kork ring");
    let (_, poipet) = feature_named(harness.state(), "Poipet compound");
    harness.state_mut().map.set_view(raidmap::project::View {
        center: [toul_kork.x(), toul_kork.y()],
        zoom: 13.0,
    });
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Measure")
        .click();
    harness.run();
    harness.get_by_label("One to all").click();
    harness.run();
    type_into(&mut harness, "From", "Toul Kork ring");
    harness.get_by_label("Measure to all").click();
    harness.run();
    assert!(!in_view(harness.state(), poipet));
    // The table's row (the layers panel lists the feature too, further left).
    harness
        .get_all_by_label("Poipet compound")
        .max_by(|a, b| a.rect().center().x.total_cmp(&b.rect().center().x))
        .expect("listed")
        .click();
    harness.run();
    harness.run();
    assert!(
        in_view(harness.state(), poipet),
        "the picked row is in view"
    );
}

#[test]
fn measuring_starts_from_the_selected_feature() {
    let mut harness = sample_app();
    let (mango, _) = feature_named(harness.state(), "Mango Park");
    harness.state_mut().selection = Some(mango);
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Measure")
        .click();
    harness.run();
    let from = harness.state().measure.distance.from.clone();
    assert_eq!(from.map(|p| p.label), Some("Mango Park".to_owned()));
    type_into(&mut harness, "To", "Mango Park 2");
    harness.key_press(Key::Enter);
    harness.run();
    assert!(
        harness
            .query_by_label_contains("km · ellipsoidal")
            .is_some()
    );

    // Clear is not undone while the same feature stays selected.
    harness.get_by_label("Clear").click();
    harness.run();
    harness.run();
    assert!(harness.state().measure.distance.from.is_none());
}

#[test]
fn a_feature_under_the_pointer_is_named() {
    let mut harness = sample_app();
    let (_, p) = feature_named(harness.state(), "Poipet compound");
    let at = on_screen(&harness, p);
    harness.hover_at(at);
    // Tooltips show once the pointer rests.
    for _ in 0..3 {
        std::thread::sleep(std::time::Duration::from_millis(400));
        harness.run();
    }
    assert!(
        harness.query_by_label("Poipet compound").is_some(),
        "the hovered feature's name is shown"
    );
}

#[test]
fn the_sample_opens_only_on_the_first_run_and_later_the_last_project_reopens() {
    let first = harness(RaidmapApp::from_session(Vec::new(), Session::default()));
    assert_eq!(
        first.state().doc.layers().count(),
        2,
        "the sample, first run"
    );

    let later = Session {
        has_run: true,
        ..Session::default()
    };
    let empty = harness(RaidmapApp::from_session(Vec::new(), later.clone()));
    assert_eq!(
        empty.state().doc.layers().count(),
        0,
        "no sample after that"
    );

    // A saved project is remembered and reopened.
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("case.raidmap");
    let mut app = RaidmapApp::with_files(Vec::new());
    app.finish_loading();
    app.layout.layers_open = false;
    app.save_project(&project);
    let kept = app.session_to_keep();
    assert_eq!(kept.last_project.as_deref(), Some(project.as_path()));
    assert!(kept.has_run);
    let reopened = harness(RaidmapApp::from_session(Vec::new(), kept.clone()));
    assert_eq!(
        reopened.state().project.path.as_deref(),
        Some(project.as_path())
    );
    assert_eq!(reopened.state().doc.layers().count(), 2);
    assert!(
        !reopened.state().layout.layers_open,
        "the folded panel stays folded"
    );

    // The setting off: nothing reopens.
    let off = Session {
        reopen_last_project: false,
        ..kept
    };
    let not = harness(RaidmapApp::from_session(Vec::new(), off));
    assert_eq!(not.state().doc.layers().count(), 0);
}

#[test]
fn recovered_work_is_still_linked_to_its_project_and_a_save_leaves_nothing_to_recover() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let project = dir.path().join("case.raidmap");
    let mut app = RaidmapApp::with_files(Vec::new());
    app.finish_loading();
    app.enable_autosave(data.clone());
    app.save_project(&project);
    // A change, autosaved, then the program dies (no clean exit).
    if let Some(view) = app.views.values_mut().next() {
        view.visible = false;
    }
    assert!(app.has_unsaved_changes());
    app.autosave_now();
    assert!(data.join("running").exists());
    drop(app);

    let mut next = RaidmapApp::empty();
    next.enable_autosave(data.clone());
    assert!(next.project.recovery.is_some(), "recovery is offered");
    let mut harness = harness(next);
    harness.get_by_label("Recover").click();
    harness.run();
    harness.state_mut().finish_loading();
    harness.run();
    let app = harness.state();
    assert_eq!(app.project.path.as_deref(), Some(project.as_path()));
    assert!(app.has_unsaved_changes(), "recovered work is not saved yet");
    assert!(
        app.views.values().any(|v| !v.visible),
        "the change came back"
    );

    // Saving it back leaves no autosave to offer next time.
    harness.state_mut().save_project(&project);
    assert!(!data.join("running").exists());
    assert!(!data.join("autosave.raidmap").exists());
}

#[test]
fn tab_from_notes_goes_to_the_next_field_not_to_a_remove_button() {
    let mut harness = sample_app();
    let (raid, _) = feature_named(harness.state(), "Toul Kork raid");
    harness.state_mut().selection = Some(raid);
    harness.run();
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Notes")
        .focus();
    harness.run();
    harness.key_press(Key::Tab);
    harness.run();
    assert!(
        harness.get_by_label("Source address").is_focused(),
        "Tab from Notes went to the source's address field"
    );
    harness.key_press(Key::Tab);
    harness.run();
    assert!(harness.get_by_label("Source date").is_focused());
}

#[test]
fn tab_goes_through_the_timeline_window_in_the_order_it_reads() {
    let mut harness = sample_app();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "from")
        .focus();
    harness.run();
    harness.key_press(Key::Tab);
    harness.run();
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "to")
            .is_focused(),
        "Tab from the window's start goes to its end"
    );
    harness.key_press(Key::Tab);
    harness.run();
    assert!(
        harness
            .get_by_role_and_label(Role::Button, "Apply")
            .is_focused(),
        "then to Apply"
    );
}

#[test]
fn tab_goes_through_the_coverage_tabs_own_window_from_start_to_end() {
    let mut harness = sample_app();
    harness.get_by_label("Coverage").click();
    harness.run();
    harness.get_by_label("the timeline's").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Coverage window from")
        .focus();
    harness.run();
    harness.key_press(Key::Tab);
    harness.run();
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "Coverage window to")
            .is_focused(),
        "Tab from the window's start goes to its end"
    );
}
