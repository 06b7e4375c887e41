"""Comparing output with golden files, or rewriting them under ``--update-golden``."""

from __future__ import annotations

from pathlib import Path


def check_golden(path: Path, actual: str, update: bool) -> None:
    if update:
        if not path.exists() or path.read_text(encoding="utf-8") != actual:
            path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"missing golden file {path}; run pytest --update-golden and read it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.name} differs from the output"
