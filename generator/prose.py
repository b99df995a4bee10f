"""Inventory sentences inside the generator's own sentences (inventory -> text)."""

from __future__ import annotations

import re
from functools import lru_cache

from .model import Component, Inventory

WORD = re.compile(r"[A-Za-z][\w-]*")


def proper_nouns(inv: Inventory) -> frozenset[str]:
    """Words the inventory capitalises in names: components, products, clouds and their Kubernetes."""
    names = [c.name for c in inv.components]
    names += [offer.product for c in inv.components for offer in c.offerings.values()]
    names += [text for cloud in inv.clouds for text in (cloud.name, cloud.title, cloud.kubernetes)]
    return _capitalised(tuple(names))


# Asked once per optional part and diagram: the same names give the same words.
@lru_cache(maxsize=8)
def _capitalised(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(word for name in names for word in WORD.findall(name) if word[0].isupper())


def continued(inv: Inventory, sentence: str) -> str:
    """`sentence` continuing one of ours ("needed when ..."): lower-case first letter unless it
    starts with a name or an acronym, and no full stop of its own."""
    text = " ".join(sentence.split()).rstrip(".")
    first = WORD.match(text)
    if first and not first.group(0).isupper() and first.group(0) not in proper_nouns(inv):
        text = text[0].lower() + text[1:]
    return text


def needed_when(inv: Inventory, comp: Component) -> str:
    """The words "needed when <the situation>" for an optional part, without a final full stop."""
    return f"needed when {continued(inv, comp.needed_when or '')}"
