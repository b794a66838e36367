//! *Open database…*: the address of a PostgreSQL/PostGIS database, the password when the
//! server asks for one, then the tables and views with geometry (with their row counts) to open
//! as layers. Connecting and listing run on a thread; the table itself is read in the
//! background like a file (`ui::app::loading`).

use egui::RichText;

use super::job::Job;
use super::secrets::Secrets;
use crate::io::postgis::{self, Address, DbError, TableInfo};
use crate::measure::group_thousands;

/// The Open database window.
#[derive(Default)]
pub struct OpenWindow {
    pub shown: bool,
    /// `postgresql://USER@HOST[:PORT]/DB` (with `?sslmode=` and so on).
    pub address: String,
    /// Typed here, handed to [`Secrets`] once it worked, then cleared.
    password: String,
    listing: Option<(Address, Option<String>, Job<Vec<TableInfo>>)>,
    /// The database the tables were listed from, and its tables.
    listed: Option<(Address, Vec<TableInfo>)>,
    /// What went wrong with the last attempt, for a person.
    error: Option<String>,
    /// The server asked for a password (the field gets the keyboard).
    asks_password: bool,
    /// Shown to ask the password for a save or refresh: closed once it works.
    for_a_step: bool,
}

impl OpenWindow {
    /// Show the window, with `address` in it (a table's database when a password is needed).
    pub fn show(&mut self, address: Option<&Address>, why: Option<String>) {
        self.shown = true;
        if let Some(address) = address {
            self.address = Address {
                table: None,
                ..address.clone()
            }
            .to_string();
        }
        if why.is_some() {
            self.asks_password = true;
            self.for_a_step = true;
            self.error = why;
        }
    }

    /// Whether the window is connecting.
    pub fn is_busy(&self) -> bool {
        self.listing.is_some()
    }

    /// Draw the window; returns the table to open (its address), if one was picked.
    pub fn ui(&mut self, ctx: &egui::Context, secrets: &mut Secrets) -> Option<Address> {
        self.poll(secrets);
        if !self.shown {
            return None;
        }
        let mut open = None;
        let mut shown = true;
        egui::Window::new("Open database")
            .open(&mut shown)
            .collapsible(false)
            .resizable(true)
            .default_width(460.0)
            .show(ctx, |ui| {
                ui.label("A PostgreSQL database with PostGIS, shared by the team:");
                let address = ui.add(
                    egui::TextEdit::singleline(&mut self.address)
                        .hint_text("postgresql://USER@HOST:5432/DB")
                        .desired_width(f32::INFINITY),
                );
                crate::ui::a11y::name(&address, "Database address");
                ui.horizontal(|ui| {
                    ui.label("Password");
                    let field = ui.add(
                        egui::TextEdit::singleline(&mut self.password)
                            .password(true)
                            .desired_width(200.0),
                    );
                    crate::ui::a11y::name(&field, "Database password");
                    if std::mem::take(&mut self.asks_password) {
                        field.request_focus();
                    }
                    let enter = (address.lost_focus() || field.lost_focus())
                        && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    let connect =
                        ui.add_enabled(self.listing.is_none(), egui::Button::new("Connect"));
                    if connect.clicked() || enter {
                        self.connect(ctx, secrets);
                    }
                });
                ui.label(
                    RichText::new(
                        "Only if the server asks for one; else PGPASSWORD or ~/.pgpass is used. \
                         Kept for this run only, never saved.",
                    )
                    .weak()
                    .small(),
                );
                if self.listing.is_some() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Connecting…");
                    });
                }
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                if let Some((address, tables)) = &self.listed {
                    ui.separator();
                    open = tables_ui(ui, address, tables);
                }
            });
        self.shown = shown && open.is_none();
        open
    }

    /// Connect and list the tables on a thread, with the typed password or a stored one.
    fn connect(&mut self, ctx: &egui::Context, secrets: &Secrets) {
        let address = match Address::parse(self.address.trim()) {
            Ok(address) => address,
            Err(error) => {
                self.error = Some(format!("The address is not right: {error}."));
                return;
            }
        };
        let typed = Some(std::mem::take(&mut self.password)).filter(|p| !p.is_empty());
        let password = typed.clone().or_else(|| secrets.password_for(&address));
        self.error = None;
        let job = Job::spawn(ctx, "list-tables", {
            let address = address.clone();
            move || {
                let mut conn = postgis::connect(&address, password.as_deref())?;
                postgis::list_tables(&mut conn)
            }
        });
        self.listing = Some((address, typed, job));
    }

    /// Take the result of connecting, if it came.
    pub fn poll(&mut self, secrets: &mut Secrets) {
        let Some((_, _, job)) = &self.listing else {
            return;
        };
        let Some(result) = job.poll() else {
            return;
        };
        let Some((address, typed, _)) = self.listing.take() else {
            return;
        };
        match result {
            Ok(tables) => {
                if let Some(password) = typed {
                    secrets.remember(&address, password);
                }
                if std::mem::take(&mut self.for_a_step) {
                    // The password was asked for a save or refresh: the person does it again.
                    self.shown = false;
                    self.error = None;
                    return;
                }
                self.error = tables.is_empty().then(|| {
                    "This database has no table or view with a geometry or geography column."
                        .to_owned()
                });
                self.listed = Some((address, tables));
            }
            Err(error) => {
                self.listed = None;
                if matches!(error, DbError::PasswordNeeded { .. }) {
                    self.asks_password = true;
                } else if typed.is_some() {
                    secrets.forget(&address);
                }
                self.error = Some(explain(&error));
            }
        }
    }
}

/// The tables with their geometry column and row count, each with an Open button.
fn tables_ui(ui: &mut egui::Ui, address: &Address, tables: &[TableInfo]) -> Option<Address> {
    let mut open = None;
    ui.label(RichText::new(format!("Tables with geometry in {}", address.short_name())).strong());
    egui::ScrollArea::vertical()
        .max_height(260.0)
        .show(ui, |ui| {
            egui::Grid::new("database-tables")
                .striped(true)
                .num_columns(4)
                .show(ui, |ui| {
                    ui.label(RichText::new("Table").weak());
                    ui.label(RichText::new("Geometry").weak());
                    ui.label(RichText::new("Rows").weak());
                    ui.label("");
                    ui.end_row();
                    for table in tables {
                        ui.label(table.name.to_string());
                        let srid = if table.srid == 0 {
                            String::new()
                        } else {
                            format!(" (EPSG:{})", table.srid)
                        };
                        ui.label(format!("{}{srid}", table.geometry_column));
                        ui.label(group_thousands(table.rows as f64));
                        let button = ui.button("Open");
                        let rows = group_thousands(table.rows as f64);
                        crate::ui::a11y::name(&button, format!("Open {}, {rows} rows", table.name));
                        if button.clicked() {
                            open = Some(address.with_table(table.name.clone()));
                        }
                        ui.end_row();
                    }
                });
        });
    open
}

/// A database error said for a person: what happened and what to do.
pub(crate) fn explain(error: &DbError) -> String {
    let text = error.to_string();
    let lower = text.to_lowercase();
    let hint = if matches!(error, DbError::PasswordNeeded { .. }) {
        "Type the password and press Connect."
    } else if lower.contains("password authentication failed") {
        "The password (or user name) is wrong; type it again."
    } else if lower.contains("connection refused") || lower.contains("no route") {
        "No database server answers there: check the host and port, and that it is running."
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("ssl") {
        "The secure (TLS) connection failed: check sslmode and sslrootcert in the address."
    } else if lower.contains("does not exist") && lower.contains("database") {
        "Check the database name at the end of the address."
    } else {
        ""
    };
    if hint.is_empty() {
        text
    } else {
        format!("{text}\n{hint}")
    }
}
