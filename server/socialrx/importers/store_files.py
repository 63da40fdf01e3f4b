"""Where imported graphs are kept: one N-Quads file per dataset in the imports folder.

The folder sits beside data/ (data/ holds only curated, source-cited statements) unless a
setting (`imports_path`) or a command-line option names another one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .. import paths

SUFFIX = ".nq"


def imports_dir(settings=None, override: str | os.PathLike | None = None) -> Path:
    """Return the imports folder: the override, else the `imports_path` setting, else <kb root>/imports."""
    if override:
        return Path(override)
    configured = getattr(settings, "values", {}).get("imports_path") if settings is not None else None
    return Path(configured) if configured else paths.kb_root() / "imports"


def graph_file(folder: Path, dataset: str) -> Path:
    """The file that holds one dataset's graph."""
    return Path(folder) / f"{dataset}{SUFFIX}"


def import_files(folder: Path) -> list[Path]:
    """Every imported graph file in the folder, in a stable order."""
    folder = Path(folder)
    return sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []


TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.tmp$")


def stale_temp_files(folder: Path) -> list[tuple[Path, int]]:
    """The temporary files PendingFile left in the folder (name `.<file>.<pid>.tmp`) whose process is no longer
    running, e.g. after `kill -9` during an import, with the pid that wrote each."""
    folder = Path(folder)
    found = []
    for path in sorted(folder.glob(".*.tmp")) if folder.is_dir() else []:
        m = TEMP_NAME.match(path.name)
        if m and path.is_file() and not _running(int(m["pid"])):
            found.append((path, int(m["pid"])))
    return found


def remove_stale_temp_files(folder: Path) -> list[str]:
    """Delete the stale temporary files of dead processes; return one line per file removed, for the report."""
    removed = []
    for path, pid in stale_temp_files(folder):
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            continue  # another process swept it first
        removed.append(f"removed {path} ({size / 2**20:.1f} MiB), left by process {pid}, which is no longer running")
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    except (OverflowError, ValueError):
        return False
    return True


class PendingFile:
    """A temporary file beside the target that replaces it atomically on commit, or vanishes on discard."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.removed = remove_stale_temp_files(self.target.parent)  # what earlier crashed imports left
        self.temp = self.target.with_name(f".{self.target.name}.{os.getpid()}.tmp")
        self.handle = self.temp.open("w", encoding="utf-8", newline="\n")

    def write(self, text: str) -> None:
        self.handle.write(text)

    def commit(self) -> None:
        self.handle.close()
        os.replace(self.temp, self.target)

    def discard(self) -> None:
        self.handle.close()
        self.temp.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self.handle.closed:
            self.discard()
        return False
