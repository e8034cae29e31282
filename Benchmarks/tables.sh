#!/usr/bin/env bash
# What code tables of a real quarter's size cost a run: loading them, and a scrub with them.
#
#   Benchmarks/tables.sh [ROWS_PER_SETTING [LINES]]   default 2,000,000 PTP rows per setting
#                                                     (practitioner and outpatient hospital, four
#                                                     parts each) and a 2,000,000-line extract
#   CLAIM_SCRUB_BIN=path/to/claim-scrub               a binary built elsewhere (no build here)
#   BASELINE_BIN=path/to/older/claim-scrub            an earlier build timed alongside
#
# The CMS NCCI files are licensed and not shipped, so Benchmarks/make-ncci.py writes synthetic
# ones of that size in the official layout (once, under bench-data/ncci-ROWS/). Times `tables
# check` on the shipped tables and on those files, then the scrub of one extract with the demo
# tables and with the large ones: the difference is what a run pays for a quarter's edits.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/common.sh   # tool checks; BIN, the claim-scrub timed
ROWS=${1:-2000000}
LINES=${2:-2000000}
DATA=bench-data
NCCI="$DATA/ncci-$ROWS"
mkdir -p "$DATA"
if [ ! -s "$NCCI/ccioph-v321r0-f4.txt" ]; then
    echo "writing $ROWS synthetic PTP rows per setting into $NCCI (once)..." >&2
    python3 Benchmarks/make-ncci.py "$NCCI" "$ROWS"
fi
EXTRACT="$DATA/extract-$LINES.csv.zst"
if [ ! -s "$EXTRACT" ]; then
    echo "generating $LINES lines into $EXTRACT (once)..." >&2
    "$BIN" generate --lines "$LINES" --seed 1 --out "$EXTRACT" >&2
fi

# measure NAME COMMAND...: wall seconds, peak RSS (MiB) and CPU seconds (user + system).
measure() {
    local name=$1; shift
    local log; log=$(mktemp)
    /usr/bin/time -f "%e %M %U %S" -o "$log" bash -c "$*" >/dev/null 2>&1 || true
    read -r wall rss user system < "$log"; rm -f "$log"
    printf "%-40s %8.2f %8.2f %10.0f\n" "$name" "$wall" "$(python3 -c "print($user + $system)")" "$((rss / 1024))"
}

scrub() {   # scrub BIN TABLES_DIR
    echo "$1 scrub '$EXTRACT' --workers 2 --out '$DATA/tables-out' --as-of 2026-06-30 --quiet --fail-on never --tables default --tables '$2'"
}

printf "%-40s %8s %8s %10s\n" "command" "wall s" "CPU s" "peak MiB"
for bin in "$BIN" ${BASELINE_BIN:+"$BASELINE_BIN"}; do
    tag=$([ "$bin" = "$BIN" ] && echo "" || echo " (baseline)")
    measure "tables check data/tables$tag" "$bin tables check data/tables"
    measure "tables check NCCI ${ROWS}x2$tag" "$bin tables check '$NCCI'"
    measure "scrub, demo tables$tag" "$(scrub "$bin" data/demo-tables)"
    measure "scrub, NCCI ${ROWS}x2$tag" "$(scrub "$bin" "$NCCI")"
done
rm -rf "$DATA/tables-out"
