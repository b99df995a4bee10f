"""Run one of the site's commands through Rasa's own CLI, up to its first call of a model or of the
model storage.

Run with the rasa-pro virtualenv's Python, with exactly the environment the page lists for that
command (the test sets it):

    .venv-rasa/bin/python tests/proof/rasa_cli.py --project DIR --command "rasa train ..."

DIR holds the site's endpoints.yml, config.yml and credentials.yml; a one-flow assistant (domain and
flow) is added. `$NAME`s in the command are expanded from the environment, as the shell would.
Rasa's `main()` parses the command, checks the licence is set and reads and expands the whole
endpoints.yml; `rasa train` then validates the project and trains until it embeds the flows,
`rasa run` builds its channels and app until it loads the model from the storage. What is replaced,
each at the last moment: the licence's signature check (a real licence is the reader's; that one is
set is still Rasa's check), the embedding call (no account here) and, for `rasa run`, the check of its
Vault token (no Vault here: Rasa must have an address and a token, and goes on) and the loading of the
model (no bucket here), which record what Rasa asked for and stop it.

Prints one JSON line {"reached": what, "detail": text or null, "exit": code, "error": text}.
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


class Reached(Exception):
    """Rasa got to its first call outside this machine: everything before it worked."""


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
    import rasa.core.run
    import rasa.core.secrets_manager.vault as vault
    import rasa.shared.providers.embedding._base_litellm_embedding_client as embedding_client
    from rasa.utils import licensing

    reached: list[tuple[str, str]] = []

    def report(code: int, error: str) -> None:
        what, detail = reached[0] if reached else (None, None)
        print(json.dumps({"reached": what, "detail": detail, "exit": code, "error": error[-3000:]}), flush=True)

    def stand_in_licence(cls, text, product_area=licensing.PRODUCT_AREA):
        return licensing.License(
            jti="rpa-proof", iat=0, nbf=0, scope=product_area, email="proof@example.invalid", company="proof", exp=4102444800
        )

    def embedding(*_args, **kwargs):
        reached.append(("embedding model", str(kwargs.get("model"))))
        raise Reached(f"embedding call to {kwargs.get('model')}")

    async def load_agent_on_start(model_path, endpoints, remote_storage, *_args, **_kwargs):
        reached.append(("model storage", f"{model_path} from {getattr(remote_storage, 'value', remote_storage)}"))
        report(0, "")
        os._exit(0)  # the server would now load the model; Sanic must not go on to serve

    def vault_token_check(manager) -> None:
        # `rasa run` checks its Vault token at start-up: the first call, before the model. Rasa got
        # here with the address and a token set; the server would look the token up now.
        if not manager.token:
            raise Reached(f"Vault at {manager.host} with no token")

    licensing.License.decode = classmethod(stand_in_licence)
    vault.VaultTokenManager.start = vault_token_check
    embedding_client.embedding = embedding
    embedding_client.aembedding = embedding
    rasa.core.run.load_agent_on_start = load_agent_on_start

    words = [os.path.expandvars(word) for word in shlex.split(args.command)]
    code, error = 0, ""
    try:
        rasa.__main__.main(words[1:])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
        error = "" if stop.code in (0, None) else str(stop.code)
    except BaseException as failure:  # reported, not raised: the report is the output
        code, error = 1, "".join(traceback.format_exception_only(type(failure), failure)).strip()
    report(code, error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
