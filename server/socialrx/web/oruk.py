"""Blueprint: the Open Referral UK 3.0 API under /oruk/ (the model is socialrx.oruk.directory)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from ..oruk import meta as oruk_meta
from ..oruk import openapi
from ..oruk.directory import Directory, NotFound, ParamError, parse_query
from ..pages.site import site
from . import context

bp = Blueprint("oruk", __name__, url_prefix="/oruk")
LIST_PARAMS = {"search", "taxonomy_term_id", "taxonomy_id", "minimum_age", "maximum_age"}
SCHEDULE_PARAMS = ("day", "start_time", "end_time")


def directory() -> Directory:
    root = request.host_url.rstrip("/")
    s = site()
    return s.cached(("oruk", root), lambda: Directory(context.page_store(), lambda iri: root + s.iris.path(iri)))


def _error(status: int, message: str):
    return jsonify({"status": status, "error": "Not Found" if status == 404 else "Bad Request", "message": message}), status


@bp.errorhandler(ParamError)
def param_error(e: ParamError):
    return _error(e.status, str(e))


@bp.errorhandler(NotFound)
def not_found(e: NotFound):
    return _error(404, str(e))


@bp.after_request
def open_to_all(response):
    response.headers["Access-Control-Allow-Origin"] = "*"  # ORUK profile compliance: CORS for every answer
    return response


def _paged(lister, allowed: set[str]):
    return jsonify(lister(parse_query(request.args, allowed)))


@bp.get("/")
def meta():
    return jsonify(oruk_meta.meta(directory(), url_for("oruk.openapi_json", _external=True)))


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi.document(url_for("oruk.meta", _external=True).rstrip("/")))


@bp.get("/services")
def services():
    return _paged(directory().list_services, LIST_PARAMS | set(SCHEDULE_PARAMS))


@bp.get("/services/<sid>")
def service(sid):
    return jsonify(directory().service(sid))


@bp.get("/service_at_locations")
def service_at_locations():
    return _paged(directory().list_sals, LIST_PARAMS | set(SCHEDULE_PARAMS) | {"postcode", "proximity"})


@bp.get("/service_at_locations/<key>")
def service_at_location(key):
    return jsonify(directory().sal(key))


@bp.get("/taxonomies")
def taxonomies():
    return _paged(directory().list_taxonomies, set())


@bp.get("/taxonomies/<tid>")
def taxonomy(tid):
    return jsonify(directory().taxonomy(tid))


@bp.get("/taxonomy_terms")
def taxonomy_terms():
    return _paged(directory().list_terms, {"taxonomy_id"})


@bp.get("/taxonomy_terms/<tid>")
def taxonomy_term(tid):
    return jsonify(directory().term(tid))
