"""Error pages: a clear message and the right 4xx/5xx, never a traceback."""

from flask import jsonify, request
from werkzeug.exceptions import HTTPException


def register(app):
    """Install handlers that answer errors in the format the client asked for."""

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        wants_json = request.accept_mimetypes.best == "application/json"
        body = {"status": e.code, "error": e.name, "message": e.description}
        if wants_json:
            return jsonify(body), e.code
        return (f"{e.code} {e.name}\n\n{e.description}\n", e.code, {"Content-Type": "text/plain; charset=utf-8"})
