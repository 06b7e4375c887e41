"""WF109 dependency-mode-flip (docs/python-api.md §2.0; SEMANTICS §10.3)."""

from __future__ import annotations

from .base import DiffRule, Pair, workflow, wrangler

_LEGACY = workflow("""
    @step.do("load")
    async def load():
        return await fetch_order(event["payload"])

    @step.do("charge", depends=[load])
    async def charge(order):
        return await pay(order)

    await charge()
""")

_IMPLICIT = workflow("""
    @step.do("load")
    async def load():
        return await fetch_order(event["payload"])

    @step.do("charge")
    async def charge(load):
        return await pay(load)

    await charge()
""")


class DependencyModeFlip(DiffRule):
    """A compatibility change that flips how `step.do` takes dependencies, under code relying on it.

    ## What it does
    Reads the wrangler file that governs the workflow on both sides. When the new
    `compatibility_date` or `compatibility_flags` switch `step.do` between the legacy API
    (`depends=[...]`, a name required) and the implicit one (parameters name the steps they
    depend on; from 2026-02-25, or with `python_workflows_implicit_dependencies`), and the new
    version's steps still use the old form, it flags the line of the wrangler file that changed.
    The steps whose graph the switch changes are not reported besides.

    ## Why is this bad?
    `depends=` does not exist in the implicit API, and the legacy API requires a name and
    `depends=` for parameters: the step raises `TypeError` when it is called, in every new
    instance and in every replay of an in-flight one, which then fails.

    ## Example
    ```toml
    # before: compatibility_date = "2026-01-15"   (legacy: depends=)
    compatibility_date = "2026-03-01"             # implicit: depends= raises TypeError
    ```

    ## Use instead:
    Migrate the steps in the same change (`async def charge(load):` instead of
    `depends=[load]`), or keep the compatibility date and flags.
    """

    code = "WF109"
    name = "dependency-mode-flip"
    severity = "error"

    VALID = (
        Pair(base=_LEGACY, head=_IMPLICIT,
             base_wrangler=wrangler("2026-01-15"), head_wrangler=wrangler("2026-03-01")),
    )
    INVALID = (
        Pair(base=_LEGACY, head=_LEGACY,
             base_wrangler=wrangler("2026-01-15"), head_wrangler=wrangler("2026-03-01"),
             lines=(3,)),
    )
