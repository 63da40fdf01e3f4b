"""Each catalogue query's answers on the shipped data, checked against the source document.

The expected values are what the infographic (shared/seed/000_fd5244f77b691d40.txt) says, or what a
source it led to says (named where it matters). A few answers are compared as exact CSV, the form
people download.
"""

import pytest

from socialrx.catalogue import Catalogue
from socialrx.kb import KnowledgeBase, kb_files
from socialrx.settings import Settings
from socialrx.store import open_store

ID = "https://w3id.org/socialrx/id/"
INFOGRAPHIC = ID + "source/care-forum-infographic"
CUMBRIA = "NHS Cumbria CCG Care Navigators Pilot"
NORTH_SOMERSET = "North Somerset Care Navigator service"
BRISTOL_MH = "Bristol Mental Health recovery navigators"
BROMLEY = "Bromley-by-Bow's service funded by Macmillan"
CAMDEN = "The Camden Stroke Navigation Service"
DORSET = "Dorset Community Action VCSE community navigator"
BRIGHTON_PILOT = "Brighton and Hove Community Navigation Pilot"
BRIGHTON_PROJECT = "Brighton and Hove navigator project"
WEST_WAKEFIELD = "West Wakefield Health and Wellbeing project"
DUNDEE = "Dundee Equally Well"
CONNECT = "Connect for Health"
# "All of these schemes direct people to services": the schemes the infographic names.
INFOGRAPHIC_SCHEMES = {CUMBRIA, NORTH_SOMERSET, BRISTOL_MH, BROMLEY, CAMDEN, DORSET, BRIGHTON_PILOT, BRIGHTON_PROJECT,
                       WEST_WAKEFIELD, DUNDEE, CONNECT}


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.load()


@pytest.fixture(scope="module")
def ask(catalogue, store):
    """Run a catalogue query and return its rows as plain {variable: value} dicts."""

    def run(name, **raw):
        result = catalogue.run(store, name, raw).result
        return [{k: v["value"] for k, v in row.items()} for row in result.rows]

    return run


@pytest.fixture(scope="module")
def csv(catalogue, store):
    def run(name, **raw):
        return catalogue.run(store, name, raw).result.serialize("text/csv").decode("utf-8")

    return run


def column(rows, name, **where):
    return {r.get(name) for r in rows if all(r.get(k) == v for k, v in where.items())}


def schemes(rows, **where):
    return column(rows, "schemeLabel", **where)


# --- Exact CSV ---------------------------------------------------------------------------------------------


def test_schemes_whose_age_bounds_include_80_as_csv(csv):
    # "patients are 75 years and over" (Cumbria); "people aged 18 and over" (North Somerset);
    # Linking Leeds is for "all people (aged 16 and above)" (NHS Leeds CCG).
    assert csv("schemes-for-age", age="80") == (
        "scheme,schemeLabel,minimumAge,maximumAge,source,sourceLabel,age\r\n"
        f"{ID}scheme/linking-leeds,Linking Leeds,16,,{ID}source/leeds-ccg-linking-leeds,"
        "NHS Leeds CCG: Investment in social prescribing makes a positive difference to people in Leeds,80\r\n"
        f"{ID}scheme/cumbria-care-navigators-pilot,{CUMBRIA},75,,{INFOGRAPHIC},"
        "Social Prescribing and Navigation (The Care Forum infographic),80\r\n"
        f"{ID}scheme/north-somerset-care-navigator,{NORTH_SOMERSET},18,,{INFOGRAPHIC},"
        "Social Prescribing and Navigation (The Care Forum infographic),80\r\n"
    )


def test_bromley_by_bow_is_funded_by_macmillan_as_csv(csv):
    # "Bromley-by-Bow's service is funded by Macmillan"
    assert csv("schemes-by-funder", funder="macmillan") == (
        "funder,funderLabel,scheme,schemeLabel,programme,programmeLabel,source,sourceLabel\r\n"
        f"{ID}org/macmillan,Macmillan Cancer Support,{ID}scheme/bromley-by-bow-macmillan-service,{BROMLEY},,,"
        f"{INFOGRAPHIC},Social Prescribing and Navigation (The Care Forum infographic)\r\n"
    )


def test_the_frail_client_group_is_the_cumbria_pilot_as_csv(csv):
    # "In the NHS Cumbria CCG Care Navigators Pilot, patients are 75 years and over who are frail …"
    assert csv("schemes-by-client-group", clientGroup="frailty") == (
        "clientGroup,clientGroupLabel,scheme,schemeLabel,eligibility,eligibilityLabel,source,sourceLabel\r\n"
        f"{ID}vocab/client-groups/frailty,Frail,{ID}scheme/cumbria-care-navigators-pilot,{CUMBRIA},"
        f"{ID}eligibility/cumbria-care-navigators,Patients aged 75 and over who are frail and at risk of unscheduled admissions,"
        f"{INFOGRAPHIC},Social Prescribing and Navigation (The Care Forum infographic)\r\n"
    )


def test_number_of_schemes_per_approach_as_csv(csv):
    # Link workers in surgeries: West Wakefield, Brighton and Hove pilot, Dundee; unqualified clinical staff:
    # the Cumbria pilot and the Bristol Mental Health recovery teams; staff in a centre: Bromley-by-Bow;
    # volunteers: the Brighton and Hove navigator project.
    assert csv("count-schemes-by-approach") == (
        "approach,approachLabel,schemes\r\n"
        f"{ID}vocab/approaches/link-workers-in-surgeries,Link workers based in surgeries,3\r\n"
        f"{ID}vocab/approaches/unqualified-clinical-staff-navigate,Unqualified clinical staff navigate,2\r\n"
        f"{ID}vocab/approaches/centre-based-staff,Staff based in a centre,1\r\n"
        f"{ID}vocab/approaches/volunteer-navigators,Volunteer navigators,1\r\n"
    )


# --- Aims, approaches, roles, client groups -------------------------------------------------------------------


def test_schemes_by_aim(ask):
    # "a stated aim of several schemes": the infographic names none of them (a srx:Claim, not a scheme's aim).
    assert schemes(ask("schemes-by-aim", aim="reduce-hospital-admissions")) == set()
    assert schemes(ask("schemes-by-aim", aim="individual-wellbeing")) == {CONNECT}
    assert DORSET in schemes(ask("schemes-by-aim", aim="holistic-system-change"))
    assert INFOGRAPHIC_SCHEMES <= schemes(ask("schemes-by-aim", aim="direct-people-to-services"))
    # The Five Year Forward View proposes accurate matching as a vision; no scheme is said to pursue it.
    assert ask("schemes-by-aim", aim="accurate-matching") == []
    assert column(ask("schemes-by-aim", aim="individual-wellbeing"), "source") == {INFOGRAPHIC}


def test_schemes_by_approach(ask):
    assert schemes(ask("schemes-by-approach", approach="link-workers-in-surgeries")) == {WEST_WAKEFIELD, BRIGHTON_PILOT, DUNDEE}
    assert schemes(ask("schemes-by-approach", approach="centre-based-staff")) == {BROMLEY}
    assert schemes(ask("schemes-by-approach", approach="volunteer-navigators")) == {BRIGHTON_PROJECT}
    assert schemes(ask("schemes-by-approach", approach="unqualified-clinical-staff-navigate")) == {CUMBRIA, BRISTOL_MH}


def test_schemes_by_navigator_role(ask):
    # "… care navigators were based in each surgery" covers West Wakefield, the Brighton and Hove pilot and Dundee.
    assert {DUNDEE, WEST_WAKEFIELD, BRIGHTON_PILOT, CUMBRIA, NORTH_SOMERSET} <= schemes(ask("schemes-by-role", role="care-navigator"))
    assert schemes(ask("schemes-by-role", role="recovery-navigator")) == {BRISTOL_MH}
    assert schemes(ask("schemes-by-role", role="volunteer-navigator")) == {BRIGHTON_PROJECT}
    assert DORSET in schemes(ask("schemes-by-role", role="community-navigator"))
    assert {CUMBRIA, BRISTOL_MH} <= schemes(ask("schemes-by-role", role="unqualified-clinical-staff"))


def test_a_narrower_role_counts_for_the_broader_one(ask):
    rows = ask("schemes-by-role", role="link-worker")
    assert "Southmead Development Trust social prescribing link workers" in schemes(rows)
    assert "Physical Activity Link Workers (WESPORT)" in schemes(rows)  # a physical activity link worker is a link worker
    narrower = [r for r in rows if r["statedRole"] != r["role"]]
    broader = {r["statedRole"]: r["role"] for r in ask("schemes-by-role") if r["statedRole"] != r["role"]}
    assert all(broader[r["statedRole"]] == ID + "vocab/roles/link-worker" for r in narrower)


def test_schemes_by_client_group(ask):
    assert schemes(ask("schemes-by-client-group", clientGroup="risk-of-unscheduled-admission")) == {CUMBRIA}
    assert schemes(ask("schemes-by-client-group", clientGroup="self-funder-social-care")) == {NORTH_SOMERSET}
    assert BRISTOL_MH in schemes(ask("schemes-by-client-group", clientGroup="acute-mental-health-crisis"))
    assert schemes(ask("schemes-by-client-group", clientGroup="stroke")) == {CAMDEN}
    assert BROMLEY in schemes(ask("schemes-by-client-group", clientGroup="affected-by-cancer"))


@pytest.mark.parametrize("age, expected", [
    (17, {"Linking Leeds"}),
    (18, {"Linking Leeds", NORTH_SOMERSET}),
    (74, {"Linking Leeds", NORTH_SOMERSET}),
    (75, {"Linking Leeds", NORTH_SOMERSET, CUMBRIA}),
    (10, set()),
])
def test_age_bounds_are_inclusive_and_open_where_unstated(ask, age, expected):
    assert schemes(ask("schemes-for-age", age=str(age))) == expected


# --- Referrals, funders, providers ---------------------------------------------------------------------------------


def test_schemes_taking_referrals_from_outside_general_practice(ask):
    stated = ask("schemes-referrals-outside-general-practice")
    # "… has staff based in a centre receiving referrals from a range of sources"
    assert BROMLEY in schemes(stated, referralSource=ID + "vocab/referral-sources/range-of-sources", source=INFOGRAPHIC)
    assert column(stated, "basis") == {"stated"}
    # "navigators can take referrals from a range of sources" — a general rule, not hard and fast.
    typical = ask("schemes-referrals-outside-general-practice", basis="typical")
    assert {CUMBRIA, NORTH_SOMERSET, CAMDEN, BRISTOL_MH} <= schemes(typical)
    assert column(typical, "basis") == {"typical"}
    everything = ask("schemes-referrals-outside-general-practice", basis="")
    assert ID + "vocab/referral-sources/general-practice" not in column(everything, "referralSource")
    assert schemes(everything) == schemes(stated) | schemes(typical)


def test_schemes_by_funder(ask):
    rows = ask("schemes-by-funder")
    assert schemes(rows, funder=ID + "org/macmillan") == {BROMLEY}
    # A programme's funder funds the schemes in it (Dorset Echo: Better Together's Transformation Challenge Award).
    assert DORSET in schemes(rows, programme=ID + "programme/better-together")


def test_schemes_by_provider(ask):
    assert schemes(ask("schemes-by-provider", provider="bromley-by-bow")) == {BROMLEY}
    assert schemes(ask("schemes-by-provider", provider="dorset-community-action")) == {DORSET}
    assert schemes(ask("schemes-by-provider", provider="bristol-mental-health")) == {BRISTOL_MH}


# --- Areas -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("place, expected", [
    ("area/bristol", {BRISTOL_MH}),
    ("area/cumbria", {CUMBRIA}),
    ("area/camden", {CAMDEN}),
    ("area/leeds", {CONNECT}),  # South and East Leeds is within Leeds
    ("area/wakefield", {WEST_WAKEFIELD}),  # so is West Wakefield within Wakefield
    ("area/north-somerset", {NORTH_SOMERSET}),
    ("area/cumberland", {CUMBRIA}),  # Cumberland took over part of Cumbria in 2023
    ("org/nhs-cumbria-ccg", {CUMBRIA}),  # a CCG of the time, by the area it covered
    ("org/nhs-bnssg-icb", {BRISTOL_MH, NORTH_SOMERSET}),  # an ICB now
])
def test_schemes_in_an_area(ask, place, expected):
    assert expected <= schemes(ask("schemes-in-area", place=ID + place))


@pytest.mark.parametrize("code, expected", [
    ("E06000023", {BRISTOL_MH}),  # Bristol, City of
    ("E06000024", {NORTH_SOMERSET}),
    ("11H", {BRISTOL_MH}),  # NHS Bristol CCG, at the infographic's time
    ("QUY", {BRISTOL_MH, NORTH_SOMERSET}),  # the Bristol, North Somerset and South Gloucestershire ICB now
    ("01H", {CUMBRIA}),  # NHS Cumbria CCG (and North Cumbria CCG, which kept its code)
    ("QHM", {CUMBRIA}),  # NHS North East and North Cumbria ICB now
    ("E09000007", {CAMDEN}),
    ("07R", {CAMDEN}),  # NHS Camden CCG
    ("QMJ", {CAMDEN}),  # NHS North Central London ICB
    ("03R", {WEST_WAKEFIELD}),
    ("S12000042", {DUNDEE}),
])
def test_schemes_in_an_area_by_code(ask, code, expected):
    assert expected <= schemes(ask("schemes-in-area-by-code", code=code))


def test_an_area_does_not_find_its_successors_neighbours(ask):
    assert CUMBRIA not in schemes(ask("schemes-in-area-by-code", code="E06000023"))
    assert NORTH_SOMERSET not in schemes(ask("schemes-in-area-by-code", code="11H"))
    assert ask("schemes-in-area-by-code", code="ZZZ") == []


# --- Outcomes and sources ---------------------------------------------------------------------------------------------


def test_the_camden_outcome_with_its_baseline_time_points_and_source(ask):
    # "the top outcome of The Camden Stroke Navigation Service was 'no readmissions at 6 weeks and
    # 6 months post stroke compared to a 7.5% baseline'" (NHS Rapid Review of 2016)
    (row,) = ask("outcomes", scheme="camden-stroke-navigation-service")
    assert row["schemeLabel"] == CAMDEN
    assert float(row["value"]) == 0.0
    assert float(row["baselineValue"]) == 7.5
    assert row["unit"] == "percent"
    assert sorted(row["timePoints"].split()) == ["P6M", "P6W"]
    assert row["rank"] == "1"
    assert row["reportedInLabel"] == "NHS Rapid Review of 2016"
    assert row["source"] == INFOGRAPHIC


def test_every_outcome_names_its_source_graph(ask):
    rows = ask("outcomes")
    assert CAMDEN in schemes(rows)
    assert all(r["source"].startswith(ID + "source/") for r in rows)


def test_what_the_infographic_says(ask):
    rows = ask("statements-by-source")  # the infographic by default
    said = {(r["subject"], r["property"], r["value"]) for r in rows}
    srx = "https://w3id.org/socialrx/def/"
    assert (ID + "claim/several-schemes-reduce-admissions", srx + "hasAim", ID + "vocab/aims/reduce-hospital-admissions") in said
    assert (ID + "eligibility/cumbria-care-navigators", srx + "minimumAge", "75") in said
    assert (ID + "scheme/bromley-by-bow-macmillan-service", srx + "fundedBy", ID + "org/macmillan") in said
    assert column(rows, "source") == {INFOGRAPHIC}
    assert "http://purl.org/dc/terms/source" not in column(rows, "property")


def test_what_every_source_says_about_one_subject(ask):
    rows = ask("statements-by-source", source="", subject=ID + "org/macmillan")
    assert column(rows, "value", source=INFOGRAPHIC) >= {"Macmillan"}  # the infographic's name for it
    assert "Macmillan Cancer Support" in column(rows, "value", source=ID + "source/bbbc-macmillan-page")


# --- Counts, gaps and data quality --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count, listing, param, column_name", [
    ("count-schemes-by-aim", "schemes-by-aim", "aim", "aim"),
    ("count-schemes-by-approach", "schemes-by-approach", "approach", "approach"),
    ("count-schemes-by-client-group", "schemes-by-client-group", "clientGroup", "clientGroup"),
])
def test_counts_agree_with_the_listings_and_cover_every_concept(ask, count, listing, param, column_name):
    counts = {r[column_name]: int(r["schemes"]) for r in ask(count)}
    listed = ask(listing)
    for concept, number in counts.items():
        assert number == len(column(listed, "scheme", **{column_name: concept})), concept
    assert set(counts) >= column(listed, column_name)


def test_counts_of_schemes_per_aim(ask):
    counts = {r["aimLabel"]: int(r["schemes"]) for r in ask("count-schemes-by-aim")}
    assert counts["Direct people to services"] >= len(INFOGRAPHIC_SCHEMES)
    assert counts["Reduce hospital admissions and readmissions"] == 0  # "several schemes", none named
    assert counts["Match clients and services more accurately"] == 0


def test_concepts_without_any_scheme(ask):
    gaps = ask("concepts-without-schemes")
    assert ID + "vocab/aims/accurate-matching" in column(gaps, "concept")
    used = column(ask("schemes-by-aim"), "aim") | column(ask("schemes-by-approach"), "approach") \
        | column(ask("schemes-by-role"), "statedRole") | column(ask("schemes-by-client-group"), "clientGroup")
    assert not used & column(gaps, "concept")
    assert column(ask("concepts-without-schemes", vocabulary=ID + "vocab/aims"), "vocabulary") <= {ID + "vocab/aims"}


def test_schemes_lacking_a_client_group(ask):
    lacking = schemes(ask("schemes-lacking-data", lacking="client group"))
    # The infographic gives no client group for these ...
    assert {DUNDEE, WEST_WAKEFIELD, CONNECT, BRIGHTON_PROJECT} <= lacking
    # ... and gives one for these.
    assert not {CUMBRIA, NORTH_SOMERSET, CAMDEN, BRISTOL_MH} & lacking


def test_the_shipped_schemes_all_have_a_source_and_an_area(ask):
    assert ask("schemes-lacking-data", lacking="source") == []
    assert ask("schemes-lacking-data", lacking="area") == []


def test_a_scheme_without_source_or_area_is_found(tmp_path, catalogue):
    extra = tmp_path / "unsourced.trig"
    extra.write_text(
        "@prefix srx: <https://w3id.org/socialrx/def/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/socialrx/id/scheme/nowhere> a srx:Scheme ; rdfs:label \"Nowhere scheme\"@en-GB .\n")
    with open_store(KnowledgeBase.load(files=kb_files() + [extra]), Settings()) as store:
        rows = [{k: v["value"] for k, v in r.items()} for r in catalogue.run(store, "schemes-lacking-data").result.rows]
    assert column(rows, "lacking", schemeLabel="Nowhere scheme") == {"source", "area", "client group"}
