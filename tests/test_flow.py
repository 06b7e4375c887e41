"""analyzer/flow/build.py: the schema tree → control-flow DiGraph (structures of small cases).

Inputs are Appendix A outputs of docs/cloudflare-parser.md (tests/data/diagrams/appendix_a.json,
"DEFAULT" configs expanded, ``type`` added where the API requires it, SEMANTICS §1.3).
"""

from __future__ import annotations


import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wfgraph.analyzer.emit.dot import render_dot
from wfgraph.analyzer.emit.mermaid import render_mermaid
from wfgraph.analyzer.flow.build import back_edges, build_flow, forward_graph

from diagram_inputs import CASES, appendix, workflow









def step(name: str, **numbers) -> dict:
    return {"type": "step_do", "name": name, "config": "DEFAULT", "nodes": [], **numbers}


def names(g: nx.DiGraph) -> dict[str, str]:
    """node id → a readable name: the step name, else the kind (with the label for forks/joins)."""
    out = {}
    for n, d in g.nodes(data=True):
        ref = d["ref"]
        if d["kind"].startswith("step_"):
            out[n] = ref.name
        elif d["kind"] in ("fork", "join", "break", "function_entry"):
            out[n] = f"{d['kind']}:{d['label']}"
        else:
            out[n] = d["kind"]
    return out


def edges(g: nx.DiGraph, *, back: bool | None = None) -> set[tuple[str, str, str | None]]:
    """Edges as (source name, target name, label), names from :func:`names`."""
    nm = names(g)
    return {
        (nm[u], nm[v], d["label"])
        for u, v, d in g.edges(data=True)
        if back is None or d["back"] == back
    }


# --- sequence, start / end -----------------------------------------------------------------------


def test_sequence_has_one_start_and_one_end():
    g = build_flow(workflow({"class_name": "W", "functions": {}, "nodes": [step("a"), step("b")]}))
    assert [d["kind"] for _, d in g.nodes(data=True)] == ["start", "step_do", "step_do", "end"]
    assert list(g.nodes) == ["n0", "n1", "n2", "n3"]
    assert list(g.edges) == [("n0", "n1"), ("n1", "n2"), ("n2", "n3")]
    assert g.graph["start"] == "n0" and g.graph["end"] == "n3"
    assert g.graph["class_name"] == "W"


def test_empty_workflow_is_start_to_end():
    g = build_flow(workflow({"class_name": "W", "functions": {}, "nodes": []}))
    assert list(g.edges) == [("n0", "n1")]


def test_node_attributes():
    g = build_flow(appendix("X05"))
    for _, d in g.nodes(data=True):
        assert set(d) >= {"kind", "label", "ref", "region", "counts"}
    wfe = [d for _, d in g.nodes(data=True) if d["kind"] == "step_wait_for_event"]
    assert wfe and all(d["counts"] == 1 for d in wfe)


def test_counts_are_step_do_and_wait_for_event():
    wf = workflow(
        {
            "class_name": "W",
            "functions": {},
            "nodes": [
                step("a"),
                {"type": "step_sleep", "name": "s", "duration": "1 hour"},
                {"type": "step_sleep_until", "name": "u", "timestamp": "generated"},
                {
                    "type": "step_wait_for_event",
                    "name": "w",
                    "options": {"event_type": "e", "timeout": 0},
                },
            ],
        }
    )
    g = build_flow(wf)
    assert {d["kind"]: d["counts"] for _, d in g.nodes(data=True)} == {
        "start": 0,
        "step_do": 1,
        "step_sleep": 0,
        "step_sleep_until": 0,
        "step_wait_for_event": 1,
        "end": 0,
    }


# --- if / switch ---------------------------------------------------------------------------------


def test_if_else_decision_and_merge_x33():
    g = build_flow(appendix("X33"))
    assert edges(g) == {
        ("start", "fork:parallel: all", None),
        ("fork:parallel: all", "p", None),
        ("p", "join:all done", None),
        ("join:all done", "decision", None),
        ("decision", "in if", "cond"),
        ("decision", "in else", "else"),
        ("in if", "merge", None),
        ("in else", "merge", None),
        ("merge", "end", None),
    }
    decision = next(n for n, d in g.nodes(data=True) if d["kind"] == "decision")
    assert g.nodes[decision]["construct"] == "if"
    assert g.nodes[decision]["region"] == ()
    inside = [
        d["region"]
        for _, d in g.nodes(data=True)
        if d["kind"] == "step_do" and d["ref"].name.startswith("in ")
    ]
    assert inside == [(f"if:{decision}",), (f"if:{decision}",)]


def test_if_without_else_gets_an_else_edge_to_the_merge():
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "functions": {},
                "nodes": [
                    {"type": "if", "branches": [{"condition": "x > 1", "nodes": [step("a")]}]},
                    step("after"),
                ],
            }
        )
    )
    assert edges(g) == {
        ("start", "decision", None),
        ("decision", "a", "x > 1"),
        ("decision", "merge", "else"),
        ("a", "merge", None),
        ("merge", "after", None),
        ("after", "end", None),
    }


def test_empty_branch_edge_keeps_source_order_x38():
    g = build_flow(appendix("X38"))
    decision = next(n for n, d in g.nodes(data=True) if d["kind"] == "decision")
    out = sorted(g.out_edges(decision, data=True), key=lambda e: e[2].get("order", 0))
    assert [d["label"] for _, _, d in out] == ["i > 3", "else"]


def test_switch_x27():
    g = build_flow(appendix("X27"))
    nm = names(g)
    decision = next(n for n, d in g.nodes(data=True) if d["kind"] == "decision")
    assert g.nodes[decision]["construct"] == "switch"
    assert g.nodes[decision]["label"] == "match action.type"
    out = sorted(g.out_edges(decision, data=True), key=lambda e: e[2]["order"])
    assert [d["label"] for _, _, d in out] == [
        "create",
        "update",
        "upsert",
        "42",
        "FOO.bar",
        "`tpl`",
        "x + 1",
        "ret",
        "nostep",
        "default",
    ]
    merge = next(n for n, d in g.nodes(data=True) if d["kind"] == "merge")
    # A JavaScript switch `break` (no loop around it) ends its case at the merge ...
    breaks = [n for n, d in g.nodes(data=True) if d["kind"] == "break" and d["label"] == "break"]
    assert len(breaks) == 8 and all(list(g.successors(b)) == [merge] for b in breaks)
    assert all(g.edges[b, merge]["kind"] == "break" for b in breaks)
    # ... and `return` ends the run.
    (ret,) = [n for n, d in g.nodes(data=True) if d["kind"] == "break" and d["label"] == "return"]
    assert list(g.successors(ret)) == [g.graph["end"]]
    assert g.edges[ret, g.graph["end"]]["kind"] == "return"
    # The empty fall-through case goes straight to the merge.
    assert g.edges[decision, merge]["label"] == "update"
    assert nm[next(iter(g.predecessors(ret)))] == "r"


def test_switch_without_default_gets_a_default_edge():
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "functions": {},
                "nodes": [
                    {
                        "type": "switch",
                        "discriminant": "kind",
                        "branches": [{"condition": "a", "nodes": [step("a")]}],
                    },
                ],
            }
        )
    )
    assert ("decision", "merge", "default") in edges(g)


def test_break_in_match_inside_a_loop_leaves_the_loop():
    # Python: `break` in a `case` breaks the enclosing loop (SEMANTICS §5).
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "functions": {},
                "nodes": [
                    {
                        "type": "loop",
                        "nodes": [
                            step("poll"),
                            {
                                "type": "switch",
                                "discriminant": "state",
                                "branches": [
                                    {
                                        "condition": "done",
                                        "nodes": [{"type": "break", "kind": "break"}],
                                    },
                                    {"condition": None, "nodes": [step("wait")]},
                                ],
                            },
                        ],
                    },
                    step("after"),
                ],
            }
        )
    )
    nm = names(g)
    (brk,) = [n for n, d in g.nodes(data=True) if d["kind"] == "break"]
    after = next(n for n in g if nm[n] == "after")
    (exit_,) = g.successors(brk)
    assert g.nodes[exit_]["kind"] == "merge" and g.nodes[exit_]["region"] == ()
    assert list(g.successors(exit_)) == [after]
    assert g.edges[brk, exit_]["kind"] == "break"
    assert nx.is_directed_acyclic_graph(forward_graph(g))


# --- try -----------------------------------------------------------------------------------------


def test_try_except_finally_x31():
    wf = appendix("X31")
    g = build_flow(wf)
    first = edges(
        build_flow(
            workflow({"class_name": "W", "functions": {}, "nodes": [CASES["X31"]["nodes"][0]]})
        )
    )
    assert first == {
        ("start", "try", None),
        ("try", "try step", "try"),
        ("try step", "catch step", "except"),
        ("try step", "merge", None),
        ("catch step", "merge", None),
        ("merge", "finally step", "finally"),
        ("finally step", "end", None),
    }
    exc = [(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "except"]
    assert len(exc) == 2
    regions = {d["ref"].name: d["region"] for _, d in g.nodes(data=True) if d["kind"] == "step_do"}
    t = regions["try step"][0].split(":", 1)[1]
    assert regions["try step"] == (f"try:{t}",)
    assert regions["catch step"] == (f"except:{t}",)
    assert regions["finally step"] == (f"finally:{t}",)
    # try_block null, catch only (X31's fourth try): the except edge leaves the try node.
    assert ("try", "c4", "except") in edges(g)


def test_catch_edge_from_a_branching_try_block_leaves_one_merge():
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "functions": {},
                "nodes": [
                    {
                        "type": "try",
                        "try_block": {
                            "nodes": [
                                {
                                    "type": "if",
                                    "branches": [{"condition": "c", "nodes": [step("a")]}],
                                }
                            ]
                        },
                        "catch_block": {"nodes": [step("handle")]},
                        "finally_block": None,
                    },
                ],
            }
        )
    )
    (exc,) = [(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "except"]
    assert g.nodes[exc[0]]["kind"] == "merge"
    assert g.nodes[exc[0]]["region"][0].startswith("try:")


# --- parallel waves (docs/cloudflare-parser.md §6.5) -------------------------------------------------------


def test_parallel_waves_x10():
    # p 1→4, x1 1→2, x2 2→3: x2 starts when x1 resolves.
    assert edges(build_flow(appendix("X10"))) == {
        ("start", "fork:parallel: all", None),
        ("fork:parallel: all", "p", None),
        ("fork:parallel: all", "x1", None),
        ("x1", "x2", None),
        ("p", "join:all done", None),
        ("x2", "join:all done", None),
        ("join:all done", "after", None),
        ("after", "end", None),
    }


def test_parallel_waves_x15():
    # p 1→3, x 1→2, q 3→5, y 3→4: q and y hang under p (the last member resolving at 3).
    assert edges(build_flow(appendix("X15"))) == {
        ("start", "fork:parallel: all", None),
        ("fork:parallel: all", "p", None),
        ("fork:parallel: all", "x", None),
        ("p", "q", None),
        ("p", "y", None),
        ("q", "join:all done", None),
        ("y", "join:all done", None),
        ("x", "join:all done", None),
        ("join:all done", "end", None),
    }


def test_parallel_waves_x33_single_member():
    g = build_flow(appendix("X33"))
    assert ("fork:parallel: all", "p", None) in edges(g)
    assert ("p", "join:all done", None) in edges(g)


def test_parallel_waves_hang_under_the_last_resolver_x16():
    # a, b 1→2; c, d 2→3: both hang under b, the last member resolving at 2.
    e = edges(build_flow(appendix("X16")))
    assert {("b", "c", None), ("b", "d", None), ("a", "join:all done", None)} <= e
    assert ("a", "c", None) not in e


def test_inline_members_all_leave_the_fork_x07():
    e = edges(build_flow(appendix("X07")))
    assert {("fork:parallel: all", "a", None), ("fork:parallel: all", "b", None)} <= e
    assert ("join:all done", "after", None) in e


def test_parallel_kinds_label_fork_and_join_x08():
    g = build_flow(appendix("X08"))
    forks = [(d["label"], d["parallel_kind"]) for _, d in g.nodes(data=True) if d["kind"] == "fork"]
    joins = [d["label"] for _, d in g.nodes(data=True) if d["kind"] == "join"]
    assert forks == [
        ("parallel: race", "race"),
        ("parallel: any", "any"),
        ("parallel: all_settled", "all_settled"),
    ]
    assert joins == ["first to finish", "first to succeed", "all settled"]
    # Three parallels in sequence: the second one's members start at 3, which no member of
    # its own resolves at: both leave the fork.
    e = edges(g)
    assert {("fork:parallel: any", "y1", None), ("fork:parallel: any", "y2", None)} <= e
    assert ("join:first to finish", "fork:parallel: any", None) in e


def test_nested_parallel_is_a_member_x20():
    g = build_flow(appendix("X20"))
    e = edges(g)
    assert {
        ("fork:parallel: all", "a", None),
        ("fork:parallel: all", "fork:parallel: race", None),
        ("fork:parallel: race", "b1", None),
        ("fork:parallel: race", "b2", None),
        ("join:first to finish", "join:all done", None),
    } <= e
    regions = [
        d["region"]
        for _, d in g.nodes(data=True)
        if d["kind"] == "step_do" and d["ref"].name == "b1"
    ]
    assert len(regions[0]) == 2 and all(r.startswith("parallel:") for r in regions[0])


def test_loop_member_without_numbers_leaves_the_fork_x56():
    g = build_flow(appendix("X56"))
    e = edges(g)
    assert {
        ("fork:parallel: all", "p", None),
        ("fork:parallel: all", "loop_entry", None),
        ("loop step", "loop_entry", None),
        ("loop step", "join:all done", None),
    } <= e
    assert edges(g, back=True) == {("loop step", "loop_entry", None)}


def test_parallel_without_numbers_is_one_wave():
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "functions": {},
                "nodes": [
                    {"type": "parallel", "kind": "all", "nodes": [step("a"), step("b"), step("c")]},
                ],
            }
        )
    )
    e = edges(g)
    assert {("fork:parallel: all", x, None) for x in "abc"} <= e
    assert {(x, "join:all done", None) for x in "abc"} <= e


def test_dependency_block_is_a_sequence_member():
    # SEMANTICS §4.6: a concurrent=True dependency with its own dependencies is one member.
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "functions": {},
                "nodes": [
                    {
                        "type": "parallel",
                        "kind": "all",
                        "nodes": [
                            {
                                "type": "block",
                                "nodes": [
                                    step("fetch_user", starts=1, resolves=2),
                                    step("enrich", starts=2, resolves=3),
                                ],
                            },
                            step("fetch_prefs", starts=1, resolves=4),
                        ],
                    },
                    step("combine"),
                ],
            }
        )
    )
    assert edges(g) == {
        ("start", "fork:parallel: all", None),
        ("fork:parallel: all", "fetch_user", None),
        ("fetch_user", "enrich", None),
        ("fork:parallel: all", "fetch_prefs", None),
        ("enrich", "join:all done", None),
        ("fetch_prefs", "join:all done", None),
        ("join:all done", "combine", None),
        ("combine", "end", None),
    }


def test_numbers_are_kept_on_nodes():
    g = build_flow(appendix("X10"))
    p = next(d for _, d in g.nodes(data=True) if d["kind"] == "step_do" and d["ref"].name == "p")
    assert (p["starts"], p["resolves"]) == (1, 4)


def test_long_wave_chain_does_not_recurse():
    members = [step("p", starts=1, resolves=5000)] + [
        step(f"x{i}", starts=i + 1, resolves=i + 2) for i in range(3000)
    ]
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "functions": {},
                "nodes": [{"type": "parallel", "kind": "all", "nodes": members}],
            }
        )
    )
    assert (
        nx.dag_longest_path_length(forward_graph(g)) == 3003
    )  # start, fork, 3000 steps, join, end


# --- loops ---------------------------------------------------------------------------------------


def test_loop_back_edge():
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "functions": {},
                "nodes": [
                    step("before"),
                    {"type": "loop", "nodes": [step("a"), step("b")]},
                    step("after"),
                ],
            }
        )
    )
    assert edges(g, back=False) == {
        ("start", "before", None),
        ("before", "loop_entry", None),
        ("loop_entry", "a", None),
        ("a", "b", None),
        ("b", "after", None),
        ("after", "end", None),
    }
    assert edges(g, back=True) == {("b", "loop_entry", None)}
    (u, v) = back_edges(g)[0]
    assert g.edges[u, v]["kind"] == "back"
    assert not nx.is_directed_acyclic_graph(g)
    assert nx.is_directed_acyclic_graph(forward_graph(g))
    entry = next(n for n, d in g.nodes(data=True) if d["kind"] == "loop_entry")
    assert g.nodes[entry]["region"] == (f"loop:{entry}",)
    assert g.graph["regions"][f"loop:{entry}"]["level"] == 1


def test_nested_loops_regions_and_levels():
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "functions": {},
                "nodes": [
                    {"type": "loop", "nodes": [{"type": "loop", "nodes": [step("inner")]}]},
                ],
            }
        )
    )
    inner = next(d for _, d in g.nodes(data=True) if d["kind"] == "step_do")
    assert len(inner["region"]) == 2
    assert [g.graph["regions"][r]["level"] for r in inner["region"]] == [1, 2]
    assert len(back_edges(g)) == 2


# --- functions -----------------------------------------------------------------------------------


def test_function_bodies_built_once_and_linked_x36():
    g = build_flow(appendix("X36"))
    entries = [d["label"] for _, d in g.nodes(data=True) if d["kind"] == "function_entry"]
    assert entries == [f"{name}()" for name in appendix("X36").functions]
    method = g.graph["functions"]["method"]["entry"]
    callers = [u for u, _, d in g.in_edges(method, data=True) if d["kind"] == "call"]
    calls = [n for n, d in g.nodes(data=True) if d.get("callee") == "method"]
    # Three calls (run twice: awaited, and in the parallel; and other()), one call edge from the
    # first of them (SEMANTICS §9): the others are boxes that name the helper.
    assert len(calls) == 3 and callers == calls[:1]
    assert g.nodes[callers[0]]["region"] == ()
    regions = {d["region"] for _, d in g.nodes(data=True) if d["region"]}
    assert ("function:method",) in regions
    # Run's own flow ends without entering function bodies.
    assert nx.has_path(forward_graph(g), g.graph["start"], g.graph["end"])
    assert not back_edges(g)
    # The function with no caller is still drawn.
    assert "unused" in g.graph["functions"]


def test_recursion_terminates_with_a_back_call_x38():
    g = build_flow(appendix("X38"))
    entry = g.graph["functions"]["loop"]["entry"]
    calls = [(u, d["back"]) for u, _, d in g.in_edges(entry, data=True) if d["kind"] == "call"]
    # One call edge, from run; the recursive call inside the body is a box without an edge.
    assert [(g.nodes[u]["region"], back) for u, back in calls] == [((), False)]
    inner = [n for n, d in g.nodes(data=True) if d.get("callee") == "loop" and d["region"]]
    assert len(inner) == 1
    assert not [d for _, _, d in g.out_edges(inner[0], data=True) if d["kind"] == "call"]
    assert nx.is_directed_acyclic_graph(forward_graph(g))


def test_a_helper_called_only_by_itself_gets_a_back_call_edge():
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "nodes": [step("a")],
                "functions": {
                    "again": {
                        "name": "again",
                        "nodes": [step("b"), {"type": "function_call", "name": "again"}],
                    }
                },
            }
        )
    )
    (call,) = [(u, v, d) for u, v, d in g.edges(data=True) if d["kind"] == "call"]
    assert call[1] == g.graph["functions"]["again"]["entry"] and call[2]["back"] is True
    assert nx.is_directed_acyclic_graph(forward_graph(g))


def test_mutual_recursion():
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "nodes": [{"type": "function_call", "name": "ping"}],
                "functions": {
                    "ping": {
                        "name": "ping",
                        "nodes": [step("ping step"), {"type": "function_call", "name": "pong"}],
                    },
                    "pong": {
                        "name": "pong",
                        "nodes": [step("pong step"), {"type": "function_call", "name": "ping"}],
                    },
                },
            }
        )
    )
    # ping's edge comes from run, pong's from ping; pong's call back to ping draws no edge.
    calls = [(g.nodes[u]["region"], g.nodes[v]["label"]) for u, v, d in g.edges(data=True)
             if d["kind"] == "call"]
    assert calls == [((), "ping()"), (("function:ping",), "pong()")]
    assert not back_edges(g)
    assert nx.is_directed_acyclic_graph(forward_graph(g))


def test_return_inside_a_function_goes_to_its_exit():
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "nodes": [{"type": "function_call", "name": "f"}],
                "functions": {
                    "f": {
                        "name": "f",
                        "nodes": [
                            {
                                "type": "switch",
                                "discriminant": "x",
                                "branches": [
                                    {
                                        "condition": "a",
                                        "nodes": [step("a"), {"type": "break", "kind": "return"}],
                                    },
                                    {"condition": None, "nodes": [step("b")]},
                                ],
                            },
                        ],
                    },
                },
            }
        )
    )
    (ret,) = [n for n, d in g.nodes(data=True) if d["kind"] == "break"]
    assert list(g.successors(ret)) == [g.graph["functions"]["f"]["exit"]]


def test_call_to_an_unknown_function_is_marked():
    g = build_flow(
        workflow(
            {
                "class_name": "W",
                "functions": {},
                "nodes": [{"type": "function_call", "name": "ghost"}],
            }
        )
    )
    call = next(d for _, d in g.nodes(data=True) if d["kind"] == "function_call")
    assert call["missing_callee"] is True


# --- nested steps, depth, determinism ------------------------------------------------------------


def test_steps_inside_a_step_x32():
    g = build_flow(appendix("X32"))
    outer = next(
        n for n, d in g.nodes(data=True) if d["kind"] == "step_do" and d["ref"].name == "outer"
    )
    inner = next(
        d for _, d in g.nodes(data=True) if d["kind"] == "step_do" and d["ref"].name == "inner"
    )
    assert inner["region"] == (f"step:{outer}",)
    assert ("outer", "inner", None) in edges(g)


def test_depth_collapses_into_summaries():
    wf = workflow(
        {
            "class_name": "W",
            "functions": {},
            "nodes": [
                step("a"),
                {
                    "type": "loop",
                    "nodes": [step("x"), step("y"), {"type": "loop", "nodes": [step("z")]}],
                },
            ],
        }
    )
    g0 = build_flow(wf, depth=0)
    summaries = [d for _, d in g0.nodes(data=True) if d["kind"] == "summary"]
    assert [(s["label"], s["counts"], s["collapsed"]) for s in summaries] == [
        ("loop (3 steps)", 3, "loop")
    ]
    assert not back_edges(g0)
    g1 = build_flow(wf, depth=1)
    assert [d["label"] for _, d in g1.nodes(data=True) if d["kind"] == "summary"] == [
        "loop (1 step)"
    ]
    assert len(back_edges(g1)) == 1
    assert not [d for _, d in build_flow(wf, depth=2).nodes(data=True) if d["kind"] == "summary"]


def test_collapsed_function_and_chunks():
    wf = appendix("X36")
    g = build_flow(wf, collapse_functions={"method"})
    target = g.graph["functions"]["method"]["entry"]
    assert g.nodes[target]["kind"] == "summary" and g.nodes[target]["label"] == "method() (1 step)"
    assert sum(1 for _, _, d in g.in_edges(target, data=True) if d["kind"] == "call") == 1
    flat = workflow(
        {"class_name": "W", "functions": {}, "nodes": [step(f"s{i}") for i in range(10)]}
    )
    chunked = build_flow(flat, chunk=4)
    assert [
        d["label"].split("\n")[0] for _, d in chunked.nodes(data=True) if d["kind"] == "summary"
    ] == [
        "s0 … s3",
        "s4 … s7",
        "s8 … s9",
    ]
    assert sum(d["counts"] for _, d in chunked.nodes(data=True)) == 10


def test_collapsed_regions_keep_links_to_called_functions():
    wf = workflow(
        {
            "class_name": "W",
            "nodes": [step("a"), {"type": "loop", "nodes": [{"type": "function_call", "name": "f"}]}],
            "functions": {"f": {"name": "f", "nodes": [step("b")]}},
        }
    )
    g = build_flow(wf, depth=0)
    summary = next(n for n, d in g.nodes(data=True) if d["kind"] == "summary")
    assert g.has_edge(summary, g.graph["functions"]["f"]["entry"])


def _plain(g: nx.DiGraph):
    return (
        [
            (n, {k: v for k, v in d.items() if k not in ("ref", "members")})
            for n, d in g.nodes(data=True)
        ],
        list(g.edges(data=True)),
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_appendix_case_is_deterministic_and_acyclic_without_back_edges(case):
    g = build_flow(appendix(case))
    assert _plain(g) == _plain(build_flow(appendix(case)))
    assert list(g.nodes) == [f"n{i}" for i in range(len(g))]
    assert nx.is_directed_acyclic_graph(forward_graph(g))
    roots = {g.graph["start"]} | {f["entry"] for f in g.graph["functions"].values()}
    reach = set().union(*(nx.descendants(g, r) | {r} for r in roots))
    assert reach == set(g.nodes)
    steps = sum(d["counts"] for _, d in g.nodes(data=True))
    assert steps == sum(
        1 for _, d in g.nodes(data=True) if d["kind"] in ("step_do", "step_wait_for_event")
    )


def test_id_prefix():
    g = build_flow(appendix("X07"), id_prefix="w1_")
    assert all(n.startswith("w1_n") for n in g)
    assert all(
        k.split(":", 1)[1].startswith("w1_")
        for k in g.graph["regions"]
        if not k.startswith("function:")
    )


# --- any tree ------------------------------------------------------------------------------------


_NAMES = st.sampled_from(["a", "b", "fetch ${...}", "<dynamic>", 'q"uote', "x\\y", "end"])
_NUM = st.one_of(st.none(), st.integers(1, 6))


def _leaf() -> st.SearchStrategy[dict]:
    return st.one_of(
        st.builds(
            lambda n, s, r: {
                **step(n),
                **({"starts": s} if s else {}),
                **({"resolves": r} if r else {}),
            },
            _NAMES,
            _NUM,
            _NUM,
        ),
        st.builds(lambda n: {"type": "step_sleep", "name": n, "duration": "1 hour"}, _NAMES),
        st.builds(lambda n: {"type": "step_wait_for_event", "name": n, "options": None}, _NAMES),
        st.builds(lambda f: {"type": "function_call", "name": f}, st.sampled_from(["f", "g", "h"])),
        st.builds(lambda k: {"type": "break", "kind": k}, st.sampled_from(["break", "return"])),
    )


def _extend(children: st.SearchStrategy[dict]) -> st.SearchStrategy[dict]:
    body = st.lists(children, max_size=3)
    cond = st.one_of(st.none(), st.sampled_from(["x > 1", "ok", "a == 'b'"]))
    block = st.one_of(st.none(), st.builds(lambda ns: {"nodes": ns}, body))
    return st.one_of(
        st.builds(lambda ns: {"type": "loop", "nodes": ns}, body),
        st.builds(
            lambda k, ns: {"type": "parallel", "kind": k, "nodes": ns},
            st.sampled_from(["all", "any", "all_settled", "race"]),
            body,
        ),
        st.builds(lambda ns: {"type": "block", "nodes": ns}, body),
        st.builds(
            lambda bs: {"type": "if", "branches": bs},
            st.lists(
                st.builds(lambda c, ns: {"condition": c, "nodes": ns}, cond, body),
                min_size=1,
                max_size=3,
            ),
        ),
        st.builds(
            lambda bs: {"type": "switch", "discriminant": "kind", "branches": bs},
            st.lists(
                st.builds(lambda c, ns: {"condition": c, "nodes": ns}, cond, body),
                min_size=1,
                max_size=3,
            ),
        ),
        st.builds(
            lambda t, c, f: {"type": "try", "try_block": t, "catch_block": c, "finally_block": f},
            block,
            block,
            block,
        ),
        st.builds(lambda n, ns: {**step(n), "nodes": ns}, _NAMES, body),
    )


_TREES = st.lists(st.recursive(_leaf(), _extend, max_leaves=12), max_size=5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(run=_TREES, f=_TREES, g=_TREES, depth=st.one_of(st.none(), st.integers(0, 2)))
def test_any_tree_gives_a_sound_graph(run, f, g, depth):
    wf = workflow(
        {
            "class_name": "W",
            "nodes": run,
            "functions": {
                "f": {"name": "f", "nodes": f},
                "g": {"name": "g", "nodes": g},
            },
        }
    )
    flow = build_flow(wf, depth=depth)
    assert nx.is_directed_acyclic_graph(forward_graph(flow))
    roots = {flow.graph["start"]} | {x["entry"] for x in flow.graph["functions"].values()}
    reach = set().union(*(nx.descendants(flow, r) | {r} for r in roots))
    # Only what follows a `return` / `break` (on every path) may be unreachable.
    if "break" not in repr(run + f + g):
        assert reach == set(flow)
    if depth is None:
        expected = 0
        stack = list(wf.nodes) + [n for fd in wf.functions.values() for n in fd.nodes]
        while stack:
            node = stack.pop()
            expected += node.type in ("step_do", "step_wait_for_event")
            if node.type in ("if", "switch"):
                stack.extend(n for b in node.branches for n in b.nodes)
            elif node.type == "try":
                stack.extend(
                    n
                    for b in (node.try_block, node.catch_block, node.finally_block)
                    if b
                    for n in b.nodes
                )
            elif hasattr(node, "nodes"):
                stack.extend(node.nodes)
        assert sum(d["counts"] for _, d in flow.nodes(data=True)) == expected
    assert _plain(flow) == _plain(build_flow(wf, depth=depth))
    assert render_dot([("W", wf)], lambda node: None, depth=depth).endswith("}\n")
    assert render_mermaid([("W", wf)], depth=depth).text.startswith("flowchart TD\n")
