"""The apps import one another one way only (README.md, "Architecture"): lower layers never import higher ones.

The graph is built from the source: every import statement anywhere in every module of every app (at module level,
inside functions, under TYPE_CHECKING, in migrations), and every module named by a string to `import_module` or
`import_string`. It must follow the layer order below, which also makes it acyclic, and README.md must draw it."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The layers of README.md's map: a package imports only packages of lower layers.
LAYERS = {
    "common": 0,
    "audit": 0,
    "cases": 1,
    "evidence": 2,
    "extraction": 3,  # with pipeline/, pure Python (no Django, no app): record reading, event finding, slugs
    "narratives": 4,
    "engagements": 5,
    "exports": 6,
    "demo": 7,
    "operations": 7,
    "config": 8,  # the project: settings, URLs, the Celery app
}
NOT_COMPONENTS = {"tests", "benchmarks", "scripts"}  # they may use anything; nothing imports them
PIPELINE = ROOT / "extraction" / "pipeline"
DYNAMIC = {"import_module", "import_string", "__import__"}


def _package_of_module(module: str) -> str | None:
    """The top-level package of ours a module belongs to, or None for Django, the standard library and the like."""
    package = module.split(".")[0]
    return package if package in LAYERS else None


def _package_of_file(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def _module_of_file(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> list[tuple[str, tuple[str, ...], int]]:
    """(module, names, line) of every import in the file, relative imports resolved; string-named modules too."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_of_file(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, (), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((module, tuple(alias.name for alias in node.names), node.lineno))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in DYNAMIC and isinstance(node.args[0].value, str):
                found.append((node.args[0].value, (), node.lineno))
    return found


def _sources() -> list[Path]:
    return sorted(
        path for path in ROOT.rglob("*.py")
        if path.relative_to(ROOT).parts[0] in LAYERS and ".venv" not in path.parts
    )


def import_graph() -> dict[str, dict[str, list[str]]]:
    """{importing package: {imported package: ["file:line", ...]}}, other packages only."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in _sources():
        source = _package_of_file(path)
        for module, _names, line in _imported(path):
            target = _package_of_module(module)
            if target is not None and target != source:
                graph[source][target].append(f"{path.relative_to(ROOT)}:{line}")
    return graph


def test_every_package_of_ours_has_a_layer():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - NOT_COMPONENTS
    assert packages <= set(LAYERS), f"place these in LAYERS and in README.md's map: {sorted(packages - set(LAYERS))}"


def test_imports_point_down_the_layers_only():
    upward = [
        f"{source} (layer {LAYERS[source]}) imports {target} (layer {LAYERS[target]}) at {', '.join(where[:3])}"
        for source, targets in import_graph().items()
        for target, where in targets.items()
        if LAYERS[target] >= LAYERS[source]
    ]
    assert not upward, "imports that do not point down (use a hook, a panel or a selector below):\n" + "\n".join(upward)


def test_the_import_graph_has_no_cycle():
    graph = {source: set(targets) for source, targets in import_graph().items()}
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for following in sorted(graph.get(node, ())):
            if state.get(following) == "open":
                return [*path, node, following]
            if following not in state and (cycle := visit(following, [*path, node])):
                return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [])
            assert cycle is None, " -> ".join(cycle)


def test_the_pipeline_imports_neither_django_nor_any_app():
    """extraction/pipeline/ is pure Python: `manage.py extract` and tests call it with no database (STYLE.md)."""
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _sources() if PIPELINE in path.parents
        for module, _names, line in _imported(path)
        if module.split(".")[0] == "django"
        or (_package_of_module(module) is not None and not module.startswith("extraction.pipeline"))
    ]
    assert not found, "\n".join(found)


def readme_graph() -> dict[str, set[str]]:
    """The edges README.md draws: its Mermaid block between the "import graph" markers ("a --> b & c")."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- import graph: begin -->(.*?)<!-- import graph: end -->", text, re.S)
    assert block, "README.md must draw the import graph between <!-- import graph: begin/end --> markers"
    drawn: dict[str, set[str]] = {}
    for line in block.group(1).splitlines():
        source, arrow, targets = line.strip().partition("-->")
        if arrow:
            drawn.setdefault(source.strip(), set()).update(t.strip() for t in targets.split("&") if t.strip())
    return drawn


def test_the_readme_draws_the_import_graph_as_it_is():
    actual = {source: set(targets) for source, targets in import_graph().items()}
    lines = "\n".join(
        f"  {source} --> {' & '.join(sorted(actual[source], key=lambda t: (-LAYERS[t], t)))}" if actual.get(source)
        else f"  {source}"
        for source in sorted(LAYERS, key=lambda c: (-LAYERS[c], c))
    )
    assert readme_graph() == actual, "update README.md's import graph to:\n" + lines


def test_templates_point_down_the_layers_too():
    """An app's templates link to (`{% url %}`) and include only its own or lower apps' pages and templates; a higher
    app adds to a lower app's page through a panel (cases.panels). base.html and registration/ are the project's."""
    references = re.compile(r"""{%\s*url\s+['"](\w+):|{%\s*(?:include|extends)\s+['"](\w+)/""")
    upward = []
    for path in sorted((ROOT / "templates").glob("*/**/*.html")):
        app = path.relative_to(ROOT / "templates").parts[0]
        if app == "registration":
            continue
        assert app in LAYERS, f"templates/{app}/ belongs to no app of ours"
        for match in references.finditer(path.read_text(encoding="utf-8")):
            target = match.group(1) or match.group(2)
            if target in LAYERS and LAYERS[target] > LAYERS[app]:
                upward.append(f"{path.relative_to(ROOT)} uses {target}")
    assert not upward, "\n".join(upward)
