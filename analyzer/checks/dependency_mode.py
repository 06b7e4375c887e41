"""Why ``step.do`` runs in legacy-dependency mode, as the wrangler file says (docs/python-api.md
§2.0): the rules about ``depends=`` (WF024, WF025) tell the reader which setting decides, and
whether moving the compatibility date will change it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..project.wrangler import IMPLICIT_DEPS_DATE, IMPLICIT_DEPS_FLAG, NO_IMPLICIT_DEPS_FLAG

if TYPE_CHECKING:
    from ..project.wrangler import WranglerConfig


def legacy_by_date(wrangler: "WranglerConfig | None") -> bool:
    """Legacy mode because of the compatibility date alone: moving the date to 2026-02-25 or
    later turns implicit dependencies on."""
    if wrangler is None:
        return False
    flags = wrangler.compatibility_flags
    if IMPLICIT_DEPS_FLAG in flags or NO_IMPLICIT_DEPS_FLAG in flags:
        return False
    date = wrangler.compatibility_date
    return date is not None and date < IMPLICIT_DEPS_DATE


def legacy_reason(wrangler: "WranglerConfig | None") -> str:
    """Which setting makes the mode legacy, for a note."""
    if wrangler is not None and NO_IMPLICIT_DEPS_FLAG in wrangler.compatibility_flags:
        return f"the {NO_IMPLICIT_DEPS_FLAG} flag in {wrangler.path.name}"
    if legacy_by_date(wrangler):
        assert wrangler is not None
        return (f"compatibility_date {wrangler.compatibility_date} in {wrangler.path.name}, "
                f"before {IMPLICIT_DEPS_DATE}")
    return (f"a compatibility_date before {IMPLICIT_DEPS_DATE}, or the {NO_IMPLICIT_DEPS_FLAG} "
            "flag")
