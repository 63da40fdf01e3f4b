"""Accessors for what the app factory built, so views never reach for globals."""

from flask import current_app


def settings():
    return current_app.config["SOCIALRX_SETTINGS"]


def kb():
    return current_app.extensions["socialrx.kb"]


def store():
    return current_app.extensions["socialrx.store"]
