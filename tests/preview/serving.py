"""A real ``publish serve`` in a subprocess, for the HTTP and browser tests: started on a free
port, its stderr read line by line, its Server-Sent Events read as they come."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import requests

WAIT = 60.0
"""Seconds before a test gives up waiting for the server (a hang guard, not a measurement)."""


def _interruptible() -> None:
    """Ctrl-C reaches the server even when this test run ignores it (a shell's background job
    without job control starts with SIGINT ignored, and Python then keeps ignoring it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class ServeProcess:
    def __init__(self, site: Path, tmp: Path, *args: str) -> None:
        self.tmp = tmp
        tmp.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve", "--port", "0", *args],
            cwd=site,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_interruptible,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.origin = ""
        for line in self._until("Serving "):
            match = re.search(r"Serving (http://\S+/)", line)
            if match:
                self.origin = match.group(1)
        assert self.origin, self.stderr

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))

    def _until(self, prefix: str) -> Iterator[str]:
        while True:
            try:
                line = self.lines.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"no {prefix!r} line; stderr so far: {self.stderr}") from None
            self.stderr.append(line)
            yield line
            if line.startswith(prefix):
                return

    def get(self, path: str) -> requests.Response:
        return requests.get(self.origin + path.lstrip("/"), timeout=WAIT)

    def events(self) -> EventStream:
        return EventStream(self.origin + "_preview/events")

    def stop(self) -> tuple[int, list[str]]:
        """Ctrl-C; the exit code and every stderr line."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=WAIT)
        while not self.lines.empty():
            self.stderr.append(self.lines.get())
        return code, self.stderr


class EventStream:
    """The Server-Sent Events of ``/_preview/events``, parsed as the EventSource spec says."""

    def __init__(self, url: str) -> None:
        self.response = requests.get(url, stream=True, timeout=WAIT)
        assert self.response.headers["Content-Type"] == "text/event-stream"
        self._lines = self.response.iter_lines(chunk_size=1, decode_unicode=True)

    def next(self) -> tuple[str, dict[str, object]]:
        """The next event's name and JSON data (comments and ``retry`` skipped)."""
        event, data = "message", ""
        deadline = time.monotonic() + WAIT  # heartbeats keep the stream alive: a hang guard
        for line in self._lines:
            assert time.monotonic() < deadline, "no event"
            if line == "":
                if data:
                    return event, json.loads(data)
                event = "message"
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                data += value
        raise AssertionError("the event stream ended")

    def close(self) -> None:
        self.response.close()
