"""Issue 11.2: "What the sources say" groups statements by source (one heading with its link and dates, then what it
says, quotes beside); nested nodes read as sentences; area and organisation pages show what a person came for first."""

from __future__ import annotations

import re
from html import unescape

SCHEME = "/id/scheme/camden-stroke-navigation-service"
INFOGRAPHIC = "/id/source/care-forum-infographic"


def get(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def said(html: str) -> str:
    found = re.search(r'<section[^>]*aria-labelledby="statements-heading".*?</section>', html, re.S)
    assert found, "no 'What the sources say' section"
    return found.group(0)


def words(html: str) -> str:
    inline = re.sub(r"</?(?:a|span|q|time|strong|em|code)\b[^>]*>", "", html)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)))


def test_each_source_is_named_once_with_what_it_says_under_it(client):
    section = said(get(client, SCHEME))
    headings = re.findall(r'<h3 class="srx-by-source__title"><a href="([^"]+)"', section)
    assert headings == [INFOGRAPHIC]  # every statement on this page comes from the infographic
    assert section.count(f'href="{INFOGRAPHIC}"') == 1, "the source link repeats under the rows"
    assert "Source:" not in words(section)


def test_nested_nodes_read_as_sentences_not_a_second_table(client):
    section = said(get(client, SCHEME))
    assert "srx-statements--nested" not in section and not re.search(r"<dd[^>]*>(?:(?!</dd>).)*<dl", section, re.S)
    text = words(section)
    assert "client group: After a stroke" in text
    assert re.search(r"measure: Hospital readmissions post stroke; .*time point: 6 weeks and 6 months", text)


def test_the_source_heading_gives_its_dates(client):
    section = said(get(client, "/id/scheme/linking-leeds"))
    assert re.search(r"read on \d{1,2} \w+ 20\d\d", words(section)), words(section)[:400]


def test_quotes_stand_beside_what_they_support(client):
    section = said(get(client, SCHEME))
    assert '<q class="srx-quote"' in section or "<blockquote" in section
    assert "no readmissions at 6 weeks and 6 months post stroke compared to a 7.5% baseline" in words(section)


def test_area_pages_show_their_schemes_before_the_statements(client):
    html = get(client, "/id/area/leeds")
    schemes = html.find('id="schemes-here"')
    assert 0 < schemes < html.find('id="statements-heading"')
    listed = re.search(r'id="schemes-here".*?</section>', html, re.S).group(0)
    assert "Linking Leeds" in listed


def test_organisation_pages_show_what_they_do_before_the_statements(client):
    html = get(client, "/id/org/macmillan")
    assert 0 < html.find('id="incoming-heading"') < html.find('id="statements-heading"')
