"""`pip install .` (not only editable) carries the knowledge-base folders inside the package."""

import subprocess
import sys
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


def test_installed_wheel_validates_from_anywhere(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True)
    probe = subprocess.run(
        [str(python), "-c", "import socialrx.paths as p; print(p.kb_root())"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    assert probe.stdout.strip().endswith("site-packages/socialrx/_kb")
    run = subprocess.run([str(venv / "bin" / "socialrx"), "validate"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "The data conforms" in run.stdout
