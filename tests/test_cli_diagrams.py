"""``wfgraph dot`` / ``wfgraph mermaid`` keeping docs in step with the code: one file per
workflow (``-o DIR/``, ``-o 'docs/{class}.svg'``), Markdown blocks between markers
(``mermaid --update``), ``--check`` for CI, ``--scale`` for PNG, and clear usage errors."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest

from wfgraph.analyzer.cli import main
from wfgraph.analyzer.emit.recorded import recorded_source

from conftest import FIXTURES, ROOT

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")

TWO = FIXTURES / "functions" / "two_workflows.py"


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd or ROOT)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of two fixtures to edit: one workflow each."""
    for name in ("exits/polling.py", "exits/retry_loop.py"):
        shutil.copy(FIXTURES / name, tmp_path / Path(name).name)
    return tmp_path


# --- usage -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["dot", "mermaid"])
def test_negative_depth_is_a_usage_error_naming_the_option(command: str) -> None:
    code, _, err = run(command, str(TWO), "--depth", "-1")
    assert code == 2 and "--depth" in err


@pytest.mark.parametrize("command,suffix", [("dot", "svg"), ("dot", "dot"), ("mermaid", "mmd")])
def test_unwritable_output_says_cannot_write(tmp_path: Path, command: str, suffix: str) -> None:
    if suffix == "svg" and shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed")
    (tmp_path / "taken").write_text("a file where the folder would go")
    target = tmp_path / "taken" / f"out.{suffix}"
    code, _, err = run(command, str(TWO), "-o", str(target))
    assert code == 2
    assert err.startswith(f"{target}: cannot write: ")
    assert "Traceback" not in err and "Errno" not in err


def test_check_needs_something_to_compare() -> None:
    code, out, err = run("mermaid", str(TWO), "--check")
    assert code == 2 and "--check" in err and not out


def test_mermaid_needs_a_path_or_update() -> None:
    code, _, err = run("mermaid")
    assert code == 2 and "PATH" in err


# --- one file per workflow -------------------------------------------------------------------


def test_class_template_writes_one_mermaid_file_per_workflow(tmp_path: Path) -> None:
    code, out, err = run("mermaid", str(TWO), "-o", str(tmp_path / "{class}.mmd"))
    assert code == 0, err
    assert not out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["A.mmd", "B.mmd"]
    _, only_a, _ = run("mermaid", str(TWO), "--class", "A")
    assert (tmp_path / "A.mmd").read_text(encoding="utf-8") == only_a


def test_directory_output_and_module_placeholder(tmp_path: Path, project: Path) -> None:
    docs = tmp_path / "docs"  # not there yet: made, as in a fresh checkout
    code, _, err = run("mermaid", str(project), "-o", f"{docs}/")
    assert code == 0, err
    assert sorted(p.name for p in docs.iterdir()) == ["Polling.mmd", "RetryLoop.mmd"]
    code, _, err = run("mermaid", str(project), "-o", str(docs / "{module}-{class}.mmd"))
    assert code == 0, err
    assert (docs / "polling-Polling.mmd").exists() and (docs / "retry_loop-RetryLoop.mmd").exists()
    code, _, err = run("mermaid", str(project), "-o", str(docs / "a" / "b" / "{class}.mmd"))
    assert code == 0, err
    assert sorted(p.name for p in (docs / "a" / "b").iterdir()) == ["Polling.mmd", "RetryLoop.mmd"]


def test_template_collisions_and_unknown_placeholders_are_usage_errors(tmp_path: Path,
                                                                        project: Path) -> None:
    code, _, err = run("mermaid", str(project), "-o", str(tmp_path / "{module}.mmd"),
                       "--class", "Polling")
    assert code == 0, err
    shutil.copy(project / "polling.py", project / "polling_copy.py")
    code, _, err = run("mermaid", str(project), "-o", str(tmp_path / "{class}.mmd"))
    assert code == 2 and "{module}" in err
    code, _, err = run("mermaid", str(project), "-o", str(tmp_path / "{name}.mmd"))
    assert code == 2 and "{name}" in err
    code, _, err = run("dot", str(project), "-o", str(tmp_path / "{module}.svg"), "--instance",
                       str(ROOT / "tests" / "data" / "diagrams" / "order_instance_errored.json"))
    assert code == 2 and "--instance" in err


def test_directory_runs_in_worker_processes_draw_the_same(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # Side information (exits, loop headers, f-string names) survives portable.detach.
    monkeypatch.setenv("WFGRAPH_JOBS", "2")
    code, _, err = run("dot", "fixtures/exits", "fixtures/labels", "-o",
                       str(tmp_path / "{class}.dot"))
    assert code == 0, err
    for source in [*sorted((FIXTURES / "exits").glob("*.py")), FIXTURES / "labels" / "readable_labels.py"]:
        golden = source.with_suffix(".dot").read_text(encoding="utf-8")
        (written,) = [p for p in tmp_path.iterdir() if f'label="{p.stem}";' in golden]
        assert written.read_text(encoding="utf-8") == golden, source.name


# --- --check -----------------------------------------------------------------------------------


def test_check_text_outputs(tmp_path: Path, project: Path) -> None:
    target = str(tmp_path / "{class}.mmd")
    code, _, err = run("mermaid", str(project), "-o", target, "--check")
    assert code == 1
    assert err.count(": missing") == 2 and "Polling.mmd" in err and not list(tmp_path.glob("*.mmd"))
    assert run("mermaid", str(project), "-o", target)[0] == 0
    assert run("mermaid", str(project), "-o", target, "--check")[0] == 0
    source = project / "polling.py"
    source.write_text(source.read_text().replace("30 seconds", "1 minute"), encoding="utf-8")
    code, _, err = run("mermaid", str(project), "-o", target, "--check")
    assert code == 1 and "Polling.mmd: stale" in err and "RetryLoop" not in err


@needs_dot
@pytest.mark.parametrize("suffix", ["svg", "png", "dot"])
def test_check_images_by_the_dot_recorded_in_them(tmp_path: Path, project: Path,
                                                  suffix: str) -> None:
    target = str(tmp_path / f"{{class}}.{suffix}")
    assert run("dot", str(project), "-o", target)[0] == 0
    image = tmp_path / f"Polling.{suffix}"
    _, dot_text, _ = run("dot", str(project / "polling.py"))
    if suffix != "dot":
        assert recorded_source(image.read_bytes(), suffix) == dot_text
    assert run("dot", str(project), "-o", target, "--check")[0] == 0
    source = project / "polling.py"
    source.write_text(source.read_text().replace('"ready"', '"done"'), encoding="utf-8")
    code, _, err = run("dot", str(project), "-o", target, "--check")
    assert code == 1 and f"Polling.{suffix}: stale" in err and "RetryLoop" not in err


@needs_dot
def test_png_scale(tmp_path: Path) -> None:
    sizes = {}
    for scale in ("1", "2"):
        target = tmp_path / f"x{scale}.png"
        code, _, err = run("dot", str(TWO), "--class", "A", "-o", str(target), "--scale", scale)
        assert code == 0, err
        data = target.read_bytes()
        sizes[scale] = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert sizes["2"][0] >= 2 * sizes["1"][0] - 2 and sizes["2"][1] >= 2 * sizes["1"][1] - 2
    code, _, err = run("dot", str(TWO), "--class", "A", "-o", str(tmp_path / "x2.png"), "--check")
    assert code == 1 and "stale" in err  # drawn at another scale
    code, _, err = run("dot", str(TWO), "--scale", "0")
    assert code == 2 and "--scale" in err


# --- Markdown blocks ---------------------------------------------------------------------------

README = """# Project\r\n\r\nIntro, with a fence of its own:\r\n\r\n```python\r\nprint("hi")\r\n```\r
\r\n<!-- wfgraph: polling.py::Polling -->\r\nold diagram\r\n<!-- /wfgraph -->\r\n\r\nBetween.\r
<!-- wfgraph: retry_loop.py -->\r\n<!-- /wfgraph -->\r\nThe end, no newline"""


def test_update_replaces_only_the_marked_blocks(project: Path) -> None:
    md = project / "README.md"
    md.write_bytes(README.encode("utf-8"))
    code, _, err = run("mermaid", "--update", str(md), "--check")
    assert code == 1
    assert f"{md}:9: the diagram of polling.py::Polling is stale" in err
    assert f"{md}:14: the diagram of retry_loop.py is stale" in err
    assert md.read_bytes() == README.encode("utf-8")
    code, _, err = run("mermaid", "--update", str(md))
    assert code == 0, err
    text = md.read_bytes().decode("utf-8")
    _, polling, _ = run("mermaid", str(project / "polling.py"))
    _, retry, _ = run("mermaid", str(project / "retry_loop.py"))
    block = "```mermaid\n" + polling + "```\n"
    expected = README.replace("old diagram\r\n", block.replace("\n", "\r\n")).replace(
        "<!-- wfgraph: retry_loop.py -->\r\n",
        "<!-- wfgraph: retry_loop.py -->\r\n" + ("```mermaid\n" + retry + "```\n").replace("\n", "\r\n"))
    assert text == expected
    assert run("mermaid", "--update", str(md), "--check")[0] == 0
    assert run("mermaid", "--update", str(md))[2] == ""  # nothing to update, nothing said


def test_update_from_another_directory_resolves_paths_next_to_the_markdown(project: Path,
                                                                            tmp_path: Path) -> None:
    docs = project / "docs"
    docs.mkdir()
    md = docs / "flows.md"
    md.write_text("<!-- wfgraph: ../polling.py -->\n<!-- /wfgraph -->\n", encoding="utf-8")
    code, _, err = run("mermaid", "--update", "docs/flows.md", cwd=project)
    assert code == 0, err
    assert "```mermaid\nflowchart TD\n" in md.read_text(encoding="utf-8")


@pytest.mark.parametrize("text,line,words", [
    ("a\n<!-- wfgraph: polling.py -->\nno end\n", 2, "not closed"),
    ("<!-- /wfgraph -->\n", 1, "closes no"),
    ("<!-- wfgraph: polling.py -->\n<!-- wfgraph: polling.py -->\n<!-- /wfgraph -->\n", 2, "opened again"),
    ("x\n\n<!-- wfgraph: missing.py -->\n<!-- /wfgraph -->\n", 3, "no such file"),
    ("<!-- wfgraph: polling.py::Nope -->\n<!-- /wfgraph -->\n", 1, "Nope"),
])
def test_bad_markers_are_located(project: Path, text: str, line: int, words: str) -> None:
    md = project / "README.md"
    md.write_text(text, encoding="utf-8")
    code, _, err = run("mermaid", "--update", str(md))
    assert code == 2
    assert f"{md}:{line}:1: " in err and words in err
    assert md.read_text(encoding="utf-8") == text


def test_update_without_markers_or_with_paths_is_an_error(project: Path) -> None:
    md = project / "README.md"
    md.write_text("# nothing here\n", encoding="utf-8")
    code, _, err = run("mermaid", "--update", str(md))
    assert code == 2 and "markers" in err
    code, _, err = run("mermaid", "--update", str(md), str(project / "polling.py"))
    assert code == 2 and "--update" in err


def test_markers_inside_fenced_code_are_examples(project: Path) -> None:
    example = "````markdown\n<!-- wfgraph: polling.py -->\nkept\n<!-- /wfgraph -->\n````\n"
    md = project / "README.md"
    md.write_text(example + "<!-- wfgraph: polling.py -->\n<!-- /wfgraph -->\n", encoding="utf-8")
    assert run("mermaid", "--update", str(md))[0] == 0
    text = md.read_text(encoding="utf-8")
    assert text.startswith(example) and text.count("```mermaid\n") == 1


# --- this repository's own docs ----------------------------------------------------------------

DOCS_IMAGES = [
    ("docs/order_pipeline.svg", ["fixtures/realistic/order_pipeline.py"]),
    ("docs/diagrams/loops.svg", ["fixtures/labels/readable_labels.py"]),
    ("docs/diagrams/parallel.svg", ["fixtures/concurrency/blog_parallel.py"]),
    ("docs/diagrams/exits.svg", ["fixtures/exits/return_in_loop.py"]),
    ("docs/diagrams/retry.svg", ["fixtures/exits/retry_loop.py"]),
    ("docs/diagrams/overlay.svg", ["fixtures/realistic/order_pipeline.py", "--instance",
                                   "docs/diagrams/order_run.json"]),
]


@pytest.mark.parametrize("image,args", DOCS_IMAGES, ids=[i for i, _ in DOCS_IMAGES])
def test_the_docs_images_are_fresh(image: str, args: list[str]) -> None:
    # Checking compares the DOT recorded in the SVG: no Graphviz needed. To refresh:
    # wfgraph dot ARGS -o IMAGE (from the repository root).
    code, _, err = run("dot", *args, "-o", image, "--check")
    assert code == 0, err


def test_the_readme_diagram_is_fresh() -> None:
    code, _, err = run("mermaid", "--update", "README.md", "--check")
    assert code == 0, err
