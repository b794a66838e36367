#!/usr/bin/env bash
# The issue-19 speed target: a 60-frame 1280 × 800 GIF of the sample data (accumulating day by
# day from 2025-05-18 to 2025-07-16), and the same as animated WebP. Prints wall and CPU time.
# Run from the project folder after `cargo build --release`: bash benches/animate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${RAIDMAP:-target/release/raidmap}
[ -x "$bin" ] || bin=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/release/raidmap
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for ext in gif webp; do
  /usr/bin/time -f "$ext: %e s wall, %U s user, %S s system, %M kB max RSS" \
    "$bin" animate --out "$out/raids.$ext" --from 2025-05-18 --to 2025-07-16 --step 1d \
    --width 1280 --height 800 data/sample.raidmap
  ls -l "$out/raids.$ext" | awk '{print "  size: " $5 " bytes"}'
done
