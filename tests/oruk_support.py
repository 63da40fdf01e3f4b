"""Shared by the ORUK tests: a real HTTP server on 127.0.0.1 that serves feed pages, and the messy feeds it serves.

The messy feeds are synthetic, and say so: no real ORUK records are shipped in shared/realdata (the Bristol
capture its PROVENANCE names is not there), so the pages reuse the official examples' shape (example.com,
"Example …") with the faults real feeds show: empty strings where a code is expected, missing and duplicate
ids, HTML in descriptions, unknown fields, invalid coordinates. The one real value is the postcode BS1 1NG,
which the shipped Code-Point Open slice places in Bristol, so postcode and proximity queries have a centroid.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "oruk"
OURS = "https://w3id.org/socialrx/id/"
AIM = OURS + "vocab/aims/direct-people-to-services"
OLDER = OURS + "vocab/client-groups/older-people"


def example(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class FeedServer:
    """Serves `routes` (path with query → (status, body bytes)) on 127.0.0.1; `delay` (seconds) per path."""

    def __init__(self):
        self.routes: dict[str, tuple[int, bytes]] = {}
        self.delay: dict[str, float] = {}
        self.requests: list[str] = []
        routes, delay, requests = self.routes, self.delay, self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                requests.append(self.path)
                time.sleep(delay.get(urlsplit(self.path).path, 0))
                status, body = routes.get(self.path) or routes.get(urlsplit(self.path).path) or (404, b'{"error": "not found"}')
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (the size-limit test does)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/feed"

    def serve(self, path: str, doc, status: int = 200) -> None:
        self.routes[path] = (status, doc if isinstance(doc, bytes) else json.dumps(doc).encode())

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _v3_page(items, page, pages, total):
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(items),
            "first_page": page == 1, "last_page": page == pages, "empty": total == 0, "contents": items}


def v3_services() -> tuple[list, dict]:
    """Two pages of an ORUK 3.0 feed: the good services and what must be refused, by id."""
    base = example("oruk-3.0/service_full.json")
    good = copy.deepcopy(base)
    good.update(id="11111111-1111-4111-8111-111111111111", name="Example Befriending (synthetic)", status="active",
                description="<p>Weekly <b>befriending</b> calls &amp; visits.</p>", minimum_age=65)
    good.pop("maximum_age")
    good["service_at_locations"][0]["location"].update(latitude=51.4532, longitude=-2.5948)
    good["service_at_locations"][0]["location"]["addresses"][0].update(postal_code="BS1 1NG", city="Bristol", country="GB")
    good["service_areas"] = [{"id": "a1", "name": "Bristol", "uri": "http://statistics.data.gov.uk/id/statistical-geography/E06000023"}]
    good["attributes"] = [
        {"id": "at1", "taxonomy_term": {"id": "t-aim", "name": "Direct people to services", "description": "from socialrx",
                                        "term_uri": AIM, "taxonomy": "Aims of schemes"}},
        {"id": "at2", "taxonomy_term": {"id": "t-older", "name": "Older people", "description": "esd circumstance",
                                        "taxonomy": "Circumstances"}},
    ]
    messy = copy.deepcopy(base)
    messy.update(id="22222222-2222-4222-8222-222222222222", name="Example Lunch Club (synthetic)", status="",
                 email="not an email", url="www.example.com/no-scheme", surprise_field={"unknown": True})
    messy["service_at_locations"][0]["location"].update(latitude=999, longitude=-2.6)
    no_id = copy.deepcopy(base)
    no_id.pop("id")
    no_name = {"id": "33333333-3333-4333-8333-333333333333", "name": "  ", "status": "active"}
    duplicate = copy.deepcopy(good)
    duplicate["name"] = "A second record with the first one's id"
    page1 = [good, messy, no_id]
    page2 = [duplicate, no_name, "not an object"]
    refused = {"": "no id", "33333333-3333-4333-8333-333333333333": "no name", good["id"]: "duplicate id", "(no id)": "must be a JSON object"}
    return [page1, page2], refused


def serve_v3(server: FeedServer, pages: list[list]) -> None:
    total = sum(len(p) for p in pages)
    server.serve("/feed/", {"version": "3.0", "profile": "https://github.com/OpenReferralUK/uk-profile",
                            "openapi_url": server.base + "/openapi.json",
                            "license": "https://creativecommons.org/licenses/by/4.0/"})
    for n, items in enumerate(pages, start=1):
        server.serve(f"/feed/services?page={n}&per_page=100", _v3_page(items, n, len(pages), total))


def v1_services() -> list[list]:
    """Two pages of an ORUK 1.0 ("classic") feed in the nested shape live v1 feeds serve."""
    good = {"id": "v1-good-1", "name": "Example Walking Group (synthetic)", "description": "Weekly walks.&nbsp;All welcome.",
            "url": "https://example.com/walks", "email": "walks@example.com", "status": "active", "fees": "Free",
            "deliverable_type": "", "attending_type": "Venue", "attending_access": "",
            "organization": {"id": "0e8b7c2e-0000-4000-8000-000000000001", "name": "Example Trust", "description": "An example trust.",
                             "url": "https://example.com"},
            "eligibilitys": [{"id": "e1", "eligibility": "adult", "minimum_age": 18, "maximum_age": None}],
            "contacts": [{"id": "c1", "name": "Reception", "phones": [{"id": "p1", "number": "0117 000 0000"}]}],
            "service_at_locations": [{"id": "sal1", "location": {"id": "loc1", "name": "Example Hall", "latitude": 51.45,
                                                                  "longitude": -2.59, "physical_addresses": [
                                                                      {"id": "pa1", "address_1": "1 Example Street", "city": "Bristol",
                                                                       "postal_code": "BS1 1NG", "country": "GB"}]}}],
            "service_areas": [{"id": "sa1", "service_area": "Bristol"}],
            "service_taxonomys": [{"id": "st1", "taxonomy": {"id": "esd-1", "name": "Older people", "vocabulary": "esdCircumstances"}}],
            "regular_schedules": []}
    second = copy.deepcopy(good)
    second.update(id="v1-good-2", name="Example Craft Club (synthetic)", eligibilitys=[{"id": "e2", "minimum_age": "sixteen"}])
    broken = copy.deepcopy(good)
    broken.pop("id")
    return [[good, broken], [second]]


def serve_v1(server: FeedServer, pages: list[list]) -> None:
    total = sum(len(p) for p in pages)
    for n, items in enumerate(pages, start=1):
        server.serve(f"/feed/services?page={n}&per_page=100",
                     {"totalElements": total, "totalPages": len(pages), "number": n, "size": len(items),
                      "first": n == 1, "last": n == len(pages), "content": items})


# The official examples (ORUK 3.0 and HSDS 3.0) and one page of the messy feed's good-and-bad records.
OFFICIAL_EXAMPLES = {"oruk-example": "oruk-3.0/service_full.json", "hsds-example": "hsds-3.0/service_full.json"}


def import_examples_and_messy_page(folder: Path) -> dict:
    """Import the official examples and the messy feed's first page (as a file) into folder: {name: report}."""
    from socialrx.oruk.load import run_oruk_import

    pages, _ = v3_services()
    page = folder.parent / "messy-page-1.json"
    page.write_text(json.dumps({"total_items": 3, "total_pages": 1, "page_number": 1, "size": 3, "first_page": True,
                                "last_page": True, "empty": False, "contents": pages[0]}))
    sources = {name: FIXTURES / path for name, path in OFFICIAL_EXAMPLES.items()} | {"messy": page}
    return {name: run_oruk_import(str(source), folder, name=name, show_progress=False) for name, source in sources.items()}
