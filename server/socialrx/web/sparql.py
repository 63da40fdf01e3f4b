"""Blueprint: the SPARQL endpoint (SPARQL 1.1 Protocol) and its query editor page.

The view only moves values between HTTP and store.protocol (request reading, negotiation, service
description) and the store (running the query).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from .. import paths
from ..namespaces import sparql_prologue
from ..pages.scheme_definition import scheme_pattern
from ..store import QueryError, protocol
from . import context

bp = Blueprint("sparql", __name__)

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-SPARQL-Truncated, X-SPARQL-Max-Rows, Server-Timing",
}
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    """Answer a SPARQL query; without one, show the editor (browsers) or the service description."""
    if request.method == "OPTIONS":
        return Response(status=204, headers={**CORS, **PREFLIGHT, "Vary": "Accept"})
    accept, fmt = request.headers.get("Accept", ""), request.args.get("format")
    text = None
    try:
        _check_size()
        asked = protocol.read_request(request.method, request.mimetype, request.args,
                                      request.form if request.mimetype == "application/x-www-form-urlencoded" else {},
                                      request.get_data(cache=True) if request.method == "POST" else None)
        text = asked.query
        if text is None:
            return _describe_or_edit(accept, fmt)
        if protocol.negotiate(None, accept, fmt) is None:
            raise protocol.not_acceptable(None, accept, fmt)
        result = context.store().query(text, default_graph_uris=asked.default_graph_uris,
                                       named_graph_uris=asked.named_graph_uris)
        mime = protocol.negotiate(result.kind, accept, fmt)
        if mime is None:
            raise protocol.not_acceptable(result.kind, accept, fmt)
        if mime == protocol.HTML:
            return _finish(Response(_page(text, result=result)), result)
        return _finish(Response(result.serialize(mime), content_type=_content_type(mime)), result)
    except RequestEntityTooLarge:
        return _error(_too_large(), accept, fmt, text)
    except QueryError as e:
        return _error(e, accept, fmt, text)


def _check_size():
    limit = context.settings().max_request_kb * 1024
    if len(request.query_string) > limit or (request.content_length or 0) > limit:
        raise _too_large()


def _too_large() -> QueryError:
    kb = context.settings().max_request_kb
    return QueryError(f"The request is larger than {kb} KiB, the most this endpoint accepts (setting max_request_kb). "
                      f"Shorten the query, e.g. move long VALUES lists into the data.", status=413)


def _describe_or_edit(accept, fmt):
    wanted = protocol.negotiate("graph", accept, fmt)
    if wanted == protocol.HTML:
        return _finish(Response(_page(None)))
    if wanted is None:
        raise protocol.not_acceptable("graph", accept, fmt)
    return _finish(Response(_description(wanted), content_type=_content_type(wanted)))


def _description(wanted: str) -> bytes:
    """The service description in the format wanted, built and written once per graph version and address (at 1M
    triples its 2,536 graphs make 15,000 statements: 0.6-0.75 s to write with rdflib on every request)."""
    store, settings = context.store(), context.settings()
    url = request.base_url
    key = ("socialrx.sparql.description", id(store), url, store.triple_count(), tuple(store.graph_names()))
    cache = current_app.extensions.setdefault("socialrx.sparql", {})
    entry = cache.get("description")  # (key, graph, bodies), replaced as one, so a graph never meets another's bodies
    if entry is None or entry[0] != key:
        graph = protocol.service_description(url, protocol.graph_sizes(store), store.triple_count(), settings)
        entry = cache["description"] = (key, graph, {})
    _, graph, bodies = entry
    if wanted not in bodies:
        bodies[wanted] = graph.serialize(format=protocol.DESCRIPTION_FORMATS[wanted], encoding="utf-8")
    return bodies[wanted]


def _page(text, result=None, error=None) -> str:
    settings = context.settings()
    config = {
        "endpoint": request.base_url,
        "defaultQuery": EXAMPLE,
        "query": text,
        "baseIri": settings.base_iri,
        "root": request.script_root,
        "maxRows": settings.max_returned_rows,
    }
    examples = protocol.load_examples(_queries_folder())
    return render_template("sparql.html", config=config, result=result, error=error, query_text=text,
                           table=_table(result), settings=settings, examples=examples, editor_href=editor_href)


# The query the editor opens with: the schemes, with their types and areas ("scheme" as pages/scheme_definition.py says).
EXAMPLE = sparql_prologue(["srx", "rdfs"]) + f"""
# Every scheme and the areas it serves. Press the run button (▶) to see them.
SELECT ?scheme (SAMPLE(?label) AS ?name) (GROUP_CONCAT(DISTINCT ?areaName; separator=", ") AS ?areas)
WHERE {{
  {scheme_pattern("scheme")}
  ?scheme rdfs:label ?label .
  OPTIONAL {{ ?scheme srx:areaServed/rdfs:label ?areaName }}
}}
GROUP BY ?scheme
ORDER BY ?name
"""


def editor_href(text: str) -> str:
    """Open a query in the editor's one tab: the query rides in the fragment, which the page's script reads."""
    return f"{request.script_root}/sparql#query={quote(text, safe='')}"


def _queries_folder():
    return current_app.config.get("SOCIALRX_QUERIES_DIR") or paths.folder("queries")


def _table(result):
    if result is None or result.kind == "ask":
        return None
    from ..pages.results import result_table

    if result.kind == "graph":
        rows = [{"subject": s, "predicate": p, "object": o} for s, p, o in result.triples]
        return result_table(["subject", "predicate", "object"], rows, context.settings().base_iri, request.script_root)
    return result_table(result.variables, result.rows, context.settings().base_iri, request.script_root)


def _content_type(mime: str) -> str:
    return f"{mime}; charset=utf-8" if mime.startswith("text/") else mime


def _finish(response: Response, result=None) -> Response:
    response.headers.update(CORS)
    response.vary.add("Accept")
    if result is not None:
        response.headers["Server-Timing"] = f"query;dur={result.elapsed_ms:.1f}"
        if result.truncated:
            response.headers["X-SPARQL-Truncated"] = "true"
            response.headers["X-SPARQL-Max-Rows"] = str(context.settings().max_returned_rows)
    return response


def _error(e: QueryError, accept, fmt, text):
    if e.status != 406 and protocol.negotiate(None, accept, fmt) == protocol.HTML:
        response = Response(_page(text, error=e), status=e.status)
    else:
        response = Response(f"{e.status} {_reason(e.status)}\n\n{e.message}\n", status=e.status,
                            content_type="text/plain; charset=utf-8")
    if e.status == 503:
        response.headers["Retry-After"] = "1"
    return _finish(response)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
