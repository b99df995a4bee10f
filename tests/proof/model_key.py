"""Upload with the site's training command and fetch with its run command, through Rasa's own code.

Run with the rasa-pro virtualenv's Python:

    .venv-rasa/bin/python tests/proof/model_key.py --train "rasa train ..." --run "rasa run ..."

Both commands are parsed by Rasa's own argument parser. A trained model is stood in for by an
archive at the path `rasa train` writes (`<--out>/<--fixed-model-name>.tar.gz`); Rasa's Persistor
then uploads it (`persist`, with `--remote-root-only` as given) to a local folder that plays the
bucket, and fetches it (`retrieve`) by the name `--model` gives, as `rasa run` does. Only the
transfer to the cloud is replaced (`_persist_tar` / `_retrieve_tar`); the key logic is Rasa's.

Prints JSON {"uploaded": key, "fetched": key, "ok": bool, "error": text}; exit 0 when the run
command finds what the training command uploaded.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--run", required=True)
    args = parser.parse_args(argv)

    from rasa.__main__ import create_argument_parser
    from rasa.core.persistor import Persistor

    rasa_cli = create_argument_parser()
    train = rasa_cli.parse_args(shlex.split(args.train)[1:])
    run = rasa_cli.parse_args(shlex.split(args.run)[1:])
    bucket = Path(tempfile.mkdtemp(prefix="rpa-bucket-"))
    uploaded: list[str] = []
    fetched: list[str] = []

    class FolderBucket(Persistor):
        def _persist_tar(self, filekey: str, tarname: str) -> None:
            uploaded.append(filekey)
            (bucket / filekey).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(tarname, bucket / filekey)

        def _retrieve_tar(self, filename: str, target_path: str | None = None) -> None:
            fetched.append(filename)
            if not (bucket / filename).is_file():
                raise FileNotFoundError(f"no object '{filename}' in the bucket (it holds: {sorted(uploaded)})")
            shutil.copy2(bucket / filename, Path(target_path or ".") / Path(filename).name)

    work = Path(tempfile.mkdtemp(prefix="rpa-project-"))
    os.chdir(work)  # `rasa train` writes relative to the project folder
    model = Path(train.out) / f"{train.fixed_model_name}.tar.gz"
    model.parent.mkdir(parents=True, exist_ok=True)
    model.write_bytes(b"a stand-in for a trained model")
    report: dict[str, object] = {"uploaded": None, "fetched": None, "ok": False, "error": None}
    try:
        if not train.remote_storage or not run.remote_storage:
            raise ValueError("both commands must name --remote-storage")
        if str(train.remote_storage) != str(run.remote_storage):
            raise ValueError(f"training uploads to {train.remote_storage}, the server reads {run.remote_storage}")
        bucket_store = FolderBucket()
        bucket_store.persist(str(model), getattr(train, "remote_root_only", False))
        target = work / "fetched"
        target.mkdir()
        bucket_store.retrieve(run.model, str(target))
        report["ok"] = True
    except Exception as error:
        report["error"] = f"{type(error).__name__}: {error}"
    report["uploaded"] = uploaded[0] if uploaded else None
    report["fetched"] = fetched[0] if fetched else None
    print(json.dumps(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
