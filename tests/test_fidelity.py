"""Knowledge fidelity (issue 10): the data says what its sources say, no more and no less, and the model keeps
organisations, areas, documents, grants and figures apart.

Each test names the defect it guards against. The facts are checked against the infographic
(shared/seed/000_fd5244f77b691d40.txt) and the sources cited in data/sources.trig.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from socialrx.kb import IMPORT_GRAPH_PREFIX, ONTOLOGY_GRAPH, QUERIES_GRAPH, KnowledgeBase

ID = "https://w3id.org/socialrx/id/"
SRC = ID + "source/"
INFOGRAPHIC = SRC + "care-forum-infographic"
FIXTURES = Path(__file__).parent / "fixtures" / "fidelity"
PREFIXES = """PREFIX srx: <https://w3id.org/socialrx/def/> PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX schema: <https://schema.org/> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX src: <https://w3id.org/socialrx/id/source/> PREFIX o: <https://w3id.org/socialrx/id/org/>
PREFIX scheme: <https://w3id.org/socialrx/id/scheme/> PREFIX area: <https://w3id.org/socialrx/id/area/>
PREFIX role: <https://w3id.org/socialrx/id/vocab/roles/> PREFIX aim: <https://w3id.org/socialrx/id/vocab/aims/>
"""


def select(kb, text, union=False):
    rows = kb.store.query(PREFIXES + text, use_default_graph_as_union=union)
    return [tuple(t.value if t is not None else None for t in row) for row in rows]


def ask(kb, text, union=True):
    return bool(kb.store.query(PREFIXES + text, use_default_graph_as_union=union))


def curated_graphs(kb):
    return [g for g in kb.graph_names() if g not in (ONTOLOGY_GRAPH, QUERIES_GRAPH) and not g.startswith(IMPORT_GRAPH_PREFIX)]


# --- 1. Claims the source makes that the data missed or bent ---------------------------------------------------


def test_the_rapid_review_is_dated_2016(kb):
    # "In the NHS Rapid Review of 2016": a date, not only a label.
    assert select(kb, "SELECT ?d WHERE { GRAPH src:care-forum-infographic { src:nhs-rapid-review-2016 dct:issued ?d } }") == [("2016",)]


def test_a_date_in_a_sources_address_or_title_is_its_issued_date(kb):
    # Addresses like /2017/08/ or /2024/11/20/ and titles like "(August 2017)" state when the source was published.
    # A republished copy's address carries the date of the copy, not of the original: those may leave it out.
    rows = select(kb, "SELECT ?s ?url ?label ?issued WHERE { ?s a srx:Source ; rdfs:label ?label . OPTIONAL { ?s srx:url ?url } "
                      "OPTIONAL { ?s dct:issued ?issued } FILTER(!CONTAINS(LCASE(?label), 'republished')) }", union=True)
    months = dict(january="01", february="02", march="03", april="04", may="05", june="06", july="07", august="08",
                  september="09", october="10", november="11", december="12")
    missing = []
    for source, url, label, issued in rows:
        stated = None
        if url and (m := re.search(r"/(20[0-9]{2})/([01][0-9])(?:/([0-3][0-9]))?/", url)):
            stated = "-".join(p for p in m.groups() if p)
        elif m := re.search(r"\((" + "|".join(months) + r") (20[0-9]{2})\)\s*$", label, re.I):
            stated = f"{m.group(2)}-{months[m.group(1).lower()]}"
        if stated and not (issued or "").startswith(stated):
            missing.append((source, stated, issued))
    assert missing == []


def test_better_together_is_dorset_community_actions_programme(kb):
    # "Dorset Community Action have a VCSE community navigator as part of their 'Better Together' programme".
    assert ask(kb, "ASK { GRAPH src:care-forum-infographic { <https://w3id.org/socialrx/id/programme/better-together> "
                   "srx:programmeOwner o:dorset-community-action } }", union=False)


@pytest.mark.parametrize("name", ["west-wakefield-health-and-wellbeing", "brighton-and-hove-community-navigation-pilot", "dundee-equally-well"])
def test_the_care_navigators_sentence_covers_all_three_schemes(kb, name):
    # "In the West Wakefield Health and Wellbeing project, the Brighton and Hove Community Navigation Pilot and Dundee
    # Equally Well care navigators were based in each surgery."
    roles = {r for (r,) in select(kb, f"SELECT ?r WHERE {{ GRAPH src:care-forum-infographic {{ scheme:{name} srx:usesRole ?r }} }}")}
    assert roles == {ID + "vocab/roles/care-navigator"}
    notes = " ".join(n for (n,) in select(kb, f"SELECT ?n WHERE {{ GRAPH src:care-forum-infographic {{ scheme:{name} skos:editorialNote ?n }} }}"))
    assert "care navigators" in notes and "ambiguous" in notes


def test_reducing_admissions_is_a_claim_about_several_unnamed_schemes(kb):
    # "Reducing hospital admissions and readmissions is a stated aim of several schemes." The infographic names none.
    claims = select(kb, "SELECT ?c ?q ?scope WHERE { GRAPH src:care-forum-infographic { ?c a srx:Claim ; srx:quote ?q ; "
                        "srx:hasAim aim:reduce-hospital-admissions ; srx:claimScope ?scope } }")
    assert [(q, scope) for _, q, scope in claims] == [
        ("Reducing hospital admissions and readmissions is a stated aim of several schemes", "several schemes, not named")]
    assert select(kb, "SELECT ?s WHERE { GRAPH src:care-forum-infographic { ?s srx:hasAim aim:reduce-hospital-admissions . "
                      "?s a ?t FILTER(?t != srx:Claim) } }") == []


def test_every_area_without_a_code_is_used(kb):
    # area:bristol-region had nothing within it, served no scheme and sat in no larger area.
    idle = select(kb, f"""SELECT ?a WHERE {{ GRAPH ?g {{ ?a a ?t }} ?t rdfs:subClassOf* srx:Area .
        FILTER(!STRSTARTS(STR(?g), "{IMPORT_GRAPH_PREFIX}"))
        FILTER NOT EXISTS {{ ?a srx:gssCode ?code }} FILTER NOT EXISTS {{ ?x srx:within ?a }} FILTER NOT EXISTS {{ ?a srx:within ?y }}
        FILTER NOT EXISTS {{ ?s srx:areaServed ?a }} FILTER NOT EXISTS {{ ?b srx:covers ?a }} }}""", union=True)
    assert idle == []


# --- 2. Statements their cited source does not make --------------------------------------------------------------


def test_cumbria_icbs_do_not_cover_the_2023_unitary_areas(kb):
    # The ICB lookup pairs codes; it says nothing about Cumberland or Westmorland and Furness.
    assert select(kb, "SELECT ?b ?a WHERE { ?b a srx:IntegratedCareBoard ; srx:covers ?a . "
                      "VALUES ?a { area:cumberland area:westmorland-and-furness } }", union=True) == []


def test_the_2017_cumbria_ccgs_cover_the_localities_their_source_names(kb):
    covered = select(kb, "SELECT ?b ?label WHERE { GRAPH src:north-cumbria-ccg-boundary-2017 { ?b srx:covers ?a . ?a rdfs:label ?label } }")
    assert sorted(label for b, label in covered if b == ID + "org/nhs-north-cumbria-ccg") == ["Allerdale", "Carlisle", "Copeland", "Eden"]
    assert {label for b, label in covered if b == ID + "org/nhs-morecambe-bay-ccg"} == {"North Lancashire", "South Lakes and Furness"}


@pytest.mark.parametrize("org,kind", [("bristol-mental-health", "Partnership"), ("bristol-mental-health", "VCSEOrganisation"),
                                      ("macmillan", "VCSEOrganisation"), ("bromley-by-bow", "VCSEOrganisation")])
def test_no_organisation_type_the_source_does_not_state(kb, org, kind):
    assert not ask(kb, f"ASK {{ o:{org} a srx:{kind} }}")


def test_wellaware_was_branded_in_2010_not_founded(kb):
    # "In 2010 we were working with 3 local authorities and primary care trusts and branded the directory 'Well Aware'".
    assert not ask(kb, "ASK { scheme:wellaware srx:founded ?d }")
    assert select(kb, "SELECT ?d WHERE { GRAPH src:oruk-case-studies { scheme:wellaware srx:brandedOn ?d } }") == [("2010",)]


def test_connect_for_health_is_funded_not_commissioned_by_its_ccg(kb):
    # South Leeds Life: "Funded by NHS Leeds South and East Clinical Commissioning Group".
    assert not ask(kb, "ASK { scheme:connect-for-health srx:commissionedBy ?x }")
    assert ask(kb, "ASK { GRAPH src:southleedslife-connect-for-health { scheme:connect-for-health srx:fundedBy o:nhs-leeds-south-and-east-ccg } }", union=False)


def test_spear_does_not_name_southmead_development_trust_as_a_partner(kb):
    # The article names the Trust only as its author's employer.
    assert not ask(kb, "ASK { scheme:spear srx:partner|srx:providedBy o:southmead-development-trust }")


def test_every_partner_of_a_bristol_region_scheme_is_in_its_sources_words(kb):
    # Wesport: "In collaboration with the 3 anchor organisations …"; AHSW: "a partnership project between …". Where the
    # source names the partner by description only, an editorial note says which organisation is meant.
    rows = select(kb, """SELECT ?s ?g ?label (GROUP_CONCAT(?q; separator=" | ") AS ?quotes) WHERE {
        GRAPH ?g { ?s srx:partner ?p } ?p rdfs:label ?label . FILTER(?g != src:care-forum-infographic)
        FILTER(STRSTARTS(STR(?g), "https://w3id.org/socialrx/id/source/"))
        OPTIONAL { GRAPH ?g { ?s srx:quote|skos:editorialNote ?q } } } GROUP BY ?s ?g ?label""", union=True)
    assert rows
    unsupported = [(s, g, label) for s, g, label, quotes in rows if label not in (quotes or "")]
    assert unsupported == []


def test_north_somerset_community_connections_is_a_partnership_of_four(kb):
    # "It is a partnership project between Arts & Health South West, the For All Healthy Living Centre, Alliance Homes
    # and Theatre Orchard." The page names no provider.
    assert not ask(kb, "ASK { scheme:north-somerset-community-connections srx:providedBy ?x }")
    partners = {p for (p,) in select(kb, "SELECT ?p WHERE { scheme:north-somerset-community-connections srx:partner ?p }", union=True)}
    assert partners == {ID + "org/" + n for n in ("arts-and-health-south-west", "for-all-healthy-living-centre", "alliance-homes", "theatre-orchard")}


def test_linking_leeds_start_date_is_credited_to_the_article_that_states_it(kb):
    # Ilkeston Advertiser (10 October 2019): "the new citywide service that launched on September 1"; the year is inferred.
    founded = select(kb, "SELECT ?g ?d WHERE { GRAPH ?g { scheme:linking-leeds srx:founded ?d } }")
    assert founded == [(SRC + "ilkeston-advertiser-linking-leeds-2019", "2019-09-01")]
    note = select(kb, "SELECT ?n WHERE { GRAPH src:ilkeston-advertiser-linking-leeds-2019 { scheme:linking-leeds srx:inferenceNote ?n } }")
    assert len(note) == 1 and "2019" in note[0][0] and "inferred" in note[0][0]
    # NHS Leeds CCG: "a single citywide service for all people (aged 16 and above)".
    assert select(kb, "SELECT ?q WHERE { GRAPH src:leeds-ccg-linking-leeds { ?e srx:quote ?q ; srx:minimumAge 16 } }") == [("all people (aged 16 and above)",)]


def test_connect_for_health_start_month_marks_its_inferred_year(kb):
    # South Leeds Life: "Since it launched at the end November" (no year; the article reports January 2016).
    assert select(kb, "SELECT ?d WHERE { GRAPH src:southleedslife-connect-for-health { scheme:connect-for-health srx:founded ?d } }") == [("2015-11",)]
    (note,) = select(kb, "SELECT ?n WHERE { GRAPH src:southleedslife-connect-for-health { scheme:connect-for-health srx:inferenceNote ?n } }")
    assert "2015" in note[0] and "inferred" in note[0]


# Parts of a statement that we mint (an eligibility, a figure …) are about the subject they hang from.
PART_CLASSES = ("Eligibility", "Outcome", "Figure", "AimStatement", "Claim", "Vision")


def test_a_source_graph_holds_statements_only_about_what_the_source_names(kb):
    """Every subject in a source's graph is the source itself, something its record names (srx:url's page
    mentions it: schema:mentions, or its label, description or quote contains the subject's label), or a minted
    part (eligibility, figure, outcome, aim statement, claim, vision, change event) linked to such a subject."""
    offending = []
    # The editors' own writing (labelled "socialrx editors: …", no address) is about whatever it says it covers.
    editorial = {s for (s,) in select(kb, "SELECT ?s WHERE { ?s a srx:Source ; rdfs:label ?l FILTER(STRSTARTS(?l, 'socialrx editors')) "
                                          "FILTER NOT EXISTS { ?s srx:url ?u } }", union=True)}
    for g in set(curated_graphs(kb)) - editorial:
        rows = select(kb, f"""SELECT DISTINCT ?s WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} FILTER(isIRI(?s) && ?s != <{g}>)
            FILTER NOT EXISTS {{ GRAPH <{g}> {{ <{g}> schema:mentions|schema:about ?s }} }}
            FILTER NOT EXISTS {{ ?s a ?part . VALUES ?part {{ {" ".join("srx:" + c for c in PART_CLASSES)} org:ChangeEvent }} }}
            FILTER NOT EXISTS {{ ?s rdfs:label|skos:altLabel ?l . <{g}> rdfs:label|dct:title|dct:description|srx:quote ?text .
                               FILTER(CONTAINS(LCASE(STR(?text)), LCASE(STR(?l)))) }} }}""", union=True)
        offending += [(g, s) for (s,) in rows]
    assert offending == []


def test_every_minted_part_hangs_from_a_subject_in_the_same_graph(kb):
    loose = select(kb, f"""SELECT ?g ?x WHERE {{ GRAPH ?g {{ ?x a ?part }} VALUES ?part {{ {" ".join("srx:" + c for c in PART_CLASSES if c != "Claim")} }}
        FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?x }} }} FILTER NOT EXISTS {{ GRAPH ?g {{ ?x srx:figureOf ?s }} }} }}""")
    assert loose == []


def test_every_source_address_fits_its_description(kb):
    """Offline check of srx:url: a distinctive word of the address (host or path) appears in the source's label or
    description, so an address cannot silently point at another document. Each address was read with the
    search tools on the date in srx:readOn."""
    stop = {"https", "http", "www", "html", "news", "blob", "tree", "head", "docs", "doc", "uk", "org", "com", "co", "nhs", "id"}
    misfits = []
    for source, url, text in select(kb, """SELECT ?s ?url (GROUP_CONCAT(?t; separator=" ") AS ?text) WHERE {
            ?s a srx:Source ; srx:url ?url ; rdfs:label|dct:description ?t } GROUP BY ?s ?url""", union=True):
        words = {w for w in re.split(r"[^a-z0-9]+", url.lower()) if len(w) >= 4 and w not in stop}
        host = re.sub(r"^www\.", "", url.split("/")[2]).split(".")[0]
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", text) if w[0].isupper()).lower()
        flat = re.sub(r"[^a-z0-9]", "", text.lower())
        if not (any(w in flat for w in words) or (len(host) >= 3 and host in initials)):
            misfits.append((source, url))
    assert misfits == []


# --- 3. Figures as data -------------------------------------------------------------------------------------------

FIGURES = [
    # (source, value, unit, words the quote contains)
    ("wesport-physical-activity-report", 800, "count", "over 800 referrals"),
    ("bbbc-macmillan-page", 2000, "count", "over 2,000 people"),
    ("bbbc-macmillan-page", 400, "count", "more than 400 different services"),
    ("bbbc-macmillan-page", 280, "count", "More than 280 professionals"),
    ("brighton-epic-interim-report", 16, "count", "16 GP practices"),
    ("nhse-brighton-pm-fund", 18, "count", "18 practices"),
    ("nhse-brighton-pm-fund", 1800000, "GBP", "£1.8 million"),
    ("bridport-news-better-together", 750000, "GBP", "£750,000"),  # not the Dorset Echo, which does not give it
    ("weston-mercury-safe-haven", 600, "count", "more than 600 people"),
]


@pytest.mark.parametrize("source,value,unit,words", FIGURES)
def test_figures_the_issue_names_are_data(kb, source, value, unit, words):
    rows = select(kb, f"""SELECT ?v ?unit ?q ?m ?about WHERE {{ GRAPH src:{source} {{ ?f a srx:Figure ; srx:value ?v ; srx:unit ?unit ;
        srx:quote ?q ; srx:measure ?m ; srx:figureOf ?about }} }}""")
    assert any(float(v) == value and u == unit and words in q for v, u, q, _, _ in rows), rows


MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
NUMBER = re.compile(r"(?<![A-Za-z0-9.,])(£)?([0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)\s*(million|m\b|%|per cent)?(?![A-Za-z0-9]|[.,][0-9])")


def test_no_number_sits_only_in_a_note(kb):
    """Every count, amount or percentage in a note also stands as a figure (or outcome) in the same graph.
    Years, days of dates, clock times, time points ('6 weeks') and identifiers are not figures."""
    notes = select(kb, f"SELECT ?g ?n WHERE {{ GRAPH ?g {{ ?s skos:note|skos:editorialNote|srx:inferenceNote ?n }} FILTER(?g != <{ONTOLOGY_GRAPH}>) }}")
    values = {}
    for g, v in select(kb, "SELECT ?g ?v WHERE { GRAPH ?g { ?f srx:value|srx:baselineValue ?v } }"):
        values.setdefault(g, set()).add(float(v))
    bare = []
    for g, note in notes:
        text = re.sub(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "", note)
        for m in NUMBER.finditer(text):
            amount, number, unit = m.groups()
            n = float(number.replace(",", ""))
            after, before = text[m.end():m.end() + 12], text[max(0, m.start() - 10):m.start()]
            if re.fullmatch(r"(19|20)[0-9]{2}", number) or (not amount and not unit and (
                    re.match(rf"\s*({MONTHS})", after) or re.search(rf"({MONTHS})\s*$", before)
                    or re.match(r"\s*(weeks?|months?)\b", after))):
                continue
            if unit in ("million", "m"):
                n *= 1_000_000
            if n not in values.get(g, set()):
                bare.append((g, number, note[:80]))
    assert bare == []


def test_the_figures_query_lists_every_figure_with_source_and_quote(kb, store):
    from socialrx.catalogue import Catalogue

    run = Catalogue.load().run(store, "figures", {})
    rows = [{k: v["value"] for k, v in row.items()} for row in run.result.rows]
    (expected,) = select(kb, "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a/rdfs:subClassOf* srx:Figure }", union=True)
    assert len({r["figure"] for r in rows}) == int(expected[0]) >= 30
    assert all(r.get("source") and r.get("sourceLabel") and r.get("quote") and r.get("value") for r in rows)
    wesport = [r for r in rows if "over 800 referrals" in r["quote"]]
    assert wesport and wesport[0]["source"] == SRC + "wesport-physical-activity-report"


# --- 4. A cleaner model ------------------------------------------------------------------------------------------


def test_no_organisation_is_declared_the_same_as_a_geography(kb):
    assert select(kb, "SELECT ?o WHERE { ?o a/rdfs:subClassOf* srx:Organisation ; srx:statisticalGeography ?g }", union=True) == []
    assert select(kb, "SELECT ?p WHERE { ?p rdfs:subPropertyOf+ skos:exactMatch }", union=True) == []
    bodies = select(kb, "SELECT ?o WHERE { ?o a/rdfs:subClassOf* srx:NHSBody ; srx:gssCode ?c ; srx:responsibleForGeography ?g "
                        "FILTER(STR(?g) = CONCAT('http://statistics.data.gov.uk/id/statistical-geography/', ?c)) }", union=True)
    assert len(bodies) >= 20


def test_the_ons_import_gives_bodies_a_geography_they_are_responsible_for(folder):
    from imports_support import graph_of, import_fixture

    assert import_fixture(folder, "ons", "lookup", "ons-lad-sicbl-icb.csv") == 0
    g = graph_of(folder / "ons-lookup.nq")
    import pyoxigraph as ox

    def subjects(prop):
        return {q.subject.value for q in g.quads_for_pattern(None, ox.NamedNode("https://w3id.org/socialrx/def/" + prop), None)}

    same, responsible = subjects("statisticalGeography"), subjects("responsibleForGeography")
    assert responsible and all("/org/" in s or "/ods/" in s for s in responsible)
    assert not any("/org/" in s or "/ods/" in s for s in same)


def test_exact_match_links_only_concepts(kb):
    assert select(kb, "SELECT ?s WHERE { ?s skos:exactMatch ?o FILTER NOT EXISTS { ?s a skos:Concept } }", union=True) == []


@pytest.mark.parametrize("fund", ["prime-ministers-challenge-fund", "transformation-challenge-award"])
def test_funds_are_grants_not_organisations(kb, fund):
    iri = f"<{ID}grant/{fund}>"
    assert ask(kb, f"ASK {{ {iri} a srx:FundingProgramme }}")
    assert ask(kb, "ASK { srx:FundingProgramme rdfs:subClassOf+ schema:Grant }")
    assert not ask(kb, f"ASK {{ {iri} a/rdfs:subClassOf* srx:Organisation }}")
    assert not ask(kb, f"ASK {{ ?x ?p <{ID}org/{fund}> }}")


def test_a_source_has_a_graph_and_a_document_we_only_cite_has_none(kb):
    graphs = set(kb.graph_names()) - {ONTOLOGY_GRAPH}
    sources = {s for (s,) in select(kb, "SELECT ?s WHERE { ?s a/rdfs:subClassOf* srx:Source }", union=True)}
    assert sources == graphs
    assert not ask(kb, "ASK { srx:PolicyDocument rdfs:subClassOf+ srx:Source }")
    assert ask(kb, "ASK { srx:PolicyDocument rdfs:subClassOf+ srx:Document . srx:Source rdfs:subClassOf+ srx:Document }")
    cited_only = {d for (d,) in select(kb, "SELECT ?d WHERE { ?d a srx:PolicyDocument }", union=True)}
    assert cited_only and not cited_only & graphs


def test_confidence_sits_only_on_sources(kb):
    assert select(kb, "SELECT ?s WHERE { ?s srx:confidence ?c FILTER NOT EXISTS { ?s a/rdfs:subClassOf* srx:Source } }", union=True) == []


def test_not_every_area_is_administrative(kb):
    assert not ask(kb, "ASK { srx:Area rdfs:subClassOf+ schema:AdministrativeArea }")
    for cls in ("LocalAuthorityArea", "NHSArea"):
        assert ask(kb, f"ASK {{ srx:{cls} rdfs:subClassOf+ srx:AdministrativeArea . srx:AdministrativeArea rdfs:subClassOf schema:AdministrativeArea }}")
    assert ask(kb, "ASK { srx:PostcodeUnit rdfs:subClassOf srx:Area }")
    assert not ask(kb, "ASK { area:west-wakefield a/rdfs:subClassOf* srx:AdministrativeArea }")


SUCCESSION_DRIFT = """SELECT ?a ?b ?problem WHERE {
  { ?a srx:succeededBy ?b . { ?a a/rdfs:subClassOf* srx:Organisation } UNION { ?a a/rdfs:subClassOf* srx:Area }
    FILTER NOT EXISTS { ?e org:originalOrganization|srx:originalArea ?a ; org:resultingOrganization|srx:resultingArea ?b }
    BIND("succession without a change event" AS ?problem) }
  UNION
  { ?e org:originalOrganization|srx:originalArea ?a .
    FILTER NOT EXISTS { ?e org:resultingOrganization|srx:resultingArea ?b2 . ?a srx:succeededBy ?b2 }
    BIND(?e AS ?b) BIND("original without a successor among the event's results" AS ?problem) }
  UNION
  { ?e org:resultingOrganization|srx:resultingArea ?b .
    FILTER NOT EXISTS { ?e org:originalOrganization|srx:originalArea ?a2 . ?a2 srx:succeededBy ?b }
    BIND(?e AS ?a) BIND("result that succeeds none of the event's originals" AS ?problem) }
}"""


def test_successions_and_change_events_agree(kb):
    assert select(kb, SUCCESSION_DRIFT, union=True) == []


def test_every_source_says_when_it_was_read(kb):
    # Imports carry their own provenance; the editors' own writing (no address) may give the date it was written.
    unread = select(kb, f"""SELECT ?s WHERE {{ ?s a srx:Source FILTER NOT EXISTS {{ GRAPH ?s {{ ?s srx:readOn ?d }} }}
        FILTER(!STRSTARTS(STR(?s), "{IMPORT_GRAPH_PREFIX}") && ?s != <{QUERIES_GRAPH}>)
        FILTER(EXISTS {{ ?s srx:url ?u }} || NOT EXISTS {{ ?s dct:issued ?i }}) }}""", union=True)
    assert unread == []


def test_the_dataset_description_has_dcat_distributions(client):
    body = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "dcat:Distribution" in body and "dcat:downloadURL" in body and "dcat:mediaType" in body


# --- 5. Shapes: each new rule rejects a small broken fixture with a plain-English message --------------------------

SHAPE_CASES = {
    "organisation-with-geography": ("o", "An organisation is not its area"),
    "exact-match-on-organisation": ("o", "skos:exactMatch links concepts only"),
    "confidence-on-entity": ("o", "srx:confidence belongs on a source"),
    "fund-as-funder": ("s", "srx:fundedBy must point to a resource typed srx:Organisation"),
    "figure-without-quote": ("f", "A figure must keep the source's own words"),
    "figure-without-subject": ("f", "A figure must say what it is a figure of"),
    "succession-without-event": ("a", "has no change event"),
    "event-without-succession": ("c", "does not say which of the event's results succeeded it"),
    "source-not-read": ("src", "must say when it was read"),
    "claim-without-scope": ("c", "A claim must say which schemes it is about"),
}


@pytest.mark.parametrize("name", sorted(SHAPE_CASES))
def test_each_rule_has_a_shape_with_a_readable_message(name):
    from socialrx.kb import kb_files
    from socialrx.validate import shapes_graph, validate

    focus, words = SHAPE_CASES[name]
    base = [f for f in kb_files() if f.parent.name == "ontology" or f.name == "sources.trig"]
    report = validate(KnowledgeBase.load(files=base + [FIXTURES / f"{name}.trig"]), shapes_graph())
    messages = [p.message for p in report.by_focus().get(f"{ID}test/{focus}", [])]
    assert any(words in m for m in messages), f"{name}: expected {words!r} in {messages}"
