"""WF101 renamed-step (SEMANTICS §10.2, §10.3)."""

from __future__ import annotations

from .base import CHARGE, DiffRule, Pair, workflow


class RenamedStep(DiffRule):
    """A step that keeps its body but changes its name.

    ## What it does
    Compares each workflow with its previous version (`wfgraph diff BASE`) and flags a step
    whose name changed while its body stayed the same: a new name on `@step.do(...)`, a renamed
    function of a step named after its function (`@step.do()`), a changed f-string, or a sleep or
    wait renamed in place. Bodies are compared as source without whitespace and comments.

    ## Why is this bad?
    Cloudflare does not pin a running instance to the code it started on: after a deploy, a
    sleeping, waiting or retrying instance replays `run` on the new code, and each step is
    looked up in its cache by name and call count. Under its new name the step has no cached
    result, so instances that already ran it run it again: the card is charged twice, the email
    sent twice.

    ## Example
    ```python
    # before
    @step.do("charge")
    async def charge(): ...
    # after
    @step.do("charge card")
    async def charge(): ...
    ```

    ## Use instead:
    Keep the name the step was deployed with (a display name can live elsewhere), or let
    in-flight instances finish before deploying the rename (or restart them on the new version:
    `wrangler workflows instances restart`). Once reviewed, accept the rename with
    `# wfgraph: ignore[WF101]` on the decorator's line.
    """

    code = "WF101"
    name = "renamed-step"
    severity = "error"

    VALID = (
        # the function's name is free once the step has one
        Pair(workflow(CHARGE), workflow(CHARGE.replace("def charge", "def charge_card")
                                        .replace("await charge", "await charge_card"))),
    )
    INVALID = (
        Pair(workflow(CHARGE), workflow(CHARGE.replace('"charge"', '"charge card"')), lines=(6,)),
        # a step named after its function
        Pair(workflow(CHARGE.replace('"charge"', "")),
             workflow(CHARGE.replace('"charge"', "").replace("charge(", "charge_card(")),
             lines=(6,)),
    )
