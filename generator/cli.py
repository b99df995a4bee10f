"""`python -m generator check|build|schema`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import BuildError, InventoryError
from .paths import DEFAULT_INVENTORY, DEFAULT_OUT, SCHEMA_PATH
from .paths import display as _display


def schema_text() -> str:
    from .model import Inventory

    schema = Inventory.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$comment"] = "Generated from generator/model.py by `python -m generator schema`. Do not edit."
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate the inventory and exit non-zero on any problem")
    check.add_argument("--inventory", type=Path, default=DEFAULT_INVENTORY)
    make = sub.add_parser("build", help="generate diagrams, tables, snippets and blocks")
    make.add_argument("--inventory", type=Path, default=DEFAULT_INVENTORY)
    make.add_argument("--out", type=Path, default=DEFAULT_OUT)
    make.add_argument("--force", action="store_true", help="regenerate even if nothing changed")
    schema = sub.add_parser("schema", help="write the JSON Schema exported from the models")
    schema.add_argument("--out", type=Path, default=SCHEMA_PATH)
    args = parser.parse_args(argv)

    try:
        if args.command == "check":
            from .validate import load

            inv = load(args.inventory, display_name=_display(args.inventory))
            print(f"{_display(args.inventory)}: OK ({len(inv.components)} components, {len(inv.clouds)} clouds)")
        elif args.command == "build":
            # Importing the renderers costs more than a no-op run; check first.
            from .cache import fingerprint, up_to_date

            key = fingerprint(args.inventory) if args.inventory.is_file() else None
            if key and not args.force and up_to_date(args.out, key):
                print(f"generated {_display(args.out)}: up to date")
                return 0
            from .build import build

            report = build(args.inventory, args.out, force=True, key=key)
            print(
                f"generated {_display(args.out)}: {len(report.written)} written, "
                f"{len(report.removed)} removed, {report.unchanged} unchanged; "
                f"diagrams drawn: {', '.join(report.drawn) or 'none (cached)'}"
            )
        else:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(schema_text(), encoding="utf-8")
            print(f"wrote {_display(args.out)}")
    except InventoryError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
