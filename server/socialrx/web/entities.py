"""Blueprint: entities (to be filled in)."""

from flask import Blueprint

bp = Blueprint("entities", __name__)
