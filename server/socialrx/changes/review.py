"""The review desk: show a proposal's diff, accept it (shapes first, then the file, then the record), reject it,
revert an accepted one. No Flask here: the web layer and `socialrx review` both call this.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import SH

from .proposal import ChangeSet, build
from .queue import Proposal, Queue, QueueError, now
from .writer import CHANGES_GRAPH, WriteError, atomic_write, path_for, read, record, remove_stale_temp_files, render


class Refused(Exception):
    """The change breaks a rule of the shapes; messages say which, in plain English. Nothing was written."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class Desk:
    queue: Queue
    root: Path                 # the knowledge-base folder: data/ lives in it
    kb: callable               # () -> the KnowledgeBase as loaded now
    store: callable            # () -> the store answering for it
    shapes: callable           # () -> rdflib shapes graph
    on_change: callable = None  # () -> None: reload the knowledge base and the store from the files
    refresh: callable = None    # () -> None: reload if another process changed data/changes/ since our last load

    @property
    def data_dir(self) -> Path:
        return Path(self.root) / "data"

    def changeset(self, proposal: Proposal, areas=None) -> ChangeSet:
        return build(proposal, self.store(), areas=areas)

    def accept(self, pid: str, reviewer: str, fields: dict | None = None, areas=None) -> Path:
        """Validate and write the change, then record the decision; raise Refused, WriteError or QueueError."""
        with self.queue.transaction() as db:
            self._fresh()
            proposal = self._pending(db, pid)
            if fields is not None:
                self.queue.update_fields(db, pid, fields, reviewer)
                proposal.fields = fields
            change = self.changeset(proposal, areas)
            self._check(change)
            path = path_for(self.data_dir, pid)
            label = f"Change {pid}: " + "; ".join(what for what, _, _ in change.words)
            quads = change.adds + record(change, label=label, proposed=proposal.created, reviewer=reviewer)
            atomic_write(path, render(quads, f"Accepted change {pid} about <{change.subject}>, reviewed by {reviewer}.\n"
                                             f"Evidence: {proposal.evidence_url or 'a report from a person who runs the scheme'}."))
            # Reloaded before the transaction ends, so the next decision (waiting on BEGIN IMMEDIATE) sees this one.
            self._changed()
            self.queue.decide(db, pid, "accepted", reviewer, changeset=path.name)
        return path

    def reject(self, pid: str, reviewer: str, reason: str) -> None:
        if not (reason or "").strip():
            raise QueueError("Give a reason for rejecting: the person who reported it may ask.")
        with self.queue.transaction() as db:
            self._pending(db, pid)
            self.queue.decide(db, pid, "rejected", reviewer, reason.strip())

    def revert(self, pid: str, reviewer: str, reason: str) -> Path:
        """Take an accepted change back out: its file keeps only its record, marked as reverted."""
        if not (reason or "").strip():
            raise QueueError("Give a reason for reverting the change.")
        with self.queue.transaction() as db:
            proposal = Queue.row(db, pid)
            if proposal.state != "accepted":
                raise QueueError(f"Change {pid} is {proposal.state}; only an accepted change can be reverted.")
            path = path_for(self.data_dir, pid)
            kept = [q for q in read(path) if q.graph_name.value == CHANGES_GRAPH
                    and q.predicate.value != "https://w3id.org/socialrx/def/retracts"
                    and not isinstance(q.subject, ox.BlankNode)]
            node = ox.NamedNode(f"https://w3id.org/socialrx/id/changeset/{pid}")
            g = ox.NamedNode(CHANGES_GRAPH)
            kept += [ox.Quad(node, ox.NamedNode("http://www.w3.org/ns/prov#invalidatedAtTime"),
                             ox.Literal(now().replace("Z", "+00:00"),
                                        datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")), g),
                     ox.Quad(node, ox.NamedNode("https://w3id.org/socialrx/def/revertedBy"), ox.Literal(reviewer), g),
                     ox.Quad(node, ox.NamedNode("https://w3id.org/socialrx/def/revertReason"),
                             ox.Literal(reason.strip(), language="en-GB"), g)]
            atomic_write(path, render(kept, f"Change {pid}, reverted by {reviewer}: {reason.strip()}"))
            self._changed()
            self.queue.decide(db, pid, "reverted", reviewer, reason.strip())
        return path

    def recover(self) -> list[str]:
        """After a crash between writing a change's file and recording the decision: record it now.
        Also removes temporary files that a dead writer left. Returns the proposal ids recovered."""
        remove_stale_temp_files(self.data_dir)
        recovered = []
        for proposal in self.queue.list("pending"):
            path = path_for(self.data_dir, proposal.id)
            if path.exists():
                with self.queue.transaction() as db:
                    if Queue.row(db, proposal.id).state == "pending":
                        reviewer = next((o.value for q in read(path) for o in [q.object]
                                         if q.predicate.value == "https://w3id.org/socialrx/def/reviewer"), None)
                        self.queue.decide(db, proposal.id, "accepted", reviewer or "unknown",
                                          "recorded after an interrupted accept", changeset=path.name)
                        recovered.append(proposal.id)
        return recovered

    # -- inside ------------------------------------------------------------------------------------
    def _pending(self, db, pid) -> Proposal:
        try:
            proposal = Queue.row(db, pid)
        except KeyError:
            raise QueueError(f"There is no proposal {pid}. `socialrx review list` shows the pending ones.") from None
        if proposal.state != "pending":
            raise QueueError(f"Proposal {pid} is {proposal.state} already ({proposal.reviewer}, {proposal.decided}).")
        return proposal

    def _check(self, change: ChangeSet) -> None:
        """SHACL on the nodes the change touches, over the curated data as it would be after the change."""
        kb = self.kb()
        dataset = ox.Store()
        curated = sorted(g for g in (kb.curated_graphs or ()) if "/graph/import/" not in g and not g.endswith("/graph/queries"))
        for name in curated:
            dataset.extend(kb.store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        for q in change.retracts:
            dataset.remove(q)
        dataset.extend(change.adds)
        triples = dataset.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        data = rdflib.Graph().parse(data=triples.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
        focus = [rdflib.URIRef(n) for n in change.affected]
        conforms, results, _ = pyshacl.validate(data, shacl_graph=self.shapes(), inference="none", advanced=True,
                                                allow_warnings=True, focus_nodes=focus)
        if not conforms:
            messages = sorted({str(m) for r in results.objects(None, SH.result) for m in results.objects(r, SH.resultMessage)})
            raise Refused(messages or ["The change does not conform to the shapes."])

    def _fresh(self) -> None:
        if self.refresh is not None:
            self.refresh()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()


__all__ = ["Desk", "Refused", "WriteError", "QueueError"]
