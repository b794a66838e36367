//! Pictures pinned onto the map, as plain data: which image (by the SHA-256 of its bytes, kept
//! with the project's attached files), its pins, which transform is fitted through them, and
//! how it is drawn. The maths (fitting, residuals) is [`crate::georef`]'s; the document holds
//! the pictures so that adding, pinning and removing are edits, undone like any other.

use serde::{Deserialize, Serialize};

/// One point of the image tied to a map position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pin {
    /// Pixel position in the image: x to the right, y down, from the top-left corner.
    pub image: [f64; 2],
    /// Longitude in degrees (WGS84).
    pub lon: f64,
    /// Latitude in degrees (WGS84).
    pub lat: f64,
}

/// Which kind of transform to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransformKind {
    /// Shift, rotation, scale and shear: straight lines stay parallel. Three pins or more.
    #[default]
    Affine,
    /// Also perspective (an oblique photograph of a flat site). Four pins or more.
    Projective,
}

impl TransformKind {
    /// The fewest pins this kind needs.
    pub fn min_pins(self) -> usize {
        match self {
            Self::Affine => 3,
            Self::Projective => 4,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Affine => "affine",
            Self::Projective => "projective",
        }
    }
}

/// A picture pinned onto the map. Saved in projects as it is (serde); the image's bytes are
/// saved beside it under `evidence/<sha256>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Picture {
    /// The image's file name, as the user knows it.
    pub name: String,
    /// SHA-256 of the image's bytes (PNG or JPEG), 64 lowercase hexadecimal digits.
    pub sha256: String,
    /// Pixel width and height of the image.
    pub size: [u32; 2],
    /// In the order they were placed.
    #[serde(default)]
    pub pins: Vec<Pin>,
    /// The transform fitted; projective needs four pins (with fewer, affine is drawn).
    #[serde(default)]
    pub kind: TransformKind,
    /// 0 (invisible) to 1 (opaque).
    #[serde(default = "opaque")]
    pub opacity: f32,
    /// Drawn over the data layers (else between the basemap and the data).
    #[serde(default)]
    pub above_data: bool,
    #[serde(default = "yes")]
    pub visible: bool,
}

impl Picture {
    /// A new picture with no pins: drawn at 70 % opacity under the data once pinned.
    pub fn new(name: impl Into<String>, sha256: String, size: [u32; 2]) -> Self {
        Self {
            name: name.into(),
            sha256,
            size,
            pins: Vec::new(),
            kind: TransformKind::Affine,
            opacity: 0.7,
            above_data: false,
            visible: true,
        }
    }

    /// The kind of transform drawn: the one chosen when there are pins enough for it, else
    /// affine.
    pub fn effective_kind(&self) -> TransformKind {
        if self.pins.len() >= self.kind.min_pins() {
            self.kind
        } else {
            TransformKind::Affine
        }
    }
}

fn opaque() -> f32 {
    1.0
}

fn yes() -> bool {
    true
}
