"""The data contracts are documented in the repository, from the code, and the README points
there: a user who clones the repository has every page it links to (issue 21)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loaders.contracts import CATEGORY_LABELS, KINDS
from loaders.limits import ENV
from tests.support.paths import REPO

ROOT = REPO
CONTRACTS = ROOT / "docs" / "data-contracts.md"
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_and_column_is_documented(kind: str) -> None:
    text = _text(CONTRACTS)
    assert f"### `{kind}`" in text
    section = text.split(f"### `{kind}`", 1)[1].split("\n### ", 1)[0]
    for column in KINDS[kind].columns:
        assert f"| `{column.name}` |" in section, f"{kind}.{column.name} missing"
        required = "**yes**" if column.required else "no"
        assert f"| `{column.name}` | {required} |" in section, f"{kind}.{column.name} required"
        for choice in column.choices:
            assert f"`{choice}`" in text, f"{kind}.{column.name}: {choice}"
    assert "Key: (" + ", ".join(KINDS[kind].key) + ")." in section


def test_category_labels_and_limits_are_documented() -> None:
    text = _text(CONTRACTS)
    for code, label in CATEGORY_LABELS.items():
        assert f"`{code}` («{label}»)" in text
    for variable in ENV.values():
        assert f"`{variable}`" in text


@pytest.mark.parametrize("doc", ["README.md", "docs/data-contracts.md"])
def test_links_stay_inside_the_repository(doc: str) -> None:
    path = ROOT / doc
    text = _text(path)
    if doc == "README.md":
        assert "](../" not in text
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a web address or an anchor in the same page
        resolved = (path.parent / target.split("#", 1)[0]).resolve()
        assert resolved.is_relative_to(ROOT), f"{doc} links outside the repository: {target}"


def test_readme_links_to_the_contracts_in_the_repository() -> None:
    assert "](docs/data-contracts.md)" in _text(ROOT / "README.md")
    assert CONTRACTS.is_file()
