"""Benchmark the streamed importers: a synthetic epraccur-shaped file of 15,000 practices and ONSPD-shaped
files of 0.27 and 2.7 million postcodes, each imported in a child process that reports rows/s and peak
memory (ru_maxrss), so the two ONSPD sizes show whether memory stays flat as the file grows.

    python bench/bench_import.py                 # all sizes; writes the "Imports" section of bench/README.md
    python bench/bench_import.py --postcodes 270000 --no-readme

Everything is written to a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "server"))

ONSPD_HEADER = ("pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,"
                "nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,park,lsoa01,msoa01,ur01ind,oac01,"
                "oa11,lsoa11,msoa11,wz11,sicbl,bua11,buasd11,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,"
                "msoa21").split(",")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in inward codes


def synthetic_postcodes():
    """Unique, well-formed (not real) postcodes: AA1 1AA … in a fixed order."""
    letters = "ABCDEFGHIJKLMNOPRSTUWYZ"
    for a, b in itertools.product(letters, repeat=2):
        for district in range(1, 100):
            for sector in range(10):
                for u1, u2 in itertools.product(INWARD_LETTERS, repeat=2):
                    yield f"{a}{b}{district} {sector}{u1}{u2}"


def write_onspd(path: Path, rows: int) -> None:
    index = {c: i for i, c in enumerate(ONSPD_HEADER)}
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(ONSPD_HEADER)
        template = [""] * len(ONSPD_HEADER)
        for n, pc in zip(range(rows), synthetic_postcodes()):
            r = list(template)
            r[index["pcd"]] = r[index["pcd2"]] = r[index["pcds"]] = pc
            r[index["dointr"]] = f"{1980 + n % 40}{1 + n % 12:02d}"
            r[index["doterm"]] = "" if n % 7 else f"{2000 + n % 20}{1 + n % 12:02d}"
            r[index["oslaua"]] = f"E06{n % 380:06d}"
            r[index["sicbl"]] = f"E38{n % 106 + 200:06d}"
            r[index["icb"]] = f"E54{n % 42 + 8:06d}"
            r[index["ctry"]] = "E92000001"
            r[index["lat"]] = f"{50 + (n % 9000) / 1000:.6f}"
            r[index["long"]] = f"{-5 + (n % 6000) / 1000:.6f}"
            r[index["oa21"]] = f"E00{n % 180000:06d}"
            r[index["lsoa21"]] = f"E01{n % 35000:06d}"
            w.writerow(r)


def write_epraccur(path: Path, rows: int) -> None:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for n, pc in zip(range(rows), synthetic_postcodes()):
            code = f"{'ABCDEFGHJKLMNPY'[n % 15]}{n:05d}"
            closed = "" if n % 9 else "20200331"
            w.writerow([code, f"SYNTHETIC PRACTICE {n}", "Y58", "QUY", f"{n} SYNTHETIC STREET", "", "", "SYNTHETIC TOWN", "",
                        pc, "19740401", closed, "C" if closed else "A", "B", f"{n % 900:02d}X"[-3:], "20220701", "", "", "",
                        "", "", "0", "", "", "", "4", ""])


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from socialrx.importers.lookup import CodeIndex
from socialrx.importers.run import run_import
from socialrx.commands.importer import importer_class
publisher, kind, source, folder = sys.argv[2:6]
index = CodeIndex.from_curated()
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = run_import(importer_class(publisher, kind), Path(source), Path(folder), index=index, force=True, show_progress=False)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": report.rows_read, "imported": report.rows_imported, "refused": report.refused_count,
                  "triples": report.triples, "seconds": report.seconds, "baseline_kib": baseline, "peak_kib": peak,
                  "output_bytes": Path(report.target).stat().st_size}))
"""


def measure(publisher: str, kind: str, source: Path, folder: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "server"), publisher, kind, str(source), str(folder)],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["input_bytes"] = source.stat().st_size
    result["rows_per_s"] = result["rows"] / result["seconds"] if result["seconds"] else 0.0
    return result


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def table(results: list[tuple[str, dict]]) -> list[str]:
    lines = ["| file | rows | input | triples written | N-Quads | time | rows/s | peak RSS | RSS before import |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in results:
        lines.append(f"| {name} | {r['rows']:,} | {r['input_bytes'] / 2**20:,.0f} MiB | {r['triples']:,} | "
                     f"{r['output_bytes'] / 2**20:,.0f} MiB | {r['seconds']:.1f} s | {r['rows_per_s']:,.0f} | "
                     f"{mib(r['peak_kib'])} | {mib(r['baseline_kib'])} |")
    return lines


def update_readme(section: list[str]) -> None:
    """Replace (or append) the '## Imports' section, leaving the rest of the file as it is."""
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    block = "\n".join(section).rstrip() + "\n"
    pattern = re.compile(r"^## Imports\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: block + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + block
    readme.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--practices", type=int, default=15_000)
    parser.add_argument("--postcodes", type=int, nargs="+", default=[270_000, 2_700_000])
    parser.add_argument("--no-readme", action="store_true", help="print the figures only")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="socialrx-bench-") as tmp:
        tmp = Path(tmp)
        source = tmp / "epraccur.csv"
        write_epraccur(source, args.practices)
        results.append((f"epraccur-shaped, {args.practices:,} practices", measure("ods", "epraccur", source, tmp / "out")))
        print(*table(results[-1:])[2:], sep="\n", flush=True)
        for rows in args.postcodes:
            source = tmp / f"onspd-{rows}.csv"
            t0 = time.perf_counter()
            write_onspd(source, rows)
            print(f"generated {source.name} in {time.perf_counter() - t0:.0f} s", flush=True)
            results.append((f"ONSPD-shaped, {rows / 1e6:g} M postcodes", measure("ons", "postcodes", source, tmp / "out")))
            print(*table(results[-1:])[2:], sep="\n", flush=True)
            source.unlink()
            (tmp / "out" / "ons-postcodes.nq").unlink()
    section = ["## Imports", "",
               f"`python bench/bench_import.py` on {platform.machine()} with {os.cpu_count()} CPUs, Python "
               f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}. Synthetic files in the published layouts "
               "(epraccur: 27 columns, no header; ONSPD: the 53-column header of 2023), each imported in its own child "
               "process (`socialrx import …` without the progress bar); peak RSS is the child's ru_maxrss, and the last "
               "column is its RSS after loading the curated lookups, just before the import starts.", ""]
    section += table(results)
    onspd = [r for name, r in results if name.startswith("ONSPD")]
    if len(onspd) >= 2:
        small, large = onspd[0], onspd[-1]
        section += ["", f"Memory: {large['rows'] / small['rows']:.0f}× the rows took {mib(large['peak_kib'])} at peak against "
                        f"{mib(small['peak_kib'])}: rows are read, checked and written one at a time; only the areas "
                        "(a few hundred codes) are kept."]
    print("\n".join(section))
    if not args.no_readme:
        update_readme(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
