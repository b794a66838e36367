//! `raidmap merge BASE OURS THEIRS -o OUT [--json] [--key PROP] [--prefer ours|theirs]`: a
//! three-way merge of two edited copies of a layer at property level.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Map, Value, json};

use super::EXIT_BAD_INPUT;
use super::diff::{key, read_version, typed};
use crate::io;
use crate::merge::{self, Conflict, Side, What};
use crate::model::Document;

/// Merge THEIRS' changes into OURS, both edited copies of BASE, and write the result to OUT.
#[derive(Debug, clap::Args)]
#[command(after_long_help = HELP)]
pub struct Args {
    /// The version both copies started from (GeoJSON, KML/KMZ, CSV/TSV or a project with
    /// --layer).
    pub base: PathBuf,
    /// Our copy: its order, top-level members and untouched features are kept.
    pub ours: PathBuf,
    /// Their copy: its changes are merged in, its new features added after ours.
    pub theirs: PathBuf,
    /// Output file (GeoJSON, or CSV when it ends in `.csv`), written atomically.
    #[arg(short = 'o', long = "output", required = true)]
    pub output: PathBuf,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Match features by this property instead of their `id`.
    #[arg(long, value_name = "PROP")]
    pub key: Option<String>,
    /// Resolve every conflict this way and write the merge anyway.
    #[arg(long, value_enum)]
    pub prefer: Option<Prefer>,
    /// From a project, the layer of this name.
    #[arg(long, value_name = "NAME")]
    pub layer: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Prefer {
    Ours,
    Theirs,
}

const HELP: &str = "\
Features are matched as `raidmap diff` does (id, or --key PROP; without a key by content).
A change made on one side only is taken; the same change made on both sides is taken once. A
property changed differently on the two sides, a geometry changed differently, or a feature
deleted on one side and changed on the other is a conflict (so is a foreign top-level member
changed differently: \"what\":\"member\" with \"member\":NAME).

Without --prefer a merge with conflicts writes nothing and exits 1, listing each conflict;
with --prefer ours|theirs every conflict is resolved that way, listed, and the merge written.

The output keeps OURS' order with THEIRS' additions after it, OURS' top-level members, and
every feature the merge did not change byte for byte as OURS wrote it.

--json prints
  {\"taken_from_ours\":N,\"taken_from_theirs\":N,
   \"conflicts\":[{\"key\":K,\"label\":L,\"what\":\"property\"|\"geometry\"|\"delete\",
                 \"property\":NAME,\"base\":V,\"ours\":V,\"theirs\":V}],\"written\":true|false}
where a count is of changes in the result (a feature added or deleted, a property, geometry or
member changed), a change made the same way on both sides counting once, for ours, and a
conflict counting for the side it was resolved to. V is the property's value, the geometry, or
for \"delete\" the whole feature; it is absent where that version does not have it.

Exit status: 0 written, 1 bad input, conflicts without --prefer, or OUT could not be written
(it is then unchanged), 2 usage errors.";

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let layer = args.layer.as_deref();
    let base = read_version(&args.base, layer)?;
    let ours = read_version(&args.ours, layer)?;
    let theirs = read_version(&args.theirs, layer)?;
    let key = key(args.key.as_deref());
    let merged = merge::merge(&base, &ours, &theirs, &key)?;
    let choose = |_| match args.prefer {
        Some(Prefer::Theirs) => Side::Theirs,
        _ => Side::Ours,
    };
    let (from_ours, from_theirs) = merged.taken(|_| true, |i| args.prefer.map(|_| choose(i)));
    let conflicts = merged.conflicts().len();
    let write = conflicts == 0 || args.prefer.is_some();
    if write {
        let mut doc = Document::new();
        let id = doc.add_layer(ours);
        merged.edit(id, |_| true, choose).apply(&mut doc)?;
        let layer = doc
            .layer(id)
            .ok_or_else(|| anyhow::anyhow!("the merge lost its layer"))?;
        let as_csv = io::Format::of(&args.output) == io::Format::Csv;
        io::write_atomic(&args.output, |w| {
            if as_csv {
                io::csv::write_csv(&[layer], &mut &mut *w)
            } else {
                io::write_layer(layer, &mut &mut *w)
            }
        })?;
    }
    if args.json {
        let list: Vec<Value> = merged.conflicts().map(conflict_json).collect();
        let out = json!({
            "taken_from_ours": from_ours,
            "taken_from_theirs": from_theirs,
            "conflicts": list,
            "written": write,
        });
        println!("{out}");
    } else {
        for c in merged.conflicts() {
            eprintln!("conflict: {}", conflict_text(c));
        }
        let resolved = match args.prefer {
            Some(Prefer::Ours) if conflicts > 0 => ", resolved to ours",
            Some(Prefer::Theirs) if conflicts > 0 => ", resolved to theirs",
            _ => "",
        };
        eprintln!(
            "raidmap: {from_ours} change{} taken from ours, {from_theirs} from theirs, {conflicts} conflict{}{resolved}",
            plural(from_ours),
            plural(conflicts),
        );
        if write {
            eprintln!("raidmap: wrote {}", args.output.display());
        } else {
            eprintln!(
                "raidmap: nothing written to {}: resolve the conflicts or pick a side with --prefer ours|theirs",
                args.output.display()
            );
        }
    }
    Ok(if write {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_BAD_INPUT)
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One conflict as `--json` lists it.
fn conflict_json(c: &Conflict) -> Value {
    let mut map = Map::new();
    map.insert("key".into(), c.key.clone());
    map.insert("label".into(), Value::String(c.label.clone()));
    map.insert("what".into(), Value::String(c.kind().into()));
    match &c.what {
        What::Property(name) => {
            map.insert("property".into(), Value::String(name.clone()));
        }
        What::Member(name) => {
            map.insert("member".into(), Value::String(name.clone()));
        }
        What::Geometry | What::Delete { .. } => {}
    }
    for (side, value) in [("base", &c.base), ("ours", &c.ours), ("theirs", &c.theirs)] {
        if let Some(value) = value {
            map.insert(side.into(), value.clone());
        }
    }
    Value::Object(map)
}

/// `7 "Mango Park": property "status": base "suspected" (string), ours …, theirs …`.
fn conflict_text(c: &Conflict) -> String {
    let value = |v: &Option<Value>| v.as_ref().map_or("absent".to_owned(), typed);
    let head = format!("{} {:?}", c.key, c.label);
    match &c.what {
        What::Property(name) | What::Member(name) => format!(
            "{head}: {} {name:?}: base {}, ours {}, theirs {}",
            c.kind(),
            value(&c.base),
            value(&c.ours),
            value(&c.theirs)
        ),
        What::Geometry => format!("{head}: geometry changed differently on both sides"),
        What::Delete { deleted_by } => {
            let (deleted, changed) = match deleted_by {
                Side::Ours => ("ours", "theirs"),
                Side::Theirs => ("theirs", "ours"),
            };
            format!("{head}: deleted in {deleted}, changed in {changed}")
        }
    }
}
