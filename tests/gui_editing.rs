//! Editing in the GUI, driven through the real UI: annotate a site, add one, undo and redo,
//! save a project, reopen it in a new app (the old one gone without closing), export, and see
//! that only the edited bytes changed; autosave recovery; dragging a point; drawing a polygon;
//! one property set on several features; a failed save keeps the changes.

use egui::accesskit::Role;
use egui::{Event, Key, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use raidmap::model::FeatureRef;
use raidmap::ui::app::RaidmapApp;
use raidmap::ui::command::Command;
use raidmap::ui::map::editing::Tool;
use serde_json::{Value, json};

use crate::gui::{click_at, drag, feature_named, harness, on_screen, sample_app};

const SITES: &str = include_str!("../data/sites.geojson");

fn sites_layer(app: &RaidmapApp) -> raidmap::model::LayerId {
    app.doc
        .layers()
        .find(|(_, l)| l.name == "sites.geojson")
        .map(|(id, _)| id)
        .expect("the sites layer")
}

fn key(harness: &mut Harness<'_, RaidmapApp>, modifiers: Modifiers, key: Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run();
}

/// Click somewhere neutral (the status bar) so a text field loses focus and commits.
fn click_away(harness: &mut Harness<'_, RaidmapApp>) {
    let size = harness.ctx.content_rect().size();
    click_at(harness, Pos2::new(size.x / 2.0, size.y - 6.0));
}

fn type_into(harness: &mut Harness<'_, RaidmapApp>, node_label: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, node_label)
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, node_label)
        .type_text(text);
    harness.run();
}

#[test]
fn annotate_add_undo_redo_save_reopen_and_export_changes_only_what_was_edited() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = sample_app();
    let (mango2, point) = feature_named(harness.state(), "Mango Park 2");
    let pos = on_screen(&harness, point);
    click_at(&mut harness, pos);
    assert_eq!(harness.state().selection, Some(mango2));

    // Annotate: the status from its list, a note typed in.
    harness.get_by_label("Status of the site").click();
    harness.run();
    harness.get_by_label("operating").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Notes")
        .click();
    harness.run();
    key(&mut harness, Modifiers::COMMAND, Key::A);
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Notes")
        .type_text("Seen in a video, 2025-08-02");
    harness.run();
    click_away(&mut harness);
    let f = harness.state().doc.feature(mango2).expect("still there");
    assert_eq!(f.property("status"), Some(&json!("operating")));
    assert_eq!(
        f.property("notes"),
        Some(&json!("Seen in a video, 2025-08-02"))
    );

    // Add a site: the Point tool, a click on the map, a name.
    harness.get_by_label("Point").click();
    harness.run();
    let empty = pos + egui::vec2(60.0, -80.0);
    click_at(&mut harness, empty);
    let sites = sites_layer(harness.state());
    let count = SITES.lines().filter(|l| l.starts_with("  {")).count();
    let new = FeatureRef {
        layer: sites,
        index: count,
    };
    assert_eq!(
        harness.state().selection,
        Some(new),
        "the new point is selected"
    );
    // One point, then the tool is back to selecting; the point has a UUID `id`.
    assert_eq!(harness.state().editing.tool, Tool::Select);
    let new_id = harness.state().doc.feature(new).and_then(|f| f.id_text());
    assert!(
        new_id
            .as_ref()
            .is_some_and(|id| id.len() == 36 && id.matches('-').count() == 4),
        "a UUID id: {new_id:?}"
    );
    let new_id = new_id.unwrap_or_default();
    // The name is asked: its field has the keyboard, so typing names the point.
    harness.run();
    harness.event(Event::Text("New compound".into()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    click_away(&mut harness);
    let name = |h: &Harness<'_, RaidmapApp>| {
        h.state()
            .doc
            .feature(new)
            .and_then(|f| f.name().map(str::to_owned))
    };
    assert_eq!(name(&harness).as_deref(), Some("New compound"));

    // Undo twice (the name, then the point), redo twice.
    key(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(name(&harness), None);
    key(&mut harness, Modifiers::COMMAND, Key::Z);
    assert!(
        harness.state().doc.feature(new).is_none(),
        "the point is gone"
    );
    key(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert!(harness.state().doc.feature(new).is_some());
    key(&mut harness, Modifiers::COMMAND, Key::Y);
    assert_eq!(name(&harness).as_deref(), Some("New compound"));
    let history: Vec<String> = harness
        .state()
        .editing
        .history
        .done()
        .iter()
        .map(|e| e.description.clone())
        .collect();
    assert_eq!(history.len(), 4, "{history:?}");
    assert!(history[0].contains("Mango Park 2"), "{history:?}");

    // Save the project, then let the app go without closing it (as if killed).
    let project = dir.path().join("work.raidmap");
    harness
        .state_mut()
        .push(Command::SaveProjectAs(project.clone()));
    harness.run();
    assert!(!harness.state().has_unsaved_changes());
    let point_position = harness
        .state()
        .doc
        .feature(new)
        .and_then(|f| f.geometry().cloned());
    std::mem::forget(harness);

    let mut reopened = harness_with(RaidmapApp::empty());
    reopened
        .state_mut()
        .push(Command::OpenProject(project.clone()));
    reopened.run();
    // The project is read on its own thread: wait for it.
    reopened.state_mut().finish_loading();
    reopened.run();
    let app = reopened.state();
    assert_eq!(app.doc.len(), 2, "both layers are back");
    let sites = sites_layer(app);
    let export = dir.path().join("sites-annotated.geojson");
    reopened
        .state_mut()
        .push(Command::Export(sites, export.clone()));
    reopened.run();

    // The export differs from the input only by the status, the note and the new site.
    let out = std::fs::read_to_string(&export).expect("exported");
    let Some(geo::Geometry::Point(p)) = point_position else {
        panic!("the new site is a point")
    };
    let mut expected: Vec<String> = SITES.lines().map(str::to_owned).collect();
    let mango_line = expected
        .iter()
        .position(|l| l.contains("\"Mango Park 2\""))
        .expect("Mango Park 2 in the sample");
    let line = expected[mango_line].clone();
    let end = line.trim_end_matches(',');
    let comma = &line[end.len()..];
    let old: Value = serde_json::from_str(end).expect("a feature");
    let old_notes = serde_json::to_string(&old["properties"]["notes"]).expect("JSON");
    expected[mango_line] = format!(
        "{}{comma}",
        end.replace("\"status\": \"suspected\"", "\"status\": \"operating\"")
            .replace(
                &format!("\"notes\": {old_notes}"),
                "\"notes\": \"Seen in a video, 2025-08-02\""
            )
    );
    assert_ne!(expected[mango_line], line.as_str(), "the notes were found");
    let last = expected
        .iter()
        .rposition(|l| l.starts_with("  {"))
        .expect("features");
    expected[last].push(',');
    let coordinates = serde_json::to_string(&json!([p.x(), p.y()])).expect("JSON");
    let coordinates = coordinates.replace(',', ", ");
    expected.insert(
        last + 1,
        format!(
            "  {{\"type\": \"Feature\", \"id\": \"{new_id}\", \"geometry\": {{\"type\": \"Point\", \"coordinates\": {coordinates}}}, \"properties\": {{\"name\": \"New compound\"}}}}"
        ),
    );
    let expected = expected.join("\n") + "\n";
    assert_eq!(out, expected);
    // The source was never written.
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/sites.geojson"));
    assert_eq!(source.expect("readable"), SITES);
}

fn harness_with(app: RaidmapApp) -> Harness<'static, RaidmapApp> {
    harness(app)
}

#[test]
fn work_autosaved_before_a_crash_is_offered_back_at_the_next_start() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut first = sample_app();
    first.state_mut().enable_autosave(data.path().to_owned());
    let (mango, _) = feature_named(first.state(), "Mango Park");
    first.state_mut().push(Command::Edit(
        raidmap::edit::Edit::SetProperty {
            target: mango,
            key: "status".into(),
            value: json!("operating"),
        },
        "Set status".into(),
    ));
    first.run();
    first.state_mut().autosave_now();
    // The app dies: no on_exit.
    std::mem::forget(first);

    let mut app = RaidmapApp::with_files(Vec::new());
    app.enable_autosave(data.path().to_owned());
    let mut second = harness(app);
    second.get_by_label("Recover unsaved work?");
    second
        .get_by_role_and_label(Role::Button, "Recover")
        .click();
    second.run();
    // The project is read on its own thread: wait for it.
    second.state_mut().finish_loading();
    second.run();
    let (mango, _) = feature_named(second.state(), "Mango Park");
    let f = second.state().doc.feature(mango).expect("there");
    assert_eq!(f.property("status"), Some(&json!("operating")));
    assert!(
        second.state().has_unsaved_changes(),
        "recovered work is not saved in a project yet"
    );

    // A clean exit without unsaved changes leaves nothing to recover.
    let mut third = RaidmapApp::with_files(Vec::new());
    third.enable_autosave(data.path().to_owned());
    assert!(third.project.recovery.is_some());
    third.project.recovery = None;
    third.on_exit();
    let mut fourth = RaidmapApp::with_files(Vec::new());
    fourth.enable_autosave(data.path().to_owned());
    assert!(fourth.project.recovery.is_none());
}

#[test]
fn dragging_a_selected_point_moves_it_and_undo_puts_it_back() {
    let mut harness = sample_app();
    let (mango, point) = feature_named(harness.state(), "Poipet compound");
    harness.state_mut().push(Command::Select(Some(mango)));
    harness.run();
    let pos = on_screen(&harness, point);
    let before = harness.state().map.view();
    drag(&mut harness, pos, pos + egui::vec2(40.0, 25.0));
    let Some(geo::Geometry::Point(moved)) = harness
        .state()
        .doc
        .feature(mango)
        .and_then(|f| f.geometry().cloned())
    else {
        panic!("still a point")
    };
    assert!(
        moved.x() > point.x() && moved.y() < point.y(),
        "{moved:?} from {point:?}"
    );
    assert_eq!(harness.state().map.view(), before, "the map did not pan");
    key(&mut harness, Modifiers::COMMAND, Key::Z);
    let back = harness
        .state()
        .doc
        .feature(mango)
        .and_then(|f| f.original_text().map(str::to_owned));
    assert!(back.is_some(), "undo gives back the feature as read");
}

#[test]
fn a_polygon_drawn_with_the_polygon_tool_becomes_a_feature() {
    let mut harness = sample_app();
    let (_, point) = feature_named(harness.state(), "Mango Park");
    let pos = on_screen(&harness, point) + egui::vec2(-120.0, -120.0);
    harness.get_by_label("Polygon").click();
    harness.run();
    for offset in [
        egui::vec2(0.0, 0.0),
        egui::vec2(50.0, 0.0),
        egui::vec2(25.0, 40.0),
    ] {
        click_at(&mut harness, pos + offset);
    }
    harness
        .get_by_role_and_label(Role::Button, "Finish")
        .click();
    harness.run();
    let app = harness.state();
    let sites = sites_layer(app);
    let selected = app.selection.expect("the new polygon is selected");
    assert_eq!(selected.layer, sites);
    let Some(geo::Geometry::Polygon(polygon)) = app
        .doc
        .feature(selected)
        .and_then(|f| f.geometry().cloned())
    else {
        panic!("a polygon")
    };
    assert_eq!(polygon.exterior().0.len(), 4, "three corners, closed");

    // Pull a vertex out of the first side's middle, then remove it with a right-click.
    let corners = |h: &Harness<'_, RaidmapApp>| match h
        .state()
        .doc
        .feature(selected)
        .and_then(|f| f.geometry().cloned())
    {
        Some(geo::Geometry::Polygon(p)) => p.exterior().0.len() - 1,
        other => panic!("not a polygon: {other:?}"),
    };
    let a = on_screen(&harness, geo::Point(polygon.exterior().0[0]));
    let b = on_screen(&harness, geo::Point(polygon.exterior().0[1]));
    let middle = a + (b - a) / 2.0;
    drag(&mut harness, middle, middle + egui::vec2(0.0, -30.0));
    assert_eq!(corners(&harness), 4, "a vertex was added");
    let added = middle + egui::vec2(0.0, -30.0);
    harness.hover_at(added);
    harness.run();
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos: added,
            button: PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run();
    assert_eq!(corners(&harness), 3, "the vertex was removed");
    let history = &harness.state().editing.history;
    let steps: Vec<&str> = history
        .done()
        .iter()
        .map(|e| e.description.as_str())
        .collect();
    assert_eq!(steps.len(), 3, "{steps:?}");
    assert!(steps[1].starts_with("Add a vertex"), "{steps:?}");
    assert!(steps[2].starts_with("Remove a vertex"), "{steps:?}");
}

#[test]
fn a_property_set_on_three_ctrl_clicked_sites_is_one_undo_step() {
    let mut harness = sample_app();
    let (first, _) = feature_named(harness.state(), "Preah Sihanouk building");
    harness.state_mut().push(Command::Select(Some(first)));
    harness.run();
    for name in ["Poipet compound", "Mango Park 2"] {
        let (_, point) = feature_named(harness.state(), name);
        let pos = on_screen(&harness, point);
        harness.hover_at(pos);
        harness.run();
        for pressed in [true, false] {
            harness.event(Event::PointerButton {
                pos,
                button: PointerButton::Primary,
                pressed,
                modifiers: Modifiers::COMMAND,
            });
        }
        harness.run();
    }
    let app = harness.state();
    let refs = app.editing.selected(app.selection);
    assert_eq!(refs.len(), 3, "three features selected");
    harness.get_by_label(&format!("{} features selected", refs.len()));
    type_into(&mut harness, "New property's name", "checked_by");
    type_into(&mut harness, "New property's value", "analyst A");
    harness.get_by_role_and_label(Role::Button, "Add").click();
    harness.run();
    for r in &refs {
        let f = harness.state().doc.feature(*r).expect("there");
        assert_eq!(f.property("checked_by"), Some(&json!("analyst A")));
    }
    assert_eq!(harness.state().editing.history.done().len(), 1);
    harness.state_mut().push(Command::Undo);
    harness.run();
    for r in &refs {
        let f = harness.state().doc.feature(*r).expect("there");
        assert_eq!(f.property("checked_by"), None::<&Value>);
    }
}

#[test]
fn a_save_that_fails_keeps_the_changes_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = sample_app();
    let (mango, _) = feature_named(harness.state(), "Mango Park");
    harness.state_mut().push(Command::Edit(
        raidmap::edit::Edit::RemoveProperty {
            target: mango,
            key: "status".into(),
        },
        "Delete status".into(),
    ));
    harness.run();
    // A folder where the project file should be.
    let folder = dir.path().join("taken.raidmap");
    std::fs::create_dir(&folder).expect("mkdir");
    harness
        .state_mut()
        .push(Command::SaveProjectAs(folder.clone()));
    harness.run();
    assert!(harness.state().has_unsaved_changes());
    assert!(harness.state().project.path.is_none());
    harness.get_by_label_contains("it is a folder, not a file");
    harness.get_by_label_contains("The project was not saved; your changes are kept");
    // A folder that does not exist.
    harness.state_mut().push(Command::SaveProjectAs(
        dir.path().join("missing").join("p.raidmap"),
    ));
    harness.run();
    assert!(
        harness
            .get_all_by_label_contains("does not exist")
            .next()
            .is_some()
    );
    assert!(harness.state().has_unsaved_changes());
}

#[test]
fn opening_a_project_over_unsaved_changes_asks_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("p.raidmap");
    let mut harness = sample_app();
    harness
        .state_mut()
        .push(Command::SaveProjectAs(project.clone()));
    harness.run();
    let (mango, _) = feature_named(harness.state(), "Mango Park");
    let edit = |value: &str| {
        Command::Edit(
            raidmap::edit::Edit::SetProperty {
                target: mango,
                key: "status".into(),
                value: json!(value),
            },
            "Set status".into(),
        )
    };
    harness.state_mut().push(edit("closed"));
    harness.run();
    harness
        .state_mut()
        .push(Command::OpenProject(project.clone()));
    harness.run();
    harness.get_by_label("Unsaved changes");
    harness
        .get_by_role_and_label(Role::Button, "Cancel")
        .click();
    harness.run();
    let status = |h: &Harness<'_, RaidmapApp>| {
        let (m, _) = feature_named(h.state(), "Mango Park");
        h.state()
            .doc
            .feature(m)
            .and_then(|f| f.property("status").cloned())
    };
    assert_eq!(
        status(&harness),
        Some(json!("closed")),
        "cancel keeps the changes"
    );
    harness.state_mut().push(Command::OpenProject(project));
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Discard changes and open")
        .click();
    harness.run();
    // The project is read on its own thread: wait for it.
    harness.state_mut().finish_loading();
    harness.run();
    assert_eq!(
        status(&harness),
        Some(json!("raided")),
        "the saved project is back"
    );
    assert!(!harness.state().has_unsaved_changes());
}

#[test]
fn a_style_change_is_an_unsaved_change_and_is_saved_with_the_project() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = sample_app();
    assert!(!harness.state().has_unsaved_changes());
    let sites = sites_layer(harness.state());
    if let Some(view) = harness.state_mut().views.get_mut(&sites) {
        view.style_mut().point_radius = 11.0;
    }
    harness.run();
    assert!(harness.state().has_unsaved_changes());
    let project = dir.path().join("styled.raidmap");
    harness
        .state_mut()
        .push(Command::SaveProjectAs(project.clone()));
    harness.run();
    assert!(!harness.state().has_unsaved_changes());
    let mut reopened = harness_with(RaidmapApp::empty());
    reopened.state_mut().push(Command::OpenProject(project));
    reopened.run();
    // The project is read on its own thread: wait for it.
    reopened.state_mut().finish_loading();
    reopened.run();
    let sites = sites_layer(reopened.state());
    assert_eq!(reopened.state().views[&sites].style().point_radius, 11.0);
}

#[test]
fn a_project_with_an_online_basemap_does_not_switch_it_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("online.raidmap");
    std::fs::write(
        &project,
        r#"{"raidmap_project": 1, "layers": [],
            "basemap": {"source": {"kind": "open_street_map"}, "opacity": 0.6}}"#,
    )
    .expect("written");
    let mut harness = harness_with(RaidmapApp::empty());
    harness.state_mut().push(Command::OpenProject(project));
    harness.run();
    // The project is read on its own thread: wait for it.
    harness.state_mut().finish_loading();
    harness.run();
    let basemap = &harness.state().map.basemap;
    assert_eq!(basemap.source(), &raidmap::tiles::Source::Offline);
    assert!((basemap.settings.opacity - 0.6).abs() < 1e-6);
    harness.get_by_label("The project's basemap is online");
}

#[test]
fn shift_click_keeps_the_point_tool_and_points_have_few_decimals() {
    let mut harness = sample_app();
    harness.get_by_label("Point").click();
    harness.run();
    let (_, mango) = feature_named(harness.state(), "Mango Park");
    let pos = on_screen(&harness, mango) + egui::vec2(60.0, -80.0);
    harness.hover_at(pos);
    harness.run();
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::SHIFT,
        });
    }
    harness.run();
    assert_eq!(
        harness.state().editing.tool,
        Tool::AddPoint,
        "Shift holds the tool"
    );
    let sites = sites_layer(harness.state());
    let layer = harness.state().doc.layer(sites).expect("sites");
    let point = layer
        .features
        .last()
        .and_then(|f| f.point())
        .expect("a point was added");
    for x in [point.x, point.y] {
        let decimals = x.to_string().split('.').nth(1).map_or(0, str::len);
        assert!(decimals <= 7, "{x} has {decimals} decimals");
    }
}
