"""What a report form says, checked as plain text, and the changeset it makes: triples to add in the graph of its
evidence, and the statements it replaces (a new status replaces the old status and its checked date).

The form asks only for what a person can know (issue 15): status, how to refer and who can, website, phone,
e-mail, eligibility, area, a correction in words; and the evidence: a public web address or "I run this scheme".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import URIRef

from ..namespaces import sparql_prologue

ID = "https://w3id.org/socialrx/id/"
SRX = "https://w3id.org/socialrx/def/"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
STATUS = ID + "vocab/status/"
REFERRAL = ID + "vocab/referral-sources/"
EN = "en-GB"

STATUSES = {"running": "Running", "ended": "Ended", "not-known": "Not known"}
REFERRALS = {"self-referral": "People can refer themselves", "general-practice": "GP or practice staff",
             "health-professional": "Another health professional", "other-professional": "Another professional"}
TEXT_LIMITS = {"how_to_refer": 1000, "eligibility": 1000, "correction": 2000, "name": 200, "description": 1000}
LABELS = {"status": "Status", "how_to_refer": "How to refer", "referral": "Who can refer", "website": "Website",
          "phone": "Phone", "email": "E-mail", "eligibility": "Who it is for", "area": "Area served",
          "correction": "Correction in words", "name": "Name", "description": "What it does"}
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{5,30}")
EMAIL = re.compile(r"[^@\s<>]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,}")


class FormError(ValueError):
    """What is wrong with the form: errors maps field name to a sentence saying what to change."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def clean(form: dict, *, kind: str, areas: dict[str, str]) -> tuple[dict, str | None, bool, str | None]:
    """Check a submitted form; return (fields, evidence URL, runs the scheme, contact e-mail) or raise FormError."""
    errors: dict[str, str] = {}
    fields: dict = {}

    def text(name):
        value = (form.get(name) or "").strip()
        if not value:
            return None
        if len(value) > TEXT_LIMITS.get(name, 500):
            errors[name] = f"Keep this under {TEXT_LIMITS.get(name, 500)} characters."
        elif re.search(r"[<>]", value):
            errors[name] = "Write plain text only: remove the < and > characters."
        return value

    for name in ("how_to_refer", "eligibility", "correction", "name", "description"):
        value = text(name)
        if value:
            fields[name] = value
    status = (form.get("status") or "").strip()
    if status:
        if status not in STATUSES:
            errors["status"] = "Choose running, ended or not known."
        fields["status"] = status
    referral = [r for r in (form.get("referral") or []) if r]
    if any(r not in REFERRALS for r in referral):
        errors["referral"] = "Choose from the listed ways to refer."
    if referral:
        fields["referral"] = sorted(set(referral))
    website = (form.get("website") or "").strip()
    if website:
        if not _web_address(website):
            errors["website"] = "Enter a full web address starting with https:// or http://, like https://example.org/page."
        fields["website"] = website
    phone = (form.get("phone") or "").strip()
    if phone:
        if not PHONE.fullmatch(phone):
            errors["phone"] = "Enter a phone number using digits, spaces and brackets only, like 0117 000 0000."
        fields["phone"] = phone
    email = (form.get("email") or "").strip()
    if email:
        if not EMAIL.fullmatch(email) or len(email) > 200:
            errors["email"] = "Enter an e-mail address in the correct format, like name@example.org."
        fields["email"] = email
    area = (form.get("area") or "").strip()
    if area:
        if area not in areas:
            errors["area"] = "Choose an area from the list."
        fields["area"] = area
    if kind == "suggest":
        if not fields.get("name"):
            errors["name"] = "Enter the scheme's name."
        if not fields.get("status"):
            errors["status"] = "Say whether the scheme is running, has ended or you do not know."
    elif not fields:
        errors["status"] = "Tell us at least one thing that has changed."

    evidence_url = (form.get("evidence_url") or "").strip() or None
    runs_scheme = bool(form.get("runs_scheme"))
    if evidence_url and not _web_address(evidence_url):
        errors["evidence_url"] = "Enter a full web address starting with https:// or http://."
    if not evidence_url and not runs_scheme:
        errors["evidence_url"] = "Give a public web page that says this, or tick 'I run this scheme'."
    contact = (form.get("contact_email") or "").strip() or None
    if contact and (not EMAIL.fullmatch(contact) or len(contact) > 200):
        errors["contact_email"] = "Enter an e-mail address in the correct format, like name@example.org, or leave it empty."
    if errors:
        raise FormError(errors)
    return fields, evidence_url, runs_scheme, contact


def _web_address(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and len(text) <= 500 and not re.search(r"[\s<>\"]", text)


@dataclass
class ChangeSet:
    """Triples to add (all in the evidence graph) and quads they replace, with a diff in words."""

    pid: str
    subject: str
    evidence: str
    adds: list[ox.Quad] = field(default_factory=list)
    retracts: list[ox.Quad] = field(default_factory=list)
    words: list[tuple[str, str, str]] = field(default_factory=list)  # (what, before, after)

    @property
    def affected(self) -> list[str]:
        nodes = {q.subject.value for q in self.adds + self.retracts if isinstance(q.subject, ox.NamedNode)}
        return sorted(nodes)


def evidence_iri(pid: str) -> str:
    return f"{ID}source/change-{pid}"


def changeset_iri(pid: str) -> str:
    return f"{ID}changeset/{pid}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "scheme"


CURRENT = sparql_prologue(["srx", "rdfs", "skos", "dct", "schema"]) + """
SELECT ?p ?o ?g WHERE {
  VALUES ?p { srx:status srx:statusCheckedOn srx:howToRefer srx:takesReferralsFrom schema:url schema:telephone
              schema:email srx:areaServed rdfs:label srx:eligibility }
  GRAPH ?g { ?s ?p ?o }
}"""


def _iri(value: str, name: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError:
        raise FormError({name: f"{value!r} is not a web address that can be stored; edit it or reject the proposal."}) from None


def build(proposal, store, *, today: date | None = None, areas: dict[str, str] | None = None) -> ChangeSet:
    """The changeset of a proposal against the graph as it is now (FormError when a value cannot be stored)."""
    today = today or date.today()
    fields = proposal.fields
    subject = proposal.about or f"{ID}scheme/{slug(fields.get('name', ''))}"
    graph = _iri(evidence_iri(proposal.id), "id")
    s = _iri(subject, "about")
    current = _current(store, subject)
    change = ChangeSet(proposal.id, subject, graph.value)

    def add(subj, pred, obj):
        change.adds.append(ox.Quad(subj, ox.NamedNode(pred), obj, graph))

    label = ("Web page given as evidence with change " + proposal.id + ": " + proposal.evidence_url
             if proposal.evidence_url else
             f"Report from a person who runs the scheme, received {proposal.created[:10]} (change {proposal.id})")
    add(graph, RDF_TYPE, ox.NamedNode(SRX + "Source"))
    add(graph, RDFS_LABEL, ox.Literal(label, language=EN))
    if proposal.evidence_url:
        add(graph, SRX + "url", _iri(proposal.evidence_url, "evidence_url"))
    add(graph, SRX + "readOn", ox.Literal(today.isoformat(), datatype=ox.NamedNode(XSD + "date")))
    add(graph, SRX + "confidence", ox.Literal("medium"))
    add(graph, DCT + "source", graph)

    if proposal.kind == "suggest":
        add(s, RDF_TYPE, ox.NamedNode(SRX + "Scheme"))
        add(s, RDFS_LABEL, ox.Literal(fields["name"], language=EN))
        change.words.append((LABELS["name"], "", fields["name"]))
        if fields.get("description"):
            add(s, DCT + "description", ox.Literal(fields["description"], language=EN))
            change.words.append((LABELS["description"], "", fields["description"]))
    if fields.get("status"):
        old = [q for q in current if q.predicate.value in (SRX + "status", SRX + "statusCheckedOn")]
        change.retracts.extend(old)
        add(s, SRX + "status", ox.NamedNode(STATUS + fields["status"]))
        add(s, SRX + "statusCheckedOn", ox.Literal(today.isoformat(), datatype=ox.NamedNode(XSD + "date")))
        before = ", ".join(STATUSES.get(q.object.value.rsplit("/", 1)[-1], q.object.value) for q in old
                           if q.predicate.value == SRX + "status")
        change.words.append((LABELS["status"], before, STATUSES[fields["status"]] + f" (checked {today.isoformat()})"))
    simple = [("how_to_refer", SRX + "howToRefer", lambda v: ox.Literal(v, language=EN)),
              ("website", SCHEMA + "url", lambda v: _iri(v, "website")),
              ("phone", SCHEMA + "telephone", ox.Literal),
              ("email", SCHEMA + "email", ox.Literal)]
    for name, pred, term in simple:
        if fields.get(name):
            add(s, pred, term(fields[name]))
            before = "; ".join(q.object.value for q in current if q.predicate.value == pred)
            change.words.append((LABELS[name], before, fields[name]))
    for ref in fields.get("referral", []):
        add(s, SRX + "takesReferralsFrom", ox.NamedNode(REFERRAL + ref))
    if fields.get("referral"):
        before = "; ".join(q.object.value.rsplit("/", 1)[-1] for q in current if q.predicate.value == SRX + "takesReferralsFrom")
        change.words.append((LABELS["referral"], before, "; ".join(REFERRALS[r] for r in fields["referral"])))
    if fields.get("area"):
        add(s, SRX + "areaServed", _iri(fields["area"], "area"))
        change.words.append((LABELS["area"], "", (areas or {}).get(fields["area"], fields["area"])))
    if fields.get("eligibility"):
        nodes = sorted({q.object.value for q in current if q.predicate.value == SRX + "eligibility"})
        node = ox.NamedNode(nodes[0] if len(nodes) == 1 else f"{ID}eligibility/change-{proposal.id}")
        if len(nodes) != 1:
            add(s, SRX + "eligibility", node)
            add(node, RDF_TYPE, ox.NamedNode(SRX + "Eligibility"))
            add(node, RDFS_LABEL, ox.Literal(f"Who it is for (change {proposal.id})", language=EN))
        add(node, DCT + "description", ox.Literal(fields["eligibility"], language=EN))
        add(node, DCT + "source", graph)
        change.words.append((LABELS["eligibility"], "", fields["eligibility"]))
    if fields.get("correction"):
        add(s, SKOS + "note", ox.Literal(fields["correction"], language=EN))
        change.words.append((LABELS["correction"], "", fields["correction"]))
    add(s, DCT + "source", graph)
    return change


def _current(store, subject: str) -> list[ox.Quad]:
    """The subject's statements that a form may replace, with their graphs."""
    rows = store.query(CURRENT, bindings={"s": URIRef(subject)}).rows
    out = []
    for row in rows:
        obj = row["o"]
        if obj["type"] == "uri":
            term = ox.NamedNode(obj["value"])
        elif obj["type"] == "bnode":
            continue
        elif "xml:lang" in obj:
            term = ox.Literal(obj["value"], language=obj["xml:lang"])
        elif "datatype" in obj:
            term = ox.Literal(obj["value"], datatype=ox.NamedNode(obj["datatype"]))
        else:
            term = ox.Literal(obj["value"])
        out.append(ox.Quad(ox.NamedNode(subject), ox.NamedNode(row["p"]["value"]), term, ox.NamedNode(row["g"]["value"])))
    return out
