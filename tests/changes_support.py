"""A writable copy of the knowledge base and an editable app over it, for the change-and-review tests.

The copy lives in a temporary folder (ontology/, data/, shapes/, queries/ of this checkout), so accepting a change
writes data/changes/ there, never into the repository.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEME = "https://w3id.org/socialrx/id/scheme/community-navigators-bristol"
PASSWORD = "correct horse battery staple"


def copy_kb(target: Path) -> Path:
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, target / name)
    return target


def editable_app(root: Path, **settings):
    from socialrx.changes import accounts
    from socialrx.loading import load_knowledge_base
    from socialrx.settings import Settings
    from socialrx.web import create_app

    values = {"editable": True, "query_workers": 1, "changes_db": str(root / "changes.sqlite"), **settings}
    app = create_app(Settings(values), kb=load_knowledge_base(root))
    if not app.extensions["socialrx.desk"].queue.account_hash("jo"):
        accounts.add(app.extensions["socialrx.desk"].queue, "jo", PASSWORD)
    return app


def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def report(client, about=SCHEME, **fields):
    """GET the form for its CSRF token, then POST it; returns the response."""
    page = client.get("/-/report", query_string={"about": about})
    data = {"about": about, "csrf_token": token(page.get_data(as_text=True)), **fields}
    return client.post("/-/report", data=data)


def sign_in(client, name="jo", password=PASSWORD):
    page = client.get("/-/signin")
    return client.post("/-/signin", data={"csrf_token": token(page.get_data(as_text=True)), "name": name, "password": password})
