#!/usr/bin/env python3
"""Whole-process render time per corpus document: `vigie render FILE -o OUT` against
xsltproc + HL7 CDA.xsl (`../shared/corpus/oracle/hl7-render-times.tsv`, column total_s).

Usage: scripts/bench-render-process.py [--runs N] [--vigie target/release/vigie]
Prints the median per document (of N runs), the median over the corpus, and the ratio to the
oracle's median. See BENCHMARKS.md.
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
    parser.add_argument("--vigie", default=str(ROOT / "target/release/vigie"))
    args = parser.parse_args()

    oracle = {}
    with open(SHARED / "corpus/oracle/hl7-render-times.tsv", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            name = row["doc"]
            oracle[name] = float(row["total_s"])

    documents = sorted(p for p in (SHARED / "corpus/fr").iterdir() if p.suffix.lower() == ".xml")
    ours = {}
    with tempfile.TemporaryDirectory() as out:
        target = Path(out) / "page.html"
        for doc in documents:
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run([args.vigie, "render", str(doc), "-o", str(target)], check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times.append(time.perf_counter() - start)
            ours[doc.name[: -len(doc.suffix)]] = statistics.median(times)

    median_ours = statistics.median(ours.values())
    median_oracle = statistics.median(oracle.values()) if oracle else float("nan")
    ratios = [oracle[k] / v for k, v in ours.items() if k in oracle and v > 0]
    print(f"documents: {len(ours)}, runs each: {args.runs}")
    print(f"vigie render (whole process), median per document: {median_ours * 1000:.2f} ms")
    print(f"xsltproc + CDA.xsl (oracle total_s), median: {median_oracle * 1000:.1f} ms")
    print(f"ratio of medians: {median_oracle / median_ours:.1f}x; median of per-document ratios: "
          f"{statistics.median(ratios):.1f}x over {len(ratios)} matched documents")


if __name__ == "__main__":
    main()
