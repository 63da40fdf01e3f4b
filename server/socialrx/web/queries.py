"""Blueprint: queries (to be filled in)."""

from flask import Blueprint

bp = Blueprint("queries", __name__)
