# Sourced by the benchmark scripts, from the package root: checks for the commands they time with
# and sets BIN, the claim-scrub they time (CLAIM_SCRUB_BIN, or a release build made here).
command -v zstd >/dev/null || { echo "needs the zstd command (apt-get install zstd)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

if [ -n "${CLAIM_SCRUB_BIN:-}" ]; then
    BIN=$CLAIM_SCRUB_BIN   # a binary built elsewhere (no build here)
else
    build_log=$(mktemp)
    swift build -c release --product claim-scrub >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 2; }
    rm -f "$build_log"
    BIN=.build/release/claim-scrub
fi
