//! A pinned picture ([`crate::model::Picture`]) made ready to draw: its image decoded from the
//! bytes kept in the project, and the transform fitted through its pins. Shared by the window,
//! *Export image…* and `raidmap render` of a project, so all three place it alike.

use super::{Fit, FitError, fit};
use crate::model::Picture;

/// The largest image side read, in pixels (a bigger picture is refused, not decoded).
pub const MAX_SIDE_PX: u32 = 16_384;

/// The transform its pins fix: the picture's chosen kind when it has pins enough for it, else
/// affine.
pub fn picture_fit(picture: &Picture) -> Result<Fit, FitError> {
    fit(&picture.pins, picture.effective_kind())
}

/// Decode a PNG or JPEG into RGBA pixels; what is wrong with it in words otherwise.
pub fn decode(bytes: &[u8]) -> Result<image::RgbaImage, String> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read it: {e}"))?;
    match reader.format() {
        Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => {}
        Some(other) => {
            return Err(format!(
                "it is a {other:?} image; raidmap pins PNG and JPEG pictures"
            ));
        }
        None => return Err("it is not a PNG or JPEG image".into()),
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            format!("it is larger than {MAX_SIDE_PX} pixels on a side (or too big to decode)")
        }
        other => format!("it cannot be decoded: {other}"),
    })?;
    Ok(image.to_rgba8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbaImage::from_pixel(width, height, image::Rgba([10, 20, 30, 255]));
        let mut bytes = Vec::new();
        image
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .expect("encodes");
        bytes
    }

    #[test]
    fn a_png_decodes_and_other_bytes_are_refused_in_words() {
        let image = decode(&png(7, 5)).expect("decodes");
        assert_eq!(image.dimensions(), (7, 5));
        assert_eq!(image.get_pixel(3, 2).0, [10, 20, 30, 255]);
        let err = decode(b"not an image at all").expect_err("refused");
        assert!(err.contains("not a PNG or JPEG"), "{err}");
        let mut cut = png(7, 5);
        cut.truncate(cut.len() / 2);
        assert!(
            decode(&cut).is_err(),
            "a truncated PNG is an error, not a panic"
        );
    }

    #[test]
    fn a_picture_is_fitted_by_its_chosen_kind_only_with_pins_enough() {
        use crate::model::picture::{Pin, TransformKind};
        let mut picture = Picture::new("p.png", String::new(), [100, 100]);
        picture.kind = TransformKind::Projective;
        let corner = |x: f64, y: f64| Pin {
            image: [x, y],
            lon: 104.9 + x * 1e-4,
            lat: 11.5 - y * 1e-4,
        };
        picture.pins = vec![corner(0.0, 0.0), corner(100.0, 0.0)];
        assert!(matches!(
            picture_fit(&picture),
            Err(FitError::TooFewPins { needed: 3, .. })
        ));
        picture.pins.push(corner(0.0, 100.0));
        assert_eq!(
            picture_fit(&picture).expect("fits").kind,
            TransformKind::Affine
        );
        picture.pins.push(corner(100.0, 100.0));
        assert_eq!(
            picture_fit(&picture).expect("fits").kind,
            TransformKind::Projective
        );
    }
}
