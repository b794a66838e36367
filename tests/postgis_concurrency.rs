//! Several writers at once on one table, each its own raidmap connection and layer, for a
//! bounded time: overlapping edits (one `shared` column everyone writes) and non-overlapping
//! ones (a column per writer). An audit trigger records every row change; at the end every
//! committed edit is in the table, every refused save was reported to its writer and appears
//! nowhere, and no change overwrote a value its writer had not seen.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use raidmap::io::Progress;
use raidmap::io::postgis::{self, Changes, ConflictKind, Field, SaveOutcome};
use raidmap::model::Layer;

use crate::postgis_server::{Server, fresh_table, server};

const WRITERS: usize = 4;
const ROWS: i64 = 12;
const RUN_FOR: Duration = Duration::from_secs(4);

/// What one writer saw happen.
#[derive(Default)]
struct Log {
    /// (row, value) of its own column, in commit order.
    own: Vec<(i64, i64)>,
    /// (row, value it replaced, its value) of `shared`, committed.
    shared: Vec<(i64, Value, Value)>,
    /// Values of refused saves (own column values and shared values).
    refused_own: Vec<i64>,
    refused_shared: Vec<Value>,
    saves: usize,
    conflicts: usize,
}

fn open(server: &Server, table: &str) -> Layer {
    let address = server.address(table);
    let mut conn = postgis::connect(&address, Some(&server.password)).expect("connects");
    let t = postgis::describe(&mut conn, address.table.as_ref().expect("t")).expect("d");
    postgis::read_table(&mut conn, &address, &t, &Progress::default()).expect("reads")
}

fn index_of(layer: &Layer, id: i64) -> usize {
    layer
        .features
        .iter()
        .position(|f| f.id() == Some(&json!(id)))
        .expect("row is there")
}

/// A small deterministic generator per writer (xorshift).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: i64) -> i64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as i64
    }
}

fn writer(server: &Server, table: &str, me: usize) -> Log {
    let mut log = Log::default();
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ ((me as u64 + 1) * 7919));
    let own = format!("w{me}");
    let address = server.address(table);
    let name = address.table.clone().expect("t");
    let mut conn = postgis::connect(&address, Some(&server.password)).expect("connects");
    let mut layer = open(server, table);
    let start = Instant::now();
    let mut attempt = 0i64;
    while start.elapsed() < RUN_FOR {
        attempt += 1;
        // Own column on two rows (never in conflict), `shared` on one (often in conflict).
        let mut own_rows = vec![1 + dice.roll(ROWS), 1 + dice.roll(ROWS)];
        own_rows.dedup();
        let shared_row = 1 + dice.roll(ROWS);
        let value = attempt * 10 + me as i64;
        for &row in &own_rows {
            let i = index_of(&layer, row);
            layer.features[i].set_property(&own, json!(value));
        }
        let i = index_of(&layer, shared_row);
        let seen = layer.features[i]
            .property("shared")
            .cloned()
            .unwrap_or(Value::Null);
        let shared_value = json!(format!("{own}-{attempt}"));
        layer.features[i].set_property("shared", shared_value.clone());
        let changes = Changes::of(&layer);
        let outcome = postgis::save(&mut conn, &name, &changes).expect("the save runs");
        log.saves += 1;
        match outcome {
            SaveOutcome::Saved(saved) => {
                saved.apply(&mut layer);
                for &row in &own_rows {
                    log.own.push((row, value));
                }
                log.shared.push((shared_row, seen, shared_value));
            }
            SaveOutcome::Conflicts(conflicts) => {
                log.conflicts += 1;
                for c in &conflicts {
                    // Only the column everyone writes can conflict.
                    assert_eq!(c.kind, ConflictKind::Changed, "{c:?}");
                    assert!(
                        c.fields
                            .iter()
                            .all(|f| f.field == Field::Property("shared".into())),
                        "{c:?}"
                    );
                }
                log.refused_own.push(value);
                log.refused_shared.push(shared_value);
                // Start again from the table as it is now (the refused edits are dropped).
                layer = open(server, table);
            }
            SaveOutcome::Nothing => panic!("there were changes"),
        }
        if dice.roll(3) == 0 {
            // Now and then see others' changes before editing.
            layer = open(server, table);
        }
    }
    log
}

#[test]
fn concurrent_writers_lose_no_update_and_half_apply_no_save() {
    let server = server();
    let table = fresh_table("concurrent");
    let audit = format!("{table}_audit");
    let mut columns = String::new();
    for w in 0..WRITERS {
        columns.push_str(&format!(", w{w} bigint"));
    }
    server.sql(&format!(
        "CREATE TABLE {table} (id bigint PRIMARY KEY, geom geometry(Point, 4326),
                               shared text{columns});
         INSERT INTO {table} (id, geom)
           SELECT i, ST_SetSRID(ST_MakePoint(104 + i / 100.0, 11.5), 4326)
             FROM generate_series(1, {ROWS}) i;
         CREATE TABLE {audit} (seq bigserial, txid bigint, id bigint, old jsonb, new jsonb);
         CREATE FUNCTION {audit}_f() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             INSERT INTO {audit} (txid, id, old, new)
               VALUES (txid_current(), OLD.id, to_jsonb(OLD) - 'geom', to_jsonb(NEW) - 'geom');
             RETURN NEW;
           END $$;
         CREATE TRIGGER {audit}_t AFTER UPDATE ON {table}
           FOR EACH ROW EXECUTE FUNCTION {audit}_f();"
    ));

    let logs: Vec<Log> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|me| {
                let (server, table) = (&server, &table);
                scope.spawn(move || writer(server, table, me))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a writer panicked"))
            .collect()
    });

    let saves: usize = logs.iter().map(|l| l.saves).sum();
    let conflicts: usize = logs.iter().map(|l| l.conflicts).sum();
    eprintln!("{WRITERS} writers: {saves} saves, {conflicts} refused with conflicts");
    assert!(saves > 20, "the writers overlapped enough ({saves} saves)");
    assert!(conflicts > 0, "overlapping edits conflicted at least once");
    assert!(saves > conflicts, "and most saves went through");

    let mut conn = server.connect();
    // 1. Every writer's last committed value of its own column is in the table.
    for (me, log) in logs.iter().enumerate() {
        let mut last: HashMap<i64, i64> = HashMap::new();
        for &(row, value) in &log.own {
            last.insert(row, value);
        }
        for (row, value) in last {
            let now: Option<i64> = conn
                .client()
                .query_one(&format!("SELECT w{me} FROM {table} WHERE id = $1"), &[&row])
                .expect("reads")
                .get(0);
            assert_eq!(now, Some(value), "writer {me}'s last value on row {row}");
        }
    }
    // 2. The audit: every change of `shared` is a committed save's, from the value its writer
    // saw; no refused value appears anywhere; no row's own column went back.
    let rows = conn
        .client()
        .query(
            &format!("SELECT id, old::text, new::text FROM {audit} ORDER BY seq"),
            &[],
        )
        .expect("audit");
    let committed: HashSet<(i64, String, String)> = logs
        .iter()
        .flat_map(|l| &l.shared)
        .map(|(row, seen, new)| (*row, seen.to_string(), new.to_string()))
        .collect();
    let refused_shared: HashSet<String> = logs
        .iter()
        .flat_map(|l| &l.refused_shared)
        .map(Value::to_string)
        .collect();
    let refused_own: HashSet<i64> = logs.iter().flat_map(|l| l.refused_own.clone()).collect();
    let mut shared_changes = 0;
    for row in &rows {
        let id: i64 = row.get(0);
        let old: Value = serde_json::from_str(row.get(1)).expect("json");
        let new: Value = serde_json::from_str(row.get(2)).expect("json");
        if old["shared"] != new["shared"] {
            shared_changes += 1;
            let change = (id, old["shared"].to_string(), new["shared"].to_string());
            assert!(
                committed.contains(&change),
                "row {id}: shared went {} -> {} in no committed save (an overwrite)",
                change.1,
                change.2
            );
        }
        assert!(
            !refused_shared.contains(&new["shared"].to_string()),
            "a refused value reached the table: {new}"
        );
        for w in 0..WRITERS {
            let key = format!("w{w}");
            if let Some(v) = new[&key].as_i64() {
                assert!(
                    !refused_own.contains(&v),
                    "a refused save was half applied: {new}"
                );
            }
            if old[&key] != new[&key] {
                assert!(
                    new[&key].as_i64() > old[&key].as_i64(),
                    "row {id}: {key} went back from {} to {}: an update was lost",
                    old[&key],
                    new[&key]
                );
            }
        }
    }
    let committed_shared: usize = logs.iter().map(|l| l.shared.len()).sum();
    assert_eq!(
        shared_changes, committed_shared,
        "every committed shared edit is in the audit exactly once"
    );
}
