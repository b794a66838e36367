#!/usr/bin/env bash
# Reproduce the million-point figures in BENCHMARKS.md:
#   1. generate a GeoJSON file of 1,000,000 points with three properties each (about 168 MB;
#      deterministic: Python's random with seed 2026; 70 % around 40 towns, the rest spread
#      over Cambodia),
#   2. time GDAL's `ogrinfo -ro -al -so` and `raidmap info` on it, alternately, RUNS times each,
#      in the same run (wall clock and peak resident memory from /usr/bin/time),
#   3. run `raidmap --bench-frames 600` with the file and without (the bundled sample), and print
#      both JSON lines; the difference of their resident memory at the end (VmRSS) is what
#      loading the file added.
#
# Usage: benches/million_points.sh [WORKDIR]   (default: a temporary folder, removed at the end)
# Needs: python3, gdal-bin (ogrinfo), GNU time (/usr/bin/time); builds raidmap in release mode.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
work=${1:-}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
file="$work/million.geojson"

command -v ogrinfo >/dev/null || { echo "ogrinfo missing: apt-get install gdal-bin" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 2; }
cargo build --release --quiet
raidmap=target/release/raidmap

if [ ! -s "$file" ]; then
  python3 - "$file" <<'EOF'
import random, sys
n, out = 1_000_000, sys.argv[1]
rng = random.Random(2026)
kinds = ["building", "compound", "dormitory", "office", "shop", "casino", "hotel", "warehouse"]
towns = [(random.Random(t).uniform(102.5, 107.4), random.Random(t + 100).uniform(10.6, 14.5))
         for t in range(40)]
with open(out, "w") as f:
    f.write('{"type": "FeatureCollection",\n "features": [\n  ')
    for i in range(n):
        if rng.random() < 0.7:
            cx, cy = towns[i % 40]
            x, y = rng.gauss(cx, 0.08), rng.gauss(cy, 0.08)
        else:
            x, y = rng.uniform(102.34, 107.6), rng.uniform(10.4, 14.7)
        if i:
            f.write(',\n  ')
        f.write('{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},'
                '"properties":{"name":"Place %07d of the survey","kind":"%s","floors":%d}}'
                % (x, y, i, kinds[i % 8], 1 + i % 30))
    f.write('\n ]\n}\n')
EOF
fi
size=$(stat -c %s "$file")
echo "file: $file, $size bytes ($(( size / 1000000 )) MB)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ogrinfo: $(ogrinfo --version)"

# One timed run: prints "WALL_S CPU_S MAX_RSS_KB" (CPU = user + system).
timed() {
  /usr/bin/time -f '%e %U %S %M' "$@" 2>&1 >/dev/null | tail -1 |
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
}

echo
echo "run | ogrinfo wall s | ogrinfo CPU s | ogrinfo peak MB | info wall s | info CPU s | info peak MB | wall ratio | CPU ratio"
for run in $(seq 1 "$RUNS"); do
  read -r o_s o_cpu o_kb < <(timed ogrinfo -ro -al -so "$file")
  read -r r_s r_cpu r_kb < <(timed "$raidmap" info "$file")
  ratios=$(python3 -c "print(f'{$r_s / $o_s:.3f} | {$r_cpu / $o_cpu:.3f}')")
  echo "$run | $o_s | $o_cpu | $(( o_kb / 1000 )) | $r_s | $r_cpu | $(( r_kb / 1000 )) | $ratios"
done

echo
echo "--bench-frames 600 with the file (stdout line, then the stderr line with the split and memory):"
"$raidmap" --bench-frames 600 "$file"
echo "--bench-frames 600 without it (the bundled sample data):"
"$raidmap" --bench-frames 600
