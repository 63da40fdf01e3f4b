"""Write a synthetic knowledge graph shaped like ours, as TriG, at a given size.

    python bench/generate.py 100k            # -> $TMPDIR/socialrx-bench/synthetic-100k.trig
    python bench/generate.py 1M --out FILE

Shape (per scheme about 20 statements): schemes with aims, approaches, roles, referral routes, age bounds,
areas served, providers (GP practices or organisations) and funders; GP practices under PCNs under ICBs;
areas covered by ICBs; SKOS concepts with labels. Every statement sits in the named graph of its source,
as in data/: one graph per source document for schemes, one per import (ODS, ONS) and one for vocabularies.
Deterministic for a given size (seeded).
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

SRX = "https://w3id.org/socialrx/def/"
ID = "https://w3id.org/socialrx/id/"
GRAPH = "https://w3id.org/socialrx/graph/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
DCT_SOURCE = "http://purl.org/dc/terms/source"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
VOCABS = {  # vocabulary -> number of concepts
    "aims": 24, "approaches": 16, "roles": 10, "referral-routes": 12, "client-groups": 20,
}
WORDS = ("community wellbeing links connect health social active minds carers youth elders arts green "
         "walking food money advice housing recovery peer support navigator befriending").split()


def default_out(size: str) -> Path:
    return Path(tempfile.gettempdir()) / "socialrx-bench" / f"synthetic-{size}.trig"


def generate(triples: int, out: Path, seed: int = 7) -> dict:
    """Write about `triples` statements to out (TriG) and return counts of what was made."""
    rnd = random.Random(seed)
    # Budget: schemes ~55%, practices ~25%, organisations ~10%, areas ~6%, the rest fixed; the factor
    # corrects for the shares' average statement counts so the total lands near the asked size.
    triples = int(triples * 1.135)
    n_schemes = max(20, int(triples * 0.55 / 21))
    n_practices = max(10, int(triples * 0.25 / 5))
    n_orgs = max(10, int(triples * 0.10 / 4))
    n_areas = max(5, int(triples * 0.06 / 4))
    n_icbs = 42
    n_pcns = max(n_icbs, n_practices // 8)
    n_sources = max(2, n_schemes // 12)
    graphs: dict[str, list[str]] = {}

    def iri(x):
        return f"<{x}>"

    def lit(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def add(graph, s, p, o):
        graphs.setdefault(graph, []).append(f"{s} {iri(p)} {o} .")

    def name(k=3):
        return " ".join(rnd.choice(WORDS) for _ in range(k)).title()

    vocab_graph = GRAPH + "vocab"
    concepts = {}
    for vocab, n in VOCABS.items():
        concepts[vocab] = [f"{ID}vocab/{vocab}/c{i}" for i in range(n)]
        for i, c in enumerate(concepts[vocab]):
            add(vocab_graph, iri(c), RDF_TYPE, iri(SKOS + "Concept"))
            add(vocab_graph, iri(c), SKOS + "prefLabel", lit(f"{vocab.replace('-', ' ')} {i} {rnd.choice(WORDS)}"))
            add(vocab_graph, iri(c), SKOS + "inScheme", iri(f"{ID}vocab/{vocab}"))

    ods, ons = GRAPH + "import/ods", GRAPH + "import/ons"
    icbs = [f"{ID}org/icb-{i}" for i in range(n_icbs)]
    for i, icb in enumerate(icbs):
        add(ods, iri(icb), RDF_TYPE, iri(ORG + "Organization"))
        add(ods, iri(icb), RDFS_LABEL, lit(f"NHS {name(2)} Integrated Care Board {i}"))
    pcns = [f"{ID}org/pcn-{i}" for i in range(n_pcns)]
    for i, pcn in enumerate(pcns):
        add(ods, iri(pcn), RDF_TYPE, iri(ORG + "Organization"))
        add(ods, iri(pcn), RDFS_LABEL, lit(f"{name(2)} PCN {i}"))
        add(ods, iri(pcn), ORG + "subOrganizationOf", iri(icbs[i % n_icbs]))
    practices = [f"{ID}org/practice-{i}" for i in range(n_practices)]
    areas = [f"{ID}place/area-{i}" for i in range(n_areas)]
    for i, area in enumerate(areas):
        add(ons, iri(area), RDF_TYPE, iri(SRX + "Area"))
        add(ons, iri(area), RDFS_LABEL, lit(f"{name(1)} ward {i}"))
        add(ons, iri(area), SRX + "coveredBy", iri(icbs[i % n_icbs]))
        add(ons, iri(area), SKOS + "notation", lit(f"E05{i:06d}"))
    for i, practice in enumerate(practices):
        add(ods, iri(practice), RDF_TYPE, iri(SRX + "GPPractice"))
        add(ods, iri(practice), RDFS_LABEL, lit(f"{name(2)} Surgery {i}"))
        add(ods, iri(practice), ORG + "subOrganizationOf", iri(rnd.choice(pcns)))
        add(ods, iri(practice), SRX + "coveredBy", iri(rnd.choice(areas)))
        add(ods, iri(practice), SKOS + "notation", lit(f"L{i:05d}"))

    sources = [f"{ID}source/doc-{i}" for i in range(n_sources)]
    orgs = [f"{ID}org/org-{i}" for i in range(n_orgs)]
    for i, org in enumerate(orgs):
        g = GRAPH + f"source/doc-{i % n_sources}"
        add(g, iri(org), RDF_TYPE, iri(ORG + "Organization"))
        add(g, iri(org), RDFS_LABEL, lit(f"{name(2)} {rnd.choice(['Trust', 'CIC', 'Charity', 'Council'])} {i}"))
        add(g, iri(org), ORG + "subOrganizationOf", iri(rnd.choice(icbs)))
        add(g, iri(org), SRX + "areaServed", iri(rnd.choice(areas)))
    for i, source in enumerate(sources):
        g = GRAPH + f"source/doc-{i}"
        add(g, iri(source), RDFS_LABEL, lit(f"Report {i}: {name(4)}"))
    for i in range(n_schemes):
        s = iri(f"{ID}scheme/s{i}")
        src = i % n_sources
        g = GRAPH + f"source/doc-{src}"
        add(g, s, RDF_TYPE, iri(SRX + "Scheme"))
        add(g, s, RDFS_LABEL, lit(f"{name(3)} scheme {i}"))
        add(g, s, RDFS_COMMENT, lit(f"A {name(6).lower()} service for {name(2).lower()}."))
        add(g, s, DCT_SOURCE, iri(sources[src]))
        for c in rnd.sample(concepts["aims"], rnd.randint(1, 3)):
            add(g, s, SRX + "hasAim", iri(c))
        for c in rnd.sample(concepts["approaches"], rnd.randint(1, 2)):
            add(g, s, SRX + "usesApproach", iri(c))
        add(g, s, SRX + "usesRole", iri(rnd.choice(concepts["roles"])))
        for c in rnd.sample(concepts["referral-routes"], rnd.randint(1, 3)):
            add(g, s, SRX + "takesReferralsFrom", iri(c))
        for c in rnd.sample(concepts["client-groups"], rnd.randint(1, 2)):
            add(g, s, SRX + "eligibility", iri(c))
        lo = rnd.choice([0, 16, 18, 18, 18, 25, 50, 55, 60, 65])
        add(g, s, SRX + "minimumAge", f'"{lo}"^^{iri(XSD_INT)}')
        if rnd.random() < 0.6:
            add(g, s, SRX + "maximumAge", f'"{rnd.choice([25, 64, 65, 80, 99]) if lo < 25 else rnd.choice([80, 99])}"^^{iri(XSD_INT)}')
        for a in rnd.sample(areas, rnd.randint(1, 2)):
            add(g, s, SRX + "areaServed", iri(a))
        add(g, s, SRX + "providedBy", iri(rnd.choice(practices) if rnd.random() < 0.5 else rnd.choice(orgs)))
        add(g, s, SRX + "fundedBy", iri(rnd.choice(orgs)))

    out.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    with out.open("w", encoding="utf-8") as fh:
        for g, lines in graphs.items():
            fh.write(f"<{g}> {{\n")
            fh.write("\n".join(lines))
            fh.write("\n}\n")
            total += len(lines)
    return {"triples": total, "graphs": len(graphs), "schemes": n_schemes, "practices": n_practices,
            "organisations": n_orgs, "areas": n_areas, "icbs": n_icbs, "pcns": n_pcns, "sources": n_sources}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", choices=SIZES, help="about how many triples")
    parser.add_argument("--out", type=Path, help="TriG file to write (default: in the system temp folder)")
    args = parser.parse_args(argv)
    out = args.out or default_out(args.size)
    counts = generate(SIZES[args.size], out)
    print(f"wrote {counts['triples']:,} triples in {counts['graphs']} graphs to {out}")
    print(", ".join(f"{k} {v:,}" for k, v in counts.items() if k not in ("triples", "graphs")))


if __name__ == "__main__":
    main()
