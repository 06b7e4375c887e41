"""``wfgraph diff --format mermaid`` of a rename drawn by the real Mermaid (npm ``mermaid``) in
headless Chromium, in GitHub's light and dark themes: it must render, with the marks' classes on
the renamed node and its "was:" note, and the legend.

Skipped where the browser or the library is missing; ``.ci/run`` of the diagrams work installs
both (``tests/.mermaid``, or ``WFGRAPH_MERMAID_JS`` pointing at a ``mermaid.min.js``)."""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from test_diff_cli import BASE, RENAMED, cli, write

ROOT = Path(__file__).resolve().parent.parent
MERMAID_JS = Path(os.environ.get("WFGRAPH_MERMAID_JS")
                  or ROOT / "tests" / ".mermaid" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js")
BROWSER = next((b for n in ("chromium", "chromium-browser", "google-chrome") if (b := shutil.which(n))), None)

PAGE = """<!doctype html><html><head><meta charset="utf-8"><script src="{script}"></script></head>
<body><pre id="out">pending</pre><script>
mermaid.initialize({{startOnLoad: false, theme: "{theme}"}});
mermaid.render("d", {source}).then(
  r => {{ document.getElementById("out").textContent = JSON.stringify({{ok: true, svg: r.svg}}); }},
  e => {{ document.getElementById("out").textContent = JSON.stringify({{ok: false, error: String(e)}}); }});
</script></body></html>"""


@pytest.mark.skipif(BROWSER is None or not MERMAID_JS.is_file(),
                    reason="headless Chromium and the npm mermaid package are needed")
@pytest.mark.parametrize("theme", ["default", "dark"])
def test_a_rename_renders_in_real_mermaid(tmp_path: Path, theme: str) -> None:
    base, head = write(tmp_path / "a" / "entry.py", BASE), write(tmp_path / "b" / "entry.py", RENAMED)
    code, diagram, _ = cli("diff", str(base), str(head), "--format", "mermaid")
    assert code == 1  # the rename is an error finding; the diagram is written all the same
    page = tmp_path / "page.html"
    page.write_text(PAGE.format(script=MERMAID_JS.as_uri(), theme=theme, source=json.dumps(diagram)))
    proc = subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu",
                           "--allow-file-access-from-files", "--virtual-time-budget=15000",
                           "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    out = proc.stdout.split('<pre id="out">', 1)[1].split("</pre>", 1)[0]


    result = json.loads(html.unescape(out))
    assert result["ok"], result.get("error")
    svg = result["svg"]
    assert "charge card" in svg and "was: charge" in svg
    assert "diff_renamed" in svg and "renamed" in svg  # the class on the node, the legend entry
