"""The query catalogue: named, parameterised SPARQL questions kept as `queries/<name>.rq` files.

A query file is plain SPARQL with a header of `#+ key: value` comment lines (see docs/queries.md).
This module parses the headers into Query objects, turns the strings a user typed into RDF terms
(or says clearly which parameter is wrong and what it expects), and runs a query by name through
the store, which applies the terms as bindings: values are data, never query text.

Shaping results for people (tables, bar charts, map points) is socialrx.pages.results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Mapping

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from . import paths
from .lru import ByteCache
from .namespaces import PREFIXES
from .store.results import Result

VIEWS = ("table", "bar", "map", "count")
TYPES = ("iri", "literal", "integer", "date")
ALLOWED_KINDS = ("scheme", "class", "objects", "subjects", "list", "range")
HEADER_KEYS = ("title", "description", "param", "view", "tags", "chart", "needs", "bind")
BINDS = ("values", "substitutions")
NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VARIABLE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
IRI_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
MAX_VALUE_LENGTH = 2000


class CatalogueError(Exception):
    """A query file is malformed; str() names the file and what is wrong."""

    def __init__(self, message: str, path: Path | None = None):
        self.message, self.path = message, path
        super().__init__(f"{path}: {message}" if path else message)


class UnknownQuery(LookupError):
    """No query of that name is in the catalogue."""

    def __init__(self, name: str, known: Iterable[str] = ()):
        self.name = name
        known = sorted(known)
        hint = f"; known queries: {', '.join(known)}" if known else ""
        super().__init__(f"no query named {name!r}{hint}")


class ParameterError(ValueError):
    """A parameter value is missing, of the wrong type or not allowed; names the parameter and what it expects."""

    def __init__(self, param: str, expects: str, value: str | None = None, problem: str | None = None):
        self.param, self.expects, self.value = param, expects, value
        if problem:
            message = f"parameter {param!r} {problem}; it expects {expects}"
        elif value is None:
            message = f"parameter {param!r} is required: it expects {expects}"
        else:
            message = f"parameter {param!r} expects {expects}; got {_shorten(value)!r}"
        super().__init__(message)

    def as_dict(self) -> dict:
        return {"parameter": self.param, "expects": self.expects, "value": self.value, "message": str(self)}


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- The model -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowed:
    """Where a parameter's allowed values come from: a concept scheme, classes, a property's objects, a list or a range."""

    kind: str
    values: tuple[str, ...]

    def describe(self) -> str:
        if self.kind == "scheme":
            return f"a concept from the vocabulary <{self.values[0]}>"
        if self.kind == "class":
            return "an instance of " + " or ".join(f"<{v}>" for v in self.values)
        if self.kind == "objects":
            return f"a value of the property <{self.values[0]}>"
        if self.kind == "subjects":
            return f"something that has the property <{self.values[0]}>"
        if self.kind == "list":
            return "one of " + ", ".join(repr(v) for v in self.values)
        low, high = self.values
        return f"from {low} to {high}"


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    allowed: Allowed | None
    required: bool
    label: str

    def expects(self) -> str:
        """Say in words what a valid value looks like."""
        base = {"iri": "an IRI", "literal": "a text value", "integer": "a whole number", "date": "a date written YYYY-MM-DD"}[self.type]
        if self.allowed is None:
            return base
        if self.allowed.kind == "range":
            return f"{base} {self.allowed.describe()}"
        if self.allowed.kind == "list":
            return self.allowed.describe()
        return f"{base}: {self.allowed.describe()}, or the last part of its IRI"

    @property
    def has_choices(self) -> bool:
        return self.allowed is not None and self.allowed.kind != "range"


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = ()
    view: str = "table"
    tags: tuple[str, ...] = ()
    chart: Mapping[str, str] = field(default_factory=dict)
    path: Path | None = None
    needs: tuple[str, ...] = ()  # the commands that load the data it reads, e.g. "socialrx enrich wikidata"
    bind: str | None = None  # how the store binds parameters: "values" where measured faster (issue 12)

    @property
    def kind(self) -> str:
        """Return the query form: select, construct, ask or describe."""
        return query_form(self.text)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def summary(self) -> dict:
        """Describe the query as plain data, for the JSON list and the CLI."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "view": self.view,
            "tags": list(self.tags),
            "needs": list(self.needs),
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "label": p.label,
                    "default": p.default,
                    "required": p.required,
                    "expects": p.expects(),
                }
                for p in self.params
            ],
        }


# --- Reading query files --------------------------------------------------------------------------


def load_queries(folder: Path | str | None = None) -> list["Query"]:
    """Parse every `*.rq` file in the folder (default: the knowledge base's queries/), sorted by name."""
    folder = Path(folder) if folder else paths.folder("queries")
    return [parse_query_file(p) for p in sorted(folder.glob("*.rq"))]


def parse_query_file(path: Path | str) -> Query:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise CatalogueError(f"cannot read: {e.strerror}", path) from None
    try:
        return parse_query(path.stem, text, path)
    except CatalogueError as e:
        raise CatalogueError(e.message, path) from None


def parse_query(name: str, text: str, path: Path | None = None) -> Query:
    """Build a Query from a name and the file's text, checking the header."""
    if not NAME_PATTERN.match(name):
        raise CatalogueError(f"query name {name!r} must be lower-case words joined by hyphens")
    header = _read_header(text)
    query_form(text)  # a file with no query in it fails here, before its header is checked further
    for key in ("title", "description"):
        if not header.get(key):
            raise CatalogueError(f"the header has no {key}: add a '#+ {key}: …' line")
    prefixes = {**PREFIXES, **declared_prefixes(text)}
    params = tuple(_parse_param(line, prefixes) for line in header.get("param", []))
    _check_params(params, text)
    view = _one(header, "view") or "table"
    if view not in VIEWS:
        raise CatalogueError(f"view {view!r} is not one of {', '.join(VIEWS)}")
    chart = dict(_pairs(_one(header, "chart") or ""))
    tags = tuple(t.strip() for t in (_one(header, "tags") or "").split(",") if t.strip())
    needs = tuple(n.strip() for n in header.get("needs", []) if n.strip())
    bind = _one(header, "bind")
    if bind is not None and bind not in BINDS:
        raise CatalogueError(f"bind {bind!r} is not one of {', '.join(BINDS)}")
    return Query(name, _one(header, "title"), _one(header, "description"), text, params, view, tags, chart, path, needs, bind)


def _read_header(text: str) -> dict[str, list[str]]:
    """Collect `#+ key: value` lines; a `#+` line indented by two or more spaces continues the previous value."""
    header: dict[str, list[str]] = {}
    last = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            continue
        body = line[2:]
        if body.startswith("  ") and last:
            header[last][-1] += " " + body.strip()
            continue
        match = re.match(r"^\s*([a-z_]+)\s*:\s?(.*)$", body)
        if not match or match.group(1) not in HEADER_KEYS:
            raise CatalogueError(f"line {number}: expected '#+ key: value' with a key among {', '.join(HEADER_KEYS)}")
        last = match.group(1)
        header.setdefault(last, []).append(match.group(2).strip())
    return header


def _one(header: dict[str, list[str]], key: str) -> str | None:
    values = header.get(key)
    if not values:
        return None
    if len(values) > 1 and key != "description":
        raise CatalogueError(f"the header has {len(values)} '{key}' lines; give one")
    return " ".join(values)


def _pairs(text: str) -> Iterable[tuple[str, str]]:
    for part in text.split():
        key, sep, value = part.partition("=")
        if not sep or key not in ("label", "value"):
            raise CatalogueError(f"chart setting {part!r} should be label=<variable> or value=<variable>")
        yield key, value


def _parse_param(line: str, prefixes: Mapping[str, str]) -> Param:
    fields = [f.strip() for f in line.split("|")]
    if len(fields) != 6:
        raise CatalogueError(f"param line {line!r} needs 6 fields: name | type | default | allowed | required|optional | label")
    name, type_, default, allowed, need, label = fields
    if not VARIABLE_PATTERN.match(name):
        raise CatalogueError(f"parameter name {name!r} is not a SPARQL variable name")
    if type_ not in TYPES:
        raise CatalogueError(f"parameter {name!r} has type {type_!r}; use one of {', '.join(TYPES)}")
    if need not in ("required", "optional"):
        raise CatalogueError(f"parameter {name!r}: say 'required' or 'optional', not {need!r}")
    return Param(name, type_, default or None, _parse_allowed(name, type_, allowed, prefixes), need == "required", label or name)


def _parse_allowed(name: str, type_: str, text: str, prefixes: Mapping[str, str]) -> Allowed | None:
    if not text:
        return None
    kind, sep, value = text.partition("=")
    kind = kind.strip()
    if not sep or kind not in ALLOWED_KINDS:
        raise CatalogueError(f"parameter {name!r}: allowed values {text!r} should be one of {', '.join(k + '=…' for k in ALLOWED_KINDS)}")
    if kind == "list":
        return Allowed("list", tuple(v.strip() for v in value.split(",") if v.strip()))
    if kind == "range":
        low, dots, high = value.partition("..")
        if type_ != "integer" or not dots or not (_is_int(low) and _is_int(high)):
            raise CatalogueError(f"parameter {name!r}: range=LOW..HIGH is for integers")
        return Allowed("range", (low.strip(), high.strip()))
    if type_ != "iri":
        raise CatalogueError(f"parameter {name!r}: {kind}= values are IRIs, so the type must be iri")
    iris = tuple(expand_iri(v.strip(), prefixes) for v in value.split(",") if v.strip())
    if kind != "class" and len(iris) != 1:
        raise CatalogueError(f"parameter {name!r}: {kind}= takes one IRI")
    return Allowed(kind, iris)


def _is_int(text: str) -> bool:
    return bool(re.match(r"^\s*[+-]?\d+\s*$", text))


def _check_params(params: tuple[Param, ...], text: str) -> None:
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise CatalogueError("a parameter is declared twice")
    body = strip_comments(text)
    for p in params:
        if not re.search(rf"[?$]{p.name}\b", body):
            raise CatalogueError(f"parameter {p.name!r} is not used as ?{p.name} in the query")


def expand_iri(text: str, prefixes: Mapping[str, str]) -> str:
    """Turn `<iri>`, an absolute IRI or a prefixed name into an absolute IRI."""
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, sep, local = text.partition(":")
    if sep and prefix in prefixes:
        return prefixes[prefix] + local
    if IRI_PATTERN.match(text) and re.match(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|urn:)", text):
        return text
    raise CatalogueError(f"{text!r} is neither an IRI nor a prefixed name with a known prefix")


def declared_prefixes(text: str) -> dict[str, str]:
    return dict(re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", text))


# --- SPARQL text scanning ---------------------------------------------------------------------------

# One token at a time: long strings, short strings, IRIs, comments, anything else.
_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
    r"|[^\"'<#]+|.",
    re.S,
)


def _tokens(text: str) -> Iterable[re.Match]:
    return _TOKEN.finditer(text)


def strip_comments(text: str) -> str:
    """Remove `#` comments, leaving IRIs and strings that contain `#` alone."""
    return "".join(m.group(0) for m in _tokens(text) if not m.group(0).startswith("#"))


def _code_positions(text: str) -> Iterable[tuple[int, str]]:
    """Yield (offset, chunk) for the parts of the text outside strings, IRIs and comments."""
    for m in _tokens(text):
        chunk = m.group(0)
        if chunk[0] in "\"'#" or (chunk[0] == "<" and len(chunk) > 1 and chunk[-1] == ">"):
            continue
        yield m.start(), chunk


def query_form(text: str) -> str:
    for _, chunk in _code_positions(text):
        match = re.search(r"(?i)\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", chunk)
        if match:
            return match.group(1).lower()
    raise CatalogueError("no SELECT, CONSTRUCT, ASK or DESCRIBE in the query")


def where_brace(text: str) -> int:
    """Return the offset of the `{` that opens the query's WHERE clause (after a CONSTRUCT template)."""
    in_template = query_form(text) == "construct"
    after_form = False
    depth = 0
    for start, chunk in _code_positions(text):
        for m in re.finditer(r"(?i)\b(?:SELECT|CONSTRUCT|ASK|DESCRIBE|WHERE)\b|[{}]", chunk):
            word = m.group(0)
            if word == "{":
                if after_form and depth == 0 and not in_template:
                    return start + m.start()
                depth += 1
            elif word == "}":
                depth -= 1
                if depth == 0 and after_form:
                    in_template = False
            elif depth == 0:
                if word.upper() == "WHERE":
                    in_template = False
                after_form = True
    raise CatalogueError("cannot find the WHERE clause")


def editor_text(query: Query, bindings: Mapping[str, object]) -> str:
    """Return the query as standalone SPARQL with the bound values written in as a VALUES block.

    This is what the editor opens: the terms are serialised by rdflib, so a value is still a
    single RDF term there, never syntax.
    """
    bound = [(name, term) for name, term in bindings.items() if term is not None]
    if not bound:
        return query.text
    at = where_brace(query.text) + 1
    names = " ".join(f"?{name}" for name, _ in bound)
    values = " ".join(term.n3() for _, term in bound)
    block = f"\n  # The values chosen on the query page\n  VALUES ({names}) {{ ({values}) }}"
    return query.text[:at] + block + query.text[at:]


# --- Parameter values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


class Catalogue:
    """The queries, by name, and the allowed values of their parameters as the store knows them."""

    def __init__(self, queries: Iterable[Query], result_cache_mb: float = 0):
        self.queries = sorted(queries, key=lambda q: q.name)
        self._by_name = {q.name: q for q in self.queries}
        self._choices: dict[int, tuple[object, dict]] = {}
        # Answers kept per graph version (issue 12: "catalogue results are recomputed every time"): a result is a
        # pure function of the data and the bound values, so the page and its CSV, TSV and JSON twins share one run.
        self._results = ByteCache(int(result_cache_mb * 1024 * 1024))
        self._results_of = None

    @classmethod
    def load(cls, folder: Path | str | None = None, result_cache_mb: float = 0) -> "Catalogue":
        return cls(load_queries(folder), result_cache_mb)

    def __iter__(self):
        return iter(self.queries)

    def __len__(self) -> int:
        return len(self.queries)

    def get(self, name: str) -> Query:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownQuery(name, self._by_name) from None

    def choices(self, query: Query, param: Param, store) -> list[Choice]:
        """Return the allowed values of a parameter with labels, sorted by label (cached per store version).

        For the form only (it may be cut at the row cap): values are checked against the graph by ASK.
        """
        if not param.has_choices:
            return []
        held = self._choices.setdefault((id(store), getattr(store, "version", None)), (store, {}))[1]
        key = (query.name, param.name)
        if key not in held:
            held[key] = _load_choices(param.allowed, store)
        return held[key]

    def bind(self, query: Query, raw: Mapping[str, str], store) -> dict[str, object]:
        """Turn raw strings into RDF terms, one per declared parameter (None when left unbound).

        An absent parameter takes its default; one given as an empty string is left unbound.
        Raises ParameterError for unknown, missing, mistyped or disallowed values.
        """
        unknown = sorted(set(raw) - {p.name for p in query.params})
        if unknown:
            takes = ", ".join(p.name for p in query.params) or "no parameters"
            raise ParameterError(unknown[0], f"one of this query's parameters ({takes})", problem="is not a parameter of this query")
        bindings: dict[str, object] = {}
        for param in query.params:
            text = raw[param.name] if param.name in raw else param.default
            text = text.strip() if text is not None else None
            if not text:
                if param.required:
                    raise ParameterError(param.name, param.expects())
                bindings[param.name] = None
                continue
            bindings[param.name] = self._coerce(query, param, text, store)
        return bindings

    def _coerce(self, query: Query, param: Param, text: str, store):
        if len(text) > MAX_VALUE_LENGTH:
            raise ParameterError(param.name, param.expects(), problem=f"is longer than {MAX_VALUE_LENGTH} characters")
        if param.has_choices:
            if param.allowed.kind == "list":
                return self._from_choices(param, text, self.choices(query, param, store))
            return _from_graph(param, text, store)
        return coerce(param, text)

    def _from_choices(self, param: Param, text: str, choices: list[Choice]):
        value = text[1:-1] if param.type == "iri" and text.startswith("<") and text.endswith(">") else text
        for choice in choices:
            if choice.value == value:
                return coerce(param, choice.value)
        if param.type == "literal":
            folded = [c for c in choices if c.value.casefold() == value.casefold()]
        else:
            folded = [c for c in choices if _local_name(c.value) == value]
        if len(folded) == 1:
            return coerce(param, folded[0].value)
        raise ParameterError(param.name, param.expects(), text)

    def run(self, store, name: str, raw: Mapping[str, str] | None = None, *, timeout_ms=None, max_rows=None) -> "Run":
        """Run a query by name with raw parameter strings; the values go to the store as bindings."""
        query = self.get(name)
        bindings = self.bind(query, raw or {}, store)
        given = {k: v for k, v in bindings.items() if v is not None}
        key = (query.name, tuple(sorted((k, v.n3()) for k, v in given.items())), timeout_ms, max_rows)
        kept = self._kept(store, key)
        if kept is not None:
            return Run(query, bindings, kept, kept=True)
        options = {"bind_as": query.bind} if query.bind and given else {}
        result = store.query(query.text, bindings=given, timeout_ms=timeout_ms, max_rows=max_rows, **options)
        self._keep(key, result)
        return Run(query, bindings, result)

    def _kept(self, store, key) -> Result | None:
        data = (id(store), getattr(store, "version", None))
        if data != self._results_of:  # the data changed: no earlier answer can be asked for again
            self._results.clear()
            self._results_of = data
        fields = self._results.get(key)
        # A fresh Result each time, so rows decoded for one request are not held by the cache.
        return Result(**fields) if fields is not None else None

    def _keep(self, key, result: Result) -> None:
        fields = {"kind": result.kind, "variables": result.variables, "boolean": result.boolean,
                  "truncated": result.truncated, "elapsed_ms": result.elapsed_ms, "payload": result.payload,
                  "written": result.written}
        self._results.put(key, fields, len(result.payload))


def coerce(param: Param, text: str):
    """Turn one string into the parameter's RDF term, or raise ParameterError."""
    if param.type == "iri":
        value = text[1:-1] if text.startswith("<") and text.endswith(">") else text
        if not IRI_PATTERN.match(value):
            raise ParameterError(param.name, param.expects(), text)
        return URIRef(value)
    if param.type == "integer":
        if not _is_int(text):
            raise ParameterError(param.name, param.expects(), text)
        number = int(text)
        if param.allowed and param.allowed.kind == "range":
            low, high = (int(v) for v in param.allowed.values)
            if not low <= number <= high:
                raise ParameterError(param.name, param.expects(), text)
        return Literal(number, datatype=XSD.integer)
    if param.type == "date":
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            raise ParameterError(param.name, param.expects(), text)
        try:
            return Literal(date.fromisoformat(text), datatype=XSD.date)
        except ValueError:
            raise ParameterError(param.name, param.expects(), text) from None
    if param.allowed and param.allowed.kind == "list" and text not in param.allowed.values:
        raise ParameterError(param.name, param.expects(), text)
    return Literal(text)


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1]


_CHOICE_QUERIES = {
    "scheme": ("vocabulary", "SELECT ?value ?label ?vocabulary WHERE { ?value skos:inScheme ?vocabulary . OPTIONAL { ?value skos:prefLabel|rdfs:label ?label } }"),
    "class": ("class", "SELECT ?value ?label ?class WHERE { ?value a/rdfs:subClassOf* ?class . OPTIONAL { ?value rdfs:label|skos:prefLabel ?label } }"),
    "objects": ("predicate", "SELECT ?value ?label ?predicate WHERE { ?subject ?predicate ?value . OPTIONAL { ?value rdfs:label|skos:prefLabel ?label } }"),
    "subjects": ("predicate", "SELECT ?value ?label ?predicate WHERE { ?value ?predicate ?object . OPTIONAL { ?value rdfs:label|skos:prefLabel ?label } }"),
}


# Is ?value allowed? One ASK per allowed source, against the graph itself (issue 12: a list of allowed values
# cut at the row cap refused real values at 1M triples). Values go in as bindings, never as query text.
_ALLOWED_ASK = {
    "scheme": ("vocabulary", "ASK { ?value skos:inScheme ?vocabulary }"),
    "class": ("class", "ASK { ?value a/rdfs:subClassOf* ?class }"),
    "objects": ("predicate", "ASK { ?subject ?predicate ?value }"),
    "subjects": ("predicate", "ASK { ?value ?predicate ?object }"),
}
# The same sets, searched for a value given by its last IRI segment or, for literals, its text in any case.
_ALLOWED_FIND = {
    "scheme": "?value skos:inScheme ?vocabulary .",
    "class": "?value a/rdfs:subClassOf* ?class .",
    "objects": "?subject ?predicate ?value .",
    "subjects": "?value ?predicate ?object .",
}
_PREFIXES = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def _from_graph(param: Param, text: str, store):
    """Check a value against the graph (ASK), or resolve a short form (last IRI segment, any-case literal)."""
    variable, ask = _ALLOWED_ASK[param.allowed.kind]
    value = text[1:-1] if param.type == "iri" and text.startswith("<") and text.endswith(">") else text
    if param.type == "iri":
        term = URIRef(value) if IRI_PATTERN.match(value) else None
    else:
        term = coerce(param, value)
    if term is not None:
        for allowed in param.allowed.values:
            if store.query(_PREFIXES + ask, bindings={"value": term, variable: URIRef(allowed)}).boolean:
                return term
    found = set()
    if param.type == "iri":
        test = 'isIRI(?value) && (STRENDS(STR(?value), CONCAT("/", ?text)) || STRENDS(STR(?value), CONCAT("#", ?text)))'
    else:
        test = "isLiteral(?value) && LCASE(STR(?value)) = LCASE(?text)"
    for allowed in param.allowed.values:
        query = _PREFIXES + f"SELECT DISTINCT ?value WHERE {{ {_ALLOWED_FIND[param.allowed.kind]} FILTER({test}) }} LIMIT 2"
        result = store.query(query, bindings={variable: URIRef(allowed), "text": Literal(value)})
        found.update(row["value"]["value"] for row in result.rows if "value" in row)
    if len(found) == 1:
        return coerce(param, found.pop())
    raise ParameterError(param.name, param.expects(), text)


def _load_choices(allowed: Allowed, store) -> list[Choice]:
    if allowed.kind == "list":
        return [Choice(v, v) for v in allowed.values]
    variable, body = _CHOICE_QUERIES[allowed.kind]
    text = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + body
    labels: dict[str, list[tuple[int, str]]] = {}
    for iri in allowed.values:
        for row in store.query(text, bindings={variable: URIRef(iri)}).rows:
            value = row.get("value", {})
            if value.get("type") != "uri":
                continue
            found = labels.setdefault(value["value"], [])
            if "label" in row:
                found.append((_language_rank(row["label"].get("xml:lang")), row["label"]["value"]))
    choices = [Choice(iri, min(found)[1] if found else _local_name(iri)) for iri, found in labels.items()]
    return sorted(choices, key=lambda c: (c.label.casefold(), c.value))


def _language_rank(lang: str | None) -> int:
    return {"en-gb": 0, "en": 1, None: 2}.get(lang.lower() if lang else None, 3)


@dataclass
class Run:
    """One run of a catalogue query: the query, the terms bound to its parameters and the store's result."""

    query: Query
    bindings: dict[str, object]
    result: object
    kept: bool = False  # the answer of an earlier run on the same data

    def share_params(self) -> dict[str, str]:
        """Return the parameter values to put in a shareable URL ('' keeps a cleared default cleared)."""
        shared = {}
        for param in self.query.params:
            term = self.bindings.get(param.name)
            if term is not None:
                shared[param.name] = str(term)
            elif param.default:
                shared[param.name] = ""
        return shared

    def editor_text(self) -> str:
        return editor_text(self.query, self.bindings)
