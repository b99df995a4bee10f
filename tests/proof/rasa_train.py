"""Run the site's training command through Rasa's own CLI, up to its first call of a model.

Run with the rasa-pro virtualenv's Python, with exactly the environment the page lists for
training (the test sets it):

    .venv-rasa/bin/python tests/proof/rasa_train.py --project DIR --command "rasa train ..."

DIR holds the site's endpoints.yml and config.yml; a one-flow assistant (domain and flow) is
added. Rasa's `main()` parses the command, checks the licence is set, reads and expands the whole
endpoints.yml, validates the project and trains until it embeds the flows. Two things are
replaced, each at the last moment: the licence's signature check (a real licence is the reader's;
that one is set is still Rasa's check) and the embedding call itself (no account here), which
records that training got there and stops it.

Prints JSON {"reached_model": bool, "model": text, "exit": code, "error": text}.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import traceback
from pathlib import Path

DOMAIN = """version: "3.1"
responses:
  utter_greet:
    - text: Hello!
"""
FLOWS = """flows:
  greet:
    description: Greet the user when they say hello.
    steps:
      - action: utter_greet
"""


class ReachedModel(Exception):
    """Training asked a model for something: everything before it worked."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", required=True)
    parser.add_argument("--command", required=True)
    args = parser.parse_args(argv)
    project = Path(args.project)
    (project / "domain.yml").write_text(DOMAIN)
    (project / "data").mkdir(exist_ok=True)
    (project / "data" / "flows.yml").write_text(FLOWS)
    os.chdir(project)

    import rasa.__main__
    import rasa.shared.providers.embedding._base_litellm_embedding_client as embedding_client
    from rasa.utils import licensing

    reached: list[str] = []

    def stand_in_licence(cls, text, product_area=licensing.PRODUCT_AREA):
        return licensing.License(
            jti="rpa-proof", iat=0, nbf=0, scope=product_area, email="proof@example.invalid", company="proof", exp=4102444800
        )

    def embedding(*_args, **kwargs):
        reached.append(str(kwargs.get("model")))
        raise ReachedModel(f"embedding call to {kwargs.get('model')}")

    licensing.License.decode = classmethod(stand_in_licence)
    embedding_client.embedding = embedding
    embedding_client.aembedding = embedding

    words = shlex.split(args.command)
    code, error = 0, ""
    try:
        rasa.__main__.main(words[1:])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
        error = "" if stop.code in (0, None) else str(stop.code)
    except BaseException as failure:
        code, error = 1, "".join(traceback.format_exception_only(type(failure), failure)).strip()
    print(
        json.dumps(
            {"reached_model": bool(reached), "model": reached[0] if reached else None, "exit": code, "error": error[-3000:]}
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
