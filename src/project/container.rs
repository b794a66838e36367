//! The bytes of a project file: plain JSON (`project.json` alone, as version 1 wrote it), or a
//! zip container (as QGIS's `.qgz` and KMZ are) holding `project.json` and `evidence/<sha256>`
//! for each attached file, either of them possibly sealed in the age format.
//!
//! Reading refuses what it cannot hold: an entry larger than [`MAX_ENTRY`] (a zip bomb), a
//! name under `evidence/` that is not a SHA-256. The hashes themselves are checked by
//! [`crate::evidence::store::check`] so a damaged file is reported, not refused.

use std::io::{Cursor, Read as _, Write as _};

use crate::evidence::Store;

/// The zip entry holding the project.
pub const PROJECT_ENTRY: &str = "project.json";
/// The folder of attached files in the zip.
pub const EVIDENCE_DIR: &str = "evidence/";
/// The largest entry read (2 GiB).
pub const MAX_ENTRY: u64 = 2 << 30;

/// Whether `bytes` are a zip file.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// A zip holding `json` and the blobs of `store` named in `keep`.
pub fn write_zip(json: &[u8], store: &Store, keep: &[String]) -> std::io::Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(json.len() as u64 > u32::MAX as u64);
    zip.start_file(PROJECT_ENTRY, deflated)
        .map_err(std::io::Error::other)?;
    zip.write_all(json)?;
    for sha in keep {
        let Some(bytes) = store.get(sha) else {
            continue;
        };
        // Photos and documents are mostly compressed already: stored as they are.
        let stored = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(bytes.len() as u64 > u32::MAX as u64);
        zip.start_file(format!("{EVIDENCE_DIR}{sha}"), stored)
            .map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}

/// The project text and the attached files of a zip container.
pub fn read_zip(bytes: &[u8]) -> Result<(String, Store), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable zip container: {e}"))?;
    let mut json = None;
    let mut store = Store::default();
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| format!("entry {i} of the container: {e}"))?;
        let name = entry.name().to_owned();
        if entry.is_dir() {
            continue;
        }
        let is_project = name == PROJECT_ENTRY;
        let sha = name.strip_prefix(EVIDENCE_DIR);
        if !is_project && sha.is_none() {
            continue;
        }
        if entry.size() > MAX_ENTRY {
            return Err(format!("{name} is larger than 2 GiB"));
        }
        let mut data = Vec::with_capacity(entry.size() as usize);
        (&mut entry)
            .take(MAX_ENTRY + 1)
            .read_to_end(&mut data)
            .map_err(|e| format!("{name} cannot be read from the container: {e}"))?;
        if data.len() as u64 > MAX_ENTRY {
            return Err(format!("{name} is larger than 2 GiB"));
        }
        if is_project {
            json = Some(String::from_utf8(data).map_err(|_| format!("{name} is not UTF-8 text"))?);
        } else if let Some(sha) = sha {
            if !crate::evidence::is_sha256_hex(sha) {
                return Err(format!(
                    "{name}: an attached file must be named by its SHA-256"
                ));
            }
            store.insert_read(sha.to_owned(), data);
        }
    }
    let json = json.ok_or_else(|| format!("the container holds no {PROJECT_ENTRY}"))?;
    Ok((json, store))
}
