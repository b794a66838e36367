//! Every reader on broken and hostile input: the real fixtures cut short and with bytes changed
//! at random (a fixed seed, so every run reads the same files), headers that claim huge counts
//! or sizes, GeoPackage blobs whose header lies, and zip bombs. Each read must end in an error
//! or a layer, never a panic or an abort. Each test runs its reads in a child process (this
//! test binary again, running only that test) whose address space is capped at
//! [`ADDRESS_SPACE_KB`]: a reader that allocated what a hostile file claims would abort the
//! child, and the test fails showing the last case the child began.
//!
//! The big and hostile inputs (a 50 MB CSV line, 200,000 CSV columns, a polygon of a million
//! vertices, zip bombs, GeoPackage geometries nested 100,000 deep) are also held to a memory bound of their own, derived from the input's size: what the read
//! adds to the child's peak resident memory (Linux's VmHWM, reset before each such read
//! through /proc/self/clear_refs) may be at most a few times the input's size plus a few MB,
//! each bound about 1.5 times the peak measured when it was set, and at least 16 MB (the
//! figures are beside each case). A reader that starts holding extra copies of its input fails
//! the test, naming the case, its peak and its bound. (Memory a previous read freed but the
//! allocator kept can be reused unseen, so a peak may be under-counted, never over-counted.)
//! `RAIDMAP_ROBUSTNESS_BUDGET_PERCENT` scales every bound (100 by default), to check that a
//! bound bites: at 10 every case above 16 MB fails. The 4 GiB address space stays as the
//! backstop that stops a runaway allocation before it takes the machine.

use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::Command;

use raidmap::io::{flatgeobuf, geopackage, gpx, kml, limits, shapefile, topojson};
use raidmap::model::Layer;

/// The child's address space: 4 GiB (the binary and its libraries take a few hundred MB; the
/// zip bombs may hold the 256 MB inflated-size limit twice over while a buffer grows).
const ADDRESS_SPACE_KB: u64 = 4 << 20;

const CHILD: &str = "RAIDMAP_ROBUSTNESS_CHILD";

/// Run `body` in a child process with a capped address space (or, in that child, run it).
/// `test` is this test's name, as the harness knows it.
fn in_capped_child(test: &str, body: impl FnOnce()) {
    if std::env::var_os(CHILD).is_some() {
        body();
        return;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KB} && exec \"$0\" \"$@\""
        ))
        .arg(exe)
        .args(["--exact", &format!("formats_robustness::{test}")])
        .args(["--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{test} in a child with {ADDRESS_SPACE_KB} KiB of address space: {:?}\n{stdout}\n…\n{}",
        out.status,
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    );
}

/// The outcomes of many reads, and the reads that broke a rule.
#[derive(Default)]
struct Sweep {
    reads: usize,
    errors: usize,
    broken: Vec<String>,
    /// The cases read without an error.
    read: Vec<String>,
}

impl Sweep {
    /// Read `bytes` with `read` (named `case`).
    fn read<T, E: std::fmt::Display>(
        &mut self,
        case: &str,
        bytes: &[u8],
        read: impl FnOnce(&[u8]) -> Result<T, E>,
    ) -> Option<T> {
        self.reads += 1;
        // Named before it is read, so an abort shows which case it was.
        eprintln!("reading {case}");
        match catch_unwind(AssertUnwindSafe(|| read(bytes))) {
            Err(_) => {
                self.broken.push(format!("{case}: panicked"));
                None
            }
            Ok(Err(e)) => {
                self.errors += 1;
                if e.to_string().trim().is_empty() {
                    self.broken
                        .push(format!("{case}: an error without a message"));
                }
                None
            }
            Ok(Ok(value)) => {
                self.read.push(case.to_owned());
                Some(value)
            }
        }
    }

    /// [`Sweep::read`], held to `budget`: what the read adds to the process's peak resident
    /// memory (the value it returns included) may not pass the budget for `bytes.len()`.
    fn read_within<T, E: std::fmt::Display>(
        &mut self,
        case: &str,
        bytes: &[u8],
        budget: Budget,
        read: impl FnOnce(&[u8]) -> Result<T, E>,
    ) -> Option<T> {
        reset_peak_memory();
        let before = memory("VmRSS");
        let value = self.read(case, bytes, read);
        let used = memory("VmHWM").saturating_sub(before);
        let bound = budget.bound(bytes.len());
        eprintln!(
            "{case}: {} MB read, {} MB more at peak (bound {} MB)",
            budget.of.unwrap_or(bytes.len()) >> 20,
            used >> 20,
            bound >> 20
        );
        if used > bound {
            self.broken.push(format!(
                "{case}: the read held {used} bytes at peak, past its bound of {bound} bytes \
                 ({budget:?} for {} bytes in)",
                bytes.len()
            ));
        }
        value
    }

    fn assert_clean(&self, what: &str) {
        assert!(
            self.broken.is_empty(),
            "{what}: {} of {} reads broke a rule:\n{}",
            self.broken.len(),
            self.reads,
            self.broken.join("\n")
        );
    }
}

/// How much one read may add to the peak resident memory: `per_byte` bytes for each byte of
/// input (or of `of`: what an archive inflates to, or files read from disk), plus `fixed_mb`
/// MB.
#[derive(Debug, Clone, Copy)]
struct Budget {
    per_byte: f64,
    /// The size the bound is taken from, when it is not the input's own.
    of: Option<usize>,
    fixed_mb: u64,
}

impl Budget {
    const fn times(per_byte: f64, fixed_mb: u64) -> Self {
        Self {
            per_byte,
            of: None,
            fixed_mb,
        }
    }

    /// The bound, in bytes, for an input of `len` bytes.
    fn bound(self, len: usize) -> u64 {
        let percent = std::env::var("RAIDMAP_ROBUSTNESS_BUDGET_PERCENT")
            .ok()
            .and_then(|p| p.trim().parse::<f64>().ok())
            .unwrap_or(100.0);
        let base = self.per_byte * self.of.unwrap_or(len) as f64 + (self.fixed_mb << 20) as f64;
        (base * percent / 100.0) as u64
    }
}

/// A line of /proc/self/status (`VmRSS`, `VmHWM`), in bytes.
fn memory(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb << 10)
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}

/// Make VmHWM (the peak resident memory) start again from the memory resident now.
fn reset_peak_memory() {
    std::fs::write("/proc/self/clear_refs", "5").expect("/proc/self/clear_refs resets VmHWM");
}

/// xorshift64*: the same bytes changed on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Values that make a length or a count absurd when they land on one.
const HOSTILE_WORDS: [[u8; 4]; 4] = [
    [0xFF, 0xFF, 0xFF, 0xFF],
    [0x7F, 0xFF, 0xFF, 0xFF],
    [0xFF, 0xFF, 0xFF, 0x7F],
    [0x00, 0x00, 0x00, 0x80],
];

/// `bytes` cut short at a spread of lengths, then `mutants` copies with 1–8 bytes changed
/// each: a bit flipped, a random byte, or a hostile 32-bit word written over.
fn variants(bytes: &[u8], mutants: usize, seed: u64) -> Vec<(String, Vec<u8>)> {
    let n = bytes.len();
    let mut cuts = vec![0, 1, 2, 3, 4, 8, 12, 16, 32, 64, 100, 101, 128, 512];
    cuts.extend([
        n / 4,
        n / 3,
        n / 2,
        2 * n / 3,
        n * 9 / 10,
        n.saturating_sub(2),
        n.saturating_sub(1),
    ]);
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<(String, Vec<u8>)> = cuts
        .into_iter()
        .filter(|&cut| cut < n)
        .map(|cut| (format!("cut at {cut} of {n} bytes"), bytes[..cut].to_vec()))
        .collect();
    let mut rng = Rng(seed | 1);
    for m in 0..mutants {
        let mut changed = bytes.to_vec();
        let mut what = Vec::new();
        for _ in 0..1 + rng.below(8) {
            if changed.is_empty() {
                break;
            }
            let at = rng.below(changed.len());
            match rng.below(3) {
                0 => {
                    changed[at] ^= 1 << rng.below(8);
                    what.push(format!("bit at {at}"));
                }
                1 => {
                    changed[at] = rng.next() as u8;
                    what.push(format!("byte at {at}"));
                }
                _ => {
                    let word = HOSTILE_WORDS[rng.below(HOSTILE_WORDS.len())];
                    for (i, b) in word.iter().enumerate() {
                        if let Some(slot) = changed.get_mut(at + i) {
                            *slot = *b;
                        }
                    }
                    what.push(format!("word at {at}"));
                }
            }
        }
        out.push((format!("mutant {m} ({})", what.join(", ")), changed));
    }
    out
}

fn fixture(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The fixtures in `folder` whose names end in one of `extensions`.
fn fixtures_in(folder: &str, extensions: &[&str]) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| extensions.iter().any(|ext| n.ends_with(ext)))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let bytes = fixture(&format!("{folder}/{n}"));
            (format!("{folder}/{n}"), bytes)
        })
        .collect()
}

const MUTANTS: usize = 60;

/// A seed per fixture, so adding one does not change what the others are read as.
fn seed_of(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn sweep_text_format(
    sweep: &mut Sweep,
    files: &[(String, Vec<u8>)],
    read: impl Fn(&[u8], &str) -> Result<usize, String>,
) {
    assert!(!files.is_empty(), "no fixtures to sweep");
    for (name, bytes) in files {
        for (what, changed) in variants(bytes, MUTANTS, seed_of(name)) {
            sweep.read(&format!("{name}, {what}"), &changed, |b| read(b, name));
        }
    }
}

/// A zip archive of `entries`, each deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buffer);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).expect("entry");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("finish");
    buffer.into_inner()
}

fn kml_text(b: &[u8], name: &str) -> Result<usize, String> {
    kml::read_kml(&String::from_utf8_lossy(b), name)
        .map(|layers| layers.len())
        .map_err(|e| e.to_string())
}

#[test]
fn text_readers_survive_cut_and_changed_real_files() {
    in_capped_child(
        "text_readers_survive_cut_and_changed_real_files",
        text_readers_survive_cut_and_changed_real_files_reads,
    );
}

fn text_readers_survive_cut_and_changed_real_files_reads() {
    let mut sweep = Sweep::default();
    let geojson = [
        fixtures_in("geojson/valid", &[".geojson"]),
        fixtures_in("geojson/warnings", &[".geojson"]),
        fixtures_in("measure", &[".geojson"]),
    ]
    .concat();
    sweep_text_format(&mut sweep, &geojson, |b, name| {
        raidmap::io::read_bytes(b, name)
            .map(|l| l.features.len())
            .map_err(|e| e.to_string())
    });
    let kmls = [
        fixtures_in("real/togeojson", &[".kml"]),
        fixtures_in("kml", &[".kml"]),
    ]
    .concat();
    sweep_text_format(&mut sweep, &kmls, kml_text);
    // The same KML zipped as a KMZ: the archive's bytes changed, and the KML's inside it.
    for (name, bytes) in &kmls {
        let kmz = zip_of(&[("doc.kml", bytes)]);
        for (what, changed) in variants(&kmz, MUTANTS, seed_of(name) ^ 1) {
            sweep.read(&format!("{name} as KMZ, {what}"), &changed, |b| {
                kml::read_kmz(b, "doc.kmz")
            });
        }
        for (what, changed) in variants(bytes, 8, seed_of(name) ^ 2) {
            let kmz = zip_of(&[("doc.kml", &changed)]);
            sweep.read(&format!("{name} zipped after {what}"), &kmz, |b| {
                kml::read_kmz(b, "doc.kmz")
            });
        }
    }
    let gpxs = fixtures_in("real/togeojson", &[".gpx"]);
    sweep_text_format(&mut sweep, &gpxs, |b, name| {
        gpx::read_gpx(&String::from_utf8_lossy(b), name)
            .map(|l| l.features.len())
            .map_err(|e| e.to_string())
    });
    let csvs = fixtures_in("csv", &[".csv", ".tsv"]);
    sweep_text_format(&mut sweep, &csvs, |b, name| {
        raidmap::io::csv::read_csv(&String::from_utf8_lossy(b), name)
            .map(|l| l.features.len())
            .map_err(|e| e.to_string())
    });
    let topojsons = fixtures_in("real/gdal", &[".topojson"]);
    sweep_text_format(&mut sweep, &topojsons, |b, name| {
        topojson::read_topojson(b, name)
            .map(|l| l.len())
            .map_err(|e| e.to_string())
    });
    sweep.assert_clean("text formats");
    // The sweep must reach readers, not only their first check: some changed files still read.
    assert!(
        sweep.errors < sweep.reads,
        "{} of {} reads failed",
        sweep.errors,
        sweep.reads
    );
}

/// The shapefiles among the fixtures: (name, .shp, .dbf, .prj, .cpg).
type ShapefileParts = (
    String,
    Vec<u8>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
);

fn real_shapefiles() -> Vec<ShapefileParts> {
    let folder = "real/shapefile-rs";
    let read = |stem: &str, ext: &str| {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(folder)
                .join(format!("{stem}.{ext}")),
        )
        .ok()
    };
    fixtures_in(folder, &[".shp"])
        .into_iter()
        .map(|(name, shp)| {
            let stem = name
                .rsplit('/')
                .next()
                .unwrap_or(&name)
                .trim_end_matches(".shp")
                .to_owned();
            let (dbf, prj, cpg) = (read(&stem, "dbf"), read(&stem, "prj"), read(&stem, "cpg"));
            (name, shp, dbf, prj, cpg)
        })
        .collect()
}

fn read_shapefile(
    shp: &[u8],
    dbf: Option<&[u8]>,
    prj: Option<&[u8]>,
    cpg: Option<&[u8]>,
) -> Result<Layer, String> {
    shapefile::read_parts(shapefile::Parts {
        name: "t.shp".into(),
        shp: shp.to_vec(),
        dbf: dbf.map(<[u8]>::to_vec),
        prj: prj.map(<[u8]>::to_vec),
        cpg: cpg.map(<[u8]>::to_vec),
    })
    .map_err(|e| e.to_string())
}

/// Every real shapefile read whole, for writing as GeoPackage and FlatGeobuf.
fn real_layers() -> Vec<Layer> {
    real_shapefiles()
        .iter()
        .filter_map(|(name, shp, dbf, prj, cpg)| {
            let mut layer =
                read_shapefile(shp, dbf.as_deref(), prj.as_deref(), cpg.as_deref()).ok()?;
            layer.name.clone_from(name);
            Some(layer)
        })
        .filter(|l| !l.features.is_empty())
        .collect()
}

#[test]
fn binary_readers_survive_cut_and_changed_real_files() {
    in_capped_child(
        "binary_readers_survive_cut_and_changed_real_files",
        binary_readers_survive_cut_and_changed_real_files_reads,
    );
}

fn binary_readers_survive_cut_and_changed_real_files_reads() {
    let mut sweep = Sweep::default();
    let shapefiles = real_shapefiles();
    assert!(shapefiles.len() >= 5, "the real shapefiles are there");
    for (name, shp, dbf, prj, cpg) in &shapefiles {
        let seed = seed_of(name);
        let (dbf, prj, cpg) = (dbf.as_deref(), prj.as_deref(), cpg.as_deref());
        for (what, changed) in variants(shp, MUTANTS, seed) {
            sweep.read(&format!("{name}, .shp {what}"), &changed, |b| {
                read_shapefile(b, dbf, prj, cpg)
            });
        }
        if let Some(dbf) = dbf {
            for (what, changed) in variants(dbf, MUTANTS, seed ^ 1) {
                sweep.read(&format!("{name}, .dbf {what}"), &changed, |b| {
                    read_shapefile(shp, Some(b), prj, cpg)
                });
            }
        }
        if let Some(prj) = prj {
            for (what, changed) in variants(prj, MUTANTS / 2, seed ^ 2) {
                sweep.read(&format!("{name}, .prj {what}"), &changed, |b| {
                    read_shapefile(shp, dbf, Some(b), cpg)
                });
            }
        }
        // Zipped, with the archive's bytes changed.
        let mut entries: Vec<(&str, &[u8])> = vec![("t.shp", shp)];
        entries.extend(dbf.map(|b| ("t.dbf", b)));
        entries.extend(prj.map(|b| ("t.prj", b)));
        let zipped = zip_of(&entries);
        for (what, changed) in variants(&zipped, MUTANTS / 2, seed ^ 3) {
            sweep.read(&format!("{name} zipped, {what}"), &changed, |b| {
                shapefile::read_zip(b, "t.zip")
            });
        }
    }
    let layers = real_layers();
    assert!(layers.len() >= 3, "the real shapefiles read");
    for (i, layer) in layers.iter().enumerate() {
        let mut fgb = Vec::new();
        flatgeobuf::write_fgb(&[layer], &mut fgb).expect("writes FlatGeobuf");
        for (what, changed) in variants(&fgb, MUTANTS, 7 + i as u64) {
            sweep.read(
                &format!("{} as FlatGeobuf, {what}", layer.name),
                &changed,
                |b| flatgeobuf::read_fgb(b, "t.fgb"),
            );
        }
        let mut gpkg = Vec::new();
        geopackage::write_gpkg(&[layer], &mut gpkg).expect("writes GeoPackage");
        // SQLite checks its own pages; fewer mutants keep the run short (each read makes a
        // temporary copy).
        for (what, changed) in variants(&gpkg, MUTANTS / 3, 11 + i as u64) {
            sweep.read(
                &format!("{} as GeoPackage, {what}", layer.name),
                &changed,
                |b| geopackage::read_bytes(b, "t.gpkg"),
            );
        }
    }
    sweep.assert_clean("binary formats");
    assert!(sweep.errors < sweep.reads);
}

/// A lie the reader does not trust (it walks the records instead): the file must be refused,
/// or give exactly what the true file gives.
fn true_or_refused(sweep: &mut Sweep, case: &str, read: Option<&Layer>, truth: &Layer) {
    if let Some(layer) = read {
        sweep.read.retain(|c| c != case);
        if raidmap::io::to_string(layer) != raidmap::io::to_string(truth) {
            sweep
                .broken
                .push(format!("{case}: read differently from the true file"));
        }
    }
}

/// `bytes` with the little- or big-endian `value` written at `at`.
fn with_word(bytes: &[u8], at: usize, value: [u8; 4]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at..at + 4].copy_from_slice(&value);
    out
}

#[test]
fn huge_declared_counts_and_sizes_are_refused_without_allocating_them() {
    in_capped_child(
        "huge_declared_counts_and_sizes_are_refused_without_allocating_them",
        huge_declared_counts_and_sizes_are_refused_without_allocating_them_reads,
    );
}

fn huge_declared_counts_and_sizes_are_refused_without_allocating_them_reads() {
    let mut sweep = Sweep::default();
    let (_, shp, dbf, prj, _) = real_shapefiles()
        .into_iter()
        .find(|(name, ..)| name.ends_with("/polygons.shp"))
        .expect("polygons.shp");
    let dbf = dbf.expect("polygons.dbf");
    let prj = prj.as_deref();
    let unchanged = read_shapefile(&shp, Some(&dbf), prj, None).expect("polygons.shp reads");
    // .shp: the file length (16-bit words, big-endian) and the first record's content length,
    // part count and point count (little-endian, at 100 + 8 + 36 and + 40).
    for (what, at, big_endian) in [
        ("file length", 24, true),
        ("first record's length", 104, true),
        ("first polygon's part count", 144, false),
        ("first polygon's point count", 148, false),
    ] {
        for value in [i32::MAX, -1, 1 << 28] {
            let word = if big_endian {
                value.to_be_bytes()
            } else {
                value.to_le_bytes()
            };
            let changed = with_word(&shp, at, word);
            let case = format!(".shp {what} {value}");
            let read = sweep.read(&case, &changed, |b| {
                read_shapefile(b, Some(&dbf), prj, None)
            });
            true_or_refused(&mut sweep, &case, read.as_ref(), &unchanged);
        }
    }
    // .dbf: the record count (u32 at 4), header length (u16 at 8) and record length (u16 at
    // 10). raidmap reads the fields as their descriptors give them, so a record length that
    // lies can read right (GDAL: "fread(65535) failed", no features).
    for value in [u32::MAX, 1 << 31, 1 << 24] {
        let changed = with_word(&dbf, 4, value.to_le_bytes());
        let case = format!(".dbf record count {value}");
        let read = sweep.read(&case, &changed, |b| {
            read_shapefile(&shp, Some(b), prj, None)
        });
        true_or_refused(&mut sweep, &case, read.as_ref(), &unchanged);
    }
    for (what, at) in [("header length", 8), ("record length", 10)] {
        let mut changed = dbf.clone();
        changed[at..at + 2].copy_from_slice(&u16::MAX.to_le_bytes());
        let case = format!(".dbf {what} 65535");
        let read = sweep.read(&case, &changed, |b| {
            read_shapefile(&shp, Some(b), prj, None)
        });
        true_or_refused(&mut sweep, &case, read.as_ref(), &unchanged);
    }
    // FlatGeobuf: the header size, and the feature count inside the header (found as the
    // only 8 bytes of the header holding the layer's count).
    let layer = real_layers()
        .into_iter()
        .max_by_key(|l| l.features.len())
        .expect("a layer");
    let mut fgb = Vec::new();
    flatgeobuf::write_fgb(&[&layer], &mut fgb).expect("writes FlatGeobuf");
    for value in [u32::MAX, i32::MAX as u32, fgb.len() as u32] {
        let changed = with_word(&fgb, 8, value.to_le_bytes());
        sweep.read(&format!("FlatGeobuf header size {value}"), &changed, |b| {
            flatgeobuf::read_fgb(b, "t.fgb")
        });
    }
    let header_end = 12 + u32::from_le_bytes(fgb[8..12].try_into().expect("4 bytes")) as usize;
    let count = (layer.features.len() as u64).to_le_bytes();
    let places: Vec<usize> = (12..header_end - 8)
        .filter(|&i| fgb[i..i + 8] == count)
        .collect();
    sweep.assert_clean("huge counts");
    assert!(sweep.read.is_empty(), "read as if true: {:?}", sweep.read);
    // Every 8 bytes of the header that could be the count are made huge in turn (only one of
    // them is the count, so some of these files may read; none may panic or allocate it).
    assert!(!places.is_empty(), "the feature count is in the header");
    let mut counts = Sweep::default();
    for place in places {
        for value in [u64::MAX, 1 << 40, 1 << 20] {
            let mut changed = fgb.clone();
            changed[place..place + 8].copy_from_slice(&value.to_le_bytes());
            counts.read(
                &format!("FlatGeobuf feature count {value} at byte {place}"),
                &changed,
                |b| flatgeobuf::read_fgb(b, "t.fgb"),
            );
        }
    }
    counts.assert_clean("FlatGeobuf feature counts");
    assert!(counts.errors >= 3, "the true count's lies are refused");
}

/// A GeoPackage of the real points with the first feature's geometry blob replaced by
/// `blob`, read back.
fn gpkg_with_blob(points: &Layer, blob: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    geopackage::write_gpkg(&[points], &mut bytes).expect("writes");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.gpkg");
    std::fs::write(&path, &bytes).expect("write");
    {
        let conn = rusqlite::Connection::open(&path).expect("opens");
        let (table, column): (String, String) = conn
            .query_row(
                "SELECT table_name, column_name FROM gpkg_geometry_columns",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("a features table");
        conn.execute(
            &format!(
                "UPDATE \"{table}\" SET \"{column}\" = ?1 WHERE rowid = (SELECT min(rowid) FROM \"{table}\")"
            ),
            [blob],
        )
        .expect("update");
    }
    std::fs::read(&path).expect("read")
}

/// A GeoPackage geometry header: magic, version, `flags`, SRS 4326, then `envelope`.
fn gp_header(flags: u8, envelope: &[f64]) -> Vec<u8> {
    let mut b = vec![b'G', b'P', 0, flags];
    b.extend(4326i32.to_le_bytes());
    for v in envelope {
        b.extend(v.to_le_bytes());
    }
    b
}

/// Little-endian WKB of a point.
fn wkb_point(x: f64, y: f64) -> Vec<u8> {
    let mut b = vec![1];
    b.extend(1u32.to_le_bytes());
    b.extend(x.to_le_bytes());
    b.extend(y.to_le_bytes());
    b
}

#[test]
fn geopackage_blobs_that_lie_are_errors_or_read_by_their_geometry() {
    in_capped_child(
        "geopackage_blobs_that_lie_are_errors_or_read_by_their_geometry",
        geopackage_blobs_that_lie_are_errors_or_read_by_their_geometry_reads,
    );
}

fn geopackage_blobs_that_lie_are_errors_or_read_by_their_geometry_reads() {
    let points = real_layers()
        .into_iter()
        .find(|l| l.name.contains("points"))
        .expect("the real points layer");
    let mut sweep = Sweep::default();
    // Flags: little-endian (bit 0), envelope code in bits 1-3.
    let mut lying = Vec::new();
    // An envelope of 4 doubles announced, none there.
    let mut b = gp_header(0b0000_0011, &[]);
    b.extend(wkb_point(104.9, 11.5));
    lying.push(("envelope announced, missing", b));
    // Envelope codes 5, 6 and 7 do not exist.
    for code in [5u8, 6, 7] {
        let mut b = gp_header(1 | (code << 1), &[0.0; 8]);
        b.extend(wkb_point(104.9, 11.5));
        lying.push(("envelope code past 4", b));
    }
    // Counts far past the blob: a line of u32::MAX points, a polygon of u32::MAX rings, a
    // collection of u32::MAX members.
    for (kind, count) in [(2u32, u32::MAX), (3, u32::MAX), (7, u32::MAX), (4, 1 << 30)] {
        let mut b = gp_header(1, &[]);
        b.push(1);
        b.extend(kind.to_le_bytes());
        b.extend(count.to_le_bytes());
        b.extend([0u8; 16]);
        lying.push(("a count past the blob", b));
    }
    // Collections nested 100,000 deep.
    let mut b = gp_header(1, &[]);
    for _ in 0..100_000 {
        b.push(1);
        b.extend(7u32.to_le_bytes());
        b.extend(1u32.to_le_bytes());
    }
    b.extend(wkb_point(104.9, 11.5));
    lying.push(("collections nested 100,000 deep", b));
    // Not a GeoPackage blob at all, and an empty one.
    lying.push(("not GP", b"hello, world".to_vec()));
    lying.push(("empty", Vec::new()));
    for (what, blob) in &lying {
        let gpkg = gpkg_with_blob(&points, blob);
        // Measured at under 1 MB (the VmHWM resolution here) when the bound was set: the
        // fixed 16 MB is the bound.
        let budget = Budget::times(4.0, 16);
        if let Some(layers) =
            sweep.read_within(what, &gpkg, budget, |b| geopackage::read_bytes(b, "t.gpkg"))
        {
            sweep.broken.push(format!(
                "{what}: read as {} layers instead of an error",
                layers.len()
            ));
        }
    }
    // An envelope that lies about where the geometry is: the geometry wins, as in GDAL.
    let mut b = gp_header(0b0000_0011, &[0.0, 1.0, 50.0, 51.0]);
    b.extend(wkb_point(104.9, 11.5));
    let gpkg = gpkg_with_blob(&points, &b);
    let layers = sweep
        .read("an envelope far from its point", &gpkg, |b| {
            geopackage::read_bytes(b, "t.gpkg")
        })
        .expect("a false envelope alone is no error");
    let first = layers[0].features[0].geometry().expect("a geometry");
    let geo::Geometry::Point(p) = first else {
        panic!("a point: {first:?}");
    };
    assert!(
        (p.x() - 104.9).abs() < 1e-9 && (p.y() - 11.5).abs() < 1e-9,
        "{p:?}"
    );
    sweep.assert_clean("GeoPackage blobs");
}

#[test]
fn zip_bombs_stop_at_the_inflated_size_limit() {
    in_capped_child(
        "zip_bombs_stop_at_the_inflated_size_limit",
        zip_bombs_stop_at_the_inflated_size_limit_reads,
    );
}

fn zip_bombs_stop_at_the_inflated_size_limit_reads() {
    let limit = limits::max_inflated_bytes();
    let mut sweep = Sweep::default();
    // One entry inflating past the limit, its declared sizes rewritten to 1 KiB (a reader
    // trusting them would be fooled; raidmap counts what it inflates).
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false);
        zip.start_file("doc.kml", options).expect("entry");
        zip.write_all(b"<kml><Document>").expect("write");
        let block = vec![b' '; 1 << 20];
        for _ in 0..(limit >> 20) + 2 {
            zip.write_all(&block).expect("write");
        }
        zip.finish().expect("finish");
    }
    let bomb = buffer.into_inner();
    let mut lying = bomb.clone();
    let declared = (limit + (2 << 20) + 15) as u32;
    for at in 0..lying.len() - 4 {
        if lying[at..at + 4] == declared.to_le_bytes() {
            lying[at..at + 4].copy_from_slice(&1024u32.to_le_bytes());
        }
    }
    assert_ne!(lying, bomb, "the declared sizes were found and rewritten");
    // An archive entry is inflated into memory up to the limit, and no further: the bound
    // is taken from the limit (measured at 258 MB for the 256 MB limit when it was set).
    let inflated = Budget {
        per_byte: 1.5,
        of: Some(limit as usize),
        fixed_mb: 16,
    };
    for (what, bytes) in [("KMZ bomb", &bomb), ("KMZ bomb with lying sizes", &lying)] {
        sweep.read_within(what, bytes, inflated, |b| kml::read_kmz(b, "bomb.kmz"));
    }
    // The same as a zipped shapefile's .shp.
    let as_shp: Vec<u8> = lying
        .windows(7)
        .position(|w| w == b"doc.kml")
        .map(|_| {
            let mut b = lying.clone();
            for at in 0..b.len() - 7 {
                if &b[at..at + 7] == b"doc.kml" {
                    b[at..at + 7].copy_from_slice(b"doc.shp");
                }
            }
            b
        })
        .expect("the entry's name");
    // A zipped .shp is inflated to a temporary file, not into memory (measured at under
    // 1 MB; read into memory, as it was before, it would hold the 256 MB).
    sweep.read_within("zipped .shp bomb", &as_shp, Budget::times(2.0, 16), |b| {
        shapefile::read_zip(b, "bomb.zip")
    });
    sweep.assert_clean("zip bombs");
    assert!(
        sweep.read.is_empty(),
        "every bomb is refused: {:?}",
        sweep.read
    );
}

#[test]
fn a_50_mb_line_200_000_columns_and_a_million_vertex_polygon_are_read_within_the_cap() {
    in_capped_child(
        "a_50_mb_line_200_000_columns_and_a_million_vertex_polygon_are_read_within_the_cap",
        a_50_mb_line_200_000_columns_and_a_million_vertex_polygon_are_read_within_the_cap_reads,
    );
}

fn a_50_mb_line_200_000_columns_and_a_million_vertex_polygon_are_read_within_the_cap_reads() {
    let mut sweep = Sweep::default();
    // Valid UTF-8 is borrowed, not copied, so the bound counts only the reader's memory.
    fn text(b: &[u8]) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(b)
    }
    // One row whose note is a 50 MB line (measured at 279 MB, 5.3 times the input, when the
    // bound was set).
    let mut long_line = b"name,lat,lon,note\nMango Park,11.0,104.6,".to_vec();
    long_line.resize(long_line.len() + (50 << 20), b'x');
    long_line.push(b'\n');
    let read = sweep.read_within(
        "a 50 MB CSV line",
        &long_line,
        Budget::times(8.0, 16),
        |b| raidmap::io::csv::read_csv(&text(b), "long.csv"),
    );
    assert_eq!(read.map(|l| l.features.len()), Some(1), "the row is read");

    // A header of 200,000 columns and one row.
    let mut wide = String::from("lat,lon");
    let mut row = String::from("11.0,104.6");
    for i in 0..200_000 {
        wide.push_str(&format!(",c{i}"));
        row.push_str(&format!(",{i}"));
    }
    let wide = format!("{wide}\n{row}\n");
    // Measured at 71 MB for the 2.8 MB file.
    let read = sweep.read_within(
        "a CSV of 200,000 columns",
        wide.as_bytes(),
        Budget::times(32.0, 16),
        |b| raidmap::io::csv::read_csv(&text(b), "wide.csv"),
    );
    assert_eq!(read.map(|l| l.features.len()), Some(1), "the row is read");

    // A ring of a million vertices around Phnom Penh, as GeoJSON and as KML.
    let ring: Vec<(f64, f64)> = (0..1_000_000)
        .map(|i| {
            let a = f64::from(i) / 1_000_000.0 * std::f64::consts::TAU;
            (104.9 + 0.1 * a.cos(), 11.55 + 0.1 * a.sin())
        })
        .chain(std::iter::once((104.9 + 0.1, 11.55)))
        .collect();
    let positions: Vec<String> = ring
        .iter()
        .map(|(x, y)| format!("[{x:.7},{y:.7}]"))
        .collect();
    let geojson = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"ring"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}]}}"#,
        positions.join(",")
    );
    // Measured at 330 MB for the 25 MB file.
    let read = sweep.read_within(
        "a GeoJSON polygon of a million vertices",
        geojson.as_bytes(),
        Budget::times(19.0, 16),
        |b| raidmap::io::read_str(&text(b), "ring.geojson"),
    );
    assert_eq!(
        read.map(|l| l.features.len()),
        Some(1),
        "the polygon is read"
    );
    let tuples: Vec<String> = ring.iter().map(|(x, y)| format!("{x:.7},{y:.7}")).collect();
    let kml_ring = format!(
        "<kml><Document><Placemark><name>ring</name><Polygon><outerBoundaryIs><LinearRing><coordinates>{}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>",
        tuples.join(" ")
    );
    // Measured at 398 MB for the 23 MB file.
    let read = sweep.read_within(
        "a KML polygon of a million vertices",
        kml_ring.as_bytes(),
        Budget::times(25.0, 16),
        |b| kml_text(b, "ring.kml"),
    );
    assert_eq!(read, Some(1), "the placemark is read");
    sweep.assert_clean("long lines, wide tables, big polygons");
}

#[test]
fn a_shapefile_is_read_from_disk_a_record_at_a_time() {
    in_capped_child(
        "a_shapefile_is_read_from_disk_a_record_at_a_time",
        a_shapefile_is_read_from_disk_a_record_at_a_time_reads,
    );
}

/// A `.shp` of `n` points and its `.dbf` with one 254-character text field holding a short
/// name, as GDAL writes a wide text column: 28 MB of files for 100,000 points whose layer is
/// much smaller, so a reader holding the files whole shows against its bound.
fn wide_point_shapefile(n: usize) -> (Vec<u8>, Vec<u8>) {
    let record = 8 + 20;
    let words = |bytes: usize| i32::try_from(bytes / 2).expect("fits").to_be_bytes();
    let mut shp = vec![0u8; 100];
    shp[..4].copy_from_slice(&9994i32.to_be_bytes());
    shp[24..28].copy_from_slice(&words(100 + n * record));
    shp[28..32].copy_from_slice(&1000i32.to_le_bytes());
    shp[32..36].copy_from_slice(&1i32.to_le_bytes());
    for (at, v) in [(36, 102.0f64), (44, 10.0), (52, 108.0), (60, 15.0)] {
        shp[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }
    let width = 254usize;
    let mut dbf = vec![0u8; 32];
    dbf[0] = 3;
    dbf[1..4].copy_from_slice(&[126, 1, 1]);
    dbf[4..8].copy_from_slice(&u32::try_from(n).expect("fits").to_le_bytes());
    dbf[8..10].copy_from_slice(&(32u16 + 32 + 1).to_le_bytes());
    dbf[10..12].copy_from_slice(&u16::try_from(width + 1).expect("fits").to_le_bytes());
    let mut field = [0u8; 32];
    field[..4].copy_from_slice(b"name");
    field[11] = b'C';
    field[16] = u8::try_from(width).expect("fits");
    dbf.extend(field);
    dbf.push(0x0d);
    for i in 0..n {
        shp.extend((i32::try_from(i).expect("fits") + 1).to_be_bytes());
        shp.extend(words(20));
        shp.extend(1i32.to_le_bytes());
        let x = 102.5 + (i % 1000) as f64 * 0.004;
        let y = 10.6 + (i / 1000) as f64 * 0.004;
        shp.extend(x.to_le_bytes());
        shp.extend(y.to_le_bytes());
        let name = format!("Site {i}");
        dbf.push(b' ');
        dbf.extend(name.as_bytes());
        dbf.extend(std::iter::repeat_n(b' ', width - name.len()));
    }
    dbf.push(0x1a);
    (shp, dbf)
}

fn a_shapefile_is_read_from_disk_a_record_at_a_time_reads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("wide.shp");
    let size = {
        let (shp, dbf) = wide_point_shapefile(100_000);
        std::fs::write(&path, &shp).expect("written");
        std::fs::write(path.with_extension("dbf"), &dbf).expect("written");
        shp.len() + dbf.len()
    };
    let mut sweep = Sweep::default();
    // Measured at 34 MB for the 28 MB of files when the bound was set (the bound: 52 MB).
    // Holding the files whole, as the reader did before, adds their 28 MB (`raidmap info`
    // on the same files peaked at 65 MB before, 38 MB after).
    let budget = Budget {
        per_byte: 1.25,
        of: Some(size),
        fixed_mb: 16,
    };
    let read = sweep.read_within("a 28 MB shapefile read from disk", &[], budget, |_| {
        raidmap::io::read_layers(&path)
    });
    let layers = read.expect("the shapefile reads");
    assert_eq!(layers[0].features.len(), 100_000);
    assert_eq!(
        layers[0].features[99_999].properties().expect("properties")["name"],
        "Site 99999"
    );
    sweep.assert_clean("a shapefile read from disk");
}
