"""Issue 11.1: plain words on public pages. No datatype or language badges outside the "as data" views, durations
in words, column headings in words, tags in sentence case, no "Organization, Organization" on /ontology."""

from __future__ import annotations

import re
from html import unescape

import pytest

SCHEME = "/id/scheme/camden-stroke-navigation-service"


def visible_text(html: str) -> str:
    """The words a reader sees: no tags, attributes, scripts or the "This page as data" section."""
    html = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<section[^>]*class="srx-formats".*?</section>', " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def get(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", [SCHEME, "/id/area/camden", "/id/source/care-forum-infographic", "/id/org/macmillan",
                                  "/def/Scheme", "/id/vocab/client-groups/affected-by-cancer"])
def test_no_datatype_or_language_badges(client, path):
    words = visible_text(get(client, path))
    assert not re.search(r"\bxsd:\w+", words), re.search(r".{40}\bxsd:\w+.{20}", words)
    assert not re.search(r"\ben-GB\b", words), re.search(r".{40}\ben-GB\b", words)


def test_durations_read_as_words(client):
    words = visible_text(get(client, SCHEME))
    assert "Time points 6 weeks and 6 months" in words
    assert "P6W" not in words and "P6M" not in words


def test_result_headings_are_words(client):
    html = get(client, "/queries/count-schemes-by-client-group")
    headings = [unescape(h).strip() for h in re.findall(r'<th class="nhsuk-table__header" scope="col">(.*?)</th>', html)]
    assert headings == ["Client group", "Schemes"]


def test_tags_are_in_sentence_case(client):
    for path in (SCHEME, "/id/vocab/client-groups/affected-by-cancer", "/schemes", "/search?q=bristol"):
        tags = [unescape(t).strip() for t in re.findall(r'class="nhsuk-tag[^"]*srx-type"[^>]*>([^<]*)<', get(client, path))]
        assert tags, path
        assert all(t[:1].isupper() for t in tags), (path, tags)


def test_ontology_names_no_two_superclasses_alike(client):
    html = get(client, "/ontology")
    for group in re.findall(r"\(also a kind of (.*?)\)</span>", html, re.S):
        names = [unescape(n) for n in re.findall(r">([^<]+)</a>", group)]
        assert len(names) == len(set(names)), names
    assert not re.search(r">Organization</a>, <a[^>]*>Organization</a>", html)
