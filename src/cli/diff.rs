//! `raidmap diff OLD NEW [--json] [--key PROP] [--layer NAME]`: what was added, removed and
//! changed between two versions of a layer, property by property.

use std::path::Path;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Map, Value, json};

use super::info::report_problems;
use crate::merge::{self, GeometryChange, Key, ValueChange};
use crate::model::Layer;
use crate::{io, measure};

/// Compare two versions of a layer: features added, removed and changed (each property with
/// its old and new value, and the geometry: how far a point moved, on the WGS84 ellipsoid, or
/// how its vertex count changed).
#[derive(Debug, clap::Args)]
#[command(after_long_help = HELP)]
pub struct Args {
    /// The old version: GeoJSON, KML/KMZ, CSV/TSV or a project (`.raidmap`, with --layer).
    pub old: PathBuf,
    /// The new version.
    pub new: PathBuf,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Match features by this property instead of their `id`.
    #[arg(long, value_name = "PROP")]
    pub key: Option<String>,
    /// From a project, the layer of this name (as the app names it, e.g. `sites.geojson`).
    #[arg(long, value_name = "NAME")]
    pub layer: Option<String>,
}

const HELP: &str = "\
Features are matched by their id (its JSON value: 1 and \"1\" are different ids), or by the
property --key names; features without one are matched by identical content, else counted as
removed and added. Two features of one version with the same key are an error (pick another
key with --key).

--json prints
  {\"added\":[{\"key\":K,\"label\":L}],\"removed\":[{\"key\":K,\"label\":L}],
   \"changed\":[{\"key\":K,\"label\":L,\"properties\":{\"NAME\":{\"old\":V,\"new\":V}},
                \"geometry\":null|{\"moved_m\":X}|{\"changed\":true}}],
   \"unchanged\":N,\"method\":\"geodesic-wgs84\"}
K is the key's value (null for a feature matched by content), L its name, else id, else #INDEX.
\"old\" is absent for an added property, \"new\" for a removed one. A changed top-level member
other than the geometry and properties (an id when matching by --key, a foreign member) is
listed under \"members\" in the same form as properties.

Exit status: 0 compared (whether or not they differ), 1 bad input, 2 usage errors.";

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let old = read_version(&args.old, args.layer.as_deref())?;
    let new = read_version(&args.new, args.layer.as_deref())?;
    let key = key(args.key.as_deref());
    let diff = merge::diff(&old, &new, &key)?;
    if args.json {
        let entries = |entries: &[merge::Entry]| -> Vec<Value> {
            entries
                .iter()
                .map(|e| json!({"key": e.key.clone().unwrap_or(Value::Null), "label": e.label}))
                .collect()
        };
        let changed: Vec<Value> = diff
            .changed
            .iter()
            .map(|c| {
                let mut v = json!({
                    "key": c.key,
                    "label": c.label,
                    "properties": changes_json(&c.properties),
                    "geometry": match c.geometry {
                        GeometryChange::Same => Value::Null,
                        GeometryChange::Moved { metres } => json!({"moved_m": metres}),
                        GeometryChange::Changed { .. } => json!({"changed": true}),
                    },
                });
                if !c.members.is_empty() {
                    v["members"] = changes_json(&c.members);
                }
                v
            })
            .collect();
        let out = json!({
            "added": entries(&diff.added),
            "removed": entries(&diff.removed),
            "changed": changed,
            "unchanged": diff.unchanged,
            "method": measure::METHOD,
        });
        println!("{out}");
        return Ok(ExitCode::SUCCESS);
    }
    let key_text = |k: &Option<Value>| k.as_ref().map_or("(no key)".to_owned(), Value::to_string);
    for e in &diff.added {
        println!("added    {}  {}", key_text(&e.key), e.label);
    }
    for e in &diff.removed {
        println!("removed  {}  {}", key_text(&e.key), e.label);
    }
    for c in &diff.changed {
        println!("changed  {}  {}", c.key, c.label);
        for p in &c.properties {
            println!("    property {:?}: {}", p.name, change_text(p));
        }
        match c.geometry {
            GeometryChange::Same => {}
            GeometryChange::Moved { metres } => {
                println!("    geometry: moved {}", measure::format_distance(metres));
            }
            GeometryChange::Changed {
                old_vertices,
                new_vertices,
            } => println!("    geometry: changed, {old_vertices} → {new_vertices} vertices"),
        }
        for m in &c.members {
            println!("    member {:?}: {}", m.name, change_text(m));
        }
    }
    println!(
        "{} added, {} removed, {} changed, {} unchanged (matched by {}; distances geodesic on WGS84)",
        diff.added.len(),
        diff.removed.len(),
        diff.changed.len(),
        diff.unchanged,
        key.describe()
    );
    Ok(ExitCode::SUCCESS)
}

/// The key `--key` names, else `id`.
pub(super) fn key(prop: Option<&str>) -> Key {
    prop.map_or(Key::Id, |p| Key::Property(p.to_owned()))
}

/// `{"NAME":{"old":V,"new":V}}`, `old`/`new` absent when the value was.
pub(super) fn changes_json(changes: &[ValueChange]) -> Value {
    let mut map = Map::new();
    for c in changes {
        let mut entry = Map::new();
        if let Some(old) = &c.old {
            entry.insert("old".into(), old.clone());
        }
        if let Some(new) = &c.new {
            entry.insert("new".into(), new.clone());
        }
        map.insert(c.name.clone(), Value::Object(entry));
    }
    Value::Object(map)
}

/// `"1" (string) → 1 (number)`, `added: …`, `removed (was …)`.
fn change_text(c: &ValueChange) -> String {
    match (&c.old, &c.new) {
        (Some(old), Some(new)) => format!("{} → {}", typed(old), typed(new)),
        (None, Some(new)) => format!("added {}", typed(new)),
        (Some(old), None) => format!("removed (was {})", typed(old)),
        (None, None) => String::new(),
    }
}

/// A value with its JSON type: `"1" (string)`.
pub(super) fn typed(value: &Value) -> String {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    format!("{value} ({kind})")
}

/// One version of a layer: a file of any readable format (a KML file's folders as one
/// layer), or a project's layer named by `layer`. Problems go to stderr with their place.
pub(super) fn read_version(path: &Path, layer: Option<&str>) -> anyhow::Result<Layer> {
    if crate::project::is_project_file(path) {
        let project = crate::project::load(path)?;
        let names: Vec<&str> = project
            .layers
            .iter()
            .map(|l| l.layer.name.as_str())
            .collect();
        let Some(name) = layer else {
            anyhow::bail!(
                "{} is a project: name one of its layers with --layer ({})",
                path.display(),
                names.join(", ")
            );
        };
        let names = names.join(", ");
        return project
            .layers
            .into_iter()
            .map(|l| l.layer)
            .find(|l| l.name == name)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{} has no layer {name:?} (its layers: {names})",
                    path.display()
                )
            });
    }
    let result = io::read_any(path);
    report_problems(path, &result, false);
    result.map_err(|_| anyhow::anyhow!("{} could not be read", path.display()))
}
