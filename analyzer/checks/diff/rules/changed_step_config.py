"""WF112 changed-step-config (SEMANTICS §3.1, §10.3)."""

from __future__ import annotations

from .base import DiffRule, Pair, workflow


_RETRIES = """
RETRIES = {"limit": 3, "delay": "10 seconds"}

@step.do("charge", config={"retries": RETRIES})
async def charge():
    return await pay(event["payload"])

await charge()
"""


class ChangedStepConfig(DiffRule):
    """Retries or timeout of an existing step changed.

    ## What it does
    Reports a step whose `config` (`retries.limit`, `retries.delay`, `retries.backoff`,
    `timeout`) or a wait whose `timeout` differs from the previous version's.

    ## Why is this bad?
    It is usually intended, hence the info level; the finding says when it takes effect. Only
    attempts that have not started use the new settings: an attempt already running keeps its
    timeout, and a step already retrying keeps counting its attempts.

    ## Example
    ```python
    # before
    @step.do("charge", config={"retries": {"limit": 3, "delay": "10 seconds"}})
    # after
    @step.do("charge", config={"retries": {"limit": 10, "delay": "10 seconds"}})
    ```

    ## Use instead:
    Nothing; to apply new settings to a step already retrying, restart its instance
    (`wrangler workflows instances restart`).
    """

    code = "WF112"
    name = "changed-step-config"
    severity = "info"

    VALID = (
        # the same values, through a constant
        Pair(workflow(_RETRIES), workflow(_RETRIES.replace("RETRIES}", '{"limit": 3, "delay": "10 seconds"}}'))),
    )
    INVALID = (
        Pair(workflow(_RETRIES), workflow(_RETRIES.replace('"limit": 3', '"limit": 10')), lines=(12,)),
    )
