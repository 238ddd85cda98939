"""Small query helpers shared by the reader tests."""

from __future__ import annotations

from typing import Any


def one(s: Any, sql: str, *params: object) -> dict:
    """The single row a query returns, as a dict (fails when it returns 0 or several rows)."""
    cur = s.con.execute(sql, list(params))
    cols = [c[0] for c in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1, rows
    return dict(zip(cols, rows[0], strict=True))
