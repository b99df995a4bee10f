"""Print the Graphviz source of one diagram, drawn with the `diagrams` library.

    python diagrams/draw.py [overview|<cloud id>] [--inventory PATH]

This folder is a plain script folder on purpose: it has no __init__.py, so it
can never shadow the `diagrams` library. The drawing logic lives in
`generator/drawing.py`, where the generator, the validator and the tests share it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(REPO))
    from generator.diagram_spec import build_spec, diagram_ids
    from generator.drawing import dot_source
    from generator.errors import InventoryError
    from generator.validate import load

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("diagram", nargs="?", default="overview")
    parser.add_argument("--inventory", type=Path, default=REPO / "inventory.yml")
    args = parser.parse_args(argv)
    try:
        inventory = load(args.inventory)
    except InventoryError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    if args.diagram not in diagram_ids(inventory):
        print(f"expected one of {', '.join(diagram_ids(inventory))}, got {args.diagram!r}", file=sys.stderr)
        return 2
    print(dot_source(build_spec(inventory, args.diagram)), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
