//! Georeferencing: pictures pinned onto the map. A PNG or JPEG (a screenshot of imagery from
//! elsewhere, a leaked site plan, a scanned map) is placed by pins, each tying a point of the image
//! to a map position.
//!
//! - [`Pin`]: an image pixel and the longitude/latitude it belongs at; [`parse_pins`] reads the
//!   command line's `"px,py,lon,lat;px,py,lon,lat;…"`.
//! - [`fit::fit`]: the affine (three pins or more) or projective (four or more) transform from
//!   image pixels to Web Mercator, and each pin's residual in metres (geodesic, WGS84).
//! - [`picture`]: a document's pinned picture made ready to draw (decoded, fitted).
//!
//! Maths: the pictures themselves are document data ([`crate::model::picture`], where [`Pin`]
//! and [`TransformKind`] live) and drawing the warped image is the renderer's job.

pub mod fit;
pub mod picture;

pub use crate::model::picture::{Pin, TransformKind};
pub use fit::{Fit, FitError, Transform, fit};
pub use picture::{decode, picture_fit};

/// Why a `--pins` value cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinsError {
    #[error("pin {index} ({text:?}): expected four numbers px,py,lon,lat")]
    Shape { index: usize, text: String },
    #[error("pin {index}: {what} {value:?} is not a number")]
    Number {
        index: usize,
        what: &'static str,
        value: String,
    },
    #[error("pin {index}: {what} {value} is out of range ({range})")]
    Range {
        index: usize,
        what: &'static str,
        value: String,
        range: &'static str,
    },
    #[error("no pins given (write \"px,py,lon,lat;px,py,lon,lat;px,py,lon,lat\")")]
    Empty,
}

/// Read `"px,py,lon,lat;px,py,lon,lat;…"`: image pixel x and y, then longitude and latitude in
/// degrees. Spaces are allowed around numbers; an empty entry (a trailing `;`) is skipped.
pub fn parse_pins(text: &str) -> Result<Vec<Pin>, PinsError> {
    let mut pins = Vec::new();
    for (i, entry) in text.split(';').enumerate() {
        let index = i + 1;
        if entry.trim().is_empty() {
            continue;
        }
        let parts: Vec<&str> = entry.split(',').map(str::trim).collect();
        let [px, py, lon, lat] = parts[..] else {
            return Err(PinsError::Shape {
                index,
                text: entry.trim().to_owned(),
            });
        };
        let number = |what: &'static str, value: &str| {
            value
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| PinsError::Number {
                    index,
                    what,
                    value: value.to_owned(),
                })
        };
        let pin = Pin {
            image: [number("px", px)?, number("py", py)?],
            lon: number("longitude", lon)?,
            lat: number("latitude", lat)?,
        };
        if !(-180.0..=180.0).contains(&pin.lon) {
            return Err(PinsError::Range {
                index,
                what: "longitude",
                value: lon.to_owned(),
                range: "-180 to 180",
            });
        }
        if !(-85.0..=85.0).contains(&pin.lat) {
            return Err(PinsError::Range {
                index,
                what: "latitude",
                value: lat.to_owned(),
                range: "-85 to 85, Web Mercator's map",
            });
        }
        pins.push(pin);
    }
    if pins.is_empty() {
        return Err(PinsError::Empty);
    }
    Ok(pins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_read_in_order_with_spaces_allowed() {
        let pins = parse_pins("0,0,104.9,11.6; 100, 0, 104.91,11.6;0,50,104.9,11.59;").expect("ok");
        assert_eq!(pins.len(), 3);
        assert_eq!(pins[1].image, [100.0, 0.0]);
        assert_eq!((pins[1].lon, pins[1].lat), (104.91, 11.6));
    }

    #[test]
    fn bad_pins_say_which_and_why() {
        let err = parse_pins("0,0,104.9,11.6;1,2,3").expect_err("three numbers");
        assert_eq!(
            err.to_string(),
            "pin 2 (\"1,2,3\"): expected four numbers px,py,lon,lat"
        );
        let err = parse_pins("0,0,east,11.6").expect_err("word");
        assert_eq!(err.to_string(), "pin 1: longitude \"east\" is not a number");
        let err = parse_pins("0,0,104.9,91").expect_err("latitude");
        assert!(
            err.to_string().contains("latitude 91 is out of range"),
            "{err}"
        );
        assert_eq!(parse_pins(" ; ").expect_err("none"), PinsError::Empty);
    }
}
