"""Blueprint: sparql (to be filled in)."""

from flask import Blueprint

bp = Blueprint("sparql", __name__)
