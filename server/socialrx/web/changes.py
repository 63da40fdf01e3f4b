"""Blueprint: the history of accepted changes (`/-/changes`, `?about=IRI` for one resource, `/-/changes.atom`).

Read-only and always there; the writing routes (report, review) are registered only with the `editable`
setting (socialrx.web.editing), so a public mirror stays read-only.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response, render_template, request, url_for

from ..pages import changes as model
from ..pages.results import local_href
from . import context

bp = Blueprint("changes", __name__)


@bp.get("/-/changes")
def listing():
    about = request.args.get("about") or None
    items = model.history(context.page_store(), about)
    return render_template("changes.html", items=items, about=about,
                           alternates=[{"mimetype": "application/atom+xml", "title": "Recent changes (Atom)",
                                        "href": url_for("changes.feed", about=about) if about else url_for("changes.feed")}])


@bp.get("/-/changes.atom")
def feed():
    """Atom 1.0 (RFC 4287) feed of accepted changes, so directory owners can follow them."""
    about = request.args.get("about") or None
    items = model.history(context.page_store(), about)
    updated = items[0].ended if items else datetime(2026, 1, 1, tzinfo=timezone.utc).isoformat()
    body = render_template("changes.atom.xml", items=items, about=about, updated=updated,
                           self_url=request.url, site=request.url_root.rstrip("/"))
    return Response(body, mimetype="application/atom+xml")


def history_of(iri: str):
    """For entity pages: (the newest standing change or None, the history link)."""
    return model.last_change(context.page_store(), iri), url_for("changes.listing", about=iri)


def local(iri: str) -> str:
    """A resource of ours as a path on this site (others unchanged)."""
    return local_href(iri, context.settings().base_iri, request.script_root)


def register(app) -> None:
    app.register_blueprint(bp)
    app.add_template_global(history_of, "change_history")
    app.add_template_filter(local, "local")
