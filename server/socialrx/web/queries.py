"""Blueprint: the query catalogue as pages, with CSV, TSV and JSON twins of every result."""

from __future__ import annotations


from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for

from .. import catalogue as cat
from ..pages import results
from ..store import QueryError
from ..store.results import spreadsheet_safe_csv
from . import context

bp = Blueprint("queries", __name__)

TWINS = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
}
TABLE_ROWS = 500  # rows a result page shows
# What /queries/<name> negotiates between, the page first (it also answers */*).
NEGOTIABLE = ["text/html", *TWINS.values(), "application/json"]


@bp.record_once
def _load_catalogue(state):
    # Read the query files once, when the app is built, so a malformed file stops the server early.
    settings = state.app.config["SOCIALRX_SETTINGS"]
    state.app.extensions["socialrx.catalogue"] = cat.Catalogue.load(result_cache_mb=settings.result_cache_mb)


def catalogue() -> cat.Catalogue:
    return current_app.extensions["socialrx.catalogue"]


@bp.get("/queries")
def index():
    """List the queries with title, description and tags (JSON when asked for)."""
    if _negotiate(["text/html", "application/json"]) == "application/json":
        return index_json()
    response = Response(render_template("queries.html", queries=catalogue().queries, alternates=_list_alternates()))
    return _with_links(response, _list_alternates())


@bp.get("/queries.json")
def index_json():
    """List the queries as JSON."""
    body = {"queries": [dict(q.summary(), url=url_for("queries.page", name=q.name)) for q in catalogue()]}
    return _with_links(jsonify(body), _list_alternates())


@bp.get("/queries/<name>")
@bp.get("/queries/<name>.<any(csv, tsv, json):ext>")
def page(name: str, ext: str | None = None):
    """Run one query with the query string's parameters and answer as a page or in the format asked for."""
    query = _query_or_404(name)
    mimetype = TWINS[ext] if ext else _negotiate(NEGOTIABLE)
    raw = request.args.to_dict()
    try:
        run = catalogue().run(context.store(), name, raw)
    except cat.ParameterError as error:
        return _parameter_error(query, raw, error, mimetype)
    except QueryError as error:
        abort(error.status, error.message)
    alternates = _result_alternates(query, run.share_params())
    if mimetype == "text/html":
        response = Response(render_template("query.html", alternates=alternates, **_page_context(query, raw, run=run)))
    else:
        response = _serialised(run, mimetype, download=ext == "csv")
    return _with_links(response, alternates)


def _query_or_404(name: str) -> cat.Query:
    try:
        return catalogue().get(name)
    except cat.UnknownQuery as error:
        abort(404, str(error))


def _negotiate(offers: list[str]) -> str:
    return request.accept_mimetypes.best_match(offers, default=offers[0]) or offers[0]


def _serialised(run: cat.Run, mimetype: str, download: bool = False) -> Response:
    body = run.result.serialize(TWINS["json"] if mimetype == "application/json" else mimetype)
    if download:  # the page's "Download as CSV" link opens in spreadsheets: no cell may run as a formula
        body = spreadsheet_safe_csv(body)
    response = Response(body, mimetype=mimetype)
    if mimetype.startswith("text/"):
        response.mimetype_params["charset"] = "utf-8"
    return response


def _parameter_error(query: cat.Query, raw: dict, error: cat.ParameterError, mimetype: str) -> Response:
    if mimetype in (TWINS["json"], "application/json"):
        response = jsonify({"status": 400, "error": "Bad Request", **error.as_dict()})
    elif mimetype == "text/html":
        response = Response(render_template("query.html", **_page_context(query, raw, error=error)))
    else:
        response = Response(f"400 Bad Request\n\n{error}\n", mimetype="text/plain")
    response.status_code = 400
    return response


def _page_context(query: cat.Query, raw: dict, run: cat.Run | None = None, error: cat.ParameterError | None = None) -> dict:
    """Gather what query.html shows: the form, the SPARQL, and the results in the query's view."""
    values = run.share_params() if run else {p.name: raw.get(p.name, p.default or "") for p in query.params}
    fields = [{"param": p, "value": values.get(p.name, ""), "choices": _choices(query, p)} for p in query.params]
    page = {"query": query, "fields": fields, "error": error, "run": run, "count": None}
    page["editor_url"] = editor_url(run.editor_text() if run else query.text)
    if run is None:
        return page
    base_iri, root = context.settings().base_iri, request.script_root
    variables, rows = run.result.variables, run.result.rows
    page["twins"] = {ext: url_for("queries.page", name=query.name, ext=ext, **values) for ext in TWINS}
    page["share_url"] = url_for("queries.page", name=query.name, _external=True, **values)
    # The page shows the first TABLE_ROWS rows (a 10,000-row table took seconds to render at 1M triples,
    # issue 12); the CSV, TSV and JSON twins hold every row.
    page["table"] = results.result_table(variables, rows[:TABLE_ROWS], base_iri, root)
    page["table_cut"] = TABLE_ROWS if len(rows) > TABLE_ROWS else None
    if query.view == "bar":
        page["chart"] = results.bar_chart(query, variables, rows)
    elif query.view == "map":
        page["points"] = results.map_points(variables, rows)
        page["map_size"] = (results.MAP_WIDTH, results.MAP_HEIGHT)
    elif query.view == "count":
        page["count"] = results.count_value(variables, rows)
    return page


def _choices(query: cat.Query, param: cat.Param) -> list[cat.Choice]:
    # The form stays usable (as a text box) when the store cannot list a parameter's values.
    try:
        return catalogue().choices(query, param, context.store())
    except QueryError:
        return []


def editor_url(text: str) -> str:
    """Link to the SPARQL editor with the query in the fragment, where the editor's script puts it in its one tab."""
    from .sparql import editor_href

    return editor_href(text)


def _list_alternates() -> list[dict]:
    return [{"mimetype": "application/json", "href": url_for("queries.index_json"), "title": "The queries as JSON"}]


def _result_alternates(query: cat.Query, values: dict) -> list[dict]:
    twins = [{"mimetype": mime, "href": url_for("queries.page", name=query.name, ext=ext, **values), "title": f"Results as {ext.upper()}"} for ext, mime in TWINS.items()]
    return twins + [{"mimetype": "text/html", "href": url_for("queries.page", name=query.name, **values), "title": "Results as a page"}]


def _with_links(response: Response, alternates: list[dict]) -> Response:
    response.headers["Link"] = ", ".join(f'<{a["href"]}>; rel="alternate"; type="{a["mimetype"]}"' for a in alternates)
    response.vary.add("Accept")
    return response
