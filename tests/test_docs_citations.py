"""Every citation in the repository resolves to a heading of a document in it, and nothing refers
to a file outside the repository (CONTRIBUTING.md, Citations).

Scanned: every tracked text file (code, tests, fixtures, docs, README) and what `wfgraph schema`
prints (the models' descriptions). Citation forms:

- "SEMANTICS §4.3" → docs/semantics.md; so is a bare "§4.3", except inside a reference note,
  where a bare § names a section of that note;
- "docs/cloudflare-parser.md §6.3", "docs/python-api.md §2.0", "docs/peer-tools.md §C.1", and
  Markdown links to those files followed by "§…"; lists ("§4.3, §4.6", "§3.1–§3.4", "§6.4 and
  §8") continue the citation they start with;
- Appendix A cases (X01–X82) → docs/cloudflare-parser.md; rule candidates (CFP001–CFP022) →
  docs/python-api.md;
- "docs/design.md, Conventions" → a heading of docs/design.md.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from wfgraph.schema import dumps_schema

from conftest import ROOT

S = "\N{SECTION SIGN}"
SEMANTICS = "docs/semantics.md"
NOTES = ("docs/cloudflare-parser.md", "docs/python-api.md", "docs/peer-tools.md")
DOCUMENTS = (SEMANTICS, *NOTES)

# Greedy, so "4.3.1" is read whole (and reported) rather than as "4.3"; a sentence's full stop
# after a section ("§8.") is not part of it.
SECTION = r"[0-9A-Z][0-9A-Za-z]*(?:\.[0-9A-Za-z]+)*"
SEPARATOR = r"(?:\s*(?:,|–|-|\band\b|\bor\b|,\s*and\b)\s*(?:#\s*)?)"
HEADING = re.compile(r"^#{2,4}\s+(\d+(?:\.\d+)?[a-z]?|[A-Z](?:\.\d+)?|X\d\d)\.?(?:\s|$)", re.M)
CASE = re.compile(r"\bX\d\d\b")
CANDIDATE = re.compile(r"\bCFP\d{3}\b")
DESIGN = re.compile(r"docs/design\.md,\s+([A-Z][\w ]*\w)")
LINK = re.compile(r"\]\(([^)\s]+)\)")

# This file holds broken citations on purpose (the scanner's own test), so it is not scanned.
SELF = "tests/test_docs_citations.py"

# Documents that are not in the repository, as the code used to cite them. Built from pieces so
# that this file does not match the searches it stands for.
OUTSIDE = re.compile("|".join((
    "shared" + "/", "/wo" + "rk/", "graph" + "-semantics", "python" + r"-sdk\b", "anchors" + r"\.md",
    r"\bDESIGN" + r"\.md", r"\bSEMANTICS" + r"\.md", r"(?<![\w/.])reference" + "/",
)))


def prefix(document: str) -> str:
    """How a citation names ``document``: its path (or file name), possibly as a Markdown link."""
    name = re.escape(Path(document).name)
    path = rf"(?:docs/)?{name}"
    if document == SEMANTICS:
        path = rf"(?:SEMANTICS|{path})"
    return rf"(?:\[[^\]\n]*\]\({path}(?:#[^)]*)?\)|{path})"


CHAINS = {doc: re.compile(rf"{prefix(doc)}\s*{S}({SECTION}(?:{SEPARATOR}{S}{SECTION})*)")
          for doc in DOCUMENTS}
ITEM = re.compile(rf"{S}({SECTION})")


@dataclass(frozen=True)
class Problem:
    where: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.what}"


def headings(document: str) -> set[str]:
    """A document's section ids: its numbered headings, and the ids that start a table row (the
    rule candidates of docs/python-api.md §6)."""
    text = (ROOT / document).read_text(encoding="utf-8")
    return set(HEADING.findall(text)) | set(re.findall(r"^\| (CFP\d{3}) \|", text, re.M))


def titles(document: str) -> list[str]:
    text = (ROOT / document).read_text(encoding="utf-8")
    return [t.strip() for t in re.findall(r"^#{2,4}\s+(.+)$", text, re.M)]


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def citation_problems(text: str, where: str, sections: dict[str, set[str]],
                      design: list[str]) -> list[Problem]:
    """Every citation in ``text`` that names no heading (``sections``: document → its ids)."""
    problems: list[Problem] = []
    cited: set[int] = set()
    for doc, chain in CHAINS.items():
        for match in chain.finditer(text):
            for item in ITEM.finditer(match.group(0)):
                cited.add(match.start() + item.start())
                if item.group(1) not in sections[doc]:
                    problems.append(Problem(where, line_of(text, match.start()),
                                            f"{doc} has no section {S}{item.group(1)}"))
    own = where if where in NOTES else SEMANTICS
    for item in ITEM.finditer(text):
        if item.start() not in cited and item.group(1) not in sections[own]:
            problems.append(Problem(where, line_of(text, item.start()),
                                    f"{own} has no section {S}{item.group(1)}"))
    for pattern, doc in ((CASE, NOTES[0]), (CANDIDATE, NOTES[1])):
        for match in pattern.finditer(text):
            if match.group(0) not in sections[doc]:
                problems.append(Problem(where, line_of(text, match.start()),
                                        f"{doc} does not define {match.group(0)}"))
    for match in DESIGN.finditer(text):
        cited_title = match.group(1)
        if not any(cited_title == t or cited_title.startswith(t + " ") for t in design):
            problems.append(Problem(where, line_of(text, match.start()),
                                    f"docs/design.md has no section {cited_title!r}"))
    return problems


def outside_problems(text: str, where: str) -> list[Problem]:
    return [Problem(where, line_of(text, m.start()), f"refers outside the repository: {m.group(0)!r}")
            for m in OUTSIDE.finditer(text)]


def slug(title: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    title = re.sub(r"[^\w\- ]", "", title.lower().replace("`", ""))
    return title.replace(" ", "-")


def link_problems(text: str, where: str) -> list[Problem]:
    """Relative Markdown links must reach a file of the repository (and a heading of it)."""
    problems = []
    for match in LINK.finditer(text):
        target = match.group(1)
        if re.match(r"[a-z]+:", target) or target.startswith("#") and not where.endswith(".md"):
            continue
        path, _, anchor = target.partition("#")
        file = (ROOT / where).parent / path if path else ROOT / where
        resolved = file.resolve()
        line = line_of(text, match.start())
        if not resolved.is_relative_to(ROOT) or not resolved.exists():
            problems.append(Problem(where, line, f"link to a file not in the repository: {target}"))
        elif anchor and resolved.suffix == ".md":
            anchors = {slug(t) for t in titles(str(resolved.relative_to(ROOT)))}
            if anchor not in anchors:
                problems.append(Problem(where, line, f"link to a heading that does not exist: {target}"))
    return problems


def tracked_texts() -> dict[str, str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files are unknown")
    assert SELF in names  # the scan sees what a clone has, this file included
    texts = {}
    for name in names:
        path = ROOT / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return texts


@pytest.fixture(scope="module")
def sections() -> dict[str, set[str]]:
    return {doc: headings(doc) for doc in DOCUMENTS}


@pytest.fixture(scope="module")
def design() -> list[str]:
    return titles("docs/design.md")


def test_every_citation_resolves(sections: dict[str, set[str]], design: list[str]) -> None:
    texts = tracked_texts() | {"<wfgraph schema>": dumps_schema()}
    problems = [p for where, text in texts.items() if where != SELF
                for p in citation_problems(text, where, sections, design)]
    assert not problems, "\n".join(map(str, problems))


def test_nothing_refers_outside_the_repository() -> None:
    texts = tracked_texts() | {"<wfgraph schema>": dumps_schema()}
    problems = [p for where, text in texts.items() if where != SELF
                for p in outside_problems(text, where)]
    problems += [p for where, text in texts.items() if where.endswith(".md")
                 for p in link_problems(text, where)]
    assert not problems, "\n".join(map(str, problems))


def test_the_documents_number_their_sections(sections: dict[str, set[str]]) -> None:
    """The headings the checks above read exist (a parsing slip would make every check pass)."""
    assert {"1", "1.3", "4.6", "4.7", "6.1a", "10.3a"} <= sections[SEMANTICS]
    assert {"6.3", "13", "X01", "X82"} <= sections[NOTES[0]]
    assert {"2.0", "2.6", "5.3", "9"} <= sections[NOTES[1]]
    assert {"B.1", "C.1", "C.10", "E"} <= sections[NOTES[2]]
    assert {f"CFP{n:03}" for n in range(1, 23)} <= sections[NOTES[1]]


def test_the_checks_catch_what_they_must(sections: dict[str, set[str]], design: list[str]) -> None:
    """Each kind of broken citation is reported, and each good one is not."""
    def found(text: str, where: str = "analyzer/x.py") -> list[str]:
        return [p.what for p in citation_problems(text, where, sections, design)]

    good = (f"SEMANTICS {S}4.3, {S}4.6 and {S}6.1a; docs/python-api.md {S}2.0–{S}2.4, CFP009; "
            f"(docs/peer-tools.md\n{S}B.1, {S}C.10, {S}E); twin of X61; docs/design.md, Data flow; "
            f"[parser](cloudflare-parser.md) {S}13")
    assert found(good) == []
    assert found(f"SEMANTICS {S}4.8") == [f"docs/semantics.md has no section {S}4.8"]
    assert found(f"the rule ({S}11.2)") == [f"docs/semantics.md has no section {S}11.2"]
    assert found(f"SEMANTICS {S}4.3, {S}4.99") == [f"docs/semantics.md has no section {S}4.99"]
    assert found(f"SEMANTICS {S}4.3.1") == [f"docs/semantics.md has no section {S}4.3.1"]
    assert found(f"the budget ({S}8.1). Then {S}8.") == []
    # a list after a reference note stays in that note: the note's 6.6 exists, SEMANTICS' not
    assert found(f"docs/cloudflare-parser.md {S}6.3 and {S}6.6") == []
    assert found(f"docs/python-api.md {S}2.0, {S}12") == [f"docs/python-api.md has no section {S}12"]
    assert found(f"(docs/peer-tools.md {S}C.11)") == [f"docs/peer-tools.md has no section {S}C.11"]
    assert found("twin of X99") == ["docs/cloudflare-parser.md does not define X99"]
    assert found("CFP099") == ["docs/python-api.md does not define CFP099"]
    assert found("docs/design.md, Architecture") == ["docs/design.md has no section 'Architecture'"]
    # inside a reference note, a bare section is the note's own
    assert found(f"see {S}6.6", "docs/cloudflare-parser.md") == []
    assert found(f"see {S}6.6") == [f"docs/semantics.md has no section {S}6.6"]
    old = "reference" + "/graph" + "-semantics.md " + S + "6.3"
    assert outside_problems(old, "x.py") and outside_problems("../" + "shared" + "/DESIGN.md", "x.md")
    assert link_problems("[x](../" + "shared" + "/SEMANTICS.md)", "README.md")
    assert link_problems("[x](docs/semantics.md#no-such-heading)", "README.md")
    assert not link_problems("[x](docs/semantics.md#4-when-steps-run-parallelism-starts-and-resolves)",
                             "README.md")
