"""How Mermaid diagrams look: node shapes per kind, the classes that colour them (with explicit
text colours, for GitHub's light and dark themes), the run overlay's status classes, and edge
styles (``mermaid.py`` writes them)."""

from __future__ import annotations

__all__ = ["CLASS_STYLES", "DOTTED", "EDGE_STYLE", "KIND_CLASS", "SHAPES", "STATUS_CLASS"]

# Node kind → (opening, closing) of its Mermaid shape.
SHAPES: dict[str, tuple[str, str]] = {
    "start": ("([", "])"),
    "end": ("([", "])"),
    "step_do": ("[", "]"),
    "step_sleep": ("(", ")"),
    "step_sleep_until": ("(", ")"),
    "step_wait_for_event": ("{{", "}}"),
    "function_call": ("[[", "]]"),
    "function_entry": ("([", "])"),
    "function_exit": ("([", "])"),
    "decision": ("{", "}"),
    "merge": ("((", "))"),
    "fork": ("[/", "\\]"),
    "join": ("[\\", "/]"),
    "loop_entry": ("(", ")"),
    "try": ("[/", "/]"),
    "break": (">", "]"),
    "raise": ("[\\", "\\]"),
    "summary": ("[", "]"),
}

KIND_CLASS = {
    "start": "trm",
    "end": "trm",
    "function_entry": "trm",
    "function_exit": "trm",
    "step_do": "stp",
    "step_sleep": "stp",
    "step_sleep_until": "stp",
    "step_wait_for_event": "stp",
    "function_call": "stp",
    "decision": "dec",
    "fork": "par",
    "join": "par",
    "merge": "mrg",
    "loop_entry": "lop",
    "try": "tri",
    "break": "brk",
    "raise": "rse",
    "summary": "sum",
}

# Every class sets its fill, stroke and text colour: GitHub renders Mermaid with its light or its
# dark theme, and a light fill with the dark theme's light text cannot be read (SEMANTICS §9).
CLASS_STYLES = {
    "trm": "fill:#e8e8e8,stroke:#777777,color:#1a1a1a",
    "stp": "fill:#ffffff,stroke:#555555,color:#1a1a1a",
    "dec": "fill:#fff4cc,stroke:#b8a04a,color:#1a1a1a",
    "par": "fill:#4a4a4a,stroke:#4a4a4a,color:#ffffff",
    "mrg": "fill:#888888,stroke:#888888,color:#888888",
    "lop": "fill:#dbe7ff,stroke:#5b7fc7,color:#1a1a1a",
    "tri": "fill:#fff0d9,stroke:#d6a14a,color:#1a1a1a",
    "brk": "fill:#f4f4f4,stroke:#888888,color:#333333,stroke-dasharray:3 3",
    "rse": "fill:#fde2e0,stroke:#c0392b,color:#8e1f14",
    "sum": "fill:#eeeeee,stroke:#777777,color:#1a1a1a,stroke-dasharray:5 3",
}

STATUS_CLASS = {
    "complete": "fill:#d8f0d8,stroke:#2e7d32,color:#1a1a1a",
    "errored": "fill:#f8d4d2,stroke:#c62828,color:#1a1a1a,stroke-width:2px",
    "running": "fill:#d5e8fb,stroke:#1565c0,color:#1a1a1a,stroke-width:2px",
    "waiting": "fill:#fff1c4,stroke:#b58900,color:#1a1a1a",
    "not_reached": "fill:#f3f3f3,stroke:#aaaaaa,color:#666666,stroke-dasharray:4 3",
}

# wfgraph diff's marks: light fills with dark text, readable in GitHub's light and dark themes.
MARK_CLASS = {
    "diff_added": "fill:#dcfce7,stroke:#15803d,color:#14532d,stroke-width:2px",
    "diff_renamed": "fill:#dbeafe,stroke:#1d4ed8,color:#1e3a8a,stroke-width:2px",
    "diff_changed": "fill:#fef3c7,stroke:#b45309,color:#78350f,stroke-width:2px",
    "diff_moved": "fill:#ede9fe,stroke:#6d28d9,color:#4c1d95",
    "diff_removed": "fill:#f3f4f6,stroke:#b91c1c,color:#6b7280,stroke-dasharray:5 3",
}

EDGE_STYLE = {
    "back": "stroke:#5b7fc7",
    "continue": "stroke:#5b7fc7",
    "call": "stroke:#4f8a4f",
    "except": "stroke:#c0392b",
    "raise": "stroke:#c0392b",
    "return": "stroke:#888888",
    "break": "stroke:#888888",
}

DOTTED = ("back", "continue", "call", "except", "return", "break")
