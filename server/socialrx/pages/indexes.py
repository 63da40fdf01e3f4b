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


def local_part(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def short_names(spec, builder) -> dict[str, dict[str, str]]:
    """Facet key -> value IRI -> the short name its URLs use: the IRI's last segment when no other value of that
    facet shares it (?aim=direct-people-to-services), else the whole IRI. Read once per member table."""
    table = builder.table(spec)
    cache = builder.__dict__.setdefault("_short_names", {})
    if cache.get(spec.name, (None,))[0] is not table:
        values: dict[str, set[str]] = {}
        for entry in table.values():
            for key, vs in entry.items():
                values.setdefault(key, set()).update(vs)
        names = {}
        for key, vs in values.items():
            taken: dict[str, int] = {}
            for v in vs:
                taken[local_part(v)] = taken.get(local_part(v), 0) + 1
            names[key] = {v: local_part(v) if taken[local_part(v)] == 1 else v for v in vs}
        cache[spec.name] = (table, names)
    return cache[spec.name][1]


def resolve(key: str, raw: list[str], names: dict[str, dict[str, str]]) -> list[str]:
    """Turn the values in a URL (short names or whole IRIs) back into IRIs."""
    by_short = {short: iri for iri, short in names.get(key, {}).items()}
    return [by_short.get(value, value) for value in raw]


def respond_index(spec, builder, json_twin: bool):
    """Answer /<index> or /<index>.json for the facets and page in the query string."""
    s = site()
    names = short_names(spec, builder)
    selected = {f.key: resolve(f.key, request.args.getlist(f.key), names) for f in spec.facets}
    page = request.args.get("page", "1")
    page = page_number(page)
    listing = builder.listing(spec, selected, page, s.settings.page_size)
    base = "/" + spec.name
    state = {k: [names.get(k, {}).get(v, v) for v in vs] for k, vs in listing.selected.items() if vs}

    def page_href(n, suffix=""):
        args = dict(state)
        if n > 1:
            args["page"] = [str(n)]
        return url_with(base + suffix, args)

    def toggle_href(key, iri):
        args = {k: list(v) for k, v in state.items()}
        values = args.setdefault(key, [])
        iri = names.get(key, {}).get(iri, iri)
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

    s.catalogue.prefetch_types(listing.items)  # the types shown beside each item: one lookup, not one per item
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
        page_href=page_href, toggle_href=toggle_href, facet_links=facet_links, clear_href=url_with(base, {}),
        jsonld=schema_org.item_list(spec.title, page_url(page_href(listing.page)[len(request.script_root):]), [(x, s.catalogue.label(x)) for x in listing.items]),
        canonical=page_url(page_href(listing.page)[len(request.script_root):]),
        alternates=[{"mimetype": "application/json", "href": page_href(listing.page, ".json"), "title": "JSON"}],
    )
    return respond(html, "text/html", links=links)
