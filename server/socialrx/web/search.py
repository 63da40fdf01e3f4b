"""Blueprint: search labels, alternative labels and descriptions (partial words, ranked), as HTML or JSON."""

from __future__ import annotations

import time

from flask import Blueprint, json, render_template, request

from ..pages.documents import page_url
from ..pages.responses import respond
from ..pages.search_index import SearchIndex, site_index
from ..pages.site import site

bp = Blueprint("search", __name__)
MAX_QUERY = 200


def index() -> SearchIndex:
    return site_index(site())


@bp.get("/search", defaults={"suffix": ""})
@bp.get("/search<any('.json'):suffix>")
def search(suffix):
    """Find resources whose names or descriptions contain the words in ?q=, best first."""
    q = request.args.get("q", "")[:MAX_QUERY].strip()
    s, idx = site(), index()
    started = time.perf_counter()
    everything = request.args.get("all") == "1"
    hits, hidden = idx.search_counting_hidden(q, everything=everything) if q else ([], 0)
    s.catalogue.prefetch_types([h.iri for h in hits])  # the types shown beside each hit: one lookup
    elapsed = (time.perf_counter() - started) * 1000
    if suffix:
        body = {"q": q, "results": [
            {"iri": h.iri, "label": h.label, "href": s.iris.path(h.iri), "score": h.score, "field": h.field,
             "snippet": h.snippet, "types": s.catalogue.most_specific_types(h.iri)} for h in hits]}
        resp = respond(json.dumps(body, ensure_ascii=False, indent=1), "application/json",
                       links=[(request.script_root + "/search" + ("?" + request.query_string.decode() if q else ""), "alternate", "text/html")])
        resp.headers["Server-Timing"] = f"search;dur={elapsed:.3f}"
        return resp
    html = render_template("search.html", query_text=q, hits=hits, terms=s.terms, everything=everything, hidden=hidden,
                           catalogue=s.catalogue, canonical=page_url("/search"),
                           alternates=[{"mimetype": "application/json", "title": "JSON", "href": request.script_root + "/search.json" + ("?" + request.query_string.decode() if q else "")}])
    resp = respond(html, "text/html")
    resp.headers["Server-Timing"] = f"search;dur={elapsed:.3f}"
    return resp


@bp.get("/search-index.json")
def search_index():
    """Give the whole search index, for the static site's in-browser search."""
    s, idx = site(), index()
    body = [{"iri": e.iri, "label": e.label, "href": s.iris.path(e.iri), "ours": e.ours, "primary": e.primary,
             "fields": [[f, text] for f, text, _, _ in e.fields],
             "types": [s.catalogue.label(t) for t in s.catalogue.most_specific_types(e.iri)]} for e in idx.entries]
    return respond(json.dumps(body, ensure_ascii=False, separators=(",", ":")), "application/json")
