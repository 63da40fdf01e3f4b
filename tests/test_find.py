"""Find a scheme for a person (issue 9.3) on the shipped data: the page and its twins over real HTTP, the page
model over the real store, the catalogue query and `socialrx find`."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from socialrx import cli
from socialrx.catalogue import Catalogue
from socialrx.pages import find as model
from socialrx.pages.find_words import vocabulary

ID = "https://w3id.org/socialrx/id/"
SCHEME = ID + "scheme/"
BRISTOL_ONLY = {"community-navigators-bristol", "spear", "wesport-physical-activity-link-workers", "southmead-link-workers"}
NORTH_SOMERSET = {"north-somerset-care-navigator", "north-somerset-community-connections", "second-step-safe-haven"}


@pytest.fixture(scope="module")
def base(module_app, serve):
    """The app over the shipped data, served by waitress on 127.0.0.1."""
    return serve(module_app)


def get(base, path, **params):
    """(status, headers, body text) of a GET over HTTP; 4xx answers are returned, not raised."""
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8")


def find_json(base, **params):
    status, _, body = get(base, "/find.json", **params)
    return status, json.loads(body)


def slugs(results, section=None):
    return {r["scheme"].removeprefix(SCHEME) if "scheme" in r else r["iri"].removeprefix(SCHEME)
            for r in results if section is None or r["section"] == section}


# --- The headline case -------------------------------------------------------------------------------------


def test_bs1_1ng_age_70_lonely_lists_bristol_schemes_with_why_unknown_status_and_referral(base):
    status, headers, html = get(base, "/find", postcode="BS1 1NG", age="70", need="lonely")
    assert status == 200
    assert "Community Navigators (Bristol Ageing Better)" in html and "SPEAR" in html
    assert "Why it may fit" in html and "Not known" in html and "How to refer" in html and "Status" in html
    status, data = find_json(base, postcode="BS1 1NG", age="70", need="lonely")
    assert status == 200 and data["place"]["kind"] == "postcode" and data["place"]["label"] == "BS1 1NG"
    results = data["results"]
    assert BRISTOL_ONLY <= slugs(results)
    assert not NORTH_SOMERSET & slugs(results), "North Somerset schemes do not cover BS1 1NG"
    for r in results:
        assert any("BS1 1NG" in w and "Bristol" in w for w in r["why"]), r["why"]  # covers this postcode through Bristol
        assert r["status"] and r["how_to_refer"], r  # "not stated by any source" when no source says
        assert all(v for v in r["contact"].values()), r["contact"]
    by_slug = {r["iri"].removeprefix(SCHEME): r for r in results}
    # No source gives the age limits of these schemes: kept, with the unknown said.
    assert "Whether age 70 is eligible: no age limit is stated by any source." in by_slug["spear"]["unknown"]
    # "lonely" leads to the client group its own page states, 'Socially isolated', through an editorial word.
    assert data["needs"]["not_matched"] == []
    assert [m["key"] for m in data["needs"]["matched"]] == ["client-groups/socially-isolated"]
    navigators = by_slug["community-navigators-bristol"]
    assert navigators["rank"] == 1
    assert ("Serves 'lonely': a source states its client group 'Socially isolated' (an editorial match: "
            "'lonely' is near to, not the same as, 'Socially isolated').") in navigators["why"]
    assert "Whether it serves 'lonely': not stated by any source." in by_slug["spear"]["unknown"]


def test_the_page_links_its_twins_and_they_agree(base):
    _, headers, _ = get(base, "/find", postcode="BS1 1NG", age="70", need="lonely")
    links = headers["Link"]
    assert 'rel="alternate"; type="application/json"' in links and 'rel="alternate"; type="text/csv"' in links
    _, data = find_json(base, postcode="BS1 1NG", age="70", need="lonely")
    status, headers, body = get(base, "/find.csv", postcode="BS1 1NG", age="70", need="lonely")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["scheme"] for r in rows] == [r["iri"] for r in data["results"]]
    assert all(r["why"] and r["status"] and r["how_to_refer"] for r in rows)
    status, _, same = get(base, "/find", postcode="BS1 1NG", age="70", need="lonely", format="csv")
    assert status == 200 and same == body


# --- Other places --------------------------------------------------------------------------------------------


def test_a_north_somerset_postcode_lists_the_north_somerset_schemes(base):
    status, data = find_json(base, postcode="bs21 6aa", age="70")
    assert status == 200 and data["place"]["label"] == "BS21 6AA"
    assert NORTH_SOMERSET <= slugs(data["results"])
    assert not BRISTOL_ONLY & slugs(data["results"])
    navigator = next(r for r in data["results"] if r["iri"].endswith("north-somerset-care-navigator"))
    assert "Age 70 is within the stated bounds (aged 18 and over)." in navigator["why"]


def test_a_postcode_district_resolves_to_the_areas_it_lies_in(base):
    status, data = find_json(base, postcode="BS1")
    assert status == 200 and data["place"]["kind"] == "district" and data["place"]["label"] == "BS1"
    assert BRISTOL_ONLY <= slugs(data["results"])
    assert any("postcode district BS1" in w for w in data["results"][0]["why"])
    status, html = get(base, "/find", postcode="BS1")[::2]
    assert status == 200 and "Schemes for postcode district BS1" in html


def test_an_unknown_well_formed_postcode_is_404_in_plain_words(base):
    status, _, html = get(base, "/find", postcode="BS1 9ZZ", age="70")
    assert status == 404
    assert "We do not have postcode BS1 9ZZ in our data" in html
    assert "nhsuk-error-summary" in html and 'href="#postcode"' in html
    assert "socialrx import" not in html and "Traceback" not in html
    status, data = find_json(base, postcode="BS1 9ZZ")
    assert status == 404 and data["field"] == "postcode"


def test_a_malformed_postcode_is_400_with_the_nhs_error_summary(base):
    status, _, html = get(base, "/find", postcode="BS1 1N", age="70", need="lonely")
    assert status == 400
    assert "There is a problem" in html and "nhsuk-error-summary" in html and 'href="#postcode"' in html
    assert "nhsuk-form-group--error" in html and 'id="postcode-error"' in html and "1NG" in html
    assert 'value="BS1 1N"' in html and 'value="lonely"' in html  # the form keeps what was typed
    status, data = find_json(base, postcode="BS1 1N")
    assert status == 400 and data["field"] == "postcode" and "postcode" in data["message"]
    assert get(base, "/find.csv", postcode="BS1 1N")[0] == 400


@pytest.mark.parametrize("params, field", [({"postcode": "BS1 1NG", "age": "seventy"}, "age"),
                                           ({"postcode": "BS1 1NG", "age": "131"}, "age"),
                                           ({"postcode": "BS1 1NG", "referral": "carrier-pigeon"}, "referral"),
                                           ({"area": "atlantis"}, "area"), ({"age": "70"}, "postcode")])
def test_other_bad_input_is_400_naming_the_field(base, params, field):
    status, data = find_json(base, **params)
    assert status == 400 and data["field"] == field, data
    status, _, html = get(base, "/find", **params)
    assert status == 400 and f'href="#{field}"' in html


# --- Eligibility, needs, referral, ranking ------------------------------------------------------------------------


def test_age_15_against_a_stated_minimum_of_16_is_listed_apart_with_the_bound(base):
    status, data = find_json(base, area="leeds", age="15")
    assert status == 200
    leeds = next(r for r in data["results"] if r["iri"] == SCHEME + "linking-leeds")
    assert leeds["section"] == "not-for-age"
    assert leeds["against"] == ["Not for age 15: a source states aged 16 and over."]
    assert not any(r["section"] == "fits" and r["iri"] == leeds["iri"] for r in data["results"])
    status, data = find_json(base, area="leeds", age="16")
    leeds = next(r for r in data["results"] if r["iri"] == SCHEME + "linking-leeds")
    assert leeds["section"] == "fits" and "Age 16 is within the stated bounds (aged 16 and over)." in leeds["why"]
    html = get(base, "/find", area="leeds", age="15")[2]
    assert "Not for this age, as sources state" in html


def test_a_scheme_with_unknown_eligibility_is_never_dropped(kb, store):
    """Every service serving Bristol appears for a Bristol postcode, whatever the age, need or route asked."""
    serving = {r["s"]["value"] for r in store.query(
        "PREFIX srx: <https://w3id.org/socialrx/def/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT DISTINCT ?s WHERE { ?s srx:areaServed <https://w3id.org/socialrx/id/area/bristol> ; a/rdfs:subClassOf* srx:Service }").rows}
    req = model.FindRequest(postcode="BS1 1NG", age=70, need="debt, anxiety", referral="self-referral")
    answer = model.find(store, Catalogue.load(), req)
    assert serving <= {r.iri for r in answer.results}
    assert [r.rank for r in answer.results] == list(range(1, len(answer.results) + 1))


def test_ended_schemes_are_listed_apart_after_the_others(store):
    answer = model.find(store, Catalogue.load(), model.FindRequest(area="leeds"))
    sections = [r.section for r in answer.results]
    assert sections == sorted(sections, key=["fits", "not-for-age", "ended"].index)
    for r in answer.ended:
        assert r.against and r.against[0].startswith("Ended, as ")


def test_a_need_in_everyday_words_ranks_the_scheme_that_serves_it_first(store):
    answer = model.find(store, Catalogue.load(), model.FindRequest(postcode="BS1 1NG", age=70, need="elderly"))
    first = answer.fits[0]
    assert first.iri == SCHEME + "community-navigators-bristol"
    assert "Serves 'elderly': a source states its client group 'Older people' (an editorial match of the everyday word, not a source's words)." in first.why
    answer = model.find(store, Catalogue.load(), model.FindRequest(postcode="BS1 1NG", need="exercise"))
    assert answer.fits[0].iri == SCHEME + "wesport-physical-activity-link-workers"


def test_a_stated_referral_route_ranks_before_an_unstated_one(store):
    answer = model.find(store, Catalogue.load(), model.FindRequest(postcode="BS1 1NG", referral="self-referral"))
    spear = next(r for r in answer.fits if r.iri == SCHEME + "spear")
    assert "Takes referrals by 'Self-referral', as a source states." in spear.why
    unstated = [r for r in answer.fits if any("no referral route is stated" in u for u in r.unknown)]
    assert unstated and all(spear.rank < r.rank for r in unstated)


def test_everyday_words_are_editorial_and_map_only_to_existing_concepts(kb, store):
    vocab = vocabulary(store)
    needs = vocab.match("elderly, lonely older man; exercise")
    assert {m.key for m in needs.matches} >= {"client-groups/older-people", "roles/physical-activity-link-worker"}
    assert all(m.editorial for m in needs.matches)
    graph = ID + "source/socialrx-editorial-everyday-words"
    rows = store.query(
        "PREFIX srx: <https://w3id.org/socialrx/def/> PREFIX dct: <http://purl.org/dc/terms/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        f"SELECT ?c ?inScheme ?desc WHERE {{ <{graph}> a srx:Source ; dct:description ?desc . "
        f"GRAPH <{graph}> {{ ?c skos:altLabel|skos:hiddenLabel ?w }} OPTIONAL {{ ?c skos:inScheme ?inScheme }} }}").rows
    assert rows and all("inScheme" in r for r in rows), "every everyday word sits on a concept that exists in a scheme"
    assert rows[0]["desc"]["value"].startswith("Editorial, not a source's claim")


def test_the_ranking_rules_are_written_down(base):
    status, _, html = get(base, "/find/how")
    assert status == 200
    for rule in model.RULES:
        assert rule.split(",")[0].split(":")[0] in html.replace("&#39;", "'")


def test_find_is_in_the_site_navigation(base):
    html = get(base, "/")[2]
    assert 'href="/find"' in html and "Find a scheme" in html


# --- The catalogue query and the command line ---------------------------------------------------------------


def test_the_catalogue_query_answers_with_csv_and_json_twins(base):
    place = ID + "postcode/BS11NG"
    status, headers, body = get(base, "/queries/find-schemes.csv", place=place, age="70", need="older")
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(body)))
    navigators = [r for r in rows if r["scheme"] == SCHEME + "community-navigators-bristol"]
    assert {"area", "concept"} <= {r["fact"] for r in navigators}
    assert any(r["fact"] == "concept" and r["fits"] == "true" and r["valueLabel"] == "Older people" for r in navigators)
    assert any(r["fact"] == "area" and r["value"] == ID + "area/bristol" and r["fit"] == "1" for r in navigators)
    status, _, body = get(base, "/queries/find-schemes.json", place=ID + "area/leeds", age="15")
    rows = json.loads(body)["results"]["bindings"]
    assert any(r["scheme"]["value"] == SCHEME + "linking-leeds" and r["fact"]["value"] == "minimumAge"
               and r["fits"]["value"] == "false" for r in rows)


def test_the_command_prints_the_ranked_schemes(capsys):
    assert cli.main(["find", "--postcode", "BS1 1NG", "--age", "70", "--need", "lonely"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Schemes for postcode BS1 1NG") and "SPEAR" in out and "not known:" in out
    assert cli.main(["find", "--postcode", "BS21 6AA", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert NORTH_SOMERSET <= slugs(data["results"])
    assert cli.main(["find", "--area", "leeds", "--age", "15", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert any(r["label"] == "Linking Leeds" and r["section"] == "not-for-age" for r in rows)


@pytest.mark.parametrize("args, says", [(["--postcode", "BS1 1N"], "not a full UK postcode"),
                                        (["--postcode", "BS1 9ZZ"], "We do not have postcode BS1 9ZZ"),
                                        (["--postcode", "BS1 1NG", "--age", "old"], "whole number"),
                                        (["--age", "70"], "give --postcode")])
def test_the_command_exits_2_with_a_clear_message_on_bad_input(capsys, args, says):
    assert cli.main(["find", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("socialrx find: ") and says in err and "Traceback" not in err
