"""Blueprint: meta (to be filled in)."""

from flask import Blueprint

bp = Blueprint("meta", __name__)
