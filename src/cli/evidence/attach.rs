//! `raidmap attach PROJECT [--layer NAME] FEATURE FILE...`: attach files to a feature of a
//! project, each stored by its SHA-256 and recorded in the custody log.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::case;
use crate::evidence::{Attachment, Event, attachment};
use crate::model::{Document, FeatureRef, Layer, LayerId, LayerKind};

/// Attach files (photos, screenshots, PDFs, videos, documents) to a feature of a project.
///
/// FEATURE is a feature's `name` (exact, then ignoring case) or `id`, as in `measure`. The
/// project becomes a zip container holding each file under `evidence/<sha256>`; it is saved in
/// place, atomically (sealed again if it was encrypted).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project (`.raidmap`).
    pub project: PathBuf,
    /// Look the feature up in this layer only (its name as the project gives it).
    #[arg(long = "layer", value_name = "NAME")]
    pub layer: Option<String>,
    /// The feature: a name or an id.
    pub feature: String,
    /// Files to attach.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mut project = case::open(&args.project)?;
    let layers: Vec<(LayerId, &Layer)> = project
        .layers
        .iter()
        .enumerate()
        .filter(|(_, l)| args.layer.as_ref().is_none_or(|n| *n == l.layer.name))
        .map(|(i, l)| (LayerId(i as u64), &l.layer))
        .collect();
    if layers.is_empty() {
        let names: Vec<&str> = project
            .layers
            .iter()
            .map(|l| l.layer.name.as_str())
            .collect();
        anyhow::bail!(
            "{} has no layer {:?} (its layers: {})",
            args.project.display(),
            args.layer.as_deref().unwrap_or_default(),
            names.join(", ")
        );
    }
    let place = crate::measure::resolve(&args.feature, &layers)?;
    let target = place
        .feature
        .with_context(|| format!("{:?} is a coordinate, not a feature", args.feature))?;
    let user = crate::evidence::default_user();
    let mut added = Vec::new();
    for path in &args.files {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let record = Attachment::describe(&name, &bytes, &user);
        project.evidence.store.add(bytes);
        added.push(record);
    }
    // The edit is applied as in the window, to a document holding the one layer.
    let opened = &mut project.layers[target.layer.0 as usize];
    let mut doc = Document::new();
    let id = doc.add_layer(std::mem::replace(
        &mut opened.layer,
        Layer::new("", LayerKind::Data),
    ));
    let target = FeatureRef {
        layer: id,
        index: target.index,
    };
    let feature = doc.feature(target).context("the feature was just found")?;
    let label = feature.label(target.index);
    let known = attachment::of(feature);
    let result = attachment::attach(target, feature, added.clone()).apply(&mut doc);
    opened.layer = doc.remove_layer(id).context("the layer is kept")?;
    result?;
    opened.embedded = true;
    for a in &added {
        if known.iter().any(|k| k.sha256 == a.sha256) {
            println!("{}  {} (already attached)", a.sha256, a.name);
            continue;
        }
        project.evidence.log.record(
            &user,
            Event::Attached,
            &a.sha256,
            &format!("{} to {label}", a.name),
        );
        println!("{}  {}", a.sha256, a.name);
    }
    case::save(&args.project, &project)?;
    eprintln!(
        "raidmap: attached {} file{} to {label} in {}",
        added.len(),
        if added.len() == 1 { "" } else { "s" },
        args.project.display()
    );
    Ok(ExitCode::SUCCESS)
}
