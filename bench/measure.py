#!/usr/bin/env python3
"""Times a command over repeated runs: wall time per run and peak RSS.

Used by bench/*.sh. Each timed run is spawned with posix_spawn and reaped with
wait4, so the wall time covers exactly spawn -> exit (perf_counter_ns), with no
shell or wrapper in between.

Peak RSS is measured in separate runs under GNU time (`/usr/bin/time -f %M`):
the kernel charges a child the peak RSS of the memory image it had before
exec, and a child spawned by Python starts with Python's (~15 MiB), so reading
the rusage here would overstate the command's peak. GNU time forks from a
~1 MiB image. Without it the rusage value is printed as an upper bound.

    bench/measure.py --label config-show --runs 30 --warmup 3 --target-ms 5 \
        [--target-rss-mib 20] [--build-preset release] -- CMD ARGS...

Prints one result line, then one verdict line per target:
    config-show: median_ms=3.21 min_ms=2.95 max_ms=4.80 runs=30
    config-show: target median_ms <= 5: met
Exit status: 0, or 1 when the command fails; with --strict (or BENCH_STRICT=1)
also 1 when a target is missed.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def ensure_build(preset: str, jobs: str) -> None:
    """Configures (once) and builds a CMake preset, quietly unless it fails."""
    steps = []
    if not os.path.exists(os.path.join("build", preset, "build.ninja")):
        steps.append(["cmake", "--preset", preset])
    steps.append(["cmake", "--build", "--preset", preset, f"-j{jobs}"])
    for step in steps:
        done = subprocess.run(step, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, text=True, check=False)
        if done.returncode != 0:
            sys.stderr.write(done.stdout)
            sys.exit(f"bench: '{' '.join(step)}' failed (exit {done.returncode})")


def run_once(argv: list[str], capture_stderr: bool) -> tuple[int, int, int, str]:
    """Runs argv once; returns (wall_ns, exit_status, maxrss_kib, stderr)."""
    err_r, err_w = os.pipe() if capture_stderr else (-1, -1)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
    ]
    if capture_stderr:
        actions.append((os.POSIX_SPAWN_DUP2, err_w, 2))
        actions.append((os.POSIX_SPAWN_CLOSE, err_r))
    else:
        actions.append((os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0))
    start = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    if capture_stderr:
        os.close(err_w)
    _, status, usage = os.wait4(pid, 0)
    wall_ns = time.perf_counter_ns() - start
    stderr = ""
    if capture_stderr:
        with os.fdopen(err_r, "rb") as pipe:
            stderr = pipe.read().decode(errors="replace")
    return wall_ns, os.waitstatus_to_exitcode(status), usage.ru_maxrss, stderr


def peak_rss_kib(argv: list[str], runs: int) -> tuple[int, bool]:
    """Max over `runs` runs of the command's peak RSS; (kib, exact)."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    peak = 0
    if gnu_time is None:
        for _ in range(runs):
            peak = max(peak, run_once(argv, capture_stderr=False)[2])
        return peak, False
    with open(os.devnull, "wb") as devnull:
        for _ in range(runs):
            done = subprocess.run([gnu_time, "-f", "%M", "-o", "/dev/stdout", *argv],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=devnull, check=False)
            # The command's own stdout precedes time's line: take the last line.
            lines = done.stdout.decode(errors="replace").strip().splitlines()
            if done.returncode != 0 or not lines or not lines[-1].strip().isdigit():
                sys.exit(f"bench: '{gnu_time} -f %M {' '.join(argv)}' failed "
                         f"(exit {done.returncode})")
            peak = max(peak, int(lines[-1]))
    return peak, True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="bench")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "30")))
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--target-ms", type=float, help="target for the median wall time")
    parser.add_argument("--target-rss-mib", type=float, help="target for the peak RSS")
    parser.add_argument("--build-preset", help="configure+build this CMake preset first")
    parser.add_argument("--strict", action="store_true",
                        default=os.environ.get("BENCH_STRICT", "0") == "1",
                        help="exit 1 when a target is missed")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given (put it after --)")
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    if args.build_preset:
        ensure_build(args.build_preset, os.environ.get("JOBS", "2"))
    if not os.access(command[0], os.X_OK) and "/" in command[0]:
        sys.exit(f"bench: {command[0]} is not an executable file")

    # Warm-up runs fill the page cache; they also show why a command fails.
    for _ in range(args.warmup):
        _, code, _, stderr = run_once(command, capture_stderr=True)
        if code != 0:
            sys.stderr.write(stderr[-2000:])
            sys.exit(f"bench: {' '.join(command)} exited with {code}")

    times_ms = []
    for _ in range(args.runs):
        wall_ns, code, _, _ = run_once(command, capture_stderr=False)
        if code != 0:
            sys.exit(f"bench: {' '.join(command)} exited with {code} during the timed runs")
        times_ms.append(wall_ns / 1e6)

    median = statistics.median(times_ms)
    line = (f"{args.label}: median_ms={median:.2f} min_ms={min(times_ms):.2f} "
            f"max_ms={max(times_ms):.2f} runs={args.runs}")
    peak_rss_mib = 0.0
    if args.target_rss_mib is not None:
        rss_kib, exact = peak_rss_kib(command, args.runs)
        peak_rss_mib = rss_kib / 1024
        line += f" peak_rss_mib={peak_rss_mib:.1f}"
        if not exact:
            line += " (upper bound: GNU time missing, apt-get install time)"
    print(line)

    missed = False
    if args.target_ms is not None:
        met = median <= args.target_ms
        missed |= not met
        print(f"{args.label}: target median_ms <= {args.target_ms:g}: {'met' if met else 'MISSED'}")
    if args.target_rss_mib is not None:
        met = peak_rss_mib <= args.target_rss_mib
        missed |= not met
        print(f"{args.label}: target peak_rss_mib <= {args.target_rss_mib:g}: "
              f"{'met' if met else 'MISSED'}")
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
