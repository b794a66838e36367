//! Editing a feature's properties: typed values (text, number, boolean, list, object, null),
//! keys added, renamed and deleted; the annotation fields (`status`, `confidence`, `tags`,
//! `notes`, `sources`) with their own widgets; one property set on several features at once.
//!
//! Every change is pushed as a [`Command::Edit`]; text is committed when its field loses focus
//! (Enter, Tab or a click elsewhere), so one change is one undo step.

use std::collections::HashMap;

use egui::{Color32, RichText};
use serde_json::{Map, Value, json};

use crate::edit::Edit;
use crate::model::{Document, Feature, FeatureRef};
use crate::ui::command::Command;

/// The statuses offered for `status` (free text is allowed too).
pub(crate) const STATUSES: [&str; 5] = ["suspected", "confirmed", "operating", "raided", "closed"];
/// The levels offered for `confidence`.
pub(crate) const CONFIDENCES: [&str; 3] = ["low", "medium", "high"];

/// The JSON type of a value, as a person picks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Number,
    Boolean,
    List,
    Object,
    Null,
}

impl Kind {
    const ALL: [Kind; 6] = [
        Kind::Text,
        Kind::Number,
        Kind::Boolean,
        Kind::List,
        Kind::Object,
        Kind::Null,
    ];

    pub(crate) fn of(value: &Value) -> Kind {
        match value {
            Value::String(_) => Kind::Text,
            Value::Number(_) => Kind::Number,
            Value::Bool(_) => Kind::Boolean,
            Value::Array(_) => Kind::List,
            Value::Object(_) => Kind::Object,
            Value::Null => Kind::Null,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::List => "list",
            Kind::Object => "object",
            Kind::Null => "null",
        }
    }

    /// `value` turned into this kind, keeping what can be kept.
    fn convert(self, value: &Value) -> Value {
        match self {
            Kind::Text => Value::String(text_of(value)),
            Kind::Number => parse(Kind::Number, &text_of(value)).unwrap_or(json!(0)),
            Kind::Boolean => {
                Value::Bool(matches!(value, Value::Bool(true)) || text_of(value) == "true")
            }
            Kind::List => match value {
                Value::Array(_) => value.clone(),
                Value::Null => json!([]),
                other => json!([other]),
            },
            Kind::Object => match value {
                Value::Object(_) => value.clone(),
                _ => json!({}),
            },
            Kind::Null => Value::Null,
        }
    }
}

/// A value as it is typed: strings bare, anything else as JSON.
pub(crate) fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Typed text as a value of `kind`, or why it is not one.
pub(crate) fn parse(kind: Kind, text: &str) -> Result<Value, String> {
    match kind {
        Kind::Text => Ok(Value::String(text.to_owned())),
        Kind::Null => Ok(Value::Null),
        Kind::Boolean => match text.trim() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("write true or false".into()),
        },
        Kind::Number => match serde_json::from_str::<Value>(text.trim()) {
            Ok(v @ Value::Number(_)) => Ok(v),
            _ => Err(format!(
                "{:?} is not a number (write 12 or 11.5)",
                text.trim()
            )),
        },
        Kind::List => match serde_json::from_str::<Value>(text.trim()) {
            Ok(v @ Value::Array(_)) => Ok(v),
            _ => Err("write a JSON list, like [\"a\", 2]".into()),
        },
        Kind::Object => match serde_json::from_str::<Value>(text.trim()) {
            Ok(v @ Value::Object(_)) => Ok(v),
            _ => Err("write a JSON object, like {\"a\": 1}".into()),
        },
    }
}

/// Text buffers of the fields being typed into, for one feature (or one multiple selection).
#[derive(Default)]
pub(crate) struct PropertyEditor {
    /// The feature and layer revision the buffers were filled for; a change refills them.
    filled_for: Option<(Vec<FeatureRef>, Option<u64>)>,
    values: HashMap<String, String>,
    errors: HashMap<String, String>,
    renaming: Option<(String, String)>,
    new_key: String,
    new_kind: Option<Kind>,
    new_value: String,
    new_error: Option<String>,
    tags: String,
    notes: String,
    status_other: String,
    source_url: String,
    source_date: String,
    /// Put the keyboard in the `name` field (a point was just added).
    pub focus_name: bool,
}

impl PropertyEditor {
    /// Refill the buffers when the selection or its layer changed (an edit, undo, redo).
    fn sync(&mut self, doc: &Document, selected: &[FeatureRef]) {
        let revision = selected.first().and_then(|r| doc.layer_revision(r.layer));
        let key = (selected.to_vec(), revision);
        if self.filled_for.as_ref() == Some(&key) {
            return;
        }
        let keep_new = self.filled_for.as_ref().is_some_and(|(s, _)| s == selected);
        self.filled_for = Some(key);
        self.values.clear();
        self.errors.clear();
        self.renaming = None;
        if !keep_new {
            self.new_key.clear();
            self.new_value.clear();
            self.new_error = None;
        }
        let feature = selected.first().and_then(|r| doc.feature(*r));
        let prop = |k: &str| feature.and_then(|f| f.property(k));
        self.tags = match prop("tags") {
            Some(Value::Array(items)) => items.iter().map(text_of).collect::<Vec<_>>().join(", "),
            Some(other) => text_of(other),
            None => String::new(),
        };
        self.notes = prop("notes").map(text_of).unwrap_or_default();
        self.status_other = prop("status").map(text_of).unwrap_or_default();
        self.source_url.clear();
        self.source_date.clear();
    }

    /// The annotation widgets and every property of one feature, editable.
    pub(crate) fn feature_ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        r: FeatureRef,
        commands: &mut Vec<Command>,
    ) {
        self.sync(doc, &[r]);
        let Some(feature) = doc.feature(r) else {
            return;
        };
        let label = feature.label(r.index);
        let mut edit = |edit: Edit, what: String| {
            commands.push(Command::Edit(edit, format!("{what} of {label}")));
        };
        egui::CollapsingHeader::new(RichText::new("Annotation").strong())
            .default_open(true)
            .show(ui, |ui| self.annotation_ui(ui, feature, r, &mut edit));
        ui.add_space(4.0);
        ui.label(RichText::new("Properties").strong());
        match feature.object().get("properties") {
            Some(Value::Object(props)) => {
                for (key, value) in props {
                    if !is_annotation(key, value) {
                        self.row_ui(ui, r, key, value, &mut edit);
                    }
                }
                if props.is_empty() {
                    ui.label(RichText::new("No properties.").weak());
                }
            }
            _ => {
                ui.label(RichText::new("properties: null").weak());
            }
        }
        self.add_ui(ui, feature, |key, value| {
            edit(
                Edit::SetProperty {
                    target: r,
                    key: key.clone(),
                    value,
                },
                format!("Add {key}"),
            );
        });
    }

    /// One property on one row: its key (double-click renames), its type, its value editor,
    /// and a menu with Rename and Delete.
    fn row_ui(
        &mut self,
        ui: &mut egui::Ui,
        r: FeatureRef,
        key: &str,
        value: &Value,
        edit: &mut impl FnMut(Edit, String),
    ) {
        ui.horizontal_top(|ui| {
            self.key_ui(ui, r, key, edit);
            kind_ui(ui, r, key, value, edit);
            let width = (ui.available_width() - 40.0).max(80.0);
            ui.vertical(|ui| {
                ui.set_width(width);
                self.value_ui(ui, key, value, |v| {
                    edit(
                        Edit::SetProperty {
                            target: r,
                            key: key.to_owned(),
                            value: v,
                        },
                        format!("Set {key}"),
                    );
                });
                if let Some(error) = self.errors.get(key) {
                    ui.add(
                        egui::Label::new(
                            RichText::new(error).color(Color32::from_rgb(190, 30, 30)),
                        )
                        .wrap(),
                    );
                }
            });
            ui.menu_button("…", |ui| {
                if ui.button("Rename").clicked() {
                    self.renaming = Some((key.to_owned(), key.to_owned()));
                }
                if ui.button("Delete").clicked() {
                    edit(
                        Edit::RemoveProperty {
                            target: r,
                            key: key.to_owned(),
                        },
                        format!("Delete {key}"),
                    );
                }
            })
            .response
            .on_hover_text(format!("Rename or delete {key}"));
        });
    }

    /// The key, as a label (double-click renames) or, while renaming, a field.
    fn key_ui(
        &mut self,
        ui: &mut egui::Ui,
        r: FeatureRef,
        key: &str,
        edit: &mut impl FnMut(Edit, String),
    ) {
        let key_width = 96.0;
        match &mut self.renaming {
            Some((from, to)) if from == key => {
                let response = ui.add(
                    egui::TextEdit::singleline(to)
                        .hint_text("new name")
                        .desired_width(key_width),
                );
                response.request_focus();
                if response.lost_focus() {
                    let to = to.trim().to_owned();
                    if !to.is_empty() && to != key {
                        edit(
                            Edit::RenameProperty {
                                target: r,
                                from: key.to_owned(),
                                to: to.clone(),
                            },
                            format!("Rename {key} to {to}"),
                        );
                    }
                    self.renaming = None;
                }
            }
            _ => {
                let size = egui::vec2(key_width, ui.spacing().interact_size.y);
                let layout = egui::Layout::left_to_right(egui::Align::Center);
                let response = ui
                    .allocate_ui_with_layout(size, layout, |ui| {
                        ui.set_min_size(size);
                        ui.add(
                            egui::Label::new(RichText::new(key).strong())
                                .truncate()
                                .sense(egui::Sense::click()),
                        )
                    })
                    .inner
                    .on_hover_text(format!("{key} (double-click to rename)"));
                if response.double_clicked() {
                    self.renaming = Some((key.to_owned(), key.to_owned()));
                }
            }
        }
    }

    /// The editor of one value by its type; `set` gets the new value when it is committed.
    fn value_ui(&mut self, ui: &mut egui::Ui, key: &str, value: &Value, set: impl FnOnce(Value)) {
        let kind = Kind::of(value);
        match value {
            Value::Null => {
                ui.label(RichText::new("null").italics().weak());
            }
            Value::Bool(b) => {
                let mut b2 = *b;
                if ui
                    .checkbox(&mut b2, "")
                    .on_hover_text(format!("{key}: true or false"))
                    .changed()
                {
                    set(Value::Bool(b2));
                }
            }
            _ => {
                let text = self
                    .values
                    .entry(key.to_owned())
                    .or_insert_with(|| match value {
                        Value::Array(_) | Value::Object(_) => {
                            serde_json::to_string_pretty(value).unwrap_or_default()
                        }
                        other => text_of(other),
                    });
                let field = match kind {
                    Kind::List | Kind::Object => egui::TextEdit::multiline(text)
                        .desired_rows(2)
                        .code_editor(),
                    // Long text wraps over several lines.
                    _ if text.len() > 40 || text.contains('\n') => {
                        egui::TextEdit::multiline(text).desired_rows(2)
                    }
                    _ => egui::TextEdit::singleline(text),
                };
                let response = ui.add(
                    field
                        .desired_width(ui.available_width())
                        .hint_text(key)
                        .id_salt(("value", key)),
                );
                if key == "name" && std::mem::take(&mut self.focus_name) {
                    response.request_focus();
                }
                if response.lost_focus() {
                    match parse(kind, text) {
                        Ok(new) if new != *value => {
                            self.errors.remove(key);
                            set(new);
                        }
                        Ok(_) => {
                            self.errors.remove(key);
                        }
                        Err(e) => {
                            self.errors.insert(key.to_owned(), e);
                        }
                    }
                }
            }
        }
    }

    /// The row that adds a property: key, type, value, Add.
    fn add_ui(&mut self, ui: &mut egui::Ui, feature: &Feature, add: impl FnOnce(String, Value)) {
        ui.add_space(4.0);
        let mut add = Some(add);
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.new_key)
                    .hint_text("new property")
                    .desired_width(90.0),
            )
            .on_hover_text("New property's name");
            let kind = self.new_kind.get_or_insert(Kind::Text);
            egui::ComboBox::from_id_salt("new-kind")
                .width(70.0)
                .selected_text(kind.name())
                .show_ui(ui, |ui| {
                    for k in Kind::ALL {
                        ui.selectable_value(kind, k, k.name());
                    }
                })
                .response
                .on_hover_text("Type of the new property");
            let kind = *kind;
            if kind != Kind::Null {
                ui.add(
                    egui::TextEdit::singleline(&mut self.new_value)
                        .hint_text("value")
                        .desired_width(90.0),
                )
                .on_hover_text("New property's value");
            }
            if ui.button("Add").clicked() {
                let key = self.new_key.trim().to_owned();
                let value = if kind == Kind::Boolean && self.new_value.trim().is_empty() {
                    Ok(Value::Bool(false))
                } else {
                    parse(kind, &self.new_value)
                };
                match value {
                    _ if key.is_empty() => {
                        self.new_error = Some("Type the property's name.".into())
                    }
                    _ if feature.property(&key).is_some() => {
                        self.new_error = Some(format!("{key} exists already: edit it above."));
                    }
                    Err(e) => self.new_error = Some(e),
                    Ok(value) => {
                        if let Some(add) = add.take() {
                            add(key, value);
                        }
                        self.new_key.clear();
                        self.new_value.clear();
                        self.new_error = None;
                    }
                }
            }
        });
        if let Some(error) = &self.new_error {
            ui.label(RichText::new(error).color(Color32::from_rgb(190, 30, 30)));
        }
    }

    /// `status`, `confidence`, `tags`, `notes` and `sources`.
    fn annotation_ui(
        &mut self,
        ui: &mut egui::Ui,
        feature: &Feature,
        r: FeatureRef,
        edit: &mut impl FnMut(Edit, String),
    ) {
        egui::Grid::new("annotation").num_columns(2).show(ui, |ui| {
            self.status_row_ui(ui, feature, r, edit);
            confidence_row_ui(ui, feature, r, edit);
            self.tags_and_notes_rows_ui(ui, feature, r, edit);
        });
        self.sources_ui(ui, feature, r, edit);
    }

    /// Status: one of the usual words, or free text.
    fn status_row_ui(
        &mut self,
        ui: &mut egui::Ui,
        feature: &Feature,
        r: FeatureRef,
        edit: &mut impl FnMut(Edit, String),
    ) {
        ui.label("Status");
        let status = feature.property("status").map(text_of).unwrap_or_default();
        ui.horizontal(|ui| {
            let mut chosen = status.clone();
            egui::ComboBox::from_id_salt("status")
                .selected_text(if status.is_empty() {
                    "–"
                } else {
                    status.as_str()
                })
                .show_ui(ui, |ui| {
                    for s in STATUSES {
                        ui.selectable_value(&mut chosen, s.to_owned(), s);
                    }
                    ui.selectable_value(&mut chosen, String::new(), "(none)");
                })
                .response
                .on_hover_text("Status of the site");
            if chosen != status {
                let (e, d) = set_or_clear(r, "status", (!chosen.is_empty()).then(|| json!(chosen)));
                edit(e, d);
            }
            let other = ui.add(
                egui::TextEdit::singleline(&mut self.status_other)
                    .hint_text("or type one")
                    .desired_width(90.0),
            );
            if other.lost_focus() && self.status_other.trim() != status {
                let typed = self.status_other.trim().to_owned();
                let (e, d) = set_or_clear(r, "status", (!typed.is_empty()).then(|| json!(typed)));
                edit(e, d);
            }
        });
        ui.end_row();
    }

    /// Tags (comma-separated) and notes, committed when the field loses the focus.
    fn tags_and_notes_rows_ui(
        &mut self,
        ui: &mut egui::Ui,
        feature: &Feature,
        r: FeatureRef,
        edit: &mut impl FnMut(Edit, String),
    ) {
        let label = ui.label("Tags");
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut self.tags)
                    .hint_text("comma, separated")
                    .desired_width(200.0),
            )
            .labelled_by(label.id);
        if response.lost_focus() {
            let tags: Vec<Value> = self
                .tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| json!(t))
                .collect();
            let now = (!tags.is_empty()).then_some(Value::Array(tags));
            if now.as_ref() != feature.property("tags") {
                let (e, d) = set_or_clear(r, "tags", now);
                edit(e, d);
            }
        }
        ui.end_row();

        let label = ui.label("Notes");
        let response = ui
            .add(
                egui::TextEdit::multiline(&mut self.notes)
                    .desired_rows(3)
                    .desired_width(200.0),
            )
            .labelled_by(label.id);
        if response.lost_focus() {
            let now = (!self.notes.is_empty()).then(|| json!(self.notes));
            if now.as_ref() != feature.property("notes") {
                let (e, d) = set_or_clear(r, "notes", now);
                edit(e, d);
            }
        }
        ui.end_row();
    }

    /// `sources`: a row to add one, then the list of `{"url", "date"}`, each removable.
    fn sources_ui(
        &mut self,
        ui: &mut egui::Ui,
        feature: &Feature,
        r: FeatureRef,
        edit: &mut impl FnMut(Edit, String),
    ) {
        let sources: Vec<Value> = match feature.property("sources") {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        ui.label("Sources");
        // The fields to add one first, then the list with its Remove buttons: Tab from
        // Notes goes on to the next fields, not to a Remove button.
        let set = |list: Vec<Value>, what: &str| {
            let edit = if list.is_empty() {
                Edit::RemoveProperty {
                    target: r,
                    key: "sources".into(),
                }
            } else {
                Edit::SetProperty {
                    target: r,
                    key: "sources".into(),
                    value: Value::Array(list),
                }
            };
            (edit, what.to_owned())
        };
        ui.horizontal_wrapped(|ui| {
            let address = ui.add(
                egui::TextEdit::singleline(&mut self.source_url)
                    .hint_text("https://…")
                    .desired_width(140.0),
            );
            crate::ui::a11y::name(&address, "Source address");
            let date = ui.add(
                egui::TextEdit::singleline(&mut self.source_date)
                    .hint_text("2025-07-16")
                    .desired_width(crate::ui::text_fit::field_width(ui, "2025-07-16")),
            );
            crate::ui::a11y::name(&date, "Source date");
            let url = self.source_url.trim().to_owned();
            if ui
                .add_enabled(!url.is_empty(), egui::Button::new("Add source"))
                .clicked()
            {
                let mut source = Map::new();
                source.insert("url".into(), json!(url));
                let date = self.source_date.trim();
                if !date.is_empty() {
                    source.insert("date".into(), json!(date));
                }
                let mut list = sources.clone();
                list.push(Value::Object(source));
                let (e, d) = set(list, "Add a source");
                edit(e, d);
                self.source_url.clear();
                self.source_date.clear();
            }
        });
        let mut remove = None;
        for (i, source) in sources.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                let field = |k: &str| source.get(k).map(text_of).filter(|t| !t.is_empty());
                let url = field("url");
                let title = field("title")
                    .or_else(|| field("publisher"))
                    .or_else(|| url.clone())
                    .unwrap_or_else(|| text_of(source));
                let date = field("date").or_else(|| field("published"));
                match &url {
                    Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                        ui.hyperlink_to(&title, url).on_hover_text(url);
                    }
                    _ => {
                        ui.add(egui::Label::new(&title).wrap());
                    }
                }
                if let Some(date) = date {
                    ui.label(RichText::new(date).weak());
                }
                if ui.small_button("Remove").clicked() {
                    remove = Some(i);
                }
            });
        }
        if let Some(i) = remove {
            let mut list = sources.clone();
            list.remove(i);
            let (e, d) = set(list, "Remove a source");
            edit(e, d);
        }
    }

    /// Several features selected: set one property on all of them (one undo step).
    pub(crate) fn many_ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        selected: &[FeatureRef],
        commands: &mut Vec<Command>,
    ) {
        self.sync(doc, selected);
        ui.label(RichText::new("Set a property on all of them").strong());
        let targets = selected.to_vec();
        let count = targets.len();
        let no_feature = Feature::new(geo::point!(x: 0.0, y: 0.0).into(), Map::new());
        self.add_ui(ui, &no_feature, move |key, value| {
            let edits = targets
                .into_iter()
                .map(|target| Edit::SetProperty {
                    target,
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect();
            commands.push(Command::Edit(
                Edit::Batch(edits),
                format!("Set {key} on {count} features"),
            ));
        });
    }
}

/// Whether a property is shown by the annotation widgets (and so not in the generic list).
fn is_annotation(key: &str, value: &Value) -> bool {
    match key {
        "status" | "confidence" | "notes" => value.is_string(),
        "tags" => value
            .as_array()
            .is_some_and(|a| a.iter().all(Value::is_string)),
        "sources" => value.is_array(),
        _ => false,
    }
}

/// The value's type; another type chosen converts the value.
fn kind_ui(
    ui: &mut egui::Ui,
    r: FeatureRef,
    key: &str,
    value: &Value,
    edit: &mut impl FnMut(Edit, String),
) {
    let kind = Kind::of(value);
    let mut chosen = kind;
    egui::ComboBox::from_id_salt(("kind", key))
        .width(62.0)
        .selected_text(kind.name())
        .show_ui(ui, |ui| {
            for k in Kind::ALL {
                ui.selectable_value(&mut chosen, k, k.name());
            }
        })
        .response
        .on_hover_text(format!("Type of {key}"));
    if chosen != kind {
        edit(
            Edit::SetProperty {
                target: r,
                key: key.to_owned(),
                value: chosen.convert(value),
            },
            format!("Make {key} a {}", chosen.name()),
        );
    }
}

/// The edit that sets `key` to `value`, or removes it when there is none, with its description.
fn set_or_clear(r: FeatureRef, key: &str, value: Option<Value>) -> (Edit, String) {
    match value {
        Some(value) => (
            Edit::SetProperty {
                target: r,
                key: key.to_owned(),
                value,
            },
            format!("Set {key}"),
        ),
        None => (
            Edit::RemoveProperty {
                target: r,
                key: key.to_owned(),
            },
            format!("Clear {key}"),
        ),
    }
}

/// How sure the annotation is: one of the usual words.
fn confidence_row_ui(
    ui: &mut egui::Ui,
    feature: &Feature,
    r: FeatureRef,
    edit: &mut impl FnMut(Edit, String),
) {
    ui.label("Confidence");
    let confidence = feature
        .property("confidence")
        .map(text_of)
        .unwrap_or_default();
    let mut chosen = confidence.clone();
    egui::ComboBox::from_id_salt("confidence")
        .selected_text(if confidence.is_empty() {
            "–"
        } else {
            confidence.as_str()
        })
        .show_ui(ui, |ui| {
            for c in CONFIDENCES {
                ui.selectable_value(&mut chosen, c.to_owned(), c);
            }
            ui.selectable_value(&mut chosen, String::new(), "(none)");
        })
        .response
        .on_hover_text("How sure the annotation is");
    if chosen != confidence {
        let (e, d) = set_or_clear(r, "confidence", (!chosen.is_empty()).then(|| json!(chosen)));
        edit(e, d);
    }
    ui.end_row();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_becomes_a_value_of_the_chosen_type_or_says_why_not() {
        assert_eq!(parse(Kind::Number, " 11.5 "), Ok(json!(11.5)));
        assert!(parse(Kind::Number, "eleven").is_err());
        assert_eq!(parse(Kind::Boolean, "true"), Ok(json!(true)));
        assert_eq!(parse(Kind::List, r#"["a", 2]"#), Ok(json!(["a", 2])));
        assert!(parse(Kind::List, r#"{"a": 2}"#).is_err());
        assert_eq!(parse(Kind::Object, r#"{"a": 2}"#), Ok(json!({"a": 2})));
        assert_eq!(parse(Kind::Text, "42"), Ok(json!("42")));
        assert_eq!(parse(Kind::Null, "whatever"), Ok(Value::Null));
    }

    #[test]
    fn changing_the_type_keeps_what_can_be_kept() {
        assert_eq!(Kind::Number.convert(&json!("12")), json!(12));
        assert_eq!(Kind::Text.convert(&json!(12.5)), json!("12.5"));
        assert_eq!(Kind::List.convert(&json!("a")), json!(["a"]));
        assert_eq!(Kind::Boolean.convert(&json!("true")), json!(true));
        assert_eq!(Kind::Null.convert(&json!([1])), Value::Null);
    }
}
