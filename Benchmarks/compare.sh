#!/usr/bin/env bash
# Side-by-side timing of a scrub against the floor of moving the same bytes with zstd.
#
#   Benchmarks/compare.sh [LINES]          default 10,000,000 lines (about 1.8 GB of CSV)
#   Benchmarks/compare.sh --scale          10M vs 50M lines: wall time and peak RSS
#   extra scrub flags: SCRUB_FLAGS="--memory-limit 128MiB" Benchmarks/compare.sh
#   an earlier build side by side: BASELINE_BIN=/path/to/old/claim-scrub Benchmarks/compare.sh
#   each command N times, the fastest run kept: REPEAT=3 Benchmarks/compare.sh
#   (--second-pass spool|decompress picks how pass 2 re-reads a compressed input)
#
# Besides the targets' two references it times the two-pass floor: decompressing the input once
# and then running the pipeline (or, for --level none, decompressing twice, the second time to a
# file), which is the byte moving the documented two-pass design does before any checking, and
# the CPU budget each target leaves for the scrub's own work once zstd has had its share.
#
# The extract is generated once (zstd level 3) under bench-data/ and reused. Every command runs in
# this one invocation, so the ratios compare like with like on a noisy machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/common.sh   # tool checks; BIN, the claim-scrub timed
DATA=bench-data
mkdir -p "$DATA"
WORKERS=${WORKERS:-2}
TABLES=(--tables default --tables data/demo-tables)

extract() {
    local lines=$1 file="$DATA/extract-$1.csv.zst"
    if [ ! -s "$file" ]; then
        echo "generating $lines lines into $file (once)..." >&2
        "$BIN" generate --lines "$lines" --seed 1 --out "$file" >&2
    fi
    echo "$file"
}

# measure NAME COMMAND...: wall seconds, peak RSS (KiB) and CPU seconds (user + system) of a shell
# command, via /usr/bin/time. CPU seconds vary less than wall time on a shared machine. With
# REPEAT=N the command runs N times and the run with the least wall time is reported: on a shared
# machine the slower runs measure the neighbours, not the command.
measure() {
    local name=$1; shift
    local log; log=$(mktemp)
    local best="" wall rss user system
    for _ in $(seq "${REPEAT:-1}"); do
        /usr/bin/time -f "%e %M %U %S" -o "$log" bash -c "$*" >/dev/null
        read -r wall rss user system < "$log"
        if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $wall < ${best%% *} else 1)"; then
            best="$wall $rss $(python3 -c "print(round($user + $system, 2))")"
        fi
    done
    rm -f "$log"
    echo "$name $best"
}

# phases OUT: pass 1, shard stage and pass 2 seconds of the scrub that wrote OUT, each as wall/CPU
# (CPU over wall is how many cores the phase kept busy; a build without cpu_seconds shows "-").
phases() {
    python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))['run']
w, c = r['seconds'], r.get('cpu_seconds', {})
print(' '.join(f'{k} {w.get(k, 0):.2f}/' + (f'{c[k]:.2f}' if k in c else '-') for k in ('pass1', 'encounters', 'pass2', 'total')))
" "$1/summary.json" 2>/dev/null || echo "(no summary)"
}

run_one() {
    local lines=$1 file; file=$(extract "$lines")
    local bytes; bytes=$(zstd -dc "$file" | wc -c)
    local out="$DATA/out"
    rm -rf "$out" "$DATA/pipe.zst"
    local results=()
    results+=("$(measure "zstd_dc" "zstd -dc '$file' > /dev/null")")
    results+=("$(measure "pipeline" "zstd -dc '$file' | zstd -q -1 -T2 > '$DATA/pipe.zst'")")
    # What any two-pass design moves before it checks a single line (ARCHITECTURE.md: pass 1 reads
    # the input, pass 2 reads it again and writes it out): the floor under the ratios below.
    results+=("$(measure "two_pass_floor" "zstd -dc '$file' > /dev/null; zstd -dc '$file' | zstd -q -1 -T2 > '$DATA/pipe.zst'")")
    results+=("$(measure "two_pass_floor_none" "zstd -dc '$file' > /dev/null; zstd -dc '$file' > '$DATA/plain.csv'")")
    # Removed at once: 1.8 GB of dirty pages written back during the next commands slowed them.
    rm -f "$DATA/plain.csv" "$DATA/pipe.zst"
    # Each scrub's phases (wall/CPU seconds from its summary.json, of its last run when REPEAT > 1),
    # to see which one a change moved.
    local phases=()
    results+=("$(measure "scrub" "$BIN scrub '$file' --workers $WORKERS --out '$out' --as-of 2026-06-30 --quiet ${TABLES[*]} ${SCRUB_FLAGS:-}; test \$? -le 1")")
    phases+=("scrub $(phases "$out")")
    results+=("$(measure "scrub_level_none" "$BIN scrub '$file' --workers $WORKERS --level none --out '$out' --as-of 2026-06-30 --quiet ${TABLES[*]} ${SCRUB_FLAGS:-}; test \$? -le 1")")
    phases+=("scrub_level_none $(phases "$out")")
    if [ -n "${BASELINE_BIN:-}" ]; then
        results+=("$(measure "baseline_scrub" "$BASELINE_BIN scrub '$file' --workers $WORKERS --out '$out' --as-of 2026-06-30 --quiet ${TABLES[*]} ${SCRUB_FLAGS:-}; test \$? -le 1")")
        phases+=("baseline_scrub $(phases "$out")")
    fi
    for line in "${phases[@]}"; do echo "phases of $line"; done
    rm -rf "$out" "$DATA/pipe.zst" "$DATA/plain.csv"
    python3 - "$lines" "$bytes" "${results[@]}" <<'PY'
import os, sys
lines, size = int(sys.argv[1]), int(sys.argv[2])
rows = {}
for item in sys.argv[3:]:
    name, wall, rss, cpu = item.split()
    rows[name] = (float(wall), int(rss), float(cpu))
print(f"{lines:,} lines, {size/1e6:,.0f} MB uncompressed")
print(f"{'command':<18}{'wall s':>8}{'CPU s':>8}{'lines/s':>14}{'MB/s':>9}{'peak RSS MiB':>14}")
for name, (wall, rss, cpu) in rows.items():
    print(f"{name:<18}{wall:>8.2f}{cpu:>8.2f}{lines/wall:>14,.0f}{size/1e6/wall:>9.0f}{rss/1024:>14.0f}")
r1 = rows['scrub'][0] / rows['pipeline'][0]
r2 = rows['scrub_level_none'][0] / rows['zstd_dc'][0]
print(f"scrub / pipeline            = {r1:.2f}  (target <= 1.2)")
print(f"scrub --level none / zstd -dc = {r2:.2f}  (target <= 2.5)")
print(f"two-pass floor / pipeline   = {rows['two_pass_floor'][0] / rows['pipeline'][0]:.2f}, "
      f"with --level none / zstd -dc = {rows['two_pass_floor_none'][0] / rows['zstd_dc'][0]:.2f}")
print(f"scrub / two-pass floor      = {rows['scrub'][0] / rows['two_pass_floor'][0]:.2f}, "
      f"with --level none = {rows['scrub_level_none'][0] / rows['two_pass_floor_none'][0]:.2f}")
print(f"peak RSS scrub = {rows['scrub'][1]/1024:.0f} MiB  (target <= 512)")
# The CPU budget behind each ratio: what the cores can give in the target's wall time (an upper
# bound: every core busy all the time), less zstd's share of any two-pass scrub: decompressing the
# input twice (the zstd -dc row, twice) and, for compressed outputs, compressing them as this scrub
# did (its CPU less that of the --level none scrub; zstd -1 -T2 behind a pipe takes more). What is
# left is for the scrub's own work (parsing, line rules, shard stage, routing); what that work took
# is the --level none scrub's CPU less the two decompressions.
cores = int(os.environ.get("BUDGET_CORES") or os.cpu_count() or 1)
decompress = 2 * rows['zstd_dc'][2]
compress = max(rows['scrub'][2] - rows['scrub_level_none'][2], 0)
own = rows['scrub_level_none'][2] - decompress
for label, target, ref, zstd_cpu in (
    ("scrub", 1.2, rows['pipeline'][0], decompress + compress),
    ("--level none", 2.5, rows['zstd_dc'][0], decompress),
):
    available = cores * target * ref
    left = available - zstd_cpu
    verdict = f"{own / left:.2f}x that" if left > 0 else "nothing is left for it"
    print(f"CPU budget, {label}: {cores} cores x {target * ref:.2f} s = {available:.2f} CPU s, zstd's share "
          f"{zstd_cpu:.2f}, left {left:.2f} ({left / lines * 1e6:.2f} us a line); the scrub's own work "
          f"took {own:.2f} ({own / lines * 1e6:.2f} us a line, {verdict})")
if os.environ.get("SCALE_LOG"):
    with open(os.environ["SCALE_LOG"], "a") as log:
        log.write(f"{lines} {rows['scrub'][0]} {rows['scrub'][1]} {rows['scrub'][2]}\n")
if 'baseline_scrub' in rows:
    b = rows['baseline_scrub']
    print(f"scrub / baseline build      = {rows['scrub'][0] / b[0]:.2f} wall, {rows['scrub'][2] / b[2]:.2f} CPU")
PY
}

if [ "${1:-}" = "--scale" ]; then
    SCALE_LOG=$(mktemp)
    export SCALE_LOG
    for n in 10000000 50000000; do run_one "$n"; echo; done
    # The issue's scaling target: 5x the lines in at most 5.5x the wall time, peak RSS flat.
    python3 - "$SCALE_LOG" <<'PY'
import sys
(small, large) = [line.split() for line in open(sys.argv[1]) if line.strip()]
ratio = float(large[1]) / float(small[1])
print(f"scaling {int(small[0]):,} -> {int(large[0]):,} lines: scrub wall x{ratio:.2f} (target <= 5.5), "
      f"CPU x{float(large[3]) / float(small[3]):.2f}, peak RSS {int(small[2]) / 1024:.0f} -> {int(large[2]) / 1024:.0f} MiB")
PY
    rm -f "$SCALE_LOG"
else
    run_one "${1:-10000000}"
fi
