"""``wfgraph diff``: what a change does to each workflow, and whether instances running when it
deploys survive it (SEMANTICS §10).

The pipeline, one module per step: ``sources`` (a side's files as a Snapshot, from the working
tree or from git) → ``sides`` (analysed, or read from graph JSON, as workflow Versions) →
``identity`` (each step's static identity, §10.1) → ``matching`` (§10.2) → ``changes`` (the
change list) and ``deploy`` (the wrangler file's changes) → ``findings`` (WF101–WF112, §10.3;
documented in ``rules/``) → ``listing`` (text) and ``marking`` (diagram marks). ``compare`` ties
them together for ``commands/diff.py``.
"""
