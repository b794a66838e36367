//! The window's database work against the real test server (`source .ci/postgres.sh`; without
//! it these tests fail): Open database… with the password asked in the window and the tables
//! listed with row counts, a table opened in the background, Save to database with the
//! outcome shown, conflicts with another person's save settled in the window, undo after a
//! save, a refresh when the window gets the focus back with others' changes marked, and clear
//! errors (wrong password, no server, no PostGIS).

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use raidmap::edit::Edit;
use raidmap::io::postgis::Address;
use raidmap::model::{FeatureRef, LayerId};
use raidmap::ui::app::RaidmapApp;
use raidmap::ui::command::Command;
use serde_json::{Value, json};

use crate::gui::harness;
use crate::postgis_server::{Server, fresh_table, server};

fn sites(server: &Server) -> String {
    let table = fresh_table("gui_sites");
    server.sql(&format!(
        "CREATE TABLE {table} (id integer PRIMARY KEY, geom geometry(Point, 4326),
                               name text, status text);
         INSERT INTO {table} VALUES
           (1, 'SRID=4326;POINT(104.9 11.55)', 'Mango Park', 'active'),
           (2, 'SRID=4326;POINT(103.5 10.6)', 'Golden Fortune', 'active'),
           (3, 'SRID=4326;POINT(102.9 11.0)', 'Jinbei 4', 'raided');"
    ));
    table
}

/// Run frames until the database work and the reading under way have ended.
fn settle(harness: &mut Harness<'_, RaidmapApp>) {
    let ctx = harness.ctx.clone();
    harness.state_mut().finish_database(&ctx);
    harness.run_ok();
    let ctx = harness.ctx.clone();
    harness.state_mut().finish_database(&ctx);
    harness.run();
}

/// Type into the field named `label` (a text or password field).
fn type_into(harness: &mut Harness<'_, RaidmapApp>, label: &str, text: &str) {
    harness.get_by_label(label).click();
    harness.run_ok();
    harness.get_by_label(label).type_text(text);
    harness.run_ok();
}

/// Click and run frames (a spinner may keep asking for more while the server is asked).
fn click(harness: &mut Harness<'_, RaidmapApp>, label: &str) {
    // Scrolled into view first: the test database holds other tests' tables too.
    harness.get_by_label(label).scroll_to_me();
    harness.run_ok();
    harness.get_by_label(label).click();
    harness.run_ok();
}

/// The app with `table` opened through the window (the password typed in it).
fn opened(server: &Server, table: &str) -> (Harness<'static, RaidmapApp>, LayerId) {
    let mut harness = harness(RaidmapApp::empty());
    click(&mut harness, "Open database…");
    type_into(&mut harness, "Database address", &server.base);
    type_into(&mut harness, "Database password", &server.password);
    click(&mut harness, "Connect");
    settle(&mut harness);
    click(&mut harness, &format!("Open {table}, 3 rows"));
    settle(&mut harness);
    let id = harness.state().database_layers()[0];
    (harness, id)
}

fn feature_with_id(app: &RaidmapApp, layer: LayerId, id: i64) -> FeatureRef {
    let index = app
        .doc
        .layer(layer)
        .expect("layer")
        .features
        .iter()
        .position(|f| f.id() == Some(&json!(id)))
        .unwrap_or_else(|| panic!("no feature {id}"));
    FeatureRef { layer, index }
}

fn set(harness: &mut Harness<'_, RaidmapApp>, layer: LayerId, id: i64, key: &str, value: Value) {
    let target = feature_with_id(harness.state(), layer, id);
    harness.state_mut().push(Command::Edit(
        Edit::SetProperty {
            target,
            key: key.into(),
            value,
        },
        format!("Set {key}"),
    ));
    harness.run();
}

fn status_of(server: &Server, table: &str, id: i64) -> Option<String> {
    server.text(&format!("SELECT status FROM {table} WHERE id = {id}"))
}

#[test]
fn open_database_asks_the_password_lists_tables_and_opens_one_in_the_background() {
    let server = server();
    let table = sites(&server);
    let mut harness = harness(RaidmapApp::empty());
    click(&mut harness, "Open database…");
    type_into(&mut harness, "Database address", &server.base);
    click(&mut harness, "Connect");
    settle(&mut harness);
    // No PGPASSWORD in the tests' environment: the window asks.
    harness.get_by_label_contains("asks for a password");

    // A wrong password is said to be wrong, and never shown.
    type_into(&mut harness, "Database password", "not-the-password");
    click(&mut harness, "Connect");
    settle(&mut harness);
    harness.get_by_label_contains("password authentication failed");
    harness.get_by_label_contains("The password (or user name) is wrong");
    assert!(
        harness
            .query_by_label_contains("not-the-password")
            .is_none()
    );

    type_into(&mut harness, "Database password", &server.password);
    click(&mut harness, "Connect");
    settle(&mut harness);
    assert!(harness.query_by_label_contains(&server.password).is_none());
    // The table list: name and row count.
    click(&mut harness, &format!("Open {table}, 3 rows"));
    settle(&mut harness);

    let app = harness.state();
    let ids = app.database_layers();
    let problems: Vec<String> = app
        .problems
        .iter()
        .flat_map(|p| std::iter::once(p.title.clone()).chain(p.lines.clone()))
        .collect();
    assert_eq!(ids.len(), 1, "one database layer; problems: {problems:?}");
    let layer = app.doc.layer(ids[0]).expect("layer");
    assert_eq!(layer.features.len(), 3);
    let origin = layer.table.as_deref().expect("a table layer");
    assert!(origin.address.contains(&format!("table={table}")));
    assert!(!origin.address.contains(&server.password));
    harness.get_by_label("Save to database");
    harness.get_by_label("Refresh");
}

#[test]
fn save_sends_changes_conflicts_are_settled_in_the_window_and_undo_after_saving_is_saved() {
    let server = server();
    let table = sites(&server);
    let (mut harness, layer) = opened(&server, &table);

    // Nothing changed: nothing to save, said so.
    click(&mut harness, "Save to database");
    settle(&mut harness);
    harness.get_by_label_contains("Nothing to save");

    // Mine: 1's status and 2's name. Theirs, meanwhile: 1's status (a conflict) and 2's
    // status (another property of a row I changed: both survive).
    set(&mut harness, layer, 1, "status", json!("closed"));
    set(
        &mut harness,
        layer,
        2,
        "name",
        json!("Golden Fortune Resort"),
    );
    server.sql(&format!(
        "UPDATE {table} SET status = 'raided' WHERE id = 1;
         UPDATE {table} SET status = 'moved' WHERE id = 2;"
    ));
    click(&mut harness, "Save to database");
    settle(&mut harness);
    // Refused as a whole: nothing written, the conflict shown with their value and mine.
    harness.get_by_label_contains("of your changes conflict with others' saves");
    assert_eq!(status_of(&server, &table, 1).as_deref(), Some("raided"));
    assert_eq!(
        server
            .text(&format!("SELECT name FROM {table} WHERE id = 2"))
            .as_deref(),
        Some("Golden Fortune")
    );
    harness.get_by_label("theirs: \"raided\"");
    // Keep mine, and save again from the window.
    click(&mut harness, "yours: \"closed\"");
    click(&mut harness, "Apply and save again");
    settle(&mut harness);
    harness.get_by_label_contains("Saved ");
    assert_eq!(status_of(&server, &table, 1).as_deref(), Some("closed"));
    assert_eq!(status_of(&server, &table, 2).as_deref(), Some("moved"));
    assert_eq!(
        server
            .text(&format!("SELECT name FROM {table} WHERE id = 2"))
            .as_deref(),
        Some("Golden Fortune Resort")
    );
    let app = harness.state();
    let l = app.doc.layer(layer).expect("layer");
    assert!(
        l.features.iter().all(|f| !f.is_edited()),
        "saved features are the rows as written"
    );

    // Undo the settling and the name change (both saved already): the name change undone is
    // a change to save, and saving writes it; the settled status stays as saved.
    harness.state_mut().push(Command::Undo);
    harness.run();
    harness.state_mut().push(Command::Undo);
    harness.run();
    let target = feature_with_id(harness.state(), layer, 2);
    let feature = harness.state().doc.feature(target).expect("feature");
    assert_eq!(feature.property("name"), Some(&json!("Golden Fortune")));
    assert!(feature.is_edited(), "the undo is an unsaved change");
    click(&mut harness, "Save to database");
    settle(&mut harness);
    assert_eq!(
        server
            .text(&format!("SELECT name FROM {table} WHERE id = 2"))
            .as_deref(),
        Some("Golden Fortune")
    );
    // Their status of row 2 survived every save, my status of row 1 too.
    assert_eq!(status_of(&server, &table, 2).as_deref(), Some("moved"));
    assert_eq!(status_of(&server, &table, 1).as_deref(), Some("closed"));
}

#[test]
fn taking_theirs_gives_up_mine_and_a_deleted_row_can_be_kept() {
    let server = server();
    let table = sites(&server);
    let (mut harness, layer) = opened(&server, &table);
    set(&mut harness, layer, 1, "status", json!("closed"));
    set(&mut harness, layer, 3, "status", json!("reopened"));
    server.sql(&format!(
        "UPDATE {table} SET status = 'raided' WHERE id = 1; DELETE FROM {table} WHERE id = 3;"
    ));
    click(&mut harness, "Save to database");
    settle(&mut harness);
    harness.get_by_label_contains("someone deleted this row");
    click(&mut harness, "theirs: \"raided\"");
    click(&mut harness, "keep yours (add it back)");
    click(&mut harness, "Apply and save again");
    settle(&mut harness);
    assert_eq!(status_of(&server, &table, 1).as_deref(), Some("raided"));
    assert_eq!(status_of(&server, &table, 3).as_deref(), Some("reopened"));
    let app = harness.state();
    let target = feature_with_id(app, layer, 1);
    assert_eq!(
        app.doc.feature(target).and_then(|f| f.property("status")),
        Some(&json!("raided"))
    );
}

#[test]
fn others_changes_come_in_when_the_window_gets_the_focus_back_and_are_marked() {
    let server = server();
    let table = sites(&server);
    let (mut harness, layer) = opened(&server, &table);
    // An unsaved edit of mine, kept through the refresh.
    set(&mut harness, layer, 2, "status", json!("closed"));

    // The window loses the focus; others save; it gets the focus back.
    harness.input_mut().focused = false;
    harness.run();
    server.sql(&format!(
        "UPDATE {table} SET status = 'raided' WHERE id = 1;
         DELETE FROM {table} WHERE id = 3;
         INSERT INTO {table} VALUES (4, 'SRID=4326;POINT(104.0 12.0)', 'New Site', 'active');"
    ));
    harness.input_mut().focused = true;
    harness.run();
    settle(&mut harness);
    harness.get_by_label_contains("Brought in others' changes");
    let app = harness.state();
    let l = app.doc.layer(layer).expect("layer");
    let status = |id: i64| {
        l.features
            .iter()
            .find(|f| f.id() == Some(&json!(id)))
            .and_then(|f| f.property("status").cloned())
    };
    assert_eq!(status(1), Some(json!("raided")));
    assert_eq!(status(2), Some(json!("closed")), "my unsaved edit is kept");
    assert_eq!(status(3), None, "their deletion came in");
    assert_eq!(status(4), Some(json!("active")));
    let marks = &app.database.marks;
    assert_eq!(
        (marks.changed.len(), marks.added.len(), marks.removed.len()),
        (1, 1, 1)
    );
    // My edit saves over nothing of theirs.
    click(&mut harness, "Save to database");
    settle(&mut harness);
    assert_eq!(status_of(&server, &table, 2).as_deref(), Some("closed"));
    assert_eq!(status_of(&server, &table, 1).as_deref(), Some("raided"));

    // Focus back with no change in the table: nothing is read, nothing changes.
    let revision = harness.state().doc.layer_revision(layer);
    harness.input_mut().focused = false;
    harness.run();
    harness.input_mut().focused = true;
    harness.run();
    settle(&mut harness);
    assert_eq!(harness.state().doc.layer_revision(layer), revision);
}

#[test]
fn no_server_and_no_postgis_are_said_clearly() {
    let server = server();
    let mut harness = harness(RaidmapApp::empty());
    click(&mut harness, "Open database…");
    // Nothing listens on port 1.
    type_into(
        &mut harness,
        "Database address",
        "postgresql://raidmap@127.0.0.1:1/raidmap",
    );
    click(&mut harness, "Connect");
    settle(&mut harness);
    harness.get_by_label_contains("No database server answers there");

    // The cluster's `postgres` database has no PostGIS.
    let address = Address::parse(&server.base).expect("address");
    let no_postgis = Address {
        database: "postgres".into(),
        ..address
    };
    harness
        .state_mut()
        .database
        .secrets
        .remember(&no_postgis, server.password.clone());
    harness.state_mut().database.open.address = no_postgis.to_string();
    harness.run();
    click(&mut harness, "Connect");
    settle(&mut harness);
    harness.get_by_label_contains("has no PostGIS");
}

#[test]
fn unsaved_database_edits_survive_a_crash_in_the_autosave_without_the_password() {
    let server = server();
    let table = sites(&server);
    let data = tempfile::tempdir().expect("temp dir");
    let (mut first, layer) = opened(&server, &table);
    first.state_mut().enable_autosave(data.path().to_owned());
    set(&mut first, layer, 1, "status", json!("closed"));
    assert_eq!(first.state_mut().unsaved_in_database(), 1);
    first.state_mut().autosave_now();
    // The app dies: no on_exit.
    std::mem::forget(first);
    // Someone else changes another property of the same row meanwhile.
    server.sql(&format!(
        "UPDATE {table} SET name = 'Mango Park II' WHERE id = 1"
    ));
    for entry in std::fs::read_dir(data.path()).expect("autosave dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let bytes = std::fs::read(&path).expect("autosave");
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(&server.password),
                "{} holds the password",
                path.display()
            );
        }
    }

    let mut app = RaidmapApp::with_files(Vec::new());
    app.enable_autosave(data.path().to_owned());
    let mut second = harness(app);
    click(&mut second, "Recover");
    second.state_mut().finish_loading();
    second.run();
    let layers = second.state().database_layers();
    assert_eq!(
        layers.len(),
        1,
        "the recovered layer is still a database layer"
    );
    let layer = layers[0];
    assert_eq!(
        second.state_mut().unsaved_in_database(),
        1,
        "offered to save"
    );
    let target = feature_with_id(second.state(), layer, 1);
    let feature = second.state().doc.feature(target).expect("feature");
    assert!(feature.is_edited());
    assert_eq!(feature.property("status"), Some(&json!("closed")));

    // No password in this run yet: the window asks for it, then the save goes through and
    // keeps the other person's change.
    click(&mut second, "Save to database");
    settle(&mut second);
    second.get_by_label_contains("asks for a password to save");
    type_into(&mut second, "Database password", &server.password);
    click(&mut second, "Connect");
    settle(&mut second);
    click(&mut second, "Save to database");
    settle(&mut second);
    assert_eq!(status_of(&server, &table, 1).as_deref(), Some("closed"));
    assert_eq!(
        server
            .text(&format!("SELECT name FROM {table} WHERE id = 1"))
            .as_deref(),
        Some("Mango Park II")
    );
}

#[test]
fn saving_an_encrypted_projects_changes_to_the_database_warns_first_and_says_why_not_encrypted() {
    let server = server();
    let table = sites(&server);
    let (mut harness, layer) = opened(&server, &table);
    harness.state_mut().project.evidence.seal = Some(raidmap::evidence::Seal::Passphrase(
        "correct horse battery staple".into(),
    ));
    set(&mut harness, layer, 1, "status", json!("closed"));

    // The warning, with why there is no encrypted form; Cancel sends nothing.
    click(&mut harness, "Save to database");
    harness.get_by_label_contains("would be sent to the database tables");
    harness.get_by_label_contains("A database table cannot be encrypted");
    assert!(
        harness
            .query_by_label_contains("Write it encrypted")
            .is_none(),
        "no encrypted form offered"
    );
    click(&mut harness, "Cancel");
    settle(&mut harness);
    assert_eq!(status_of(&server, &table, 1).as_deref(), Some("active"));
    assert!(harness.query_by_label_contains("would be sent").is_none());

    // Agreed: the change is saved.
    click(&mut harness, "Save to database");
    click(&mut harness, "Write it in plaintext");
    settle(&mut harness);
    harness.get_by_label_contains("Saved ");
    assert_eq!(status_of(&server, &table, 1).as_deref(), Some("closed"));
}
