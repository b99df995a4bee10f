"""Every model the files name exists in the pinned release's model map, as what it is used for, and
is not past its retirement date on the day the test runs.

Models you serve yourself (providers `self-hosted`, `hosted_vllm`) have no retirement date in a
provider's catalogue; every model of a provider's catalogue (Bedrock, Vertex AI, Azure OpenAI,
OpenAI) is checked.
"""

from __future__ import annotations

import datetime
import json
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.validate import load

from ..conftest import INVENTORY
from .model_map import PREFIXES
from .rasa_run import rasa_python
from .site_cases import cases

pytestmark = pytest.mark.proof

REAL = load(INVENTORY)
# What config.yml asks of a model group, by the key that names it.
USE = {"llm": "chat", "embeddings": "embedding"}


def _uses(config: object, found: dict[str, str] | None = None) -> dict[str, str]:
    """{model group id: chat or embedding}, from every `{llm|embeddings: {model_group: id}}` in config.yml."""
    found = {} if found is None else found
    if isinstance(config, dict):
        for key, value in config.items():
            if key in USE and isinstance(value, dict) and "model_group" in value:
                found[value["model_group"]] = USE[key]
            _uses(value, found)
    elif isinstance(config, list):
        for item in config:
            _uses(item, found)
    return found


def named_models(inv) -> dict[tuple[str, str, str], set[str]]:
    """{(provider, model, chat|embedding): {cloud, ...}} for every model of every file the site offers."""
    out: dict[tuple[str, str, str], set[str]] = {}
    for case in cases(inv):
        uses = _uses(yaml.safe_load(case.files.get("config.yml", "")) or {})
        for group in (yaml.safe_load(case.files["endpoints.yml"]) or {}).get("model_groups", []):
            for model in group["models"]:
                if model["provider"] not in PREFIXES:
                    continue
                # `model_id` (Bedrock) is what is sent; `model` is what Rasa picks its prompt by.
                for name in {model["model"], model.get("model_id", model["model"])}:
                    out.setdefault((model["provider"], name, uses[group["id"]]), set()).add(case.cloud)
    return out


def lookup(asked: list[tuple[str, str]]) -> list[dict | None]:
    proc = subprocess.run(
        [rasa_python(), str(Path(__file__).with_name("model_map.py"))],
        input=json.dumps([{"provider": p, "model": m} for p, m in asked]),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def problems(named: dict[tuple[str, str, str], set[str]], today: datetime.date) -> list[str]:
    keys = sorted(named)
    found = lookup([(p, m) for p, m, _ in keys])
    out = []
    for (provider, model, use), entry in zip(keys, found, strict=True):
        where = f"{provider} model {model!r} ({use}; {', '.join(sorted(named[(provider, model, use)]))})"
        if entry is None:
            out.append(f"{where}: not in the pinned LiteLLM's model map")
        elif entry["mode"] != use:
            out.append(f"{where}: the map lists it as {entry['mode']}, not {use} ({entry['key']})")
        elif entry["deprecation_date"] and datetime.date.fromisoformat(entry["deprecation_date"]) <= today:
            out.append(f"{where}: retired on {entry['deprecation_date']} ({entry['key']}), before {today}")
    return out


def test_every_model_the_files_name_exists_for_its_use_and_is_not_retired():
    named = named_models(REAL)
    assert {use for _, _, use in named} == {"chat", "embedding"}, named
    assert problems(named, datetime.date.today()) == []


def test_the_check_names_a_retired_a_missing_and_a_misused_model():
    named = {
        ("vertex_ai", "gemini-2.5-flash", "chat"): {"gcp"},  # retired 2026-10-20 in the map
        ("bedrock", "anthropic.claude-sonnet-9", "chat"): {"aws"},
        ("azure", "text-embedding-3-large", "chat"): {"azure"},
    }
    found = problems(named, datetime.date(2026, 12, 8))
    assert any("gemini-2.5-flash" in p and "retired on 2026-10-20" in p and "gcp" in p for p in found), found
    assert any("claude-sonnet-9" in p and "not in the pinned" in p for p in found), found
    assert any("text-embedding-3-large" in p and "as embedding, not chat" in p for p in found), found
