#!/usr/bin/env bash
# Reproduce the building-footprint figures in BENCHMARKS.md (issue 12):
#   1. generate one GeoJSON file of 300,000 building-sized polygons (rectangles of 8–40 m,
#      rotated, 70 % around 40 towns) plus 30,000 road lines (3–25 vertices), properties
#      `name`, `kind`, `levels`, `surveyed` (a date in 2024–2025) on buildings and `name`,
#      `highway` on roads (deterministic: Python's random with seed 2027; about 100 MB),
#   2. a project that shows the same file styled by `kind`, labelled by `name`, with a
#      timeline window (2025-03-01 to 2025-08-31),
#   3. run `raidmap --bench-frames 600` with the file, with the project, and without either (the
#      bundled sample, for the memory baseline), and print the JSON lines; the difference of
#      their resident memory at the end (VmRSS) is what loading the file added.
#
# Usage: benches/buildings.sh [WORKDIR]   (default: a temporary folder, removed at the end)
# Needs: python3; builds raidmap in release mode. FRAMES=600 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
FRAMES=${FRAMES:-600}
work=${1:-}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
file="$work/buildings.geojson"
project="$work/buildings.raidmap"

cargo build --release --quiet
raidmap=$PWD/target/release/raidmap

if [ ! -s "$file" ]; then
  python3 - "$file" <<'EOF'
import math, random, sys
out = sys.argv[1]
rng = random.Random(2027)
kinds = ["house", "dormitory", "office", "casino", "hotel", "warehouse"]
highways = ["primary", "secondary", "tertiary", "residential", "track"]
towns = [(random.Random(t).uniform(102.5, 107.4), random.Random(t + 100).uniform(10.6, 14.5))
         for t in range(40)]
M_PER_DEG = 111_320.0

def building(i):
    if rng.random() < 0.7:
        cx, cy = towns[i % 40]
        x, y = rng.gauss(cx, 0.05), rng.gauss(cy, 0.05)
    else:
        x, y = rng.uniform(102.34, 107.6), rng.uniform(10.4, 14.7)
    w, h = rng.uniform(8, 40), rng.uniform(8, 30)
    a = rng.uniform(0, math.pi)
    kx = 1 / (M_PER_DEG * math.cos(math.radians(y)))
    ring = []
    for dx, dy in ((-w, -h), (w, -h), (w, h), (-w, h)):
        ex = (dx * math.cos(a) - dy * math.sin(a)) / 2
        ey = (dx * math.sin(a) + dy * math.cos(a)) / 2
        ring.append((x + ex * kx, y + ey / M_PER_DEG))
    ring.append(ring[0])
    coords = ",".join("[%.7f,%.7f]" % p for p in ring)
    month = 1 + i % 24
    date = "%04d-%02d-%02d" % (2024 + (month - 1) // 12, 1 + (month - 1) % 12, 1 + i % 28)
    return ('{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[%s]]},'
            '"properties":{"name":"Building %06d","kind":"%s","levels":%d,"surveyed":"%s"}}'
            % (coords, i, kinds[i % 6], 1 + i % 9, date))

def road(i):
    cx, cy = towns[i % 40]
    x, y = rng.gauss(cx, 0.08), rng.gauss(cy, 0.08)
    heading = rng.uniform(0, 2 * math.pi)
    pts = [(x, y)]
    for _ in range(rng.randint(2, 24)):
        heading += rng.gauss(0, 0.3)
        step = rng.uniform(100, 500) / M_PER_DEG
        x += step * math.cos(heading)
        y += step * math.sin(heading)
        pts.append((x, y))
    coords = ",".join("[%.7f,%.7f]" % p for p in pts)
    return ('{"type":"Feature","geometry":{"type":"LineString","coordinates":[%s]},'
            '"properties":{"name":"Road %05d","highway":"%s"}}'
            % (coords, i, highways[i % 5]))

with open(out, "w") as f:
    f.write('{"type": "FeatureCollection",\n "features": [\n  ')
    first = True
    for i in range(300_000):
        f.write(("" if first else ",\n  ") + building(i))
        first = False
    for i in range(30_000):
        f.write(",\n  " + road(i))
    f.write('\n ]\n}\n')
EOF
fi
cat > "$project" <<EOF
{
  "raidmap_project": 1,
  "layers": [
    {
      "name": "buildings.geojson",
      "kind": "data",
      "source": "$file",
      "visible": true,
      "style": {
        "categories": {
          "property": "kind",
          "classes": [
            {"value": "house", "color": "#8c8c8c"},
            {"value": "dormitory", "color": "#d62728"},
            {"value": "office", "color": "#1f77b4"},
            {"value": "casino", "color": "#800026"},
            {"value": "hotel", "color": "#ff9800"},
            {"value": "warehouse", "color": "#2ca02c"}
          ],
          "other": "#969696"
        },
        "label": "name",
        "title": "Buildings by kind"
      }
    }
  ],
  "time_window": {"from": "2025-03-01", "to": "2025-08-31"}
}
EOF
size=$(stat -c %s "$file")
echo "file: $file, $size bytes ($(( size / 1000000 )) MB)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "--bench-frames $FRAMES with the file (stdout line, then the stderr line with the split and memory):"
"$raidmap" --bench-frames "$FRAMES" "$file"
echo "--bench-frames $FRAMES with the project (styled by kind, labelled, time window set):"
"$raidmap" --bench-frames "$FRAMES" "$project"
echo "--bench-frames $FRAMES without either (the bundled sample data):"
"$raidmap" --bench-frames "$FRAMES"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
