"""Check documents against the vendored ORUK 3.0 schemas with `jsonschema`, every $ref resolved offline.

The published OpenAPI file names the schemas by their GitHub URLs; each vendored file is registered under
that URL in a `referencing` registry, so relative refs (`attribute.json`) resolve to the files beside it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).with_name("schemas")
PUBLISHED = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"

# What each kind of document must match: an entity schema, or one item of a paged list.
KINDS = {
    "service": "compiled/service.json",
    "service_list_item": "compiled/service_list.json",
    "service_at_location": "compiled/service_at_location.json",
    "service_at_location_list_item": "compiled/service_at_location_list.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_term": "taxonomy_term.json",
}
LIST_ITEMS = {"services": "service_list_item", "service_at_locations": "service_at_location_list_item",
              "taxonomies": "taxonomy", "taxonomy_terms": "taxonomy_term"}


def schema_files() -> list[Path]:
    return sorted(p for p in SCHEMAS.rglob("*.json") if p.name != "openapi.json")


def load_schema(relative: str) -> dict:
    schema = json.loads((SCHEMAS / relative).read_text(encoding="utf-8"))
    return {**schema, "$id": PUBLISHED + relative}


@lru_cache(maxsize=1)
def registry() -> Registry:
    resources = [(PUBLISHED + p.relative_to(SCHEMAS).as_posix(),
                  Resource.from_contents(load_schema(p.relative_to(SCHEMAS).as_posix()), default_specification=DRAFT202012))
                 for p in schema_files()]
    return Registry().with_resources(resources)


@lru_cache(maxsize=None)
def validator(kind: str) -> Draft202012Validator:
    if kind not in KINDS:
        raise KeyError(f"no ORUK schema for {kind!r}; one of {', '.join(KINDS)}")
    return Draft202012Validator(load_schema(KINDS[kind]), registry=registry(), format_checker=FormatChecker())


def errors(kind: str, document) -> list[str]:
    """Every way the document breaks the schema, as 'path: message' (empty when it conforms)."""
    found = sorted(validator(kind).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in found]


PAGE_FIELDS = {"total_items": int, "total_pages": int, "page_number": int, "size": int,
               "first_page": bool, "last_page": bool, "empty": bool, "contents": list}


def page_errors(endpoint: str, page) -> list[str]:
    """Check a paged answer: the published envelope (`components.schemas.Page`) and each item's schema."""
    if not isinstance(page, dict):
        return ["(root): a paged answer must be a JSON object"]
    found = [f"{k}: missing or not {t.__name__}" for k, t in PAGE_FIELDS.items()
             if not isinstance(page.get(k), t) or (t is int and isinstance(page.get(k), bool))]
    for i, item in enumerate(page.get("contents") or []):
        found += [f"contents/{i}/{e}" for e in errors(LIST_ITEMS[endpoint], item)]
    return found
