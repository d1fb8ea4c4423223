{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/reporting/plotting.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Figures a README can show: 150 dpi or more, at least 900 px wide, no text under 10 px."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..core.stage import atomic_path

DPI = 150
MIN_WIDTH_PX = 900
SHOWN_WIDTH_PX = 600  # the narrowest a page shows a figure: text is sized for this width
MIN_TEXT_PX = 10


def min_font_points(width_inches: float) -> float:
    """The smallest font size still MIN_TEXT_PX tall in a figure shown SHOWN_WIDTH_PX wide."""
    return MIN_TEXT_PX * 72 * width_inches / SHOWN_WIDTH_PX


def save_figure(figure: Any, path: str | Path) -> Path:
    """Save a Matplotlib figure as a readable PNG: small text raised to the minimum, laid out."""
    from matplotlib.text import Text

    path = Path(path)
    width = figure.get_figwidth()
    smallest = min_font_points(width)
    for axes in figure.axes:  # tick labels are made afresh at drawing time: size them on the axis
        for axis, labels in (("x", axes.get_xticklabels()), ("y", axes.get_yticklabels())):
            if labels and labels[0].get_fontsize() < smallest:
                axes.tick_params(axis=axis, which="both", labelsize=smallest)
    for text in figure.findobj(Text):
        if text.get_text() and text.get_fontsize() < smallest:
            text.set_fontsize(smallest)
    figure.tight_layout()
    with atomic_path(path) as scratch:  # a failed save keeps the previous figure whole
        dpi = max(DPI, math.ceil(MIN_WIDTH_PX / width))
        figure.savefig(scratch, dpi=dpi, format=path.suffix.lstrip(".") or "png")
    return path
