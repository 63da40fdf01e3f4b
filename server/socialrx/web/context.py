"""Accessors for what the app factory built, so views never reach for globals."""

from flask import current_app


def settings():
    return current_app.config["SOCIALRX_SETTINGS"]


def kb():
    return current_app.extensions["socialrx.kb"]


def store():
    return current_app.extensions["socialrx.store"]


def page_store():
    """The store in the page lane: for queries a page is built from (own workers, page_query_time_limit_ms),
    so a runaway /sparql query never holds a page up. context.store() is the user lane (/sparql, catalogue)."""
    from ..pages.site import site

    return site().store
