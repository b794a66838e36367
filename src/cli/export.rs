//! `raidmap export FILE... -o OUT`: write layers as GeoJSON (or CSV), atomically, or into a
//! PostgreSQL table (`-o postgresql://…?table=T`, in one transaction); read GeoJSON, KML, KMZ,
//! CSV, TSV and database tables.
//!
//! Every input is read and checked first; if any is invalid nothing is written, so an
//! existing OUT is never damaged. OUT is written through [`crate::io::write_atomic`], so it may
//! be one of the inputs (they are fully read before anything is written) and a failed write
//! leaves it as it was.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use super::info::report_problems;
use super::{EXIT_BAD_INPUT, EXIT_USAGE};
use crate::evidence::attachment;
use crate::io::{self, postgis};
use crate::model::Layer;
use crate::project::Project;

/// Write layers as GeoJSON (several inputs merge into one FeatureCollection), or as CSV when
/// OUT ends in `.csv`. Inputs may be GeoJSON, KML, KMZ, CSV or TSV (by extension).
#[derive(Debug, clap::Args)]
#[command(after_long_help = HELP)]
pub struct Args {
    /// Input files: GeoJSON, or KML/KMZ/CSV/TSV by their extension, or database addresses
    /// (`postgresql://USER@HOST[:PORT]/DB?table=[SCHEMA.]TABLE`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output file (`-` for stdout), or a database address with `table=`. A file is written
    /// atomically: a failure leaves an existing file as it was. A table is created (or, with
    /// --append, added to) in one transaction.
    #[arg(short = 'o', long = "output", required = true)]
    pub output: PathBuf,
    /// With a database address as OUT: add the features to the existing table instead of
    /// refusing to touch it.
    #[arg(long)]
    pub append: bool,
    /// From a project (`.raidmap`) input, export only the layer of this name (as the project
    /// and the app name it, e.g. `sites.geojson`); without it every layer of the project is
    /// exported.
    #[arg(long = "layer", value_name = "NAME")]
    pub layer: Option<String>,
    /// Also write the attached files of project inputs into DIR (made if needed), with a
    /// `SHA256SUMS` file that `sha256sum -c SHA256SUMS` checks there.
    #[arg(long, value_name = "DIR")]
    pub evidence: Option<PathBuf>,
    /// Encrypt OUT (age format) with the passphrase in this environment variable.
    #[arg(long, value_name = "VAR")]
    pub passphrase_env: Option<String>,
    /// Encrypt OUT (age format) to this age public key (`age1…`; repeatable).
    #[arg(long = "recipient", value_name = "AGE1…")]
    pub recipients: Vec<String>,
}

const HELP: &str = "\
One input comes out as the same kind of object it was (FeatureCollection, Feature or bare
Geometry) with everything it had: feature ids with their types, property order, foreign members,
altitudes and every number exactly as written (features are copied as their original text).
Several inputs are merged into one FeatureCollection holding every feature in order; the inputs'
own top-level members (a name, a bbox) describe one input each and are not carried over.

Inputs are checked like `raidmap info` does; errors and warnings go to stderr as
FILE:LINE:COLUMN: message. If any input is invalid, nothing is written.

OUT may be one of the inputs: all inputs are read before OUT is replaced.

KML/KMZ inputs come in with one feature per placemark: name, description as plain text,
ExtendedData as text properties, a \"folder\" property naming its folder path, altitudes kept.
CSV/TSV inputs need latitude/longitude columns (lat/latitude/y, lon/lng/long/longitude/x) or a
WKT column; other columns become text properties, rows that cannot be read are reported with
their line and left out.

A project file (.raidmap) gives its layers as the app shows them, edits and annotations
included (--layer NAME picks one): an edited layer comes out with every unedited byte as it was
read.

Each feature's attachments (files attached in a project) come out as an \"attachments\" member:
a list of {\"name\", \"sha256\", \"bytes\", \"media_type\", \"added\"}. --evidence DIR writes the files
themselves into DIR with a SHA256SUMS file (`cd DIR && sha256sum -c SHA256SUMS`), and records
the export in each project's custody log (the project is saved again). Every attached file's
hash is checked first: if one fails, nothing is written.

OUT ending in .age (e.g. out.geojson.age) is encrypted in the age format, with
--passphrase-env VAR or to --recipient age1... keys (not both: the age format allows a
passphrase only alone); `age -d` decrypts it. Exporting an encrypted project to a plaintext
file says so on stderr first.

A database address (postgresql://USER@HOST[:PORT]/DB?table=[SCHEMA.]TABLE, also sslmode= and
sslrootcert=) works as an input, with the password from PGPASSWORD or ~/.pgpass (never in the
address): the table's rows come out as features, the primary key as \"id\", the geometry in
WGS84. As OUT it names a table to create: primary key from the features' ids (or numbered
when they have none), a geometry(Geometry, 4326) column with a spatial index, one column per
property whose values share a type (bigint, numeric, boolean, text), else jsonb. An existing
table is refused unless --append is given; then the features are added to it (new properties
become new columns). Either way in one transaction: on any error nothing is written.

When OUT ends in .csv the features are written as CSV: id, latitude, longitude (points), wkt
(other geometries), then one column per property (lists and objects as JSON text). .gpx
writes GPX; .gpkg a GeoPackage (one table per input layer); .fgb one FlatGeobuf file; .shp a
Shapefile (OUT.shp with its .shx, .dbf, .prj and .cpg beside it; one kind of geometry only,
attribute names cut to 10 bytes and text to 254). All are written in WGS84 (EPSG:4326).

Exit status: 0 written, 1 an input is invalid or unreadable or OUT could not be written (it is
then unchanged), 2 usage errors.";

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let to_stdout = args.output.as_os_str() == "-";
    let to_table = args.output.to_str().filter(|o| postgis::is_address(o));
    let sealed_output = to_table.is_none() && args.output.extension().is_some_and(|e| e == "age");
    let encrypt = sealed_output || args.passphrase_env.is_some() || !args.recipients.is_empty();
    let seal = if encrypt {
        match crate::cli::evidence::encrypt::seal_from(
            args.passphrase_env.as_deref(),
            &args.recipients,
        ) {
            Ok(seal) => Some(seal),
            Err(code) => return Ok(code),
        }
    } else {
        None
    };
    // `out.geojson.age` is GeoJSON, sealed.
    let plain_name = if sealed_output {
        args.output.with_extension("")
    } else {
        args.output.clone()
    };
    let format = match io::Format::writable(&plain_name) {
        Some(format) => format,
        None if to_stdout || to_table.is_some() || plain_name.extension().is_none() => {
            io::Format::GeoJson
        }
        None => {
            eprintln!(
                "raidmap: cannot write {}: export writes {} (by the extension of -o)",
                args.output.display(),
                io::format::WRITABLE
            );
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    if format == io::Format::Shapefile && (to_stdout || seal.is_some()) {
        eprintln!(
            "raidmap: cannot write {}: a Shapefile is several files (.shp, .shx, .dbf, .prj, \
             .cpg), so it cannot go to standard output or be sealed; write .gpkg or .fgb instead",
            args.output.display()
        );
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let (layers, mut projects, invalid) = read_inputs(args);
    if invalid > 0 {
        let inputs = if invalid == 1 {
            "input is"
        } else {
            "inputs are"
        };
        eprintln!(
            "raidmap: nothing written to {}: {invalid} {inputs} not valid",
            args.output.display()
        );
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    if let Some(dir) = &args.evidence
        && !crate::cli::evidence::evidence_dir::all_verified(&projects, args.layer.as_deref())
    {
        eprintln!(
            "raidmap: nothing written to {} or {}: an attached file failed its hash check",
            args.output.display(),
            dir.display()
        );
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    if seal.is_none() && args.output.as_os_str() != "-" {
        note_plaintext(&projects, &args.output);
    }
    let refs: Vec<&Layer> = layers.iter().collect();
    if to_stdout || to_table.is_some() {
        let exported: Vec<_> = layers.iter().map(attachment::for_export).collect();
        let refs: Vec<&Layer> = exported.iter().map(AsRef::as_ref).collect();
        if let Some(address) = to_table {
            return export_to_table(address, &refs, args.append);
        }
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        io::write_layers(&refs, format, &mut out).context("cannot write to stdout")?;
        out.flush().context("cannot write to stdout")?;
    } else {
        crate::evidence::export::write_file(&refs, &args.output, seal.as_ref())?;
    }
    if seal.is_none() && !to_stdout {
        let features: usize = layers.iter().map(|l| l.features.len()).sum();
        eprintln!(
            "raidmap: wrote {features} feature{} to {}",
            if features == 1 { "" } else { "s" },
            args.output.display()
        );
    }
    if let Some(dir) = &args.evidence {
        crate::cli::evidence::evidence_dir::write(dir, &mut projects, args.layer.as_deref())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The layers of `args.files` (a project's through `project_layers`), the projects read,
/// and how many inputs could not be read (each reported on standard error).
fn read_inputs(args: &Args) -> (Vec<Layer>, Vec<(PathBuf, Project)>, usize) {
    let mut layers = Vec::with_capacity(args.files.len());
    let mut projects = Vec::new();
    let mut invalid = 0;
    for path in &args.files {
        if crate::project::is_project_file(path) {
            match project_layers(path, args.layer.as_deref()) {
                Ok((found, project)) => {
                    layers.extend(found);
                    projects.push((path.clone(), project));
                }
                Err(err) => {
                    eprintln!("raidmap: {err:#}");
                    invalid += 1;
                }
            }
            continue;
        }
        let result = io::read_any(path);
        report_problems(path, &result, true);
        match result {
            Ok(layer) => layers.push(layer),
            Err(_) => invalid += 1,
        }
    }
    (layers, projects, invalid)
}

/// Says which encrypted projects are being written in plaintext to `output`.
fn note_plaintext(projects: &[(PathBuf, Project)], output: &Path) {
    for (path, project) in projects {
        if project.evidence.seal.is_some() {
            eprintln!(
                "raidmap: note: {} is encrypted, but {} is written in plaintext (end it in \
                 .age and give --passphrase-env or --recipient to keep it encrypted)",
                path.display(),
                output.display()
            );
        }
    }
}

/// Write `layers` into the table `address` names, in one transaction.
fn export_to_table(address: &str, layers: &[&Layer], append: bool) -> anyhow::Result<ExitCode> {
    let parsed = postgis::Address::parse(address).map_err(anyhow::Error::msg)?;
    let Some(table) = &parsed.table else {
        anyhow::bail!("{address} names no table: add ?table=NAME");
    };
    let password = parsed.stored_password();
    let written = postgis::connect(&parsed, password.as_deref())
        .and_then(|mut conn| postgis::export_layers(&mut conn, table, layers, append));
    match written {
        Ok(n) => {
            eprintln!(
                "raidmap: wrote {n} feature{} to {table}",
                if n == 1 { "" } else { "s" }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("raidmap: nothing written to {table}: {e}");
            Ok(ExitCode::from(EXIT_BAD_INPUT))
        }
    }
}

/// The layers of a project (or the one named `only`); a layer that could not be read is an
/// error, so nothing is exported without it.
pub(crate) fn project_layers(
    path: &std::path::Path,
    only: Option<&str>,
) -> anyhow::Result<(Vec<Layer>, crate::project::Project)> {
    let project = crate::project::load(path)?;
    if let Some(problem) = project.problems.first() {
        anyhow::bail!("{}: a layer could not be read: {problem}", path.display());
    }
    let mut layers: Vec<_> = project.layers.iter().map(|l| l.layer.clone()).collect();
    if let Some(name) = only {
        let names: Vec<String> = layers.iter().map(|l| l.name.clone()).collect();
        layers.retain(|l| l.name == name);
        if layers.is_empty() {
            anyhow::bail!(
                "{} has no layer {name:?} (its layers: {})",
                path.display(),
                names.join(", ")
            );
        }
    }
    Ok((layers, project))
}
