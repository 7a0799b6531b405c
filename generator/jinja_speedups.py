"""The only code that reaches into Jinja's and markupsafe's internals, for speed.

Both are private APIs: pyproject.toml pins Jinja2 and MarkupSafe below their next minor version,
and each trick falls back to stock behaviour when what it patches is not there.
tests/test_speedups.py renders the sample with the patched and the stock code generator and
compares the bytes.
"""

from __future__ import annotations

import inspect

import jinja2
import jinja2.compiler
from markupsafe import Markup, escape

try:  # markupsafe's C escaping, whose result escape() wraps in a Markup (see _escape_output)
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - markupsafe without its C extension, or a new version
    def _escape_inner(s: str, /) -> str:
        return str(escape(s))


def _escape_output(value) -> str:
    """What `{{ value }}` writes, as markupsafe.escape would write it, but not made a Markup again:
    the page is joined into one string anyway, and a Markup made of each of ~160 values a page
    took ~10% of the rendering. A str is escaped, a Markup (a filter's HTML) written as it is,
    anything else (a number ...) goes through escape()."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    return value if kind is Markup else escape(value)


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Compiles `{{ value }}` in autoescaped templates to _escape_output(value), not escape(value).
    """

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            return super()._output_child_pre(node, frame, finalize)
        self.write("environment.escape_output(")
        if finalize.src is not None:
            self.write(finalize.src)


def _can_patch() -> bool:
    """Whether Jinja's code generator has the private method _CodeGenerator overrides, as in 3.1."""
    method = getattr(jinja2.compiler.CodeGenerator, "_output_child_pre", None)
    if not callable(method) or not jinja2.__version__.startswith("3.1."):
        return False
    return list(inspect.signature(method).parameters) == ["self", "node", "frame", "finalize"]


PATCHED = _can_patch()


class SpeedyEnvironment(jinja2.Environment):
    """A Jinja environment whose templates write `{{ value }}` through _escape_output; stock
    Jinja when the code generator is not the one _CodeGenerator was written for."""

    code_generator_class = _CodeGenerator if PATCHED else jinja2.compiler.CodeGenerator
    escape_output = staticmethod(_escape_output)


# Templates compiled by _CodeGenerator are kept apart from those of plain Jinja (or of an older
# roundup), which the bytecode cache would otherwise load: it knows only the template's source.
BYTECODE_PATTERN = "roundup-1-%s.cache" if PATCHED else "roundup-stock-%s.cache"


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory; Jinja compiles a template again when its source changed.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


def release_environment(env: jinja2.Environment) -> None:
    """Let the site go with the last request that uses it. Jinja's templates and environment refer
    to each other, and frozen objects are never collected: what the environment holds (the site,
    its rendered Markdown) would stay in memory for good, ~3 MiB each edit on a ten-year archive."""
    for template in (env.cache or {}).values():
        # its compiled code's names, which name the template
        template.root_render_func.__globals__.clear()
    if env.cache is not None:
        env.cache.clear()
    env.globals.clear()
    env.filters.clear()
