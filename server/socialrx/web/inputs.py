"""Refuse malformed requests up front with a clear 4xx (issue 14): text that is not UTF-8 in the path, the query
string or a form body (never silently turned into U+FFFD), malformed percent-escapes in the path, and query
strings or headers larger than the setting max_request_kb (413 / 431 with a body, on a connection that stays
usable). Limits: RFC 9110 §15.5.14 (413), RFC 6585 §5 (431)."""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from flask import request
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from . import context

BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
FORM = "application/x-www-form-urlencoded"


class RequestHeaderFieldsTooLarge(HTTPException):
    code = 431
    description = "The request's header fields are too large."


def register(app) -> None:
    app.before_request(check_request)


def check_request():
    limit = context.settings().max_request_kb * 1024
    environ = request.environ
    query = environ.get("QUERY_STRING", "")
    if len(query) > limit:
        raise RequestEntityTooLarge(
            f"The query string is {len(query) // 1024} KiB; this server accepts at most {limit // 1024} KiB "
            "(setting max_request_kb). Send long SPARQL queries by POST, or shorten them.")
    header_bytes = sum(len(k) + len(str(v)) for k, v in environ.items() if k.startswith("HTTP_"))
    if header_bytes > limit:
        raise RequestHeaderFieldsTooLarge(
            f"The request's headers add up to {header_bytes // 1024} KiB; this server accepts at most "
            f"{limit // 1024} KiB (setting max_request_kb).")
    raw_path = environ.get("PATH_INFO", "").encode("latin-1", "replace")
    if not _utf8(raw_path):
        raise BadRequest("The address holds bytes that are not UTF-8 (such as %FF or the overlong %C0%AF). "
                         "Percent-encode the UTF-8 bytes of each character.")
    if BAD_ESCAPE.search(raw_path.decode("utf-8")):
        raise BadRequest("The address holds a malformed percent-escape: '%' must be followed by two hex digits "
                         "(write %25 for a literal '%').")
    if not _utf8_form(query):
        raise BadRequest("The query string holds percent-encoded bytes that are not UTF-8 (such as %E9 for é, "
                         "which in UTF-8 is %C3%A9). Nothing was run: encode the text as UTF-8 and send it again.")
    if request.method == "POST" and request.mimetype == FORM:
        body = request.get_data(cache=True)
        if not _utf8_form(body.decode("latin-1")):
            raise BadRequest("The form body holds bytes that are not UTF-8 (such as %E9 for é, which in UTF-8 is "
                             "%C3%A9). Nothing was run: encode the text as UTF-8 and send it again.")
    return None


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf8_form(text: str) -> bool:
    """Whether an application/x-www-form-urlencoded string decodes to UTF-8 (each name and value)."""
    if not text:
        return True
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return _utf8(unquote_to_bytes(raw.replace(b"+", b" ")))
