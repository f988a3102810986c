"""Executors and sweeps: local = ray, resume from the cache, failures reported, the grid and its errors."""

import json

import pytest

from proofs_checks.executor import Cache, LocalExecutor, job_key, run_jobs
from proofs_checks.sweep import parse_sweep, run_sweep

SWEEP = """
[sweep]
task = "two-layer-exact"
[base]
singular_values = [0.1]
inputs = 1
hidden = 1
outputs = 1
dps = 10
[grid]
n = [10, 100, 1000, 10000]
"""


def specs():
    return parse_sweep(SWEEP)


def test_grid_and_dotted_keys():
    jobs = parse_sweep('[sweep]\ntask = "llc"\n[base]\nseed = 0\n[base.model]\nkind = "deep_linear"\nrank = 1\n'
                       '[grid]\n"model.rank" = [1, 2]\nseed = [0, 1, 2]\n')  # fmt: skip
    assert len(jobs) == 6 and {(j["model"]["rank"], j["seed"]) for j in jobs} == {(r, s) for r in (1, 2) for s in (0, 1, 2)}
    assert all(j["task"] == "llc" and j["model"]["kind"] == "deep_linear" for j in jobs)


@pytest.mark.parametrize(
    "text, message",
    [
        ('[sweep]\ntask = "nope"', "task must be one of"),
        ('[sweep]\ntask = "llc"\n[grid]\nseed = 3', "non-empty list"),
        ('[sweep]\ntask = "llc"\n[wat]\n', "unknown table"),
        ("[sweep", "not valid TOML"),
    ],
)
def test_bad_sweeps(text, message):
    with pytest.raises(ValueError, match=message):
        parse_sweep(text)


def test_two_local_workers_give_the_same_results_as_one():
    one = run_jobs(specs(), LocalExecutor(1))
    two = run_jobs(specs(), LocalExecutor(2))
    assert [r.result for r in one] == [r.result for r in two]
    assert all(r.status == "done" for r in one + two)


def test_local_and_ray_give_identical_results():
    ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'slt-verifier[ray]')")
    from proofs_checks.executor import RayExecutor

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        remote = run_jobs(specs(), RayExecutor())
    finally:
        ray.shutdown()
    local = run_jobs(specs(), LocalExecutor(1))
    assert [r.result for r in remote] == [r.result for r in local]


def test_an_interrupted_sweep_resumes_from_the_cache(tmp_path):
    def stop_after_two(counts):
        if counts["done"] == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(specs(), tmp_path, LocalExecutor(1), stop_after_two)
    results = run_sweep(specs(), tmp_path, LocalExecutor(1))
    assert [r.status for r in results] == ["cached", "cached", "done", "done"]
    assert [r.result for r in results] == [r.result for r in run_jobs(specs())]
    written = json.loads((tmp_path / "sweep.json").read_text())
    assert written["counts"] == {"done": 2, "cached": 2, "failed": 0}


def test_a_failing_job_is_reported_and_the_others_finish(tmp_path):
    jobs = specs()
    jobs[1] = {**jobs[1], "n": "-5"}
    results = run_sweep(jobs, tmp_path, LocalExecutor(2))
    assert [r.status for r in results] == ["done", "failed", "done", "done"]
    assert "n" in results[1].error
    assert not list((tmp_path / "cache").glob("*.tmp"))


def test_cache_keys_and_torn_files(tmp_path):
    a, b = specs()[:2]
    assert job_key(a) != job_key(b) and job_key(a) == job_key(dict(reversed(list(a.items()))))
    cache = Cache(tmp_path)
    cache.put(a, {"x": 1})
    assert cache.get(a) == {"x": 1} and cache.get(b) is None
    (tmp_path / f"{job_key(b)}.json").write_text("{torn")
    assert cache.get(b) is None


def test_sweep_cli(sltv, tmp_path):
    spec = tmp_path / "sweep.toml"
    spec.write_text(SWEEP.replace("[10, 100, 1000, 10000]", '[10, 100, "-1"]'))
    code, out, err = sltv("sweep", str(spec), "--out", str(tmp_path / "out"), "--json")
    payload = json.loads(out)
    assert code == 1 and payload["counts"] == {"done": 2, "cached": 0, "failed": 1}
    code, out, _ = sltv("sweep", str(spec), "--out", str(tmp_path / "out"))
    assert code == 1 and "2 cached" in out and "failed:" in out
    code, _, err = sltv("sweep", str(spec), "--executor", "slurm")
    assert code == 2 and "local or ray" in err


def test_a_sweep_feeds_sltv_report(sltv, tmp_path):
    spec = tmp_path / "sweep.toml"
    spec.write_text(SWEEP.replace("[10, 100, 1000, 10000]", "[10, 100]"))
    assert sltv("sweep", str(spec), "--out", str(tmp_path / "out"))[0] == 0
    code, out, _ = sltv("report", "sweep", "--from", str(tmp_path / "out"), "--out", str(tmp_path / "report"), "--json")
    payload = json.loads(out)
    assert code == 0 and len(payload["jobs"]) == 2 and payload["settings"]["varying"] == ["n"]
    html = (tmp_path / "report" / "report.html").read_text()
    assert "lambda_eff" in html and "arbitrary precision" in html
    code, _, err = sltv("report", "sweep", "--out", str(tmp_path / "r2"))
    assert code == 2 and "--from" in err


def _write_many(folder: str, count: int) -> int:
    from proofs_checks.executor import Cache

    cache, errors = Cache(folder), 0
    for i in range(count):
        try:
            cache.put({"task": "same"}, {"value": i})
        except OSError:
            errors += 1
    return errors


def _run_cached(folder: str) -> str:
    from proofs_checks.executor import run_cached_job

    spec = {"task": "two-layer-exact", "singular_values": ["0.1"], "inputs": 1, "hidden": 1, "outputs": 1, "n": "10", "dps": 5}
    return run_cached_job(spec, folder)[0]


def test_concurrent_writers_of_one_key_and_concurrent_runs_of_one_job(tmp_path):
    """Two processes writing one cache key never collide on a temporary file, and two processes reaching the
    same job compute it once: the second waits on the job's lock and takes the cached result."""
    import concurrent.futures
    import multiprocessing

    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert sum(pool.map(_write_many, [str(tmp_path / "a")] * 2, [1000, 1000])) == 0
        assert sorted(pool.map(_run_cached, [str(tmp_path / "b")] * 2)) == ["cached", "done"]
    assert json.loads((tmp_path / "a" / f"{job_key({'task': 'same'})}.json").read_text())["result"]["value"] == 999
    assert not list((tmp_path / "a").glob("*.tmp"))


def test_jobs_inside_caching_take_finished_results_from_its_folder(tmp_path):
    """A planted result is what run_jobs returns inside ``caching`` (it was not computed); outside, it is computed."""
    from proofs_checks.executor import caching, run_all

    jobs = specs()[:2]
    Cache(tmp_path).put(jobs[0], {"planted": True})
    with caching(tmp_path):
        inside = run_jobs(jobs)
    assert [r.status for r in inside] == ["cached", "done"] and inside[0].result == {"planted": True}
    assert Cache(tmp_path).get(jobs[1]) == inside[1].result  # the new result is kept for the next run
    assert run_all(jobs[:1]) != [{"planted": True}]


def test_a_report_resumes_from_its_cache(sltv, tmp_path):
    """`sltv report gap` keeps its jobs in OUT/cache; a planted exact point shows up in the second run's data."""
    args = ("report", "gap", "--s", "0.1", "--n-max", "100", "--exact-only", "--out", str(tmp_path), "--json")
    code, out, _ = sltv(*args)
    assert code in (0, None)
    first = json.loads(out)
    cached = sorted((tmp_path / "cache").glob("*.json"))
    assert cached, "the report's jobs are cached"
    entry = json.loads(cached[0].read_text())
    entry["result"]["lambda_eff"] = "0.123456"
    cached[0].write_text(json.dumps(entry))
    code, out, _ = sltv(*args)
    second = json.loads(out)
    assert "0.123456" in json.dumps(second) and "0.123456" not in json.dumps(first)


def test_an_interrupted_report_exits_130_with_one_line(sltv, tmp_path, monkeypatch):
    from proofs_checks.scenarios import gap

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(gap, "report", interrupted)
    code, out, err = sltv("report", "gap", "--out", str(tmp_path))
    assert code == 130 and err.startswith("sltv: interrupted;") and err.count("\n") == 1
