"""Blueprint: find a scheme for a person (`/find`, its twins `/find.json` and `/find.csv`, and `/find/how`)."""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, current_app, render_template, request, url_for

from ..catalogue import Catalogue
from ..pages import find as model
from ..pages.find_words import vocabulary
from ..pages.responses import respond
from . import context

bp = Blueprint("find", __name__)

TWINS = {"json": "application/json", "csv": "text/csv"}


def _catalogue() -> Catalogue:
    # The queries blueprint loads the catalogue when the app is built; a bare app loads its own once.
    found = current_app.extensions.get("socialrx.catalogue")
    if found is None:
        found = current_app.extensions["socialrx.catalogue"] = Catalogue.load()
    return found


def _answer():
    """(status, answer, error) for the request: 400 for input to change, 404 for a postcode we do not hold."""
    store = context.page_store()
    vocab = vocabulary(store)
    args = {k: request.args.get(k, "") for k in ("postcode", "area", "age", "need", "referral")}
    try:
        req = model.parse_request(args, vocab)
        return 200, model.find(store, _catalogue(), req), None
    except model.FindInputError as e:
        return 400, model.FindAnswer(model.FindRequest(**{k: v for k, v in args.items() if k != "age"})), e
    except model.PlaceNotFound as e:
        req = model.FindRequest(postcode=args["postcode"], need=args["need"], referral=args["referral"])
        return 404, model.FindAnswer(req), e


def _alternates(answer) -> list[dict]:
    params = answer.request.params()
    twins = [{"mimetype": mime, "href": url_for(f"find.as_{ext}", **params), "title": f"These results as {ext.upper()}"}
             for ext, mime in TWINS.items()]
    return twins + [{"mimetype": "text/html", "href": url_for("find.page", **params), "title": "These results as a page"}]


def _links(alternates):
    return [(a["href"], "alternate", a["mimetype"]) for a in alternates]


@bp.get("/find")
def page():
    """The form, and the ranked schemes for the place, age, needs and referral route it was given."""
    fmt = request.args.get("format", "")
    if fmt in TWINS:
        return as_json() if fmt == "json" else as_csv()
    status, answer, error = _answer()
    store = context.page_store()
    vocab = vocabulary(store)
    alternates = _alternates(answer) if status == 200 and answer.place else []
    html = render_template("find.html", answer=answer, error=error, status=status, alternates=alternates,
                           areas=model.area_choices(store), referrals=[(k.split("/", 1)[1], v) for k, v in vocab.in_scheme("referral-sources")],
                           age_text=request.args.get("age", ""))
    return respond(html, "text/html", links=_links(alternates), status=status)


@bp.get("/find.json")
def as_json():
    """The same answer as JSON; a 400/404 body says what to change."""
    status, answer, error = _answer()
    if error is not None:
        body = {"status": status, "error": "Bad Request" if status == 400 else "Not Found", "message": str(error),
                "field": getattr(error, "field", "postcode")}
    else:
        body = answer.as_dict()
    alternates = _alternates(answer) if status == 200 and answer.place else []
    return respond(json.dumps(body, ensure_ascii=False, indent=1), "application/json", links=_links(alternates), status=status)


@bp.get("/find.csv")
def as_csv():
    """The ranked schemes as CSV, one row each; a 400/404 answers in plain text."""
    status, answer, error = _answer()
    if error is not None:
        return respond(f"{status} {'Bad Request' if status == 400 else 'Not Found'}\n\n{error}\n", "text/plain", status=status)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=model.FindAnswer.CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in answer.csv_rows():
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return respond(out.getvalue(), "text/csv", links=_links(_alternates(answer)) if answer.place else ())


def _cell(value):
    # A cell a spreadsheet would run as a formula is written as text (OWASP CSV injection).
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@bp.get("/find/how")
def how():
    """The ranking rules, written down."""
    return respond(render_template("find_how.html", rules=model.RULES, not_stated=model.NOT_STATED), "text/html")
