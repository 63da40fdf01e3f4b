"""Read a query before any engine sees it: refuse updates, outbound fetching and parser-crashing nesting.

Decisions are taken on tokens, with strings and comments skipped, so a keyword inside a literal never
triggers a refusal, and nothing is executed to find out. The tokenizer follows the SPARQL 1.1 grammar's
terminals (https://www.w3.org/TR/sparql11-query/#sparqlGrammar) closely enough to agree with the engine
on what is code; where the two could disagree it errs towards counting more nesting, not less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from .base import QueryError, QueryRefused

_TOKEN = re.compile(
    r"""
  (?P<ws>\s+)
| (?P<comment>\#[^\n\r]*)
| (?P<string>"{3}(?:(?:"|"")?(?:[^"\\]|\\.))*"{3}|'{3}(?:(?:'|'')?(?:[^'\\]|\\.))*'{3}
            |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
| (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
| (?P<var>[?$][0-9A-Za-z_\u00B7\u00C0-\U000EFFFF]+)
| (?P<open>[({\[]|<<)
| (?P<close>[)}\]]|>>)
| (?P<name>(?:[A-Za-z\u00C0-\U000EFFFF][\w\-.\u00B7\u00C0-\U000EFFFF]*)?:(?:\\.|[^\s(){}\[\]<>"',;\#|^`\\])*
          |[A-Za-z_][A-Za-z0-9_]*)
| (?P<other>.)
""",
    re.X | re.S,
)
# SPARQL allows \uXXXX escapes anywhere in a query (https://www.w3.org/TR/sparql11-query/#codepointEscape);
# Oxigraph only decodes them inside terms, other engines everywhere, so both readings are checked.
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
GRAMMAR = "https://www.w3.org/TR/sparql11-query/#sparqlGrammar"


@dataclass
class Token:
    kind: str
    value: str
    start: int
    depth: int  # nesting outside this token: for an opening bracket the depth before it, for a closing one after it


@dataclass
class Inspection:
    """What the guard learned about an acceptable query."""

    form: str | None  # "select" | "construct" | "describe" | "ask"; None when unreadable (the engine will say why)
    projection: set[str] | None = None  # SELECT variables; None for SELECT * and the other forms
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    where_open: int | None = None  # offset of the "{" that opens the WHERE group
    short_construct: bool = False
    trailing_values: bool = False
    depth: int = 0

    @property
    def kind(self) -> str | None:
        """Return the result kind: "select", "ask" or "graph"."""
        return {"construct": "graph", "describe": "graph"}.get(self.form, self.form)


def position(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based (line, column) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def where(text: str, offset: int) -> str:
    line, col = position(text, offset)
    return f"line {line}, column {col}"


def tokenize(text: str, max_depth: int | None = None) -> tuple[list[Token], int]:
    """Split a query into significant tokens and measure its bracket nesting.

    Raises QueryError (400) as soon as the nesting passes max_depth, before building anything deeper.
    """
    tokens: list[Token] = []
    depth = deepest = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        value = m.group()
        if kind == "open":
            tokens.append(Token(kind, value, m.start(), depth))
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
            tokens.append(Token(kind, value, m.start(), depth))
        else:
            if kind == "iri" and ("(" in value or "[" in value):
                # "<" may be read as less-than by the engine, making "(((" after it real nesting.
                depth += value.count("(") + value.count("[")
                deepest = max(deepest, depth)
                depth = max(depth - value.count(")") - value.count("]"), 0)
            tokens.append(Token(kind, value, m.start(), depth))
        if depth > deepest:
            deepest = depth
        if max_depth is not None and deepest > max_depth:
            raise QueryError(
                f"The query nests brackets and braces more than {max_depth} levels deep (at {where(text, m.start())}). "
                f"Deeper queries are refused before they reach the engine because its parser could overflow. "
                f"Flatten the query, e.g. by joining patterns in one group instead of nesting groups.",
                status=400,
                position=position(text, m.start()),
            )
    return tokens, deepest


def unescape_codepoints(text: str) -> str:
    """Apply \\uXXXX and \\UXXXXXXXX escapes; an escape outside Unicode (above 10FFFF) is the client's error."""
    def char(m):
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"{m.group(0)} at {where(text, m.start())} is not a Unicode character: escapes go up to "
                             f"\\U0010FFFF and exclude the surrogates D800-DFFF.", status=400, position=position(text, m.start()))
        return chr(code)

    return _CODEPOINT.sub(char, text)


def inspect(text: str, *, max_depth: int, allow_list=(), known_graphs=frozenset(), locate: bool = True) -> Inspection:
    """Check a query and describe it; raise QueryRefused or QueryError when it must not run.

    locate=False skips finding the WHERE group and the projection (only needed to add bindings).
    """
    escaped = _CODEPOINT.search(text) is not None
    if not escaped and not locate and _quick(text, max_depth):
        return _head(text)
    found = _inspect(text, max_depth, allow_list, known_graphs, locate)
    if escaped:
        _inspect(unescape_codepoints(text), max_depth, allow_list, known_graphs, False)
    return found


def _quick(text: str, max_depth: int) -> bool:
    """Say whether only the query's head needs reading: it cannot nest too deeply nor name another source."""
    openers = text.count("(") + text.count("[") + text.count("{") + text.count("<<")
    if openers > max_depth:
        return False
    low = text.lower()
    return "service" not in low and "from" not in low and "load" not in low


def _head(text: str) -> Inspection:
    tokens = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        tokens.append(Token(kind, m.group(), m.start(), 0))
        if kind == "name" and m.group().upper() not in ("BASE", "PREFIX") and not m.group().endswith(":"):
            break  # the first keyword after the prologue
    return _classify(text, tokens, 0)


def _classify(text: str, tokens: list[Token], depth: int) -> Inspection:
    i, well_formed = 0, True
    while i < len(tokens) and tokens[i].kind == "name" and tokens[i].value.upper() in ("BASE", "PREFIX"):
        step = 2 if tokens[i].value.upper() == "BASE" else 3
        well_formed = well_formed and i + step <= len(tokens) and tokens[i + step - 1].kind == "iri"
        i += step
    head = tokens[i].value.upper() if i < len(tokens) and tokens[i].kind == "name" else None
    if head in UPDATE_KEYWORDS:
        _refuse_update(text, tokens[i])
    if well_formed and head is not None and head not in QUERY_FORMS | {"BASE", "PREFIX"}:
        _unknown_form(text, tokens[i])
    return Inspection(form=head.lower() if head in QUERY_FORMS else None, depth=depth)


def _inspect(text, max_depth, allow_list, known_graphs, locate=True) -> Inspection:
    tokens, depth = tokenize(text, max_depth)
    allow = {str(a) for a in allow_list}
    prefixes: dict[str, str] = {}
    base = None
    i = 0
    while i < len(tokens) and tokens[i].kind == "name" and tokens[i].value.upper() in ("BASE", "PREFIX"):
        if tokens[i].value.upper() == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            base = tokens[i + 1].value[1:-1]
            i += 2
        elif i + 2 < len(tokens) and tokens[i + 1].kind == "name" and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].value.rstrip(":")] = _resolve(tokens[i + 2].value[1:-1], base)
            i += 3
        else:
            break  # malformed prologue: the engine reports it
    head = tokens[i].value.upper() if i < len(tokens) and tokens[i].kind == "name" else None
    if head in UPDATE_KEYWORDS:
        _refuse_update(text, tokens[i])
    if head is not None and head not in QUERY_FORMS | {"BASE", "PREFIX"}:
        _unknown_form(text, tokens[i])
    info = Inspection(form=head.lower() if head in QUERY_FORMS else None, depth=depth)

    for j, tok in enumerate(tokens):
        if tok.kind != "name":
            continue
        word = tok.value.upper()
        if word == "SERVICE":
            iri = _target(tokens, j + 1, prefixes, base, skip="SILENT")
            if iri is None:
                raise QueryRefused(
                    f"SERVICE at {where(text, tok.start)} must name its endpoint with an IRI written in the query "
                    f"(not a variable), so it can be checked before anything runs. This endpoint does not call "
                    f"other endpoints unless they are on its allow list.",
                    position=position(text, tok.start),
                )
            if iri not in allow:
                raise QueryRefused(
                    f"SERVICE <{iri}> at {where(text, tok.start)} would fetch data from another endpoint, and this "
                    f"one does not reach out to the network. Query that endpoint directly, or ask the operator to add "
                    f"it to the service_allow_list setting.",
                    position=position(text, tok.start),
                )
            info.services.append(iri)
        elif word == "FROM" and tok.depth == 0:
            named = j + 1 < len(tokens) and tokens[j + 1].value.upper() == "NAMED"
            iri = _target(tokens, j + 1, prefixes, base, skip="NAMED")
            if iri is None:
                continue  # malformed: the engine reports the syntax error
            if iri not in known_graphs and iri not in allow:
                raise QueryRefused(
                    f"FROM{' NAMED' if named else ''} <{iri}> at {where(text, tok.start)} names a graph this knowledge "
                    f"base does not hold, and this endpoint does not fetch data from the web. Drop the clause to query "
                    f"every graph, or pick one listed by SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{}} }}.",
                    position=position(text, tok.start),
                )
            (info.from_named if named else info.from_graphs).append(iri)
        elif word in ("LOAD",):
            _refuse_update(text, tok)

    if info.form and locate:
        _locate_where(info, tokens, i)
    return info


def _unknown_form(text: str, tok: Token):
    """A query whose first word (after PREFIX and BASE) is no query form: say so in words, with a likely fix."""
    import difflib

    if tok.value.endswith(":") or ":" in tok.value:
        return  # a prefixed name where a keyword belongs: the engine reports it
    guess = difflib.get_close_matches(tok.value.upper(), sorted(QUERY_FORMS | {"PREFIX", "BASE"}), n=1)
    line, col = position(text, tok.start)
    raise QueryError(
        f"Syntax error at line {line}, column {col}: a query starts with SELECT, CONSTRUCT, ASK or DESCRIBE "
        f"(after any PREFIX and BASE lines), but this one starts with “{tok.value}”."
        + (f" Did you mean {guess[0]}?" if guess else ""),
        position=(line, col))


def _refuse_update(text: str, tok: Token):
    fetch = " LOAD would also fetch data from the network, which this endpoint never does." if tok.value.upper() == "LOAD" else ""
    raise QueryRefused(
        f"{tok.value.upper()} at {where(text, tok.start)} is a SPARQL Update, and this endpoint is read-only.{fetch} "
        f"Send a query (SELECT, CONSTRUCT, DESCRIBE or ASK); to change the data, edit the knowledge-base files "
        f"and reload.",
        position=position(text, tok.start),
    )


def _target(tokens, k, prefixes, base, skip) -> str | None:
    if k < len(tokens) and tokens[k].value.upper() == skip:
        k += 1
    if k >= len(tokens):
        return None
    tok = tokens[k]
    if tok.kind == "iri":
        return _resolve(tok.value[1:-1], base)
    if tok.kind == "name" and ":" in tok.value:
        prefix, local = tok.value.split(":", 1)
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base and not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", iri) else iri


def _locate_where(info: Inspection, tokens: list[Token], i: int):
    """Find the WHERE group (for VALUES injection) and the SELECT projection."""
    j = i + 1
    if info.form == "construct":
        if j < len(tokens) and tokens[j].value == "{":
            j = _matching(tokens, j) + 1
        else:
            info.short_construct = True
    open_at = next((k for k in range(j, len(tokens)) if tokens[k].value == "{" and tokens[k].depth == 0), None)
    if open_at is None:
        return
    info.where_open = tokens[open_at].start
    close_at = _matching(tokens, open_at)
    info.trailing_values = any(t.kind == "name" and t.value.upper() == "VALUES" and t.depth == 0
                               for t in tokens[close_at + 1:])
    if info.form == "select":
        clause = tokens[i + 1:open_at]
        if any(t.value == "*" and t.depth == 0 for t in clause):
            return
        names = set()
        for k, t in enumerate(clause):
            if t.kind == "var" and (t.depth == 0 or (k and clause[k - 1].value.upper() == "AS")):
                names.add(t.value[1:])
        info.projection = names


def _matching(tokens, k) -> int:
    level = tokens[k].depth
    for m in range(k + 1, len(tokens)):
        if tokens[m].kind == "close" and tokens[m].depth == level:
            return m
    return len(tokens) - 1


def with_values(text: str, info: Inspection, bindings: dict[str, str]) -> str:
    """Return the query with a VALUES block binding each variable to an N-Triples term.

    The block opens the WHERE group so it joins before grouping, like a pre-bound variable; queries without
    a WHERE group (DESCRIBE <x>, CONSTRUCT WHERE) get a trailing VALUES clause instead.
    """
    names = list(bindings)
    block = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(bindings[n] for n in names)}) }}"
    if info.where_open is not None and not info.short_construct:
        k = info.where_open + 1
        return f"{text[:k]} {block}\n{text[k:]}"
    if info.trailing_values:
        raise QueryError("This query already ends with a VALUES clause, so bindings cannot be added to it. "
                         "Put the VALUES block inside the WHERE group, or bind the variables there yourself.")
    return f"{text}\n{block}\n"
