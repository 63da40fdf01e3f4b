"""Issue 15: anyone reports a change, a reviewer accepts it, the data files keep it and its history.

Real parts throughout: a writable copy of the knowledge base, the real store, the Flask app (its test client and
waitress on 127.0.0.1), SQLite, Argon2id, and real processes for the command line and for kill -9.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from changes_support import PASSWORD, SCHEME, copy_kb, editable_app, report, sign_in, token

from socialrx.changes.review import Refused
from socialrx.loading import load_knowledge_base
from socialrx.validate import shapes_graph, validate

STATUS = "https://w3id.org/socialrx/def/status"


@pytest.fixture
def root(tmp_path):
    return copy_kb(tmp_path / "kb")


@pytest.fixture
def app(root):
    application = editable_app(root, session_cookie_secure=False)
    yield application
    application.extensions["socialrx.store"].close()


def pending(app):
    return app.extensions["socialrx.desk"].queue.list("pending")


def statuses(kb, iri=SCHEME):
    return sorted(str(r["st"].value) for r in kb.store.query(f"SELECT ?st WHERE {{ GRAPH ?g {{ <{iri}> <{STATUS}> ?st }} }}"))


# -- read-only by default ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/-/report?about=" + SCHEME, "/-/suggest", "/-/signin", "/-/review", "/-/review/x"])
def test_no_writing_route_exists_unless_editable(client, path):
    assert client.get(path).status_code == 404
    assert client.post(path, data={"status": "ended"}).status_code in (404, 405)


def test_suggesting_a_scheme_needs_a_name_and_a_status(app):
    client = app.test_client()
    page = client.get("/-/suggest").get_data(as_text=True)
    answer = client.post("/-/suggest", data={"csrf_token": token(page), "evidence_url": "https://example.org/new"})
    assert answer.status_code == 400 and "Enter the scheme&#39;s name." in answer.get_data(as_text=True)
    answer = client.post("/-/suggest", data={"csrf_token": token(page), "name": "Knowle West Walks", "status": "running",
                                             "evidence_url": "https://example.org/new"})
    assert answer.status_code == 201
    [proposal] = pending(app)
    assert proposal.kind == "suggest" and proposal.about is None and proposal.fields["name"] == "Knowle West Walks"


def test_history_is_there_read_only(client):
    assert client.get("/-/changes").status_code == 200
    feed = client.get("/-/changes.atom")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    assert b"<feed" in feed.data and b"<entry>" not in feed.data


# -- reporting ----------------------------------------------------------------------------------------

def test_a_report_is_stored_pending_and_not_applied(app, root):
    client = app.test_client()
    page = client.get("/id/scheme/community-navigators-bristol").get_data(as_text=True)
    assert "Report a change" in page
    assert "Suggest a scheme" in client.get("/schemes").get_data(as_text=True)
    answer = report(client, status="ended", evidence_url="https://example.org/ended", phone="0117 000 0000")
    assert answer.status_code == 201 and "reviewer will check it" in answer.get_data(as_text=True)
    [proposal] = pending(app)
    assert proposal.fields == {"status": "ended", "phone": "0117 000 0000"} and proposal.about == SCHEME
    assert not (root / "data" / "changes").exists()
    assert "Not known" in client.get("/id/scheme/community-navigators-bristol").get_data(as_text=True)


def test_csrf_token_missing_or_wrong_is_refused(app):
    client = app.test_client()
    client.get("/-/report", query_string={"about": SCHEME})
    for data in ({}, {"csrf_token": "forged"}):
        answer = client.post("/-/report", data={"about": SCHEME, "status": "ended",
                                                "evidence_url": "https://example.org/x", **data})
        assert answer.status_code == 400 and "did not come from this site" in answer.get_data(as_text=True)
    assert pending(app) == []


def test_reports_are_rate_limited_per_address(root):
    application = editable_app(root, session_cookie_secure=False, report_rate_limit="3 per minute")
    try:
        client = application.test_client()
        codes = [report(client, status="ended", evidence_url=f"https://example.org/{i}").status_code for i in range(4)]
        assert codes == [201, 201, 201, 429]
        assert len(pending(application)) == 3
    finally:
        application.extensions["socialrx.store"].close()


def test_the_honeypot_field_stores_nothing(app):
    answer = report(app.test_client(), status="ended", evidence_url="https://example.org/x", homepage="http://spam")
    assert answer.status_code == 200 and pending(app) == []


def test_bad_input_is_explained_in_the_nhs_error_pattern(app):
    answer = report(app.test_client(), status="gone", website="not a web address", phone="ring us",
                    email="nobody", how_to_refer="<b>bold</b>")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "There is a problem" in text
    for message in ("Choose running, ended or not known.", "Enter a full web address", "Enter a phone number",
                    "Enter an e-mail address", "Write plain text only", "Give a public web page"):
        assert message in text
    assert "<b>bold</b>" not in text and "&lt;b&gt;bold&lt;/b&gt;" in text
    assert pending(app) == []


def test_oversized_form_is_refused(app):
    client = app.test_client()
    page = client.get("/-/report", query_string={"about": SCHEME})
    answer = client.post("/-/report", data={"about": SCHEME, "csrf_token": token(page.get_data(as_text=True)),
                                            "correction": "x" * 20000, "evidence_url": "https://example.org/x"})
    assert answer.status_code == 413 and pending(app) == []


def test_only_schemes_services_and_organisations_take_reports(app):
    client = app.test_client()
    assert client.get("/-/report", query_string={"about": "https://w3id.org/socialrx/id/area/bristol"}).status_code == 404
    assert client.get("/-/report").status_code == 404


HOSTILE = '"><script>alert(1)</script>'
ATTRIBUTE = '" onmouseover="alert(1)'


def test_script_in_every_field_is_escaped_for_the_reviewer(app):
    desk = app.extensions["socialrx.desk"]
    fields = {name: HOSTILE for name in ("how_to_refer", "eligibility", "correction", "name", "description")}
    fields.update(website="https://example.org/" + ATTRIBUTE, phone=HOSTILE, email=HOSTILE, status="ended")
    proposal = desk.queue.submit(about=SCHEME, kind="report", fields=fields, evidence_url="https://example.org/" + HOSTILE,
                                 runs_scheme=False, contact_email=HOSTILE)
    client = app.test_client()
    sign_in(client)
    for path in ("/-/review", f"/-/review/{proposal.id}"):
        text = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in text and 'onmouseover="alert' not in text
    text = client.get(f"/-/review/{proposal.id}").get_data(as_text=True)
    assert text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 8


# -- signing in -----------------------------------------------------------------------------------------

def test_wrong_password_or_name_is_refused(app):
    client = app.test_client()
    for name, password in (("jo", "wrong password!"), ("nobody", PASSWORD), ("jo", "")):
        answer = sign_in(client, name, password)
        assert answer.status_code == 401 and "not right" in answer.get_data(as_text=True)
    assert client.get("/-/review").status_code == 302


def test_sign_in_gives_a_new_session_so_a_planted_cookie_stays_signed_out(app):
    client = app.test_client()
    client.get("/-/signin")
    planted = client.get_cookie("socialrx_session").value
    assert sign_in(client).status_code == 302
    assert client.get_cookie("socialrx_session").value != planted
    assert client.get("/-/review").status_code == 200
    attacker = app.test_client()
    attacker.set_cookie("socialrx_session", planted)
    assert attacker.get("/-/review").status_code == 302


def test_session_cookie_is_secure_httponly_samesite(root):
    application = editable_app(root)
    try:
        answer = application.test_client().get("/-/signin")
        cookie = answer.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    finally:
        application.extensions["socialrx.store"].close()


def test_sign_in_attempts_are_rate_limited(root):
    application = editable_app(root, session_cookie_secure=False, signin_rate_limit="3 per minute")
    try:
        client = application.test_client()
        codes = [sign_in(client, "jo", "wrong password!").status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
    finally:
        application.extensions["socialrx.store"].close()


# -- reviewing --------------------------------------------------------------------------------------------

def test_accepting_writes_the_file_and_the_page_shows_it_without_a_restart(app, root):
    client = app.test_client()
    report(client, status="ended", evidence_url="https://example.org/ended", how_to_refer="Phone the office.")
    [proposal] = pending(app)
    sign_in(client)
    diff = client.get(f"/-/review/{proposal.id}").get_data(as_text=True)
    assert "Not known" in diff and "Ended (checked" in diff and "srx:status" not in diff  # words first
    assert "- &lt;https://w3id.org/socialrx/id/scheme/community-navigators-bristol&gt;" in diff  # then triples
    answer = client.post(f"/-/review/{proposal.id}", data={"csrf_token": token(diff), "action": "accept"})
    assert answer.status_code == 302
    written = root / "data" / "changes" / f"{proposal.id}.trig"
    assert written.exists() and "status:ended" in written.read_text()
    page = client.get("/id/scheme/community-navigators-bristol").get_data(as_text=True)
    assert "Ended" in page and "Last changed" in page and "https://example.org/ended" in page
    history = client.get("/-/changes", query_string={"about": SCHEME}).get_data(as_text=True)
    assert proposal.id in history and "Status: Not known → Ended" in history
    kb = load_knowledge_base(root)
    assert statuses(kb) == ["https://w3id.org/socialrx/id/vocab/status/ended"]
    assert validate(kb, shapes_graph(root)).conforms


def test_edit_then_accept_and_reject_with_a_reason(app, root):
    client = app.test_client()
    report(client, status="ended", evidence_url="https://example.org/a")
    report(client, phone="0117 111 1111", runs_scheme="yes")
    first, second = pending(app)
    sign_in(client)
    page = client.get(f"/-/review/{first.id}").get_data(as_text=True)
    client.post(f"/-/review/{first.id}", data={"csrf_token": token(page), "action": "edit-accept", "status": "running"})
    assert "status:running" in (root / "data" / "changes" / f"{first.id}.trig").read_text()
    page = client.get(f"/-/review/{second.id}").get_data(as_text=True)
    refused = client.post(f"/-/review/{second.id}", data={"csrf_token": token(page), "action": "reject", "reason": ""})
    assert refused.status_code == 409 and "Give a reason" in refused.get_data(as_text=True)
    client.post(f"/-/review/{second.id}", data={"csrf_token": token(page), "action": "reject", "reason": "No such number"})
    decided = app.extensions["socialrx.desk"].queue.get(second.id)
    assert decided.state == "rejected" and decided.reason == "No such number"
    assert not (root / "data" / "changes" / f"{second.id}.trig").exists()


def test_a_change_that_breaks_a_shape_is_refused_with_its_message(app, root):
    desk = app.extensions["socialrx.desk"]
    proposal = desk.queue.submit(about=SCHEME, kind="report", fields={"phone": "call the office"},
                                 evidence_url="https://example.org/x", runs_scheme=False, contact_email=None)
    with pytest.raises(Refused) as refused:
        desk.accept(proposal.id, "jo")
    assert any("A telephone number (schema:telephone) must be" in m for m in refused.value.messages)
    assert not (root / "data" / "changes").exists() or not list((root / "data" / "changes").iterdir())
    assert desk.queue.get(proposal.id).state == "pending"
    client = app.test_client()
    sign_in(client)
    page = client.get(f"/-/review/{proposal.id}").get_data(as_text=True)
    answer = client.post(f"/-/review/{proposal.id}", data={"csrf_token": token(page), "action": "accept"})
    assert answer.status_code == 422 and "A telephone number (schema:telephone) must be" in answer.get_data(as_text=True)


def test_revert_takes_the_change_back_out_and_keeps_its_record(app, root):
    client = app.test_client()
    report(client, status="ended", evidence_url="https://example.org/ended")
    [proposal] = pending(app)
    desk = app.extensions["socialrx.desk"]
    desk.accept(proposal.id, "jo")
    desk.revert(proposal.id, "jo", "The scheme still runs")
    kb = load_knowledge_base(root)
    assert statuses(kb) == ["https://w3id.org/socialrx/id/vocab/status/not-known"]
    history = client.get("/-/changes").get_data(as_text=True)
    assert "Reverted" in history and "The scheme still runs" in history
    assert validate(kb, shapes_graph(root)).conforms


def test_two_reviewers_accepting_at_once_lose_neither_change(root, serve):
    application = editable_app(root, session_cookie_secure=False)
    try:
        client = application.test_client()
        report(client, status="ended", evidence_url="https://example.org/one")
        report(client, phone="0117 222 2222", evidence_url="https://example.org/two")
        first, second = pending(application)
        base = serve(application)
        sessions = []
        for _ in range(2):
            s = requests.Session()
            page = s.get(base + "/-/signin").text
            s.post(base + "/-/signin", data={"csrf_token": token(page), "name": "jo", "password": PASSWORD})
            sessions.append(s)
        pages = [s.get(f"{base}/-/review/{p.id}").text for s, p in zip(sessions, (first, second))]
        results = []
        threads = [threading.Thread(target=lambda s=s, p=p, page=page: results.append(
            s.post(f"{base}/-/review/{p.id}", data={"csrf_token": token(page), "action": "accept"}, allow_redirects=False).status_code))
            for s, p, page in zip(sessions, (first, second), pages)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(results) == [302, 302]
        kb = load_knowledge_base(root)
        assert statuses(kb) == ["https://w3id.org/socialrx/id/vocab/status/ended"]
        phones = list(kb.store.query(f"SELECT ?t WHERE {{ GRAPH ?g {{ <{SCHEME}> <https://schema.org/telephone> ?t }} }}"))
        assert [str(r["t"].value) for r in phones] == ["0117 222 2222"]
        assert {p.state for p in application.extensions["socialrx.desk"].queue.list(None)} == {"accepted"}
        assert validate(kb, shapes_graph(root)).conforms
    finally:
        application.extensions["socialrx.store"].close()


def test_command_line_review(root):
    db = root / "changes.sqlite"
    cli = [sys.executable, "-m", "socialrx"]
    common = ["--root", str(root), "--changes-db", str(db)]
    added = subprocess.run(cli + ["users", "add", "sam", "--password-stdin"] + common, input="short\n", capture_output=True, text=True)
    assert added.returncode == 2 and "too short" in added.stderr
    application = editable_app(root, session_cookie_secure=False)
    try:
        report(application.test_client(), status="ended", evidence_url="https://example.org/cli")
        [proposal] = pending(application)
    finally:
        application.extensions["socialrx.store"].close()
    listed = subprocess.run(cli + ["review", "list"] + common, capture_output=True, text=True, check=True)
    assert proposal.id in listed.stdout
    shown = subprocess.run(cli + ["review", "show", proposal.id] + common, capture_output=True, text=True, check=True)
    assert "Status: Not known -> Ended" in shown.stdout and "+ <" in shown.stdout
    missing = subprocess.run(cli + ["review", "reject", proposal.id] + common, capture_output=True, text=True)
    assert missing.returncode == 2 and "--reason" in missing.stderr
    accepted = subprocess.run(cli + ["review", "accept", proposal.id, "--as", "sam"] + common, capture_output=True, text=True)
    assert accepted.returncode == 0, accepted.stderr
    assert (root / "data" / "changes" / f"{proposal.id}.trig").exists()
    again = subprocess.run(cli + ["review", "accept", proposal.id] + common, capture_output=True, text=True)
    assert again.returncode == 2 and "accepted already" in again.stderr


KILLER = """
import sys
from socialrx.changes.setup import file_desk
from socialrx.settings import Settings
desk = file_desk(Settings({"changes_db": sys.argv[2]}), sys.argv[1])
print("ready", flush=True)
desk.accept(sys.argv[3], "jo")
print("done", flush=True)
"""


@pytest.mark.slow
def test_kill_9_during_an_accept_leaves_old_or_new_state(root):
    """Kill a real accepting process at several moments; every time the files are whole and the queue agrees."""
    from socialrx.changes.queue import Queue
    from socialrx.changes.review import Desk

    db = root / "changes.sqlite"
    queue = Queue(db)
    delays = [0.0, 1.0, 2.5, 4.0, 120.0]
    outcomes = []
    for delay in delays:
        proposal = queue.submit(about=SCHEME, kind="report", fields={"phone": "0117 333 3333"},
                                evidence_url=f"https://example.org/{delay}", runs_scheme=False, contact_email=None)
        process = subprocess.Popen([sys.executable, "-c", KILLER, str(root), str(db), proposal.id],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready"
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        written = root / "data" / "changes" / f"{proposal.id}.trig"
        # Whole files only: every change file parses and the knowledge base loads (a half-written file would not).
        kb = load_knowledge_base(root)
        desk = Desk(queue=queue, root=root, kb=lambda: kb, store=lambda: None, shapes=lambda: shapes_graph(root))
        desk.recover()
        state = queue.get(proposal.id).state
        assert state == ("accepted" if written.exists() else "pending")
        assert not list((root / "data" / "changes").glob(".*.tmp")) if (root / "data" / "changes").exists() else True
        outcomes.append(state)
        if state == "pending":
            queue_row = queue.get(proposal.id)
            assert queue_row.changeset is None
    assert "pending" in outcomes and "accepted" in outcomes
    assert validate(load_knowledge_base(root), shapes_graph(root)).conforms


def test_a_read_only_data_folder_gives_a_clear_error_and_loses_nothing(app, root):
    if os.geteuid() == 0:
        # root ignores file modes: make the target a file where the folder should be instead
        (root / "data" / "changes").write_text("not a folder")
    else:
        (root / "data").chmod(0o555)
    desk = app.extensions["socialrx.desk"]
    proposal = desk.queue.submit(about=SCHEME, kind="report", fields={"status": "ended"},
                                 evidence_url="https://example.org/x", runs_scheme=False, contact_email=None)
    from socialrx.changes.writer import WriteError

    with pytest.raises(WriteError) as failed:
        desk.accept(proposal.id, "jo")
    assert "Nothing was changed" in str(failed.value)
    assert desk.queue.get(proposal.id).state == "pending"
