//! The coordinate reference system (CRS) of a file in another CRS than WGS84 longitude/latitude
//! (a Shapefile's `.prj`, a GeoPackage table's `srs_id`, a FlatGeobuf header), and the
//! reprojection of its geometries to WGS84, done with proj4rs (a pure-Rust port of PROJ.4):
//! an EPSG code through the definitions of crs-definitions, a WKT text through proj4wkt. A CRS
//! that cannot be read is an error, never a guess: data in UTM metres read as degrees would be
//! drawn in the wrong place without anyone noticing.

use geo::{Coord, Geometry, MapCoordsInPlace as _};
use proj4rs::Proj;

/// How a file's coordinates become WGS84 longitude/latitude.
pub enum Crs {
    /// Already WGS84 longitude/latitude (EPSG:4326, OGC:CRS84).
    Wgs84,
    /// Reprojected from another CRS, named for messages.
    Other {
        from: Box<Proj>,
        to: Box<Proj>,
        name: String,
        /// Its datum shift needs a grid file (NADCON, NTv2), which raidmap does not have.
        needs_grid: bool,
    },
}

impl std::fmt::Debug for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The longest WKT text read, and how deep its brackets may nest (real ones nest 4 or 5 levels).
const MAX_WKT_BYTES: usize = 64 * 1024;
const MAX_WKT_DEPTH: usize = 32;

const WGS84: &str = "+proj=longlat +datum=WGS84 +no_defs";

impl Crs {
    /// The CRS of an EPSG code.
    pub fn from_epsg(code: i64) -> Result<Self, String> {
        if code == 4326 {
            return Ok(Crs::Wgs84);
        }
        let proj = u16::try_from(code)
            .ok()
            .and_then(|c| Proj::from_epsg_code(c).ok())
            .ok_or_else(|| {
                format!(
                    "its coordinate reference system EPSG:{code} is not one raidmap knows, so it \
                     cannot be placed on the map (reproject it to EPSG:4326 first)"
                )
            })?;
        let definition = u16::try_from(code)
            .ok()
            .and_then(crs_definitions::from_code);
        let grid = definition.is_some_and(|d| needs_grid(d.proj4));
        Self::reprojecting(proj, format!("EPSG:{code}"), grid)
    }

    /// The CRS a WKT text (WKT1, as in a `.prj`, or WKT2) describes.
    pub fn from_wkt(wkt: &str) -> Result<Self, String> {
        let wkt = wkt.trim().trim_start_matches('\u{feff}');
        if wkt.len() > MAX_WKT_BYTES {
            return Err(format!(
                "its coordinate reference system is {} bytes of WKT (at most {MAX_WKT_BYTES} are read)",
                wkt.len()
            ));
        }
        let mut depth = 0usize;
        for c in wkt.chars() {
            match c {
                '[' | '(' => {
                    depth += 1;
                    if depth > MAX_WKT_DEPTH {
                        return Err(format!(
                            "its coordinate reference system (WKT) nests deeper than {MAX_WKT_DEPTH} levels"
                        ));
                    }
                }
                ']' | ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if is_wgs84_geographic(wkt) {
            return Ok(Crs::Wgs84);
        }
        let stated = top_level_epsg(wkt);
        if let Some(code) = stated
            && let Ok(crs) = Self::from_epsg(code)
        {
            return Ok(crs);
        }
        let name = wkt_name(wkt);
        let named = epsg_by_name(&name);
        if let Some(code) = named
            && let Ok(crs) = Self::from_epsg(code)
        {
            return Ok(crs);
        }
        // The EPSG CRS it is (when known) may define its datum shift by a grid proj4rs could
        // not load; the WKT's own parameters then lack that shift.
        let epsg_needs_grid = stated.or(named).is_some_and(|code| {
            u16::try_from(code)
                .ok()
                .and_then(crs_definitions::from_code)
                .is_some_and(|d| needs_grid(d.proj4))
        });
        let unknown = |why: String| {
            format!(
                "its coordinate reference system \"{name}\" cannot be read ({why}), so it cannot \
                 be placed on the map (reproject it to EPSG:4326 first)"
            )
        };
        let proj_string = proj4wkt::wkt_to_projstring(wkt).map_err(|e| unknown(e.to_string()))?;
        let proj = Proj::from_proj_string(&proj_string).map_err(|e| unknown(e.to_string()))?;
        // NAD27 by its datum's name (ESRI's .prj names no code): proj4rs defines it by grids.
        let compact: String = wkt
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_uppercase();
        let nad27 = compact.contains("NORTHAMERICAN1927") || compact.contains("DATUMNAD27");
        let grid = epsg_needs_grid || nad27 || needs_grid(&proj_string);
        Self::reprojecting(proj, name, grid)
    }

    fn reprojecting(from: Proj, name: String, needs_grid: bool) -> Result<Self, String> {
        if !from.has_inverse() {
            return Err(format!(
                "its coordinate reference system {name} cannot be converted to longitude/latitude"
            ));
        }
        let to = Proj::from_proj_string(WGS84).map_err(|e| e.to_string())?;
        Ok(Crs::Other {
            from: Box::new(from),
            to: Box::new(to),
            name,
            needs_grid,
        })
    }

    /// The warning for a CRS whose datum shift to WGS84 needs a grid file raidmap does not
    /// have (NAD27 and any `+nadgrids` definition): its positions are placed without that
    /// shift, off by up to tens of metres, so the reader says so, naming the CRS.
    pub fn shift_warning(&self) -> Option<String> {
        match self {
            Crs::Other {
                name,
                needs_grid: true,
                ..
            } => Some(format!(
                "its coordinate reference system {name} needs a datum-shift grid (NADCON/NTv2) \
                 that raidmap does not have: positions may be off by tens of metres (reproject \
                 it to EPSG:4326 with a tool that has the grid, e.g. GDAL with proj-data, for \
                 exact positions)"
            )),
            _ => None,
        }
    }

    /// A short name: `WGS84` or the CRS's name or code.
    pub fn name(&self) -> &str {
        match self {
            Crs::Wgs84 => "WGS84",
            Crs::Other { name, .. } => name,
        }
    }

    /// Reproject `geometry` to WGS84 longitude/latitude in place.
    pub fn to_wgs84(&self, geometry: &mut Geometry<f64>) -> Result<(), String> {
        if matches!(self, Crs::Wgs84) {
            return Ok(());
        }
        // The first position that could not be reprojected (map_coords_in_place wants a Copy
        // closure, hence a shared cell).
        let failed = std::cell::Cell::new(None);
        let failed_at = &failed;
        geometry.map_coords_in_place(|c| match self.position_to_wgs84(c.x, c.y) {
            Ok((x, y)) => Coord { x, y },
            Err(e) => {
                let first = failed_at.take().unwrap_or(e);
                failed_at.set(Some(first));
                c
            }
        });
        failed.into_inner().map_or(Ok(()), Err)
    }

    /// One position in this CRS as WGS84 longitude/latitude.
    pub fn position_to_wgs84(&self, x: f64, y: f64) -> Result<(f64, f64), String> {
        let Crs::Other { from, to, name, .. } = self else {
            return Ok((x, y));
        };
        let mut p = if from.is_latlong() {
            (x.to_radians(), y.to_radians(), 0.0)
        } else {
            (x, y, 0.0)
        };
        proj4rs::transform::transform(from, to, &mut p)
            .ok()
            .map(|()| (p.0.to_degrees(), p.1.to_degrees()))
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .ok_or_else(|| format!("the position ({x}, {y}) is outside {name}"))
    }
}

/// Whether every coordinate of these geometries could be a longitude/latitude (for files
/// that name no CRS: they are read as WGS84 only when they can be).
pub fn looks_like_degrees<'a>(geometries: impl Iterator<Item = &'a Geometry<f64>>) -> bool {
    use geo::CoordsIter as _;
    geometries
        .flat_map(|g| g.coords_iter())
        .all(|c| c.x.abs() <= 180.0 && c.y.abs() <= 90.0)
}

/// A geographic (not projected) WKT CRS on the WGS84 datum.
fn is_wgs84_geographic(wkt: &str) -> bool {
    let upper = wkt.to_ascii_uppercase();
    let geographic = upper.starts_with("GEOGCS[")
        || upper.starts_with("GEOGCRS[")
        || upper.starts_with("GEODCRS[");
    let compact: String = upper
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    geographic
        && (compact.contains("DATUMDWGS1984")
            || compact.contains("DATUMWGS1984")
            || compact.contains("DATUMWORLDGEODETICSYSTEM1984"))
}

/// The EPSG code of the CRS itself: the last `AUTHORITY["EPSG","N"]` or `ID["EPSG",N]` at the
/// outermost level of the WKT.
fn top_level_epsg(wkt: &str) -> Option<i64> {
    let mut depth = 0usize;
    let mut found = None;
    let bytes = wkt.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'[' | b'(' => depth += 1,
            b']' | b')' => depth = depth.saturating_sub(1),
            _ if depth == 1 => {
                // Only at a character's start (a .prj may hold any text).
                let Some(rest) = wkt.get(i..) else { continue };
                let upper = rest.get(..10).unwrap_or(rest).to_ascii_uppercase();
                if (upper.starts_with("AUTHORITY[") || upper.starts_with("ID["))
                    && (i == 0 || matches!(bytes[i - 1], b',' | b' ' | b'\n'))
                {
                    let inner = &rest[rest.find('[')? + 1..];
                    let inner = &inner[..inner.find(']')?];
                    let mut parts = inner.split(',').map(|p| p.trim().trim_matches('"'));
                    if parts.next()?.eq_ignore_ascii_case("EPSG") {
                        found = parts.next().and_then(|c| c.parse().ok());
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// Letters and digits of a CRS name, upper case, without ESRI's `GCS_`/`D_` prefixes, so
/// "Indian_1960_UTM_Zone_48N" (ESRI) and "Indian 1960 / UTM zone 48N" (EPSG) compare equal.
fn normal_name(name: &str) -> String {
    let name = name.trim();
    let name = name
        .strip_prefix("GCS_")
        .or_else(|| name.strip_prefix("D_"))
        .unwrap_or(name);
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The EPSG code of the CRS of this name (an ESRI `.prj` names its CRS but gives no code),
/// from the EPSG definitions of crs-definitions. Deprecated definitions are passed over.
fn epsg_by_name(name: &str) -> Option<i64> {
    let wanted = normal_name(name);
    if wanted.len() < 4 {
        return None;
    }
    (1024..=u16::MAX).find_map(|code| {
        let def = crs_definitions::from_code(code)?;
        let def_name = wkt_name(def.wkt);
        (!def_name.contains("deprecated") && normal_name(&def_name) == wanted)
            .then_some(i64::from(code))
    })
}

/// Whether a PROJ.4 definition's datum shift needs a grid file: `+nadgrids` (other than the
/// identity `@null`) or the NAD27 datum, which proj4rs defines by grids.
fn needs_grid(proj4: &str) -> bool {
    let p = proj4.to_ascii_lowercase();
    let grids = p
        .split_whitespace()
        .find_map(|w| w.strip_prefix("+nadgrids="))
        .is_some_and(|g| g.trim() != "@null");
    grids || p.split_whitespace().any(|w| w == "+datum=nad27")
}

/// The name a WKT CRS gives itself (its first quoted string).
fn wkt_name(wkt: &str) -> String {
    wkt.split('"')
        .nth(1)
        .map(|n| n.chars().take(80).collect())
        .unwrap_or_else(|| "(unnamed)".into())
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_datum_needing_a_grid_is_named_in_a_warning() {
        // proj4rs cannot build EPSG:4267 without its NADCON grids: an error, never silent.
        assert!(Crs::from_epsg(4267).is_err());
        // The .prj GDAL writes for EPSG:4267 (ESRI WKT, no code): read from its parameters,
        // which lack the grid shift (35 m off at 100°W 40°N), so it is named in a warning.
        let prj = r#"GEOGCS["GCS_North_American_1927",DATUM["D_North_American_1927",SPHEROID["Clarke_1866",6378206.4,294.978698213898]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        let from_prj = Crs::from_wkt(prj).expect("reads");
        let warning = from_prj.shift_warning().expect("a warning");
        assert!(warning.contains("North_American_1927"), "{warning}");
        // UTM 48N on WGS84 and Indian 1960 (a Helmert shift raidmap applies) need no grid.
        assert!(
            Crs::from_epsg(32648)
                .expect("known")
                .shift_warning()
                .is_none()
        );
        assert!(
            Crs::from_epsg(3148)
                .expect("known")
                .shift_warning()
                .is_none()
        );
        assert!(!needs_grid("+proj=longlat +ellps=clrk66 +nadgrids=@null"));
        assert!(needs_grid(
            "+proj=longlat +ellps=GRS80 +nadgrids=ntv2_0.gsb"
        ));
    }

    use super::*;

    const UTM48N_ESRI: &str = r#"PROJCS["WGS_1984_UTM_Zone_48N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

    fn point(crs: &Crs, x: f64, y: f64) -> (f64, f64) {
        let mut g = Geometry::Point(geo::Point::new(x, y));
        crs.to_wgs84(&mut g).expect("reprojected");
        let Geometry::Point(p) = g else {
            unreachable!()
        };
        (p.x(), p.y())
    }

    #[test]
    fn utm_48n_from_an_esri_prj_and_from_its_epsg_code_agree() {
        // Phnom Penh, 104.9167 E 11.55 N, is about (491,000 m E, 1,276,700 m N) in UTM 48N.
        let esri = Crs::from_wkt(UTM48N_ESRI).expect("read");
        let epsg = Crs::from_epsg(32648).expect("known");
        let a = point(&esri, 491_000.0, 1_276_700.0);
        let b = point(&epsg, 491_000.0, 1_276_700.0);
        assert!(
            (a.0 - 104.9173).abs() < 1e-3 && (a.1 - 11.5487).abs() < 1e-3,
            "{a:?}"
        );
        assert!((a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9);
    }

    #[test]
    fn an_esri_prj_without_a_code_gets_its_epsg_datum_shift() {
        // Indian 1960 / UTM 48N as ESRI writes it: no TOWGS84, no EPSG code. PROJ (through
        // its database) shifts it by the EPSG:3148 parameters; so must raidmap.
        let esri = r#"PROJCS["Indian_1960_UTM_Zone_48N",GEOGCS["GCS_Indian_1960",DATUM["D_Indian_1960",SPHEROID["Everest_Adjustment_1937",6377276.345,300.8017]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        let crs = Crs::from_wkt(esri).expect("read");
        assert_eq!(crs.name(), "EPSG:3148");
        let shifted = point(&crs, 491_000.0, 1_276_700.0);
        let unshifted = point(&Crs::from_epsg(32648).expect("utm"), 491_000.0, 1_276_700.0);
        // The datum shift moves Phnom Penh by a few hundred metres.
        let moved = ((shifted.0 - unshifted.0).powi(2) + (shifted.1 - unshifted.1).powi(2)).sqrt();
        assert!(
            moved > 0.001 && moved < 0.01,
            "{shifted:?} vs {unshifted:?}"
        );
    }

    #[test]
    fn wgs84_is_left_alone_and_unknown_crs_are_errors() {
        let wgs = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert!(matches!(Crs::from_wkt(wgs), Ok(Crs::Wgs84)));
        assert!(matches!(Crs::from_epsg(4326), Ok(Crs::Wgs84)));
        let err = Crs::from_epsg(999_999).expect_err("unknown");
        assert!(err.contains("EPSG:999999"), "{err}");
        let err = Crs::from_wkt(r#"PROJCS["Moon",PROJECTION["Nowhere"]]"#).expect_err("bad");
        assert!(err.contains("Moon"), "{err}");
        let deep = format!("{}{}", "A[".repeat(1_000), "]".repeat(1_000));
        assert!(Crs::from_wkt(&deep).expect_err("deep").contains("nests"));
    }
}
