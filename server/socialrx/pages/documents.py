"""Turn page models into responses: HTML through templates, RDF through serialisers, with negotiation."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import render_template, request

from . import schema_org, twins
from .responses import respond
from .search_index import site_index
from .iris import valid_iri
from .navigation import ABSOLUTE_FLAG, is_static
from .access import scheme_access
from .by_source import by_source
from .area_walk import took_over
from .scheme_definition import schemes_in_area
from .nhs_cover import nhs_cover
from .negotiation import FORMATS, Format, choose, serialise
from .site import site


def page_url(path: str) -> str:
    """Return the absolute URL of a local path on this host (root-relative on a static copy with no address)."""
    if is_static() and not request.environ.get(ABSOLUTE_FLAG):
        return request.script_root + path
    return request.host_url.rstrip("/") + request.script_root + path


def alternates(iri: str) -> list[dict]:
    """List the representations of a resource: HTML and each RDF format, with their URLs."""
    s = site()
    out = []
    for fmt in FORMATS:
        if fmt.rdflib_name is None and fmt.key != "html" and is_static():
            continue  # the static copy keeps the triple twins; the quad twins (TriG, N-Quads) are the live server's
        if s.iris.is_local(iri):
            href = request.script_root + s.iris.path(iri) + fmt.suffix
        else:
            href = f"{request.script_root}/resource{fmt.suffix}?uri={quote(iri, safe='')}"

        out.append({"key": fmt.key, "mimetype": fmt.mimetype, "title": fmt.title, "href": href, "suffix": fmt.suffix})
    return out


def negotiate(fmt: Format | None) -> Format | None:
    """Return the suffix's format, or the one the Accept header prefers."""
    return fmt or choose(request.accept_mimetypes)


def not_acceptable():
    offered = ", ".join(f.mimetype for f in FORMATS)
    return respond(f"406 Not Acceptable\n\nThis resource is available as {offered}.\n", "text/plain", status=406, negotiated=True)


def not_found(iri: str | None, fmt: Format | None = None, message: str | None = None):
    """Answer an unknown resource: a helpful HTML page with search, or a short text for machines."""
    message = message or (f"There is no resource with the IRI {iri} in this graph." if iri else "There is no page at this address.")
    if fmt is not None and fmt.key != "html":
        return respond(f"404 Not Found\n\n{message}\n", "text/plain", status=404, negotiated=True)
    guess = _guess(iri or request.path)
    hits = site_index(site()).search(guess, limit=8) if guess else []
    html = render_template("404.html", message=message, guess=guess, hits=hits, terms=site().terms)
    return respond(html, "text/html", status=404, negotiated=True)


def _guess(text: str) -> str:
    tail = text.rstrip("/").rsplit("/", 1)[-1]
    for suffix in (".html", ".ttl", ".jsonld", ".nt", ".rdf"):
        tail = tail.removesuffix(suffix)
    return " ".join(w for w in tail.replace("-", " ").replace("_", " ").split() if w.isalnum())[:80]


MAX_PAGE_DIGITS = 9


def page_number(text: str) -> int:
    """Read ?page=: a whole number (1 when absent or not a number); absurdly long numbers are the client's error
    (Python refuses to convert more than 4,300 digits, issue 14)."""
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text.lstrip("0")) > MAX_PAGE_DIGITS:
        from werkzeug.exceptions import BadRequest

        raise BadRequest(f"page={text[:20]}… is not a page number: give a whole number of at most {MAX_PAGE_DIGITS} digits.")
    return max(int(text), 1)


def entity(iri: str, fmt: Format | None):
    """Answer a resource in the negotiated format, or 404/406."""
    fmt = negotiate(fmt)
    if fmt is None:
        return not_acceptable()
    if not valid_iri(iri):
        return not_found(None, fmt, "That is not an IRI this graph could hold: an IRI has a scheme such as https: and no spaces, quotes or angle brackets.")
    s = site()
    incoming = request.args.get("incoming")
    page_no = request.args.get("page", "1")
    page_no = page_number(page_no)
    if fmt.key in twins.WRITERS:
        return _twin(s, iri, fmt, page_no)
    model = s.entity(iri, incoming, page_no)
    if not model.exists:
        return not_found(iri, fmt)
    alts = alternates(iri)
    canonical = page_url(s.iris.path(iri))
    links = [(a["href"], "alternate", a["mimetype"]) for a in alts] + [(canonical, "canonical", None)]
    if fmt.key != "html":
        return respond(serialise(model.rdf, fmt), fmt.mimetype, links=links, negotiated=True)
    nxt = _next_incoming(model, incoming)
    if nxt:
        links.append((nxt, "next", "text/html"))
    templates = [f"entity-{key}.html" for key in model.class_keys] + ["entity.html"]
    html = render_template(
        templates, page=model, alternates=alts, canonical=canonical, index=_index_for(model),
        jsonld=schema_org.embed(model, s.catalogue, canonical), incoming_href=_incoming_href,
        nhs_cover=lambda: nhs_cover(s.store, iri), terms=s.terms,  # for the area and service templates
        scheme_access=lambda: scheme_access(s.store, iri),  # "Using this scheme" on service pages
        by_source=lambda: by_source(model, s.store, s.terms),  # "What the sources say", one source at a time
        schemes_here=lambda: sorted(schemes_in_area(s.store, iri), key=lambda x: s.catalogue.label(x).lower()),  # area pages: schemes here and in the areas within
        took_over_from=lambda: sorted((a for a in took_over(s.store, iri) if a != iri), key=lambda x: s.catalogue.label(x).lower()),  # and in the areas it replaced
    )
    return respond(html, "text/html", links=links, negotiated=True)


def _twin(s, iri: str, fmt: Format, page_no: int):
    """Answer an RDF twin from one CONSTRUCT, serialised by the engine; large resources come in pages."""
    twin = twins.build(s.store, iri, page_no, fmt.key)
    if twins.is_empty(twin) and not s.entity(iri, None, 1).exists:  # a graph name or a property has an empty twin
        return not_found(iri, fmt)
    canonical = page_url(s.iris.path(iri))
    links = [(a["href"], "alternate", a["mimetype"]) for a in alternates(iri)] + [(canonical, "canonical", None)]
    here = request.script_root + request.path
    for rel, n in (("next", twin.page + 1), ("prev", twin.page - 1)):
        if 1 <= n <= twin.pages and n != twin.page:
            links.append((here + (f"?page={n}" if n > 1 else "") if "uri" not in request.args else
                          here + "?" + urlencode({"uri": iri, **({"page": n} if n > 1 else {})}), rel, fmt.mimetype))
    return respond(twins.write(twin, fmt.key), fmt.mimetype, links=links, negotiated=True)


def _incoming_href(group, page: int) -> str:
    args = {k: v for k, v in request.args.items() if k not in ("incoming", "page")}
    if page > 1:
        args.update({"incoming": group.param, "page": str(page)})
    query = urlencode(args)
    return request.script_root + request.path + (f"?{query}" if query else "") + f"#{group.anchor}"


def _next_incoming(model, incoming):
    for group in model.incoming:
        if group.param == incoming and group.page < group.pages:
            return _incoming_href(group, group.page + 1).split("#")[0]
    return None


def _index_for(model):
    """Return (href, title) of the class index a resource belongs in, for the breadcrumb."""
    from .facets import INDEXES

    s = site()
    for spec in INDEXES.values():
        if s.catalogue.is_a(model.iri, spec.cls):
            return request.script_root + "/" + spec.name, spec.title
    return None
