//! The GIS formats that keep attributes in a table of typed columns: Shapefile (its `.dbf`),
//! GeoPackage (SQLite tables) and FlatGeobuf. Their writers share the typing of properties into
//! columns ([`table`]) and, for GeoPackage and FlatGeobuf, the geometry with its Z values as
//! geozero takes it ([`with_z`]).

pub mod flatgeobuf;
pub mod geopackage;
pub mod shapefile;
mod table;
mod with_z;
