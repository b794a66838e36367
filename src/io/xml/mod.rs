//! The XML formats: KML/KMZ ([`kml`]) and GPX ([`gpx`]), read a record at a time through the
//! element tree and line counting they share ([`tree`]).

pub mod gpx;
pub mod kml;
mod tree;
