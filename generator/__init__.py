"""Generate diagrams, tables and configuration snippets from inventory.yml."""
