"""Blueprint (editable sites only): "Report a change" for a scheme, service or organisation, and "Suggest a scheme".

A report is stored as a pending proposal, never applied on submission; a reviewer decides (socialrx.web.review).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from rdflib import URIRef
from wtforms.validators import ValidationError

from ..changes.proposal import LABELS, REFERRALS, STATUSES, FormError, clean
from ..changes.queue import QueueError
from ..namespaces import sparql_prologue
from ..store import QueryError
from . import context
from .editing import desk, limiter

bp = Blueprint("report", __name__)
MAX_FORM_BYTES = 16 * 1024
HONEYPOT = "homepage"  # hidden from people by CSS; a bot that fills every field fills this one

REPORTABLE = sparql_prologue(["srx", "rdfs", "skos", "org"]) + """
SELECT ?label WHERE {
  VALUES ?kind { srx:Service srx:Scheme srx:SocialPrescribingScheme srx:NavigationScheme srx:ServiceDirectory
                 srx:Organisation srx:NHSBody srx:ClinicalCommissioningGroup srx:IntegratedCareBoard srx:SubICBLocation
                 srx:LocalAuthority srx:VCSEOrganisation srx:GPPractice org:Organization }
  ?about a ?kind . OPTIONAL { ?about rdfs:label ?label }
} LIMIT 1"""
AREAS = sparql_prologue(["srx", "rdfs"]) + """
SELECT DISTINCT ?area ?label WHERE {
  VALUES ?kind { srx:Area srx:LocalAuthorityArea srx:NHSArea }
  ?area a ?kind ; rdfs:label ?label . FILTER(STRSTARTS(STR(?area), "https://w3id.org/socialrx/id/area/"))
} ORDER BY ?label LIMIT 500"""


LABEL = "SELECT ?label WHERE { ?about <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 1"


def label_of(iri: str | None) -> str | None:
    """The label of a resource (for the reviewer's pages), or None when it has none or is not an IRI we can ask about."""
    if not iri:
        return None
    try:
        rows = context.store().query(LABEL, bindings={"about": URIRef(iri)}, lane="page").rows
    except (QueryError, ValueError):  # a malformed IRI in an old proposal: show the text itself
        return None
    return rows[0]["label"]["value"] if rows else None


def _areas() -> dict[str, str]:
    rows = context.store().query(AREAS, lane="page").rows
    return {r["area"]["value"]: r["label"]["value"] for r in rows}


def _subject(about: str | None):
    """The label of the thing reported on, or 404 when it is not a scheme, service or organisation."""
    if not about or len(about) > 500:
        abort(404, "Say what the report is about: /-/report?about= followed by the address of a scheme, service or organisation.")
    rows = context.store().query(REPORTABLE, bindings={"about": URIRef(about)}, lane="page").rows
    if not rows:
        abort(404, "Only schemes, services and organisations can be reported on; this address is none of them.")
    return rows[0].get("label", {}).get("value", about)


def _form(kind, about, label, values=None, errors=None, status=200):
    return render_template("report.html", kind=kind, about=about, label=label, values=values or {}, errors=errors or {},
                           statuses=STATUSES, referrals=REFERRALS, areas=_areas(), labels=LABELS,
                           csrf_token=generate_csrf(), honeypot=HONEYPOT), status, {"Cache-Control": "no-store"}


def _submit(kind, about, label):
    if (request.content_length or 0) > MAX_FORM_BYTES:
        abort(413, f"The form is too large: keep the whole report under {MAX_FORM_BYTES // 1024} KiB.")
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError) as e:
        return render_template("report_done.html", refused=f"The form had expired or did not come from this site ({e}). "
                               "Go back, reload the page and send it again."), 400, {"Cache-Control": "no-store"}
    values = {k: request.form.get(k, "") for k in request.form if k not in ("csrf_token", "referral")}
    values["referral"] = request.form.getlist("referral")
    if request.form.get(HONEYPOT):
        # Looks like success to the bot; nothing is stored.
        return render_template("report_done.html", proposal=None, label=label), 200, {"Cache-Control": "no-store"}
    try:
        fields, evidence_url, runs, contact = clean(values, kind=kind, areas=_areas())
    except FormError as e:
        return _form(kind, about, label, values, e.errors, 400)
    try:
        proposal = desk().queue.submit(about=about, kind=kind, fields=fields, evidence_url=evidence_url,
                                       runs_scheme=runs, contact_email=contact)
    except QueueError as e:
        abort(503, str(e))
    return render_template("report_done.html", proposal=proposal, label=label), 201, {"Cache-Control": "no-store"}


@bp.route("/-/report", methods=["GET", "POST"])
@limiter.limit(lambda: context.settings().report_rate_limit, methods=["POST"])
def report():
    about = request.values.get("about")
    label = _subject(about)
    if request.method == "POST":
        return _submit("report", about, label)
    return _form("report", about, label)


@bp.route("/-/suggest", methods=["GET", "POST"])
@limiter.limit(lambda: context.settings().report_rate_limit, methods=["POST"])
def suggest():
    if request.method == "POST":
        return _submit("suggest", None, None)
    return _form("suggest", None, None)
