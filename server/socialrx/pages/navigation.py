"""What every page's header and footer link to, and whether we are rendering for the static site."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import request

from ..namespaces import SRX

STATIC_FLAG = "socialrx.static"
ABSOLUTE_FLAG = "socialrx.static_absolute"  # the static copy knows the address it will be served from
NAV = (
    ("/schemes", "Schemes"), ("/organisations", "Organisations"), ("/places", "Places"),
    ("/programmes", "Programmes"), ("/sources", "Sources"), ("/concepts", "Concepts"),
    ("/find", "Find a scheme"), ("/postcode", "Postcode"), ("/queries", "Queries"), ("/sparql", "SPARQL"),
)
LIVE_ONLY = ("/find", "/postcode", "/queries", "/sparql")  # dynamic pages a static copy cannot answer
FOOTER = (
    ("/vocab", "Vocabularies"), ("/ontology", "Ontology"), ("/.well-known/void", "Dataset description (VoID)"),
    ("/-/dump.ttl", "Download all (Turtle)"), ("/-/dump.nq", "Download all with sources (N-Quads)"),
    ("/-/links", "External identifiers"), ("/-/settings", "Settings"), ("/sitemap.xml", "Sitemap"),
)


@dataclass
class NavItem:
    href: str
    text: str
    current: bool


def is_static() -> bool:
    """Say whether this request renders a page for `socialrx build-site`."""
    return bool(request.environ.get(STATIC_FLAG))


def nav_items() -> list[NavItem]:
    root, path = request.script_root, request.path
    static = is_static()
    return [NavItem(root + href, text, path == href or path.startswith(href + "/") or path.startswith(href + "."))
            for href, text in NAV if not (static and href in LIVE_ONLY)]


def footer_links() -> list[tuple[str, str]]:
    root = request.script_root
    return [(root + href, text) for href, text in FOOTER]


def context() -> dict:
    """Template globals for base.html."""
    return {"nav_items": nav_items, "footer_links": footer_links, "static_site": is_static(), "srx_ns": str(SRX)}


def slug(text: str) -> str:
    """Make an HTML id from any text (an IRI, a label)."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[-60:] or "x"
