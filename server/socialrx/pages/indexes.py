"""Class index responses: HTML with facets and a pager, a .json twin, and Link: rel=next."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import json, render_template, request

from . import schema_org
from .documents import page_number, page_url
from .responses import respond
from .navigation import is_static
from .site import site


def url_with(path: str, args: dict[str, list[str]]) -> str:
    pairs = [(k, v) for k, vs in args.items() for v in vs]
    return request.script_root + path + ("?" + urlencode(pairs) if pairs else "")


def respond_index(spec, builder, json_twin: bool):
    """Answer /<index> or /<index>.json for the facets and page in the query string."""
    s = site()
    selected = {f.key: request.args.getlist(f.key) for f in spec.facets}
    page = request.args.get("page", "1")
    page = page_number(page)
    listing = builder.listing(spec, selected, page, s.settings.page_size)
    base = "/" + spec.name
    state = {k: v for k, v in listing.selected.items() if v}

    def page_href(n, suffix=""):
        args = dict(state)
        if n > 1:
            args["page"] = [str(n)]
        return url_with(base + suffix, args)

    def toggle_href(key, iri):
        args = {k: list(v) for k, v in state.items()}
        values = args.setdefault(key, [])
        if iri in values:
            values.remove(iri)
        else:
            values.append(iri)
        return url_with(base, {k: v for k, v in args.items() if v})

    suffix = ".json" if json_twin else ""
    links = [(page_href(listing.page + 1, suffix), "next", None)] if listing.page < listing.pages else []
    if listing.page > 1:
        links.append((page_href(listing.page - 1, suffix), "prev", None))
    links.append((page_href(listing.page, ".json" if not json_twin else ""), "alternate", "text/html" if json_twin else "application/json"))

    if json_twin:
        body = {
            "title": spec.title, "total": listing.total, "page": listing.page, "pages": listing.pages,
            "next_url": page_url(page_href(listing.page + 1, ".json")[len(request.script_root):]) if listing.page < listing.pages else None,
            "items": [{"iri": x, "label": s.catalogue.label(x), "href": s.iris.path(x),
                       "types": s.catalogue.most_specific_types(x)} for x in listing.items],
            "facets": {fv.facet.key: [{"iri": v.iri, "label": v.label, "count": v.count, "selected": v.selected} for v in fv.values] for fv in listing.facets},
        }
        return respond(json.dumps(body, ensure_ascii=False, indent=1), "application/json", links=links)

    # A static copy holds one page per single facet value, so only the unfiltered list links facets.
    facet_links = not (is_static() and state)
    html = render_template(
        "index.html", listing=listing, spec=spec, terms=s.terms, catalogue=s.catalogue,
        page_href=page_href, toggle_href=toggle_href, facet_links=facet_links,
        jsonld=schema_org.item_list(spec.title, page_url(page_href(listing.page)[len(request.script_root):]), [(x, s.catalogue.label(x)) for x in listing.items]),
        canonical=page_url(page_href(listing.page)[len(request.script_root):]),
        alternates=[{"mimetype": "application/json", "href": page_href(listing.page, ".json"), "title": "JSON"}],
    )
    return respond(html, "text/html", links=links)
