"""Blueprint: what the site says about itself: settings, sitemap, the VoID/DCAT description and full dumps."""

from __future__ import annotations

from flask import Blueprint, current_app, json, render_template, request

from ..pages import dataset
from ..pages.documents import not_acceptable, page_url
from ..pages.facets import INDEXES
from ..pages.responses import respond
from ..pages.negotiation import BY_SUFFIX, RDF_FORMATS, choose, serialise
from ..pages.site import site
from ..settings import SETTINGS

bp = Blueprint("meta", __name__)
EXAMPLE = "id/scheme/camden-stroke-navigation-service"


@bp.get("/-/settings", defaults={"suffix": ""})
@bp.get("/-/settings<any('.json'):suffix>")
def settings(suffix):
    """Show every setting: name, default, current value and what it does."""
    current = site().settings
    table = [{"name": s.name, "default": _plain(s.default), "current": _plain(current[s.name]), "help": s.help} for s in SETTINGS]
    if suffix:
        return respond(json.dumps(table, indent=1), "application/json", links=[(request.script_root + "/-/settings", "alternate", "text/html")])
    html = render_template("settings.html", rows=table, canonical=page_url("/-/settings"),
                           alternates=[{"mimetype": "application/json", "title": "JSON", "href": request.script_root + "/-/settings.json"}])
    return respond(html, "text/html", links=[(request.script_root + "/-/settings.json", "alternate", "application/json")])


@bp.get("/sitemap.xml")
def sitemap():
    """List every page worth indexing: the overview, the indexes and each of our resources."""
    s = site()
    iris = s.cached("local_iris", lambda: dataset.local_iris(s.store, s.iris.base))
    paths = ["/", *("/" + name for name in INDEXES), "/vocab", "/ontology"]
    paths += [s.iris.path(i) for i in iris if s.iris.is_local(i)]
    body = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    body += [f"  <url><loc>{_xml(page_url(p))}</loc></url>" for p in paths]
    body.append("</urlset>\n")
    return respond("\n".join(body), "application/xml")


@bp.get("/robots.txt")
def robots():
    """Let crawlers in, point them at the sitemap, and keep them out of the endless query spaces."""
    lines = ["User-agent: *", "Disallow: /sparql", "Disallow: /search", "Disallow: /resource", "Allow: /",
             f"Sitemap: {page_url('/sitemap.xml')}", ""]
    return respond("\n".join(lines), "text/plain")


@bp.get("/.well-known/void", defaults={"suffix": ""})
@bp.get("/.well-known/void<any('.ttl', '.jsonld', '.nt', '.rdf'):suffix>")
def void(suffix):
    """Describe the dataset (VoID + DCAT) in Turtle or JSON-LD, by Accept or suffix."""
    # RDF first: a client that says only */* gets Turtle; a browser, which prefers text/html, gets the page.
    fmt = BY_SUFFIX.get(suffix) or choose(request.accept_mimetypes, RDF_FORMATS + (BY_SUFFIX[".html"],))
    if fmt is None:
        return not_acceptable()
    s = site()
    contact = "/-/report" if "report.report" in current_app.view_functions else "/"
    urls = {"void": page_url("/.well-known/void"), "home": page_url("/"), "sparql": page_url("/sparql"),
            "dump_ttl": page_url("/-/dump.ttl"), "dump_nq": page_url("/-/dump.nq"), "base_iri": s.iris.base + "id/",
            "described": s.iris.base + ".well-known/void", "contact": page_url(contact)}
    # Counting every statement is a whole-store query, built once per graph version: it runs in the user lane
    # (query_time_limit_ms), not under the shorter limit of page queries.
    graph = s.cached(("void", request.host_url), lambda: dataset.void(current_app.extensions["socialrx.store"], s.catalogue, urls, s.iris.base + EXAMPLE))
    links = [(request.script_root + "/.well-known/void" + f.suffix, "alternate", f.mimetype) for f in RDF_FORMATS]
    if fmt.key == "html":
        html = render_template("void.html", d=dataset.void_summary(graph, urls["described"] + "#dataset"),
                               canonical=page_url("/.well-known/void"),
                               alternates=[{"mimetype": m, "href": h, "title": m} for h, _, m in links])
        return respond(html, "text/html", links=links, negotiated=True)
    return respond(serialise(graph, fmt), fmt.mimetype, links=links, negotiated=not suffix)


@bp.get("/-/dump.ttl")
def dump_ttl():
    """Download every statement as Turtle (sources dropped)."""
    s = site()
    return respond(s.cached("dump.ttl", lambda: dataset.dump_turtle(s.store, s.kb)), "text/turtle")


@bp.get("/-/dump.nq")
def dump_nq():
    """Download every statement in the named graph of its source, as N-Quads."""
    s = site()
    return respond(s.cached("dump.nq", lambda: dataset.dump_nquads(s.store, s.kb)), "application/n-quads")


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
