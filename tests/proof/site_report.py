"""Run the chart checks over the site's generated values.yml / endpoints.yml and print what they find.

Not a test (nothing here is collected by pytest). Usage:

    .venv/bin/python -m generator build --out /work/scratch/chart/generated
    .venv/bin/python -m tests.proof.site_report /work/scratch/chart/generated [--version 3.21.0] [--all-combinations]

For each cloud it renders `files/<cloud>/values.yml` through the vendored chart as the page says to
install it (release from the `helm install <release>` line, namespace `default`), takes the Secret keys
from the page's `kubectl create secret` command, resolves the action endpoint URL from the container's
env, and runs every check. `--all-combinations` does the same for every file pair in
`configurator/<cloud>.json` (each selection of optional components and variants).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

from tests.proof.chart import (
    ChartRenderError,
    check_action_endpoint,
    check_action_server_probes,
    check_endpoints_env,
    check_endpoints_file,
    check_image_tag,
    check_references,
    created_by_commands,
    env_value,
    render_chart,
    validate_manifests,
)

NAMESPACE = "default"
_VAR = re.compile(r"\$\{([^}{]+)\}")


def release_of(values_text: str) -> str:
    match = re.search(r"helm\s+(?:upgrade\s+--install|install)\s+([a-z0-9][-a-z0-9]*)\s", values_text)
    return match.group(1) if match else "rasa"


def check_pair(values_text: str, endpoints_text: str, version: str) -> dict[str, list[str]]:
    """Check name -> problems for one values.yml / endpoints.yml pair."""
    release = release_of(values_text)
    created = created_by_commands(values_text)
    try:
        manifests = render_chart(values_text, release, NAMESPACE)
    except ChartRenderError as exc:
        return {"render": [str(exc)]}
    results = {
        "kubernetes-validate --strict": validate_manifests(manifests),
        "(a) endpoints.yml mounted": check_endpoints_file(manifests, endpoints_text),
        "(b) ${VAR} reach the env": check_endpoints_env(manifests, endpoints_text, created),
        "(c) Secrets and keys": check_references(manifests, created),
        "(d) rasa image tag": check_image_tag(manifests, version),
        "(e) action server probes": check_action_server_probes(manifests),
    }
    url = ((yaml.safe_load(endpoints_text) or {}).get("action_endpoint") or {}).get("url")
    problems: list[str] = []
    if url:
        unresolved = [name for name in _VAR.findall(url) if env_value(manifests, name) is None]
        if unresolved:
            problems.append(f"action endpoint {url!r}: {', '.join(unresolved)} has no literal value in the rasa container env")
        else:
            resolved = _VAR.sub(lambda m: env_value(manifests, m.group(1)) or "", url)
            problems.extend(check_action_endpoint(manifests, resolved, NAMESPACE))
    results["(f) action endpoint URL"] = problems
    return results


def pairs(generated: Path, all_combinations: bool) -> Iterator[tuple[str, str, str]]:
    for cloud_dir in sorted(p for p in (generated / "files").iterdir() if p.is_dir()):
        yield cloud_dir.name, (cloud_dir / "values.yml").read_text(), (cloud_dir / "endpoints.yml").read_text()
    if all_combinations:
        for path in sorted((generated / "configurator").glob("*.json")):
            data = json.loads(path.read_text())
            for key, files in sorted(data.get("files", {}).items()):
                yield f"{path.stem} [{key}]", files["values"], files["endpoints"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("generated", type=Path, help="the --out folder of `python -m generator build`")
    parser.add_argument("--version", default="3.21.0", help="Rasa Pro version the rasa image must run")
    parser.add_argument("--all-combinations", action="store_true", help="also check every configurator selection")
    args = parser.parse_args(argv)

    failing = 0
    seen: dict[str, list[str]] = {}
    for label, values_text, endpoints_text in pairs(args.generated, args.all_combinations):
        results = check_pair(values_text, endpoints_text, args.version)
        bad = {name: problems for name, problems in results.items() if problems}
        failing += bool(bad)
        print(f"== {label}: {'FAIL' if bad else 'ok'}")
        for name, problems in results.items():
            print(f"   {name}: {'ok' if not problems else ''}")
            for problem in problems:
                print(f"      - {problem}")
                seen.setdefault(f"{name}: {problem}", []).append(label)
    print(f"\n{failing} failing file pair(s); {len(seen)} distinct problem(s).")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
