"""The package reads as the pipeline: stage subpackages, no import cycles, no private names across modules, and
a checker that never imports the builder or the aligner.

Every `import` statement counts, those inside functions too (a lazy import is still a dependency). Run this file
as a script to print the module graph (`python tests/test_layout.py`, or `--stages` for the stage graph).
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "glossary"
STAGES = ("corpus", "mining", "align", "formats", "review", "check", "report")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import of a glossary module in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names if alias.name.startswith("glossary")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if not base.startswith("glossary"):
                continue
            names = [alias.name for alias in node.names]
            submodules = [f"{base}.{name}" for name in names if f"{base}.{name}" in known]
            found += [(module, []) for module in submodules]
            found.append((base, [name for name in names if f"{base}.{name}" not in known]))
    return found


def graph() -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """Module -> modules it imports (packages' own __init__ excluded), and (importer, module, name) for each
    private name imported."""
    known = set(modules())
    edges: dict[str, set[str]] = defaultdict(set)
    private = []
    for name, path in modules().items():
        for target, names in imports_of(path, known):
            if target != name and target in known:
                edges[name].add(target)
            private += [(name, target, n) for n in names if n.startswith("_") and not n.startswith("__")]
    return edges, private


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(set(edges) | {n for targets in edges.values() for n in targets}):
        if node not in index:
            visit(node)
    return found


def stage_of(module: str) -> str:
    """The stage a module belongs to; the command line sits above them all, the shared modules (config, model,
    text, files, cache, parallel, errors) below."""
    parts = module.split(".")
    if module == "glossary.cli":
        return "(cli)"
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES) else "(core)"


def stage_edges(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    stages: dict[str, set[str]] = defaultdict(set)
    for source, targets in edges.items():
        for target in targets:
            if stage_of(source) != stage_of(target):
                stages[stage_of(source)].add(stage_of(target))
    return stages


def without_package_inits(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's __init__ re-exports its own modules: those edges are not dependencies between modules."""
    return {source: {t for t in targets if not t.startswith(source + ".")} for source, targets in edges.items()}


def test_no_import_cycles_between_modules():
    edges, _ = graph()
    assert cycles(without_package_inits(edges)) == []


def test_no_import_cycles_between_stages():
    edges, _ = graph()
    assert cycles(stage_edges(without_package_inits(edges))) == []


def test_no_private_name_crosses_modules():
    _, private = graph()
    assert private == []


def test_the_checker_never_imports_the_builder_or_the_aligner():
    edges, _ = graph()
    checker = {target for source, targets in edges.items() if stage_of(source) == "check" for target in targets}
    assert not {t for t in checker if stage_of(t) in ("review", "align")}


def test_formats_never_import_review():
    edges, _ = graph()
    assert not [(s, t) for s, targets in edges.items() for t in targets
                if stage_of(s) == "formats" and stage_of(t) == "review"]


def test_stage_subpackages_export_their_api():
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert init.is_file(), stage
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert any(isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets)
                   for node in tree.body), f"{stage}/__init__.py has no __all__"


if __name__ == "__main__":
    edges, private = graph()
    shown = stage_edges(without_package_inits(edges)) if "--stages" in sys.argv else without_package_inits(edges)
    for source in sorted(shown):
        print(f"{source} -> {', '.join(sorted(shown[source]))}")
    print(f"cycles: {cycles(shown) or 'none'}; private names across modules: {private or 'none'}")
