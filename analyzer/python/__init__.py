"""The Python front end: source → schema nodes and facts (SEMANTICS §2–§7)."""
