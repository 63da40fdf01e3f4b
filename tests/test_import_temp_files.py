"""Issue 14 item 4: `kill -9` during an import leaves its hidden `.<dataset>.nq.<pid>.tmp` file; the next import,
and the next start, remove the temporary files of dead processes and say what they removed. The live graph
stays as it was. The crash is real: a child process writes through PendingFile and is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from imports_support import import_fixture

CHILD = """
import sys, time
sys.path.insert(0, {server!r})
from socialrx.importers.store_files import PendingFile
pending = PendingFile({target!r})
pending.write("<https://example.org/s> <https://example.org/p> \\"half an import\\" <https://example.org/g> .\\n" * 50000)
pending.handle.flush()
print(pending.temp, flush=True)
time.sleep(60)
"""


def crash_mid_import(target: Path) -> Path:
    """Start an import-like writer, kill -9 it mid-way, and return the temporary file it left."""
    server = str(Path(__file__).resolve().parents[1] / "server")
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(server=server, target=str(target))],
                             stdout=subprocess.PIPE, text=True)
    temp = Path(child.stdout.readline().strip())
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    child.stdout.close()
    assert temp.exists() and temp.name == f".{target.name}.{child.pid}.tmp"
    return temp


def test_kill_9_during_import_leaves_temp_file_that_next_import_removes_and_reports(folder, capsys):
    assert import_fixture(folder, "ods", "epraccur", "epraccur.csv") == 0
    live = folder / "ods-epraccur.nq"
    before = live.read_bytes()
    temp = crash_mid_import(live)
    assert live.read_bytes() == before  # the crash never touched the live graph
    capsys.readouterr()
    assert import_fixture(folder, "ods", "eccg", "eccg.csv") == 0
    out = capsys.readouterr().out
    assert not temp.exists()
    assert f"removed {temp}" in out and "no longer running" in out and "MiB" in out
    assert live.read_bytes() == before


def test_start_removes_stale_temp_files_and_reports_them(folder, capsys):
    from socialrx.loading import load_knowledge_base

    folder.mkdir(parents=True)
    temp = crash_mid_import(folder / "ods-epraccur.nq")
    kb = load_knowledge_base(imports=folder)
    assert not temp.exists()
    assert any(str(temp) in line for line in kb.stale_temp_files_removed)
    assert f"removed {temp}" in capsys.readouterr().err


def test_temp_files_of_running_imports_are_left_alone(folder):
    from socialrx.importers.store_files import PendingFile, remove_stale_temp_files

    with PendingFile(folder / "ods-eccg.nq") as mine:  # this process is alive: its file is in use
        mine.write("# in progress\n")
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            other = folder / f".ods-epraccur.nq.{sleeper.pid}.tmp"
            other.write_text("# another live import\n")
            assert remove_stale_temp_files(folder) == []
            assert mine.temp.exists() and other.exists()
        finally:
            sleeper.kill()
            sleeper.wait()
        time.sleep(0.1)
        assert [line for line in remove_stale_temp_files(folder) if str(other) in line]
        assert mine.temp.exists()
