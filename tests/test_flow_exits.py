"""Where paths end in the flow graph (SEMANTICS §9), from Python source through the walker's side
information: no ``raise``, ``return``, ``break`` or ``continue`` is drawn as a normal
continuation. The JSON of the same source is unchanged (SEMANTICS §5)."""

from __future__ import annotations

import textwrap

import networkx as nx

from wfgraph.analyzer.analysis import analyze_source
from wfgraph.analyzer.flow.build import build_flow, forward_graph
from wfgraph.analyzer.portable import detach


def flow(body: str, helpers: str = "") -> nx.DiGraph:
    source = "from workers import WorkflowEntrypoint\n\n\nclass W(WorkflowEntrypoint):\n" \
             "    async def run(self, event, step):\n" + textwrap.indent(textwrap.dedent(body), " " * 8) \
             + textwrap.indent(textwrap.dedent(helpers), " " * 4)
    (wf,) = analyze_source(source, "w.py").workflows
    assert wf.graph is not None
    return build_flow(wf.graph.workflow)


def node(g: nx.DiGraph, text: str) -> str:
    """The node whose label starts with ``text``."""
    (found,) = [n for n, d in g.nodes(data=True) if d["label"].startswith(text)]
    return found


def edge_kinds(g: nx.DiGraph, u: str) -> dict[str, str]:
    """Successor label (first line) → edge kind."""
    return {g.nodes[v]["label"].split("\n")[0] or g.nodes[v]["kind"]: d["kind"]
            for _, v, d in g.out_edges(u, data=True)}


def test_raise_guard_ends_at_a_failure_terminal_not_the_merge():
    g = flow('''
        if not order:
            raise ValueError("no order")
        await step.sleep("a", "1 second")
    ''')
    (terminal,) = [n for n, d in g.nodes(data=True) if d["kind"] == "raise"]
    assert g.nodes[terminal]["label"] == 'raise ValueError("no order")'
    assert not list(g.successors(terminal))
    (into,) = g.in_edges(terminal, data=True)
    assert into[2]["kind"] == "raise" and into[2]["label"] == "not order"
    assert not nx.has_path(g, terminal, g.graph["end"])


def test_raise_inside_a_loop_does_not_go_round_again():
    g = flow('''
        for x in xs:
            if x < 0:
                raise ValueError(x)
            await step.sleep("a", "1 second")
    ''')
    terminal = node(g, "raise ValueError(x)")
    assert g.nodes[terminal]["region"][0].startswith("loop:")
    assert not list(g.successors(terminal))


def test_return_inside_an_if_inside_a_for_goes_to_the_end():
    g = flow('''
        for x in xs:
            if x:
                await step.sleep("found", "1 second")
                return x
            await step.sleep("next", "1 second")
        await step.sleep("after", "1 second")
    ''')
    found, after = node(g, "found"), node(g, "after")
    assert edge_kinds(g, found) == {"end": "return"}
    assert not nx.has_path(g, found, after)
    assert nx.has_path(g, node(g, "next"), after)


def test_try_return_skips_what_follows_the_try():
    g = flow('''
        @step.do("charge")
        async def charge():
            return 1

        try:
            return await charge()
        except TimeoutError:
            await step.sleep("wait", "1 minute")
        await step.sleep("after", "1 second")
    ''')
    charge, after, wait = node(g, "charge"), node(g, "after"), node(g, "wait")
    assert edge_kinds(g, charge)["end"] == "return"
    assert not nx.has_path(forward_graph(g), charge, after)
    assert nx.has_path(g, wait, after)


def test_break_leaves_the_loop_and_skips_its_else_continue_goes_back():
    g = flow('''
        for attempt in range(3):
            if attempt == 2:
                continue
            try:
                await step.sleep("try", "1 second")
                break
            except Exception:
                await step.sleep("back off", "1 minute")
        else:
            raise RuntimeError("gave up")
        await step.sleep("after", "1 second")
    ''')
    head = node(g, "for attempt in range(3)")
    assert g.nodes[head]["details"] == ("× 3",)
    attempt, gave_up, after = node(g, "try\n"), node(g, "raise RuntimeError"), node(g, "after")
    breaks = [(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "break"]
    assert len(breaks) == 1 and breaks[0][0] == attempt
    assert nx.has_path(g, attempt, after) and not nx.has_path(g, attempt, gave_up)
    assert nx.has_path(g, node(g, "back off"), gave_up)
    continues = [(u, v, d) for u, v, d in g.edges(data=True) if d["kind"] == "continue"]
    assert len(continues) == 1 and continues[0][1] == head and continues[0][2]["back"]
    assert continues[0][2]["label"] == "attempt == 2: continue"
    assert nx.is_directed_acyclic_graph(forward_graph(g))


def test_while_true_ends_only_by_break():
    g = flow('''
        while True:
            await step.sleep("poll", "1 minute")
            if done:
                break
            await step.sleep("wait", "1 minute")
        await step.sleep("after", "1 second")
    ''')
    wait, after = node(g, "wait"), node(g, "after")
    assert [g.nodes[v]["label"] for v in g.successors(wait)] == ["while True"]
    guard = next(n for n, d in g.nodes(data=True) if d.get("guard"))
    assert nx.has_path(g, guard, after)


def test_handler_without_steps_shows_the_workflow_goes_on():
    g = flow('''
        try:
            await step.sleep("risky", "1 second")
        except KeyError:
            pass
        except ValueError:
            raise
        await step.sleep("after", "1 second")
    ''')
    excepts = {d["label"]: v for u, v, d in g.edges(data=True) if d["kind"] == "except"}
    assert set(excepts) == {"except KeyError", "except ValueError"}
    assert nx.has_path(g, excepts["except KeyError"], node(g, "after"))
    assert g.nodes[excepts["except ValueError"]]["kind"] == "raise"
    assert all(d.get("from_region", "").startswith("try:") for *_, d in g.edges(data=True)
               if d["kind"] == "except")


def test_return_in_a_helper_goes_to_the_helper_exit_and_inline_expansion_returns_to_the_caller():
    g = flow('''
        await self.helper(step)
    ''', '''
    async def helper(self, step):
        if urgent:
            await step.sleep("now", "1 second")
            return
        await step.sleep("later", "1 hour")
    ''')
    assert edge_kinds(g, node(g, "now")) == {"return": "return"}
    assert g.nodes[node(g, "return")]["kind"] == "function_exit"


def test_side_information_survives_worker_processes():
    source = textwrap.dedent('''
        from workers import WorkflowEntrypoint

        class W(WorkflowEntrypoint):
            async def run(self, event, step):
                for i in range(2):
                    if i:
                        break
                    await step.sleep(f"nap {i}", "1 second")
                raise SystemExit("done")
    ''')
    import pickle

    detached = pickle.loads(pickle.dumps(detach(analyze_source(source, "w.py"))))
    g = build_flow(detached.workflows[0].graph.workflow)
    assert node(g, "nap {i}") and node(g, "raise SystemExit")
    assert g.nodes[node(g, "for i in range(2)")]["details"] == ("× 2",)
    assert [d["label"] for *_, d in g.edges(data=True) if d["kind"] == "break"] == ["i: break"]
