"""An accepted changeset as one TriG file in data/changes/, written atomically.

The file holds the evidence's named graph (the new source node and what it says) and, in the changes graph,
the record of the change: what it is about, its evidence, who accepted it and when, and the statements it
retracts (reified, applied when the knowledge base loads: socialrx.changes.retractions). Written to a
temporary file in the same folder, fsynced, then renamed over the target (POSIX rename is atomic), so a kill
at any moment leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import PREFIXES
from .proposal import DCT, ID, RDF_TYPE, RDFS_LABEL, SRX, XSD, ChangeSet, changeset_iri

CHANGES_GRAPH = "https://w3id.org/socialrx/graph/changes"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
FILE_PREFIXES = {**PREFIXES, "src": ID + "source/", "changeset": ID + "changeset/", "scheme": ID + "scheme/",
                 "status": ID + "vocab/status/", "ref": ID + "vocab/referral-sources/"}
STALE_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.tmp$")


class WriteError(Exception):
    """The change could not be written; nothing was changed. str() says why and what to do."""


def folder(data_dir: Path) -> Path:
    return Path(data_dir) / "changes"


def path_for(data_dir: Path, pid: str) -> Path:
    return folder(data_dir) / f"{pid}.trig"


def record(change: ChangeSet, *, label: str, proposed: str, reviewer: str, accepted: datetime | None = None):
    """The changes-graph quads that say what this changeset did."""
    g = ox.NamedNode(CHANGES_GRAPH)
    node = ox.NamedNode(changeset_iri(change.pid))
    accepted = accepted or datetime.now(timezone.utc).replace(microsecond=0)
    dt = ox.NamedNode(XSD + "dateTime")
    quads = [
        ox.Quad(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(SRX + "ChangeSet"), g),
        ox.Quad(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(PROV + "Activity"), g),
        ox.Quad(node, ox.NamedNode(RDFS_LABEL), ox.Literal(label, language="en-GB"), g),
        ox.Quad(node, ox.NamedNode(DCT + "subject"), ox.NamedNode(change.subject), g),
        ox.Quad(node, ox.NamedNode(PROV + "used"), ox.NamedNode(change.evidence), g),
        ox.Quad(node, ox.NamedNode(PROV + "startedAtTime"), ox.Literal(proposed.replace("Z", "+00:00"), datatype=dt), g),
        ox.Quad(node, ox.NamedNode(PROV + "endedAtTime"), ox.Literal(accepted.isoformat(), datatype=dt), g),
        ox.Quad(node, ox.NamedNode(SRX + "reviewer"), ox.Literal(reviewer), g),
    ]
    for what, before, after in change.words:
        quads.append(ox.Quad(node, ox.NamedNode(SRX + "changeSummary"),
                             ox.Literal(f"{what}: {before or 'not stated'} → {after}", language="en-GB"), g))
    for q in change.retracts:
        r = ox.BlankNode()
        quads += [ox.Quad(node, ox.NamedNode(SRX + "retracts"), r, g),
                  ox.Quad(r, ox.NamedNode(RDF_TYPE), ox.NamedNode(RDF + "Statement"), g),
                  ox.Quad(r, ox.NamedNode(RDF + "subject"), q.subject, g),
                  ox.Quad(r, ox.NamedNode(RDF + "predicate"), q.predicate, g),
                  ox.Quad(r, ox.NamedNode(RDF + "object"), q.object, g),
                  ox.Quad(r, ox.NamedNode(SRX + "inGraph"), q.graph_name, g)]
    return quads


def render(quads, comment: str) -> bytes:
    body = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=FILE_PREFIXES)
    header = "".join(f"# {line}\n" for line in comment.splitlines())
    return header.encode("utf-8") + body


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path so that a crash leaves the old content or the new, never a mix (see module doc)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError as e:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise WriteError(f"Could not write {path}: {e.strerror or e}. Nothing was changed: free some disk space or "
                         f"make the data folder writable, then accept the change again.") from None


def remove_stale_temp_files(data_dir: Path) -> list[Path]:
    """Delete temporary files left by a writer process that no longer exists (a crash mid-write); return them."""
    removed = []
    for tmp in folder(data_dir).glob(".*.tmp"):
        m = STALE_TEMP.match(tmp.name)
        if m and not _alive(int(m.group("pid"))):
            try:
                tmp.unlink()
                removed.append(tmp)
            except OSError:
                pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read(path: Path) -> list[ox.Quad]:
    with open(path, "rb") as fh:
        return list(ox.parse(fh, format=ox.RdfFormat.TRIG))
