//! Limits that keep hostile input from exhausting the stack or memory: how deep elements may
//! nest and how much a compressed archive may inflate to. Each can be raised through an
//! environment variable, which every refusal names.

/// How deep KML and GPX elements, JSON arrays and objects (TopoJSON), WKB and FlatGeobuf
/// geometry collections may nest: `RAIDMAP_MAX_DEPTH`,
/// 256 by default. Real files nest a few dozen levels; a file 100,000 levels deep is refused
/// instead of overflowing the stack.
pub fn max_depth() -> usize {
    env_number("RAIDMAP_MAX_DEPTH").map_or(DEFAULT_MAX_DEPTH, |n| n as usize)
}

/// How many bytes one entry of a KMZ or zip archive may inflate to: `RAIDMAP_MAX_INFLATED_MB`
/// megabytes, 256 by default (a "zip bomb" of gigabytes is refused, not inflated).
pub fn max_inflated_bytes() -> u64 {
    env_number("RAIDMAP_MAX_INFLATED_MB")
        .unwrap_or(DEFAULT_MAX_INFLATED_MB)
        .saturating_mul(1 << 20)
}

pub const DEFAULT_MAX_DEPTH: usize = 256;
pub const DEFAULT_MAX_INFLATED_MB: u64 = 256;

/// The message for input nested deeper than [`max_depth`].
pub fn depth_message(limit: usize) -> String {
    format!(
        "elements nest deeper than {limit} levels (the limit; set RAIDMAP_MAX_DEPTH to raise it)"
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

/// The deepest JSON serde_json parses (its own limit, which cannot be raised).
pub const JSON_PARSER_DEPTH: usize = 128;

/// Refuse JSON text whose arrays and objects nest deeper than [`max_depth`] (or than the
/// parser's own [`JSON_PARSER_DEPTH`]), before it is parsed, saying where.
pub fn check_json_depth(text: &[u8]) -> Result<(), String> {
    let limit = max_depth();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let (mut line, mut line_start) = (1usize, 0usize);
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
            b'\n' => (line, line_start) = (line + 1, i + 1),
            b'[' | b'{' => {
                depth += 1;
                let place = || format!("line {line}, column {}", i - line_start + 1);
                if depth > limit {
                    return Err(format!("at {}: {}", place(), depth_message(limit)));
                }
                if depth > JSON_PARSER_DEPTH {
                    return Err(format!(
                        "at {}: JSON nests deeper than {JSON_PARSER_DEPTH} levels, the most \
                         raidmap's JSON parser reads (RAIDMAP_MAX_DEPTH cannot raise this one)",
                        place()
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}
