"""``wfgraph rule WF031``: a rule's documentation, from the installed package (the rule's
docstring, the same text docs/rules.md is generated from), so it matches the version that
reports the finding."""

from __future__ import annotations

import json
from typing import TextIO

from ..checks.catalog import catalog, documentation, find_rule, url
from .usage import UsageError


def run_rule(code: str | None, every: bool, fmt: str, out: TextIO) -> int:
    if every:
        rules = list(catalog())
    else:
        found = find_rule(code or "")
        if found is None:
            raise UsageError(f"no rule has the code or name {code!r} (`wfgraph rule --all` lists "
                             "them)")
        rules = [found]
    if fmt == "json":
        records = [{"code": r.code, "name": r.name, "severity": r.severity, "url": url(r),
                    "explanation": documentation(r)} for r in rules]
        out.write(json.dumps(records if every else records[0], indent=2, ensure_ascii=False) + "\n")
        return 0
    out.write("\n\n".join(_text(rule) for rule in rules) + "\n")
    return 0


def _text(rule: type) -> str:
    """The docstring as Markdown under the rule's heading, with its severity and its page."""
    head, _, body = documentation(rule).partition("\n")
    return (f"# {rule.code} {rule.name}\n\n*Severity: {rule.severity}.* {head.strip()}\n"
            f"{body.rstrip()}\n\n{url(rule)}")
