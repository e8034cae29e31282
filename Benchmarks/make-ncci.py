#!/usr/bin/env python3
"""Writes NCCI PTP tables of a real quarter's size, in the official layout, for load benchmarks.

    Benchmarks/make-ncci.py DIR [ROWS_PER_SETTING]     default 2,000,000 rows per setting

The CMS files run to millions of rows per setting (practitioner and outpatient hospital, each cut
into parts f1..f4 by column-1 code). Their values are licensed and not in this project, so the
values written here are synthetic: pseudo-random code pairs from a fixed seed, sorted by column 1
then column 2 as the CMS files are, with their mix of pre-1996 rows, deleted edits and modifier
indicators; the codes `claim-scrub generate` bills are among them, so a scrub meets the pairs.
The layout is the official one (copyright line, title line, header wrapped over four lines, CRLF),
and the first line says the values are synthetic. Nothing here is loaded by default.
"""
import os
import random
import re
import sys

RATIONALES = [
    "Standards of medical / surgical practice",
    "Mutually exclusive procedures",
    "CPT Manual or CMS manual coding instructions",
    "Misuse of column two code with column one code",
    "More extensive procedure",
    "HCPCS/CPT procedure code definition",
    "Laboratory panel",
    "Anesthesia service included in surgical procedure",
]

PREAMBLE = [
    "SYNTHETIC BENCHMARK DATA - NOT CMS NCCI EDITS. Random values in the official NCCI PTP layout, "
    "for ClaimScrubber load benchmarks only; never use them to edit claims.",
    "Column1/Column2 Edits",
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale",
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t",
    "\t\t\t\t*=no data\t1=allowed\t",
    "\t\t\t\t\t9=not applicable\t",
]


def billed_codes():
    """The procedure codes `claim-scrub generate` bills: in the CMS tables every commonly billed
    code is in pairs, so look-ups during a scrub find rows as they would with the real files."""
    catalog = os.path.join(os.path.dirname(__file__), "..", "Sources", "ClaimScrubber", "Generator", "GeneratorCatalog.swift")
    try:
        return set(re.findall(r'code: "([0-9A-Z]{5})"', open(catalog).read()))
    except OSError:
        return set()


def codes(rng):
    """Codes of one column: CPT-shaped numbers, HCPCS Level II codes and the billed ones, sorted."""
    numeric = [f"{n:05d}" for n in rng.sample(range(100, 99500), 9000)]
    level2 = [f"{letter}{n:04d}" for letter in "AGJ" for n in rng.sample(range(0, 10000), 600)]
    return sorted(set(numeric + level2) | billed_codes())


def rows_for(rng, column1, partners, count):
    seen = set()
    while len(seen) < count:
        seen.add(rng.choice(partners))
    for column2 in sorted(seen):
        if column2 == column1:
            continue
        prior = rng.random() < 0.3
        effective = "19960101" if prior else f"{rng.randrange(1997, 2026)}{rng.randrange(1, 13):02d}01"
        deletion = "*"
        year = int(effective[:4]) + rng.randrange(1, 6)
        if rng.random() < 0.25 and year <= 2025:
            deletion = f"{year}{rng.randrange(1, 13):02d}01"
        indicator = rng.choices("019", weights=[20, 75, 5])[0]
        yield f"{column1}\t{column2}\t{'*' if prior else ''}\t{effective}\t{deletion}\t{indicator}\t{rng.choice(RATIONALES)}"


def write_setting(directory, prefix, total, rng):
    column1s = codes(rng)
    partners = codes(rng)
    per = max(1, total // len(column1s))
    parts = 4
    bounds = [len(column1s) * k // parts for k in range(parts + 1)]
    written = 0
    for part in range(parts):
        path = os.path.join(directory, f"{prefix}-v321r0-f{part + 1}.txt")
        with open(path, "w", newline="") as f:
            f.write("\r\n".join(PREAMBLE) + "\r\n")
            for column1 in column1s[bounds[part]:bounds[part + 1]]:
                count = max(1, min(len(partners) - 1, int(rng.expovariate(1 / per))))
                lines = list(rows_for(rng, column1, partners, count))
                written += len(lines)
                if lines:
                    f.write("\r\n".join(lines) + "\r\n")
    return written


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    directory = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000_000
    os.makedirs(directory, exist_ok=True)
    rng = random.Random(20260401)
    for prefix in ("ccipra", "ccioph"):
        n = write_setting(directory, prefix, total, rng)
        print(f"{prefix}: {n} rows in 4 parts", file=sys.stderr)


if __name__ == "__main__":
    main()
