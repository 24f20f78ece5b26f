"""The line under each generated table: which file it comes from, on which machine and code it was made.

Files written since results recorded their machine (benchmarks.provenance) say it themselves; for older files
the machine is unknown, and the commit that added the file to the repository (from `git log`) dates them.
"""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

WALL_TIME_KEYS = ("total_seconds", "work_seconds")
"protocol.json keys the wall-time sentence reads."


def _commits(path: Path, *options: str) -> list[str]:
    """'abc1234 (2026-01-31)' for each commit of `path`'s history that `options` select, newest first."""
    path = Path(path).resolve()
    try:
        done = subprocess.run(
            ["git", "-C", str(path.parent), "log", *options, "--format=%h (%as)", "--", path.name],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return done.stdout.strip().splitlines()


@cache
def commit_that_added(path: Path) -> str | None:
    """'abc1234 (2026-01-31)': the first commit that added `path` to its repository, or None (no git, untracked)."""
    added = _commits(path, "--diff-filter=A")
    return added[-1] if added else None


@cache
def last_commit(path: Path) -> str | None:
    """The newest commit that changed `path`, or None."""
    changed = _commits(path, "-1")
    return changed[0] if changed else None


def machine_text(machine: dict) -> str:
    """'AMD EPYC, 2 cores, 1 torch thread, torch 2.13.0, mujoco 3.3.0, cpu'."""
    threads = machine.get("torch_threads")
    device = machine.get("device_name") or machine.get("device", "?")
    return (
        f"{machine.get('processor', '?')}, {machine.get('cores', '?')} cores, {threads} torch "
        f"thread{'s' if threads != 1 else ''}, torch {machine.get('torch', '?')}, mujoco {machine.get('mujoco', '?')}, "
        f"{device}"
    )


def code_text(code: dict) -> str:
    """'commit abc1234' (with a note when the code differed from it), or why it is unknown."""
    commit = code.get("commit")
    if not commit:
        return "code outside a git checkout (commit unknown)"
    return f"commit {commit[:10]}" + (" with uncommitted code changes" if code.get("modified") else "")


def source_line(path: Path, result: dict, link: str) -> str:
    """'Source: [name](link); ran on MACHINE; COMMIT.' for a file that records them, else what git says of it."""
    head = f"Source: [`{Path(path).name}`]({link})"
    if isinstance(result.get("machine"), dict):
        return f"{head}; ran on {machine_text(result['machine'])}; {code_text(result.get('code') or {})}."
    added, last = commit_that_added(Path(path)), last_commit(Path(path))
    when = f"the file was added in commit {added}" if added else "the file is not in a commit yet"
    if last and last != added:
        when += f" and last changed in commit {last}"
    return f"{head}; machine not recorded (made before results recorded it); {when}."


def wall_time_line(protocol: dict) -> str:
    """What the run's protocol.json recorded of its wall time: the last invocation and, where recorded, the work
    of every invocation that trained or evaluated something in its work folder."""
    stages = ", ".join(f"{k} {float(v):.0f} s" for k, v in protocol["stage_seconds"].items())
    text = f"Wall time of the last invocation: {float(protocol['total_seconds']) / 60:.1f} min ({stages})."
    if protocol.get("cpu_seconds"):
        text += f" Processor time of that invocation: {float(protocol['cpu_seconds']) / 60:.1f} min."
    work = protocol.get("work_seconds")
    if work:
        total = sum(float(v) for v in work.values())
        text += (
            f" Work recorded by every invocation on its work folder: {total / 60:.1f} min "
            f"({', '.join(f'{k} {float(v):.0f} s' for k, v in work.items())})."
        )
    if protocol.get("make_demo_seconds"):
        minutes = float(protocol["make_demo_seconds"]) / 60
        text += f" `make demo` from a fresh clone, set-up included: {minutes:.1f} min."
    return text
