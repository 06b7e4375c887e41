"""Command-line interface: argument parsing, and nothing else (docs/design.md, CLI).

Imports stay light here (the standard library and ``wfgraph.__version__``): each subcommand's
module is imported when it runs, so ``wfgraph --version`` and ``--help`` load no analyzer.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Callable, Sequence

from wfgraph import __version__

from .garbage import collect_garbage_less_often

if TYPE_CHECKING:
    from datetime import datetime

EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: what a shell reports for a command that wrote into a closed pipe."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with ``command`` (the subcommand about to run) that subcommand's
    only: building the others is most of the parser's cost, on every run, and parsing a
    command's arguments never reads them (the top level's usage names ``COMMAND``, not each)."""
    parser = argparse.ArgumentParser(
        prog="wfgraph",
        description="Static analysis of Cloudflare Workflows written in Python: the version "
        "graph Cloudflare's API serves, diagrams, step budget and lint. The analysed code is "
        "never imported or run.",
    )
    parser.add_argument("--version", action="version", version=f"wfgraph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    subcommands: dict[str, argparse.ArgumentParser] = {}
    parser.set_defaults(subcommands=subcommands)
    for name, options, add_arguments in _SUBCOMMANDS:
        if command in (None, name):
            subcommands[name] = sub.add_parser(name, **options)
            add_arguments(subcommands[name])
    return parser


def _command_named(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` runs, when it names one: the first word that is not an option
    (wfgraph's own options, --help and --version, take no value)."""
    word = next((arg for arg in argv if not arg.startswith("-")), None)
    return word if any(word == name for name, _, _ in _SUBCOMMANDS) else None


def _graph_arguments(graph: argparse.ArgumentParser) -> None:
    graph.add_argument("paths", nargs="+", metavar="PATH",
                       help="a file or directory; - reads the source from standard input")
    graph.add_argument("--class", dest="class_name", metavar="NAME", help="only this workflow class")
    graph.add_argument("--envelope", action="store_true",
                       help="the whole VersionGraphResponse (id, class_name, times, graph)")
    graph.add_argument("--compact", action="store_true", help="no indentation")
    graph.add_argument("--version-id", help="envelope id (with --envelope; default: derived from "
                       "the graph)")
    graph.add_argument("--workflow-id", help="envelope workflow_id (with --envelope; default: "
                       "derived from the class)")
    graph.add_argument("--created-on", type=_iso_datetime, metavar="WHEN",
                       help="envelope created_on/modified_on, ISO 8601 such as 2026-03-01 or "
                       "2026-03-01T12:00:00Z (with --envelope; default: SOURCE_DATE_EPOCH or the "
                       "Unix epoch)")
    _add_stdin_filename(graph)
    _add_common(graph)


def _diagram_arguments(diagram: argparse.ArgumentParser) -> None:
    name = diagram.prog.rsplit(" ", 1)[-1]  # "wfgraph dot" or "wfgraph mermaid"
    diagram.add_argument("paths", nargs="*", metavar="PATH",
                         help="a file or directory; - reads the source from standard input")
    diagram.add_argument("--class", dest="class_name", metavar="NAME", help="only this workflow class")
    diagram.add_argument("--depth", type=_depth, metavar="N", help="collapse nesting deeper than N")
    diagram.add_argument("--instance", metavar="FILE",
                         help="colour nodes by a run: the JSON of GET …/instances/{id}")
    suffix = "svg" if name == "dot" else "mmd"
    diagram.add_argument("-o", "--output", metavar="FILE",
                         help="write to FILE" + (" (.dot, .svg or .png)" if name == "dot" else "")
                         + f"; DIR/ or a path with {{class}} / {{module}} (docs/{{class}}.{suffix}) "
                         "writes one file per workflow")
    diagram.add_argument("--check", action="store_true",
                         help="write nothing: exit 1 naming each output that is missing or "
                         "stale (for CI and pre-commit)")
    if name == "dot":
        diagram.add_argument("--scale", type=_scale, default=1.0, metavar="FACTOR",
                             help="PNG resolution as a multiple of 96 dpi (2 for HiDPI screens)")
    else:
        diagram.add_argument("--update", action="append", metavar="FILE.md",
                             help="replace the Mermaid block between <!-- wfgraph: PATH[::Class] "
                             "--> and <!-- /wfgraph --> markers (repeatable)")
    _add_common(diagram)


def _check_arguments(check: argparse.ArgumentParser) -> None:
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                       help="a file or directory (default: the current directory, as ruff's); "
                       "a wrangler or pyproject file for the files it governs; - reads the "
                       "source from standard input")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    check.add_argument("-o", "--output-file", metavar="FILE",
                       help="write the report to FILE instead of standard output")
    check.add_argument("--plan", choices=("free", "paid"), help="Workers plan (default: paid, "
                       "or [tool.wfgraph] plan)")
    check.add_argument("--wrangler", metavar="FILE", help="wrangler.toml / wrangler.jsonc to use "
                       "for every file (default: each file's nearest, in its folder or above)")
    check.add_argument("--config", metavar="FILE", help="pyproject.toml or wfgraph.toml to read "
                       "[tool.wfgraph] from for every file (default: each file's nearest "
                       "pyproject.toml with the table)")
    check.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to run")
    check.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes to skip")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with error findings")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the text report (auto: on a terminal, unless NO_COLOR is "
                       "set; FORCE_COLOR forces it)")
    check.add_argument("--show-source", action=argparse.BooleanOptionalAction, default=None,
                       help="show each finding's source line and a caret in the text report "
                       "(default: on a terminal)")
    check.add_argument("--statistics", action="store_true", help="print how many findings each "
                       "code has instead of the findings, and the step budget of each workflow")
    check.add_argument("-v", "--verbose", action="store_true",
                       help="also print the step budget of each workflow (on stderr)")
    check.add_argument("-q", "--quiet", action="store_true",
                       help="print the report only: no summary line on stderr")
    check.add_argument("--show-settings", action="store_true", help="print which pyproject and "
                       "wrangler files govern each file, and the settings they give; check nothing")
    _add_stdin_filename(check)
    _add_common(check)


def _rule_arguments(rule: argparse.ArgumentParser) -> None:
    which = rule.add_mutually_exclusive_group(required=True)
    which.add_argument("code", nargs="?", metavar="CODE", help="a rule code or name, like WF031")
    which.add_argument("--all", action="store_true", help="every rule")
    rule.add_argument("--format", choices=("text", "json"), default="text")


def _schema_arguments(schema: argparse.ArgumentParser) -> None:
    form = schema.add_mutually_exclusive_group()
    form.add_argument("--graph", dest="envelope", action="store_false",
                      help="the graph object `wfgraph graph` prints (the default)")
    form.add_argument("--envelope", dest="envelope", action="store_true",
                      help="the whole VersionGraphResponse `wfgraph graph --envelope` prints")
    schema.set_defaults(envelope=False)


def _diff_arguments(diff: argparse.ArgumentParser) -> None:
    diff.add_argument("base", metavar="BASE", help="a git revision (origin/main, HEAD~1), a "
                      "file or directory, or a graph JSON file")
    diff.add_argument("head", metavar="HEAD", nargs="?", help="the same kinds (default: the "
                      "working tree)")
    diff.add_argument("--format", choices=("text", "json", "sarif", "github", "mermaid", "dot"),
                      default="text", help="mermaid / dot: HEAD's diagram with the changes marked")
    diff.add_argument("-o", "--output", metavar="FILE", help="write the diagram to FILE "
                      "(.mmd; .dot, .svg or .png for dot)")
    diff.add_argument("--class", dest="class_name", metavar="NAME", help="only this workflow class")
    diff.add_argument("--plan", choices=("free", "paid"), help="Workers plan, for limits.steps "
                      "defaults (default: paid, or [tool.wfgraph] plan)")
    diff.add_argument("--config", metavar="FILE", help="pyproject.toml or wfgraph.toml to read "
                      "[tool.wfgraph] from (default: the nearest pyproject.toml)")
    diff.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to run")
    diff.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes to skip")
    diff.add_argument("--exit-zero", action="store_true", help="exit 0 even with error findings")
    _add_common(diff)


_SUBCOMMANDS: tuple[tuple[str, dict[str, str], Callable[[argparse.ArgumentParser], None]], ...] = (
    ("graph", {"help": "print the version graph JSON of each workflow"}, _graph_arguments),
    ("dot", {"help": "draw each workflow as Graphviz DOT (or SVG/PNG with -o)"}, _diagram_arguments),
    ("mermaid", {"help": "draw each workflow as a Mermaid flowchart"}, _diagram_arguments),
    ("check", {"help": "step budget and lint rules, for CI before deploy"}, _check_arguments),
    ("rule", {"help": "explain a rule: wfgraph rule WF031 (or --all)"}, _rule_arguments),
    ("schema", {"help": "print the JSON Schema of graph's output"}, _schema_arguments),
    ("diff", {"usage": "wfgraph diff BASE [HEAD] [options] [-- PATH...]",
              "help": "what a change does to each workflow, and whether running instances survive it",
              "epilog": "PATHs after -- limit the files on both sides (default: the current "
              "directory). A revision is read with git, never checked out."}, _diff_arguments),
)
"""Each subcommand: its name, ``add_parser`` options, and what adds its arguments."""


def _split_paths(argv: list[str]) -> tuple[list[str], list[str] | None]:
    """``wfgraph diff BASE [HEAD] -- PATH...``: the paths after ``--`` are not a third
    positional argument, so they are taken off before argparse sees them."""
    if "diff" in argv and "--" in argv and argv.index("diff") < argv.index("--"):
        cut = argv.index("--")
        return argv[:cut], argv[cut + 1:]
    return argv, None


def _depth(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value <= 10:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 10, got {text}")
    return value


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--exclude", action="append", default=[], metavar="PATTERN",
                        help="gitignore-style pattern to skip in directories (repeatable)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--implicit-deps", dest="implicit", action="store_const", const=True,
                      help="step parameters name dependencies (compatibility date >= 2026-02-25)")
    mode.add_argument("--legacy-deps", dest="implicit", action="store_const", const=False,
                      help="dependencies come from depends=[...] (older compatibility dates)")


def _add_stdin_filename(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdin-filename", metavar="PATH",
                        help="with the path -: the file the text on standard input stands for "
                        "(its name in the output; its wrangler and pyproject files apply)")


def _iso_datetime(value: str) -> datetime:
    """An ISO 8601 date or date and time; UTC when it gives no offset."""
    from datetime import datetime, timezone  # only graph --created-on needs it

    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO 8601 date or time (like "
                                         "2026-03-01 or 2026-03-01T12:00:00Z)") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def _utf8_output() -> None:
    """Output is UTF-8 whatever the locale or PYTHONIOENCODING says: graphs and findings carry
    the source's own text (step names in any script), and a cp1252 console must not crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8", errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a stream already detached
                pass


def main(argv: Sequence[str] | None = None) -> int:
    collect_garbage_less_often()  # before libcst and the analyzer are imported
    _utf8_output()
    argv, diff_paths = _split_paths(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser(_command_named(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    command = parser.get_default("subcommands").get(args.command)
    if command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.command == "diff":
        args.paths = diff_paths or []
    if args.command == "graph" and not args.envelope:
        given = [flag for flag, value in (("--version-id", args.version_id),
                 ("--workflow-id", args.workflow_id), ("--created-on", args.created_on)) if value]
        if given:
            return _usage(command, f"{given[0]} sets a field of the envelope: give --envelope too")
    from .commands.usage import UsageError

    try:
        return _run(args, sys.stdout, sys.stderr)
    except UsageError as exc:
        if exc.usage:
            return _usage(command, str(exc))
        print(f"{command.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def entry() -> None:
    """The ``wfgraph`` command (console script and ``python -m``): ``main()``, then the process
    ends without tearing down what it built. Python's shutdown frees every object one by one
    and collects garbage over all of them: after a large file, its trees, positions and caches
    take 0.6-0.8 s to take apart, a sixth of the whole run, for output already written. Like
    mypy's ``hard_exit``: the output streams are flushed first; files are closed where they are
    written, and worker pools are shut down in ``parallel.py``. ``main`` itself returns, for
    callers in the same process."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (wfgraph graph | head): end as a tool that SIGPIPE ended does,
        # with 128 + 13 and without a traceback.
        code = EXIT_BROKEN_PIPE
    try:
        sys.stderr.flush()
    except (OSError, ValueError):  # pragma: no cover - stderr closed: nothing left to say
        pass
    os._exit(code)


def _usage(command: argparse.ArgumentParser, message: str) -> int:
    """What argparse does for its own errors, for errors found after parsing."""
    command.print_usage(sys.stderr)
    print(f"{command.prog}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _run(args: argparse.Namespace, out, err) -> int:
    if args.command == "graph":
        from .commands.graph import run_graph

        ids = {"version_id": args.version_id, "workflow_id": args.workflow_id,
               "created_on": args.created_on}
        return run_graph(args.paths, args.class_name, args.envelope, args.compact, out, err,
                         tuple(args.exclude), args.implicit, ids, args.stdin_filename)
    if args.command in ("dot", "mermaid"):
        from .commands.diagram import run_diagram

        return run_diagram(args, out, err)
    if args.command == "check":
        from .commands.check import run_check

        return run_check(args, out, err)
    if args.command == "diff":
        from .commands.diff import run_diff

        return run_diff(args, out, err)
    if args.command == "rule":
        from .commands.rule import run_rule

        return run_rule(args.code, args.all, args.format, out)
    from .commands.schema import run_schema

    return run_schema(args.envelope, out)


if __name__ == "__main__":
    entry()
