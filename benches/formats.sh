#!/usr/bin/env bash
# Reproduce the "Reading every format" figures in BENCHMARKS.md (the process-level companion of
# `cargo bench --bench formats`):
#   1. generate N points over Cambodia (default 100,000; deterministic: Python's random with
#      seed 2026), each with a name, a status, a count and an area, as GeoJSON,
#   2. convert them with GDAL's ogr2ogr into KML, CSV (X/Y columns), GPX (fields as
#      extensions), Shapefile, GeoPackage and FlatGeobuf, so every file is one another tool wrote,
#   3. for each, time `raidmap info FILE` (read, check, summarize) and GDAL's
#      `ogr2ogr -f GeoJSON /vsistdout/ FILE` (every feature read and written, output
#      discarded), alternately, RUNS times each, in the same run: wall clock and peak resident
#      memory from /usr/bin/time, beside the file's size on disk.
#
# Usage: benches/formats.sh [WORKDIR]   (default: a temporary folder, removed at the end)
# Needs: python3, gdal-bin (ogr2ogr), GNU time (/usr/bin/time); builds raidmap
# (NO_BUILD=1 times the binary already in target/release).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
N=${N:-100000}
work=${1:-}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
command -v ogr2ogr >/dev/null || { echo "ogr2ogr missing: apt-get install gdal-bin" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 2; }
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
raidmap=$PWD/target/release/raidmap

source="$work/points_$N.geojson"
if [ ! -s "$source" ]; then
  python3 - "$source" "$N" <<'PY'
import random, sys
out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(2026)
with open(out, "w") as f:
    f.write('{"type":"FeatureCollection","features":[\n')
    for i in range(n):
        x, y = rng.uniform(102.5, 107.4), rng.uniform(10.6, 14.5)
        f.write(('' if i == 0 else ',') +
                '{"type":"Feature","properties":{"name":"Site %d","status":"%s","detained":%d,'
                '"area_ha":%.2f},"geometry":{"type":"Point","coordinates":[%.6f,%.6f]}}\n'
                % (i, ["suspected", "raided", "closed"][i % 3], rng.randint(0, 900),
                   rng.random() * 50, x, y))
    f.write(']}\n')
PY
fi

# name | file | ogr2ogr options to write it | layer GDAL reads
formats=(
  "KML|points.kml|-f KML|"
  "CSV|points.csv|-f CSV -lco GEOMETRY=AS_XY|"
  "GPX|points.gpx|-f GPX -dsco GPX_USE_EXTENSIONS=YES|waypoints"
  "Shapefile|points.shp|-f ESRI Shapefile|"
  "GeoPackage|points.gpkg|-f GPKG|"
  "FlatGeobuf|points.fgb|-f FlatGeobuf|"
)
for entry in "${formats[@]}"; do
  IFS='|' read -r name file options layer <<<"$entry"
  path="$work/$file"
  if [ ! -s "$path" ]; then
    # The first option is the driver ("-f NAME", NAME may hold a space), the rest are words.
    driver=${options#-f }
    extra=""
    case "$driver" in
      *" -"*) extra="-${driver#* -}"; driver=${driver%% -*} ;;
    esac
    # shellcheck disable=SC2086 # the extra options are words
    ogr2ogr -f "$driver" $extra "$path" "$source"
  fi
  if [ "$name" = Shapefile ]; then
    size=$(du -cb "$path" "${path%.shp}.dbf" | tail -1 | cut -f1)
  else
    size=$(du -b "$path" | cut -f1)
  fi
  echo "== $name, $N points, $((size / 1000000)) MB ($size bytes)"
  for run in $(seq "$RUNS"); do
    /usr/bin/time -f "raidmap info            %e s  %M KB" "$raidmap" info "$path" >/dev/null
    # shellcheck disable=SC2086 # no layer: no word
    /usr/bin/time -f "ogr2ogr -f GeoJSON      %e s  %M KB" \
      ogr2ogr -f GeoJSON /vsistdout/ "$path" $layer >/dev/null
  done
done
