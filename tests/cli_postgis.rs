//! The command line on database addresses: `export FILE -o ADDR` creates a table, `info ADDR`
//! and `export ADDR` read it (compared with GDAL's `ogr2ogr` from the same table), `--append`,
//! and `measure --layer ADDR`.

use std::process::{Command, Output};

use serde_json::Value;

use crate::postgis_server::{Server, fresh_table, server};

fn raidmap(server: &Server, args: &[&str]) -> Output {
    crate::util::command()
        .args(args)
        .env("PGPASSWORD", &server.password)
        .env_remove("PGPASSFILE")
        .output()
        .expect("the raidmap binary runs")
}

fn sample(name: &str) -> String {
    format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn features(text: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(text).expect("GeoJSON");
    v["features"].as_array().expect("features").clone()
}

/// `(id, properties, [lon, lat])` of each feature, sorted by id, coordinates to 1e-7; a
/// property that is null counts as missing (a table has every column in every row).
fn summary(features: &[Value]) -> Vec<(String, Value, Vec<i64>)> {
    let mut rows: Vec<_> = features
        .iter()
        .map(|f| {
            let id = match &f["id"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let xy = f["geometry"]["coordinates"]
                .as_array()
                .map(|c| {
                    c.iter()
                        .map(|n| (n.as_f64().unwrap_or(f64::NAN) * 1e7).round() as i64)
                        .collect()
                })
                .unwrap_or_default();
            let mut properties = f["properties"].as_object().cloned().unwrap_or_default();
            properties.retain(|_, v| !v.is_null());
            (id, Value::Object(properties), xy)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

#[test]
fn export_creates_a_table_that_info_export_and_ogr2ogr_read_the_same() {
    let server = server();
    let table = fresh_table("cli_sites");
    let address = format!("{}&table={table}", server.base);
    let run = raidmap(
        &server,
        &["export", &sample("sites.geojson"), "-o", &address],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("wrote 7 features"), "{stderr}");
    assert!(!stderr.contains(&server.password));
    // The table as the issue describes it.
    assert_eq!(
        server.text(&format!(
            "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position)
               FROM information_schema.columns WHERE table_name = '{table}'
                AND column_name IN ('id', 'geom', 'name', 'raided_in_july_2025', 'sources')"
        )),
        Some(
            "id:text,geom:USER-DEFINED,name:text,raided_in_july_2025:boolean,sources:jsonb".into()
        )
    );
    assert!(
        server
            .text(&format!(
                "SELECT indexdef FROM pg_indexes WHERE tablename = '{table}' \
                 AND indexdef LIKE '%gist%'"
            ))
            .is_some(),
        "a spatial index"
    );

    // info reads it.
    let info = raidmap(&server, &["info", "--json", &address]);
    assert!(
        info.status.success(),
        "{}",
        String::from_utf8_lossy(&info.stderr)
    );
    let v: Value = serde_json::from_slice(&info.stdout).expect("JSON");
    assert_eq!(v["files"][0]["features"], 7);
    assert_eq!(v["files"][0]["valid"], true);

    // export reads it back: the same features and values as the file...
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out.geojson");
    let out_s = out.to_str().expect("utf-8");
    let run = raidmap(&server, &["export", &address, "-o", out_s]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let ours = features(&std::fs::read_to_string(&out).expect("written"));
    let original = features(&std::fs::read_to_string(sample("sites.geojson")).expect("sample"));
    assert_eq!(summary(&ours), summary(&original));

    // ...and as ogr2ogr gives from the same table.
    let port = server
        .base
        .split(':')
        .nth(2)
        .and_then(|p| p.split('/').next())
        .expect("port");
    let ca = std::env::var("RAIDMAP_TEST_PG_CA").expect("CA");
    let gdal_out = dir.path().join("gdal.geojson");
    let gdal = Command::new("ogr2ogr")
        .args(["-f", "GeoJSON"])
        .arg(&gdal_out)
        .arg(format!(
            "PG:host=127.0.0.1 port={port} dbname=raidmap user=raidmap sslmode=verify-full \
             sslrootcert={ca}"
        ))
        .arg(&table)
        .env("PGPASSWORD", &server.password)
        .output()
        .expect("ogr2ogr runs (apt-get install gdal-bin)");
    assert!(
        gdal.status.success(),
        "{}",
        String::from_utf8_lossy(&gdal.stderr)
    );
    let theirs = features(&std::fs::read_to_string(&gdal_out).expect("ogr2ogr wrote"));
    let (ours, theirs) = (summary(&ours), summary(&theirs));
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a.2, b.2, "coordinates of {}", a.0);
        // ogr2ogr writes the key as a property too, and jsonb as JSON text or values.
        for (key, value) in a.1.as_object().expect("properties") {
            let gdal_value = &b.1[key];
            let same = gdal_value == value
                || gdal_value
                    .as_str()
                    .and_then(|s| serde_json::from_str::<Value>(s).ok())
                    == Some(value.clone());
            assert!(same, "{} {key}: ours {value}, ogr2ogr {gdal_value}", a.0);
        }
    }

    // An existing table is refused without --append, nothing written; with it, added.
    let run = raidmap(
        &server,
        &["export", &sample("raids.geojson"), "-o", &address],
    );
    assert_eq!(run.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("--append"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let run = raidmap(
        &server,
        &[
            "export",
            &sample("raids.geojson"),
            "-o",
            &address,
            "--append",
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        server.text(&format!("SELECT count(*)::text FROM {table}")),
        Some("14".into())
    );
    // The same again collides on ids: refused as a whole.
    let run = raidmap(
        &server,
        &[
            "export",
            &sample("raids.geojson"),
            "-o",
            &address,
            "--append",
        ],
    );
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        server.text(&format!("SELECT count(*)::text FROM {table}")),
        Some("14".into())
    );

    // measure finds places in the table.
    let run = raidmap(
        &server,
        &[
            "measure",
            "--json",
            "--layer",
            &address,
            "--from",
            "Mango Park",
            "--to",
            "KH-S-002",
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn a_bad_or_unreachable_address_is_a_clear_error_without_the_password() {
    let server = server();
    let missing = format!("{}&table={}", server.base, fresh_table("nope"));
    let run = raidmap(&server, &["info", &missing]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("there is no table"), "{stderr}");
    assert!(!stderr.contains(&server.password), "{stderr}");
    let run = crate::util::command()
        .args(["info", &format!("{}&table=x", server.base)])
        .env_remove("PGPASSWORD")
        .env("PGPASSFILE", "/nonexistent")
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("asks for a password"), "{stderr}");
}
