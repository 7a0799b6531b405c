"""The tricks on private APIs (jinja_speedups.py, runtime.py) give what stock behaviour gives."""

from __future__ import annotations

import gc
from pathlib import Path

import jinja2
import pytest

from conftest import SAMPLE_CONTENT
from generator import jinja_speedups, templates
from generator.build import build
from generator.options import BuildOptions
from generator.runtime import paused_garbage_collection


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def cold_build(output: Path) -> dict[str, bytes]:
    build(BuildOptions(content_dir=SAMPLE_CONTENT, output_dir=output, use_cache=False,
                       search=False, future=True))
    return files_of(output)


def test_the_patched_code_generator_writes_what_stock_jinja_writes(tmp_path, monkeypatch):
    assert jinja_speedups.PATCHED, "the pinned Jinja is the one the patch was written for"
    patched = cold_build(tmp_path / "patched")
    monkeypatch.setattr(templates, "SpeedyEnvironment", jinja2.Environment)
    stock = cold_build(tmp_path / "stock")
    assert sorted(patched) == sorted(stock)
    assert [path for path in stock if patched[path] != stock[path]] == []


def test_the_patch_is_what_compiles_the_templates():
    """Else the comparison above would compare stock Jinja with itself."""
    source = "{{ title }}"
    patched = jinja_speedups.SpeedyEnvironment(autoescape=True).compile(source, raw=True)
    stock = jinja2.Environment(autoescape=True).compile(source, raw=True)
    assert "escape_output(" in patched and "escape_output(" not in stock
    env = jinja_speedups.SpeedyEnvironment(autoescape=True)
    assert env.from_string(source).render(title="<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_without_the_private_method_the_stock_code_generator_is_used(monkeypatch):
    monkeypatch.delattr(jinja2.compiler.CodeGenerator, "_output_child_pre")
    assert not jinja_speedups._can_patch()


def test_a_newer_jinja_is_not_patched(monkeypatch):
    monkeypatch.setattr(jinja2, "__version__", "3.2.0")
    assert not jinja_speedups._can_patch()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_pause_leaves_it_as_it_was(enabled):
    (gc.enable if enabled else gc.disable)()
    try:
        with paused_garbage_collection():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
    finally:
        gc.unfreeze()
        gc.enable()


def imports_of(path: Path) -> set[str]:
    """The generator modules a module imports, as paths relative to generator/ without .py."""
    import ast

    package = path.parent.relative_to(GENERATOR).parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - node.level + 1])
            found.add("/".join(base + (node.module or "").split(".")).strip("/"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator."):
            found.add(node.module.removeprefix("generator.").replace(".", "/"))
    return found


GENERATOR = Path(templates.__file__).parent


def test_only_build_and_serve_open_the_door_to_speed():
    """The pipeline reads as if every build were cold: the model, the content checks, the
    templates and the editor commands never import the incremental package."""
    allowed = {"build.py", "serve", "incremental"}
    offenders = []
    for path in sorted(GENERATOR.rglob("*.py")):
        relative = path.relative_to(GENERATOR)
        if relative.parts[0] in allowed:
            continue
        if any(
            name == "incremental" or name.startswith("incremental/") for name in imports_of(path)
        ):
            offenders.append(relative.as_posix())
    assert offenders == []


def test_tricks_on_the_process_live_in_runtime_py():
    offenders = [
        path.relative_to(GENERATOR).as_posix()
        for path in sorted(GENERATOR.rglob("*.py"))
        if path.name != "runtime.py"
        and (
            "gc." in path.read_text(encoding="utf-8")
            or "import gc" in path.read_text(encoding="utf-8")
        )
    ]
    assert offenders == []
