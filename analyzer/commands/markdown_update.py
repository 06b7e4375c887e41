"""``wfgraph mermaid --update FILE.md [--check]``: the Mermaid blocks between wfgraph markers
(emit/markdown.py) regenerated from the code they name; ``--check`` writes nothing and exits 1
naming each stale block."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..emit.markdown import MarkerError, fence, find_blocks, newline_of, replace_blocks
from .common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, analyze_paths, print_errors


def run_update(args: argparse.Namespace, err: TextIO) -> int:
    updater = _Updater(args, err)
    for name in args.update:
        updater.update(Path(name))
    if updater.failed:
        return EXIT_ERROR
    if updater.stale:
        print(f"{updater.stale} diagram{'s' if updater.stale != 1 else ''} not up to date; run "
              "the same command without --check to update them", file=err)
        return EXIT_FINDINGS
    return EXIT_OK


class _Updater:
    def __init__(self, args: argparse.Namespace, err: TextIO) -> None:
        self.args, self.err = args, err
        self.failed = False
        self.stale = 0
        self.cache: dict[tuple[Path, str | None], str | None] = {}

    def fail(self, where: str, message: str) -> None:
        print(f"{where}: {message}", file=self.err)
        self.failed = True

    def update(self, md: Path) -> None:
        try:
            text = md.read_bytes().decode("utf-8")
        except OSError as exc:
            return self.fail(str(md), f"cannot read: {exc.strerror or exc}")
        except UnicodeDecodeError:
            return self.fail(str(md), "is not valid UTF-8")
        try:
            blocks = find_blocks(text)
        except MarkerError as exc:
            return self.fail(f"{md}:{exc.line}:{exc.column}", exc.message)
        if not blocks:
            return self.fail(str(md), "has no <!-- wfgraph: path/to/workflow.py --> markers")
        contents = []
        for block in blocks:
            diagram = self.diagram(md, block.path, block.class_name, f"{md}:{block.line}:1")
            old = text[block.start : block.end]
            new = old if diagram is None else fence(diagram, newline_of(text))
            contents.append(new)
            if self.args.check and new != old:
                self.stale += 1
                named = block.path + (f"::{block.class_name}" if block.class_name else "")
                print(f"{md}:{block.line}: the diagram of {named} is stale", file=self.err)
        updated = replace_blocks(text, blocks, contents)
        if self.args.check or updated == text or self.failed:
            return None
        try:
            md.write_bytes(updated.encode("utf-8"))
        except OSError as exc:
            return self.fail(str(md), f"cannot write: {exc.strerror or exc}")
        changed = sum(1 for b, c in zip(blocks, contents) if text[b.start : b.end] != c)
        print(f"{md}: updated {changed} diagram{'s' if changed != 1 else ''}", file=self.err)
        return None

    def diagram(self, md: Path, path: str, class_name: str | None, where: str) -> str | None:
        """The Mermaid text of the workflows ``path`` (relative to the Markdown file) holds."""
        target = md.parent / path
        key = (target.resolve(), class_name)
        if key not in self.cache:
            self.cache[key] = self._render(target, path, class_name, where)
        return self.cache[key]

    def _render(self, target: Path, path: str, class_name: str | None, where: str) -> str | None:
        from ..emit.mermaid import render_mermaid
        from .diagram import select

        if not target.exists():
            self.fail(where, f"{path}: no such file or directory")
            return None
        run = analyze_paths([str(target)], tuple(self.args.exclude), self.args.implicit, self.err,
                            portable=True, positions=False)
        print_errors(run.errors, self.err)
        if run.errors:
            self.failed = True
            return None
        drawn, _ = select(run, class_name, [str(target)], self.err)
        if not drawn:
            self.fail(where, f"{path}: no workflow with steps" + (
                f" named {class_name}" if class_name else ""))
            return None
        diagram = render_mermaid([(d.title, d.workflow) for d in drawn], depth=self.args.depth)
        for note in diagram.notes:
            print(f"{where}: note: {note}", file=self.err)
        return str(diagram)
