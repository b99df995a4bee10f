"""The one "generated, do not edit" notice, in each syntax a generated file can carry."""

from __future__ import annotations

NOTICE = "Generated from inventory.yml by `python -m generator build`. Do not edit; edit inventory.yml."
SCHEMA_NOTICE = "Generated from generator/model.py by `python -m generator schema`. Do not edit."


def markdown() -> str:
    return f"<!-- {NOTICE} -->\n"


def xml_comment() -> str:
    # "--" may not appear inside an XML comment.
    return f"<!-- {NOTICE.replace('--', '- -')} -->"


def png_text() -> bytes:
    """Body of a PNG tEXt chunk (Latin-1 by the PNG spec; the notice is ASCII)."""
    return b"Comment\x00" + NOTICE.encode("ascii")


def folder_marker() -> bytes:
    return f"Everything in this folder is generated. {NOTICE}\n".encode()
