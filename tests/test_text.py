"""The words the site renders read naturally: over every generated file of the real inventory,
no word twice in a row, no cloud named twice for one thing ("HCP Vault Dedicated on AWS on AWS",
"Self-managed Vault on GKE on Google Cloud"), and no capital after "needed when" but a name's."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest

FENCE = re.compile(r"^ *(`{3,})[^\n]*\n.*?^ *\1 *$", re.M | re.S)
ATTRIBUTE = re.compile(r'\b(?:title|aria-label|xlink:title|alt|label|tooltip)="([^"]*)"')
TAG = re.compile(r"<[^>]+>")
CODE_SPAN = re.compile(r"`[^`\n]+`")
LINK_TARGET = re.compile(r"\]\(<?[^)>]*>?\)")
WORD = re.compile(r"[A-Za-z][\w-]*")


def chunks(path: str, data: bytes) -> Iterator[str]:
    """Each run of words a reader gets from one generated file, apart: text between tags, the
    values of attributes that are read out or shown (titles, labels), comments of files."""
    text = data.decode("utf-8")
    if path.endswith(".json"):
        # A cloud's configurator data: every static piece and every region's texts, file by file.
        doc = json.loads(text)
        rows = []
        for name, pieces in doc.get("files", {}).items():
            bodies = [[p] if isinstance(p, str) else p["texts"] for p in pieces]
            for body in (b for group in bodies for b in group):
                if name == "env_rows":
                    rows.append(body)
                else:
                    yield from chunks(name, body.encode())
        text = "".join(rows)
    elif path.endswith((".yml", ".sh")):
        yield from (line.split("#", 1)[1] for line in text.splitlines() if "#" in line)
        return
    elif path.endswith(".md"):
        # Code is not prose; a tab label, a line and a table cell each stand alone.
        text = CODE_SPAN.sub(" ", FENCE.sub("\n", text))
        text = LINK_TARGET.sub("]", text).replace("|", "\n").replace('=== "', '\n"')
    for value in ATTRIBUTE.findall(text):
        yield html.unescape(value)
    for run in TAG.split(text):
        yield from html.unescape(run).splitlines()


@pytest.fixture(scope="module")
def prose(rendered) -> list[tuple[str, str]]:
    out = [
        (path, " ".join(chunk.split()))
        for path, data in rendered.items()
        if not path.endswith(".png")
        for chunk in chunks(path, data)
    ]
    return [(path, chunk) for path, chunk in out if chunk]


def cloud_terms(cloud) -> set[str]:
    """Every way the site names a cloud: name, title, its Kubernetes and that one's short name."""
    terms = {cloud.name, cloud.title, cloud.kubernetes}
    terms |= set(re.findall(r"\(([A-Z]{2,})\)", cloud.kubernetes))  # Google Kubernetes Engine (GKE)
    terms |= {w for w in cloud.kubernetes.split() if re.fullmatch(r"[A-Z]{3,}", w)}  # Amazon EKS
    return terms


def test_no_word_twice_in_a_row(prose):
    doubled = [(path, m.group(0), chunk) for path, chunk in prose for m in re.finditer(r"\b(\w+)\s+\1\b(?![/.\w-])", chunk, re.I)]
    assert not doubled, doubled[:5]
    assert len(prose) > 1000


def test_no_cloud_named_twice_for_one_thing(prose, inventory):
    """A product that carries its cloud's name is not followed by "on <that cloud>" again."""
    found = []
    for cloud in inventory.clouds:
        terms = "|".join(re.escape(t) for t in sorted(cloud_terms(cloud), key=len, reverse=True))
        # The same cloud twice within one phrase: nothing between but words (no ; : . or parenthesis).
        twice = re.compile(rf"\b(?:{terms})\b[^.;:()\n]{{0,60}}?\bon (?:{terms})\b")
        found += [(path, m.group(0)) for path, chunk in prose for m in twice.finditer(chunk)]
    assert not found, found[:5]


def test_no_capital_after_needed_when_but_a_names(prose, inventory):
    names = [c.name for c in inventory.components]
    names += [o.product for c in inventory.components for o in c.offerings.values()]
    names += [t for cloud in inventory.clouds for t in cloud_terms(cloud)]
    proper = {w for name in names for w in WORD.findall(name) if w[0].isupper()}
    seen = 0
    for path, chunk in prose:
        for match in re.finditer(r"\bneeded when\W+([A-Za-z][\w-]*)", chunk, re.I):
            word = match.group(1)
            assert word[0].islower() or word.isupper() or word in proper, (path, match.group(0), chunk[:120])
            seen += 1
    optional = [c for c in inventory.components if not c.required]
    assert seen >= len(optional) * (len(inventory.clouds) + 1)  # the components page and every diagram
