#!/usr/bin/env python3
"""Whole-process render time per corpus document: `vigie render FILE -o OUT` against
xsltproc + HL7 CDA.xsl (`../shared/corpus/oracle/hl7-render-times.tsv`, column total_s).

Usage: scripts/bench-render-process.py [--runs N] [--vigie BINARY]...
Prints the median per document (of N runs), the median over the corpus, and the ratio to the
oracle's median. With several --vigie, their runs alternate (document by document, run by
run), so that the machine's drift touches each the same: compare binaries this way only.
See BENCHMARKS.md.
"""
import argparse
import csv
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--vigie", action="append", help="default: target/release/vigie")
    args = parser.parse_args()
    binaries = args.vigie or [str(ROOT / "target/release/vigie")]

    oracle = {}
    with open(SHARED / "corpus/oracle/hl7-render-times.tsv", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            name = row["doc"]
            oracle[name] = float(row["total_s"])

    documents = sorted(p for p in (SHARED / "corpus/fr").iterdir() if p.suffix.lower() == ".xml")
    ours = {binary: {} for binary in binaries}
    with tempfile.TemporaryDirectory() as out:
        target = Path(out) / "page.html"
        for doc in documents:
            times = {binary: [] for binary in binaries}
            for _ in range(args.runs):
                for binary in binaries:
                    start = time.perf_counter()
                    subprocess.run([binary, "render", str(doc), "-o", str(target)], check=False,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    times[binary].append(time.perf_counter() - start)
            for binary in binaries:
                ours[binary][doc.name[: -len(doc.suffix)]] = statistics.median(times[binary])

    median_oracle = statistics.median(oracle.values()) if oracle else float("nan")
    print(f"documents: {len(documents)}, runs each: {args.runs}")
    print(f"xsltproc + CDA.xsl (oracle total_s), median: {median_oracle * 1000:.1f} ms")
    for binary in binaries:
        per_doc = ours[binary]
        median_ours = statistics.median(per_doc.values())
        ratios = [oracle[k] / v for k, v in per_doc.items() if k in oracle and v > 0]
        print(f"{binary}: render (whole process), median per document: {median_ours * 1000:.2f} ms; "
              f"ratio of medians: {median_oracle / median_ours:.1f}x; median of per-document "
              f"ratios: {statistics.median(ratios):.1f}x over {len(ratios)} matched documents")


if __name__ == "__main__":
    main()
