"""`mlport check`: a portfolio audit of a project, one row per check, before it goes public."""

from __future__ import annotations

from mlport.audit.checks import Row, audit, failed

__all__ = ["Row", "audit", "failed"]
