#!/usr/bin/env bash
# Throughput of an X12 837P scrub against a CSV extract's, per uncompressed input byte (issue 6:
# the X12 path at least half the CSV path's, measured in the same run).
#
#   Benchmarks/compare-claims.sh [X12_LINES [CSV_LINES]]   default 5,000,000 and 5,600,000 lines
#                                                          (about 1 GB uncompressed each)
#   RUNS=5 Benchmarks/compare-claims.sh                    alternations (default 3); best of each kept
#   CLAIM_SCRUB_BIN=path/to/claim-scrub                    a binary built elsewhere (no build here)
#   BENCH_DATA=/tmp/bench                                  inputs kept there instead of bench-data/
#
# Both inputs are generated once (zstd) under bench-data/ and reused. Each alternation scrubs the
# X12 file then the CSV file, with default outputs and with --level none, back to back, so a busy
# machine slows both alike; wall and user+sys CPU seconds are reported, the best run of each.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/common.sh   # tool checks; BIN, the claim-scrub timed
DATA=${BENCH_DATA:-bench-data}   # where the inputs are generated and kept
mkdir -p "$DATA"
WORKERS=${WORKERS:-2}
RUNS=${RUNS:-3}
X12_LINES=${1:-5000000}
CSV_LINES=${2:-5600000}
X12="$DATA/claims-$X12_LINES.x12.zst"
CSV="$DATA/extract-$CSV_LINES.csv.zst"
[ -s "$X12" ] || { echo "generating $X12 (once)..." >&2; "$BIN" generate --format x12 --lines "$X12_LINES" --seed 1 --out "$X12" >&2; }
[ -s "$CSV" ] || { echo "generating $CSV (once)..." >&2; "$BIN" generate --lines "$CSV_LINES" --seed 1 --out "$CSV" >&2; }
X12_BYTES=$(zstd -dc "$X12" | wc -c)
CSV_BYTES=$(zstd -dc "$CSV" | wc -c)

# measure NAME INPUT [FLAGS...]: one scrub; prints NAME wall cpu rss (seconds, seconds, KiB).
measure() {
    local name=$1 input=$2; shift 2
    local out="$DATA/out-claims" log; log=$(mktemp)
    rm -rf "$out"
    # Exit status 1 is a failing gate (generated inputs carry defects), not a failed run.
    /usr/bin/time -f "%e %U %S %M" -o "$log" "$BIN" scrub "$input" --workers "$WORKERS" --out "$out" \
        --as-of 2026-06-30 --quiet --tables default --tables data/demo-tables "$@" || [ $? -eq 1 ]
    local wall user sys rss
    read -r wall user sys rss < <(tail -n 1 "$log"); rm -f "$log"
    rm -rf "$out"
    echo "$name $wall $(awk "BEGIN { print $user + $sys }") $rss"
}

results=()
for run in $(seq "$RUNS"); do
    echo "run $run of $RUNS..." >&2
    results+=("$(measure x12 "$X12")" "$(measure csv "$CSV")")
    results+=("$(measure x12_level_none "$X12" --level none)" "$(measure csv_level_none "$CSV" --level none)")
done

python3 - "$X12_BYTES" "$CSV_BYTES" "${results[@]}" <<'PY'
import sys
sizes = {"x12": int(sys.argv[1]), "csv": int(sys.argv[2])}
best = {}
for item in sys.argv[3:]:
    name, wall, cpu, rss = item.split()
    wall, cpu, rss = float(wall), float(cpu), int(rss)
    b = best.setdefault(name, [wall, cpu, rss])
    b[0], b[1], b[2] = min(b[0], wall), min(b[1], cpu), max(b[2], rss)
print(f"X12 {sizes['x12']/1e6:,.0f} MB, CSV {sizes['csv']/1e6:,.0f} MB uncompressed; best of each")
print(f"{'command':<16}{'wall s':>8}{'cpu s':>8}{'MB/s wall':>11}{'MB/s cpu':>10}{'peak RSS MiB':>14}")
for name, (wall, cpu, rss) in best.items():
    size = sizes[name.split("_")[0]] / 1e6
    print(f"{name:<16}{wall:>8.2f}{cpu:>8.2f}{size/wall:>11.0f}{size/cpu:>10.0f}{rss/1024:>14.0f}")
for suffix in ["", "_level_none"]:
    x, c = best["x12" + suffix], best["csv" + suffix]
    wall = (sizes["x12"] / x[0]) / (sizes["csv"] / c[0])
    cpu = (sizes["x12"] / x[1]) / (sizes["csv"] / c[1])
    label = "X12 / CSV MB/s" + (" --level none" if suffix else "")
    print(f"{label:<28} = {wall:.2f} wall, {cpu:.2f} cpu  (target >= 0.5)")
PY
