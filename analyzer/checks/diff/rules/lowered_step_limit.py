"""WF110 lowered-step-limit (SEMANTICS §8, §10.3)."""

from __future__ import annotations

from .base import DiffRule, Pair, workflow, wrangler

_BATCHES = workflow("""
    for batch in range(3000):
        @step.do(f"process batch {batch}")
        async def process():
            return await handle(batch)

        await process()
""")


class LoweredStepLimit(DiffRule):
    """`limits.steps` lowered below the number of steps the workflow can run.

    ## What it does
    Reads the `limits.steps` of the workflow's entry in the wrangler file on both sides (the
    plan's default when there is none) and, when the new limit is lower, holds it against the
    step budget of both versions (as `wfgraph check` computes it, SEMANTICS §8). It flags the
    changed line of the wrangler file when either budget exceeds the new limit or is unbounded.

    ## Why is this bad?
    An instance counts every step it ran against the limit of the code it runs now. In-flight
    instances that already ran more steps than the new limit, or that will on the new version,
    fail at their next step, possibly days into their run.

    ## Example
    ```toml
    [workflows.limits]
    steps = 2000        # was 5000; the workflow runs up to 3,000 steps
    ```

    ## Use instead:
    Lower the limit only after the workflow's budget fits under it (and in-flight instances have
    finished), or keep the limit.
    """

    code = "WF110"
    name = "lowered-step-limit"
    severity = "warning"

    VALID = (
        Pair(base=_BATCHES, head=_BATCHES,
             base_wrangler=wrangler(extra="\n[workflows.limits]\nsteps = 10000\n"),
             head_wrangler=wrangler(extra="\n[workflows.limits]\nsteps = 5000\n")),
    )
    INVALID = (
        Pair(base=_BATCHES, head=_BATCHES,
             base_wrangler=wrangler(extra="\n[workflows.limits]\nsteps = 10000\n"),
             head_wrangler=wrangler(extra="\n[workflows.limits]\nsteps = 2000\n"),
             lines=(12,)),
    )
