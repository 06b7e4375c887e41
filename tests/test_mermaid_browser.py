"""Every golden ``.mmd`` renders in the real Mermaid library (npm ``mermaid``) in headless
Chromium, top to bottom, with node text readable in GitHub's light and dark themes
(SEMANTICS §9). One browser session per theme renders the whole batch."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from wfgraph.analyzer.cli import main

import mermaid_browser as browser
from conftest import FIXTURES, ROOT

pytestmark = pytest.mark.skipif(browser.missing() is not None, reason=browser.missing() or "")

GOLDENS = sorted(FIXTURES.rglob("*.mmd"))
MIN_CONTRAST = 4.5
"""WCAG AA for normal text."""

LINEAR = '''from workers import WorkflowEntrypoint


class Linear(WorkflowEntrypoint):
    async def run(self, event, step):
        @step.do("fetch")
        async def fetch():
            return 1

        await fetch()
        await step.sleep("pause", "1 second")
        for name in ("a", "b", "c", "d", "e"):
            await step.sleep(f"after {name}", "1 second")
        await step.sleep("done", "1 second")
'''

LINEAR_FLAT = "\n".join(
    ["from workers import WorkflowEntrypoint", "", "", "class Flat(WorkflowEntrypoint):",
     "    async def run(self, event, step):"]
    + [f'        await step.sleep("step {i}", "1 second")' for i in range(8)]
) + "\n"


def mermaid_of(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["mermaid", *args])
    assert code == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def linear(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("linear")
    out = {}
    for name, text in (("linear", LINEAR), ("flat", LINEAR_FLAT)):
        path = tmp / f"{name}.py"
        path.write_text(text, encoding="utf-8")
        out[name] = mermaid_of(str(path))
    return out


@pytest.fixture(scope="module")
def light(linear: dict[str, str]) -> dict[str, dict]:
    diagrams = {str(p.relative_to(FIXTURES)): p.read_text(encoding="utf-8") for p in GOLDENS}
    diagrams.update(linear)
    return browser.render(diagrams, "default")


def test_every_golden_renders_without_a_mermaid_error(light: dict[str, dict]) -> None:
    assert len(GOLDENS) > 90
    failed = {name: r.get("error") for name, r in light.items() if not r["ok"] or r["error"]}
    assert not failed


def test_linear_workflows_render_top_to_bottom(light: dict[str, dict]) -> None:
    # Without `direction TB` Mermaid laid each workflow subgraph out left to right: a thin strip.
    for name in ("linear", "flat", "realistic/order_pipeline.mmd", "realistic/etl_loop.mmd"):
        assert light[name]["height"] > 1.5 * light[name]["width"], (name, light[name])


def test_node_text_is_readable_in_the_light_theme(light: dict[str, dict]) -> None:
    low = [(name, n["text"], round(n["ratio"], 2)) for name, r in light.items() if r["ok"]
           for n in r["nodes"] if n["ratio"] < MIN_CONTRAST]
    assert not low
    assert sum(len(r["nodes"]) for r in light.values()) > 800  # the check saw the nodes


def test_node_text_is_readable_in_the_dark_theme(tmp_path: Path) -> None:
    """GitHub's dark theme: a sample that holds every node class (steps, decisions, loop heads,
    try, raise, break, summaries, parallels, terminals) and every run-overlay status."""
    instance = tmp_path / "run.json"
    instance.write_text(
        (ROOT / "tests" / "data" / "diagrams" / "order_instance_errored.json").read_text())
    sample = {
        "overlay": mermaid_of(str(FIXTURES / "realistic" / "order_pipeline.py"),
                             "--instance", str(instance)),
        "summary": mermaid_of(str(FIXTURES / "realistic" / "etl_loop.py"), "--depth", "0"),
    }
    for name in ("exits/try_exits.mmd", "exits/retry_loop.mmd", "core/match_case.mmd",
                 "concurrency/blog_parallel.mmd", "labels/readable_labels.mmd"):
        sample[name] = (FIXTURES / name).read_text(encoding="utf-8")
    text = "\n".join(sample.values())
    for cls in ("trm", "stp", "dec", "par", "lop", "tri", "rse", "brk", "sum", "complete",
                "errored", "not_reached"):
        assert f"classDef {cls} " in text, cls
    dark = browser.render(sample, "dark")
    assert all(r["ok"] and not r["error"] for r in dark.values()), dark
    low = [(name, n["text"], round(n["ratio"], 2)) for name, r in dark.items()
           for n in r["nodes"] if n["ratio"] < MIN_CONTRAST]
    assert not low


def test_the_contrast_check_catches_unreadable_text() -> None:
    # The check itself: a light fill without a text colour is what the dark theme broke.
    diagram = "flowchart TD\n  a{\"light fill\"}\n  classDef dec fill:#fffbe6,stroke:#b8a04a\n  class a dec\n"
    (node,) = browser.render({"d": diagram}, "dark")["d"]["nodes"]
    assert node["ratio"] < MIN_CONTRAST
