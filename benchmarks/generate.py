"""Synthetic inputs for the benchmarks: large workflow modules of two shapes, and a repository tree.

Everything is generated from a seeded ``random.Random``, so two runs measure the same text.
The code is shaped like real workflow modules: step declarations with ordinary Python in their
bodies (dicts, comprehensions, string formatting, calls), branches, loops, ``try``, ``match``,
``asyncio.gather``, helper methods and module functions that receive the step object, and a few
deeply nested regions.
"""

from __future__ import annotations

import random
from pathlib import Path

HEADER = '''"""A generated workflow module (wfgraph benchmarks)."""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from workers import WorkflowEntrypoint
from workers.workflows import NonRetryableError

RETRY = {"retries": {"limit": 7, "delay": "15 seconds", "backoff": "linear"}, "timeout": "3 minutes"}
REGION = "eu-west"


@dataclass
class Item:
    sku: str
    qty: int
    price: float

    def total(self) -> float:
        return self.qty * self.price * (1.0 if self.qty < 10 else 0.9)


def summarise(rows: list[dict[str, object]]) -> dict[str, object]:
    by_kind: dict[str, int] = {}
    for row in rows:
        kind = str(row.get("kind", "other"))
        by_kind[kind] = by_kind.get(kind, 0) + 1
    return {"count": len(rows), "kinds": sorted(by_kind.items()), "region": REGION}
'''


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.counter = 0

    def uid(self) -> int:
        self.counter += 1
        return self.counter

    # --- pieces of ordinary code ---------------------------------------------------------------

    def plain_lines(self, ind: str, n: int) -> list[str]:
        r, out = self.rng, []
        for _ in range(n):
            k = self.uid()
            choice = r.randrange(6)
            if choice == 0:
                out.append(f"{ind}data_{k} = {{\"id\": {k}, \"name\": f\"item-{{{k} * 2}}\", "
                           f"\"tags\": [\"a\", \"b\", str({k} % 7)], \"ok\": {k} % 3 == 0}}")
            elif choice == 1:
                out.append(f"{ind}vals_{k} = [x * {k % 9 + 1} for x in range({k % 13 + 2}) if x % 2 == 0]")
            elif choice == 2:
                out.append(f"{ind}text_{k} = \", \".join(sorted(str(v) for v in "
                           f"(payload.get(\"k{k}\"), {k}, \"literal {k}\")))")
            elif choice == 3:
                out.append(f"{ind}total_{k} = sum(Item(\"s{k}\", {k % 5 + 1}, {k}.5).total() "
                           f"for _ in range(3)) + len(json.dumps({{\"n\": {k}}}))")
            elif choice == 4:
                out.append(f"{ind}self.log(\"checkpoint {k}\", level={k % 4}, extra={{\"k\": {k}}})")
            else:
                out.append(f"{ind}result_{k} = summarise([{{\"kind\": \"k{k % 5}\"}}, "
                           f"{{\"kind\": \"k{(k + 1) % 5}\", \"v\": {k}}}])")
        return out

    def step_decl(self, ind: str, step: str, label: str, body_lines: int = 1) -> tuple[list[str], str]:
        k = self.uid()
        fn = f"s_{k}"
        config = self.rng.choice(["", ", config=RETRY",
                                  ", config={\"retries\": {\"limit\": 3, \"delay\": 500}, \"timeout\": \"1 minute\"}"])
        out = [f"{ind}@{step}.do(\"{label} {k}\"{config})",
               f"{ind}async def {fn}():"]
        out += self.plain_lines(ind + "    ", body_lines)
        if not body_lines:
            out.append(f"{ind}    return {k}")
        return out, fn

    # --- statements that run steps -------------------------------------------------------------

    def block(self, ind: str, step: str, budget: int, depth: int, helpers: list[str],
              is_method: bool) -> list[str]:
        """Statements running about ``budget`` steps."""
        r, out = self.rng, []
        while budget > 0:
            choice = r.randrange(10) if budget >= 3 and depth <= 4 else r.choice((0, 3, 9))
            if r.random() < 0.15:
                out += self.plain_lines(ind, 1)
            if choice <= 2:
                decl, fn = self.step_decl(ind, step, "work")
                out += decl + [f"{ind}res_{fn} = await {fn}()"]
                budget -= 1
            elif choice == 3:
                k = self.uid()
                out.append(f"{ind}await {step}.sleep(\"pause {k}\", \"{k % 50 + 1} seconds\")")
                budget -= 1
            elif choice == 4:
                k = self.uid()
                out.append(f"{ind}if payload.get(\"flag_{k}\") and len(order[\"items\"]) > {k % 9}:")
                out += self.block(ind + "    ", step, 1, depth + 1, helpers, is_method)
                out.append(f"{ind}elif payload.get(\"mode\") == \"m{k}\":")
                out += self.block(ind + "    ", step, 1, depth + 1, helpers, is_method)
                out.append(f"{ind}else:")
                out += self.plain_lines(ind + "    ", 1)
                budget -= 2
            elif choice == 5:
                k = self.uid()
                out.append(f"{ind}for idx_{k}, item_{k} in enumerate(order[\"items\"][:{k % 7 + 1}]):")
                out += self.block(ind + "    ", step, 2, depth + 1, helpers, is_method)
                budget -= 2
            elif choice == 6:
                k = self.uid()
                out.append(f"{ind}try:")
                out += self.block(ind + "    ", step, 2, depth + 1, helpers, is_method)
                out.append(f"{ind}except (KeyError, ValueError) as exc_{k}:")
                out += self.block(ind + "    ", step, 1, depth + 1, helpers, is_method)
                out.append(f"{ind}except NonRetryableError:")
                out.append(f"{ind}    raise")
                budget -= 3
            elif choice == 7:
                k = self.uid()
                decls, names = [], []
                for _ in range(3):
                    decl, fn = self.step_decl(ind, step, "fan-out", body_lines=0)
                    decls += decl
                    names.append(fn)
                out += decls
                out.append(f"{ind}gathered_{k} = await asyncio.gather("
                           + ", ".join(f"{n}()" for n in names) + ")")
                budget -= 3
            elif choice == 8:
                k = self.uid()
                out.append(f"{ind}match payload.get(\"kind_{k}\"):")
                out.append(f"{ind}    case \"a\" | \"b\":")
                out += self.block(ind + "        ", step, 1, depth + 1, helpers, is_method)
                out.append(f"{ind}    case {{\"nested\": value_{k}}} if value_{k}:")
                out += self.block(ind + "        ", step, 1, depth + 1, helpers, is_method)
                out.append(f"{ind}    case _:")
                out += self.plain_lines(ind + "        ", 1)
                budget -= 2
            elif helpers:
                name = r.choice(helpers)
                call = f"self.{name}" if is_method and name.startswith("h_") else name
                out.append(f"{ind}await {call}({step}, payload)")
                budget -= 1
            else:
                k = self.uid()
                out.append(f"{ind}await {step}.sleep_until(\"until {k}\", payload[\"at\"])")
                budget -= 1
        return out

    def deep(self, ind: str, step: str, levels: int) -> list[str]:
        """A deeply nested region (if / for / with / try in turn), a step at the bottom."""
        out = []
        for level in range(levels):
            k = self.uid()
            out.append(ind + (f"if payload.get(\"d{k}\"):", f"for d_{k} in range({k % 3 + 1}):",
                              f"with open(\"/dev/null\") as fh_{k}:", "try:")[level % 4])
            ind += "    "
            out += self.plain_lines(ind, 1)
        decl, fn = self.step_decl(ind, step, "deep")
        out += decl + [f"{ind}await {fn}()"]
        for level in reversed(range(levels)):  # close each try, innermost first
            ind = ind[:-4]
            if level % 4 == 3:
                out += [f"{ind}except Exception:", f"{ind}    pass"]
        return out


def large_workflow(steps: int = 2000, helpers: int = 150, seed: int = 1) -> str:
    """One module: a workflow class whose run and helpers run about ``steps`` steps."""
    g = _Gen(seed)
    lines = HEADER.splitlines()
    method_names = [f"h_{i}" for i in range(helpers // 2)]
    function_names = [f"f_{i}" for i in range(helpers - len(method_names))]
    per_helper = max(1, steps // (2 * helpers))

    for name in function_names:
        lines += ["", "", f"async def {name}(step, payload):"]
        lines += g.block("    ", "step", per_helper, 1, [], is_method=False)
        lines.append("    return payload")

    lines += ["", "", "class BigWorkflow(WorkflowEntrypoint):",
              "    def log(self, message, level=0, extra=None):",
              "        print(message, level, extra)", ""]
    for name in method_names:
        lines += [f"    async def {name}(self, step, payload):"]
        lines += g.block("        ", "step", per_helper, 1, [], is_method=True)
        lines += ["        return payload", ""]

    lines += ["    async def run(self, event, step):",
              "        payload = event[\"payload\"]",
              "        order = payload[\"order\"]"]
    rest = steps - per_helper * helpers
    chunks = 10
    for _ in range(chunks):
        lines += g.block("        ", "step", max(1, rest // chunks), 1,
                         method_names + function_names, is_method=True)
        lines += g.deep("        ", "step", 40)
    lines += ["        return {\"done\": True}", ""]
    return "\n".join(lines) + "\n"


def helper_heavy_workflow(helpers: int = 600, runs: int = 8, run_length: int = 120,
                          depth: int = 30, seed: int = 2) -> str:
    """A module shaped differently from ``large_workflow``: many small module-level helpers
    calling each other (chains of helpers, each running a step or two), long flat runs of
    awaited steps and helper calls in ``run``, and a deeply nested region after each run."""
    g = _Gen(seed)
    r = g.rng
    lines = HEADER.splitlines()
    names = [f"helper_{i}" for i in range(helpers)]
    for i, name in enumerate(names):
        lines += ["", "", f"async def {name}(step, payload):"]
        lines += g.plain_lines("    ", r.randrange(1, 3))
        decl, fn = g.step_decl("    ", "step", "helper step", body_lines=r.randrange(0, 3))
        lines += decl + [f"    value = await {fn}()"]
        if i + 1 < helpers and r.random() < 0.6:  # call chains: later helpers, never cycles
            callee = names[r.randrange(i + 1, min(helpers, i + 20))]
            lines.append(f"    await {callee}(step, payload)")
        if r.random() < 0.3:
            lines.append(f"    await step.sleep(\"{name} pause\", \"{r.randrange(1, 60)} seconds\")")
        lines.append("    return value")

    lines += ["", "", "class HelperHeavyWorkflow(WorkflowEntrypoint):",
              "    def log(self, message, level=0, extra=None):",
              "        print(message, level, extra)", "",
              "    async def run(self, event, step):",
              "        payload = event[\"payload\"]",
              "        order = payload[\"order\"]"]
    for _ in range(runs):
        for _ in range(run_length):  # a long flat run: one statement after another
            k = g.uid()
            choice = r.randrange(4)
            if choice == 0:
                decl, fn = g.step_decl("        ", "step", "flat", body_lines=0)
                lines += decl + [f"        flat_{k} = await {fn}()"]
            elif choice == 1:
                lines.append(f"        await step.sleep(\"flat pause {k}\", \"{k % 50 + 1} seconds\")")
            else:
                lines.append(f"        await {r.choice(names)}(step, payload)")
        lines += g.deep("        ", "step", depth)
        lines += [f"        if payload.get(\"deep helper {g.uid()}\"):"]
        lines += [f"            await {r.choice(names)}(step, payload)"]
    lines += ["        return {\"done\": True}", ""]
    return "\n".join(lines) + "\n"


def small_workflow(seed: int, steps: int = 60) -> str:
    """A workflow file of a realistic size (~10-20 KB)."""
    g = _Gen(seed)
    lines = HEADER.splitlines()
    lines += ["", "", f"class Flow{seed}(WorkflowEntrypoint):",
              "    def log(self, message, level=0, extra=None):",
              "        print(message, level, extra)", "",
              "    async def h_0(self, step, payload):"]
    lines += g.block("        ", "step", 5, 1, [], is_method=True)
    lines += ["        return payload", "",
              "    async def run(self, event, step):",
              "        payload = event[\"payload\"]",
              "        order = payload[\"order\"]"]
    lines += g.block("        ", "step", steps, 1, ["h_0"], is_method=True)
    lines += ["        return {\"done\": True}", ""]
    return "\n".join(lines) + "\n"


def plain_module(seed: int) -> str:
    """An ordinary module that never mentions workflows (skipped by the text test)."""
    g = _Gen(seed)
    lines = ["\"\"\"Generated module.\"\"\"", "import json", "", "REGION = \"x\"", "",
             "class Item:", "    def total(self):", "        return 1", "",
             "def summarise(rows):", "    return rows", "",
             "def work(payload):", "    self = None"]
    lines += g.plain_lines("    ", 25)
    lines += ["    return payload", ""]
    return "\n".join(lines) + "\n"


def repo_tree(root: Path, files: int = 5000, workflows: int = 50, seed: int = 7) -> list[Path]:
    """A repository-like tree of ``files`` Python files, ``workflows`` of them with workflows,
    plus a .gitignore and an ignored folder. Returns the workflow files."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / ".gitignore").write_text("generated/\n*.tmp.py\n")
    workflow_at = set(rng.sample(range(files), workflows))
    found = []
    for i in range(files):
        folder = root / f"pkg_{i % 25:02d}" / f"sub_{(i // 25) % 8}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"mod_{i:05d}.py"
        if i in workflow_at:
            path.write_text(small_workflow(seed * 100_000 + i))
            found.append(path)
        else:
            path.write_text(plain_module(i))
    ignored = root / "generated"
    ignored.mkdir(exist_ok=True)
    (ignored / "ignored_workflow.py").write_text(small_workflow(1))
    return sorted(found)


if __name__ == "__main__":
    import sys

    text = large_workflow()
    sys.stdout.write(text)
