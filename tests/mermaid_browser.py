"""The real Mermaid library (npm ``mermaid``) in headless Chromium (Debian ``chromium``): what
GitHub will draw from our ``.mmd`` output (SEMANTICS §9).

One browser session renders a whole batch: a local page loads ``mermaid.min.js``, renders each
diagram, measures it, reads the colours of every node's shape and text, and writes the results
into the page, which Chromium's ``--dump-dom`` prints. Nothing touches the network.

``.ci/run`` installs both (``apt-get install chromium``; ``npm install --prefix tests/.mermaid
mermaid@11``). ``WFGRAPH_MERMAID_JS`` may point at another ``mermaid.min.js``.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MERMAID_JS = ROOT / "tests" / ".mermaid" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--allow-file-access-from-files",
)
DARK_PAGE = "#0d1117"
"""GitHub's dark page background."""


def mermaid_js() -> Path | None:
    path = Path(os.environ.get("WFGRAPH_MERMAID_JS") or MERMAID_JS)
    return path if path.is_file() else None


def browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if browser() is None:
        return "headless Chromium is not installed (apt-get install chromium; .ci/run does it)"
    if mermaid_js() is None:
        return (f"the npm package mermaid is not installed at {MERMAID_JS.relative_to(ROOT)} "
                "(npm install --prefix tests/.mermaid mermaid@11; .ci/run does it)")
    return None


_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>wfgraph mermaid</title>
<script src="{script}"></script>
<style>body {{ margin: 16px; background: {background}; }} #out {{ display: none; }}</style>
</head><body><div id="host"></div><pre id="out"></pre>
<script>
const diagrams = {diagrams};
function rgb(text) {{
  const m = (text || "").match(/rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?/);
  if (!m || (m[4] !== undefined && Number(m[4]) === 0)) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}}
function luminance(c) {{
  const [r, g, b] = c.map(v => {{ v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }});
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}}
function contrast(a, b) {{
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}}
function nodeContrasts(svg) {{
  const out = [];
  for (const node of svg.querySelectorAll("g.node")) {{
    const label = node.querySelector(".nodeLabel, span, text");
    const text = label ? label.textContent.trim() : "";
    if (!text) continue;
    const shape = node.querySelector("rect, polygon, circle, ellipse, path");
    const fill = shape && rgb(getComputedStyle(shape).fill);
    const color = rgb(getComputedStyle(label).color) || rgb(getComputedStyle(label).fill);
    if (fill && color) out.push({{id: node.id, text, ratio: contrast(fill, color)}});
  }}
  return out;
}}
(async () => {{
  mermaid.initialize({{startOnLoad: false, theme: "{theme}", securityLevel: "strict"}});
  const results = {{}};
  let i = 0;
  for (const [name, text] of Object.entries(diagrams)) {{
    try {{
      const {{svg}} = await mermaid.render("d" + (i++), text);
      const div = document.createElement("div");
      div.className = "d";
      div.innerHTML = svg;
      document.getElementById("host").appendChild(div);
      const el = div.querySelector("svg");
      const box = el.getBBox();
      results[name] = {{ok: true, width: box.width, height: box.height,
                       error: el.getAttribute("aria-roledescription") === "error" || /Syntax error in text/.test(svg),
                       nodes: nodeContrasts(el)}};
      {keep}
    }} catch (e) {{
      results[name] = {{ok: false, error: String((e && e.message) || e)}};
    }}
  }}
  document.getElementById("out").textContent = JSON.stringify(results);
}})();
</script></body></html>
"""


def _page(diagrams: dict[str, str], theme: str, background: str, keep: bool) -> str:
    data = json.dumps(diagrams).replace("</", "<\\/")
    script = (mermaid_js() or MERMAID_JS).as_uri()
    return _PAGE.format(script=script, diagrams=data, theme=theme, background=background,
                        keep="" if keep else "div.remove();")


def _run(page: str, *args: str, timeout: int = 600) -> str:
    with tempfile.TemporaryDirectory(prefix="wfgraph-chromium-") as tmp:
        path = Path(tmp) / "page.html"
        path.write_text(page, encoding="utf-8")
        proc = subprocess.run(
            [browser() or "chromium", *FLAGS, f"--user-data-dir={tmp}/profile", *args, path.as_uri()],
            capture_output=True, text=True, timeout=timeout, cwd=tmp,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc.stdout


def render(diagrams: dict[str, str], theme: str = "default") -> dict[str, dict]:
    """Each diagram rendered by Mermaid: ``ok``, ``error``, ``width`` / ``height`` of the drawing,
    and ``nodes``: each node with text and the contrast ratio of its text on its fill."""
    dom = _run(_page(diagrams, theme, "white", keep=False), "--virtual-time-budget=600000",
               "--dump-dom")
    found = re.search(r'<pre id="out">(.*?)</pre>', dom, re.S)
    if found is None or not found.group(1):
        raise RuntimeError("the Mermaid page produced no results")
    return json.loads(html.unescape(found.group(1)))


def screenshot(text: str, path: Path, theme: str = "default", size: tuple[int, int] = (900, 1400)) -> Path:
    """A PNG of one diagram as GitHub shows it in its light (``default``) or ``dark`` theme."""
    background = DARK_PAGE if theme == "dark" else "#ffffff"
    _run(_page({"diagram": text}, theme, background, keep=True), "--virtual-time-budget=60000",
         "--hide-scrollbars", f"--window-size={size[0]},{size[1]}", f"--screenshot={path.resolve()}")
    return path
