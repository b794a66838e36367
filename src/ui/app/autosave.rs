//! The autosave written on its own thread. Sealing an encrypted project (age's scrypt takes
//! about a second on purpose) and writing it would otherwise stall the window at every
//! autosave; the window only turns the project into bytes and hands them over.
//!
//! One thread takes the requests in the order they were sent. When several wait, only the last
//! is carried out: each leaves the folder holding the whole state it describes, so the newest
//! is all that matters. [`Writer::flush`] waits until everything sent is on disk (at exit, and
//! before the autosave's files are removed, so a late write cannot bring them back). Every file
//! is written atomically ([`crate::io::write_atomic`]).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::evidence::Seal;

/// The autosave's file name in the data folder.
pub(super) const AUTOSAVE_FILE: &str = "autosave.raidmap";
/// Present while raidmap runs with unsaved work (or after it stopped without closing cleanly).
pub(super) const RUNNING_FILE: &str = "running";
/// The path of the project the autosaved work belongs to (absent for work never saved), so
/// recovered work is saved back to its project.
pub(super) const AUTOSAVE_OF_FILE: &str = "autosave-of";

/// One autosave: where, the project's file (if saved before), its bytes before sealing, the
/// seal, and the state it is of (document revision, views fingerprint).
pub(super) struct Save {
    pub dir: PathBuf,
    pub of: Option<PathBuf>,
    pub plain: Vec<u8>,
    pub seal: Option<Seal>,
    pub stamp: (u64, u64),
}

/// How an autosave ended: the state written, or why it failed (`None` when a newer one
/// replaced it before it was written).
pub(super) type Outcome = Option<Result<(u64, u64), String>>;

/// The way to the autosave thread: numbered saves there, their outcomes back.
type Channels = (Sender<(u64, Save)>, Receiver<(u64, Outcome)>);

/// The thread writing autosaves, started with the first.
#[derive(Default)]
pub(super) struct Writer {
    thread: Option<Channels>,
    /// How many saves were sent, and the number of the last one whose outcome arrived.
    sent: u64,
    finished: u64,
}

impl Writer {
    /// Hand `save` to the thread (started if need be); returns at once.
    pub(super) fn send(&mut self, save: Save) -> Result<(), String> {
        if self.thread.is_none() {
            let (send, jobs) = channel::<(u64, Save)>();
            let (report, outcomes) = channel();
            std::thread::Builder::new()
                .name("autosave".into())
                .spawn(move || run(&jobs, &report))
                .map_err(|e| format!("cannot start the autosave thread: {e}"))?;
            self.thread = Some((send, outcomes));
        }
        let Some((send, _)) = &self.thread else {
            return Err("no autosave thread".into());
        };
        self.sent += 1;
        send.send((self.sent, save))
            .map_err(|_| "the autosave thread stopped".to_owned())
    }

    /// The outcomes that arrived since the last call (every frame).
    pub(super) fn poll(&mut self) -> Vec<Outcome> {
        let Some((_, outcomes)) = &self.thread else {
            return Vec::new();
        };
        let arrived: Vec<(u64, Outcome)> = outcomes.try_iter().collect();
        self.take(arrived)
    }

    /// Wait until every save sent is written (or failed); their outcomes.
    pub(super) fn flush(&mut self) -> Vec<Outcome> {
        let mut arrived = Vec::new();
        if let Some((_, outcomes)) = &self.thread {
            let mut last = self.finished;
            while last < self.sent {
                match outcomes.recv() {
                    Ok((n, outcome)) => {
                        last = n;
                        arrived.push((n, outcome));
                    }
                    // The thread ended (it panicked): nothing more will come.
                    Err(_) => break,
                }
            }
        }
        self.take(arrived)
    }

    /// Whether saves were sent that are not written yet.
    pub(super) fn is_busy(&self) -> bool {
        self.finished < self.sent
    }

    fn take(&mut self, arrived: Vec<(u64, Outcome)>) -> Vec<Outcome> {
        if let Some((n, _)) = arrived.last() {
            self.finished = self.finished.max(*n);
        }
        arrived.into_iter().map(|(_, outcome)| outcome).collect()
    }
}

/// The thread: each save in turn, skipping those a newer one waiting replaces.
fn run(jobs: &Receiver<(u64, Save)>, report: &Sender<(u64, Outcome)>) {
    while let Ok(mut job) = jobs.recv() {
        for newer in jobs.try_iter() {
            let _ = report.send((job.0, None));
            job = newer;
        }
        let (n, save) = job;
        let stamp = save.stamp;
        let outcome = write(&save).map(|()| stamp);
        // The window may have gone; nobody needs the outcome then.
        let _ = report.send((n, Some(outcome)));
    }
}

/// The mark that raidmap runs with unsaved work, the project the work belongs to, and the
/// autosave (sealed as the project is), each written atomically.
fn write(save: &Save) -> Result<(), String> {
    let dir = &save.dir;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    let put = |name: &str, bytes: &[u8]| {
        crate::io::write_atomic(&dir.join(name), |w| std::io::Write::write_all(w, bytes))
            .map_err(|e| crate::ui::error_chain::error_chain(&e).join(": "))
    };
    put(RUNNING_FILE, std::process::id().to_string().as_bytes())?;
    let of = dir.join(AUTOSAVE_OF_FILE);
    match &save.of {
        Some(path) => put(AUTOSAVE_OF_FILE, path.to_string_lossy().as_bytes())?,
        None => remove(&of)?,
    }
    match &save.seal {
        Some(seal) => {
            let sealed = seal.encrypt(&save.plain).map_err(|e| e.to_string())?;
            put(AUTOSAVE_FILE, &sealed)
        }
        None => put(AUTOSAVE_FILE, &save.plain),
    }
}

/// Remove a file that may not exist.
pub(super) fn remove(path: &Path) -> Result<(), String> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("cannot remove {}: {e}", path.display()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn save(dir: &Path, text: &str, stamp: u64) -> Save {
        Save {
            dir: dir.to_owned(),
            of: None,
            plain: text.as_bytes().to_vec(),
            seal: None,
            stamp: (stamp, 0),
        }
    }

    #[test]
    fn saves_are_written_in_order_and_flush_waits_for_the_last() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut writer = Writer::default();
        for n in 1..=5 {
            writer
                .send(save(dir.path(), &format!("state {n}"), n))
                .expect("sent");
        }
        let outcomes = writer.flush();
        assert!(!writer.is_busy());
        assert_eq!(outcomes.len(), 5, "one outcome per save");
        assert_eq!(
            outcomes.last(),
            Some(&Some(Ok((5, 0)))),
            "the last one is written"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(AUTOSAVE_FILE)).expect("written"),
            "state 5"
        );
        assert!(dir.path().join(RUNNING_FILE).exists());
    }

    #[test]
    fn a_sealed_autosave_is_written_sealed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut writer = Writer::default();
        let mut job = save(dir.path(), "secret state", 1);
        job.seal = Some(Seal::Passphrase("pass".into()));
        writer.send(job).expect("sent");
        assert_eq!(writer.flush(), vec![Some(Ok((1, 0)))]);
        let bytes = std::fs::read(dir.path().join(AUTOSAVE_FILE)).expect("written");
        assert!(bytes.starts_with(crate::evidence::seal::MAGIC));
        let plain =
            crate::evidence::seal::open_with_passphrase(&bytes, &"pass".into()).expect("opens");
        assert_eq!(plain, b"secret state");
    }
}
