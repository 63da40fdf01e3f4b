"""Write one normalised ORUK service as quads with the properties our schemes use (docs/oruk.md has the table).

Entities get IRIs under <id/oruk/FEED/>, named by their ids in the feed. A taxonomy term whose term_uri is one
of our concepts is linked to it with skos:exactMatch and the service states that concept with our own
property (hasAim, usesApproach, clientGroup …); a term from another vocabulary whose name is exactly one of our
concepts' labels is linked with skos:closeMatch only (same words, not the same definition); any other term
stays a concept of its feed's own scheme. Every service also links its terms with dct:subject.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from urllib.parse import quote

from ..importers.nquads import QuadWriter, iri, literal, typed
from ..importers.vocab import RDF_TYPE, RDFS_LABEL, SCHEMA, srx
from ..namespaces import ID
from .ours import SCHEME_PROPERTY, Ours
from .records_in import ServiceIn

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
STATUS = "https://w3id.org/socialrx/id/vocab/status/"
# Every ORUK 3.0 status has a concept of ours whose skos:notation is that value (ontology/vocabularies.ttl), so the
# export gives back what the feed said.
STATUS_CONCEPT = {"active": STATUS + "running", "defunct": STATUS + "ended", "inactive": STATUS + "inactive",
                  "temporarily closed": STATUS + "temporarily-closed"}
EN = "en-GB"
RECENT = 20_000
SAFE_ID = re.compile(r"^[A-Za-z0-9._~-]+$")  # ids that need no percent-encoding (UUIDs, codes)


def _p(ns: str, name: str) -> str:
    return iri(ns + name)


class FeedMapper:
    """Maps the services of one feed into its graph; shared entities are written once per import."""

    def __init__(self, out: QuadWriter, slug: str, graph: str, ours: Ours):
        self.out, self.graph, self.ours = out, graph, ours
        self.base = f"{ID}oruk/{slug}/"
        # IRIs of entities already written, so a place or term several services share is described once. Bounded:
        # an entity met again after RECENT others is written again (the store keeps one copy), so memory stays flat.
        self.written: OrderedDict[str, None] = OrderedDict()
        self.counts = {"services": 0, "organisations": 0, "locations": 0, "addresses": 0, "contacts": 0, "phones": 0,
                       "service_areas": 0, "taxonomy_terms": 0, "taxonomies": 0, "matched_concepts": 0}

    def iri_of(self, kind: str, ident: str) -> str:
        return f"{self.base}{kind}/{ident if SAFE_ID.match(ident) else quote(ident, safe='')}"

    def _first(self, node: str) -> bool:
        if node in self.written:
            self.written.move_to_end(node)
            return False
        self.written[node] = None
        if len(self.written) > RECENT:
            self.written.popitem(last=False)
        return True

    def service(self, s: ServiceIn) -> None:
        q = self.out.quad
        me = self.iri_of("service", s.id)
        S = iri(me)
        self.counts["services"] += 1
        q(S, RDF_TYPE, srx("Service"))
        q(S, RDFS_LABEL, literal(s.name, lang=EN))
        q(S, _p(DCT, "identifier"), literal(s.id))
        q(S, _p(DCT, "source"), iri(self.graph))
        if s.description:
            q(S, _p(DCT, "description"), literal(s.description, lang=EN))
        if s.url:
            q(S, iri(SCHEMA + "url"), iri(s.url))
        if s.email:
            q(S, iri(SCHEMA + "email"), literal(s.email))
        if s.status in STATUS_CONCEPT:
            q(S, srx("status"), iri(STATUS_CONCEPT[s.status]))
        if s.assured_date:
            q(S, srx("statusCheckedOn"), typed(s.assured_date, "date"))
        if s.fees:
            q(S, srx("feesDescription"), literal(s.fees, lang=EN))
        if s.application_process:
            q(S, srx("howToRefer"), literal(s.application_process, lang=EN))
        if s.socialrx_uri:
            q(S, iri(RDFS + "seeAlso"), iri(s.socialrx_uri))
        for number in s.phones:
            q(S, iri(SCHEMA + "telephone"), literal(number))
            self.counts["phones"] += 1
        client_groups = self._terms(S, s)
        if s.minimum_age is not None or s.maximum_age is not None or s.eligibility_description or client_groups:
            e = iri(me + "#eligibility")
            q(S, srx("eligibility"), e)
            q(e, RDF_TYPE, srx("Eligibility"))
            q(e, RDFS_LABEL, literal(f"Who {s.name} is for", lang=EN))
            if s.minimum_age is not None:
                q(e, srx("minimumAge"), typed(s.minimum_age, "nonNegativeInteger"))
            if s.maximum_age is not None:
                q(e, srx("maximumAge"), typed(s.maximum_age, "nonNegativeInteger"))
            if s.eligibility_description:
                q(e, _p(DCT, "description"), literal(s.eligibility_description, lang=EN))
            for concept in client_groups:
                q(e, srx("clientGroup"), iri(concept))
        if s.organisation:
            self._organisation(S, s.organisation)
        for c in s.contacts:
            self._contact(S, c)
        for loc in s.locations:
            self._location(S, loc)
        for a in s.areas:
            self._area(S, a)

    def _organisation(self, S: str, o) -> None:
        org = self.iri_of("organisation", o.id)
        O = iri(org)
        self.out.quad(S, srx("providedBy"), O)
        if not self._first(org):
            return
        self.counts["organisations"] += 1
        q = self.out.quad
        q(O, RDF_TYPE, srx("Organisation"))
        q(O, _p(DCT, "identifier"), literal(o.id))
        if o.name:
            q(O, RDFS_LABEL, literal(o.name, lang=EN))
        if o.description:
            q(O, _p(DCT, "description"), literal(o.description, lang=EN))
        if o.website:
            q(O, iri(SCHEMA + "url"), iri(o.website))
        if o.email:
            q(O, iri(SCHEMA + "email"), literal(o.email))

    def _contact(self, S: str, c) -> None:
        node = self.iri_of("contact", c.id)
        C = iri(node)
        self.out.quad(S, iri(SCHEMA + "contactPoint"), C)
        if not self._first(node):
            return
        self.counts["contacts"] += 1
        q = self.out.quad
        q(C, RDF_TYPE, iri(SCHEMA + "ContactPoint"))
        q(C, _p(DCT, "identifier"), literal(c.id))
        if c.name:
            q(C, iri(SCHEMA + "name"), literal(c.name))
            q(C, RDFS_LABEL, literal(c.name, lang=EN))
        if c.title:
            q(C, iri(SCHEMA + "jobTitle"), literal(c.title, lang=EN))
        if c.email:
            q(C, iri(SCHEMA + "email"), literal(c.email))
        for number in c.phones:
            q(C, iri(SCHEMA + "telephone"), literal(number))
            self.counts["phones"] += 1

    def _location(self, S: str, loc) -> None:
        node = self.iri_of("location", loc.id)
        L = iri(node)
        q = self.out.quad
        q(S, iri(SCHEMA + "location"), L)
        addresses = [self.iri_of("address", a.id) for a in loc.addresses]
        for a in addresses:
            q(S, iri(SCHEMA + "address"), iri(a))  # the agreed shape: the service's own postal address
        if not self._first(node):
            return
        self.counts["locations"] += 1
        q(L, RDF_TYPE, iri(SCHEMA + "Place"))
        q(L, _p(DCT, "identifier"), literal(loc.id))
        if loc.name:
            q(L, RDFS_LABEL, literal(loc.name, lang=EN))
        if loc.description:
            q(L, _p(DCT, "description"), literal(loc.description, lang=EN))
        if loc.latitude is not None:
            q(L, srx("latitude"), typed(repr(round(loc.latitude, 6)), "decimal"))
            q(L, srx("longitude"), typed(repr(round(loc.longitude, 6)), "decimal"))
        for a, address in zip(addresses, loc.addresses):
            A = iri(a)
            q(L, iri(SCHEMA + "address"), A)
            if not self._first(a):
                continue
            self.counts["addresses"] += 1
            q(A, RDF_TYPE, iri(SCHEMA + "PostalAddress"))
            for prop, value in (("streetAddress", address.street), ("addressLocality", address.city),
                                ("addressRegion", address.region), ("postalCode", address.postcode),
                                ("addressCountry", address.country)):
                if value:
                    q(A, iri(SCHEMA + prop), literal(value))

    def _area(self, S: str, a) -> None:
        ours = self.ours.area(a.uri, a.name)
        self.counts["service_areas"] += 1
        if ours:
            self.out.quad(S, srx("areaServed"), iri(ours))
            return
        node = self.iri_of("area", a.id)
        A = iri(node)
        self.out.quad(S, srx("areaServed"), A)
        if not self._first(node):
            return
        q = self.out.quad
        q(A, RDF_TYPE, srx("Area"))
        q(A, RDFS_LABEL, literal(a.name or a.uri, lang=EN))
        if a.description:
            q(A, _p(DCT, "description"), literal(a.description, lang=EN))
        if a.uri:
            q(A, iri(RDFS + "seeAlso"), iri(a.uri))

    def _terms(self, S: str, s: ServiceIn) -> list[str]:
        """Link the service to its terms; return our client-group concepts (they go on the eligibility)."""
        client_groups = []
        for t in s.terms:
            node = self.iri_of("term", t.id)
            T = iri(node)
            self.out.quad(S, _p(DCT, "subject"), T)
            exact = self.ours.concept(t.term_uri)
            if exact:
                prop = SCHEME_PROPERTY[self.ours.concept_scheme[exact]]
                if prop == SCHEME_PROPERTY["https://w3id.org/socialrx/id/vocab/client-groups"]:
                    client_groups.append(exact)
                elif not prop.endswith("/status"):
                    self.out.quad(S, iri(prop), iri(exact))
            if not self._first(node):
                continue
            self.counts["taxonomy_terms"] += 1
            self._term(T, t, exact)
        return client_groups

    def _term(self, T: str, t, exact: str | None) -> None:
        q = self.out.quad
        q(T, RDF_TYPE, _p(SKOS, "Concept"))
        q(T, _p(SKOS, "prefLabel"), literal(t.name, lang=EN))
        q(T, _p(DCT, "identifier"), literal(t.id))
        if t.description:
            q(T, _p(SKOS, "definition"), literal(t.description, lang=EN))
        if t.code:
            q(T, _p(SKOS, "notation"), literal(t.code))
        if t.parent_id:
            q(T, _p(SKOS, "broader"), iri(self.iri_of("term", t.parent_id)))
        if exact:
            q(T, _p(SKOS, "exactMatch"), iri(exact))
            self.counts["matched_concepts"] += 1
        else:
            if t.term_uri and t.term_uri.startswith(("http://", "https://")):
                q(T, _p(SKOS, "exactMatch"), iri(t.term_uri))  # term_uri names this term in its own vocabulary
            close = self.ours.concept_named(t.name)
            if close:
                q(T, _p(SKOS, "closeMatch"), iri(close))
                self.counts["matched_concepts"] += 1
        scheme_key = t.taxonomy_id or (t.taxonomy_name and "name-" + t.taxonomy_name)
        if scheme_key:
            scheme = self.iri_of("taxonomy", scheme_key)
            Sc = iri(scheme)
            q(T, _p(SKOS, "inScheme"), Sc)
            if self._first(scheme):
                self.counts["taxonomies"] += 1
                q(Sc, RDF_TYPE, _p(SKOS, "ConceptScheme"))
                q(Sc, _p(SKOS, "prefLabel"), literal(t.taxonomy_name or t.taxonomy_id, lang=EN))
                if t.taxonomy_description:
                    q(Sc, _p(SKOS, "definition"), literal(t.taxonomy_description, lang=EN))
                if t.taxonomy_uri and t.taxonomy_uri.startswith(("http://", "https://")):
                    q(Sc, iri(RDFS + "seeAlso"), iri(t.taxonomy_uri))
