//! The one typed-path box: wherever a file is chosen (next to *Choose…*, and in place of a
//! native dialog where none can be shown), a text field whose drop-down completes the last
//! part of the path from its folder's entries (folders end with `/`). Arrow keys choose,
//! Tab or Enter takes a suggestion, Esc hides the list; Enter with no list open submits.

use std::cell::RefCell;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::{CompletionPopup, Suggestion, TextEdit};

/// At most this many suggestions are listed.
const MAX_SUGGESTIONS: usize = 40;
/// A folder's listing is read again after this long.
const LISTING_LIFETIME: Duration = Duration::from_secs(2);

/// What the field did this frame.
pub(crate) struct PathFieldOutput {
    /// Enter was pressed with no suggestion list open: the path is the user's answer.
    pub submitted: bool,
}

/// A one-line path field with completion, `width` points wide, showing `hint` while empty,
/// known to screen readers (and tests) by `label`.
pub(crate) fn path_field(
    ui: &mut egui::Ui,
    id_salt: impl Hash + std::fmt::Debug,
    text: &mut String,
    (label, hint): (&str, &str),
    width: f32,
) -> PathFieldOutput {
    let id = ui.make_persistent_id(id_salt);
    let focused = ui.memory(|m| m.has_focus(id));
    let out = CompletionPopup::new(id)
        .word_boundary(std::path::is_separator)
        .show(
            ui,
            TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(width),
            |query| {
                if !focused {
                    return Vec::new();
                }
                let folder: String = query.text.chars().take(query.word_range.start.0).collect();
                suggestions(&folder, query.word)
            },
        );
    let response = out.text_edit.response.response;
    crate::ui::a11y::name(&response, label);
    let submitted = response.lost_focus()
        && out.accepted.is_none()
        && ui.input(|i| i.key_pressed(egui::Key::Enter));
    PathFieldOutput { submitted }
}

/// The entries of `folder` (the typed text up to its last separator; the working folder when
/// empty) starting with `start`, folders first, each folder with a trailing `/`. Hidden ones
/// only when `start` begins with a dot.
pub(crate) fn suggestions(folder: &str, start: &str) -> Vec<Suggestion> {
    let dir = if folder.is_empty() {
        PathBuf::from(".")
    } else {
        PathBuf::from(folder)
    };
    let entries = listing(&dir);
    entries
        .iter()
        .filter(|(name, _)| name.starts_with(start) && name != start)
        .filter(|(name, _)| start.starts_with('.') || !name.starts_with('.'))
        .take(MAX_SUGGESTIONS)
        .map(|(name, is_dir)| {
            if *is_dir {
                Suggestion::new(format!("{name}{}", std::path::MAIN_SEPARATOR))
            } else {
                Suggestion::new(name.clone())
            }
        })
        .collect()
}

/// A folder's entries (name, is a folder), folders first then by name, read at most every
/// [`LISTING_LIFETIME`] (the field asks every frame while it has the keyboard).
fn listing(dir: &Path) -> std::rc::Rc<Vec<(String, bool)>> {
    type Cached = Option<(PathBuf, Instant, std::rc::Rc<Vec<(String, bool)>>)>;
    thread_local! {
        static LAST: RefCell<Cached> = const { RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((cached, at, entries)) = &*last
            && cached == dir
            && at.elapsed() < LISTING_LIFETIME
        {
            return entries.clone();
        }
        let mut entries: Vec<(String, bool)> = std::fs::read_dir(dir)
            .map(|read| {
                read.filter_map(Result::ok)
                    .filter_map(|e| {
                        let name = e.file_name().into_string().ok()?;
                        // Follows links, so a link to a folder completes as a folder.
                        let is_dir = e.path().is_dir();
                        Some((name, is_dir))
                    })
                    .collect()
            })
            .unwrap_or_default();
        entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let entries = std::rc::Rc::new(entries);
        *last = Some((dir.to_owned(), Instant::now(), entries.clone()));
        entries
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folders_entries_complete_the_last_part_folders_first() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("raids")).expect("mkdir");
        std::fs::write(dir.path().join("raids.geojson"), "{}").expect("write");
        std::fs::write(dir.path().join("sites.geojson"), "{}").expect("write");
        std::fs::write(dir.path().join(".hidden"), "").expect("write");
        let folder = format!("{}{}", dir.path().display(), std::path::MAIN_SEPARATOR);
        let names: Vec<String> = suggestions(&folder, "ra")
            .into_iter()
            .map(|s| s.insert)
            .collect();
        assert_eq!(
            names,
            vec![
                format!("raids{}", std::path::MAIN_SEPARATOR),
                "raids.geojson".to_owned()
            ]
        );
        assert_eq!(suggestions(&folder, "").len(), 3, "hidden files left out");
        assert_eq!(suggestions(&folder, ".").len(), 1, "unless asked for");
        assert!(
            suggestions(&folder, "sites.geojson").is_empty(),
            "complete already"
        );
    }
}
