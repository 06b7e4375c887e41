"""Pre-deploy checks: the step budget (SEMANTICS §8) and lint rules, one module per rule."""
