//! Layers written out of a project to a file, the one way `raidmap export`, `raidmap photos`,
//! `raidmap coverage --geojson` and the window's *Export…* do it: each feature's attachments
//! become the export's `attachments` list ([`super::attachment::for_export`]), and the file is
//! sealed in the age format when a [`Seal`] is given.

use std::path::Path;

use super::Seal;
use super::attachment;
use crate::io::{self, Format};
use crate::model::Layer;

/// Write `layers` at `path` atomically, in the format its extension names (GeoJSON for any
/// other; `sites.geojson.age` is GeoJSON), with the attachments as the export's list; sealed
/// with `seal` when given. A Shapefile is several files and cannot be sealed.
pub fn write_file(layers: &[&Layer], path: &Path, seal: Option<&Seal>) -> anyhow::Result<()> {
    let exported: Vec<_> = layers.iter().map(|l| attachment::for_export(l)).collect();
    let refs: Vec<&Layer> = exported.iter().map(AsRef::as_ref).collect();
    let Some(seal) = seal else {
        return Ok(io::write_merged_file(&refs, path)?);
    };
    let plain_name = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("age"))
    {
        path.with_extension("")
    } else {
        path.to_owned()
    };
    let format = Format::writable(&plain_name).unwrap_or(Format::GeoJson);
    let mut plain = Vec::new();
    io::write_layers(&refs, format, &mut plain)?;
    seal.write_file(path, &plain)
}
