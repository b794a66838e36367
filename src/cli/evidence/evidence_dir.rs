//! `export --evidence DIR`: the attached files of the exported projects written into a folder
//! with a `SHA256SUMS` file (`sha256sum -c` checks it), each export recorded in the project's
//! custody log (its hash verified, then exported).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::evidence::{Check, Event};
use crate::project::Project;

/// The checks of the exported layers (all, or the one named `only`).
fn exported<'a>(project: &'a Project, only: Option<&'a str>) -> impl Iterator<Item = &'a Check> {
    project.checks.iter().filter(move |c| {
        only.is_none_or(|name| {
            project
                .layers
                .get(c.layer)
                .is_some_and(|l| l.layer.name == name)
        })
    })
}

/// Whether every attached file to export matches its hash and each project's custody log is
/// intact (the export is recorded in it); what fails is printed.
pub(crate) fn all_verified(projects: &[(PathBuf, Project)], only: Option<&str>) -> bool {
    let mut ok = true;
    for (path, project) in projects {
        for check in exported(project, only) {
            if let Some(problem) = check.problem() {
                eprintln!("{}: {problem}", path.display());
                ok = false;
            }
        }
        if let Some(broken) = &project.custody_broken {
            eprintln!("{}: {broken}", path.display());
            ok = false;
        }
    }
    ok
}

/// A file name that stays inside the folder: the attachment's own name without any folder,
/// control characters or a leading dot.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_control() { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').trim().to_owned();
    if cleaned.is_empty() {
        "attachment".into()
    } else {
        cleaned
    }
}

/// Write the attached files into `dir` and `SHA256SUMS`, and record each in its project's
/// custody log (the projects are saved again).
pub(crate) fn write(
    dir: &Path,
    projects: &mut [(PathBuf, Project)],
    only: Option<&str>,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot make the folder {}: {e}", dir.display()))?;
    // File name → hash; the same file attached twice is written once.
    let mut written: BTreeMap<String, String> = BTreeMap::new();
    let user = crate::evidence::default_user();
    for (path, project) in projects.iter_mut() {
        let mut events = Vec::new();
        for check in exported(project, only) {
            let a = &check.attachment;
            let Some(bytes) = project.evidence.store.get(&a.sha256) else {
                continue;
            };
            let mut name = safe_name(&a.name);
            match written.get(&name) {
                Some(sha) if *sha == a.sha256 => continue,
                Some(_) => name = format!("{}-{name}", &a.sha256[..12]),
                None => {}
            }
            if written.get(&name).is_some_and(|sha| *sha == a.sha256) {
                continue;
            }
            crate::io::write_atomic(&dir.join(&name), |w| std::io::Write::write_all(w, bytes))?;
            events.push((
                a.sha256.clone(),
                format!("{} to {}", a.name, dir.join(&name).display()),
            ));
            written.insert(name, a.sha256.clone());
        }
        if events.is_empty() {
            continue;
        }
        // Each file's hash was checked before anything was written ([`all_verified`]).
        for (sha, detail) in &events {
            let log = &mut project.evidence.log;
            log.record(&user, Event::HashVerified, sha, "checked before the export");
            log.record(&user, Event::Exported, sha, detail);
        }
        crate::cli::case::save(path, project)?;
    }
    let mut sums = String::new();
    for (name, sha) in &written {
        sums.push_str(&format!("{sha}  {name}\n"));
    }
    crate::io::write_atomic(&dir.join("SHA256SUMS"), |w| {
        std::io::Write::write_all(w, sums.as_bytes())
    })?;
    eprintln!(
        "raidmap: wrote {} attached file{} and SHA256SUMS to {}",
        written.len(),
        if written.len() == 1 { "" } else { "s" },
        dir.display()
    );
    Ok(())
}
