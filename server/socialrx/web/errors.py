"""Error pages: a clear message and the right 4xx/5xx, never a traceback."""

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from ..store import QueryError, QueryTimeout


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

    @app.errorhandler(QueryError)
    def query_error(e: QueryError):
        # A page built from a query that overran (or a store that cannot answer now): say so, never 500.
        status = 503 if isinstance(e, QueryTimeout) or e.status >= 500 else e.status
        message = ("This page could not be built in time: " + e.message +
                   " The data behind it is large or the server is busy; try again in a moment.") if status == 503 else e.message
        headers = {"Cache-Control": "no-store"}
        if status == 503:
            headers["Retry-After"] = "5"
        best = request.accept_mimetypes.best_match(["text/html", "application/json", "text/plain"])
        if best == "application/json":
            return jsonify({"status": status, "error": "Service Unavailable" if status == 503 else "Bad Request", "message": message}), status, headers
        if best == "text/html":
            from markupsafe import escape

            html = (f"<!doctype html><html lang=\"en-GB\"><meta charset=\"utf-8\"><title>{status} – page not available now</title>"
                    f"<h1>This page is not available right now ({status})</h1><p>{escape(message)}</p>"
                    f"<p><a href=\"{escape(request.script_root)}/\">Home</a></p></html>")
            return html, status, {**headers, "Content-Type": "text/html; charset=utf-8"}
        return f"{status} {'Service Unavailable' if status == 503 else 'Bad Request'}\n\n{message}\n", status, {**headers, "Content-Type": "text/plain; charset=utf-8"}
