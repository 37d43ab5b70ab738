"""The one seam for a check's time limit: who stops a check that runs too long, and how.

The checker asks for a limit once, around everything it does for one block
(`checker.check(derivation, time_limit=...)`), and treats `ProofTimeout` as
*unproved*, never as holding. Where the limit is enforced depends on where the
checker runs:

- in a terminal, the site build or pytest (`alarm`): the process interrupts
  itself with SIGALRM after the block's `timeout:`, in the main thread (a thread
  cannot receive the signal, so a check there runs without a limit);
- in the browser (`enforced_outside`): Python runs in a Web Worker, which has no
  signals and no threads; the page terminates the worker after the limit it
  states and reports the check as unproved (timed out), so inside, the limit
  does nothing.

>>> with enforced_outside(0.001):
...     sum(range(10))
45
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

#: A time limit: called with the seconds a check may take, it gives the context the check runs in.
TimeLimit = Callable[[float], AbstractContextManager[None]]


class ProofTimeout(BaseException):
    """Raised inside a check that ran past its time limit.

    A BaseException, so that no `except Exception` on the way (around the block's
    own `given`, say) can mistake running out of time for a malformed block.
    """


@contextlib.contextmanager
def alarm(seconds: float) -> Iterator[None]:
    """Interrupt the check after `seconds` with SIGALRM (main thread only; elsewhere no limit is set)."""
    if (
        threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
        or sys.platform == "emscripten"  # Pyodide has the names, but no timer ever fires
    ):
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise ProofTimeout

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def enforced_outside(seconds: float) -> Iterator[None]:
    """No limit from inside: whoever runs the checker stops it from outside (the page ends its Web Worker)."""
    yield
