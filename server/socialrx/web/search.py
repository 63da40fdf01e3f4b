"""Blueprint: search (to be filled in)."""

from flask import Blueprint

bp = Blueprint("search", __name__)
