"""`socialrx validate`: exit codes, triple counts per file, report formats, file:line syntax errors."""

import json
import re
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def socialrx(*args):
    return subprocess.run([sys.executable, "-m", "socialrx", *args], capture_output=True, text=True)


def test_shipped_data_exits_0_and_prints_triples_per_file():
    run = socialrx("validate")
    assert run.returncode == 0, run.stderr
    # One line per file: triples, seconds and memory, then the file (issue 12: serve reports load time and memory)
    assert re.search(r"\d+ triples .*  data/schemes/camden-stroke-navigation-service\.trig", run.stdout)
    assert re.search(r"\d+ triples .*  ontology/socialrx\.ttl", run.stdout)
    assert "The data conforms to the shapes" in run.stdout


def test_violations_exit_1_grouped_by_focus_node():
    run = socialrx("validate", str(FIXTURES / "broken" / "min-above-max.trig"))
    assert run.returncode == 1
    assert "https://w3id.org/socialrx/id/test/e  (E)" in run.stdout
    assert "  - Violation: srx:minimumAge: srx:minimumAge must be one whole number of years, 0 or more, and not above srx:maximumAge" in run.stdout


def test_json_report():
    run = socialrx("validate", "--format", "json", str(FIXTURES / "broken" / "bad-ods-code.trig"))
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert report["conforms"] is False
    focus = {r["focusNode"]: r for r in report["results"]}["https://w3id.org/socialrx/id/test/o"]
    assert any("ODS code" in p["message"] for p in focus["problems"])


def test_turtle_report_is_a_shacl_validation_report():
    run = socialrx("validate", "--format", "turtle", str(FIXTURES / "broken" / "bad-gss-code.trig"))
    assert run.returncode == 1
    assert "sh:ValidationReport" in run.stdout


def test_syntax_error_exits_2_with_file_and_line_and_no_traceback():
    run = socialrx("validate", str(FIXTURES / "syntax-error.ttl"))
    assert run.returncode == 2
    assert run.stderr.startswith(f"{FIXTURES / 'syntax-error.ttl'}:3:")
    assert "Traceback" not in run.stderr


def test_missing_file_exits_2():
    run = socialrx("validate", "no-such-file.trig")
    assert run.returncode == 2
    assert "no-such-file.trig: no such file" in run.stderr
