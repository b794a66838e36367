//! Parsing JSON text that a reader has already checked: serde_json's own recursion limit
//! (128 levels) is off here, because every reader refuses text nested deeper than raidmap's
//! limit (`io::limits::max_depth`, `RAIDMAP_MAX_DEPTH`, at most
//! `io::limits::MAX_DEPTH_CEILING` levels, which the stack of any thread holds) before
//! parsing it. Use it for the text of a read file and of its features, never for text that
//! was not checked.

use serde::Deserialize;

/// Parse the whole of `text` as a `T`, however deep it nests.
pub fn from_str<'a, T: Deserialize<'a>>(text: &'a str) -> serde_json::Result<T> {
    parse(serde_json::Deserializer::from_str(text))
}

/// [`from_str`] of bytes (checked to be UTF-8 as they are parsed).
pub fn from_slice<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> serde_json::Result<T> {
    parse(serde_json::Deserializer::from_slice(bytes))
}

fn parse<'a, R: serde_json::de::Read<'a>, T: Deserialize<'a>>(
    mut de: serde_json::Deserializer<R>,
) -> serde_json::Result<T> {
    de.disable_recursion_limit();
    let value = T::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}
