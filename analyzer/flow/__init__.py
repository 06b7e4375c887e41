"""Schema tree → control-flow graph for the renderers (SEMANTICS §9)."""
