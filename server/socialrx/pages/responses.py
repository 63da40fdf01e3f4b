"""Responses with the headers every page carries: ETag and 304, Vary, and Link alternates."""

from __future__ import annotations

from flask import Response, request


def link_header(links) -> str:
    """Format (href, rel, type) triples as one Link header value."""
    parts = []
    for href, rel, mimetype in links:
        part = f'<{href}>; rel="{rel}"'
        if mimetype:
            part += f'; type="{mimetype}"'
        parts.append(part)
    return ", ".join(parts)


def respond(body, mimetype: str, *, links=(), negotiated=False, status=200, charset=True) -> Response:
    """Wrap a body in a conditional response (ETag, 304 on If-None-Match) with Link and Vary headers."""
    content_type = f"{mimetype}; charset=utf-8" if charset and (mimetype.startswith("text/") or mimetype.endswith(("json", "xml", "triples", "quads"))) else mimetype
    resp = Response(body, status=status, content_type=content_type)
    if links:
        resp.headers["Link"] = link_header(links)
    if negotiated:
        resp.vary.add("Accept")
    if status == 200:
        resp.add_etag()
        resp.make_conditional(request)
    return resp
