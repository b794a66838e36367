//! What the window remembers between runs (eframe storage; the window's size and the panels'
//! widths eframe keeps itself): the last project and whether to reopen it at start (a
//! setting, on by default), which panels were folded, and whether raidmap ran before, so the
//! bundled sample data opens only on the very first run; the evidence settings: the user name
//! written into the custody log and attachments, and the age identity file tried when a
//! project sealed to keys is opened (its path only; the key stays in that file).

use std::path::PathBuf;

use crate::ui::app::layout::Layout;

/// The eframe storage key of the [`Session`].
pub const SESSION_KEY: &str = "raidmap-session";

/// The remembered session.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Session {
    /// Reopen the last project at start (when no file is named on the command line).
    pub reopen_last_project: bool,
    /// The project last opened or saved.
    pub last_project: Option<PathBuf>,
    /// Whether raidmap ran (and closed) before.
    pub has_run: bool,
    /// Which panels were open.
    pub layout: Option<Layout>,
    /// Whether the timeline's histogram was open.
    pub timeline_open: Option<bool>,
    /// The user name for the custody log and attachments (empty: `RAIDMAP_USER` or the
    /// login name, [`crate::evidence::default_user`]).
    pub user_name: String,
    /// The age identity file (`age-keygen`'s) read at start, so a project sealed to its key
    /// opens without asking; set when one is given in the unlock window.
    pub identity_file: Option<PathBuf>,
}

impl Default for Session {
    fn default() -> Self {
        Self {
            reopen_last_project: true,
            last_project: None,
            has_run: false,
            layout: None,
            timeline_open: None,
            user_name: String::new(),
            identity_file: None,
        }
    }
}

/// What the window shows at start when no file is named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// The bundled sample data (the very first run).
    Sample,
    /// The last project (it still exists and reopening is on).
    Project(PathBuf),
    /// An empty map.
    Nothing,
}

impl Session {
    /// What to show at start.
    pub fn start(&self) -> Start {
        match &self.last_project {
            Some(path) if self.reopen_last_project && path.is_file() => {
                Start::Project(path.clone())
            }
            _ if !self.has_run => Start::Sample,
            _ => Start::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_only_on_the_first_run_then_the_last_project() {
        let first = Session::default();
        assert_eq!(first.start(), Start::Sample);
        let dir = tempfile::tempdir().expect("temp dir");
        let project = dir.path().join("case.raidmap");
        std::fs::write(&project, "{}").expect("write");
        let mut later = Session {
            has_run: true,
            last_project: Some(project.clone()),
            ..Session::default()
        };
        assert_eq!(later.start(), Start::Project(project.clone()));
        later.reopen_last_project = false;
        assert_eq!(later.start(), Start::Nothing, "the setting is off");
        later.reopen_last_project = true;
        std::fs::remove_file(&project).expect("remove");
        assert_eq!(later.start(), Start::Nothing, "a project that is gone");
    }

    #[test]
    fn an_old_or_partial_record_reads_with_defaults() {
        let session: Session = serde_json::from_str(r#"{"has_run":true}"#).expect("reads");
        assert!(session.reopen_last_project);
        assert!(session.has_run);
    }
}
