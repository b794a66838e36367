//! Atomic file writes: the target holds either its old content or the complete new one, never
//! a mix, whatever fails and whenever the program stops.
//!
//! [`write_atomic`] writes into a temporary file in the target's own folder (so the final
//! `rename` stays on one file system and is atomic), flushes it, `sync_all`s it to the disk,
//! renames it over the target and then syncs the folder (on Unix) so the rename itself survives
//! a crash. On any failure the temporary file is removed and the target is untouched. A target
//! that is a symbolic link is written through: the file it points to is replaced and the link
//! stays. An existing target's permissions are given to the new file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why an atomic write failed. In every case the target file was left as it was. The message
/// names the file and what went wrong; the underlying I/O error is the `source`.
#[derive(Debug, thiserror::Error)]
pub enum AtomicWriteError {
    #[error("cannot save {}: the folder {} does not exist", .path.display(), .folder.display())]
    NoFolder { path: PathBuf, folder: PathBuf },
    #[error("cannot save {}: no permission to create files in {} (read-only folder?)", .path.display(), .folder.display())]
    ReadOnly {
        path: PathBuf,
        folder: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot save {}: it is a folder, not a file", .path.display())]
    IsDirectory { path: PathBuf },
    #[error("cannot save {}: the disk is full (the old file, if any, is unchanged)", .path.display())]
    DiskFull {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot save {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl AtomicWriteError {
    /// The file that was to be written.
    pub fn path(&self) -> &Path {
        match self {
            AtomicWriteError::NoFolder { path, .. }
            | AtomicWriteError::ReadOnly { path, .. }
            | AtomicWriteError::IsDirectory { path }
            | AtomicWriteError::DiskFull { path, .. }
            | AtomicWriteError::Io { path, .. } => path,
        }
    }

    /// Name the cause of an I/O failure while saving `path` into `folder`.
    fn classify(path: &Path, folder: &Path, source: io::Error) -> Self {
        let (path, folder) = (path.to_owned(), folder.to_owned());
        match source.kind() {
            ErrorKind::NotFound => AtomicWriteError::NoFolder { path, folder },
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
                AtomicWriteError::ReadOnly {
                    path,
                    folder,
                    source,
                }
            }
            ErrorKind::IsADirectory => AtomicWriteError::IsDirectory { path },
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => {
                AtomicWriteError::DiskFull { path, source }
            }
            _ => AtomicWriteError::Io { path, source },
        }
    }
}

/// Write `path` atomically with `write`, which gets a buffered writer to the temporary file.
/// If `write` fails, the error is returned (as [`AtomicWriteError::Io`] or
/// [`AtomicWriteError::DiskFull`]) and `path` keeps its old content.
pub fn write_atomic<F>(path: &Path, write: F) -> Result<(), AtomicWriteError>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<()>,
{
    // Write through a symbolic link rather than replacing the link with a file.
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
        }
        _ => path.to_owned(),
    };
    let existing = fs::metadata(&target).ok();
    if existing.as_ref().is_some_and(fs::Metadata::is_dir) {
        return Err(AtomicWriteError::IsDirectory {
            path: path.to_owned(),
        });
    }
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let fail = |source: io::Error| AtomicWriteError::classify(path, &folder, source);
    if !folder.is_dir() {
        return Err(AtomicWriteError::NoFolder {
            path: path.to_owned(),
            folder,
        });
    }
    let (file, temp) = create_temp(&folder, &target).map_err(fail)?;
    // From here on the temporary file is removed unless it was renamed into place.
    let guard = RemoveOnDrop(Some(temp.clone()));
    let mut writer = BufWriter::new(file);
    write(&mut writer).map_err(fail)?;
    let file = writer.into_inner().map_err(|e| fail(e.into_error()))?;
    if let Some(meta) = &existing {
        // Keep the old file's permissions (best effort: a new owner may not be able to).
        let _ = file.set_permissions(meta.permissions());
    }
    file.sync_all().map_err(fail)?;
    drop(file);
    fs::rename(&temp, &target).map_err(fail)?;
    guard.disarm();
    sync_folder(&folder);
    Ok(())
}

/// A new, uniquely named hidden file next to `target`: `.NAME.tmp-PID-N`.
fn create_temp(folder: &Path, target: &Path) -> io::Result<(File, PathBuf)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "raidmap".to_owned());
    let pid = std::process::id();
    let mut last_error = None;
    for _ in 0..100 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = folder.join(format!(".{name}.tmp-{pid}-{n}"));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((file, temp)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

struct RemoveOnDrop(Option<PathBuf>);

impl RemoveOnDrop {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = fs::remove_file(path);
        }
    }
}

/// Make the rename durable: on Unix a folder can be opened and synced. Best effort elsewhere.
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(folder) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("readable temp dir")
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_successful_write_replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("out.geojson");
        fs::write(&target, "old").expect("write old");
        write_atomic(&target, |w| w.write_all(b"new")).expect("atomic write");
        assert_eq!(fs::read_to_string(&target).expect("read back"), "new");
        assert_eq!(entries(dir.path()), ["out.geojson"]);
    }

    #[test]
    fn a_writer_failing_midway_leaves_the_old_file_byte_identical() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("out.geojson");
        fs::write(&target, "old content\n").expect("write old");
        let err = write_atomic(&target, |w| {
            w.write_all(b"half of the new")?;
            w.flush()?;
            Err(io::Error::other("the writer gave up"))
        })
        .expect_err("the writer failed");
        assert!(matches!(err, AtomicWriteError::Io { .. }), "{err:?}");
        let cause = std::error::Error::source(&err).map(ToString::to_string);
        assert_eq!(cause.as_deref(), Some("the writer gave up"));
        assert_eq!(fs::read(&target).expect("read back"), b"old content\n");
        assert_eq!(entries(dir.path()), ["out.geojson"]);
    }

    #[test]
    fn a_folder_as_target_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("sub");
        fs::create_dir(&target).expect("mkdir");
        fs::write(target.join("keep"), "x").expect("write inside");
        let err = write_atomic(&target, |w| w.write_all(b"new")).expect_err("a folder");
        assert!(
            matches!(err, AtomicWriteError::IsDirectory { .. }),
            "{err:?}"
        );
        assert_eq!(entries(dir.path()), ["sub"]);
        assert_eq!(entries(&target), ["keep"]);
    }

    #[test]
    fn a_missing_folder_is_named_in_the_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("nowhere").join("out.geojson");
        let err = write_atomic(&target, |w| w.write_all(b"new")).expect_err("no folder");
        assert!(matches!(err, AtomicWriteError::NoFolder { .. }), "{err:?}");
        assert!(err.to_string().contains("does not exist"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_folder_is_reported_as_such() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path().join("ro");
        fs::create_dir(&folder).expect("mkdir");
        let target = folder.join("out.geojson");
        fs::write(&target, "old").expect("write old");
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).expect("chmod");
        // Root ignores folder permissions; then there is nothing to test.
        let root = File::create(folder.join("probe")).is_ok();
        if !root {
            let err = write_atomic(&target, |w| w.write_all(b"new")).expect_err("read-only");
            assert!(matches!(err, AtomicWriteError::ReadOnly { .. }), "{err:?}");
            assert_eq!(fs::read_to_string(&target).expect("read back"), "old");
        }
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).expect("chmod back");
    }

    #[test]
    fn a_full_disk_is_named_as_the_cause() {
        let full = io::Error::from(ErrorKind::StorageFull);
        let err = AtomicWriteError::classify(Path::new("a/b"), Path::new("a"), full);
        assert!(matches!(err, AtomicWriteError::DiskFull { .. }), "{err:?}");
        assert!(err.to_string().contains("disk is full"), "{err}");
        assert!(
            std::error::Error::source(&err).is_some(),
            "the cause is kept"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let real = dir.path().join("real.geojson");
        let link = dir.path().join("link.geojson");
        fs::write(&real, "old").expect("write old");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        write_atomic(&link, |w| w.write_all(b"new")).expect("atomic write");
        assert!(
            fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).expect("read back"), "new");
    }
}
