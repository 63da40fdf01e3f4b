"""Error pages: a clear message and the right 4xx/5xx, never a traceback."""

from flask import jsonify, request
from werkzeug.exceptions import HTTPException


def register(app):
    """Install handlers that answer errors in the format the client asked for."""

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        best = request.accept_mimetypes.best_match(["text/html", "application/json", "text/plain"])
        if e.code == 404 and best == "text/html":
            from ..pages.documents import not_found

            return not_found(None)
        if best == "application/json":
            return jsonify({"status": e.code, "error": e.name, "message": e.description}), e.code
        return (f"{e.code} {e.name}\n\n{e.description}\n", e.code, {"Content-Type": "text/plain; charset=utf-8"})
