"""DOT text → SVG / PNG / PDF through Graphviz's ``dot`` program (via the ``graphviz`` package).

Producing DOT never needs the program; rendering an image does, and :class:`GraphvizNotFound`
says how to install it. SVG and PNG record the DOT they were drawn from (``recorded.py``), so
that ``wfgraph dot --check`` can tell a stale image from a fresh one.
"""

from __future__ import annotations

from pathlib import Path

from .recorded import embed_source

__all__ = [
    "BITMAP_FORMATS",
    "GraphvizNotFound",
    "IMAGE_FORMATS",
    "TEXT_FORMATS",
    "render_bytes",
    "render_image",
    "rendered_dot",
]

TEXT_FORMATS = ("dot", "gv")
IMAGE_FORMATS = ("svg", "png", "pdf", "jpg", "jpeg", "gif")
BITMAP_FORMATS = ("png", "jpg", "jpeg", "gif")
BASE_DPI = 96
"""Graphviz's default resolution for bitmaps (soft on HiDPI screens: ``scale`` 2 doubles it)."""


class GraphvizNotFound(RuntimeError):
    """The Graphviz ``dot`` program is not installed (or not on PATH)."""


INSTALL_HINT = (
    "rendering SVG/PNG needs the Graphviz 'dot' program, which was not found on PATH; "
    "install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
    "Windows: winget install graphviz), or write DOT text instead (-o diagram.dot)"
)


def image_format(path: str | Path) -> str:
    """``"svg"`` for ``x.svg``: the format a file name asks for (not checked)."""
    return Path(path).suffix.lower().lstrip(".")


def rendered_dot(dot_text: str, fmt: str, scale: float = 1.0) -> str:
    """The DOT text as drawn for ``fmt``: bitmaps at ``scale`` times Graphviz's 96 dpi."""
    if fmt in BITMAP_FORMATS and scale != 1:
        dpi = f"{BASE_DPI * scale:g}"
        return dot_text.replace("digraph wfgraph {\n", f'digraph wfgraph {{\n  dpi="{dpi}";\n', 1)
    return dot_text


def render_bytes(dot_text: str, fmt: str, scale: float = 1.0, where: str | Path = "") -> bytes:
    """The image of ``dot_text`` in ``fmt`` (the DOT recorded in SVG and PNG). ``where`` names
    the output in error messages."""
    import graphviz

    if fmt in TEXT_FORMATS:
        return dot_text.encode("utf-8")
    if fmt not in IMAGE_FORMATS:
        raise ValueError(
            f"{where}: unknown diagram format {('.' + fmt) if fmt else '(none)'!r}; "
            "use .dot, .svg or .png"
        )
    drawn = rendered_dot(dot_text, fmt, scale)
    try:
        data = graphviz.Source(drawn).pipe(format=fmt, engine="dot")
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFound(INSTALL_HINT) from None
    except graphviz.CalledProcessError as exc:
        detail = (
            exc.stderr.decode("utf-8", "replace").strip()
            if isinstance(exc.stderr, bytes)
            else str(exc.stderr or "")
        )
        raise RuntimeError(f"{where}: Graphviz failed: {detail or exc}") from None
    return embed_source(data, fmt, drawn)


def render_image(dot_text: str, out_path: str | Path, scale: float = 1.0) -> Path:
    """Write ``dot_text`` to ``out_path``, rendered by the format its suffix names.

    ``.dot`` / ``.gv`` is written as is (nothing needed); ``.svg``, ``.png``, ``.pdf``, … go
    through the ``dot`` program, and :class:`GraphvizNotFound` says how to install it.
    """
    path = Path(out_path)
    data = render_bytes(dot_text, image_format(path), scale, path)
    path.write_bytes(data)
    return path
