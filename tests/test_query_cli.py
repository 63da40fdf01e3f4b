"""`socialrx query`: run catalogue queries from the command line; exit 2 with one line for a wrong name or value."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/socialrx/id/"


def socialrx(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "socialrx", "query", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_list_names_every_query_and_its_parameters():
    done = socialrx("--list")
    assert done.returncode == 0, done.stderr
    assert "schemes-for-age\n    Schemes whose age bounds include an age" in done.stdout
    assert "--param age=…  (required, default 80) Age in years: a whole number from 0 to 130" in done.stdout
    assert len(json.loads(socialrx("--list", "--format", "json").stdout)) == len(list((ROOT / "queries").glob("*.rq")))


def test_csv_output_is_the_query_result():
    done = socialrx("schemes-for-age", "--param", "age=80", "--format", "csv")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "scheme,schemeLabel,minimumAge,maximumAge,source,sourceLabel,age"
    assert [line.split(",")[1] for line in lines[1:]] == [
        "Linking Leeds", "NHS Cumbria CCG Care Navigators Pilot", "North Somerset Care Navigator service"]


def test_table_output_aligns_columns_and_shortens_iris():
    done = socialrx("schemes-by-funder", "-p", "funder=macmillan")
    assert done.returncode == 0, done.stderr
    header, rule, row = done.stdout.splitlines()
    assert header.split()[:4] == ["funder", "funderLabel", "scheme", "schemeLabel"]
    assert set(rule) <= {"-", " "}
    assert row.startswith("id:org/macmillan") and "Macmillan Cancer Support" in row
    assert "(1 row)" in done.stderr


def test_json_and_tsv_output():
    done = socialrx("outcomes", "-p", "scheme=camden-stroke-navigation-service", "--format", "json")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)["results"]["bindings"]
    assert row["baselineValue"]["value"] == "7.5"
    tsv = socialrx("outcomes", "-p", "scheme=camden-stroke-navigation-service", "--format", "tsv")
    assert tsv.stdout.splitlines()[0].startswith("?scheme\t?schemeLabel\t?outcome")


def test_an_empty_value_leaves_an_optional_parameter_unbound():
    stated = socialrx("schemes-referrals-outside-general-practice", "--format", "csv").stdout.splitlines()
    everything = socialrx("schemes-referrals-outside-general-practice", "-p", "basis=", "--format", "csv").stdout.splitlines()
    assert len(everything) > len(stated) > 1


@pytest.mark.parametrize("args, message", [
    (["no-such-query"], "no query named 'no-such-query'"),
    (["schemes-for-age", "--param", "age=abc"], "parameter 'age' expects a whole number from 0 to 130; got 'abc'"),
    (["schemes-by-aim", "--param", "aim=nonsense"], "parameter 'aim' expects an IRI: a concept from the vocabulary"),
    (["schemes-by-aim", "--param", "colour=blue"], "parameter 'colour' is not a parameter of this query"),
    (["schemes-by-aim", "--param", "aim"], "--param 'aim' should look like NAME=VALUE"),
    ([], "name a query to run"),
])
def test_a_wrong_name_or_parameter_exits_2_with_one_line(args, message):
    done = socialrx(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert "Traceback" not in done.stderr


def test_an_injection_attempt_is_data():
    done = socialrx("schemes-in-area-by-code", "-p", 'code=" } UNION { ?s ?p ?o } #', "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == []
