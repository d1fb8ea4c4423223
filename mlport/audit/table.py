"""The audit as a table for people: one row per check, its verdict, what it found, the fix."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from mlport.audit.checks import Row
from mlport.redact import redact

STYLES = {"pass": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}


def rows_table(rows: list[Row], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("check", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("found", overflow="fold")
    table.add_column("fix", overflow="fold")
    for row in rows:
        style = STYLES.get(row.status, "")
        found, fix = Text(redact(row.found)), Text(redact(row.fix))
        table.add_row(row.check, f"[{style}]{row.status}[/]", found, fix)
    return table
