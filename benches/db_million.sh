#!/usr/bin/env bash
# Opening a PostGIS table of 1,000,000 points, against the same data from a GeoJSON file and
# against GDAL's ogr2ogr from the same table (figures in BENCHMARKS.md):
#   1. generate the file of benches/million_points.sh (1,000,000 points, three properties; the
#      same deterministic generator) unless WORKDIR has it,
#   2. load it into a table of the test server with `raidmap export FILE -o ADDR` (timed once),
#   3. time, alternately, RUNS times each: `raidmap info FILE`, `raidmap info ADDR` (reads the
#      whole table and checks every feature, as opening it in the window does), and
#      `ogr2ogr -f GeoJSON /dev/stdout PG:… TABLE` (wall clock, CPU, peak resident memory from
#      /usr/bin/time; the server's own CPU is not in raidmap's or ogr2ogr's figures).
#
# Usage: source .ci/postgres.sh; benches/db_million.sh [WORKDIR]
# Needs: the test server (RAIDMAP_TEST_PG...), python3, gdal-bin, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
: "${RAIDMAP_TEST_PG:?start the test server first: source .ci/postgres.sh}"
work=${1:-}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
file="$work/million.geojson"
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 2; }
cargo build --release --quiet
raidmap=target/release/raidmap

if [ ! -s "$file" ]; then
  # The generator of million_points.sh, run alone.
  sed -n "/^  python3 - \"\$file\" <<'EOF'$/,/^EOF$/p" benches/million_points.sh |
    sed '1d;$d' | python3 - "$file"
fi
export PGPASSWORD="$RAIDMAP_TEST_PGPASSWORD"
table="million_$$"
address="$RAIDMAP_TEST_PG?sslmode=verify-full&sslrootcert=$RAIDMAP_TEST_PG_CA&table=$table"
port=${RAIDMAP_TEST_PG##*:}; port=${port%%/*}
pg="PG:host=127.0.0.1 port=$port dbname=raidmap user=raidmap sslmode=verify-full sslrootcert=$RAIDMAP_TEST_PG_CA"

echo "file: $file, $(stat -c %s "$file") bytes"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: $(psql "host=127.0.0.1 port=$port dbname=raidmap user=raidmap sslmode=require" -Atc 'SELECT version()' | cut -d, -f1)"
timed() {
  /usr/bin/time -f '%e %U %S %M' "$@" 2>&1 >/dev/null | tail -1 |
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
}
read -r e_s e_cpu e_kb < <(timed "$raidmap" export "$file" -o "$address")
echo "export FILE -o ADDR (create the table, one transaction): ${e_s} s wall, ${e_cpu} s CPU, $(( e_kb / 1000 )) MB peak"
psql "host=127.0.0.1 port=$port dbname=raidmap user=raidmap sslmode=require" -qc "ANALYZE $table"

echo
echo "run | file wall s | file CPU s | file peak MB | table wall s | table CPU s | table peak MB | ogr2ogr wall s | ogr2ogr CPU s | ogr2ogr peak MB"
for run in $(seq 1 "$RUNS"); do
  read -r f_s f_cpu f_kb < <(timed "$raidmap" info "$file")
  read -r t_s t_cpu t_kb < <(timed "$raidmap" info "$address")
  read -r o_s o_cpu o_kb < <(timed ogr2ogr -f GeoJSON /dev/stdout "$pg" "$table")
  echo "$run | $f_s | $f_cpu | $(( f_kb / 1000 )) | $t_s | $t_cpu | $(( t_kb / 1000 )) | $o_s | $o_cpu | $(( o_kb / 1000 ))"
done
psql "host=127.0.0.1 port=$port dbname=raidmap user=raidmap sslmode=require" -qc "DROP TABLE $table"
