"""Blueprint: the ontology as one document at its namespace IRI (/def/), its version IRI, and /ontology.ttl.

A browser asking for /def/ gets the ontology's own page (the version IRI sends it there), which links the HTML
index of classes and properties (/ontology); RDF clients get the whole ontology in the format they ask for.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request

from ..pages import ontology_doc
from ..pages.documents import not_acceptable, page_url
from ..pages.negotiation import BY_KEY, BY_SUFFIX, FORMATS, choose, split_suffix
from ..pages.responses import respond
from ..pages.site import site

bp = Blueprint("ontology_doc", __name__)
OFFERED = [BY_KEY[k] for k in ("html", "ttl", "jsonld", "nt", "rdf")]


@bp.get("/ontology.ttl")
def download():
    """The ontology as one Turtle file."""
    s = site()
    found = s.cached("ontology-doc", lambda: ontology_doc.triples(s.store, s.iris.base))
    return respond(ontology_doc.write(found, "ttl"), "text/turtle", links=_links())


def answer(rest: str):
    """Answer def/<rest> when it names the ontology document (rest "" or the version IRI's path), else None."""
    s = site()
    path, fmt = ("", BY_SUFFIX[rest]) if rest in BY_SUFFIX else split_suffix(rest)  # /def/.ttl too
    found = s.cached("ontology-doc", lambda: ontology_doc.triples(s.store, s.iris.base))
    versions = ontology_doc.version_iris(found)
    iri = s.iris.base + "def/" + path
    if path and iri not in versions:
        return None
    if fmt is None:
        fmt = choose(request.accept_mimetypes, OFFERED)
        if fmt is None:
            return not_acceptable()
    elif fmt.key not in ontology_doc.WRITERS and fmt.key != "html":
        return None  # TriG / N-Quads: the resource's quad twin, as for any other resource
    if fmt.key == "html":  # the ontology's own page (which links the index of classes and properties at /ontology)
        return None if not path else redirect(request.script_root + "/def/", code=303)
    return respond(ontology_doc.write(found, fmt.key), fmt.mimetype, links=_links(), negotiated=True)


def _links():
    root = request.script_root
    return [(root + "/def/" + f.suffix, "alternate", f.mimetype) for f in FORMATS if f.key in ontology_doc.WRITERS] + \
           [(root + "/ontology.ttl", "alternate", "text/turtle"), (root + "/ontology", "alternate", "text/html"),
            (page_url("/def/"), "canonical", None)]
