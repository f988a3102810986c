"""The architecture's rules, checked by walking the source: layers, import cycles, family dispatch, README size."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("theory", "numerics", "proofs_checks")


def _modules() -> dict[str, Path]:
    """Every module of the three packages, by dotted name (a package by its ``__init__``)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _module_level_imports(module: str, path: Path, known: set[str]) -> set[str]:
    """Our modules that ``module`` imports when it is imported: statements outside functions (and outside
    ``if TYPE_CHECKING:``); ``from package import name`` counts as importing ``package.name`` when that is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(module, node, path.name == "__init__.py")
                imported.add(target)
                imported.update(f"{target}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
                visit(node.body + node.orelse)
            elif isinstance(node, (ast.Try, ast.With)):
                visit(node.body + getattr(node, "orelse", []) + getattr(node, "finalbody", []))
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)
            elif isinstance(node, ast.ClassDef):
                visit(node.body)

    visit(tree.body)
    return {name for name in imported if name in known and name != module}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _module_level_imports(name, path, known) for name, path in modules.items()}


def _all_imports(path: Path) -> set[str]:
    """Every absolute module name imported anywhere in the file, inside functions too."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(("layer", "forbidden"), [("theory", ("jax", "numerics", "proofs_checks")), ("numerics", ("theory", "proofs_checks"))])
def test_layer_rules(layer: str, forbidden: tuple[str, ...]) -> None:
    """theory never imports JAX or the layers above it; numerics never imports theory (anywhere, not only at the top)."""
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / layer).rglob("*.py")
        for name in _all_imports(path)
        if name.split(".")[0] in forbidden
    ]
    assert not offenders, offenders


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The non-trivial strongly connected components (Tarjan), each a list of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in graph:
        if node not in index:
            connect(node)
    return components


def _without_package_edges(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's ``__init__`` importing its own submodules, and a submodule importing a sibling through the
    package, is the normal shape of a package, not a cycle between layers: keep only edges between modules where
    neither is a package containing the other."""
    return {
        name: {t for t in targets if not (t.startswith(name + ".") or name.startswith(t + "."))}
        for name, targets in graph.items()
    }


def test_cycle_finder_finds_a_planted_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_level_import_cycle() -> None:
    assert _cycles(_without_package_edges(_graph())) == []


def test_no_function_level_import_of_a_higher_layer_in_the_executor() -> None:
    """The executor sits below the tasks and scenarios that use it: it imports none of them, even inside functions."""
    names = _all_imports(ROOT / "proofs_checks" / "executor.py")
    assert not [n for n in names if n.startswith(("proofs_checks.scenarios", "proofs_checks.regression", "proofs_checks.families"))]


def test_family_dispatch_lives_in_the_registry() -> None:
    """No string-keyed chain over model families (``kind == "regular"`` …) outside proofs_checks/families/."""
    families = r"regular|reduced_rank|deep_linear|monomial|polynomial|network|two_layer|modular"
    pattern = re.compile(rf"""kind\s*(==|!=|in)\s*[(\[{{]?\s*["']({families})["']""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "families" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, offenders


def test_readme_is_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; the details belong in docs/"


def test_no_citation_of_files_outside_the_repository() -> None:
    """Code cites papers or docs pages, never the design notes that are not part of the repository."""
    pattern = re.compile(r"REFERENCES(\.md)?\s*§|DESIGN\.md|REFERENCES\.md")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in (*PACKAGES, "bench", "examples", "tests", "docs")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".md", ".j2", ".toml"} and path.name != "test_architecture.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, offenders


def test_a_shadowing_theory_module_is_refused_with_one_clear_line(tmp_path) -> None:
    """A user's own theory.py earlier on sys.path must not silently replace ours (docs/architecture.md, "Import names")."""
    import subprocess
    import sys

    (tmp_path / "theory.py").write_text("value = 1\n")
    result = subprocess.run([sys.executable, "-c", "import proofs_checks"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode != 0
    assert f"shadowed by {tmp_path / 'theory.py'}" in result.stderr
    clean = subprocess.run([sys.executable, "-c", "import proofs_checks"], capture_output=True, text=True, cwd=ROOT)
    assert clean.returncode == 0, clean.stderr


def test_every_family_is_in_the_registry_and_names_its_module() -> None:
    """Each module of proofs_checks/families (but base) defines FAMILY, and the registry holds exactly those."""
    from proofs_checks.families import FAMILIES

    modules = sorted(p.stem for p in (ROOT / "proofs_checks" / "families").glob("*.py") if p.stem not in {"__init__", "base"})
    assert sorted(FAMILIES) == modules


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    """``sltv --help`` imports every command module: none may import JAX, sympy, scipy or matplotlib at module level
    (the commands that need them import them when they run; start-up is measured by bench/startup.py)."""
    import subprocess
    import sys

    code = "import sys, proofs_checks.cli; print(sorted({m.split('.')[0] for m in sys.modules} & {'jax', 'sympy', 'scipy', 'matplotlib'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
