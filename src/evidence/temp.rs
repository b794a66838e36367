//! Private temporary copies of attached files, for opening them in the system's viewer: a
//! folder only the user can read (mode 0700 on Unix), deleted with everything in it when the
//! [`TempCopies`] is dropped or [`TempCopies::clear`]ed (the project closes, raidmap exits).
//! The folder is made in `XDG_RUNTIME_DIR` when there is one (on Linux a memory file system
//! only the user can enter, so the copies never reach the disk); without it, on Linux in
//! `/dev/shm` (also memory, shared by all users, so only the private folder keeps others
//! out), else in the system's temporary folder (`TMPDIR`, `/tmp`: possibly a disk). Its name
//! carries the process id: folders left by a run that crashed are removed by [`remove_stale`]
//! when the window starts.

use std::path::{Path, PathBuf};

/// The prefix of the folders made here, in the system's temporary folder.
const PREFIX: &str = "raidmap-open-";

/// Copies made for the viewer; all deleted together.
#[derive(Debug, Default)]
pub struct TempCopies {
    dir: Option<tempfile::TempDir>,
}

impl TempCopies {
    /// Write `bytes` as `name` (its folder part dropped) into the private folder; returns its
    /// path.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
        self.write_under(&base(), name, bytes)
    }

    /// [`Self::write`], the private folder made under `base` if not made yet.
    fn write_under(&mut self, base: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
        if self.dir.is_none() {
            let mut builder = tempfile::Builder::new();
            let prefix = format!("{PREFIX}{}-", std::process::id());
            builder.prefix(&prefix);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                builder.permissions(std::fs::Permissions::from_mode(0o700));
            }
            self.dir = Some(builder.tempdir_in(base)?);
        }
        let dir = self
            .dir
            .as_ref()
            .map(tempfile::TempDir::path)
            .unwrap_or(Path::new("."));
        let base = Path::new(name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .unwrap_or_else(|| "attachment".into());
        let path = dir.join(base);
        crate::io::write_atomic(&path, |w| std::io::Write::write_all(w, bytes))
            .map_err(std::io::Error::other)?;
        Ok(path)
    }

    /// The private folder, once a copy was made.
    pub fn folder(&self) -> Option<&Path> {
        self.dir.as_ref().map(tempfile::TempDir::path)
    }

    /// Delete every copy and the folder.
    pub fn clear(&mut self) {
        if let Some(dir) = self.dir.take()
            && let Err(e) = dir.close()
        {
            log::warn!("could not delete the temporary copies: {e}");
        }
    }
}

impl Drop for TempCopies {
    fn drop(&mut self) {
        self.clear();
    }
}

/// Where the private folders are made: `XDG_RUNTIME_DIR` (memory, user-only) when it is a
/// folder, else `/dev/shm` on Linux (memory), else the system's temporary folder.
fn base() -> PathBuf {
    base_from(std::env::var_os("XDG_RUNTIME_DIR"))
}

/// [`base`] for this value of `XDG_RUNTIME_DIR`.
fn base_from(runtime_dir: Option<std::ffi::OsString>) -> PathBuf {
    let memory = Path::new("/dev/shm");
    runtime_dir
        .map(PathBuf::from)
        .filter(|d| d.is_absolute() && d.is_dir())
        .or_else(|| (cfg!(target_os = "linux") && memory.is_dir()).then(|| memory.to_owned()))
        .unwrap_or_else(std::env::temp_dir)
}

/// Remove the folders of temporary copies left by runs that ended without deleting them: on
/// Linux those whose process is gone, elsewhere those older than a day.
pub fn remove_stale() {
    let mut bases = vec![base(), base_from(None), std::env::temp_dir()];
    bases.sort();
    bases.dedup();
    for base in bases {
        let Ok(entries) = std::fs::read_dir(&base) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(PREFIX) else {
                continue;
            };
            if is_stale(rest, &entry) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Whether a folder named `raidmap-open-<rest>` belongs to no running raidmap.
fn is_stale(rest: &str, entry: &std::fs::DirEntry) -> bool {
    let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
    if cfg!(target_os = "linux")
        && let Some(pid) = pid
    {
        return pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists();
    }
    entry
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 24 * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_private_and_go_away() {
        let mut copies = TempCopies::default();
        let path = copies.write("../x/photo.jpg", b"bytes").expect("writes");
        assert_eq!(path.file_name().and_then(|n| n.to_str()), Some("photo.jpg"));
        let folder = copies.folder().expect("made").to_owned();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&folder)
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "only the user may read it");
        }
        copies.clear();
        assert!(!folder.exists());
        assert!(!path.exists());
    }

    #[test]
    fn without_a_runtime_folder_copies_go_to_a_private_folder_in_memory_deleted_after_use() {
        let fallback = base_from(None);
        if cfg!(target_os = "linux") && Path::new("/dev/shm").is_dir() {
            assert_eq!(fallback, Path::new("/dev/shm"), "memory, not the disk");
        } else {
            assert_eq!(fallback, std::env::temp_dir());
        }
        assert_eq!(
            base_from(Some("relative/run".into())),
            fallback,
            "a relative XDG_RUNTIME_DIR is not used"
        );
        let runtime = tempfile::tempdir().expect("temp dir");
        assert_eq!(base_from(Some(runtime.path().into())), runtime.path());

        let mut copies = TempCopies::default();
        let path = copies
            .write_under(&fallback, "leak.pdf", b"the leaked plan")
            .expect("writes");
        let folder = copies.folder().expect("made").to_owned();
        assert_eq!(folder.parent(), Some(fallback.as_path()));
        assert_eq!(std::fs::read(&path).expect("reads"), b"the leaked plan");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&folder)
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700, "only the user may enter it");
        }
        // A second copy goes into the same folder; dropping the copies deletes both.
        let second = copies
            .write_under(&fallback, "b.jpg", b"b")
            .expect("writes");
        assert_eq!(second.parent(), Some(folder.as_path()));
        drop(copies);
        assert!(!folder.exists() && !path.exists() && !second.exists());
    }

    #[test]
    fn folders_of_ended_runs_are_removed_and_ours_kept() {
        let mut ours = TempCopies::default();
        ours.write("a.txt", b"a").expect("writes");
        let ours_folder = ours.folder().expect("made").to_owned();
        // A process id that cannot be running (above Linux's pid_max).
        let ended = base().join(format!("{PREFIX}4194999-test"));
        std::fs::create_dir_all(&ended).expect("made");
        std::fs::write(ended.join("left.jpg"), b"x").expect("writes");
        remove_stale();
        assert!(ours_folder.exists(), "a running raidmap's copies stay");
        if cfg!(target_os = "linux") {
            assert!(!ended.exists(), "an ended run's copies go");
        } else {
            let _ = std::fs::remove_dir_all(&ended);
        }
    }
}
