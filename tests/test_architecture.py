"""The package's shape: stages in folders, small modules, and imports that flow one way (no cycles, even
behind TYPE_CHECKING or inside a function)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "interview_integrity"
NAME = "interview_integrity"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(module: str, path: Path) -> Iterator[str]:
    """Every module of the package that `module` imports, wherever the import stands."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        yield from (t for t in targets if t in MODULES and t != module)


GRAPH = {module: sorted(set(_imports(module, path))) for module, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in GRAPH[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    assert _cycles() == []


def test_the_walk_sees_imports_of_every_kind(tmp_path: Path) -> None:
    """The cycle check would pass vacuously if it missed imports: it sees a TYPE_CHECKING import."""
    assert "interview_integrity.client.webrtc" in GRAPH["interview_integrity.client.sync"]
    assert "interview_integrity.analysis.registry" in GRAPH["interview_integrity.analysis.events"]


def test_the_top_level_is_the_product() -> None:
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    for stage in ("vision", "audio", "analysis", "service", "stores", "api", "report", "console", "client"):
        assert stage in folders


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_400_lines(module: str) -> None:
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= 400, f"{module} has {lines} lines: split it at its seams"


# data that crosses the stages: what a frame's signals are, not how they are computed
SHARED_DATA = {
    f"{NAME}.vision.signals", f"{NAME}.vision.arrays", f"{NAME}.vision.schedule", f"{NAME}.audio.signals",
}  # fmt: skip
LAYERS = {
    # a stage may not reach into the stages after it, nor into HTTP; vision and audio are two stages side by side
    "vision": ("audio", "analysis", "service", "stores", "api", "report", "client", "cli", "app"),
    "audio": ("analysis", "service", "stores", "api", "report", "client", "cli", "app", "evaluation", "training"),
    "analysis": (
        "vision", "audio", "service", "stores", "api", "report", "client", "cli", "app", "evaluation", "training",
    ),
    "stores": ("service", "api", "client", "cli", "app"),
    "service": ("api", "client", "cli", "app", "evaluation", "training", "bench"),
    "api": ("vision", "audio", "cli", "evaluation", "training", "bench"),
    "client": ("vision", "audio", "analysis", "service", "stores", "api", "app"),
    # the reviewer's pages draw what they are given: no models, no store, no HTTP
    "report": (
        "vision", "audio", "service", "stores", "api", "console", "client", "cli", "app", "evaluation", "training",
    ),
    "console": (
        "vision", "audio", "service", "stores", "api", "client", "cli", "app", "evaluation", "training", "bench",
    ),
}  # fmt: skip


@pytest.mark.parametrize("stage", sorted(LAYERS))
def test_stages_import_only_earlier_stages(stage: str) -> None:
    crossing = [
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        if module.startswith(f"{NAME}.{stage}.") or module == f"{NAME}.{stage}"
        for target in targets
        if target.count(".") and target.split(".")[1] in LAYERS[stage] and target not in SHARED_DATA
    ]
    assert crossing == []
