//! Colours as RGBA bytes (not premultiplied), written `#rrggbb` or `#rrggbbaa` in project files.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An sRGB colour with straight (not premultiplied) alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self([r, g, b, 255])
    }

    /// The same colour with its alpha multiplied by `opacity` (0–1).
    pub fn faded(self, opacity: f32) -> Self {
        let [r, g, b, a] = self.0;
        let a = (f32::from(a) * opacity.clamp(0.0, 1.0)).round() as u8;
        Self([r, g, b, a])
    }
}

impl fmt::Display for Rgba {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b, a] = self.0;
        if a == 255 {
            write!(f, "#{r:02x}{g:02x}{b:02x}")
        } else {
            write!(f, "#{r:02x}{g:02x}{b:02x}{a:02x}")
        }
    }
}

/// A colour that is not `#rrggbb` or `#rrggbbaa`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a colour: write #rrggbb or #rrggbbaa in hexadecimal")]
pub struct BadColor(pub String);

impl FromStr for Rgba {
    type Err = BadColor;

    fn from_str(text: &str) -> Result<Self, BadColor> {
        let bad = || BadColor(text.to_owned());
        let hex = text.trim().strip_prefix('#').ok_or_else(bad)?;
        if !(hex.len() == 6 || hex.len() == 8) || !hex.is_ascii() {
            return Err(bad());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        let a = if hex.len() == 8 { byte(6)? } else { 255 };
        Ok(Self([byte(0)?, byte(2)?, byte(4)?, a]))
    }
}

impl TryFrom<String> for Rgba {
    type Error = BadColor;

    fn try_from(text: String) -> Result<Self, BadColor> {
        text.parse()
    }
}

impl From<Rgba> for String {
    fn from(color: Rgba) -> String {
        color.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_written_and_read_as_hex() {
        assert_eq!(Rgba::rgb(214, 39, 40).to_string(), "#d62728");
        assert_eq!("#d62728".parse(), Ok(Rgba::rgb(214, 39, 40)));
        assert_eq!("#00000080".parse(), Ok(Rgba([0, 0, 0, 128])));
        assert_eq!(Rgba([1, 2, 3, 4]).to_string(), "#01020304");
        for bad in ["red", "#12345", "d62728", "#gg0000", "#1234567"] {
            assert!(bad.parse::<Rgba>().is_err(), "{bad}");
        }
    }

    #[test]
    fn fading_scales_the_alpha_only() {
        assert_eq!(Rgba::rgb(10, 20, 30).faded(0.5), Rgba([10, 20, 30, 128]));
        assert_eq!(Rgba::rgb(10, 20, 30).faded(2.0), Rgba::rgb(10, 20, 30));
    }
}
