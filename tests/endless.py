"""A batch that cannot finish before the test stops it.

Tests of stop signals and killed processes used to give the batch a large file and act a fixed
time after it started; as the engine got faster, the batch sometimes ended first (exit 0 where
130 was expected). Here the batch reads stdin, and a thread keeps writing rows to it until the
batch goes away, so the batch is always under way when the test acts.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path


def start(command: list[str], rows: list[str], header: str, env: dict[str, str]) -> subprocess.Popen:
    """Run ``command`` (which must read its input from '-') with stdin fed ``header`` and then
    ``rows`` over and over, until the process closes its end of the pipe or exits."""
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    block = "".join(row + "\n" for row in rows).encode()

    def feed() -> None:
        try:
            proc.stdin.write((header + "\n").encode())
            while proc.poll() is None:
                proc.stdin.write(block)
        except (BrokenPipeError, ValueError, OSError):  # the batch stopped reading; ValueError: closed by communicate()
            pass

    threading.Thread(target=feed, daemon=True).start()
    return proc


def wait_under_way(proc: subprocess.Popen, folder: Path, workers: int, timeout_s: float = 60) -> list[int]:
    """Wait until ``proc`` has forked its ``workers`` and its first records have reached a hidden
    .part file in ``folder``; return the workers' process ids. Fails the test after ``timeout_s``."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        kids = children(proc.pid)
        if len(kids) == workers and any(p.suffix == ".part" and p.stat().st_size for p in folder.iterdir()):
            return kids
        time.sleep(0.05)
    raise AssertionError(f"the batch did not get under way in {timeout_s:g} s")


def finish(proc: subprocess.Popen, timeout_s: float) -> str:
    """Wait for the stopped batch and return its stderr, decoded."""
    try:
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass
    proc.wait(timeout=timeout_s)
    return proc.stderr.read().decode()


def children(pid: int) -> list[int]:
    """The process ids whose parent is ``pid``."""
    kids = []
    for proc_dir in Path("/proc").glob("[0-9]*"):
        try:
            if int((proc_dir / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(proc_dir.name))
        except (OSError, ValueError, IndexError):
            continue
    return kids


def state(pid: int) -> str | None:
    """A process's state letter ('Z' for a zombie), or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None
