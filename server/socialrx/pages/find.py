"""Find a scheme for a person: a place, an age, needs in everyday words and a referral route → ranked schemes,
each saying why it fits, what is not known, its status and how to refer or contact it.

The facts come from the catalogue query `find-schemes` (queries/find-schemes.rq), run for the place; this
module reads the person's input, matches needs (find_words), sorts the rows into sections and ranks them by
the rules that /find/how writes down (RULES below). It knows no Flask.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Mapping


from .. import postcodes
from ..catalogue import Catalogue
from ..importers.vocab import postcode_district_iri, postcode_iri
from ..namespaces import SRX
from .attribution import attributions
from .find_words import Needs, Vocabulary, vocabulary
from .per_version import kept
from .scheme_definition import is_a_pattern

QUERY = "find-schemes"
ID = "https://w3id.org/socialrx/id/"
NOT_STATED = "not stated by any source"
MAX_AGE = 130
STALE_AFTER_DAYS = 365

# The ranking rules, in order; /find/how shows them and rank_key applies them.
RULES = (
    "Ended schemes are listed apart, after the others, never mixed in.",
    "Schemes whose stated age bounds leave the person out are listed apart too, with the bound that does; "
    "a scheme that states no age limit is never left out for that reason.",
    "Schemes that serve an area containing the place come first; then those covering part of a postcode "
    "district; then those serving only part of the place's local authority area (near, but maybe not covering it).",
    "Among these, schemes that a source links to one of the person's needs come before those no source links to it.",
    "Then schemes with fewer unknowns come first. An unknown is: no age limit stated (when an age is given), "
    "the asked-for referral route not stated, and a status that is not 'running'.",
    "Then the scheme whose status was checked most recently, then by name.",
)

COVERAGE = {1: "covers", 2: "covers part of the district", 3: "serves part of the area"}


class FindInputError(ValueError):
    """The person's input cannot be used; .field names the form field, str() says what to change (HTTP 400)."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


class PlaceNotFound(LookupError):
    """A well-formed postcode that the shipped and imported data do not hold (HTTP 404); str() is plain words."""


@dataclass
class FindRequest:
    postcode: str = ""
    area: str = ""  # area key (last part of its IRI, e.g. bristol) or full IRI
    age: int | None = None
    need: str = ""
    referral: str = ""  # referral-sources key, e.g. self-referral

    @property
    def empty(self) -> bool:
        return not (self.postcode or self.area)

    def params(self) -> dict:
        """The request as URL parameters (only those given), for links and twins."""
        out = {"postcode": self.postcode, "area": self.area, "age": "" if self.age is None else str(self.age),
               "need": self.need, "referral": self.referral}
        return {k: v for k, v in out.items() if v}


@dataclass
class Place:
    iri: str
    label: str
    kind: str  # "postcode", "district" or "area"
    areas: list[dict] = field(default_factory=list)
    attributions: list[dict] = field(default_factory=list)


@dataclass
class SchemeResult:
    iri: str
    label: str
    section: str  # "fits", "not-for-age" or "ended"
    coverage: int
    why: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)  # why it is listed apart: ended, or outside stated age bounds
    status: str = NOT_STATED
    status_key: str = ""
    status_checked: str = ""
    status_sources: str = ""
    eligibility: str = ""
    routes: list[str] = field(default_factory=list)
    how_to_refer: str = NOT_STATED
    general_rule: str = ""
    contact: dict = field(default_factory=dict)
    need_matched: bool = False
    rank: int = 0

    @property
    def path(self) -> str:
        return "/" + self.iri.removeprefix("https://w3id.org/socialrx/") if self.iri.startswith(ID) else self.iri


@dataclass
class FindAnswer:
    request: FindRequest
    place: Place | None = None
    needs: Needs = field(default_factory=Needs)
    referral_label: str = ""
    results: list[SchemeResult] = field(default_factory=list)

    def section(self, name: str) -> list[SchemeResult]:
        return [r for r in self.results if r.section == name]

    @property
    def fits(self):
        return self.section("fits")

    @property
    def not_for_age(self):
        return self.section("not-for-age")

    @property
    def ended(self):
        return self.section("ended")

    def as_dict(self) -> dict:
        return {
            "request": asdict(self.request),
            "place": asdict(self.place) if self.place else None,
            "needs": {"text": self.needs.text, "matched": [asdict(m) | {"kind": m.kind} for m in self.needs.matches],
                      "not_matched": self.needs.unmatched},
            "referral": self.referral_label,
            "rules": list(RULES),
            "results": [asdict(r) | {"path": r.path} for r in self.results],
        }

    CSV_COLUMNS = ("rank", "section", "scheme", "label", "coverage", "why", "unknown", "listed_apart_because", "status", "status_checked",
                   "how_to_refer", "referral_routes", "url", "telephone", "email", "address", "fees")

    def csv_rows(self) -> list[dict]:
        return [{"rank": r.rank, "section": r.section, "scheme": r.iri, "label": r.label,
                 "coverage": COVERAGE.get(r.coverage, ""), "why": "; ".join(r.why), "unknown": "; ".join(r.unknown),
                 "listed_apart_because": "; ".join(r.against),
                 "status": r.status, "status_checked": r.status_checked, "how_to_refer": r.how_to_refer,
                 "referral_routes": "; ".join(r.routes) or NOT_STATED, **r.contact} for r in self.results]


# --- reading the input ------------------------------------------------------------------------------


def parse_request(args: Mapping[str, str], vocab: Vocabulary | None = None) -> FindRequest:
    """Check what the person typed; raise FindInputError naming the field and what to change."""
    req = FindRequest(postcode=(args.get("postcode") or "").strip()[:40], area=(args.get("area") or "").strip()[:200],
                      need=(args.get("need") or "").strip(), referral=(args.get("referral") or "").strip())
    age = (args.get("age") or "").strip()
    if age:
        if not re.fullmatch(r"\d{1,3}", age) or int(age) > MAX_AGE:
            raise FindInputError("age", f"Enter the age as a whole number of years from 0 to {MAX_AGE}, such as 70.")
        req.age = int(age)
    if len(req.need) > 200:
        raise FindInputError("need", "Describe the needs in 200 characters or fewer, such as: lonely, older.")
    if req.referral and vocab is not None:
        keys = {k.split("/", 1)[1] for k, _ in vocab.in_scheme("referral-sources")}
        req.referral = req.referral.rsplit("/", 1)[-1]
        if req.referral not in keys:
            raise FindInputError("referral", "Choose how the person can be referred from the list: " + ", ".join(sorted(keys)) + ".")
    if not req.empty or not (req.need or req.age is not None or req.referral):
        return req
    raise FindInputError("postcode", "Enter a postcode, such as BS1 1NG, or choose an area.")


# --- the place ----------------------------------------------------------------------------------------

# Services as VALUES of the service classes (scheme_definition.is_a_pattern): Virtuoso 7.2.5 answered nothing
# but one area when `a/rdfs:subClassOf* srx:Service` sat beside srx:within* (docs/scale.md).
AREAS_QUERY = """PREFIX srx: <https://w3id.org/socialrx/def/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?area ?label WHERE {
  %s
  ?scheme srx:areaServed ?served . ?served srx:within* ?area .
  ?area rdfs:label ?label .
} ORDER BY ?label"""


_AREAS: dict[tuple[int, str], list[tuple[str, str]]] = {}


def area_choices(store) -> list[tuple[str, str]]:
    """(key, label) of the areas that schemes serve, and the areas those lie in: the form's area list.

    Kept per store version (it changes only when the data does)."""
    return kept(_AREAS, store, lambda: _area_choices(store))


def _area_choices(store) -> list[tuple[str, str]]:
    seen = {}
    for r in store.query(AREAS_QUERY % is_a_pattern(store, "scheme", str(SRX.Service))).rows:
        iri = r["area"]["value"]
        if iri.startswith(ID + "area/"):
            seen.setdefault(iri.removeprefix(ID + "area/"), r["label"]["value"])
    return sorted(seen.items(), key=lambda kv: kv[1])


def check_postcode(text: str) -> None:
    """Raise FindInputError when the text is neither a full postcode nor a postcode district (no store needed)."""
    if not text.strip() or (hasattr(postcodes, "parse_outward") and postcodes.parse_outward(text)):
        return
    try:
        postcodes.parse(text)
    except postcodes.MalformedPostcode as e:
        raise FindInputError("postcode", str(e)) from None


def resolve_place(store, req: FindRequest) -> Place:
    """The postcode (full or a district) or area → a Place; FindInputError when malformed, PlaceNotFound when unknown."""
    if req.postcode:
        place = _postcode_place(store, req.postcode)
        if place is None:
            raise PlaceNotFound(f"We do not have postcode {req.postcode.strip().upper()} in our data. Check it is right. "
                                "Our data covers postcodes in the Bristol area (BS postcodes) for now; "
                                "you can also choose an area instead.")
        return place
    key = req.area.rsplit("/", 1)[-1]
    labels = dict(area_choices(store))
    if key not in labels:
        raise FindInputError("area", "Choose an area from the list, or enter a postcode instead.")
    return Place(ID + "area/" + key, labels[key], "area")


def _postcode_place(store, text: str) -> Place | None:
    """socialrx.postcodes' parsing and unit lookup, without the NHS cover and schemes its page needs (a third of
    the time of postcodes.find): /find's own query answers which schemes cover the place."""
    check_postcode(text)
    outward = postcodes.parse_outward(text) if hasattr(postcodes, "parse_outward") else None
    if outward:
        iri, label, kind = postcode_district_iri(outward), outward, "district"
    else:
        label = postcodes.parse(text)
        iri, kind = postcode_iri(label), "postcode"
    if not postcodes.safe_iri(iri):
        return None
    # The unit's (or district's) own areas: srx:within, or srx:overlaps for a district split between areas.
    rows = store.query(postcodes.UNIT_QUERY % f"<{iri}>").rows
    if not rows:
        return None
    how = {}
    for row in rows:
        if "overlaps" in row:
            how.setdefault(row["overlaps"]["value"], "overlaps")
        if "within" in row:
            how[row["within"]["value"]] = "within"
    areas = {}
    direct = [a for a in how if postcodes.safe_iri(a)]
    for row in store.query(postcodes.areas_query(direct)).rows if direct else []:
        area = row["area"]["value"]
        if area in how:
            areas.setdefault(area, {"iri": area, "label": row.get("areaLabel", {}).get("value", ""), "how": how[area]})
    return Place(iri, label, kind, sorted(areas.values(), key=lambda a: a["label"] or a["iri"]), attributions(store, [iri]))


# --- finding and ranking ---------------------------------------------------------------------------


def find(store, catalogue: Catalogue, req: FindRequest, today: date | None = None) -> FindAnswer:
    """Run the catalogue query for the request's place and rank what it returns (rules in RULES)."""
    vocab = vocabulary(store)
    answer = FindAnswer(req, needs=vocab.match(req.need))
    if req.empty:
        return answer
    answer.place = resolve_place(store, req)
    answer.referral_label = vocab.label("referral-sources/" + req.referral) if req.referral else ""
    raw = {"place": answer.place.iri, "age": "" if req.age is None else str(req.age), "need": "",
           "referral": req.referral}
    rows = catalogue.run(store, QUERY, raw).result.rows
    today = today or date.today()
    answer.results = [_result(facts, answer, vocab, today) for facts in _group(rows)]
    order = {"fits": 0, "not-for-age": 1, "ended": 2}
    answer.results.sort(key=lambda r: (order[r.section], *rank_key(r, answer)))
    for i, r in enumerate(answer.results, 1):
        r.rank = i
    return answer


@dataclass
class Facts:
    """One scheme's rows of the find-schemes query, gathered: fact name → [(value, label, source label, fits)]."""

    iri: str
    label: str = ""
    rows: dict = field(default_factory=dict)

    def values(self, fact: str) -> list[str]:
        return list(dict.fromkeys(v for v, _, _, _ in self.rows.get(fact, [])))

    def first(self, fact: str) -> str:
        found = self.values(fact)
        return found[0] if found else ""


def _group(rows: list[dict]) -> list[Facts]:
    out: dict[str, Facts] = {}
    for row in rows:
        v = {k: b["value"] for k, b in row.items()}
        f = out.setdefault(v["scheme"], Facts(v["scheme"], v.get("schemeLabel", "")))
        f.label = f.label or v.get("schemeLabel", "")
        f.rows.setdefault(v.get("fact", ""), []).append((v.get("value", ""), v.get("valueLabel", ""), v.get("sourceLabel", ""),
                                                         v.get("fit") or v.get("fits", "")))
    return list(out.values())


def rank_key(r: SchemeResult, answer: FindAnswer) -> tuple:
    need_rank = 0 if (r.need_matched or not answer.needs.asked) else 1
    checked = -int(r.status_checked.replace("-", "")) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.status_checked) else 0
    return (r.coverage, need_rank, len(r.unknown), checked, r.label.casefold())


def _key(iri: str, scheme: str) -> str:
    return iri.rsplit("/vocab/" + scheme + "/", 1)[-1]


def _result(f: Facts, answer: FindAnswer, vocab: Vocabulary, today: date) -> SchemeResult:
    req = answer.request
    statuses = [_key(s, "status") for s in f.values("status")]
    ended = "ended" in statuses and "running" not in statuses
    low = min((int(a) for a in f.values("minimumAge") if a.isdigit()), default=None)
    high = max((int(a) for a in f.values("maximumAge") if a.isdigit()), default=None)
    outside = req.age is not None and ((low is not None and req.age < low) or (high is not None and req.age > high))
    section = "ended" if ended else ("not-for-age" if outside else "fits")
    areas = f.rows.get("area", [])
    coverage = min((int(fit) for _, _, _, fit in areas if fit.isdigit()), default=3)
    r = SchemeResult(f.iri, f.label or f.iri.rsplit("/", 1)[-1], section, coverage, eligibility="; ".join(f.values("eligibility")))
    _coverage(r, [lab or iri for iri, lab, _, fit in areas if fit == str(coverage)], answer.place)
    _age(r, low, high, req)
    _need(r, f, answer)
    _referral(r, f, answer, vocab)
    _status(r, f, statuses, vocab, today)
    r.contact = {k: "; ".join(f.values(k)) or NOT_STATED for k in ("url", "telephone", "email", "address", "fees")}
    return r


def _coverage(r: SchemeResult, labels: list[str], place: Place) -> None:
    served = ", ".join(dict.fromkeys(labels)) or "an area"
    where = {"postcode": f"postcode {place.label}", "district": f"postcode district {place.label}", "area": place.label}[place.kind]
    if r.coverage == 1:
        if place.kind == "area" and served == place.label:
            r.why.append(f"Serves {served}.")
        else:
            r.why.append(f"Covers {where}: it serves {served}, which contains it.")
    elif r.coverage == 2:
        r.why.append(f"Serves {served}, where part of {where} lies.")
        r.unknown.append(f"Whether it covers all of {where}: only part of the district lies in {served}.")
    else:
        r.unknown.append(f"Whether it covers {where}: it serves {served}, only part of the local authority area.")


def _age(r: SchemeResult, low: int | None, high: int | None, req: FindRequest) -> None:
    bounds = _bounds(low, high)
    if req.age is None:
        if bounds:
            r.why.append(f"Age limit as a source states it: {bounds}.")
    elif not bounds:
        r.unknown.append(f"Whether age {req.age} is eligible: no age limit is stated by any source.")
    elif r.section == "not-for-age":
        r.against.append(f"Not for age {req.age}: a source states {bounds}.")
    else:
        r.why.append(f"Age {req.age} is within the stated bounds ({bounds}).")


def _bounds(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"aged {low} to {high}"
    if low is not None:
        return f"aged {low} and over"
    if high is not None:
        return f"aged {high} and under"
    return ""


def _need(r: SchemeResult, f: Facts, answer: FindAnswer) -> None:
    needs = answer.needs
    if not needs.asked:
        return
    concepts = {c.removeprefix(ID + "vocab/") for c in f.values("concept")}
    served = set()
    for m in needs.matches:
        if m.key in concepts:
            r.need_matched = True
            served.add(m.word)
            how = (f" (an editorial match: '{m.word}' is near to, not the same as, '{m.label}')" if m.broader else
                   " (an editorial match of the everyday word, not a source's words)" if m.editorial else "")
            r.why.append(f"Serves '{m.word}': a source states its {m.kind} '{m.label}'{how}.")
    asked = [m.word for m in needs.matches] + needs.unmatched
    for word in dict.fromkeys(w for w in asked if w not in served):
        r.unknown.append(f"Whether it serves '{word}': {NOT_STATED}.")


def _referral(r: SchemeResult, f: Facts, answer: FindAnswer, vocab: Vocabulary) -> None:
    routes = f.rows.get("referralRoute", [])
    r.routes = list(dict.fromkeys(vocab.label("referral-sources/" + _key(v, "referral-sources")) for v, _, _, _ in routes))
    hows = f.rows.get("howToRefer", [])
    r.how_to_refer = " | ".join(dict.fromkeys(v for v, _, _, _ in hows)) or NOT_STATED
    typical = f.values("typicalReferralRoute")
    if typical and not routes:
        r.general_rule = ("As a general rule for schemes of its kind (not a fact stated about this scheme), referrals come from: "
                          + ", ".join(vocab.label("referral-sources/" + _key(k, "referral-sources")) for k in typical) + ".")
    if not answer.request.referral:
        if not routes and not hows:
            r.unknown.append(f"How to refer: {NOT_STATED}.")
        return
    wanted = answer.referral_label or answer.request.referral
    if any(fits == "true" for _, _, _, fits in routes):
        r.why.append(f"Takes referrals by '{wanted}', as a source states.")
    elif routes:
        r.unknown.append(f"Whether it takes '{wanted}': a source states only {', '.join(r.routes)}.")
    else:
        r.unknown.append(f"Whether it takes '{wanted}': no referral route is stated by any source.")


def _status(r: SchemeResult, f: Facts, statuses: list[str], vocab: Vocabulary, today: date) -> None:
    r.status_key = " ".join(statuses)
    r.status = " / ".join(vocab.label("status/" + s) for s in statuses) if statuses else NOT_STATED
    checked_rows = f.rows.get("statusCheckedOn", [])
    r.status_checked = max((v for v, _, _, _ in checked_rows), default="")
    r.status_sources = "; ".join(dict.fromkeys(src for _, _, src, _ in f.rows.get("status", []) if src))
    checked = _date(r.status_checked)
    if r.section == "ended":
        r.against.append(f"Ended, as {r.status_sources or 'a source'} says" + (f" (checked on {r.status_checked})." if r.status_checked else "."))
        return
    if statuses == ["running"]:
        r.why.append(f"Running, checked on {r.status_checked or 'an unstated date'}.")
    elif not statuses:
        r.unknown.append(f"Whether it still runs: {NOT_STATED}.")
    else:
        r.unknown.append(f"Whether it still runs: status '{r.status}'" + (f", checked on {r.status_checked}." if r.status_checked else "."))
    if checked and (today - checked).days > STALE_AFTER_DAYS:
        r.unknown.append(f"Status last checked in {checked.year}.")


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
