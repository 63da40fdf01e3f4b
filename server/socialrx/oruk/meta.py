"""The /oruk/ root answer: ORUK's API meta information (version, profile, openapi_url), plus `socialrx_left_out`,
which tells a reader of the API how many of our services are not published and why (ORUK allows extra fields;
the published schema of this answer sets no additionalProperties)."""

from __future__ import annotations

from .directory import PROFILE, VERSION

WHY_LEFT_OUT = ("Open Referral UK 3.0 requires every service to have a status (active, inactive, defunct or temporarily "
                "closed). No source we read states the status of these services (our status 'not known', or none "
                "stated), so they are left out here rather than given a status nobody stated. Each still has its page "
                "on this site, with what its sources do say.")

LEFT_OUT_SCHEMA = {
    "type": "object",
    "description": "socialrx's own field: the services not published in this API because no source states their status.",
    "properties": {
        "count": {"type": "integer", "minimum": 0, "description": "Services left out."},
        "of": {"type": "integer", "minimum": 0, "description": "All our services, published or not."},
        "reason": {"type": "string", "description": "Why they are left out."},
        "status_vocabulary": {"type": "string", "format": "uri", "description": "Our status concepts and their ORUK values."},
    },
}
STATUS_VOCABULARY = "https://w3id.org/socialrx/id/vocab/status"


def left_out(directory) -> dict:
    count = len(directory.left_out)
    return {"count": count, "of": count + len(directory.services), "reason": WHY_LEFT_OUT, "status_vocabulary": STATUS_VOCABULARY}


def meta(directory, openapi_url: str) -> dict:
    return {"version": VERSION, "profile": PROFILE, "openapi_url": openapi_url, "socialrx_left_out": left_out(directory)}
