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
    if proc.returncode is None and hasattr(os, "pidfd_open"):
        try:
            fd = os.pidfd_open(proc.pid)
        except OSError:  # a kernel without pidfd (before 5.3), or it is reaped already
            fd = -1
        if fd >= 0:
            try:
                poller = select.poll()  # not select.select: it refuses descriptors past 1023
                poller.register(fd, select.POLLIN)
                ready = poller.poll(timeout * 1000)
            finally:
                os.close(fd)
            if not ready:
                raise subprocess.TimeoutExpired(proc.args, timeout)
    return proc.wait(timeout=timeout)


def first_to_end(procs: Mapping[K, subprocess.Popen[bytes]], timeout: float) -> K:
    """The key of a process in `procs` that has ended (the first in order if several have), waiting
    up to `timeout` seconds for one; after that, or where processes cannot be watched together,
    the first key (the caller then waits for that one)."""
    keys = list(procs)
    if not keys:
        raise ValueError("expected at least one process")
    for key in keys:
        if procs[key].poll() is not None:
            return key
    if not hasattr(os, "pidfd_open"):
        return keys[0]
    fds: dict[int, K] = {}
    try:
        for key in keys:
            try:
                fds[os.pidfd_open(procs[key].pid)] = key
            except OSError:  # no pidfd, or just reaped
                return keys[0] if procs[key].returncode is None else key
        poller = select.poll()
        for fd in fds:
            poller.register(fd, select.POLLIN)
        ready = {fds[fd] for fd, _ in poller.poll(timeout * 1000)}
    finally:
        for fd in fds:
            os.close(fd)
    return next((key for key in keys if key in ready), keys[0])
