"""The codes of the step budget (SEMANTICS §8) and the limit counts are held against (§8.2).

WF001 and WF002 are reported by the budget (``budget.py``); their documentation lives here, as
each rule's does in its own module, and ``docs/rules.md`` is generated from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..project.config import Config, plan_limit
from ..records import record

if TYPE_CHECKING:
    from ..project.wrangler import WranglerConfig


class StepBudgetExceeded:
    """A workflow that can run more steps per instance than its limit allows.

    ## What it does
    Counts, over every path through `run` and the helpers it calls, the `step.do` and
    `step.wait_for_event` executions of one instance (sleeps do not count; steps inside step
    bodies do). `if`, `match` and `try` take their worst branch, `asyncio.gather` and task groups
    add their members, a loop multiplies its body by its trip count, and a helper call adds the
    helper's count. The largest count is held against the workflow's limit: `limits.steps` of its
    `[[workflows]]` entry in the wrangler file, else `max-steps` in `[tool.wfgraph]`, else the
    plan's (`--plan`, or `plan` in `[tool.wfgraph]`; paid: 10,000, free: 1,024). The finding points at
    what pushes the count over the limit (for a loop, the loop) and its notes list the path that
    reaches the count.

    ## Why is this bad?
    An instance that reaches the limit fails at that step, possibly days into its run. The paid
    plan's limit can be raised up to 25,000 with `limits.steps`; beyond that, split the work
    into several workflow instances (for example with `create_batch`).

    ## Example
    ```python
    for i in range(20_000):
        @step.do(f"process {i}")
        async def process(): ...
        await process()
    ```

    ## Use instead:
    Process in batches, each step handling many items, or fan out to child instances:
    ```python
    for batch in range(200):
        @step.do(f"process batch {batch}")
        async def process(): ...
        await process()
    ```
    """

    code = "WF001"
    name = "step-budget-exceeded"
    severity = "error"


class StepBudgetUnbounded:
    """A loop or recursion whose number of steps wfgraph cannot bound.

    ## What it does
    Reports each loop around counted steps whose trip count is not static (a `while` loop, a
    `for` over a step result or a payload field, a comprehension over a variable), and each
    recursive helper call that runs counted steps. The step budget counts them once; this
    warning says that the real count may be larger.

    ## Why is this bad?
    The step limit applies per instance whatever the input: a loop over a list that is small in
    testing can exceed it in production. Give wfgraph the largest trip count you expect, and the
    budget will be checked with it.

    ## Example
    ```python
    for page in await list_pages():
        await process(page)
    ```

    ## Use instead:
    Keep the loop, and tell wfgraph how many times it can run, on the loop's line:
    ```python
    for page in await list_pages():  # wfgraph: trip-count=500
        await process(page)
    ```
    or in `pyproject.toml`, by path and line:
    ```toml
    [tool.wfgraph.loop-trip-counts]
    "src/etl.py:15" = 500
    ```
    or for every such loop: `loop-trip-count = 500` under `[tool.wfgraph]`. Recursion cannot be
    given a count: suppress the warning with `# wfgraph: ignore[WF002]` once its depth is known to
    be small.
    """

    code = "WF002"
    name = "step-budget-unbounded"
    severity = "warning"


# --- the limit ------------------------------------------------------------------------------------


@record(frozen=True)
class Limit:
    value: int
    source: str


def limit_for(class_name: str, config: Config, wrangler: "WranglerConfig | None" = None) -> Limit:
    """SEMANTICS §8.2: the wrangler entry's ``limits.steps``, else ``max-steps``, else the plan
    (``--plan`` has already replaced the configured one); the order of ``Config.step_limit``."""
    if wrangler is not None:
        entry = wrangler.workflow_for(class_name)
        if entry is not None and entry.limits_steps is not None:
            return Limit(entry.limits_steps, f"limits.steps in {wrangler.path.name}")
    if config.max_steps is not None:
        return Limit(config.max_steps, "max-steps in [tool.wfgraph]")
    return Limit(plan_limit(config.plan), f"{config.plan} plan" + (" default" if config.plan == "paid" else ""))
