//! Limits that keep hostile input from exhausting the stack or memory: how deep elements may
//! nest and how much a compressed archive may inflate to. Each can be raised through an
//! environment variable, which every refusal names.

/// How deep KML and GPX elements, JSON arrays and objects (GeoJSON, TopoJSON), WKB and
/// FlatGeobuf geometry collections may nest: `RAIDMAP_MAX_DEPTH`, 256 by default, at most
/// [`MAX_DEPTH_CEILING`]. Real files nest a few dozen levels; a file 100,000 levels deep is
/// refused instead of overflowing the stack.
pub fn max_depth() -> usize {
    env_number("RAIDMAP_MAX_DEPTH").map_or(DEFAULT_MAX_DEPTH, |n| {
        usize::try_from(n).map_or(MAX_DEPTH_CEILING, |n| n.min(MAX_DEPTH_CEILING))
    })
}

/// How many bytes one entry of a KMZ or zip archive may inflate to: `RAIDMAP_MAX_INFLATED_MB`
/// megabytes, 256 by default (a "zip bomb" of gigabytes is refused, not inflated).
pub fn max_inflated_bytes() -> u64 {
    env_number("RAIDMAP_MAX_INFLATED_MB")
        .unwrap_or(DEFAULT_MAX_INFLATED_MB)
        .saturating_mul(1 << 20)
}

pub const DEFAULT_MAX_DEPTH: usize = 256;
/// The most `RAIDMAP_MAX_DEPTH` can raise the limit to. Nested JSON is parsed, checked,
/// written and dropped recursively (a property's value can be read on any thread, whose stack
/// may be Rust's default 2 MiB), at up to about 1 KiB of stack a level: 1,000 levels leave
/// room to spare on every thread.
pub const MAX_DEPTH_CEILING: usize = 1000;
pub const DEFAULT_MAX_INFLATED_MB: u64 = 256;

/// The message for input nested deeper than [`max_depth`].
pub fn depth_message(limit: usize) -> String {
    format!(
        "elements nest deeper than {limit} levels (the limit; set RAIDMAP_MAX_DEPTH to raise \
         it, up to {MAX_DEPTH_CEILING})"
    )
}

/// The message for an archive entry inflating past [`max_inflated_bytes`].
pub fn inflated_message(entry: &str, limit: u64) -> String {
    format!(
        "{entry} inflates to more than {} MB (the limit; set RAIDMAP_MAX_INFLATED_MB to raise it)",
        limit >> 20
    )
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.trim().parse().ok()
}

/// Read an archive entry whole, refusing one that inflates past [`max_inflated_bytes`]
/// without inflating more than that.
pub fn read_entry(entry: impl std::io::Read, name: &str) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let limit = max_inflated_bytes();
    let mut bytes = Vec::new();
    entry
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot inflate {name}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(inflated_message(name, limit));
    }
    Ok(bytes)
}

/// Inflate an archive entry to a private temporary file (deleted when closed), refusing one
/// that inflates past [`max_inflated_bytes`] without inflating more than that; the file is
/// returned at its start. Memory holds only a copy buffer, however large the entry.
pub fn spool_entry(entry: impl std::io::Read, name: &str) -> Result<std::fs::File, String> {
    use std::io::Seek as _;
    let limit = max_inflated_bytes();
    let mut file = tempfile::tempfile()
        .map_err(|e| format!("cannot make a temporary file for {name}: {e}"))?;
    let copied = std::io::copy(&mut entry.take(limit.saturating_add(1)), &mut file)
        .map_err(|e| format!("cannot inflate {name}: {e}"))?;
    if copied > limit {
        return Err(inflated_message(name, limit));
    }
    file.rewind()
        .map_err(|e| format!("cannot read back {name}: {e}"))?;
    Ok(file)
}

/// Where JSON text nests deeper than [`max_depth`]: the byte offset of the first `[` or `{`
/// past the limit, or `None` when the text stays within it (syntax is not checked here). Every
/// reader of JSON text runs this before parsing, which then runs without serde_json's own
/// 128-level limit (see [`crate::model::json_text`]).
pub fn json_too_deep(text: &[u8]) -> Option<usize> {
    json_deeper_than(text, max_depth())
}

fn json_deeper_than(text: &[u8], limit: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in text.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Refuse JSON text whose arrays and objects nest deeper than [`max_depth`], before it is
/// parsed: the 1-based line and column (in characters) where it does, and the message.
pub fn check_json_depth(text: &[u8]) -> Result<(), ((usize, usize), String)> {
    let Some(offset) = json_too_deep(text) else {
        return Ok(());
    };
    let before = text.get(..offset).unwrap_or(text);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(before.get(line_start..).unwrap_or_default())
        .chars()
        .count()
        + 1;
    Err((
        (line, column),
        format!("JSON {}", depth_message(max_depth())),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_depth_is_counted_outside_strings_only() {
        assert_eq!(json_deeper_than(b"[[1]]", 2), None);
        assert_eq!(json_deeper_than(b"[[[1]]]", 2), Some(2));
        assert_eq!(json_deeper_than(br#"{"a":"[[[[\"[[["}"#, 1), None);
        assert_eq!(json_deeper_than(br#"{"a":[{"b":[]}]}"#, 3), Some(11));
    }

    #[test]
    fn the_depth_error_says_where() {
        let deep = format!("{{\n  \"a\": {}", "[".repeat(100_000));
        let ((line, column), message) = check_json_depth(deep.as_bytes()).expect_err("too deep");
        assert_eq!(line, 2);
        // `{` is level 1, so the 256th `[` passes the default limit of 256.
        assert_eq!(column, 8 + DEFAULT_MAX_DEPTH - 1);
        assert!(message.contains("256 levels"), "{message}");
        assert!(message.contains("RAIDMAP_MAX_DEPTH"), "{message}");
    }
}
