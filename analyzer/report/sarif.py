"""SARIF 2.1.0, for GitHub code scanning (``github/codeql-action/upload-sarif``) and other viewers.

Each rule carries ``helpUri`` (its section of docs/rules.md) and ``help`` (its documentation),
which code scanning shows beside an alert. GitHub deduplicates alerts across runs by rule id, file
and fingerprint (docs/peer-tools.md §C.1), so:
``ruleId`` is the stable rule code; artifact URIs are relative to ``%SRCROOT%`` (the root) with
forward slashes; and each result carries a partial fingerprint that hashes the code, the relative
path, the stripped text of the result's first line and the occurrence index of that triple, and not
the line number, so an alert survives code moving up or down. Regions are 1-based with an exclusive
end column, exactly like the Diagnostic record, and columns count Unicode code points.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from ..diagnostics import Diagnostic
from .context import INFORMATION_URI, ReportContext, RuleInfo, ordered, sarif_level

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "wfgraph/v1"
SRCROOT = "%SRCROOT%"


def format_sarif(diagnostics: list[Diagnostic], ctx: ReportContext) -> str:
    results = ordered(diagnostics, ctx)
    rules = _rules(results, ctx)
    index = {rule.code: i for i, rule in enumerate(rules)}
    fingerprints = _fingerprints(results, ctx)
    run = {
        "tool": {"driver": {
            "name": "wfgraph",
            "version": ctx.tool_version,
            "informationUri": INFORMATION_URI,
            "rules": [_descriptor(rule) for rule in rules],
        }},
        "originalUriBaseIds": {SRCROOT: {"uri": ctx.root.resolve().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, index[d.code], fp, ctx) for d, fp in zip(results, fingerprints)],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rules(results: list[Diagnostic], ctx: ReportContext) -> list[RuleInfo]:
    """Every known rule, plus any code that only the diagnostics know (a parse error, say), by code."""
    rules = {rule.code: rule for rule in ctx.rules}
    for diag in results:
        rules.setdefault(diag.code, RuleInfo(diag.code, diag.name, diag.severity, diag.name, ""))
    return [rules[code] for code in sorted(rules)]


def _descriptor(rule: RuleInfo) -> dict[str, object]:
    descriptor: dict[str, object] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": rule.summary or rule.name},
        "defaultConfiguration": {"level": sarif_level(rule.severity)},
    }
    if rule.help_uri:
        descriptor["helpUri"] = rule.help_uri
    if rule.help or rule.help_uri:
        text = rule.help or rule.summary or rule.name
        link = f"\n\n[{rule.code} {rule.name}]({rule.help_uri})" if rule.help_uri else ""
        descriptor["help"] = {"text": text + (f"\n\n{rule.help_uri}" if rule.help_uri else ""),
                              "markdown": text + link}
    return descriptor


def _result(diag: Diagnostic, rule_index: int, fingerprint: str, ctx: ReportContext) -> dict[str, object]:
    return {
        "ruleId": diag.code,
        "ruleIndex": rule_index,
        "level": sarif_level(diag.severity),
        "message": {"text": "\n".join((diag.message, *diag.notes))},
        "locations": [{"physicalLocation": {
            "artifactLocation": _artifact(diag.path, ctx),
            "region": _region(diag),
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }


def _artifact(path: str, ctx: ReportContext) -> dict[str, str]:
    """Relative to %SRCROOT% when under the root; an absolute file URI otherwise."""
    if ctx.under_root(path):
        return {"uri": quote(ctx.relative(path), safe="/"), "uriBaseId": SRCROOT}
    return {"uri": Path(path).resolve().as_uri()}


def _region(diag: Diagnostic) -> dict[str, int]:
    """SARIF requires positive numbers and an end that does not precede the start."""
    line, column = max(diag.line, 1), max(diag.column, 1)
    end_line = max(diag.end_line, line)
    end_column = max(diag.end_column, column) if end_line == line else max(diag.end_column, 1)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _fingerprints(results: list[Diagnostic], ctx: ReportContext) -> list[str]:
    """One hash per result: (code, relative path, stripped line text, occurrence of that triple)."""
    import hashlib  # here: the other formats, the usual ones, do without OpenSSL's start-up

    seen: dict[tuple[str, str, str], int] = {}
    hashes = []
    for diag in results:
        key = (diag.code, ctx.relative(diag.path), ctx.line_text(diag).strip())
        seen[key] = seen.get(key, 0) + 1
        material = "\0".join((*key, str(seen[key])))
        hashes.append(hashlib.sha256(material.encode("utf-8")).hexdigest()[:32])
    return hashes
