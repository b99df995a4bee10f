"""Small helpers for writing safe Markdown."""

from __future__ import annotations

import html
import re

CODE_SPAN = re.compile(r"(`[^`\n]+`)")
SPECIAL = re.compile(r"([\\*_\[\]{}#|!])")
# Code that names a variable or a key, such as KAFKA_BOOTSTRAP_SERVERS or ${DB_HOST}: the
# stylesheet keeps code of this class on one line, so a name is never split mid-word.
NAME_CLASS = "rpa-name"
NAME = re.compile(r"\$?\{?[A-Za-z_][A-Za-z0-9_]*\}?")


def is_name(code: str) -> bool:
    return NAME.fullmatch(code) is not None


def name_code(text: str) -> str:
    """A variable or key name as inline Markdown code that never wraps."""
    return f"`{text}`{{: .{NAME_CLASS} }}"


# A variable name written in prose (SQL_TRACKER_STORE_SSL_MODE): shown as a name, so it never wraps.
BARE_NAME = re.compile(r"(?<![\w$\{])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w}])")


def inline(text: str) -> str:
    """Text safe for a Markdown paragraph or table cell; `code spans` and bare variable names are code."""
    out = []
    for piece in CODE_SPAN.split(" ".join(text.split())):
        if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
            out.append(name_code(piece[1:-1]) if is_name(piece[1:-1]) else piece.replace("|", "\\|"))
            continue
        for index, part in enumerate(BARE_NAME.split(piece)):
            out.append(name_code(part) if index % 2 else SPECIAL.sub(r"\\\1", html.escape(part, quote=False)))
    return "".join(out)


def attr(text: str) -> str:
    """Text safe inside a double-quoted HTML or attr_list attribute."""
    return html.escape(" ".join(text.split()), quote=True)


def link(text: str, url: str) -> str:
    return f"[{inline(text)}](<{url}>)"


def indent(text: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def code_block(text: str, lang: str = "yaml", title: str | None = None, searchable: bool = True) -> str:
    """A fenced block. A file's body is not `searchable`: both builders leave it out of the search
    index (data-search-exclude), so a search lands on the prose about a part, not on a YAML dump."""
    fence = "```"
    while fence in text:
        fence += "`"
    attrs = [f".{lang}", *([] if searchable else ["data-search-exclude"]), *([f'title="{attr(title)}"'] if title else [])]
    return f"{fence}{{{' '.join(attrs)}}}\n{text.rstrip()}\n{fence}\n"


def tabs(items: list[tuple[str, str]]) -> str:
    """Material content tabs; equal labels are linked across the site."""
    out = []
    for label, body in items:
        out.append(f'=== "{attr(label)}"\n\n{indent(body)}\n')
    return "\n".join(out)


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
