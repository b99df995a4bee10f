"""The reader's own values: release, namespace and each setting deploy.sh reads.

Python renders the configurator's files with a mark where each value goes (an
inventory whose release and namespace are marks, and a mark per variable in
variables.sh); the page only replaces each mark with the reader's value, or with
the inventory's own release and namespace and an empty setting when none is given.
Each field's pattern (the same rule here and in the page's `pattern` attribute)
admits only values that the files hold as they are: no quoting changes, no shell
or YAML meaning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from .model import EnvVar, Inventory
from .typed import replace

RELEASE = "release"
NAMESPACE = "namespace"

# Marks are plain lower-case words: YAML and the shell treat them exactly as they treat a
# Kubernetes name, so replacing one with a valid name changes nothing else in the file.
RELEASE_MARK = "rpareleasemark"
NAMESPACE_MARK = "rpanamespacemark"

# A Kubernetes name (DNS-1123 label) that starts with a letter, and none of the words YAML 1.1
# reads as a boolean or null (a namespace `no` would become `false`).
# (The hyphen is escaped: browsers read `pattern` with the `v` flag, which refuses a bare one.)
NAME_PATTERN = r"(?!(?:y|yes|n|no|true|false|on|off|null)$)[a-z]([a-z0-9\-]{0,51}[a-z0-9])?"
# A setting goes between single quotes in variables.sh: anything but a quote, a backslash or a space.
VALUE_PATTERN = r"[^'\\\s]*"


def value_mark(name: str) -> str:
    return f"@{name}@"


def valid_name(value: str) -> bool:
    return re.fullmatch(NAME_PATTERN, value) is not None


def valid_value(value: str) -> bool:
    return re.fullmatch(VALUE_PATTERN, value) is not None


def named(inv: Inventory, release: str, namespace: str) -> Inventory:
    """The inventory with another release name and namespace (the files follow both)."""
    helm = replace(inv.rasa.helm, release=release)
    return replace(inv, rasa=replace(inv.rasa, helm=helm, namespace=namespace))


def marked(inv: Inventory) -> Inventory:
    return named(inv, RELEASE_MARK, NAMESPACE_MARK)


def describe(inv: Inventory, var: EnvVar) -> str:
    """A variable's description on one line, with {release} and {namespace} filled in."""
    return _one_line(var.description, inv.rasa.helm.release, inv.rasa.namespace)


# Every file of every selection describes its variables: thousands of calls, few descriptions.
@lru_cache(maxsize=1024)
def _one_line(description: str, release: str, namespace: str) -> str:
    text = " ".join(description.split())
    return text.replace("{release}", release).replace("{namespace}", namespace)


def fill(text: str, inv: Inventory, given: Mapping[str, str]) -> str:
    """What the page does to a marked text (tests use it to compare): each mark becomes the given
    value, or the inventory's release and namespace, or an empty setting."""
    text = text.replace(RELEASE_MARK, given.get(RELEASE) or inv.rasa.helm.release)
    text = text.replace(NAMESPACE_MARK, given.get(NAMESPACE) or inv.rasa.namespace)
    return re.sub(r"@([A-Z][A-Z0-9_]*)@", lambda m: given.get(m.group(1), ""), text)
