//! A project opened by a command to change its evidence (`attach`, an `export` that writes
//! evidence files), then saved back in place with everything else as it was.

use std::path::Path;

use anyhow::Context as _;

use crate::project::{self, Project, SaveLayer};

/// Open a project for changing; a layer that cannot be read or a broken custody log stops
/// here (saving would lose the layer or extend a log that cannot be trusted).
pub(super) fn open(path: &Path) -> anyhow::Result<Project> {
    let project = project::load(path)?;
    if let Some(problem) = project.problems.first() {
        anyhow::bail!(
            "{}: a layer could not be read, so the project is left as it is: {problem}",
            path.display()
        );
    }
    if let Some(broken) = &project.custody_broken {
        anyhow::bail!("{}: {broken}; the project is left as it is", path.display());
    }
    Ok(project)
}

/// Save `project` back at `path` (atomically, sealed again as it was).
pub(super) fn save(path: &Path, project: &Project) -> anyhow::Result<()> {
    let layers: Vec<SaveLayer<'_>> = project
        .layers
        .iter()
        .map(|l| SaveLayer {
            layer: &l.layer,
            visible: l.visible,
            style: l.style.as_ref(),
            embed: l.embedded,
        })
        .collect();
    project::save(path, &layers, &project.settings, &project.evidence)
        .with_context(|| format!("cannot save {}", path.display()))
}
