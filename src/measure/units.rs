//! Unit systems for showing lengths and areas to people, and parsing typed lengths.
//!
//! Every number is computed and stored in metres (and square metres); a [`Units`] only decides
//! how it is shown. Every formatted string carries its unit, so no bare number reaches a
//! person. Parsing ([`parse_lengths`]) turns "1, 5, 10 km" into metres.

/// Metres in an international mile.
pub(super) const METRES_PER_MILE: f64 = 1609.344;
/// Metres in an international nautical mile.
pub(super) const METRES_PER_NAUTICAL_MILE: f64 = 1852.0;
/// Metres in an international foot.
pub(super) const METRES_PER_FOOT: f64 = 0.3048;
/// Square metres in an international acre (43,560 square feet).
pub(super) const SQUARE_METRES_PER_ACRE: f64 = 4_046.856_422_4;

/// How lengths and areas are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Units {
    /// Metres below 1 km, else kilometres; m², km².
    #[default]
    Metric,
    /// Feet below 0.1 mi, else miles; acres, mi².
    Imperial,
    /// Nautical miles; nmi².
    Nautical,
}

impl Units {
    /// Every unit system, in the order the GUI offers them.
    pub const ALL: [Units; 3] = [Units::Metric, Units::Imperial, Units::Nautical];

    /// Short name for a switch: "m/km", "mi", "nmi".
    pub fn name(self) -> &'static str {
        match self {
            Units::Metric => "m/km",
            Units::Imperial => "mi",
            Units::Nautical => "nmi",
        }
    }

    /// The unit long distances are given in: "km", "mi" or "nmi".
    pub fn long_unit(self) -> &'static str {
        match self {
            Units::Metric => "km",
            Units::Imperial => "mi",
            Units::Nautical => "nmi",
        }
    }

    /// Metres in one [`Units::long_unit`].
    pub fn metres_per_long_unit(self) -> f64 {
        match self {
            Units::Metric => 1000.0,
            Units::Imperial => METRES_PER_MILE,
            Units::Nautical => METRES_PER_NAUTICAL_MILE,
        }
    }

    /// A length in metres as a number in [`Units::long_unit`] (for table columns and CSV).
    pub fn in_long_unit(self, metres: f64) -> f64 {
        metres / self.metres_per_long_unit()
    }

    /// A length for people, always with its unit: "850.2 m", "9.02 km", "5.61 mi", "4.873 nmi".
    pub fn format_length(self, metres: f64) -> String {
        if !metres.is_finite() {
            return format!("? {}", self.long_unit());
        }
        let abs = metres.abs();
        match self {
            Units::Metric => {
                if abs < 1000.0 {
                    format!("{metres:.1} m")
                } else if abs < 100_000.0 {
                    format!("{:.2} km", metres / 1000.0)
                } else {
                    format!("{:.1} km", metres / 1000.0)
                }
            }
            Units::Imperial => {
                let miles = metres / METRES_PER_MILE;
                if miles.abs() < 0.1 {
                    format!("{:.0} ft", metres / METRES_PER_FOOT)
                } else if miles.abs() < 100.0 {
                    format!("{miles:.2} mi")
                } else {
                    format!("{miles:.1} mi")
                }
            }
            Units::Nautical => {
                let nmi = metres / METRES_PER_NAUTICAL_MILE;
                if nmi.abs() < 1.0 {
                    format!("{nmi:.3} nmi")
                } else if nmi.abs() < 100.0 {
                    format!("{nmi:.2} nmi")
                } else {
                    format!("{nmi:.1} nmi")
                }
            }
        }
    }

    /// An area for people, always with its unit: "52,300 m²", "3.142 km²", "12.93 acres",
    /// "0.9164 nmi²".
    pub fn format_area(self, square_metres: f64) -> String {
        if !square_metres.is_finite() {
            return "? m²".to_owned();
        }
        let abs = square_metres.abs();
        match self {
            Units::Metric => {
                // Compounds and blocks are read in square metres, districts in km².
                if abs < 1e6 {
                    format!("{} m²", group_thousands(square_metres))
                } else if abs < 1e9 {
                    format!("{:.3} km²", square_metres / 1e6)
                } else {
                    format!("{:.1} km²", square_metres / 1e6)
                }
            }
            Units::Imperial => {
                let square_miles = square_metres / (METRES_PER_MILE * METRES_PER_MILE);
                if square_miles.abs() < 1.0 {
                    format!("{:.2} acres", square_metres / SQUARE_METRES_PER_ACRE)
                } else if square_miles.abs() < 1000.0 {
                    format!("{square_miles:.3} mi²")
                } else {
                    format!("{square_miles:.1} mi²")
                }
            }
            Units::Nautical => {
                let square_nmi =
                    square_metres / (METRES_PER_NAUTICAL_MILE * METRES_PER_NAUTICAL_MILE);
                if square_nmi.abs() < 1000.0 {
                    format!("{square_nmi:.4} nmi²")
                } else {
                    format!("{square_nmi:.1} nmi²")
                }
            }
        }
    }
}

/// A number rounded to a whole and written with thousands separators: "137,088".
pub fn group_thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < -0.5 {
        out.insert(0, '-');
    }
    out
}

/// Why typed lengths could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LengthsError {
    #[error("type at least one length, e.g. \"1, 5, 10 km\"")]
    Empty,
    #[error("{0:?} is not a number or a unit (m, km, mi, nmi, ft)")]
    Unknown(String),
    #[error("the unit {0:?} follows no number")]
    UnitWithoutNumber(String),
    #[error("{0} is not a length greater than zero")]
    NotPositive(String),
    #[error("{0} is longer than half the Earth's circumference (20,000 km)")]
    TooLong(String),
}

/// The longest length [`parse_lengths`] accepts, in metres: a geodesic circle of a larger radius
/// folds back on itself.
pub const MAX_LENGTH_M: f64 = 20_000_000.0;

/// Read a list of lengths such as `"1, 5, 10 km"`, `"500 m, 2km"` or `"3 5"`, in metres.
///
/// Numbers are separated by commas, semicolons or spaces. A unit (`m`, `km`, `mi`, `nmi`,
/// `ft`) applies to every number before it that has no unit yet, so `"1, 5, 10 km"` is three
/// kilometre values; numbers with no unit at all are taken in `default`'s long unit (km, mi
/// or nmi).
pub fn parse_lengths(text: &str, default: Units) -> Result<Vec<f64>, LengthsError> {
    let mut lengths: Vec<f64> = Vec::new();
    // Numbers (with their text) still waiting for a unit.
    let mut pending: Vec<(f64, String)> = Vec::new();
    let push = |lengths: &mut Vec<f64>, value: f64, unit_m: f64, shown: String| {
        let metres = value * unit_m;
        if metres.is_nan() || metres <= 0.0 || !metres.is_finite() {
            return Err(LengthsError::NotPositive(shown));
        }
        if metres > MAX_LENGTH_M {
            return Err(LengthsError::TooLong(shown));
        }
        lengths.push(metres);
        Ok(())
    };
    for token in tokens(text) {
        if let Ok(value) = token.parse::<f64>() {
            pending.push((value, token));
            continue;
        }
        let unit_m = unit_metres(&token).ok_or_else(|| LengthsError::Unknown(token.clone()))?;
        if pending.is_empty() {
            return Err(LengthsError::UnitWithoutNumber(token));
        }
        for (value, shown) in pending.drain(..) {
            push(&mut lengths, value, unit_m, format!("{shown} {token}"))?;
        }
    }
    for (value, shown) in pending {
        push(
            &mut lengths,
            value,
            default.metres_per_long_unit(),
            format!("{shown} {}", default.long_unit()),
        )?;
    }
    if lengths.is_empty() {
        return Err(LengthsError::Empty);
    }
    Ok(lengths)
}

/// Split into numbers and words: "10km" becomes "10", "km".
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
        if part.is_empty() {
            continue;
        }
        // Where a number glued to its unit ends ("10km", "1.5nmi", "-2m").
        let split = part
            .char_indices()
            .find(|&(i, c)| c.is_alphabetic() && i > 0 && part[..i].parse::<f64>().is_ok())
            .map(|(i, _)| i);
        match split {
            Some(i) => {
                out.push(part[..i].to_owned());
                out.push(part[i..].to_owned());
            }
            None => out.push(part.to_owned()),
        }
    }
    out
}

fn unit_metres(word: &str) -> Option<f64> {
    Some(match word.to_lowercase().as_str() {
        "m" | "metre" | "metres" | "meter" | "meters" => 1.0,
        "km" | "kilometre" | "kilometres" | "kilometer" | "kilometers" => 1000.0,
        "mi" | "mile" | "miles" => METRES_PER_MILE,
        "nmi" | "nm" | "nautical" => METRES_PER_NAUTICAL_MILE,
        "ft" | "foot" | "feet" => METRES_PER_FOOT,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_system_shows_its_unit() {
        assert_eq!(Units::Metric.format_length(850.25), "850.2 m");
        assert_eq!(Units::Metric.format_length(9024.7), "9.02 km");
        assert_eq!(Units::Metric.format_length(412_345.0), "412.3 km");
        // 9024.7 m = 5.6077 mi = 4.8729 nmi.
        assert_eq!(Units::Imperial.format_length(9024.7), "5.61 mi");
        assert_eq!(Units::Imperial.format_length(100.0), "328 ft");
        assert_eq!(Units::Nautical.format_length(9024.7), "4.87 nmi");
        assert_eq!(Units::Nautical.format_length(926.0), "0.500 nmi");
        assert_eq!(Units::Nautical.format_length(1852.0 * 250.0), "250.0 nmi");
    }

    #[test]
    fn areas_carry_square_units() {
        assert_eq!(Units::Metric.format_area(52_300.4), "52,300 m²");
        assert_eq!(Units::Metric.format_area(137_087.54), "137,088 m²");
        assert_eq!(Units::Metric.format_area(999.6), "1,000 m²");
        assert_eq!(Units::Metric.format_area(12.0), "12 m²");
        assert_eq!(Units::Metric.format_area(3_141_592.0), "3.142 km²");
        // One square mile is 640 acres.
        assert_eq!(
            Units::Imperial.format_area(METRES_PER_MILE * METRES_PER_MILE / 2.0),
            "320.00 acres"
        );
        assert_eq!(
            Units::Imperial.format_area(2.0 * METRES_PER_MILE * METRES_PER_MILE),
            "2.000 mi²"
        );
        assert_eq!(Units::Nautical.format_area(1852.0 * 1852.0), "1.0000 nmi²");
    }

    #[test]
    fn a_trailing_unit_applies_to_every_number_before_it() {
        assert_eq!(
            parse_lengths("1, 5, 10 km", Units::Metric),
            Ok(vec![1000.0, 5000.0, 10_000.0])
        );
        assert_eq!(
            parse_lengths("500 m, 2km", Units::Imperial),
            Ok(vec![500.0, 2000.0])
        );
        assert_eq!(
            parse_lengths("1;2 nmi", Units::Metric),
            Ok(vec![1852.0, 3704.0])
        );
    }

    #[test]
    fn numbers_without_a_unit_take_the_current_long_unit() {
        assert_eq!(
            parse_lengths("3 5", Units::Metric),
            Ok(vec![3000.0, 5000.0])
        );
        assert_eq!(
            parse_lengths("1", Units::Imperial),
            Ok(vec![METRES_PER_MILE])
        );
    }

    #[test]
    fn bad_lengths_are_reported_with_the_offending_text() {
        assert_eq!(parse_lengths("  ", Units::Metric), Err(LengthsError::Empty));
        assert_eq!(
            parse_lengths("1, 5 parsecs", Units::Metric),
            Err(LengthsError::Unknown("parsecs".into()))
        );
        assert_eq!(
            parse_lengths("km 5", Units::Metric),
            Err(LengthsError::UnitWithoutNumber("km".into()))
        );
        assert_eq!(
            parse_lengths("0, 5 km", Units::Metric),
            Err(LengthsError::NotPositive("0 km".into()))
        );
        assert_eq!(
            parse_lengths("-2m", Units::Metric),
            Err(LengthsError::NotPositive("-2 m".into()))
        );
        assert_eq!(
            parse_lengths("30000 km", Units::Metric),
            Err(LengthsError::TooLong("30000 km".into()))
        );
    }
}
