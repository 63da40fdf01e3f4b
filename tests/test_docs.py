"""The README documents every setting and every command (as Datasette's test_docs does)."""

from pathlib import Path

import pytest

from socialrx.cli import build_parser
from socialrx.settings import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_in_the_readme_table(setting):
    assert f"| `{setting.name}` | `{setting.default!r}` | {setting.help} |" in README


def test_every_command_is_in_the_readme():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"socialrx {name}" in README, name
