"""The output folder while a build writes in it: its lock, the marker that says a build is
writing there, and the feeds written ahead of the write phase."""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import TracebackType

from pipeline.build.write import FeedsAhead, WriteState
from pipeline.support.output import exclusive_lock, remove_strays

WRITING_MARKER = ".publish-writing.tmp"
"""Present while outputs are being written: found at the start, the last build was killed."""


class OutputFolder:
    """Taken (:meth:`take`) before the first byte goes into the folder: its lock is held, the
    temporary files a killed build left are swept, and the marker is set until :meth:`done`.
    A build that fails before it puts a file in place (:meth:`begin`) leaves the folder as it
    found it: the feeds written ahead are dropped and the marker removed."""

    def __init__(self, out_dir: Path, known: bool) -> None:
        self.out_dir = out_dir
        self.known = known
        """The last build's manifest was found (else its temporary files are swept)."""
        self.ahead: FeedsAhead | None = None
        self._stack = contextlib.ExitStack()
        self._marked = False
        self._begun = False

    def __enter__(self) -> OutputFolder:
        return self

    def take(self) -> None:
        """Hold the lock and set the marker (once)."""
        if self._marked:
            return
        self._stack.enter_context(exclusive_lock(self.out_dir))
        writing = self.out_dir / WRITING_MARKER
        if writing.exists() or not self.known:
            remove_strays(self.out_dir)  # the last build was cut off (or is unknown): sweep
        writing.touch()
        self._marked = True

    def write_ahead(self, state: WriteState) -> None:
        """Splice the feeds of ``state`` on a thread while the build goes on planning (see
        :class:`~pipeline.build.write.FeedsAhead`); nothing is put in place yet."""
        self.take()
        self.ahead = FeedsAhead(state)

    def begin(self) -> FeedsAhead | None:
        """The write phase starts (files are put in place from now on); returns the feeds
        written ahead, which the write phase now owns."""
        self.take()
        self._begun = True
        ahead, self.ahead = self.ahead, None
        return ahead

    def done(self) -> None:
        """Every output is in place and the manifest written."""
        (self.out_dir / WRITING_MARKER).unlink()
        self._marked = False

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.ahead is not None:
                self.ahead.discard()
                self.ahead = None
            if self._marked and not self._begun:  # nothing was put in place: as found
                with contextlib.suppress(OSError):
                    (self.out_dir / WRITING_MARKER).unlink()
        finally:
            self._stack.close()
