"""`python -m generator check|build|schema`.

Exit codes: 0 success, 1 the inventory has problems, 2 the machine or the
file system stopped the build, 3 a bug in the generator (reported in one line;
set RPA_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import marks
from .errors import BuildError, InventoryError
from .paths import DEFAULT_INVENTORY, DEFAULT_OUT, SCHEMA_PATH, atomic_write, display


def schema_text() -> str:
    from .model import Inventory
    from .typed import json_schema

    schema = json_schema(Inventory)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$comment"] = marks.SCHEMA_NOTICE
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate the inventory and exit non-zero on any problem")
    check.add_argument("--inventory", type=Path, default=DEFAULT_INVENTORY)
    make = sub.add_parser("build", help="generate diagrams, tables, files and page blocks")
    make.add_argument("--inventory", type=Path, default=DEFAULT_INVENTORY)
    make.add_argument("--out", type=Path, default=DEFAULT_OUT)
    make.add_argument("--force", action="store_true", help="regenerate even if nothing changed")
    schema = sub.add_parser("schema", help="write the JSON Schema exported from the models")
    schema.add_argument("--out", type=Path, default=SCHEMA_PATH)
    return parser


def _run(args: argparse.Namespace) -> None:
    if args.command == "check":
        from .validate import load

        inv = load(args.inventory, display_name=display(args.inventory))
        print(f"{display(args.inventory)}: OK ({len(inv.components)} components, {len(inv.clouds)} clouds)")
    elif args.command == "build":
        from .build import build

        report = build(args.inventory, args.out, force=args.force)
        if report.skipped:
            print(f"generated {display(args.out)}: up to date")
        else:
            print(
                f"generated {display(args.out)}: {len(report.written)} written, "
                f"{len(report.removed)} removed, {report.unchanged} unchanged; "
                f"diagrams drawn: {', '.join(report.drawn) or 'none (cached)'}"
            )
    else:
        atomic_write(args.out, schema_text().encode("utf-8"))
        print(f"wrote {display(args.out)}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        _run(args)
    except InventoryError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f"{display(Path(exc.filename))}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        if os.environ.get("RPA_DEBUG"):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} (a bug in the generator; rerun with RPA_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 3
    return 0
