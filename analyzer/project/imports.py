"""A project's boundaries and how its imports resolve to its own files (SEMANTICS §2.4).

- Project root: the folder of the wrangler config that governs the file (the nearest
  ``wrangler.toml`` / ``wrangler.jsonc`` / ``wrangler.json`` in its folder or above), else the
  repository root (the nearest folder above with ``.git``), else the file's folder.
- Import roots, in order: the folder of the wrangler ``main`` module (Python Workers run with it
  on ``sys.path``), the folder of the file analysed, then the project root. Relative imports
  resolve against the importing module's package.
- Only ``.py`` files inside the project root are ever resolved: never the standard library,
  installed packages, vendored ``python_modules/`` or tool folders. Nothing is imported or run.
"""

from __future__ import annotations

from dataclasses import field
from functools import lru_cache
from pathlib import Path

from ..records import record
from .files import SKIP_DIRS
from .sources import DISK, Sources
from .wrangler import WRANGLER_NAMES, ConfigError, main_module, parse_wrangler

VENDORED = frozenset({"python_modules"})


@record(frozen=True)
class Module:
    """What a dotted name resolved to: a module file, or a namespace package (a folder)."""

    name: str
    file: Path | None
    folder: Path | None = None

    @property
    def is_package(self) -> bool:
        return self.folder is not None


@record
class Project:
    root: Path
    wrangler: Path | None = None
    main_dir: Path | None = None
    sources: Sources = field(default=DISK, repr=False)

    def import_roots(self, analysed: Path) -> list[Path]:
        roots: list[Path] = []
        for folder in (self.main_dir, analysed.parent, self.root):
            if folder is not None and folder not in roots and self.contains(folder):
                roots.append(folder)
        return roots

    def contains(self, path: Path) -> bool:
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            return False
        return not any(part in SKIP_DIRS or part in VENDORED or part.startswith(".")
                       for part in rel.parts)

    # --- resolving ---------------------------------------------------------------------------

    def resolve(self, importer: Path, name: str | None, level: int, analysed: Path) -> Module | None:
        """The module ``name`` means in ``importer`` (``level`` dots of a relative import)."""
        if level:
            base = importer.parent  # a package's __init__.py imports relative to the package
            for _ in range(level - 1):
                base = base.parent
            if not self.contains(base) and base != self.root:
                return None
            return self._find(base, name.split(".") if name else [], name or "")
        if not name:
            return None
        for root in self.import_roots(analysed):
            found = self._find(root, name.split("."), name)
            if found is not None:
                return found
        return None

    def submodule(self, package: Module, name: str) -> Module | None:
        """``from package import name`` where ``name`` is a module of the package."""
        folder = package.folder
        if folder is None:
            return None
        return self._find(folder, [name], f"{package.name}.{name}" if package.name else name)

    def _find(self, base: Path, parts: list[str], dotted: str) -> Module | None:
        folder = base
        for part in parts[:-1]:
            folder = folder / part
            if not self.sources.is_dir(folder):
                return None
        if not parts:
            return self._package(folder, dotted)
        leaf = folder / parts[-1]
        as_file = leaf.with_name(leaf.name + ".py")
        package = self._package(leaf, dotted)
        if package is not None and package.file is not None:
            return package
        if self.sources.is_file(as_file) and self.contains(as_file):
            return Module(dotted, as_file)
        return package

    def _package(self, folder: Path, dotted: str) -> Module | None:
        if not self.sources.is_dir(folder) or not (self.contains(folder) or folder == self.root):
            return None
        init = folder / "__init__.py"
        return Module(dotted, init if self.sources.is_file(init) else None, folder)


def find_project(path: Path, sources: Sources = DISK) -> Project:
    """The project a file belongs to (SEMANTICS §2.4)."""
    start = _absolute(path).parent
    wrangler = _nearest_wrangler(start, sources)
    if wrangler is not None:
        return Project(wrangler.parent, wrangler, _main_dir(wrangler, sources), sources)
    for folder in (start, *start.parents):
        if sources.is_dir(folder / ".git") or sources.is_file(folder / ".git"):
            return Project(folder, sources=sources)
    return Project(start, sources=sources)


def _nearest_wrangler(start: Path, sources: Sources) -> Path | None:
    for folder in (start, *start.parents):
        for name in WRANGLER_NAMES:
            if sources.is_file(folder / name):
                return folder / name
    return None


def _main_dir(wrangler: Path, sources: Sources) -> Path | None:
    text = sources.read(wrangler)
    if text is None:
        return None
    try:
        main = main_module(parse_wrangler(text, wrangler))
    except ConfigError:
        return None  # the config's own errors are reported by the commands that read it
    return _absolute(main).parent if main is not None else None


@lru_cache(maxsize=4096)
def _absolute(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
