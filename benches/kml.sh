#!/usr/bin/env bash
# Reproduce the KML reading figures in BENCHMARKS.md:
#   1. generate KML files of N placemarks each (default 25,000 and 100,000; deterministic:
#      Python's random with seed 2026), in folders of 500, each placemark with a name, an HTML
#      description, two ExtendedData values and a point or a 5-vertex polygon,
#   2. time `raidmap info`, GDAL's `ogrinfo -ro -al -so` and `ogr2ogr -f GeoJSON` on the same
#      file, alternately, RUNS times each, in the same run (wall clock and peak resident memory
#      from /usr/bin/time).
#
# Usage: benches/kml.sh [WORKDIR]   (default: a temporary folder, removed at the end)
# Needs: python3, gdal-bin (ogrinfo, ogr2ogr), GNU time (/usr/bin/time); builds raidmap
# (NO_BUILD=1 times the binary already in target/release).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SIZES=${SIZES:-"25000 100000"}
work=${1:-}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
command -v ogr2ogr >/dev/null || { echo "ogr2ogr missing: apt-get install gdal-bin" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 2; }
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
raidmap=target/release/raidmap

for n in $SIZES; do
  file="$work/placemarks_$n.kml"
  if [ ! -s "$file" ]; then
    python3 - "$file" "$n" <<'PY'
import random, sys
out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(2026)
with open(out, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document><name>bench</name>\n')
    for i in range(n):
        if i % 500 == 0:
            if i: f.write('</Folder>\n')
            f.write(f'<Folder><name>Folder {i // 500}</name>\n')
        x, y = rng.uniform(102.5, 107.4), rng.uniform(10.6, 14.5)
        f.write(f'<Placemark id="p{i}"><name>Site {i}</name>'
                f'<description><![CDATA[Seen <b>{rng.randint(1, 99)}</b> times<br>source {i % 7}]]></description>'
                f'<ExtendedData><Data name="status"><value>{rng.choice(["suspected", "raided", "closed"])}</value></Data>'
                f'<Data name="detained"><value>{rng.randint(0, 900)}</value></Data></ExtendedData>')
        if i % 4:
            f.write(f'<Point><coordinates>{x:.6f},{y:.6f},0</coordinates></Point>')
        else:
            d = 0.001
            ring = [(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)]
            coords = ' '.join(f'{a:.6f},{b:.6f},0' for a, b in ring)
            f.write(f'<Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon>')
        f.write('</Placemark>\n')
    f.write('</Folder>\n</Document>\n</kml>\n')
PY
  fi
  size=$(du -m "$file" | cut -f1)
  echo "== $n placemarks, $size MB"
  for run in $(seq "$RUNS"); do
    /usr/bin/time -f "raidmap info          %e s  %M KB" "$raidmap" info "$file" >/dev/null
    /usr/bin/time -f "ogrinfo -ro -al -so   %e s  %M KB" ogrinfo -ro -al -so "$file" >/dev/null
    rm -f "$work/out.geojson"
    /usr/bin/time -o "$work/time" -f "ogr2ogr -f GeoJSON    %e s  %M KB (folders appended as one layer)" \
      ogr2ogr -q -f GeoJSON -append -nln all "$work/out.geojson" "$file" 2>/dev/null
    cat "$work/time"
  done
done
