"""An HSDS/ORUK 3.0 tabular data package (datapackage.json + one CSV per table) joined into nested services,
so it imports like a feed. Tables are found by their resource `name` (service, organization, location …).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from pathlib import Path


class TabularError(Exception):
    pass


def _table(folder: Path, resource: dict, max_bytes: int, digest) -> list[dict]:
    path = folder / str(resource.get("path", ""))
    if not path.is_file() or not path.resolve().is_relative_to(folder.resolve()):
        raise TabularError(f"{folder / 'datapackage.json'}: resource {resource.get('name')!r} names {resource.get('path')!r}, which is not a file in the package")
    if path.stat().st_size > max_bytes:
        raise TabularError(f"{path} is larger than {max_bytes // (1024 * 1024)} MiB (--max-mb)")
    body = path.read_bytes()
    digest.update(hashlib.sha256(body).digest())
    try:
        return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error) as e:
        raise TabularError(f"{path}: not a readable UTF-8 CSV file ({e})") from None


def _by(rows: list[dict], column: str) -> dict[str, list[dict]]:
    out = defaultdict(list)
    for row in rows:
        if row.get(column):
            out[row[column]].append(row)
    return out


def read_package(descriptor: Path, doc: dict, max_bytes: int) -> tuple[list[dict], str, int, str]:
    """Return (services, SHA-256 of descriptor and tables, bytes read, licence) for a data package."""
    folder = descriptor.parent
    digest = hashlib.sha256(descriptor.read_bytes())
    tables: dict[str, list[dict]] = {}
    size = descriptor.stat().st_size
    for resource in doc["resources"]:
        if not isinstance(resource, dict) or not str(resource.get("path", "")).endswith(".csv"):
            continue
        name = str(resource.get("name", ""))
        path = folder / str(resource.get("path", ""))
        if not path.is_file():
            continue  # a package need not ship every table the descriptor describes
        tables[name] = _table(folder, resource, max_bytes, digest)
        size += path.stat().st_size
    if "service" not in tables:
        raise TabularError(f"{descriptor}: no service table (a resource named 'service' with its CSV file)")
    organisations = {r["id"]: r for r in tables.get("organization", []) if r.get("id")}
    locations = {r["id"]: r for r in tables.get("location", []) if r.get("id")}
    addresses = _by(tables.get("address", []), "location_id")
    sals = _by(tables.get("service_at_location", []), "service_id")
    contacts = _by(tables.get("contact", []), "service_id")
    phones_by_contact = _by(tables.get("phone", []), "contact_id")
    phones_by_service = _by(tables.get("phone", []), "service_id")
    areas = _by(tables.get("service_area", []), "service_id")
    attributes = _by(tables.get("attribute", []), "link_id")
    terms = {r["id"]: r for r in tables.get("taxonomy_term", []) if r.get("id")}
    taxonomies = {r["id"]: r for r in tables.get("taxonomy", []) if r.get("id")}
    services = []
    for row in tables["service"]:
        s = dict(row)
        sid = row.get("id", "")
        if row.get("organization_id") in organisations:
            s["organization"] = organisations[row["organization_id"]]
        s["service_at_locations"] = [
            {**sal, "location": {**locations[sal["location_id"]], "addresses": addresses.get(sal["location_id"], [])}}
            for sal in sals.get(sid, []) if sal.get("location_id") in locations]
        s["contacts"] = [{**c, "phones": phones_by_contact.get(c.get("id"), [])} for c in contacts.get(sid, [])]
        s["phones"] = phones_by_service.get(sid, [])
        s["service_areas"] = areas.get(sid, [])
        s["attributes"] = []
        for a in attributes.get(sid, []):
            term = terms.get(a.get("taxonomy_term_id"))
            if term:
                detail = taxonomies.get(term.get("taxonomy_id"))
                s["attributes"].append({**a, "taxonomy_term": {**term, **({"taxonomy_detail": detail} if detail else {})}})
        services.append(s)
    licence = doc.get("license") or doc.get("licence") or (doc.get("licenses") or [None])[0]
    if isinstance(licence, dict):
        licence = licence.get("url") or licence.get("path") or licence.get("name") or ""
    return services, digest.hexdigest(), size, str(licence or "")
