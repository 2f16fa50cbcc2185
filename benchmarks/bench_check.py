"""Time `migrate --check` against hadolint on the same files, whole process, best of N runs.

    python benchmarks/bench_check.py [--files 300] [--runs 5]

One file, then a few hundred files in one call (what a pre-commit hook does). The files are the
samples' Dockerfiles, copied under fresh names into a temporary directory. "cold" runs with
MIGRATOR_NO_CACHE=1 (every file migrated); "warm" answers from the --check cache, as a hook does
for files that did not change since the last commit. Targets: one file no slower than hadolint; a
few hundred files at most half hadolint's time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def migrate_command() -> list[str]:
    script = Path(sysconfig.get_path("scripts")) / "migrate"
    return [str(script)] if script.exists() else [sys.executable, "-m", "migrator"]


def best_of(command: list[str], runs: int, env: dict[str, str] | None = None) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
        timings.append(time.perf_counter() - start)
    return min(timings), statistics.median(timings)


def make_files(directory: Path, count: int) -> list[str]:
    sources = sorted((ROOT / "samples").glob("*/Dockerfile"))
    paths = []
    for index in range(count):
        source = sources[index % len(sources)]
        target = directory / f"{index:04d}-{source.parent.name}.Dockerfile"
        shutil.copyfile(source, target)
        paths.append(str(target))
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    hadolint = shutil.which("hadolint")
    migrate = migrate_command()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "migrator")], check=False)
    subprocess.run([*migrate, "--check", str(ROOT / "samples/python-pip/Dockerfile")], capture_output=True)  # warm
    cold_env = {**os.environ, "MIGRATOR_NO_CACHE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        files = make_files(Path(tmp), args.files)
        rows = []
        for label, chosen in (("1 file", files[:1]), (f"{len(files)} files", files)):
            command = [*migrate, "--check", "--quiet", *chosen]
            cold = best_of(command, args.runs, cold_env)
            subprocess.run(command, capture_output=True, check=False)  # fill the cache
            warm = best_of(command, args.runs)
            theirs = best_of([hadolint, "--no-fail", *chosen], args.runs) if hadolint else None
            rows.append((label, cold, warm, theirs))
    print(f"{'case':<10} {'migrate cold':>14} {'migrate warm':>14} {'hadolint':>10} {'cold/hl':>8} {'warm/hl':>8}")
    for label, cold, warm, theirs in rows:
        base = theirs[0] if theirs else float("nan")
        print(f"{label:<10} {cold[0]:>13.3f}s {warm[0]:>13.3f}s {base:>9.3f}s {cold[0] / base:>8.2f} "
              f"{warm[0] / base:>8.2f}")
    print("(best of", args.runs, "runs; medians are within noise on an idle machine)")
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} cpus; migrate = {' '.join(migrate)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
