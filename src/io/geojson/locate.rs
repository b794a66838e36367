//! Turning places in the text into 1-based line:column, and JSON paths back into places.
//!
//! Reading never tracks positions on the happy path. When a problem is found, its JSON path is
//! walked again in the raw text (each step parses only the value it enters), and the byte offset
//! of the value found is turned into a line and a column. Columns count characters, not bytes,
//! so a Khmer name before a mistake does not push the column off.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;

use serde_json::value::RawValue;

use super::json::{Members, Seg, elements, members};

/// What in the value at a path a problem is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum At {
    /// The value itself (its first character).
    Value,
    /// The `nth` (0-based) member called `key` of the object at the path (its key's opening
    /// quote).
    Member { key: String, nth: usize },
}

/// The text of a whole file, with a line index built the first time a position is needed.
pub(super) struct Text<'a> {
    pub text: &'a str,
    line_starts: OnceCell<Vec<usize>>,
}

impl<'a> Text<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text,
            line_starts: OnceCell::new(),
        }
    }

    /// Byte offset of `sub`, which must be a slice of this text.
    pub(super) fn offset_of(&self, sub: &str) -> Option<usize> {
        let start = self.text.as_ptr() as usize;
        let at = sub.as_ptr() as usize;
        (at >= start && at + sub.len() <= start + self.text.len()).then(|| at - start)
    }

    fn starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 1-based line and character column of a byte offset (clamped to the text).
    pub(super) fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.starts();
        let line = starts.partition_point(|&s| s <= offset);
        let line_start = starts[line.saturating_sub(1)];
        (line, self.text[line_start..offset].chars().count() + 1)
    }
}

impl Text<'_> {
    /// [`Text::line_col`] of many offsets at once, in time linear in the text even when they
    /// all lie on one huge line (minified GeoJSON).
    pub(super) fn line_cols(&self, offsets: &[usize]) -> Vec<(usize, usize)> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_by_key(|&i| offsets[i]);
        let mut out = vec![(0, 0); offsets.len()];
        // The last place computed: (byte offset, line, column).
        let mut last: Option<(usize, usize, usize)> = None;
        for i in order {
            let mut offset = offsets[i].min(self.text.len());
            while !self.text.is_char_boundary(offset) {
                offset -= 1;
            }
            let (line, _) = self.line_col_of_line_start(offset);
            let place = match last {
                Some((prev, prev_line, prev_col)) if prev_line == line => {
                    (line, prev_col + self.text[prev..offset].chars().count())
                }
                _ => self.line_col(offset),
            };
            last = Some((offset, place.0, place.1));
            out[i] = place;
        }
        out
    }

    /// The line of `offset` (the column is left at 1; cheap).
    fn line_col_of_line_start(&self, offset: usize) -> (usize, usize) {
        let starts = self.starts();
        (starts.partition_point(|&s| s <= offset), 1)
    }
}

/// The byte offset in `text` of serde_json's `line` and `column` (1-based, counted in bytes;
/// column 0 means the start of the line).
pub(super) fn offset_of_line_col(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// Finds places in one file, remembering every object and array it has split, so locating
/// many problems in one huge object (thousands of duplicate keys, thousands of bad rings in
/// one country outline) stays linear in the size of the file.
#[derive(Default)]
pub(super) struct Locator<'a> {
    objects: HashMap<(usize, usize), Option<Object<'a>>>,
    arrays: HashMap<(usize, usize), Option<Vec<&'a RawValue>>>,
}

/// An object split into its members, with where each key occurs.
struct Object<'a> {
    members: Members<'a>,
    by_key: HashMap<Cow<'a, str>, Vec<usize>>,
}

impl<'a> Object<'a> {
    fn new(members: Members<'a>) -> Self {
        let mut by_key: HashMap<Cow<'a, str>, Vec<usize>> = HashMap::new();
        for (i, (key, _)) in members.iter().enumerate() {
            by_key.entry(key.clone()).or_default().push(i);
        }
        Self { members, by_key }
    }

    /// The value of the `nth` member called `key`, or of the last one.
    fn value(&self, key: &str, nth: Option<usize>) -> Option<&'a RawValue> {
        let places = self.by_key.get(key)?;
        let i = match nth {
            Some(n) => places.get(n)?,
            None => places.last()?,
        };
        Some(self.members[*i].1)
    }
}

fn key_of(text: &str) -> (usize, usize) {
    (text.as_ptr() as usize, text.len())
}

impl<'a> Locator<'a> {
    fn object(&mut self, text: &'a str) -> Option<&Object<'a>> {
        self.objects
            .entry(key_of(text))
            .or_insert_with(|| members(text).map(Object::new))
            .as_ref()
    }

    fn elements(&mut self, array: &'a str) -> Option<&Vec<&'a RawValue>> {
        self.arrays
            .entry(key_of(array))
            .or_insert_with(|| elements(array))
            .as_ref()
    }

    /// The slice of `base` (one JSON value) where the problem at `path` + `at` starts.
    pub(super) fn locate(&mut self, base: &'a str, path: &[Seg], at: &At) -> Option<&'a str> {
        let mut current = base;
        for seg in path {
            current = match seg {
                // With repeated keys the last one counts, as it does when the value is read.
                Seg::Key(key) => self.object(current)?.value(key, None)?.get(),
                Seg::Index(i) => self.elements(current)?.get(*i)?.get(),
            };
        }
        match at {
            At::Value => Some(current),
            At::Member { key, nth } => {
                let value = self.object(current)?.value(key, Some(*nth))?.get();
                Some(key_before(current, value).unwrap_or(value))
            }
        }
    }
}

/// The key (from its opening quote) of the member whose value is `value`, a slice of `object`.
fn key_before<'a>(object: &'a str, value: &str) -> Option<&'a str> {
    let end = (value.as_ptr() as usize).checked_sub(object.as_ptr() as usize)?;
    let bytes = object.as_bytes().get(..end)?;
    let mut i = bytes.len();
    let skip_ws = |i: &mut usize| {
        while *i > 0 && matches!(bytes[*i - 1], b' ' | b'\t' | b'\n' | b'\r') {
            *i -= 1;
        }
    };
    skip_ws(&mut i);
    if i == 0 || bytes[i - 1] != b':' {
        return None;
    }
    i -= 1;
    skip_ws(&mut i);
    if i == 0 || bytes[i - 1] != b'"' {
        return None;
    }
    i -= 1;
    // Back to the opening quote: the nearest quote not escaped by an odd run of backslashes.
    while i > 0 {
        i -= 1;
        if bytes[i] == b'"' {
            let backslashes = bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count();
            if backslashes % 2 == 0 {
                return object.get(i..);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(text: &str, path: &[Seg], at: At) -> Option<(usize, usize)> {
        let t = Text::new(text);
        let found = Locator::default().locate(text, path, &at)?;
        Some(t.line_col(t.offset_of(found)?))
    }

    #[test]
    fn paths_lead_to_the_line_and_character_column_of_their_value() {
        let text = "{\"name\": \"ម៉ាងហ្គោ\", \"a\": [1,\n  [2, 3]]}";
        assert_eq!(place(text, &[Seg::key("a")], At::Value), Some((1, 27)));
        assert_eq!(
            place(
                text,
                &[Seg::key("a"), Seg::Index(1), Seg::Index(1)],
                At::Value
            ),
            Some((2, 7))
        );
        assert_eq!(place(text, &[Seg::key("missing")], At::Value), None);
    }

    #[test]
    fn members_are_located_at_their_key_even_with_escaped_quotes() {
        let text = r#"{"k\"": 1, "k\"" : 2}"#;
        let second = At::Member {
            key: "k\"".into(),
            nth: 1,
        };
        assert_eq!(place(text, &[], second), Some((1, 12)));
    }

    #[test]
    fn serde_json_positions_become_byte_offsets() {
        let text = "ab\ncdef\ng";
        assert_eq!(offset_of_line_col(text, 2, 3), 5);
        assert_eq!(offset_of_line_col(text, 1, 0), 0);
        assert_eq!(offset_of_line_col(text, 9, 9), text.len());
    }
}
