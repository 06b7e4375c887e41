"""Command-line interface: argument parsing, and nothing else (DESIGN.md, CLI)."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from wfgraph import __version__

from .commands import EXIT_ERROR


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wfgraph",
        description="Static analysis of Cloudflare Workflows written in Python: the version "
        "graph Cloudflare's API serves, diagrams, step budget and lint. The analysed code is "
        "never imported or run.",
    )
    parser.add_argument("--version", action="version", version=f"wfgraph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    graph = sub.add_parser("graph", help="print the version graph JSON of each workflow")
    graph.add_argument("paths", nargs="+", metavar="PATH", help="a file or directory")
    graph.add_argument("--class", dest="class_name", metavar="NAME", help="only this workflow class")
    graph.add_argument("--envelope", action="store_true",
                       help="the whole VersionGraphResponse (id, class_name, times, graph)")
    graph.add_argument("--compact", action="store_true", help="no indentation")
    graph.add_argument("--version-id", help="envelope id (default: derived from the graph)")
    graph.add_argument("--workflow-id", help="envelope workflow_id (default: derived from the class)")
    graph.add_argument("--created-on", help="envelope created_on/modified_on, ISO 8601 "
                       "(default: SOURCE_DATE_EPOCH or the Unix epoch)")
    _add_common(graph)

    for name, help_text in (("dot", "draw each workflow as Graphviz DOT (or SVG/PNG with -o)"),
                            ("mermaid", "draw each workflow as a Mermaid flowchart")):
        diagram = sub.add_parser(name, help=help_text)
        diagram.add_argument("paths", nargs="+", metavar="PATH", help="a file or directory")
        diagram.add_argument("--class", dest="class_name", metavar="NAME", help="only this workflow class")
        diagram.add_argument("--depth", type=int, metavar="N", help="collapse nesting deeper than N")
        diagram.add_argument("--instance", metavar="FILE",
                             help="colour nodes by a run: the JSON of GET …/instances/{id}")
        diagram.add_argument("-o", "--output", metavar="FILE",
                             help="write to FILE" + (" (.dot, .svg or .png)" if name == "dot" else ""))
        _add_common(diagram)

    check = sub.add_parser("check", help="step budget and lint rules, for CI before deploy")
    check.add_argument("paths", nargs="+", metavar="PATH", help="a file or directory")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    check.add_argument("--plan", choices=("free", "paid"), help="Workers plan (default: paid, "
                       "or [tool.wfgraph] plan)")
    check.add_argument("--wrangler", metavar="FILE", help="wrangler.toml / wrangler.jsonc to use "
                       "(default: found next to the paths or above them)")
    check.add_argument("--config", metavar="FILE", help="pyproject.toml or wfgraph.toml to read "
                       "[tool.wfgraph] from (default: the nearest pyproject.toml)")
    check.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to run")
    check.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes to skip")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with error findings")
    _add_common(check)

    sub.add_parser("schema", help="print the JSON Schema of the graph response")
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--exclude", action="append", default=[], metavar="PATTERN",
                        help="gitignore-style pattern to skip in directories (repeatable)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--implicit-deps", dest="implicit", action="store_const", const=True,
                      help="step parameters name dependencies (compatibility date >= 2026-02-25)")
    mode.add_argument("--legacy-deps", dest="implicit", action="store_const", const=False,
                      help="dependencies come from depends=[...] (older compatibility dates)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_ERROR
    out, err = sys.stdout, sys.stderr
    if args.command == "graph":
        from .commands.graph import run_graph

        ids = {"version_id": args.version_id, "workflow_id": args.workflow_id,
               "created_on": args.created_on}
        return run_graph(args.paths, args.class_name, args.envelope, args.compact, out, err,
                         tuple(args.exclude), args.implicit, ids)
    if args.command in ("dot", "mermaid"):
        from .commands.diagram import run_diagram

        return run_diagram(args, out, err)
    if args.command == "check":
        from .commands.check import run_check

        return run_check(args, out, err)
    if args.command == "schema":
        from wfgraph.schema import dumps_schema

        out.write(dumps_schema())
        return 0
    parser.print_help(err)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
