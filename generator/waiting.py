"""Wait for a child process, waking when it ends rather than at the next poll.

`Popen.wait(timeout=...)` on POSIX polls with a back-off that reaches 50 ms, so a
build waiting on `dot` learnt it was done up to 50 ms late (a twentieth of a cold
build). On Linux a process file descriptor becomes readable the moment the
process ends; elsewhere this falls back to `Popen.wait`.
"""

from __future__ import annotations

import os
import select
import subprocess
from collections.abc import Mapping
from typing import TypeVar

K = TypeVar("K")


def wait_for(proc: subprocess.Popen[bytes], timeout: float) -> int:
    """The exit code of `proc`, or subprocess.TimeoutExpired after `timeout` seconds."""
    if _ended({0: proc}, timeout) == set():
        raise subprocess.TimeoutExpired(proc.args, timeout)
    return proc.wait(timeout=timeout)  # at once where it was watched; else Popen's own polling


def first_to_end(procs: Mapping[K, subprocess.Popen[bytes]], timeout: float) -> K:
    """The key of a process in `procs` that has ended (the first in order if several have), waiting
    up to `timeout` seconds for one; after that, or where processes cannot be watched together,
    the first key (the caller then waits for that one)."""
    keys = list(procs)
    if not keys:
        raise ValueError("expected at least one process")
    ended = _ended(procs, timeout) or set()
    return next((key for key in keys if key in ended), keys[0])


def _ended(procs: Mapping[K, subprocess.Popen[bytes]], timeout: float) -> set[K] | None:
    """The keys of the processes that have ended, waiting up to `timeout` seconds for one (an
    empty set if none did); None where they cannot be watched (no pidfd)."""
    ended = {key for key, proc in procs.items() if proc.poll() is not None}
    if ended:
        return ended
    if not hasattr(os, "pidfd_open"):
        return None
    fds: dict[int, K] = {}
    try:
        for key, proc in procs.items():
            try:
                fds[os.pidfd_open(proc.pid)] = key
            except OSError:  # a kernel without pidfd (before 5.3), or it ended and was reaped just now
                return None if proc.returncode is None else {key}
        poller = select.poll()  # not select.select: it refuses descriptors past 1023
        for fd in fds:
            poller.register(fd, select.POLLIN)
        return {fds[fd] for fd, _ in poller.poll(timeout * 1000)}
    finally:
        for fd in fds:
            os.close(fd)
