"""A hostile environment: full disks, closed descriptors, a reader that goes away, signals, a
parent killed outright. Each test runs the real command in a subprocess, as a user's shell would.

The promise (README, "Bad input"): one line and exit 2 for what the user can fix, never a
traceback; a batch's good rows are never lost; ``-o`` is written whole or not at all; a stop
signal ends with 128 + its number, and no worker process outlives the command.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import jalert_sim

import endless

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    filter(None, [str(Path(jalert_sim.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")]))}
CMD = [sys.executable, "-m", "jalert_sim"]
RUN = [*CMD, "run", "--scenario", "2017-08-29"]
HEADER = "id,launch,azimuth,apogee"


def _rows(n: int) -> str:
    return HEADER + "\n" + "".join(f"r{k},sunan,{40 + (k * 7) % 160},{300 + (k * 37) % 900}\n" for k in range(n))


def _one_error_line(err: str) -> None:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("jalert-sim: "), err


def _closing(*fds: int):
    """A preexec_fn that closes ``fds`` in the child: a shell's ``>&-`` / ``<&-`` (not /dev/null)."""
    def close() -> None:
        for fd in fds:
            os.close(fd)
    return close


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "big.csv"
    path.write_text(_rows(20000), encoding="utf-8")
    return path


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [RUN, [*RUN, "--format", "json"], [*CMD, "scenarios"], [*CMD, "batch", "-"]])
def test_a_full_disk_on_stdout_is_one_line_and_exit_2(args):
    with open("/dev/full", "w") as full:
        proc = subprocess.run(args, input=_rows(30), stdout=full, stderr=subprocess.PIPE, text=True, env=ENV, timeout=120)
    assert proc.returncode == 2
    _one_error_line(proc.stderr)
    assert "No space left on device" in proc.stderr


@pytest.mark.parametrize("args", [RUN, [*RUN, "--format", "csv"], [*CMD, "batch", "-"]])
def test_a_closed_stdout_is_one_line_and_exit_2(args, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(_rows(30), encoding="utf-8")
    with open(src, "rb") as stdin:
        proc = subprocess.run(args, stdin=stdin, stderr=subprocess.PIPE, text=True, env=ENV, timeout=120,
                              preexec_fn=_closing(1))
    assert proc.returncode == 2
    _one_error_line(proc.stderr)
    assert "standard output is closed" in proc.stderr


def test_with_stdout_closed_an_output_file_is_still_written_whole(tmp_path):
    # The closed descriptor 1 is reopened on /dev/null at start, so the -o file cannot take its
    # number and have stray writes to "stdout" land in it.
    target = tmp_path / "out.json"
    proc = subprocess.run([*RUN, "--format", "json", "-o", str(target)], stderr=subprocess.PIPE, text=True,
                          env=ENV, timeout=120, preexec_fn=_closing(1))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["input"]["apogee_km"] == 550.0


def test_a_closed_stdin_is_one_line_and_exit_2():
    proc = subprocess.run([*CMD, "batch", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                          timeout=120, preexec_fn=_closing(0))
    assert proc.returncode == 2
    _one_error_line(proc.stderr)
    assert "cannot read standard input: it is closed" in proc.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_reader_that_closes_the_pipe_ends_the_batch_quietly(big_csv, fmt):
    proc = subprocess.Popen([*CMD, "batch", str(big_csv), "--format", fmt, "--jobs", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=ENV)
    first = proc.stdout.readline()  # `| head -1`
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert first
    assert proc.returncode == 128 + signal.SIGPIPE  # as a Unix tool killed by SIGPIPE
    assert err == ""
    time.sleep(0.5)
    assert not _processes_reading(big_csv)


def _processes_reading(path: Path) -> list[int]:
    """Live (not zombie) processes whose command line names ``path``."""
    found = []
    for proc_dir in Path("/proc").glob("[0-9]*"):
        try:
            named = str(path) in (proc_dir / "cmdline").read_bytes().decode(errors="replace")
            if named and endless.state(int(proc_dir.name)) != "Z":
                found.append(int(proc_dir.name))
        except OSError:
            continue
    return found


def _start_batch_to_file(target: Path) -> subprocess.Popen:
    """A batch to ``target`` whose stdin never runs dry, once it is under way."""
    proc = endless.start([*CMD, "batch", "-", "-o", str(target), "--jobs", "2"], _rows(2000).splitlines()[1:], HEADER,
                         ENV)
    endless.wait_under_way(proc, target.parent, workers=2)
    return proc


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_leaves_no_file_and_no_worker(tmp_path, signum):
    target = tmp_path / "out.jsonl"
    proc = _start_batch_to_file(target)
    workers = endless.children(proc.pid)
    proc.send_signal(signum)
    err = endless.finish(proc, 60)
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == {signal.SIGHUP: "jalert-sim: hung up", signal.SIGTERM: "jalert-sim: terminated",
                                            signal.SIGINT: "jalert-sim: interrupted"}[signum]
    assert list(tmp_path.iterdir()) == []  # neither out.jsonl nor a hidden .part file
    time.sleep(0.5)
    assert [pid for pid in workers if endless.state(pid) not in (None, "Z")] == []


def test_workers_die_with_a_parent_killed_outright(tmp_path):
    proc = _start_batch_to_file(tmp_path / "out.jsonl")
    workers = endless.children(proc.pid)
    proc.kill()  # SIGKILL: the parent can clean nothing up; the kernel must stop the workers
    endless.finish(proc, 60)
    time.sleep(1.0)
    alive = [pid for pid in workers if endless.state(pid) not in (None, "Z")]
    assert not alive, f"worker processes {alive} outlived their parent"


@pytest.mark.parametrize("delay_s", [0.0, 0.005, 0.02, 0.05, 0.1])
def test_ctrl_c_while_the_command_imports_its_libraries(delay_s):
    """Ctrl-C from the moment jalert-sim's own code runs (the import of jalert_sim.cli.process is
    the marker: Python's -X importtime reports it on stderr) through the imports of typer, rich,
    numpy and shapely: status 130, no traceback. (Before that marker Python itself is starting;
    what a Ctrl-C does there is Python's.)"""
    proc = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "jalert_sim", "run", "--scenario", "2017-08-29"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
    lines: list[str] = []
    marked = threading.Event()

    def read() -> None:
        for line in proc.stderr:
            lines.append(line)
            if "jalert_sim.cli.process" in line:
                marked.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert marked.wait(60)
    time.sleep(delay_s)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    reader.join(10)
    err = "".join(line for line in lines if not line.startswith("import time:"))
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert proc.returncode in (0, 130), err  # 0: the run was over before the signal came
    if proc.returncode == 130:
        assert err.strip().splitlines()[-1] == "jalert-sim: interrupted"


def test_a_trailing_slash_or_a_read_only_file_is_refused(tmp_path):
    for args in (["run", "--scenario", "2017-08-29", "-o", str(tmp_path / "x.json") + "/"],
                 ["map", "--scenario", "2017-08-29", "-o", str(tmp_path / "a.png") + "/"]):
        proc = subprocess.run([*CMD, *args], capture_output=True, text=True, env=ENV, timeout=120)
        assert proc.returncode == 2 and "cannot end with a slash" in proc.stderr
        _one_error_line(proc.stderr)
    assert list(tmp_path.iterdir()) == []
    src = tmp_path / "in.csv"
    src.write_text(_rows(3), encoding="utf-8")
    locked = tmp_path / "locked.json"
    locked.write_text("keep me\n", encoding="utf-8")
    locked.chmod(0o444)  # no write permission bits: refused even for root, whom os.access allows
    for args in (["run", "--scenario", "2017-08-29", "-f", "json"], ["batch", str(src)]):
        proc = subprocess.run([*CMD, *args, "-o", str(locked)], capture_output=True, text=True, env=ENV, timeout=120)
        assert proc.returncode == 2 and "read-only (--force replaces it)" in proc.stderr
        _one_error_line(proc.stderr)
        assert locked.read_text(encoding="utf-8") == "keep me\n"
    proc = subprocess.run([*CMD, "batch", str(src), "-o", str(locked), "--force"], capture_output=True, text=True,
                          env=ENV, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(locked.read_text(encoding="utf-8").splitlines()) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "locked.json"]


def test_a_worker_killed_outright_stops_the_batch_with_one_line(tmp_path):
    # As the OOM killer would: the batch cannot be complete, so it says so and writes no -o file.
    proc = _start_batch_to_file(tmp_path / "out.jsonl")
    os.kill(endless.children(proc.pid)[0], signal.SIGKILL)
    err = endless.finish(proc, 60)
    assert proc.returncode == 2
    _one_error_line(err)
    assert "died (killed by signal 9; out of memory?)" in err
    assert list(tmp_path.iterdir()) == []
