"""Facts people act on (issue 9): every scheme has a status with the date it was checked, in the graph of the
source that says so; each new fact sits in a source graph with a web address and a read date; scheme pages
show status, how to refer, contact or "not stated by any source", and keep the general rule apart."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from socialrx.pages.access import NOT_STATED, long_date, scheme_access

PREFIXES = """PREFIX srx: <https://w3id.org/socialrx/def/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX schema: <https://schema.org/>
PREFIX dct: <http://purl.org/dc/terms/>
"""
ID = "https://w3id.org/socialrx/id/"
EDITORIAL = ID + "source/socialrx-editorial-check-2026-11"
STATUS_SCHEME = ID + "vocab/status"
# the facts this issue adds; each must come from a source read on a known date
NEW_FACTS = "srx:status srx:statusCheckedOn srx:howToRefer srx:feesDescription schema:url schema:email schema:telephone schema:address"


def rows(store, text):
    return store.query(PREFIXES + text).rows


def values(store, text, name):
    return sorted(r[name]["value"] for r in rows(store, text))


def test_every_scheme_and_service_has_a_status_and_checked_date_from_one_source(store):
    services = values(store, "SELECT DISTINCT ?x WHERE { ?x a/rdfs:subClassOf* srx:Service }", "x")
    assert len(services) >= 22
    missing = values(store, """SELECT DISTINCT ?x WHERE {
      ?x a/rdfs:subClassOf* srx:Service .
      FILTER NOT EXISTS { GRAPH ?g { ?x srx:status ?s ; srx:statusCheckedOn ?d } ?g a srx:Source .
                          ?s skos:inScheme <%s> } }""" % STATUS_SCHEME, "x")
    assert missing == []


def test_status_concepts_carry_their_oruk_values(store):
    found = {r["c"]["value"].rsplit("/", 1)[-1]: r.get("n", {}).get("value")
             for r in rows(store, "SELECT ?c ?n WHERE { ?c skos:inScheme <%s> OPTIONAL { ?c skos:notation ?n } }" % STATUS_SCHEME)}
    # inactive and temporarily closed came with ORUK imports (issue 13): no curated scheme has either yet.
    assert found == {"running": "active", "ended": "defunct", "not-known": None, "inactive": "inactive",
                     "temporarily-closed": "temporarily closed"}


def test_each_new_fact_sits_in_a_source_graph_with_a_web_address_and_read_date(store):
    facts = rows(store, """SELECT ?g ?x ?p ?url ?read WHERE {
      VALUES ?p { %s }
      GRAPH ?g { ?x ?p ?o }
      ?x a/rdfs:subClassOf* srx:Service .
      OPTIONAL { ?g srx:url ?url } OPTIONAL { ?g srx:readOn ?read } }""" % NEW_FACTS)
    assert len(facts) >= 44  # a status and a checked date for each of 22 schemes, and more
    for r in facts:
        where = (r["x"]["value"], r["p"]["value"], r["g"]["value"])
        assert "read" in r, f"{where}: the source graph has no srx:readOn date"
        assert "url" in r or r["g"]["value"] == EDITORIAL, f"{where}: the source has no web address"


def test_a_status_a_source_states_comes_with_its_words_and_editorial_ones_say_what_was_searched(store):
    for r in rows(store, "SELECT ?g ?x ?s WHERE { GRAPH ?g { ?x srx:status ?s } }"):
        graph, scheme = r["g"]["value"], r["x"]["value"]
        if graph == EDITORIAL:
            assert r["s"]["value"] == ID + "vocab/status/not-known", scheme
            note = rows(store, "SELECT ?n WHERE { GRAPH <%s> { <%s> skos:editorialNote ?n } }" % (graph, scheme))
            assert note and "searched" in note[0]["n"]["value"], scheme
        else:
            assert rows(store, "SELECT ?q WHERE { GRAPH <%s> { <%s> srx:quote ?q } }" % (graph, scheme)), scheme


def test_ended_only_where_a_source_says_so(store):
    ended = rows(store, "SELECT ?x ?g WHERE { GRAPH ?g { ?x srx:status <%svocab/status/ended> } }" % ID)
    assert [(r["x"]["value"].rsplit("/", 1)[-1], r["g"]["value"].rsplit("/", 1)[-1]) for r in ended] == [
        ("connect-for-health", "ilkeston-advertiser-linking-leeds-2019")]
    quote = rows(store, "SELECT ?q WHERE { GRAPH <%ssource/ilkeston-advertiser-linking-leeds-2019> { ?x srx:quote ?q } }" % ID)
    assert any("replaced Connect Well in north Leeds, Connect for Health" in r["q"]["value"] for r in quote)


def test_page_model_of_a_scheme_and_of_something_else(store):
    access = scheme_access(store, ID + "scheme/second-step-safe-haven")
    assert access.status.key == "not-known" and access.status.checked_on == "2026-11-29"
    assert access.status.source.iri == EDITORIAL
    (how,) = access.how_to_refer
    assert how.value.startswith("Calls are booked into the Safe Haven clinic diary by AWP Care Coordinators")
    assert [s.url for s in how.sources] == [
        "https://bnssgccg.nhs.uk/news/vital-helpline-new-safe-haven-service-provides-hundreds-hours-support-first-three-months/"]
    assert access.phone == [] and access.email == [] and access.address == []
    assert scheme_access(store, ID + "org/the-care-forum") is None


def test_long_dates():
    assert long_date("2026-11-29") == "29 November 2026"
    assert long_date("2017-04") == "2017-04"
    assert long_date(None) is None


def section(html: str) -> str:
    start = html.index('id="using-this-scheme"')
    return html[start:html.index("</section>", start)]


def row(text: str, key: str) -> str:
    """The text of one summary-list row of the section, tags removed."""
    start = text.index(f'<dt class="nhsuk-summary-list__key">{key}</dt>')
    ends = [i for i in (text.find('<div class="nhsuk-summary-list__row', start), text.find("</dl>", start)) if i > 0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text[start:min(ends)])).strip()


def test_scheme_page_shows_status_with_checked_date_and_source(client):
    html = client.get("/id/scheme/connect-for-health").get_data(as_text=True)
    status = row(section(html), "Status")
    assert "Ended" in status and "last checked 29 November 2026" in status
    assert "Ilkeston Advertiser: Woodhouse Medical Practice promotes social prescribing to Leeds MP" in status
    assert "published 10 October 2019" in status and "read 29 November 2026" in status
    assert 'href="/id/source/ilkeston-advertiser-linking-leeds-2019"' in section(html)
    assert html.index('id="using-this-scheme"') < html.index("At a glance")  # near the top


def test_scheme_without_contact_says_not_stated_by_any_source(client):
    text = section(client.get("/id/scheme/healthy-alternatives").get_data(as_text=True))
    # One row names what no source states, so a scheme we know little about stays short (issue 11.2).
    assert row(text, "Not stated by any source") == (
        "Not stated by any source How to refer, Who can refer, Website, Phone, Email, Address, Cost")
    for key in ("How to refer", "Who can refer", "Website", "Phone", "Email", "Address", "Cost"):
        assert f'<dt class="nhsuk-summary-list__key">{key}</dt>' not in text, key
    assert "Not known" in row(text, "Status")


def test_stated_rows_stay_and_only_the_others_fold(client):
    text = section(client.get("/id/scheme/brighton-and-hove-community-navigation-pilot").get_data(as_text=True))
    folded = row(text, "Not stated by any source")
    assert "How to refer" not in folded and "Cost" not in folded  # stated by a source: rows of their own
    assert "Phone" in folded and "Email" in folded


def test_stated_facts_show_with_their_source(client):
    text = section(client.get("/id/scheme/brighton-and-hove-community-navigation-pilot").get_data(as_text=True))
    how = row(text, "How to refer")
    assert "you can be referred to the service by your GP" in how and "bonnyhazelwood.xyz" in how
    assert "community navigators are free of charge" in row(text, "Cost")
    website = row(section(client.get("/id/scheme/community-navigators-bristol").get_data(as_text=True)), "Website")
    assert "https://www.communitynavigators.org.uk/about-loneliness/" in website and "Why are we needed?" in website


def test_general_rule_is_labelled_as_a_general_rule_not_a_scheme_fact(client):
    text = section(client.get("/id/scheme/spear").get_data(as_text=True))
    rule = text[text.index('class="nhsuk-inset-text srx-access__rule"'):]
    assert "General rule, not a fact about this scheme" in rule
    assert "social prescribing scheme" in rule and "General practice" in rule
    assert "General practice" not in row(text, "Who can refer")  # the scheme's own sources say otherwise
    assert "Self-referral" in row(text, "Who can refer")


def test_pages_that_are_not_services_have_no_section(client):
    html = client.get("/id/org/the-care-forum").get_data(as_text=True)
    assert "Using this scheme" not in html


def test_socialrx_validate_passes():
    done = subprocess.run([sys.executable, "-m", "socialrx", "validate"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "The data conforms to the shapes" in done.stdout + done.stderr
