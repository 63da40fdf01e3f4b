"""Our OpenAPI 3.0 document, derived from the published ORUK 3.0 one (vendored in schemas/openapi.json).

Kept: the paths, parameters and the `Page` envelope. Changed, and why: the response schemas are inlined
under components.schemas (the published file points at GitHub URLs; ours must resolve offline) with only the
keywords OpenAPI 3.0 Schema Objects allow; `start_time`'s published type "time" (not an OpenAPI type) becomes
string/time; the taxonomy_terms operationIds, swapped in the published file, are put right; `servers` names
this site. As a derivative of a CC BY-SA 4.0 work, the document is shared under CC BY-SA 4.0.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache

from .meta import LEFT_OUT_SCHEMA
from .validation import PUBLISHED, SCHEMAS, load_schema

PATHS = ("/", "/services", "/services/{id}", "/service_at_locations", "/service_at_locations/{id}",
         "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms", "/taxonomy_terms/{id}")
SCHEMA_KEYS = {"title", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
               "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties",
               "required", "enum", "type", "allOf", "oneOf", "anyOf", "not", "items", "properties",
               "additionalProperties", "description", "format", "default", "nullable", "readOnly", "writeOnly", "deprecated"}
COMPONENTS = {  # published $ref URL → our component name
    PUBLISHED + "compiled/service.json": "service",
    PUBLISHED + "compiled/service_list.json": "service_list",
    PUBLISHED + "compiled/service_at_location.json": "service_at_location",
    PUBLISHED + "compiled/service_at_location_list.json": "service_at_location_list",
    PUBLISHED + "taxonomy.json": "taxonomy",
    PUBLISHED + "taxonomy_term.json": "taxonomy_term",
}
LICENCE = {"name": "Creative Commons Attribution-ShareAlike 4.0", "url": "https://creativecommons.org/licenses/by-sa/4.0/"}


def clean_schema(schema):
    """Keep only what an OpenAPI 3.0 Schema Object may hold (property names under `properties` are kept as they are)."""
    if isinstance(schema, list):
        return [clean_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key == "properties":
            out[key] = {name: clean_schema(sub) for name, sub in value.items()}
        elif key in ("items", "not", "additionalProperties") and isinstance(value, dict):
            out[key] = clean_schema(value)
        elif key in ("allOf", "oneOf", "anyOf"):
            out[key] = [clean_schema(v) for v in value]
        elif key in SCHEMA_KEYS:
            out[key] = value
    if isinstance(out.get("required"), list) and not out["required"]:
        del out["required"]
    return out


def _inline(relative: str) -> dict:
    """A per-entity schema with its relative $refs ('attribute.json') replaced by the schemas themselves."""
    def resolve(node):
        if isinstance(node, dict):
            if "$ref" in node and node["$ref"].endswith(".json"):
                return resolve(load_schema(node["$ref"]))
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node
    return resolve(load_schema(relative))


def _rewrite_refs(node):
    if isinstance(node, dict):
        if "$ref" in node and node["$ref"] in COMPONENTS:
            return {"$ref": f"#/components/schemas/{COMPONENTS[node['$ref']]}"}
        return {k: _rewrite_refs(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


@lru_cache(maxsize=1)
def _base() -> dict:
    published = json.loads((SCHEMAS / "openapi.json").read_text(encoding="utf-8"))
    paths = {p: _rewrite_refs(published["paths"][p]) for p in PATHS}
    paths["/taxonomy_terms"]["get"]["operationId"] = "getPaginatedListOfTaxonomyTerms"
    paths["/taxonomy_terms/{id}"]["get"]["operationId"] = "getTaxonomyTermById"
    used = {ref.rsplit("/", 1)[-1] for ref in _refs(paths) if ref.startswith("#/components/parameters/")}
    parameters = {k: copy.deepcopy(v) for k, v in published["components"]["parameters"].items() if k in used}
    if "start_time" in parameters:
        parameters["start_time"]["schema"] = {"type": "string", "format": "time"}
    if "end_time" in parameters:
        parameters["end_time"]["schema"] = {"type": "string", "format": "time"}
    meta = paths["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    meta["properties"]["socialrx_left_out"] = LEFT_OUT_SCHEMA  # our extra field (see oruk.meta)
    schemas = {"Page": published["components"]["schemas"]["Page"]}
    for url, name in COMPONENTS.items():
        relative = url[len(PUBLISHED):]
        schemas[name] = clean_schema(load_schema(relative) if relative.startswith("compiled/") else _inline(relative))
    return {"paths": paths, "components": {"schemas": schemas, "parameters": parameters}}


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def document(server_url: str) -> dict:
    """The OpenAPI document for the API served at server_url (e.g. http://host/oruk)."""
    base = copy.deepcopy(_base())
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "socialrx: Open Referral UK 3.0 API",
            "version": "3.0",
            "description": ("Social prescribing and navigation schemes, and the directory services imported into socialrx, "
                            "published in the Open Referral UK 3.0 profile of HSDS 3.0. Derived from the ORUK 3.0 OpenAPI "
                            "document (Open Referral UK, CC BY-SA 4.0). Services whose status no source states are left "
                            "out, as ORUK requires a status and we never guess one: the root answer (/) says how many, "
                            "in socialrx_left_out; schedule filters (day, start_time, end_time) match nothing because no service here "
                            "states a schedule."),
            "license": LICENCE,
        },
        "servers": [{"url": server_url}],
        **base,
    }
