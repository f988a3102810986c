"""The engine that confronts theory with numerics: claims, certificates, comparisons, reports, the CLI.

``SCHEMA_VERSION`` is the version of every JSON document the tool writes (``--json`` output, ``report.json``,
``sweep.json``): it changes when a field is renamed or removed, not when one is added.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("slt-verifier")
except PackageNotFoundError:  # a source tree that was not installed
    __version__ = "unknown"

SCHEMA_VERSION = "1"


def _check_not_shadowed() -> None:
    """``theory`` and ``numerics`` are generic names: a user's own ``theory.py`` (or the package ``numerics`` from the
    package index) earlier on ``sys.path`` would silently replace ours. Refuse to start instead (docs/architecture.md,
    "Import names")."""
    import importlib.util
    from pathlib import Path

    home = Path(__file__).resolve().parent.parent
    for name in ("theory", "numerics"):
        spec = importlib.util.find_spec(name)
        origin = None if spec is None or spec.origin is None else Path(spec.origin).resolve()
        if origin is None or origin.parent.parent != home:
            raise ImportError(
                f"slt-verifier's package {name!r} is shadowed by {origin or 'nothing'} (expected {home / name}): rename "
                f"the other {name!r} or run from a directory that does not hold it"
            )


_check_not_shadowed()
