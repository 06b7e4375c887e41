"""WF012 invalid-step-name (docs/python-api.md §2.1, §7: 256 characters, no control
characters)."""

from __future__ import annotations

from collections.abc import Iterable

from ...diagnostics import Diagnostic
from ..rule import Invalid, Rule, RuleContext, Valid
from ..step_args import name_expr, static_text
from ..step_calls import STEP_API

MAX_LENGTH = 256


class InvalidStepName(Rule):
    """A step name the engine rejects: too long, or with control characters.

    ## What it does
    Flags the name of a `step.do`, `step.sleep`, `step.sleep_until` or `step.wait_for_event`
    that is longer than 256 characters or contains a control character (a tab, a newline, NUL…).
    String literals and constants are checked whole; for f-strings the literal text alone already
    decides when it is too long or contains a control character.

    ## Why is this bad?
    The engine validates every step name (`isValidStepName` in Cloudflare's workflows-shared) and
    fails the step when the name is invalid; it only shows once the instance reaches that step.

    ## Example
    ```python
    @step.do("fetch\\tprices")
    async def fetch(): ...
    ```

    ## Use instead:
    ```python
    @step.do("fetch prices")
    async def fetch(): ...
    ```
    """

    code = "WF012"
    name = "invalid-step-name"
    severity = "error"

    VALID = (
        Valid("""
            from workers import WorkflowEntrypoint

            NAME = "fetch prices"


            class Prices(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do(NAME)
                    async def fetch():
                        return 1

                    await fetch()
                    await step.sleep("a name with spaces and ünïcödé", "1 second")
            """),
    )
    INVALID = (
        Invalid("""
            from workers import WorkflowEntrypoint


            class Prices(WorkflowEntrypoint):
                async def run(self, event, step):
                    @step.do("fetch\\tprices")
                    async def fetch():
                        return 1

                    await fetch()
            """, lines=(6,)),
        Invalid("""
            from workers import WorkflowEntrypoint

            LONG = (
                "a very long name, repeated until it passes the limit of the engine: ----------"
                "a very long name, repeated until it passes the limit of the engine: ----------"
                "a very long name, repeated until it passes the limit of the engine: ----------"
                "a very long name, repeated until it passes the limit of the engine: ----------"
            )


            class Prices(WorkflowEntrypoint):
                async def run(self, event, step):
                    await step.sleep(LONG, "1 second")
                    await step.sleep(f"{event['payload']['id']}\\n", "1 second")
            """, lines=(13, 14)),
    )

    def check(self, ctx: RuleContext) -> Iterable[Diagnostic]:
        for call in ctx.code.step_calls:
            if call.method not in STEP_API:
                continue
            expr = name_expr(call, ctx.implicit)
            found = static_text(expr, call.function.consts)
            if expr is None or found is None:
                continue
            pieces, whole = found
            text = "".join(pieces)
            control = next((ch for ch in text if _is_control(ch)), None)
            if control is not None:
                yield ctx.report(expr, f"step name contains the control character {control!r}: "
                                 "the engine rejects it")
            elif len(text) > MAX_LENGTH:
                size = f"{len(text)} characters" if whole else f"at least {len(text)} characters"
                yield ctx.report(expr, f"step name is {size} long; the engine accepts at most "
                                 f"{MAX_LENGTH}")


def _is_control(ch: str) -> bool:
    """Unicode's general category Cc: C0, DEL and C1, a set the standard keeps fixed (no
    unicodedata import for it)."""
    return ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F
