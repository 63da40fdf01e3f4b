"""The Flask app factory: one knowledge base and one store per app, one blueprint per concern."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

from ..kb import KnowledgeBase
from ..loading import load_knowledge_base
from ..settings import Settings


def create_app(settings: Settings | dict | None = None, kb: KnowledgeBase | None = None, store=None) -> Flask:
    """Build the app around a knowledge base (loaded here when not given) and its store."""
    from ..store import open_store

    settings = settings if isinstance(settings, Settings) else Settings(dict(settings or {}))
    app = Flask(__name__)
    app.config["SOCIALRX_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_kb * 1024
    app.extensions["socialrx.kb"] = kb if kb is not None else load_knowledge_base(store_path=settings.store_path, imports=settings.imports_path)
    app.extensions["socialrx.store"] = store if store is not None else open_store(app.extensions["socialrx.kb"], settings)

    from . import entities, errors, http, inputs, links, meta, ontology_doc, postcode, queries, search, sparql

    http.install(app)
    inputs.register(app)
    errors.register(app)
    for module in (sparql, queries, search, links, postcode, meta, ontology_doc, entities):
        app.register_blueprint(module.bp)
    app.register_blueprint(import_module(".oruk", __package__).bp)  # the Open Referral UK API under /oruk/
    app.register_blueprint(import_module(".find", __package__).bp)  # /find: a scheme for a person
    from . import changes

    changes.register(app)  # the history of accepted changes (read-only)
    if settings.editable:
        from . import editing

        editing.install(app)  # report forms, sign-in, review: only on an editable site
    from . import pagecache

    pagecache.install(app)  # outermost: a kept page or a 304 is answered before Flask runs
    return app
