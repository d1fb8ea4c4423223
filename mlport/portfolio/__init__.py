"""`mlport portfolio`: every project's published result on one page (profile README, Pages site)."""

from __future__ import annotations

from mlport.portfolio.build import Built, build_portfolio, rows
from mlport.portfolio.publishing import PortfolioPublished, publish_portfolio

__all__ = ["Built", "PortfolioPublished", "build_portfolio", "publish_portfolio", "rows"]
