//! The window's side of a team's PostgreSQL/PostGIS database (the core is `io::postgis`):
//! *Open database…* ([`open`]), *Save to database* with the conflicts others' saves cause
//! settled per feature or field ([`save`], [`conflicts`]), *Refresh*, also when the window gets
//! the focus back and a table changed, with others' changes marked on the map ([`refresh`],
//! [`marks`]). Everything that talks to the server runs on a thread ([`job`]); passwords typed
//! here stay in memory for the run ([`secrets`]).
//!
//! A database layer is an ordinary layer whose `table` says where it came from, so every edit
//! the window makes works on it and goes through the same undo history.

pub(crate) mod conflicts;
pub(crate) mod job;
pub(crate) mod marks;
pub(crate) mod open;
pub(crate) mod refresh;
pub(crate) mod save;
pub(crate) mod secrets;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::io::postgis::{self, Address};
use crate::model::LayerId;
use crate::ui::app::RaidmapApp;

/// What the window knows about databases beyond the layers themselves.
#[derive(Default)]
pub struct Database {
    pub open: open::OpenWindow,
    pub secrets: secrets::Secrets,
    saving: Vec<save::SaveJob>,
    refreshing: Vec<refresh::RefreshJob>,
    /// The conflicts of the last refused save, while the person settles them.
    pub conflicts: Option<conflicts::ConflictsWindow>,
    /// Others' changes brought in by the last refreshes, drawn on the map.
    pub marks: marks::Marks,
    /// Whether the window had the focus in the last frame.
    had_focus: bool,
    /// Unsaved changes per database layer, counted once per layer revision.
    unsaved: HashMap<LayerId, (Option<u64>, usize)>,
}

impl Database {
    /// Whether any database work is running (tests wait for it to end).
    pub fn is_busy(&self) -> bool {
        self.open.is_busy() || !self.saving.is_empty() || !self.refreshing.is_empty()
    }

    fn busy_with(&self, layer: LayerId) -> bool {
        self.saving.iter().any(|j| j.layer == layer)
            || self.refreshing.iter().any(|j| j.layer == layer)
    }
}

impl RaidmapApp {
    /// The layers read from a database table.
    pub fn database_layers(&self) -> Vec<LayerId> {
        self.doc
            .layers()
            .filter(|(_, l)| l.table.is_some())
            .map(|(id, _)| id)
            .collect()
    }

    /// The database buttons of the top bar.
    pub(crate) fn database_bar_ui(&mut self, ui: &mut egui::Ui) {
        if ui
            .button("Open database…")
            .on_hover_text("Open a table of a PostgreSQL/PostGIS database as a layer")
            .clicked()
        {
            self.database.open.show(None, None);
        }
        if self.database_layers().is_empty() {
            return;
        }
        let unsaved = self.unsaved_in_database();
        let label = if unsaved > 0 {
            format!("Save to database ({unsaved})")
        } else {
            "Save to database".to_owned()
        };
        let save = ui
            .button(label)
            .on_hover_text("Send your changes to the database tables (only what changed)");
        crate::ui::a11y::name(&save, "Save to database");
        if save.clicked()
            && self.plaintext_allowed(
                "Your changes would be sent to the database tables, which hold them in plaintext"
                    .into(),
                crate::ui::app::Then::Database,
                Err(
                    "A database table cannot be encrypted with the project's passphrase or \
                     keys: the server stores what it is sent, and anyone who can read the \
                     database reads it."
                        .into(),
                ),
            )
        {
            self.save_to_database(ui.ctx());
        }
        if ui
            .button("Refresh")
            .on_hover_text("Bring in what others saved to the database tables")
            .clicked()
        {
            self.refresh_database(ui.ctx(), true);
        }
        if !self.database.saving.is_empty() || !self.database.refreshing.is_empty() {
            ui.spinner();
        }
        if !self.database.marks.is_empty() {
            let clear = ui
                .small_button("Clear marks")
                .on_hover_text("Stop marking what others changed");
            if clear.clicked() {
                self.database.marks = marks::Marks::default();
            }
        }
    }

    /// Every frame: finished database work, the windows, and a refresh when the window gets
    /// the focus back.
    pub(crate) fn database_ui(&mut self, ctx: &egui::Context) {
        self.poll_saves(ctx);
        self.poll_refreshes();
        if let Some(address) = self.database.open.ui(ctx, &mut self.database.secrets) {
            self.open_table(address);
        }
        self.conflicts_ui(ctx);
        let focused = ctx.input(|i| i.focused);
        if focused && !self.database.had_focus {
            self.refresh_database(ctx, false);
        }
        self.database.had_focus = focused;
        if self.database.is_busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    /// How many features of the database layers have changes not saved to their tables
    /// (edited, new or deleted), counted again only when a layer changed.
    pub fn unsaved_in_database(&mut self) -> usize {
        let mut total = 0;
        for (id, layer) in self.doc.layers() {
            if layer.table.is_none() {
                continue;
            }
            let revision = self.doc.layer_revision(id);
            let entry = self.database.unsaved.entry(id).or_insert((None, 0));
            if entry.0.is_none() || entry.0 != revision {
                let changes = postgis::Changes::of(layer);
                let (updated, inserted, deleted) = changes.counts();
                *entry = (revision, updated + inserted + deleted);
            }
            total += entry.1;
        }
        total
    }

    /// Read a table in the background, as a file is read (progress, Cancel).
    pub fn open_table(&mut self, address: Address) {
        let password = self.database.secrets.password_for(&address);
        let name = address.short_name();
        self.status = format!("Opening {name}…");
        self.loading
            .start_with(PathBuf::from(name), false, move |progress| {
                postgis::open_table(&address, password.as_deref(), progress).map(|l| vec![l])
            });
    }

    /// Wait until the database work under way has ended and take its results (tests).
    pub fn finish_database(&mut self, ctx: &egui::Context) {
        let started = std::time::Instant::now();
        while self.database.is_busy() && started.elapsed() < std::time::Duration::from_secs(60) {
            std::thread::sleep(std::time::Duration::from_millis(20));
            self.poll_saves(ctx);
            self.poll_refreshes();
            self.database.open.poll(&mut self.database.secrets);
        }
        self.finish_loading();
    }

    /// The password was missing or refused for `address`: ask for it in the Open database
    /// window (the step is then done again by the person).
    fn ask_password(&mut self, address: &Address, step: &str) {
        self.database.open.show(
            Some(address),
            Some(format!(
                "{} asks for a password to {step}: type it and press Connect, then {step} again.",
                address.short_name()
            )),
        );
    }
}
