"""Runs civicdesk's benchmarks and prints their figures under a description of the machine.

    .venv/bin/python bench/run.py [NAME ...] [--duration SECONDS] [--database sqlite|postgres]
                                  [--save FILE] [--compare FILE]

A benchmark is a module ``bench/bench_NAME.py`` with a docstring and ``run(duration) -> dict[str, float]``;
the units are in the figure names (``_rps``, ``_ms``, ``_pct``). Without NAME every benchmark runs.
``--save`` writes the machine and figures as JSON; ``--compare`` prints each figure's change against such
a file in percent.
"""

import argparse
import importlib
import json
import os
import signal
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import benchlib

BENCH_DIR = Path(__file__).resolve().parent
HIGHER_IS_BETTER = ("_rps",)
LOWER_IS_BETTER = ("_ms", "_errors")


def available() -> list[str]:
    return sorted(path.stem.removeprefix("bench_") for path in BENCH_DIR.glob("bench_*.py"))


def load_benchmark(name: str) -> ModuleType:
    module = importlib.import_module(f"bench_{name}")
    if not callable(getattr(module, "run", None)):
        raise SystemExit(f"bench/bench_{name}.py has no run(duration) function.")
    return module


def summary_line(module: ModuleType) -> str:
    return (module.__doc__ or "").strip().split("\n", 1)[0]


def format_value(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def print_machine(machine: dict[str, str], duration: float) -> None:
    print(f"machine   {machine['nproc']} CPUs ({machine['cpu']}), Linux {machine['kernel']}")
    print(f"python    {machine['python']}")
    print(f"load avg  {machine['load_average']} (before the run)")
    print(f"database  {machine['database']}")
    print(f"duration  {duration:g} s per measurement")


def print_figures(name: str, figures: dict[str, float]) -> None:
    width = max((len(key) for key in figures), default=10)
    print(f"\n[{name}]")
    for key, value in figures.items():
        print(f"  {key:<{width}}  {format_value(value):>12}")


def change_word(key: str, change: float) -> str:
    """better/worse for throughput, latency and errors; CPU shares and the like are context, not goals."""
    if abs(change) < 0.5 or not key.endswith(HIGHER_IS_BETTER + LOWER_IS_BETTER):
        return ""
    return "better" if (change > 0) == key.endswith(HIGHER_IS_BETTER) else "worse"


def print_comparison(name: str, figures: dict[str, float], baseline: dict[str, float]) -> None:
    keys = list(figures) + [key for key in baseline if key not in figures]
    width = max((len(key) for key in keys), default=10)
    print(f"\n[{name}] against the baseline")
    print(f"  {'figure':<{width}}  {'baseline':>12}  {'now':>12}  {'change':>8}")
    for key in keys:
        now, then = figures.get(key), baseline.get(key)
        if now is None or then is None:
            shown_then = "-" if then is None else format_value(then)
            shown_now = "-" if now is None else format_value(now)
            print(f"  {key:<{width}}  {shown_then:>12}  {shown_now:>12}  {'n/a':>8}")
            continue
        change = 0.0 if then == now else (float("inf") if then == 0 else 100 * (now - then) / abs(then))
        shown = "n/a" if change == float("inf") else f"{change:+.1f}%"
        verdict = change_word(key, change)
        print(f"  {key:<{width}}  {format_value(then):>12}  {format_value(now):>12}  {shown:>8}  {verdict}")


def read_baseline(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise SystemExit(f"Cannot read the baseline {path}: {error}") from None


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run civicdesk's benchmarks.", epilog=f"Benchmarks: {', '.join(available())}."
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="Benchmarks to run (default: all).")
    parser.add_argument("--duration", type=float, default=10.0, help="Seconds per measurement (default 10).")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        help="Default: sqlite, or postgres when BENCH_DATABASE_URL is set.",
    )
    parser.add_argument("--save", type=Path, metavar="FILE", help="Write machine and figures as JSON.")
    parser.add_argument("--compare", type=Path, metavar="FILE", help="Print the change against a saved run.")
    return parser.parse_args()


def stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so every benchmark's clean-up (servers, temp files, databases) runs."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main() -> int:
    arguments = parse_arguments()
    if arguments.database:
        os.environ["BENCH_DATABASE"] = arguments.database
    unknown = [name for name in arguments.names if name not in available()]
    if unknown:
        raise SystemExit(f"No benchmark called {', '.join(unknown)}; there are: {', '.join(available())}.")
    baseline = read_baseline(arguments.compare) if arguments.compare else None
    stop_on_sigterm()
    machine = benchlib.machine()
    print_machine(machine, arguments.duration)
    if baseline and baseline.get("machine", {}).get("database") != machine["database"]:
        print(f"note      the baseline ran on {baseline.get('machine', {}).get('database', '?')}")
    results: dict[str, dict[str, float]] = {}
    for name in arguments.names or available():
        module = load_benchmark(name)
        print(f"\n== {name}: {summary_line(module)}", file=sys.stderr, flush=True)
        results[name] = module.run(arguments.duration)
        print_figures(name, results[name])
        if baseline is not None:
            print_comparison(name, results[name], baseline.get("benchmarks", {}).get(name, {}))
    if arguments.save:
        record = {
            "machine": machine,
            "duration_s": arguments.duration,
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "benchmarks": results,
        }
        arguments.save.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"\nsaved {arguments.save}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped and temporary files removed", file=sys.stderr)
        sys.exit(130)
