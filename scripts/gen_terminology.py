#!/usr/bin/env python3
"""Generate Vigie's embedded terminology tables (assets/terminology/*.tsv).

The sources are ANS value sets and code systems (IHE SVS XML, compact FHIR JSON), the UCUM
table of the ANS terminology schematron and a hand-compiled OID reference; they live outside
the repository (see their SOURCES.md). This script is the one place that knows their formats:
it reduces each to a small, sorted, deterministic TSV that `src/terminology` embeds with
`include_str!`.

Table format (UTF-8, `\\n` line endings):
    # <source file(s) and their version>        -- exactly one comment line, first
    codeSystem<TAB>code<TAB>label               -- value sets (they may mix code systems)
    code<TAB>label                              -- code systems, UCUM units, OIDs

Rows are sorted by (codeSystem, code) or by code. A field never holds a tab or a newline;
the script fails rather than write one.

Usage:
    python3 scripts/gen_terminology.py [--source DIR]          # (re)write the tables
    python3 scripts/gen_terminology.py --check [--source DIR]  # exit 1 if they are stale
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
import xml.etree.ElementTree as ET
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT / ".." / "shared" / "corpus" / "terminology"
OUTPUT_DIR = REPO_ROOT / "assets" / "terminology"

SVS_NS = {"svs": "urn:ihe:iti:svs:2008"}
SVS_PREFIX = "TestContenuCDA-3-0__jeuxDeValeurs__"
LOINC_OID = "2.16.840.1.113883.6.1"
FHIR_SYSTEM_OIDS = {"http://loinc.org": LOINC_OID}

# Value sets read from IHE SVS files: output table -> source file (without SVS_PREFIX).
SVS_TABLES = {
    "author-specialties.tsv": "JDV_J01_XdsAuthorSpecialty_CISIS.xml",
    "facility-types.tsv": "JDV_J02_XdsHealthcareFacilityTypeCode_CISIS.xml",
    "practice-settings.tsv": "JDV_J04_XdsPracticeSettingCode_CISIS.xml",
    "confidentiality.tsv": "JDV_J08_XdsConfidentialityCode_CISIS.xml",
    "patient-relations.tsv": "JDV_J11_RelationPatient_CISIS.xml",
    "administrative-genders.tsv": "JDV_J143_AdministrativeGender_CISIS.xml",
    "civilities.tsv": "JDV_J245_Civilite_CISIS.xml",
    "titles.tsv": "JDV_J246_Titre_CISIS.xml",
    "professions-non-ps.tsv": "JDV_J48_ProfessionNonPS_CISIS.xml",
    "interpretations.tsv": "JDV_HL7_ObservationInterpretation_CISIS.xml",
    "media-types.tsv": "JDV_MediaType_ObservationMedia_CISIS.xml",
}
J07_FILE = SVS_PREFIX + "JDV_J07_XdsTypeCode_CISIS.xml"
J07_DELTA_FILE = "JDV-J07-XdsTypeCode-CISIS.delta-2024-to-2026.json"
J06_FILE = "IG-NOS__ig__allNos2__ValueSet-JDV-J06-XdsClassCode-CISIS.compact.json"
G15_FILE = "IG-NOS__ig__allNos2__CodeSystem-TRE-G15-ProfessionSante.compact.json"
R38_FILE = "IG-NOS__ig__allNos2__CodeSystem-TRE-R38-SpecialiteOrdinale.compact.json"
UCUM_FILE = (
    "TestContenuCDA-3-0__schematrons__profils__terminologies__terminologie__"
    "2.16.840.1.113883.6.8_UCUM.xml"
)
TERMINOLOGIES_FILE = (
    "TestContenuCDA-3-0__schematrons__profils__terminologies__terminologie__Terminologies.txt"
)
OIDS_FILE = "oids-fr-cda-reference.json"


class SourceError(Exception):
    """A source file is missing or does not have the shape this script expects."""


def clean(value: str | None, what: str) -> str:
    """A field as written in the source, refusing what would break the TSV format."""
    if value is None or value == "":
        raise SourceError(f"empty {what}")
    if "\t" in value or "\n" in value or "\r" in value:
        raise SourceError(f"{what} {value!r} holds a tab or a line break")
    return value


def render(header: str, rows: list[tuple[str, ...]]) -> str:
    """One table: its comment line, then its rows sorted and unique by key."""
    duplicates = sorted(key for key, n in Counter(row[:-1] for row in rows).items() if n > 1)
    if duplicates:
        raise SourceError(f"duplicate keys in table ({header}): {duplicates}")
    lines = [f"# {header}"] + ["\t".join(row) for row in sorted(rows)]
    return "\n".join(lines) + "\n"


def read_svs(path: Path) -> tuple[ET.Element, list[tuple[str, str, str]]]:
    """An IHE SVS RetrieveValueSetResponse: its ValueSet element and (system, code, label) rows."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        raise SourceError(f"{path.name}: {error}") from error
    value_set = root.find("svs:ValueSet", SVS_NS)
    if value_set is None:
        raise SourceError(f"{path.name}: no svs:ValueSet element")
    rows = [
        (
            clean(concept.get("codeSystem"), f"{path.name} codeSystem"),
            clean(concept.get("code"), f"{path.name} code"),
            clean(concept.get("displayName"), f"{path.name} displayName"),
        )
        for concept in value_set.iterfind("svs:ConceptList/svs:Concept", SVS_NS)
    ]
    if not rows:
        raise SourceError(f"{path.name}: no concepts")
    return value_set, rows


def svs_header(path: Path, value_set: ET.Element) -> str:
    return (
        f"{path.name} (JDV {value_set.get('id')}, revisionDate {value_set.get('revisionDate')})"
    )


def read_json(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as file:
            return json.load(file)
    except (OSError, json.JSONDecodeError) as error:
        raise SourceError(f"{path.name}: {error}") from error


def svs_table(source: Path, file_name: str) -> str:
    path = source / (SVS_PREFIX + file_name)
    value_set, rows = read_svs(path)
    return render(svs_header(path, value_set), rows)


def document_types(source: Path) -> str:
    """JDV_J07 as published in SVS (2024), plus the codes the 2026 FHIR version added."""
    path = source / J07_FILE
    value_set, rows = read_svs(path)
    delta = read_json(source / J07_DELTA_FILE)
    for concept in delta.get("added_in_2026", []):
        system = concept.get("system")
        if system not in FHIR_SYSTEM_OIDS:
            raise SourceError(f"{J07_DELTA_FILE}: no OID known for system {system!r}")
        rows.append(
            (
                FHIR_SYSTEM_OIDS[system],
                clean(concept.get("code"), f"{J07_DELTA_FILE} code"),
                clean(concept.get("display"), f"{J07_DELTA_FILE} display"),
            )
        )
    if delta.get("absent_from_2026"):
        raise SourceError(f"{J07_DELTA_FILE}: removals are not handled yet")
    header = f"{svs_header(path, value_set)} + {J07_DELTA_FILE} (codes added in version 20260629120000)"
    return render(header, rows)


def document_classes(source: Path) -> str:
    """JDV_J06 from its compact FHIR ValueSet. Only includes with a known OID are kept: the
    second include (TRE_A10 NomenclatureURN, `urn:oid:…` digital-signature code) is an XDS
    metadata artefact that never appears as a CDA code and has no OID in the source."""
    data = read_json(source / J06_FILE)
    rows = []
    for include in data.get("compose", {}).get("include", []):
        oid = include.get("_oid")
        if oid is None:
            continue
        for concept in include.get("concept", []):
            rows.append(
                (
                    clean(oid, f"{J06_FILE} _oid"),
                    clean(concept.get("code"), f"{J06_FILE} code"),
                    clean(concept.get("display"), f"{J06_FILE} display"),
                )
            )
    if not rows:
        raise SourceError(f"{J06_FILE}: no concepts with an OID")
    header = f"{J06_FILE} ({data.get('name')}, {fhir_oid(data)}, date {data.get('date')})"
    return render(header, rows)


def fhir_oid(data: dict) -> str:
    for identifier in data.get("identifier", []):
        value = identifier.get("value", "")
        if value.startswith("urn:oid:"):
            return value.removeprefix("urn:oid:")
    raise SourceError(f"{data.get('id')}: no urn:oid identifier")


def code_system_table(source: Path, file_name: str) -> str:
    """A compact FHIR CodeSystem (TRE_G15, TRE_R38): code and display."""
    data = read_json(source / file_name)
    rows = [
        (
            clean(concept.get("code"), f"{file_name} code"),
            clean(concept.get("display"), f"{file_name} display"),
        )
        for concept in data.get("concept", [])
    ]
    if not rows:
        raise SourceError(f"{file_name}: no concepts")
    header = f"{file_name} ({data.get('name')}, OID {fhir_oid(data)}, date {data.get('date')})"
    return render(header, rows)


def ucum_units(source: Path) -> str:
    """UCUM code -> English name. The source pads some codes and names with spaces (`g/kg `,
    `per 10 billion  `): a unit code never holds a space and a name reads better without the
    padding, so both are trimmed and runs of spaces collapsed. Rows without a name (`%`) are
    dropped: there is nothing to show."""
    path = source / UCUM_FILE
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        raise SourceError(f"{path.name}: {error}") from error
    rows = []
    for row in root.iterfind("row"):
        code = (row.findtext("code") or "").strip()
        name = " ".join((row.findtext("name") or "").split())
        if code and name:
            rows.append((clean(code, "UCUM code"), clean(name, f"UCUM name of {code}")))
    if not rows:
        raise SourceError(f"{path.name}: no rows")
    return render(f"{path.name} (code and name columns only)", rows)


def oids(source: Path) -> str:
    """OID -> short name, from the hand-compiled reference and the terminology schematron's
    list. The reference wins where both name an OID. Names are cut before their explanation,
    which starts at the first ` (`, `: ` or ` - ` (`INS-NIA (identifiant d'attente)` -> `INS-NIA`,
    `IHE XDS-SD (CDA R2 level 1, nonXMLBody) - replaces…` -> `IHE XDS-SD`); placeholder entries
    that are not OIDs are skipped."""
    reference = read_json(source / OIDS_FILE)
    names: dict[str, str] = {}

    def add(oid: str, name: str) -> None:
        if oid and oid[0].isdigit() and oid not in names:
            short = re.split(r" \(|: | - ", name, maxsplit=1)[0].strip()
            names[clean(oid, "OID")] = clean(short, f"name of {oid}")

    for entry in reference.get("patient_identifiers", []):
        add(entry.get("oid", ""), entry.get("label", ""))
    for entry in reference.get("professional_and_org_identifiers", []):
        add(entry.get("oid", ""), entry.get("label", ""))
    for section in ("code_systems", "templates"):
        for entry in reference.get(section, []):
            add(entry.get("oid", ""), entry.get("name", ""))

    path = source / TERMINOLOGIES_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise SourceError(f"{path.name}: {error}") from error
    for line in lines:
        if "==>" in line:
            oid, name = (part.strip() for part in line.split("==>", 1))
            add(oid, name)
    return render(f"{OIDS_FILE} + {TERMINOLOGIES_FILE}", list(names.items()))


def generate(source: Path) -> dict[str, str]:
    """Every table, by file name, as it should be on disk."""
    tables = {name: svs_table(source, file_name) for name, file_name in SVS_TABLES.items()}
    tables["document-types.tsv"] = document_types(source)
    tables["document-classes.tsv"] = document_classes(source)
    tables["professions.tsv"] = code_system_table(source, G15_FILE)
    tables["specialites-ordinales.tsv"] = code_system_table(source, R38_FILE)
    tables["ucum-units.tsv"] = ucum_units(source)
    tables["oids.tsv"] = oids(source)
    return dict(sorted(tables.items()))


def check(tables: dict[str, str]) -> int:
    """Compare the committed tables with freshly generated ones; report each difference."""
    problems = []
    for name, text in tables.items():
        path = OUTPUT_DIR / name
        if not path.exists():
            problems.append(f"{name}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{name}: differs from its sources")
    if OUTPUT_DIR.is_dir():
        for path in sorted(OUTPUT_DIR.glob("*.tsv")):
            if path.name not in tables:
                problems.append(f"{path.name}: not generated by this script (stale?)")
    if problems:
        print("assets/terminology is out of date:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        print("run `python3 scripts/gen_terminology.py` and commit the result", file=sys.stderr)
        return 1
    print(f"assets/terminology: {len(tables)} tables up to date")
    return 0


def write(tables: dict[str, str]) -> None:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (OUTPUT_DIR / name).write_bytes(text.encode("utf-8"))
    total = sum(len(text.encode("utf-8")) for text in tables.values())
    for name, text in tables.items():
        print(f"{name:28} {text.count(chr(10)) - 1:5} rows")
    print(f"{len(tables)} tables, {total} bytes in {OUTPUT_DIR.relative_to(REPO_ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="directory holding the terminology sources (default: ../shared/corpus/terminology)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the committed tables differ from the sources",
    )
    args = parser.parse_args()
    if not args.source.is_dir():
        print(f"terminology sources not found: {args.source} (use --source DIR)", file=sys.stderr)
        return 2
    try:
        tables = generate(args.source)
    except SourceError as error:
        print(f"cannot generate the terminology tables: {error}", file=sys.stderr)
        return 2
    if args.check:
        return check(tables)
    write(tables)
    return 0


if __name__ == "__main__":
    sys.exit(main())
