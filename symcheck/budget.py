"""Time budgets: every check returns within its timeout plus a small margin, whatever SymPy does.

Two mechanisms, because SymPy can be slow in two different ways:

* **Soft deadlines** (:func:`time_limit`) interrupt pure-Python work in this process with
  ``SIGALRM``. They cost nothing, so the cheap stages (normalisation, probing) run under them.
  They only work on the main thread of a POSIX process, and cannot interrupt a long C call.
* **Hard isolation** (:func:`run_isolated`) runs a function in a forked child process and kills it
  when its time is up. ``simplify`` can hang for minutes inside one call (SymPy #26453, #19136),
  and only a process boundary stops that reliably. A fork costs a few milliseconds, so only the
  expensive stages pay for it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

__all__ = ["BudgetExceeded", "Deadline", "Isolated", "can_fork", "run_isolated", "time_limit"]

T = TypeVar("T")


class BudgetExceeded(Exception):
    """The time budget of a check ran out before it was decided."""


class Deadline:
    """A point in time by which a whole check must be done; stages ask it how long they may take."""

    def __init__(self, seconds: float | None) -> None:
        self.start = time.perf_counter()
        self.end = None if seconds is None else self.start + max(0.0, seconds)

    def remaining(self) -> float | None:
        return None if self.end is None else max(0.0, self.end - time.perf_counter())

    def expired(self) -> bool:
        return self.end is not None and time.perf_counter() >= self.end

    def share(self, fraction: float, floor: float = 0.0) -> float | None:
        """A fraction of the remaining time (at least ``floor`` if anything remains)."""
        remaining = self.remaining()
        if remaining is None:
            return None
        return min(remaining, max(floor, remaining * fraction))

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def within(self, seconds: float | None) -> Deadline:
        """A deadline ``seconds`` from now, never later than this one (a stage's own budget)."""
        remaining = self.remaining()
        if remaining is None:
            return Deadline(seconds)
        return Deadline(remaining if seconds is None else min(seconds, remaining))

    @staticmethod
    def of(budget: float | Deadline | None) -> Deadline:
        """``budget`` itself when it is a Deadline (passed down, not re-wrapped), else a new one."""
        return budget if isinstance(budget, Deadline) else Deadline(budget)


def _alarm_available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


_active_deadlines: list[float] = []


RETRY = 0.02
"""Seconds after which an expired deadline fires again if its exception was swallowed."""


def _on_alarm(signum: int, frame: Any) -> None:
    # A signal handler's exception can land where Python swallows it: in a garbage-collector
    # callback, a __del__ or a weakref callback ("Exception ignored in ..."). The deadline would then
    # be lost and SymPy would run on; so it fires again until its block has really been left
    # (leaving the block disarms the timer).
    signal.setitimer(signal.ITIMER_REAL, RETRY)
    raise BudgetExceeded("time budget exceeded")


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` in this block after ``seconds`` (soft; main thread only).

    Nested limits compose: the innermost deadline that falls first fires, and leaving a block
    re-arms the enclosing one. Off the main thread the block simply runs unbounded, which is why
    the expensive stages use :func:`run_isolated` as well.
    """
    if seconds is None or not _alarm_available():
        yield
        return
    if seconds <= 0:
        raise BudgetExceeded("time budget exceeded")
    now = time.perf_counter()
    deadline = now + seconds
    enclosing = _active_deadlines[-1] if _active_deadlines else None
    effective = deadline if enclosing is None else min(deadline, enclosing)
    previous_handler = signal.signal(signal.SIGALRM, _on_alarm)
    _active_deadlines.append(effective)
    signal.setitimer(signal.ITIMER_REAL, max(1e-4, effective - now))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _active_deadlines.pop()
        if _active_deadlines:
            remaining = _active_deadlines[-1] - time.perf_counter()
            signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, max(1e-4, remaining))
        else:
            signal.signal(signal.SIGALRM, previous_handler)


def _child(connection: Any, function: Callable[..., Any], arguments: tuple[Any, ...]) -> None:
    try:
        outcome: tuple[str, Any] = ("ok", function(*arguments))
    except BaseException as error:  # every failure goes back to the parent instead of dying silently
        outcome = ("error", error)
    try:
        connection.send(outcome)
    except Exception as error:  # an unpicklable value or exception: send what can be said of it
        failure = outcome[1] if outcome[0] == "error" else error
        connection.send(("error", RuntimeError(f"{type(failure).__name__}: {failure}")))
    finally:
        connection.close()
        os._exit(0)


class Isolated:
    """``function(*arguments)`` running in a forked child process, started at once.

    :meth:`result` waits for its value (re-raising the child's exception) and raises
    :class:`BudgetExceeded` when ``seconds`` run out, killing the child. A forked child inherits
    everything already loaded (SymPy, the library), so it starts in milliseconds and nothing is
    pickled on the way in. Children are daemons unless ``daemon=False``: only a non-daemon may fork
    children of its own (grading runs SymPy's simplify in a child under a deadline), and such a
    child must be stopped with :meth:`close` when its result is not wanted.
    """

    def __init__(self, function: Callable[..., Any], arguments: tuple[Any, ...] = (), *, daemon: bool = True) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(send, function, arguments), daemon=daemon)
        self._process.start()
        send.close()

    def result(self, seconds: float | None = None) -> Any:
        try:
            if not self._receive.poll(seconds):
                raise BudgetExceeded("time budget exceeded")
            status, value = self._receive.recv()
        except EOFError:
            self.close()
            raise RuntimeError(
                f"the child process ended without an answer (exit code {self._process.exitcode})"
            ) from None
        self.close()
        if status == "error":
            raise value
        return value

    def close(self) -> None:
        """Stop the child if it is still running and release the pipe; safe to call more than once."""
        if self._process.exitcode is None:
            self._process.kill()
        self._process.join()
        self._receive.close()


def can_fork() -> bool:
    """Whether this platform can fork (POSIX); elsewhere callers do the same work in one process."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def run_isolated(function: Callable[..., T], arguments: tuple[Any, ...], seconds: float | None) -> T:
    """Run ``function(*arguments)`` in a forked child and return its result within ``seconds``.

    The child is killed when the time is up and :class:`BudgetExceeded` is raised. An exception in
    the child is re-raised here as ``RuntimeError`` with its message. Where ``fork`` is unavailable
    the call runs in-process under :func:`time_limit`.
    """
    if seconds is not None and seconds <= 0:
        raise BudgetExceeded("time budget exceeded")
    if not can_fork():
        with time_limit(seconds):
            return function(*arguments)
    # A soft alarm firing in the parent between fork and wait would orphan the child; hold it off.
    with _alarm_paused():
        child = Isolated(function, arguments)
        try:
            return child.result(seconds)
        except (BudgetExceeded, RuntimeError):
            raise
        except Exception as error:
            raise RuntimeError(f"{type(error).__name__}: {error}") from None
        finally:
            child.close()


@contextlib.contextmanager
def _alarm_paused() -> Iterator[None]:
    """Suspend a pending soft alarm during a block, then re-arm it (firing at once if it is due)."""
    if not _alarm_available() or not _active_deadlines:
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        yield
    finally:
        remaining = _active_deadlines[-1] - time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, max(1e-4, remaining))
