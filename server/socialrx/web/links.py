"""Blueprint: the link report at `/-/links` (HTML) and `/-/links.json`."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from .. import linkreport
from . import context

bp = Blueprint("links", __name__)


@bp.get("/-/links")
def page():
    report = linkreport.build(context.page_store())
    only = request.args.get("scheme")
    rows = [i for i in report.identifiers if not only or i.scheme == only]
    return render_template("links.html", report=report, rows=rows, schemes=linkreport.SCHEMES, only=only or "")


@bp.get("/-/links.json")
def as_json():
    return jsonify(linkreport.build(context.page_store()).as_dict())
