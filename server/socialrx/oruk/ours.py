"""What an imported record may link to in our curated data: our concepts (by IRI and by label) and our areas
(by IRI, GSS code or exact name). Read from ontology/ and data/ only, never from earlier imports, so an
import's output does not depend on what was imported before.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .. import kb as kbmod
from .. import paths

SRX = "https://w3id.org/socialrx/def/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
VOCAB = "https://w3id.org/socialrx/id/vocab/"
GSS_IRI = re.compile(r"^https?://statistics\.data\.gov\.uk/id/statistical-geography/([EWSNK][0-9]{8})$")
AREA_TYPES = {SRX + c for c in ("Area", "LocalAuthorityArea", "NHSArea")}

# Which property of a service states a concept of each of our schemes (client groups sit on the eligibility).
SCHEME_PROPERTY = {
    VOCAB + "aims": SRX + "hasAim", VOCAB + "approaches": SRX + "usesApproach", VOCAB + "roles": SRX + "usesRole",
    VOCAB + "settings": SRX + "staffBasedAt", VOCAB + "referral-sources": SRX + "takesReferralsFrom",
    VOCAB + "client-groups": SRX + "clientGroup", VOCAB + "status": SRX + "status",
}


def key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


@dataclass
class Ours:
    concept_scheme: dict[str, str] = field(default_factory=dict)  # our concept IRI → its scheme
    concepts_by_label: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    areas: set[str] = field(default_factory=set)
    areas_by_gss: dict[str, str] = field(default_factory=dict)
    areas_by_label: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def load(cls, root: Path | None = None) -> "Ours":
        root = Path(root) if root else paths.kb_root()
        files = [p for p in kbmod.kb_files(root) if p.name == "vocabularies.ttl" or p.is_relative_to(root / "data")]
        facts = defaultdict(lambda: defaultdict(list))
        for path in files:
            if path.suffix not in kbmod.FORMATS:
                continue
            for q in kbmod.parse_file(path):
                facts[q.subject.value][q.predicate.value].append(q.object.value)
        ours = cls()
        for s, props in facts.items():
            types = set(props.get(RDF_TYPE, ()))
            if SKOS + "Concept" in types and s.startswith(VOCAB):
                scheme = (props.get(SKOS + "inScheme") or [""])[0]
                if scheme in SCHEME_PROPERTY:
                    ours.concept_scheme[s] = scheme
                    for label in props.get(SKOS + "prefLabel", []) + props.get(SKOS + "altLabel", []):
                        ours.concepts_by_label[key(label)].add(s)
            if types & AREA_TYPES:
                ours.areas.add(s)
                for label in props.get(RDFS + "label", []) + props.get(SKOS + "altLabel", []):
                    ours.areas_by_label[key(label)].add(s)
                for code in props.get(SRX + "gssCode", []):
                    ours.areas_by_gss.setdefault(code, s)
        return ours

    def concept(self, uri: str | None) -> str | None:
        return uri if uri in self.concept_scheme else None

    def concept_named(self, name: str) -> str | None:
        found = self.concepts_by_label.get(key(name), set())
        return next(iter(found)) if len(found) == 1 else None

    def area(self, uri: str | None, name: str | None) -> str | None:
        """Our area for a service area: the same IRI, the same GSS code, or one area with exactly this name."""
        if uri in self.areas:
            return uri
        m = GSS_IRI.match(uri or "")
        if m and m.group(1) in self.areas_by_gss:
            return self.areas_by_gss[m.group(1)]
        found = self.areas_by_label.get(key(name or ""), set())
        return next(iter(found)) if len(found) == 1 else None

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for name, table in (("c", self.concept_scheme), ("g", self.areas_by_gss)):
            for k in sorted(table):
                h.update(f"{name}\t{k}\t{table[k]}\n".encode())
        for k in sorted(self.areas_by_label):
            h.update(f"a\t{k}\t{' '.join(sorted(self.areas_by_label[k]))}\n".encode())
        return h.hexdigest()[:16]
