//! JSON values as the review list and the conflict screen show them: the value with its JSON
//! type, so `1` (a number) and `"1"` (text) and `null` and an absent value look different.

use serde_json::Value;

/// Longest a value is shown in a table cell (the whole value is in its hover text).
const SHORT_CHARS: usize = 48;

/// A table cell's text: not selectable, so a click on it clicks its row.
pub(super) fn cell(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.add(egui::Label::new(text).selectable(false))
}

/// `"operating" (text)`, `1 (number)`, `null`, `absent`, `[…] (list)`.
pub(super) fn describe(value: Option<&Value>) -> String {
    match value {
        None => "absent".to_owned(),
        Some(Value::Null) => "null".to_owned(),
        Some(v @ Value::String(_)) => format!("{v} (text)"),
        Some(v @ Value::Number(_)) => format!("{v} (number)"),
        Some(v @ Value::Bool(_)) => format!("{v} (true/false)"),
        Some(v @ Value::Array(_)) => format!("{v} (list)"),
        Some(v @ Value::Object(_)) => format!("{v} (object)"),
    }
}

/// [`describe`] cut to a table cell's width, with `…` where it was cut.
pub(super) fn short(value: Option<&Value>) -> String {
    cut(&describe(value), SHORT_CHARS)
}

/// At most `max` characters of `text`, `…` ending a cut one.
pub(super) fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A key value as JSON text (`7`, `"site-7"`), or `by content` for a feature without one.
pub(super) fn key_text(key: Option<&Value>) -> String {
    match key {
        Some(Value::Null) | None => "no key (matched by content)".to_owned(),
        Some(v) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_and_absence_are_told_apart() {
        assert_eq!(describe(Some(&json!(1))), "1 (number)");
        assert_eq!(describe(Some(&json!("1"))), "\"1\" (text)");
        assert_eq!(describe(Some(&Value::Null)), "null");
        assert_eq!(describe(None), "absent");
        assert_eq!(describe(Some(&json!(true))), "true (true/false)");
    }

    #[test]
    fn long_values_are_cut_with_an_ellipsis() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
