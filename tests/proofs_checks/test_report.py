"""Reports: JSON equals --json, the HTML is self-contained and renders in headless Chromium."""

import base64
import json
import re
import shutil
import subprocess

import numpy as np
import pytest

from proofs_checks.report import Column, Report, Table, payload, write_report
from proofs_checks.scenarios.gap import report as gap_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def small_gap(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gap")
    report = gap_report((0.1,), n_min=10, n_max=1e4, per_decade=2, dps=6, sampled=True)
    html, data = write_report(report, folder)
    return report, html, data


def test_json_is_the_payload_and_labels_every_kind(small_gap):
    report, _, data = small_gap
    written = json.loads(data.read_text())
    assert written == json.loads(json.dumps(payload(report), default=str))
    assert written["settings"]["seed"] == 0 and written["versions"]["jax"]
    row = written["by_s"][0]["rows"][0]
    assert {"lambda_eff", "heat_capacity", "slt_lambda_eff", "regime"} <= set(row)
    assert written["by_s"][0]["sampled"][0]["lambda_eff"]["kind"] == "sampled"


def test_html_is_self_contained_with_labelled_columns(small_gap):
    report, html, _ = small_gap
    text = html.read_text()
    assert not re.search(r"(src|href)=\"https?://", text)  # nothing to fetch: it opens offline
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert len(images) == len(report.figures) >= 2
    assert all(base64.b64decode(image)[:8] == b"\x89PNG\r\n\x1a\n" for image in images)
    for kind in ["arbitrary precision", "asymptotic", "sampled"]:
        assert f'">{kind}</span>' in text
    assert "Reproducibility" in text and "version of jax" in text


def test_user_text_is_escaped(tmp_path):
    report = Report("<b>title</b>", "a < b", {}, ["x & y"], [Table("t", [Column("c", "exact")], [["<script>"]])])
    html, _ = write_report(report, tmp_path)
    text = html.read_text()
    assert "<script>" not in text and "&lt;script&gt;" in text


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (.ci/run installs Debian's chromium)")
def test_report_renders_in_headless_chromium(small_gap, tmp_path):
    _, html, _ = small_gap
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0 and "the gap scenario" in dom.stdout
    assert dom.stdout.count("<img") >= 2
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *flags, "--window-size=1200,1600", f"--screenshot={shot}", html.as_uri()],
                   capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    import matplotlib.image

    pixels = matplotlib.image.imread(str(shot))[..., :3]
    assert pixels.std() > 0.05  # not blank
    assert (np.abs(pixels - pixels[0, 0]).sum(axis=2) > 0.3).mean() > 0.02  # figures and text cover the page


def test_report_cli_errors(sltv, tmp_path):
    code, _, err = sltv("report", "--out", str(tmp_path))
    assert code == 2 and "--example" in err
    code, _, err = sltv("report", "bananas", "--out", str(tmp_path))
    assert code == 2 and "unknown scenario" in err
