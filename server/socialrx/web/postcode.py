"""Blueprint: find schemes near a postcode (`/postcode?pc=BS1+1NG`, and `/postcode.json` for the same as JSON)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from .. import postcodes
from ..importers.checks import POSTCODE_FORMAT
from ..pages.site import site
from . import context

bp = Blueprint("postcode", __name__)


def _answer(pc_text: str | None):
    """(status, postcode, answer or None, message) for the request's postcode."""
    if pc_text is None or not pc_text.strip():
        return 200, "", None, ""
    try:
        pc = postcodes.parse(pc_text)
    except postcodes.MalformedPostcode as e:
        return 400, pc_text.strip()[:20], None, str(e)
    answer = postcodes.lookup(context.store(), pc)
    if answer is None:
        return 404, pc, None, (f"No postcode {pc} is known here. It may be new, or the ONS Postcode Directory may not be "
                               "imported (socialrx import ons postcodes FILE).")
    return 200, pc, answer, ""


@bp.get("/postcode")
def page():
    """Show the areas, NHS bodies and schemes for a postcode, or say what is wrong with it."""
    status, pc, answer, message = _answer(request.args.get("pc"))
    return render_template("postcode.html", pc=pc, answer=answer, message=message, status=status,
                           expected=POSTCODE_FORMAT, terms=site().terms,
                           nhs_cover=lambda: answer.cover if answer else None), status


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
