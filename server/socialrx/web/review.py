"""Blueprint (editable sites only): reviewer sign-in and the review desk at /-/review.

The session is a fresh signed cookie at every sign-in (the old one is cleared first, so a cookie planted before
sign-in never becomes a reviewer's: no session fixation), Secure, HttpOnly and SameSite=Strict.
"""

from __future__ import annotations

import functools
import secrets

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from ..changes import accounts
from ..changes.proposal import LABELS, REFERRALS, STATUSES, FormError, clean
from ..changes.queue import QueueError
from ..changes.review import Refused, WriteError
from . import context
from .editing import desk, limiter
from .report import _areas, label_of

bp = Blueprint("review", __name__)
NO_STORE = {"Cache-Control": "no-store"}


def reviewer_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not session.get("reviewer"):
            return redirect(url_for("review.signin", next=request.path))
        return view(*args, **kwargs)
    return wrapped


def _csrf_ok() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
        return True
    except (ValidationError, CSRFError):
        return False


def _page(template, status=200, **values):
    return render_template(template, csrf_token=generate_csrf(), reviewer=session.get("reviewer"), **values), status, NO_STORE


@bp.route("/-/signin", methods=["GET", "POST"])
@limiter.limit(lambda: context.settings().signin_rate_limit, methods=["POST"])
def signin():
    if request.method == "GET":
        return _page("signin.html", error=None, name="")
    if not _csrf_ok():
        return _page("signin.html", 400, error="The form had expired: reload the page and sign in again.", name="")
    name, password = request.form.get("name", "")[:64], request.form.get("password", "")[:1024]
    if not accounts.check(desk().queue, name, password):
        return _page("signin.html", 401, error="The name or password is not right.", name=name)
    session.clear()  # a new session for the reviewer: nothing carried over from before sign-in
    session["reviewer"] = name
    session["nonce"] = secrets.token_hex(16)
    target = request.args.get("next") or ""
    return redirect(target if target.startswith("/-/review") else url_for("review.listing"))


@bp.post("/-/signout")
def signout():
    if _csrf_ok():
        session.clear()
    return redirect(url_for("review.signin"))


@bp.get("/-/review")
@reviewer_required
def listing():
    state = request.args.get("state", "pending")
    if state not in ("pending", "accepted", "rejected", "reverted"):
        abort(400, "state is one of pending, accepted, rejected or reverted.")
    proposals = desk().queue.list(state)
    labels = {p.about: label_of(p.about) for p in proposals if p.about}
    return _page("review_list.html", proposals=proposals, state=state, labels=labels)


def _proposal(pid):
    try:
        return desk().queue.get(pid)
    except KeyError:
        abort(404, f"There is no proposal {pid}.")


def _changeset(proposal):
    """(changeset or None, problem or None): a pending proposal's diff, or why it cannot be applied as it is."""
    if proposal.state != "pending":
        return None, None
    try:
        return desk().changeset(proposal, areas=_areas()), None
    except FormError as e:
        return None, "This proposal cannot be applied as it is: " + " ".join(e.errors.values())


@bp.get("/-/review/<pid>")
@reviewer_required
def show(pid):
    return _show_with(_proposal(pid), None, 200)


@bp.post("/-/review/<pid>")
@reviewer_required
def decide(pid):
    proposal = _proposal(pid)
    if not _csrf_ok():
        abort(400, "The form had expired or did not come from this site: reload the page and try again.")
    action, who = request.form.get("action"), session["reviewer"]
    try:
        if action == "accept":
            desk().accept(pid, who, areas=_areas())
        elif action == "edit-accept":
            values = {k: request.form.get(k, "") for k in request.form if k not in ("csrf_token", "action", "referral")}
            values["referral"] = request.form.getlist("referral")
            values["evidence_url"], values["runs_scheme"] = proposal.evidence_url or "", proposal.runs_scheme
            fields, *_ = clean(values, kind=proposal.kind, areas=_areas())
            desk().accept(pid, who, fields=fields, areas=_areas())
        elif action == "reject":
            desk().reject(pid, who, request.form.get("reason", ""))
        elif action == "revert":
            desk().revert(pid, who, request.form.get("reason", ""))
        else:
            abort(400, "action is one of accept, edit-accept, reject or revert.")
    except Refused as e:
        return _show_with(proposal, "This change would break the data's rules, so nothing was written: " + " ".join(e.messages), 422)
    except FormError as e:
        return _show_with(proposal, "The edited change is not right: " + " ".join(e.errors.values()), 400)
    except (QueueError, WriteError) as e:
        return _show_with(proposal, str(e), 409 if isinstance(e, QueueError) else 507)
    return redirect(url_for("review.show", pid=pid))


def _show_with(proposal, message, status):
    change, problem = _changeset(proposal)
    message = " ".join(m for m in (message, problem) if m) or None
    return _page("review_show.html", status, proposal=proposal, change=change, label=label_of(proposal.about), statuses=STATUSES, referrals=REFERRALS,
                 labels=LABELS, areas=_areas(), message=message)
