"""The research code imports one way: nothing under ``src/`` imports it or torch, and its own modules form
no import cycle (lazy imports inside functions count too). These checks read the source, so they run
without torch.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENCODER = REPO / "research" / "encoder"


def imported_modules(path: Path, package: str) -> set[str]:
    """Every module ``path`` imports, anywhere in the file, with relative imports made absolute."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
    return found


def test_nothing_under_src_imports_research_code_or_torch() -> None:
    offenders = {}
    for path in (REPO / "src").rglob("*.py"):
        roots = {m.split(".")[0] for m in imported_modules(path, "equipoise")}
        bad = roots & {"research", "torch", "transformers", "safetensors"}
        if bad:
            offenders[str(path.relative_to(REPO))] = sorted(bad)
    assert offenders == {}


def test_the_encoder_modules_import_each_other_without_a_cycle() -> None:
    names = {p.stem: p for p in ENCODER.glob("*.py") if p.stem != "__init__"}
    graph = {name: {m.rsplit(".", 1)[-1] for m in imported_modules(path, "research.encoder")
                    if m.startswith("research.encoder.") and m.rsplit(".", 1)[-1] in names}
             for name, path in names.items()}
    assert {"train", "minilm", "mpnet", "common"} <= set(graph)
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert node not in visiting, f"import cycle: {' -> '.join((*path, node))}"
        if node in done:
            return
        visiting.add(node)
        for other in sorted(graph[node]):
            visit(other, (*path, node))
        visiting.discard(node)
        done.add(node)

    for name in sorted(graph):
        visit(name, ())
