"""Blueprint: find schemes near a postcode (`/postcode?pc=BS1+1NG`, a district such as `?pc=BS1`, and
`/postcode.json` for the same as JSON). It also hands templates `geo`, the map points and GP practices
that the shipped geography gives (socialrx.pages.geo)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from .. import postcodes
from ..importers.checks import POSTCODE_FORMAT
from ..pages import geo, navigation
from ..pages.site import site
from . import context

bp = Blueprint("postcode", __name__)

# Plain words for the public page; how an administrator adds postcodes is in docs/imports.md.
NOT_KNOWN = "We could not find {pc}. Check the postcode is right, or enter just its first part, such as BS1."
NOT_KNOWN_DETAIL = ("This site only knows the postcodes it has been given. It comes with every postcode in the BS (Bristol) "
                    "postcode area: Bristol, North Somerset, South Gloucestershire and parts of Bath and North East Somerset "
                    "and Somerset.")


def _answer(pc_text: str | None, on_areas=None):
    """(status, postcode, answer or None, message) for the request's postcode."""
    if pc_text is None or not pc_text.strip():
        return 200, "", None, ""
    try:
        answer = postcodes.find(context.page_store(), pc_text, on_areas)
    except postcodes.MalformedPostcode as e:
        return 400, pc_text.strip()[:20], None, str(e)
    shown = postcodes.parse_outward(pc_text) or postcodes.parse(pc_text)
    if answer is None:
        return 404, shown, None, NOT_KNOWN.format(pc=shown)
    return 200, shown, answer, ""


@bp.get("/postcode")
def page():
    """Show the areas, NHS bodies and schemes for a postcode or postcode district, or say what is wrong with it."""
    # The page reads the labels of what it shows (the areas' while the schemes are asked for), never every label.
    catalogue = site().catalogue
    status, pc, answer, message = _answer(request.args.get("pc"), catalogue.prefetch_labels)
    points = geo.answer_points(answer) if answer else []
    if answer:
        catalogue.prefetch_labels(shown_iris(answer))
    return render_template("postcode.html", pc=pc, answer=answer, message=message, status=status, points=points,
                           detail=NOT_KNOWN_DETAIL if status == 404 else "",
                           expected=POSTCODE_FORMAT, terms=site().terms,
                           nhs_cover=lambda: answer.cover if answer else None), status


def shown_iris(answer) -> list[str]:
    """The resources the page names: areas, schemes and the areas they serve, covering bodies, source graphs."""
    iris = [a["iri"] for a in answer.areas]
    iris += [x for s in answer.schemes for x in (s["iri"], s["area"]) if x]
    if answer.cover:
        iris += [b.iri for b in answer.cover.now + answer.cover.then + answer.cover.between]
    return iris + [a["graph"] for a in answer.attributions]


@bp.get("/postcode.json")
def as_json():
    """Answer the postcode lookup as JSON, with a 400/404 body that says what to fix."""
    status, pc, answer, message = _answer(request.args.get("pc"))
    if status == 200 and answer is None:
        return jsonify({"status": 400, "error": "Bad Request", "message": "Give a postcode as ?pc=, such as ?pc=BS1+1NG",
                        "expected": POSTCODE_FORMAT}), 400
    if status != 200:
        body = {"status": status, "error": "Bad Request" if status == 400 else "Not Found", "message": message, "postcode": pc}
        if status == 400:
            body["expected"] = POSTCODE_FORMAT
        return jsonify(body), status
    return jsonify(answer.as_dict())


@bp.app_context_processor
def map_helpers():
    """`geo` in every template: practices and map points for an area page or the home page."""
    return {"geo": geo.Geo(context.page_store), "live_site": not navigation.is_static()}
