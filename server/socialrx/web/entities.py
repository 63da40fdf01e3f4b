"""Blueprint: the overview, a page (and RDF twins) for every resource, class indexes, vocabularies and the ontology."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request

from ..pages import documents, navigation, quad_twins, schema_org
from ..pages.facets import INDEXES, IndexBuilder
from ..pages.iris import valid_iri
from ..pages.negotiation import BY_SUFFIX, choose, split_suffix
from ..pages.responses import respond
from ..pages.site import site

bp = Blueprint("entities", __name__)


@bp.app_context_processor
def chrome():
    """Give every template the header navigation and the static-site flag."""
    return navigation.context()


@bp.app_template_filter("slug")
def slug(text):
    """Make an HTML id from an IRI or label."""
    return navigation.slug(text)


@bp.app_template_filter("anchor")
def anchor(iri):
    """Give a nested node its HTML id: the fragment of a hash IRI, so x#y links land on it."""
    fragment = str(iri).partition("#")[2]
    return fragment or "node-" + navigation.slug("-".join(str(iri).rstrip("/").rsplit("/", 2)[-2:]))


@bp.app_template_filter("sentence")
def sentence(text):
    """Capitalise the first letter only ("area served" -> "Area served")."""
    text = str(text)
    return text[:1].upper() + text[1:]


@bp.get("/")
def home():
    """Show the overview: the infographic regenerated from the graph."""
    from ..pages import overview

    s = site()
    model = s.cached("overview", lambda: overview.build(s.store, s.catalogue, _indexes(), s.iris.base))
    jsonld = schema_org.website(documents.page_url("/"), documents.page_url("/search"), documents.page_url("/.well-known/void"))
    html = render_template("home.html", o=model, terms=s.terms, catalogue=s.catalogue, canonical=documents.page_url("/"), jsonld=jsonld)
    return respond(html, "text/html")


@bp.get("/id/<path:rest>")
@bp.get("/def/<path:rest>")
@bp.get("/def/", defaults={"rest": ""})
@bp.get("/graph/<path:rest>")
def resource_by_path(rest):
    """Show one of our resources, by its path under the base IRI, in the negotiated format."""
    root = request.path.split("/", 2)[1]
    if root == "def":  # the ontology's namespace and version IRIs name the whole ontology document
        from . import ontology_doc

        answered = ontology_doc.answer(rest)
        if answered is not None:
            return answered
    path, fmt = split_suffix(f"{root}/{rest}")
    s = site()
    exact = s.iris.iri(f"{root}/{rest}")
    if fmt is not None and (s.catalogue.types.get(exact) or s.catalogue.has_label(exact)):
        path, fmt = f"{root}/{rest}", None  # the IRI itself ends like a suffix
    return _entity(s.iris.iri(path), fmt)


@bp.get("/resource", defaults={"suffix": ""})
@bp.get("/resource<any('.html', '.ttl', '.jsonld', '.nt', '.rdf', '.trig', '.nq'):suffix>")
def resource_by_iri(suffix):
    """Show any IRI in the graph, ours or not (?uri=)."""
    iri = request.args.get("uri", "").strip()
    if not iri:
        return documents.not_found(None, BY_SUFFIX.get(suffix), "Give the IRI to look up as ?uri=.")
    s = site()
    if s.iris.is_local(iri):
        return redirect(request.script_root + s.iris.path(iri) + suffix, code=301)
    doc = s.iris.document(iri)
    if doc:  # a hash IRI is described on its document's page
        fragment = "#" + iri.partition("#")[2] if suffix in ("", ".html") else ""
        return redirect(request.script_root + s.iris.path(doc) + suffix + fragment, code=303)
    return _entity(iri, BY_SUFFIX.get(suffix))


@bp.get("/<any(schemes, services, organisations, places, programmes, sources, concepts):name>", defaults={"suffix": ""})
@bp.get("/<any(schemes, services, organisations, places, programmes, sources, concepts):name><any('.json'):suffix>")
def index(name, suffix):
    """List the members of one class, with facets and paging."""
    from ..pages import indexes

    return indexes.respond_index(INDEXES[name], _indexes(), json_twin=bool(suffix))


@bp.get("/vocab")
def vocab():
    """Show every concept scheme as a tree."""
    from ..pages import ontology

    s = site()
    trees = s.cached("vocab", lambda: ontology.concept_trees(s.store, s.catalogue))
    jsonld = schema_org.item_list("Vocabularies", documents.page_url("/vocab"), [(t.iri, s.catalogue.label(t.iri)) for t in trees])
    html = render_template("vocab.html", trees=trees, terms=s.terms, catalogue=s.catalogue, canonical=documents.page_url("/vocab"), jsonld=jsonld)
    return respond(html, "text/html")


@bp.get("/ontology")
def ontology_page():
    """Show the ontology's classes and properties with domains, ranges and hierarchy."""
    from ..pages import ontology

    s = site()
    model = s.cached("ontology", lambda: ontology.ontology(s.store, s.catalogue))
    jsonld = schema_org.item_list("Ontology", documents.page_url("/ontology"), [(c, s.catalogue.label(c)) for c in model.classes])
    download = request.script_root + "/ontology.ttl"  # the whole ontology as one document (also at /def/)
    html = render_template("ontology.html", o=model, terms=s.terms, ontology_iri=s.iris.base + "def/", canonical=documents.page_url("/ontology"), jsonld=jsonld,
                           alternates=[{"mimetype": "text/turtle", "href": download, "title": "The ontology in Turtle"}])
    return respond(html, "text/html", links=[(download, "alternate", "text/turtle")])


def _entity(iri: str, fmt):
    """Answer a resource: the TriG and N-Quads twins here, every other format in documents.entity."""
    fmt = fmt or choose(request.accept_mimetypes)
    if fmt is None or fmt.key not in quad_twins.WRITERS or not valid_iri(iri):
        return documents.entity(iri, fmt)
    s = site()
    quads = quad_twins.build(s.store, iri)
    if not quads and not s.entity(iri, None, 1).exists:
        return documents.not_found(iri, fmt)
    canonical = documents.page_url(s.iris.path(iri))
    links = [(a["href"], "alternate", a["mimetype"]) for a in documents.alternates(iri)] + [(canonical, "canonical", None)]
    return respond(quad_twins.write(quads, fmt.key), fmt.mimetype, links=links, negotiated=True)


def _indexes() -> IndexBuilder:
    s = site()
    return s.cached("indexes", lambda: IndexBuilder(s.store, s.catalogue))


def warm(app):
    """Build the per-version aggregates (labels and types, every index table, the overview) in a background
    thread, so the first visitors after start-up find them built; requests for them wait on the build's own
    lock, others are not held up. Returns the thread."""
    import threading

    def run():
        from ..pages import overview
        from ..pages.facets import INDEXES

        try:
            with app.app_context():
                s = site()
                builder = _indexes()
                for spec in INDEXES.values():
                    builder.order(spec)
                s.cached("overview", lambda: overview.build(s.store, s.catalogue, builder, s.iris.base))
        except Exception as e:  # a page that cannot be built now is built (or answered 503) on first request
            app.logger.warning("warming the page aggregates stopped: %s", e)

    thread = threading.Thread(target=run, name="socialrx-warm", daemon=True)
    thread.start()
    return thread
