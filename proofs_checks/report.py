"""Self-contained HTML reports (figures embedded as PNG) and the same data as JSON.

``write_report(report, folder)`` writes ``report.html``, ``report.json`` and the figures as PNG files. A ``Report`` holds the
scenario's data (exactly what ``--json`` prints), matplotlib figures, tables whose columns are labelled
with their kind of number (exact, arbitrary precision, asymptotic, sampled), findings in words, and the
provenance: seeds, settings and package versions.
"""

from __future__ import annotations

import base64
import importlib.metadata
import io
import json
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import matplotlib

matplotlib.use("Agg")  # headless: reports are written, never shown
import matplotlib.pyplot as plt  # noqa: E402

from proofs_checks import SCHEMA_VERSION  # noqa: E402

KIND_CLASSES = {"exact": "exact", "arbitrary precision": "arbitrary", "asymptotic": "asymptotic", "sampled": "sampled"}


@dataclass
class Column:
    name: str
    kind: str  # one of KIND_CLASSES, or "" for labels such as n

    @property
    def kind_class(self) -> str:
        return KIND_CLASSES.get(self.kind, "")


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[str]]


@dataclass
class Report:
    title: str
    summary: str
    data: dict[str, Any]
    findings: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[tuple[plt.Figure, str]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)


def versions() -> dict[str, str]:
    found = {}
    for name in ["slt-verifier", "sympy", "mpmath", "numpy", "scipy", "jax", "blackjax", "optax", "arviz", "matplotlib"]:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return {**found, "python": platform.python_version()}


def _png(figure: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def payload(report: Report) -> dict[str, Any]:
    """The JSON document: the scenario's data, findings, settings and versions."""
    return {"schema_version": SCHEMA_VERSION, "title": report.title, "findings": report.findings, **report.data,
            "settings": report.settings, "versions": versions()}  # fmt: skip


def write_report(report: Report, folder: str | Path) -> tuple[Path, Path]:
    """Write ``report.html`` (self-contained), ``report.json`` and each figure as ``figure-K.png`` into
    ``folder``; return the paths of the first two."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("proofs_checks", "templates"), autoescape=jinja2.select_autoescape(["html", "j2"])
    )
    pngs = [(_png(figure), caption) for figure, caption in report.figures]
    for number, (png, _) in enumerate(pngs, start=1):
        (folder / f"figure-{number}.png").write_bytes(png)
    figures = [{"png": base64.b64encode(png).decode("ascii"), "caption": caption} for png, caption in pngs]
    provenance = {key: json.dumps(value, default=str) for key, value in report.settings.items()}
    provenance.update({f"version of {k}": v for k, v in versions().items()})
    html = environment.get_template("report.html.j2").render(
        title=report.title, summary=report.summary, findings=report.findings, figures=figures,
        tables=report.tables, provenance=provenance,
    )  # fmt: skip
    html_path, json_path = folder / "report.html", folder / "report.json"
    html_path.write_text(html, encoding="utf-8")
    json_path.write_text(json.dumps(payload(report), indent=1, default=str) + "\n", encoding="utf-8")
    return html_path, json_path
