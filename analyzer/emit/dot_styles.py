"""How DOT diagrams look: node shapes and colours per kind, clusters per region kind, and the
run overlay's status colours (``dot.py`` writes them)."""

from __future__ import annotations

__all__ = ["CLUSTERS", "FONT", "SHAPES", "STATUS_STYLE"]

FONT = "Helvetica,Arial,sans-serif"

# Node kind → DOT attributes (before overlay colours).
_BAR = {"shape": "box", "style": "filled", "fillcolor": "#4a4a4a", "fontcolor": "white",
        "fontsize": "9", "height": "0.22", "margin": "0.08,0.02"}
"""The dark bar where parallel work forks and joins."""

SHAPES: dict[str, dict[str, str]] = {
    "start": {"shape": "oval", "style": "filled", "fillcolor": "#e8e8e8"},
    "end": {"shape": "oval", "style": "filled", "fillcolor": "#e8e8e8"},
    "step_do": {"shape": "box", "style": "filled", "fillcolor": "white"},
    "step_sleep": {"shape": "box", "style": "rounded,filled", "fillcolor": "white"},
    "step_sleep_until": {"shape": "box", "style": "rounded,filled", "fillcolor": "white"},
    "step_wait_for_event": {"shape": "hexagon", "style": "filled", "fillcolor": "white"},
    "function_call": {"shape": "box", "style": "filled", "fillcolor": "white", "peripheries": "2"},
    "function_entry": {
        "shape": "oval",
        "style": "filled",
        "fillcolor": "#eef6ee",
        "fontsize": "10",
    },
    "function_exit": {"shape": "oval", "style": "filled", "fillcolor": "#eef6ee", "fontsize": "10"},
    "decision": {
        "shape": "diamond",
        "style": "filled",
        "fillcolor": "#fffbe6",
        "fontsize": "10",
        "ordering": "out",
    },
    "merge": {"shape": "point", "width": "0.08", "color": "#555555"},
    "fork": {**_BAR, "ordering": "out"},  # branches leave in source order
    "join": _BAR,
    "loop_entry": {
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": "#e6efff",
        "color": "#5b7fc7",
        "fontsize": "10",
        "margin": "0.1,0.03",
    },
    "try": {
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": "#fff4e0",
        "fontsize": "9",
        "height": "0.22",
        "margin": "0.08,0.02",
    },
    "break": {
        "shape": "box",
        "style": "rounded,dashed",
        "fontsize": "9",
        "height": "0.22",
        "margin": "0.08,0.02",
    },
    "summary": {"shape": "box3d", "style": "filled", "fillcolor": "#f4f4f4"},
    "raise": {
        "shape": "octagon",
        "style": "filled",
        "fillcolor": "#fde2e0",
        "color": "#c0392b",
        "fontcolor": "#8e1f14",
        "fontsize": "10",
        "margin": "0.08,0.02",
    },
}

# Region kind → cluster attributes.
CLUSTERS: dict[str, dict[str, str]] = {
    "function": {"style": "rounded,filled", "fillcolor": "#f7fbf7", "color": "#7fae7f"},
    "loop": {"style": "rounded,dashed", "color": "#5b7fc7"},
    "parallel": {"style": "rounded", "color": "#8a8a8a"},
    "try": {"style": "rounded", "color": "#d6a14a"},
    "except": {"style": "rounded,filled", "fillcolor": "#fdf3f2", "color": "#c9685f"},
    "finally": {"style": "rounded", "color": "#999999"},
    "step": {"style": "rounded,dotted", "color": "#777777"},
}

STATUS_STYLE: dict[str, dict[str, str]] = {
    "complete": {"fillcolor": "#d8f0d8", "color": "#2e7d32"},
    "errored": {"fillcolor": "#f8d4d2", "color": "#c62828", "penwidth": "2"},
    "running": {"fillcolor": "#d5e8fb", "color": "#1565c0", "penwidth": "2"},
    "waiting": {"fillcolor": "#fff1c4", "color": "#b58900"},
    "not_reached": {"fillcolor": "#f3f3f3", "color": "#aaaaaa", "fontcolor": "#888888"},
}

# wfgraph diff's marks (the same colours as the Mermaid renderer's).
MARK_STYLE: dict[str, dict[str, str]] = {
    "added": {"fillcolor": "#dcfce7", "color": "#15803d", "fontcolor": "#14532d", "penwidth": "2"},
    "renamed": {"fillcolor": "#dbeafe", "color": "#1d4ed8", "fontcolor": "#1e3a8a", "penwidth": "2"},
    "changed": {"fillcolor": "#fef3c7", "color": "#b45309", "fontcolor": "#78350f", "penwidth": "2"},
    "moved": {"fillcolor": "#ede9fe", "color": "#6d28d9", "fontcolor": "#4c1d95"},
    "removed": {"fillcolor": "#f3f4f6", "color": "#b91c1c", "fontcolor": "#6b7280"},
}
