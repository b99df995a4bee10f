"""Look models up in the model map of the LiteLLM release inside the pinned rasa-pro.

Run with the rasa-pro virtualenv's Python; reads JSON [{"provider", "model"}, ...] on stdin and
prints, for each, the map's entry: {"key", "litellm_provider", "mode", "deprecation_date"} or null.

The map is the one LiteLLM ships in its wheel (LITELLM_LOCAL_MODEL_COST_MAP=True: no download),
so the answer is that release's, the same on every machine.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

# Rasa's provider names, and the map's keys and litellm_provider values for them.
PREFIXES = {"bedrock": "bedrock/", "vertex_ai": "vertex_ai/", "azure": "azure/", "openai": ""}


def entry(cost_map: dict[str, Any], provider: str, model: str) -> dict[str, Any] | None:
    prefix = PREFIXES[provider]
    for key in (model, prefix + model):
        found = cost_map.get(key)
        if found and str(found.get("litellm_provider", "")).startswith(provider):
            return {
                "key": key,
                "litellm_provider": found.get("litellm_provider"),
                "mode": found.get("mode"),
                "deprecation_date": found.get("deprecation_date"),
            }
    return None


def main() -> int:
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    import litellm

    asked = json.load(sys.stdin)
    print(json.dumps([entry(litellm.model_cost, a["provider"], a["model"]) for a in asked]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
