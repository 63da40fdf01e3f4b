"""The writing side of the site, installed only with the `editable` setting: report a change, suggest a scheme,
reviewer sign-in and the review desk. Without that setting none of these routes exists (404).

Abuse protection comes from well-kept libraries: Flask-WTF's CSRF tokens, Flask-Limiter's per-address limits,
Argon2id password hashes (argon2-cffi); sessions are Flask's signed cookies, Secure/HttpOnly/SameSite=Strict.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from ..changes.review import Desk
from ..changes.setup import open_queue, secret_key
from ..loading import load_knowledge_base
from ..validate import shapes_graph

limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", default_limits=[],
                  headers_enabled=True, strategy="fixed-window")


def desk() -> Desk:
    return current_app.extensions["socialrx.desk"]


def _signature(folder: Path) -> tuple:
    """What data/changes/ holds now (names, sizes, times): differs after any accept or revert by any process."""
    try:
        return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.glob("*.trig")))
    except OSError:
        return ()


def install(app) -> None:
    from . import report, review
    from .pagecache import data_changed

    settings = app.config["SOCIALRX_SETTINGS"]
    kb = app.extensions["socialrx.kb"]
    root = Path(kb.root)
    app.secret_key = secret_key(settings, root)
    app.config.update(SESSION_COOKIE_SECURE=bool(settings.session_cookie_secure), SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_NAME="socialrx_session",
                      WTF_CSRF_TIME_LIMIT=3600, WTF_CSRF_SSL_STRICT=False)
    folder = root / "data" / "changes"
    seen = {"signature": _signature(folder)}

    def reload():
        fresh = load_knowledge_base(root, imports=settings.imports_path)
        app.extensions["socialrx.kb"] = fresh
        data_changed(app, fresh)
        seen["signature"] = _signature(folder)

    def refresh():
        if _signature(folder) != seen["signature"]:
            reload()

    app.extensions["socialrx.desk"] = Desk(
        queue=open_queue(settings, root), root=root, kb=lambda: app.extensions["socialrx.kb"],
        store=lambda: app.extensions["socialrx.store"], shapes=lambda: shapes_graph(root), on_change=reload,
        refresh=refresh)
    app.extensions["socialrx.desk"].recover()
    limiter.init_app(app)
    app.register_blueprint(report.bp)
    app.register_blueprint(review.bp)

    @app.before_request
    def pick_up_changes_from_elsewhere():
        refresh()  # an accept from `socialrx review` in another process shows without a restart
