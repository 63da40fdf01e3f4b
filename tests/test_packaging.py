"""`pip install .` (not only editable) carries the knowledge-base folders inside the package."""

import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("socialrx-*.whl")
    return built


def test_wheel_contains_ontology_data_shapes_and_queries(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("ontology", "data", "shapes", "queries"):
        tracked = [p for p in (ROOT / folder).rglob("*") if p.is_file()]
        for path in tracked:
            assert f"socialrx/_kb/{path.relative_to(ROOT).as_posix()}" in names


def isolated_venv_seeing_our_dependencies(venv: Path) -> Path:
    """A new venv that finds the dependencies where the running interpreter finds them, but not our package.

    `venv --system-site-packages` would see the base interpreter's packages, not those of a venv the suite
    runs in (issue 14); so list the running interpreter's own site-packages folders in a .pth file instead
    (plain folder lines: their own .pth files, such as an editable install of socialrx, are not run).
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    ours = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    folders = dict.fromkeys([*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    Path(ours, "_socialrx_test_deps.pth").write_text("".join(f"{f}\n" for f in folders if Path(f).is_dir()))
    return python


def test_installed_wheel_validates_from_anywhere(wheel, tmp_path):
    venv = tmp_path / "venv"
    python = isolated_venv_seeing_our_dependencies(venv)
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True)
    probe = subprocess.run(
        [str(python), "-c", "import socialrx.paths as p; print(p.kb_root())"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    assert probe.stdout.strip().endswith("site-packages/socialrx/_kb")
    run = subprocess.run([str(venv / "bin" / "socialrx"), "validate"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "The data conforms" in run.stdout


# -- the shipped geography (issue 9.2): compact enough to ship, fast enough to load --------------------

WHEEL_LIMIT_BYTES = 15_000_000
START_LIMIT_S = 5.0


def test_wheel_carries_the_shipped_geography_and_stays_under_15_mb(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for dataset in ("os-codepoint", "ods-epraccur", "nhs-gp-registered-patients", "ods-eccg"):
        assert f"socialrx/_kb/data/imports/{dataset}.nq.gz" in names
    assert "socialrx/_kb/data/imports/PROVENANCE.md" in names
    assert wheel.stat().st_size < WHEEL_LIMIT_BYTES, f"wheel is {wheel.stat().st_size:,} bytes"


def test_installed_wheel_loads_the_shipped_geography_quickly(wheel, tmp_path):
    """From the installed wheel: the knowledge base with every shipped import loads in under 5 s, and BS1 1NG is in it."""
    venv = tmp_path / "venv"
    python = isolated_venv_seeing_our_dependencies(venv)
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True)
    probe = subprocess.run([str(python), "-c", (
        "import time; t = time.perf_counter()\n"
        "from socialrx.loading import load_knowledge_base\n"
        "kb = load_knowledge_base(); s = time.perf_counter() - t\n"
        "import pyoxigraph as ox\n"
        "u = ox.NamedNode('https://w3id.org/socialrx/id/postcode/BS11NG')\n"
        "print(s, len(list(kb.store.quads_for_pattern(u, None, None, None))))")],
        cwd=tmp_path, capture_output=True, text=True, check=True)
    seconds, facts = probe.stdout.split()
    assert int(facts) >= 5  # type, postcode, district, ward, latitude, longitude
    assert float(seconds) < START_LIMIT_S, f"loading took {float(seconds):.1f} s"
