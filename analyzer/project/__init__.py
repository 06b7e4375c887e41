"""Files, wrangler and pyproject configuration, project roots (SEMANTICS §2.4)."""
