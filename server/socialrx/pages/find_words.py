"""Needs in everyday words → the client groups, aims and roles sources state of schemes.

The words are the concepts' own labels plus the editorial everyday words (skos:altLabel, skos:hiddenLabel in
data/everyday-words.trig). A phrase that matches no label is tried word by word, so "lonely older man" finds
"older"; whatever still matches nothing is reported back, never silently ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..namespaces import sparql_prologue
from .per_version import kept

VOCAB = "https://w3id.org/socialrx/id/vocab/"
NEED_SCHEMES = ("client-groups", "aims", "roles")
KIND_WORDS = {"client-groups": "client group", "aims": "aim", "roles": "role"}

# Every label of every concept in the schemes /find reads (needs, referral routes, statuses), with its kind.
WORDS_QUERY = sparql_prologue(["skos"]) + """SELECT ?concept ?prefLabel ?word ?kind WHERE {
  VALUES ?scheme { <%(v)sclient-groups> <%(v)saims> <%(v)sroles> <%(v)sreferral-sources> <%(v)sstatus> }
  ?concept skos:inScheme ?scheme ; skos:prefLabel ?prefLabel .
  { ?concept skos:prefLabel ?word BIND("pref" AS ?kind) }
  UNION { ?concept skos:altLabel ?word BIND("alt" AS ?kind) }
  UNION { ?concept skos:hiddenLabel ?word BIND("hidden" AS ?kind) }
}""" % {"v": VOCAB}

SPLIT = re.compile(r"\s*(?:[,;/+&\n]|\band\b|\bor\b)\s*", re.I)
STOP = {"a", "an", "the", "of", "with", "who", "is", "has", "feels", "feeling", "very", "man", "woman", "person",
        "people", "my", "his", "her", "their", "in", "on", "for", "to", "needs", "need", "help", "some"}


@dataclass(frozen=True)
class WordMatch:
    word: str  # as the person typed it
    key: str  # concept key under /vocab/, e.g. client-groups/older-people
    label: str  # the concept's preferred label
    editorial: bool  # matched through an editorial everyday word, not the concept's own label
    broader: bool  # matched through a hidden label: a broader word than the concept

    @property
    def kind(self) -> str:
        return KIND_WORDS.get(self.key.split("/", 1)[0], "concept")


@dataclass
class Needs:
    text: str = ""
    matches: list[WordMatch] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    @property
    def asked(self) -> bool:
        return bool(self.matches or self.unmatched)

    @property
    def keys(self) -> set[str]:
        return {m.key for m in self.matches}


class Vocabulary:
    """Labels of the concepts /find reads, loaded once per store version."""

    def __init__(self, rows: list[dict]):
        self.labels: dict[str, str] = {}
        self.words: dict[str, list[tuple[str, str]]] = {}
        for r in rows:
            key = r["concept"]["value"].removeprefix(VOCAB)
            self.labels[key] = r["prefLabel"]["value"]
            self.words.setdefault(fold(r["word"]["value"]), []).append((key, r["kind"]["value"]))

    def label(self, key: str) -> str:
        return self.labels.get(key, key.rsplit("/", 1)[-1].replace("-", " "))

    def in_scheme(self, scheme: str) -> list[tuple[str, str]]:
        """(key, label) of the concepts of one scheme, e.g. 'referral-sources', sorted by label."""
        return sorted(((k, v) for k, v in self.labels.items() if k.startswith(scheme + "/")), key=lambda kv: kv[1])

    def match(self, text: str) -> Needs:
        needs = Needs(text=text.strip())
        for phrase in (p for p in SPLIT.split(text or "") if p and p.strip()):
            found = self._match_one(phrase)
            if found:
                needs.matches += found
                continue
            words = [w for w in re.findall(r"[\w'-]+", phrase) if fold(w) not in STOP]
            for word in words:
                found = self._match_one(word)
                if found:
                    needs.matches += found
                else:
                    needs.unmatched.append(word)
        needs.matches = list(dict.fromkeys(needs.matches))
        needs.unmatched = list(dict.fromkeys(needs.unmatched))
        return needs

    def _match_one(self, phrase: str) -> list[WordMatch]:
        out = []
        for key, kind in self.words.get(fold(phrase), []):
            if key.split("/", 1)[0] in NEED_SCHEMES:
                out.append(WordMatch(phrase.strip(), key, self.label(key), kind != "pref", kind == "hidden"))
        return out


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip().casefold()


_CACHE: dict[tuple[int, str], Vocabulary] = {}


def vocabulary(store) -> Vocabulary:
    """The vocabulary as the store holds it now (reloaded when the store's data changes)."""
    return kept(_CACHE, store, lambda: Vocabulary(store.query(WORDS_QUERY).rows))
