"""An in-memory search over labels, alternative labels and descriptions, built once per app.

Every query word must match the start of a word, or failing that any part of one, in some field. Hits
score by where they match (label beats alternative label beats description) and how (whole word, then
word start, then inside a word), so "navig" finds "Navigation" and "Care Navigators"; ties go to the
label the query covers most, and to schemes, organisations, places and concepts over detail nodes.
"""

from __future__ import annotations

import heapq
import re
import time
from dataclasses import dataclass

from rdflib.namespace import SKOS

from ..namespaces import SRX

PRIMARY = tuple(str(c) for c in (SRX.Service, SRX.Organisation, SRX.Area, SRX.Programme, SRX.Source, SKOS.Concept, SKOS.ConceptScheme))
WORD = re.compile(r"\w+", re.UNICODE)
FIELD_WEIGHT = {"label": 10.0, "alt": 6.0, "description": 1.5}
MATCH_WEIGHT = {"exact": 3.0, "prefix": 2.0, "inside": 1.0}


@dataclass
class Entry:
    iri: str
    label: str
    fields: tuple[tuple[str, str, str, tuple[str, ...]], ...]  # (field, text, lowered text, words)
    ours: bool
    primary: bool  # a scheme, organisation, place, programme, source or concept rather than a detail node


@dataclass
class Hit:
    iri: str
    label: str
    score: float
    field: str
    snippet: str


def words(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(text.lower()))


class SearchIndex:
    """Answer partial-word searches over every labelled or described resource."""

    def __init__(self, catalogue, is_ours, primary_classes=()):
        started = time.perf_counter()
        self.entries: list[Entry] = []
        subjects = sorted(catalogue.subjects_labelled())
        if primary_classes:
            catalogue.prefetch_types(subjects)
        for iri in subjects:
            label = catalogue.label(iri)
            fields = [("label", label)]
            fields += [("alt", a) for a in catalogue.alt_labels(iri)]
            desc = catalogue.description(iri)
            if desc is not None:
                fields.append(("description", str(desc)))
            primary = any(catalogue.is_a(iri, c) for c in primary_classes)
            self.entries.append(Entry(iri, label, tuple((f, t, t.lower(), words(t)) for f, t in fields), is_ours(iri), primary))
        self.build_ms = (time.perf_counter() - started) * 1000

    def search(self, query: str, limit: int = 50, everything: bool = False) -> list[Hit]:
        """Return the best hits for the query, best first: only schemes, organisations, places, programmes,
        sources and concepts unless everything is asked for (ontology terms, catalogue queries, detail records)."""
        return self.search_counting_hidden(query, limit, everything)[0]

    def search_counting_hidden(self, query: str, limit: int = 50, everything: bool = False) -> tuple[list[Hit], int]:
        """The best hits (as search()) and how many more match among the internal nodes (0 when everything is
        searched), from one pass over the index; snippets only for the hits returned (issue 12: three passes and a
        snippet for each of 55,000 matches made /search take 0.85 s at 1M triples)."""
        terms = words(query)
        if not terms:
            return [], 0
        whole = query.strip().lower()
        found, hidden = [], 0
        for entry in self.entries:
            total, best_field = 0.0, None
            for term in terms:
                score, where = self._score(entry, term)
                if not score:
                    break
                total += score
                best_field = best_field or where
            else:
                if not (everything or entry.primary):
                    hidden += 1
                    continue
                label = entry.label.lower()
                if whole == label:
                    total += 50
                elif label.startswith(whole):
                    total += 10
                if best_field == "label":  # the more of the label the query covers, the better the match
                    total += 5 * min(1.0, sum(len(t) for t in terms) / max(len(label), 1))
                total += 3 * entry.primary + entry.ours
                found.append((-total, label, entry.iri, best_field, entry))
        best = heapq.nsmallest(limit, found, key=lambda f: f[:3])
        return [Hit(e.iri, e.label, -neg, field, self._snippet(e, field, terms)) for neg, _, _, field, e in best], hidden

    @staticmethod
    def _score(entry: Entry, term: str) -> tuple[float, str | None]:
        best, where = 0.0, None
        for field, _, text, ws in entry.fields:
            if term not in text:
                continue
            if term in ws:
                kind = "exact"
            elif any(w.startswith(term) for w in ws):
                kind = "prefix"
            else:
                kind = "inside"
            score = FIELD_WEIGHT[field] * MATCH_WEIGHT[kind]
            if score > best:
                best, where = score, field
        return best, where

    @staticmethod
    def _snippet(entry: Entry, field: str | None, terms) -> str:
        if field in (None, "label"):
            return ""
        original, text = next((o, t) for f, o, t, _ in entry.fields if f == field)
        pos = min((text.find(t) for t in terms if t in text), default=0)
        start = max(0, pos - 60)
        return ("…" if start else "") + original[start:start + 160] + ("…" if start + 160 < len(original) else "")


def site_index(site) -> SearchIndex:
    """Return the site's search index, built on first use."""
    return site.cached("search", lambda: SearchIndex(site.catalogue, site.iris.is_local, PRIMARY))
