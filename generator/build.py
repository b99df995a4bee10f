"""`python -m generator build`: check, render everything in memory, and only then write.

This module stays light: a run with nothing changed returns after reading a
fingerprint, without importing the validator, the renderers or the drawing library.
"""

from __future__ import annotations

from pathlib import Path

from .cache import fingerprint, up_to_date
from .paths import DEFAULT_INVENTORY, DEFAULT_OUT, display
from .writer import WriteReport


def build(inventory: Path = DEFAULT_INVENTORY, out_dir: Path = DEFAULT_OUT, force: bool = False) -> WriteReport:
    """Regenerate `out_dir` from `inventory`. A failure writes nothing.

    Raises InventoryError (the inventory is wrong) or BuildError (the machine is).
    """
    key = fingerprint(inventory) if inventory.is_file() else ""
    if key and not force and up_to_date(out_dir, key):
        return WriteReport(skipped=True)
    # In order of need, so that each slow step starts as soon as it can: the icons' head start
    # (another process, started first and sent the icon files once the file is parsed), then
    # the inventory's checks, then Graphviz (more processes, started once the child has the
    # icons' copies they draw), and the text renderers, imported and run meanwhile.
    from .prefetch import Prefetch, icon_files, start

    prefetch = start() if key else Prefetch(None)
    try:
        from .source import read_source

        src = read_source(inventory, display(inventory))
        prefetch.send(icon_files(src.data))
        from .validate import check

        inv = check(src)
        from .pictures import Drawing

        with Drawing(inv, prefetch) as drawing:
            from .render import render

            rendered = render(inv, drawing)
    finally:
        prefetch.close()
    from .writer import write_tree

    report = write_tree(out_dir, rendered.files, key)
    report.drawn = list(rendered.drawn)
    return report
