//! PostgreSQL/PostGIS tables as layers against the real test server: reading types, read-only
//! tables, hostile names, saving with conflicts and merges, a server lost mid-save, TLS and
//! passwords.

use serde_json::{Value, json};

use raidmap::io::postgis::{
    self, Address, Changes, Choice, ConflictKind, DbError, Field, SaveOutcome, TableName,
};
use raidmap::io::{Progress, ReadError};
use raidmap::model::Layer;

use crate::postgis_server::{Server, fresh_table, server};

fn open(server: &Server, table: &str) -> Layer {
    let address = server.address(table);
    let mut conn = postgis::connect(&address, Some(&server.password)).expect("connects");
    let described =
        postgis::describe(&mut conn, address.table.as_ref().expect("table")).expect("described");
    postgis::read_table(&mut conn, &address, &described, &Progress::default()).expect("reads")
}

fn save(server: &Server, layer: &mut Layer) -> SaveOutcome {
    let address =
        Address::parse(&layer.table.as_ref().expect("a table layer").address).expect("parses");
    let mut conn = postgis::connect(&address, Some(&server.password)).expect("connects");
    let changes = Changes::of(layer);
    let outcome = postgis::save(&mut conn, address.table.as_ref().expect("table"), &changes)
        .expect("the save ran");
    if let SaveOutcome::Saved(saved) = &outcome {
        saved.apply(layer);
    }
    outcome
}

fn index_of(layer: &Layer, id: Value) -> usize {
    layer
        .features
        .iter()
        .position(|f| f.id() == Some(&id))
        .unwrap_or_else(|| panic!("no feature {id}"))
}

fn sites(server: &Server) -> String {
    let table = fresh_table("sites");
    server.sql(&format!(
        "CREATE TABLE {table} (id integer PRIMARY KEY, geom geometry(Point, 4326),
                               name text, status text, visits integer);
         INSERT INTO {table} VALUES
           (1, 'SRID=4326;POINT(104.9 11.55)', 'Mango Park', 'active', 1),
           (2, 'SRID=4326;POINT(103.5 10.6)', 'Golden Fortune', 'active', 2),
           (3, 'SRID=4326;POINT(102.9 11.0)', 'Jinbei 4', 'raided', 3);"
    ));
    table
}

#[test]
fn a_table_reads_with_its_types_its_key_as_id_and_geometry_in_wgs84() {
    let server = server();
    let table = fresh_table("types");
    server.sql(&format!(
        "CREATE TABLE {table} (
            code text PRIMARY KEY,
            geom geometry(Point, 32648),
            n integer, big bigint, exact numeric, ok boolean, note text,
            doc jsonb, seen timestamptz, local_seen timestamp, day date, tags text[]);
         INSERT INTO {table} VALUES
           ('MP-1', ST_Transform('SRID=4326;POINT(104.9 11.55)'::geometry, 32648), 7,
            9007199254740993, 12345678901234567890.125, true, 'Mango \"Park\"',
            '{{\"floors\": [1, 2]}}', '2025-07-14 03:00:00+07', '2025-07-14 03:00', '2025-07-14',
            ARRAY['casino', 'fenced']),
           ('no-geom', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);"
    ));
    let layer = open(&server, &table);
    assert_eq!(layer.features.len(), 2);
    let text = raidmap::io::to_string(&layer);
    let value: Value = serde_json::from_str(&text).expect("GeoJSON");
    let f = &value["features"][0];
    assert_eq!(f["id"], "MP-1");
    let xy = f["geometry"]["coordinates"].as_array().expect("a point");
    assert!((xy[0].as_f64().expect("x") - 104.9).abs() < 1e-6, "{xy:?}");
    assert!((xy[1].as_f64().expect("y") - 11.55).abs() < 1e-6, "{xy:?}");
    let p = &f["properties"];
    assert_eq!(p["n"], 7);
    assert_eq!(
        p["big"].as_u64(),
        Some(9007199254740993),
        "a bigint stays exact"
    );
    // The numeric is written exactly as the server gives it (the feature's text is kept).
    assert!(text.contains("12345678901234567890.125"), "{text}");
    assert_eq!(p["ok"], true);
    assert_eq!(p["note"], "Mango \"Park\"");
    assert_eq!(p["doc"], json!({"floors": [1, 2]}));
    assert_eq!(p["seen"], "2025-07-13T20:00:00+00:00");
    assert_eq!(p["local_seen"], "2025-07-14T03:00:00+00:00");
    assert_eq!(p["day"], "2025-07-14");
    assert_eq!(p["tags"], json!(["casino", "fenced"]));
    assert_eq!(value["features"][1]["geometry"], Value::Null);
    assert_eq!(value["features"][1]["properties"]["n"], Value::Null);
    // The timeline reads the dates.
    let dates = raidmap::timeline::parse_when(p["seen"].as_str().expect("text"));
    assert!(dates.is_ok(), "the timeline reads {}", p["seen"]);
    let origin = layer.table.as_ref().expect("remembers its table");
    assert!(origin.read_only.is_none());
    assert_eq!(origin.versions.len(), 2);
    assert!(!origin.address.contains(&server.password));
}

#[test]
fn the_connection_is_encrypted_and_checks_the_servers_certificate() {
    let server = server();
    let mut conn = server.connect();
    assert!(conn.uses_tls().expect("asks"), "the session uses TLS");
    // Another CA: the certificate is refused.
    let dir = tempfile::tempdir().expect("temp dir");
    let other_ca = dir.path().join("other.crt");
    let made = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=not the test CA", "-keyout"])
        .arg(dir.path().join("k.pem"))
        .arg("-out")
        .arg(&other_ca)
        .output()
        .expect("openssl runs");
    assert!(made.status.success());
    let mut address = Address::parse(&server.base).expect("parses");
    address.ssl_root_cert = Some(other_ca);
    let err = postgis::connect(&address, Some(&server.password)).expect_err("refused");
    assert!(matches!(err, DbError::Connect { .. }), "{err}");
    // No password: the server asks for one, and the error says so without any password.
    let address = Address::parse(&server.base).expect("parses");
    let err = postgis::connect(&address, None).expect_err("needs a password");
    assert!(matches!(err, DbError::PasswordNeeded { .. }), "{err}");
    let wrong = postgis::connect(&address, Some("not-it")).expect_err("wrong password");
    assert!(!wrong.to_string().contains("not-it"), "{wrong}");
}

#[test]
fn tables_are_listed_with_row_counts_and_a_table_without_key_or_a_view_is_read_only() {
    let server = server();
    let keyless = fresh_table("keyless");
    let view = fresh_table("view");
    server.sql(&format!(
        "CREATE TABLE {keyless} (geom geometry(Point, 4326), name text);
         INSERT INTO {keyless} VALUES ('SRID=4326;POINT(104 11)', 'a'), (NULL, 'b');
         CREATE VIEW {view} AS SELECT * FROM {keyless};"
    ));
    let mut conn = server.connect();
    let tables = postgis::list_tables(&mut conn).expect("lists");
    let listed = tables
        .iter()
        .find(|t| t.name.name == keyless)
        .expect("the table is listed");
    assert_eq!(listed.rows, 2);
    assert!(tables.iter().any(|t| t.name.name == view));
    for name in [&keyless, &view] {
        let mut layer = open(&server, name);
        let why = layer.table.as_ref().and_then(|t| t.read_only.clone());
        assert!(why.is_some(), "{name} is read-only");
        layer.features[0].set_property("name", json!("changed"));
        let address = server.address(name);
        let mut conn = server.connect();
        let err = postgis::save(
            &mut conn,
            address.table.as_ref().expect("table"),
            &Changes::of(&layer),
        )
        .expect_err("refused");
        assert!(err.to_string().contains("read-only"), "{err}");
    }
    assert_eq!(
        server.text(&format!(
            "SELECT string_agg(name, ',' ORDER BY name) FROM {keyless}"
        )),
        Some("a,b".into())
    );
    let err = postgis::describe(
        &mut conn,
        &TableName {
            schema: "public".into(),
            name: fresh_table("missing"),
        },
    )
    .expect_err("no such table");
    assert!(err.to_string().contains("there is no table"), "{err}");
}

#[test]
fn hostile_table_and_column_names_stay_names() {
    let server = server();
    let victim = fresh_table("victim");
    let hostile = format!("{victim}\"; DROP TABLE {victim}; --");
    let column = format!("a'b\"; DROP TABLE {victim}; --");
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    server.sql(&format!(
        "CREATE TABLE {victim} (id integer PRIMARY KEY);
         CREATE TABLE {} (id integer PRIMARY KEY, geom geometry(Point, 4326), {} text);
         INSERT INTO {} VALUES (1, 'SRID=4326;POINT(104 11)', 'x');",
        q(&hostile),
        q(&column),
        q(&hostile)
    ));
    let address = Address::parse(&server.base)
        .expect("parses")
        .with_table(TableName {
            schema: "public".into(),
            name: hostile.clone(),
        });
    let mut conn = postgis::connect(&address, Some(&server.password)).expect("connects");
    let table = postgis::describe(&mut conn, address.table.as_ref().expect("t")).expect("found");
    let mut layer =
        postgis::read_table(&mut conn, &address, &table, &Progress::default()).expect("reads");
    assert_eq!(layer.features[0].property(&column), Some(&json!("x")));
    layer.features[0].set_property(&column, json!("'); DROP TABLE x; --"));
    layer.features[0].set_property("new'\"; DROP TABLE x; --", json!(1));
    let outcome = postgis::save(
        &mut conn,
        address.table.as_ref().expect("t"),
        &Changes::of(&layer),
    )
    .expect("saves");
    assert!(matches!(outcome, SaveOutcome::Saved(_)), "{outcome:?}");
    assert_eq!(
        server.text(&format!("SELECT {} FROM {}", q(&column), q(&hostile))),
        Some("'); DROP TABLE x; --".into())
    );
    assert_eq!(
        server.text(&format!("SELECT to_regclass('{victim}')::text")),
        Some(victim.clone()),
        "the other table is still there"
    );
}

#[test]
fn different_people_changing_different_rows_or_properties_all_survive() {
    let server = server();
    let table = sites(&server);
    let mut ana = open(&server, &table);
    let mut bo = open(&server, &table);
    let i = index_of(&ana, json!(1));
    ana.features[i].set_property("status", json!("raided"));
    let j = index_of(&bo, json!(1));
    bo.features[j].set_property("visits", json!(5));
    let k = index_of(&bo, json!(2));
    bo.features[k].set_property("name", json!("Golden Fortune II"));
    assert!(matches!(save(&server, &mut ana), SaveOutcome::Saved(s) if s.updated == 1));
    let SaveOutcome::Saved(saved) = save(&server, &mut bo) else {
        panic!("bo's changes touch other fields: no conflict");
    };
    assert_eq!(saved.updated, 2);
    assert_eq!(
        server.text(&format!(
            "SELECT status || ',' || visits FROM {table} WHERE id = 1"
        )),
        Some("raided,5".into())
    );
    assert_eq!(
        server.text(&format!("SELECT name FROM {table} WHERE id = 2")),
        Some("Golden Fortune II".into())
    );
    // Saved features are up to date and unedited: saving again does nothing.
    assert!(!bo.is_edited());
    assert_eq!(save(&server, &mut bo), SaveOutcome::Nothing);
}

#[test]
fn a_conflicting_change_is_refused_reported_and_resolved_either_way() {
    let server = server();
    let table = sites(&server);
    let mut ana = open(&server, &table);
    let mut bo = open(&server, &table);
    let i = index_of(&ana, json!(1));
    ana.features[i].set_property("status", json!("raided"));
    assert!(matches!(save(&server, &mut ana), SaveOutcome::Saved(_)));

    let j = index_of(&bo, json!(1));
    bo.features[j].set_property("status", json!("closed"));
    bo.features[j].set_property("visits", json!(9));
    let k = index_of(&bo, json!(2));
    bo.features[k].set_property("status", json!("closed"));
    let SaveOutcome::Conflicts(conflicts) = save(&server, &mut bo) else {
        panic!("bo changed what ana changed");
    };
    // Nothing was written, not even the row without a conflict.
    assert_eq!(
        server.text(&format!(
            "SELECT string_agg(status || visits, ',' ORDER BY id) FROM {table}"
        )),
        Some("raided1,active2,raided3".into())
    );
    assert_eq!(conflicts.len(), 1);
    let c = &conflicts[0];
    assert_eq!(c.kind, ConflictKind::Changed);
    assert_eq!(c.key, "1");
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].field, Field::Property("status".into()));
    assert_eq!(
        (&c.fields[0].base, &c.fields[0].mine, &c.fields[0].theirs),
        (&json!("active"), &json!("closed"), &json!("raided"))
    );
    assert!(
        c.describe().contains("status is \"raided\""),
        "{}",
        c.describe()
    );

    // Take theirs for status: bo's other change (visits) stays and is saved.
    let mut taking = bo.clone();
    postgis::resolve(c, |_| Choice::Theirs)
        .expect("resolves")
        .apply(&mut taking);
    assert!(matches!(save(&server, &mut taking), SaveOutcome::Saved(s) if s.updated == 2));
    assert_eq!(
        server.text(&format!(
            "SELECT status || visits FROM {table} WHERE id = 1"
        )),
        Some("raided9".into())
    );

    // Keep mine (on a fresh conflict): bo's value replaces theirs, knowingly.
    let mut cy = open(&server, &table);
    let mut dee = open(&server, &table);
    let i = index_of(&cy, json!(3));
    cy.features[i].set_property("name", json!("Jinbei IV"));
    assert!(matches!(save(&server, &mut cy), SaveOutcome::Saved(_)));
    let j = index_of(&dee, json!(3));
    dee.features[j].set_property("name", json!("Jinbei 4 (Chrey Thom)"));
    let SaveOutcome::Conflicts(conflicts) = save(&server, &mut dee) else {
        panic!("a conflict");
    };
    postgis::resolve(&conflicts[0], |_| Choice::Mine)
        .expect("resolves")
        .apply(&mut dee);
    assert!(matches!(save(&server, &mut dee), SaveOutcome::Saved(_)));
    assert_eq!(
        server.text(&format!("SELECT name FROM {table} WHERE id = 3")),
        Some("Jinbei 4 (Chrey Thom)".into())
    );
}

#[test]
fn deletions_inserts_and_moved_geometries_are_checked_too() {
    let server = server();
    let table = sites(&server);
    let mut ana = open(&server, &table);
    let mut bo = open(&server, &table);
    // Ana deletes 2; Bo changes 2: Bo's save reports it deleted.
    let i = index_of(&ana, json!(2));
    ana.features.remove(i);
    // Ana adds a site without an id: the table has no default for its key, so it is refused
    // with a clear message; with an id it goes in.
    let mut new_site = raidmap::model::Feature::new(
        geo::Point::new(104.0, 12.0).into(),
        serde_json::Map::from_iter([("name".to_owned(), json!("New site"))]),
    );
    new_site.set_property("status", json!("suspected"));
    let mut with_id = new_site.clone();
    ana.features.push(new_site);
    let address = server.address(&table);
    let mut conn = server.connect();
    let err = postgis::save(
        &mut conn,
        address.table.as_ref().expect("t"),
        &Changes::of(&ana),
    )
    .expect_err("no id");
    assert!(err.to_string().contains("no id"), "{err}");
    ana.features.pop();
    // (an id given through the feature's object)
    with_id = {
        let mut object = with_id.object().clone();
        object.insert("id".into(), json!(4));
        raidmap::model::Feature::from_parts(object, None, with_id.geometry().cloned())
    };
    ana.features.push(with_id);
    let SaveOutcome::Saved(saved) = save(&server, &mut ana) else {
        panic!("ana's save goes through");
    };
    assert_eq!((saved.deleted, saved.inserted), (1, 1));
    assert_eq!(
        server.text(&format!(
            "SELECT string_agg(id::text, ',' ORDER BY id) FROM {table}"
        )),
        Some("1,3,4".into())
    );

    let j = index_of(&bo, json!(2));
    bo.features[j].set_property("status", json!("closed"));
    // Bo moves site 3, which Ana did not touch: fine.
    let k = index_of(&bo, json!(3));
    bo.features[k].set_geometry(Some(geo::Point::new(103.0, 11.1).into()));
    let SaveOutcome::Conflicts(conflicts) = save(&server, &mut bo) else {
        panic!("row 2 is gone");
    };
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].kind, ConflictKind::DeletedByOther);
    // Bo accepts the deletion; the move is saved.
    postgis::resolve(&conflicts[0], |_| Choice::Theirs)
        .expect("resolves")
        .apply(&mut bo);
    assert!(matches!(save(&server, &mut bo), SaveOutcome::Saved(s) if s.updated == 1));
    assert_eq!(
        server.text(&format!("SELECT ST_AsText(geom) FROM {table} WHERE id = 3")),
        Some("POINT(103 11.1)".into())
    );

    // Cy deletes 3 but Bo had moved it since Cy read it: refused.
    let mut cy = open(&server, &table);
    let mut dee = open(&server, &table);
    let i = index_of(&dee, json!(3));
    dee.features[i].set_property("visits", json!(10));
    assert!(matches!(save(&server, &mut dee), SaveOutcome::Saved(_)));
    let k = index_of(&cy, json!(3));
    cy.features.remove(k);
    let SaveOutcome::Conflicts(conflicts) = save(&server, &mut cy) else {
        panic!("row 3 changed since cy read it");
    };
    assert_eq!(conflicts[0].kind, ConflictKind::ChangedByOther);
    assert!(
        server
            .text(&format!("SELECT name FROM {table} WHERE id = 3"))
            .is_some()
    );
}

#[test]
fn a_server_lost_mid_save_leaves_the_table_as_it_was_and_the_edits_unsaved() {
    let server = server();
    let table = sites(&server);
    let mut layer = open(&server, &table);
    let i = index_of(&layer, json!(1));
    layer.features[i].set_property("status", json!("closed"));
    // Another session holds row 1, so the save waits inside its transaction...
    let mut holder = server.connect();
    let mut tx = holder.client().transaction().expect("begins");
    tx.execute(
        &format!("UPDATE {table} SET visits = visits WHERE id = 1"),
        &[],
    )
    .expect("locks row 1");
    let address = server.address(&table);
    let mut conn = server.connect();
    let pid = conn.backend_pid().expect("pid");
    let changes = Changes::of(&layer);
    let name = address.table.clone().expect("t");
    let saving = std::thread::spawn(move || postgis::save(&mut conn, &name, &changes));
    std::thread::sleep(std::time::Duration::from_millis(500));
    // ...when its server process goes away.
    server.sql(&format!("SELECT pg_terminate_backend({pid})"));
    let result = saving.join().expect("the save thread ends");
    let err = result.expect_err("the save fails");
    assert!(matches!(err, DbError::Lost(_)), "{err}");
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    tx.rollback().expect("rolls back");
    assert_eq!(
        server.text(&format!("SELECT status FROM {table} WHERE id = 1")),
        Some("active".into())
    );
    assert!(
        layer.features[i].is_edited(),
        "the edit is still unsaved in the layer"
    );
}

#[test]
fn refresh_brings_in_others_changes_and_keeps_unsaved_edits() {
    let server = server();
    let table = sites(&server);
    let mut mine = open(&server, &table);
    let i = index_of(&mine, json!(1));
    mine.features[i].set_property("status", json!("closed"));
    let address = server.address(&table);
    let mut conn = server.connect();
    let described = postgis::describe(&mut conn, address.table.as_ref().expect("t")).expect("d");
    let before = postgis::refresh::stamp(&mut conn, &described).expect("stamp");
    assert_eq!(
        before,
        postgis::refresh::local_stamp(mine.table.as_ref().expect("origin"))
    );
    server.sql(&format!(
        "UPDATE {table} SET name = 'Mango Park (renamed)' WHERE id = 1;
         UPDATE {table} SET visits = 40 WHERE id = 2;
         DELETE FROM {table} WHERE id = 3;
         INSERT INTO {table} VALUES (5, 'SRID=4326;POINT(104.2 12.1)', 'Five', 'active', 0);"
    ));
    let after = postgis::refresh::stamp(&mut conn, &described).expect("stamp");
    assert_ne!(after, before, "the stamp shows the table changed");
    let rows = postgis::refresh::fetch_rows(&mut conn, &described).expect("rows");
    let refresh = postgis::refresh::merge(&mine, rows);
    assert_eq!(refresh.changed.len(), 1, "row 2 (row 1 is edited here)");
    assert_eq!(refresh.added.len(), 1);
    assert_eq!(refresh.removed.len(), 1);
    refresh.apply(&mut mine);
    let ids: Vec<Value> = mine
        .features
        .iter()
        .filter_map(|f| f.id().cloned())
        .collect();
    assert_eq!(ids, [json!(1), json!(2), json!(5)]);
    let two = index_of(&mine, json!(2));
    assert_eq!(mine.features[two].property("visits"), Some(&json!(40)));
    // The unsaved edit is still there, and saving it merges with the rename.
    let one = index_of(&mine, json!(1));
    assert_eq!(
        mine.features[one].property("status"),
        Some(&json!("closed"))
    );
    assert!(matches!(save(&server, &mut mine), SaveOutcome::Saved(_)));
    assert_eq!(
        server.text(&format!(
            "SELECT name || '/' || status FROM {table} WHERE id = 1"
        )),
        Some("Mango Park (renamed)/closed".into())
    );
}

#[test]
fn reading_an_address_gives_clear_errors() {
    let server = server();
    let progress = Progress::default();
    let missing = format!("{}&table={}", server.base, fresh_table("nothing"));
    // SAFETY of the test: PGPASSWORD is read by read_address; set for this process only.
    let err = postgis::read_address(&missing, &progress).expect_err("fails");
    let text = err.to_string();
    assert!(matches!(err, ReadError::Database { .. }), "{text}");
    assert!(!text.contains(&server.password), "{text}");
    let err = postgis::read_address("postgresql://u:pw@127.0.0.1/d?table=t", &progress)
        .expect_err("a password in the address");
    assert!(err.to_string().contains("holds a password"), "{err}");
}
