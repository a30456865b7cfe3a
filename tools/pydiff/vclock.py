#!/usr/bin/env python3
"""Run a Python program under real CPython asyncio on a virtual clock.

    python3 tools/pydiff/vclock.py PROG.py [--cores N] [--json OUT] [--format json|text]

This is the oracle of concsim's differential test: the program runs as
__main__ under the unmodified asyncio of this interpreter, with the rules of
tools/pydiff/README.md ("The virtual-time rules"):

- one integer clock, now_ns, read by time.time/monotonic/perf_counter (and
  their *_ns forms) and so by loop.time(); nothing but waiting advances it;
- every thread (the main thread, executor workers, threading.Thread) runs one
  at a time under a deterministic scheduler (the Coordinator below); a thread
  gives up its turn only where it would block: time.sleep, concsim.cpu, the
  event loop's select(), a lock/condition/event/semaphore/queue/future wait,
  a join;
- when no thread can run, the clock jumps to the earliest deadline; when there
  is none, the run has stalled (real CPython would hang);
- everything printed is recorded with its virtual time and the name of the
  task (or thread) that printed it; the result is one JSON object.

What is patched, and why, is said where it is done: the time module's clocks
and sleep, threading's lock factory and thread start (so that blocking goes
through the scheduler), queue.SimpleQueue (its C version blocks outside
Python), os.cpu_count (the modelled machine), the event loop class (through
the documented event-loop policy) and the loop's timer handles (for the tie
rule). asyncio itself, concurrent.futures and threading's Condition, Event,
Semaphore, Barrier and Thread code run as shipped.

Exit code: 0 completed, 1 failed or stalled, 2 bad usage, 3 harness error
(including the wall-clock --timeout).
"""

import sys

if sys.version_info[:2] != (3, 11):
    sys.stderr.write("vclock.py: needs CPython 3.11 (its asyncio is the oracle), "
                     "this is %d.%d\n" % sys.version_info[:2])
    sys.exit(2)

import os

# Hash randomisation changes the iteration order of sets of strings and, through
# different allocation patterns, can change other orders between runs. Programs
# must not depend on it (concsim cannot reproduce either order), but the harness
# itself must be byte-for-byte repeatable, so it runs with a fixed seed.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import _thread
import argparse
import collections
import heapq
import io
import itertools
import json
import math
import re
import runpy
import selectors
import threading
import time
import traceback

# asyncio, concurrent.futures and logging must be imported only after the
# patches below: they create module-level locks at import time, and those must
# be the scheduler's locks.
assert "asyncio" not in sys.modules and "concurrent.futures" not in sys.modules, \
    "vclock.py must patch threading before asyncio is imported"

HERE = os.path.dirname(os.path.abspath(__file__))
CONCSIM_MODULE_DIR = os.path.normpath(os.path.join(HERE, "..", "python"))

# The real primitives the scheduler itself is built on, captured before any patch.
_real_allocate_lock = _thread.allocate_lock
_real_start_new_thread = _thread.start_new_thread
_real_sleep = time.sleep
_real_stdout = sys.stdout
_real_stderr = sys.stderr

NS_PER_S = 1_000_000_000
# BaseEventLoop._run_once clamps its select() timeout to this (base_events.py).
MAXIMUM_SELECT_TIMEOUT = 24 * 3600


def duration_ns(seconds):
    """A duration in float seconds as integer nanoseconds: round(d * 1e9),
    Python's round (half to even)."""
    return round(seconds * 1e9)


def check_sleep_arg(secs):
    """The argument checks of CPython's time.sleep (Modules/timemodule.c via
    _PyTime_FromSecondsObject), with its messages."""
    if isinstance(secs, float):
        if math.isnan(secs):
            raise ValueError("Invalid value NaN (not a number)")
    else:
        import operator
        operator.index(secs)  # TypeError: '...' object cannot be interpreted as an integer
    if secs < 0:
        raise ValueError("sleep length must be non-negative")


class Stalled(Exception):
    """Raised into nothing: the coordinator ends the run when no thread can run."""


# ---------------------------------------------------------------------------
# The deterministic virtual-time thread scheduler.

class VThread:
    """One thread's place in the scheduler. A thread runs only while it holds
    the baton; `gate` is the real lock it sleeps on otherwise."""

    __slots__ = ("name", "thread", "gate", "ident", "finished", "joiners",
                 "waiting", "woken", "token", "waitq", "what")

    def __init__(self, thread):
        self.thread = thread
        self.name = thread.name if thread is not None else "?"
        self.gate = _real_allocate_lock()
        self.gate.acquire()
        self.ident = None
        self.finished = False
        self.joiners = collections.deque()
        self.waiting = False   # blocked (in a wait queue and/or on a deadline)
        self.woken = False     # the last block ended by wake(), not by its deadline
        self.token = 0         # invalidates a stale deadline entry in the timer heap
        self.waitq = None      # the wait queue to leave when the deadline passes
        self.what = ""         # what it waits on, for the stall report


class Coordinator:
    """Runs the program's threads one at a time in virtual time.

    The order is total and fixed:
    - the running thread keeps running until it blocks (there is no
      preemption: executing Python code costs no virtual time);
    - threads that become runnable join the back of one FIFO ready queue;
    - when the ready queue is empty, the clock jumps to the earliest deadline
      and every thread whose deadline it is becomes runnable, in the order the
      deadlines were registered; a block with a deadline equal to now (sleep(0),
      select(0)) therefore lets every ready thread run first;
    - with nothing ready and no deadline, the run has stalled.
    """

    def __init__(self, cores, on_stall):
        self.now_ns = 0
        self.cores = cores
        self.cores_free = cores
        self.core_waiters = collections.deque()   # first come, first served
        self.ready = collections.deque()
        self.timers = []                          # (deadline_ns, seq, token, vthread)
        self.seq = itertools.count()
        self.by_thread = {}
        self.threads = []
        self.on_stall = on_stall
        main = VThread(threading.main_thread())
        main.ident = _thread.get_ident()
        self.main = main
        self.current = main
        self.by_thread[threading.main_thread()] = main
        self.threads.append(main)

    # -- the baton --

    def _check_current(self):
        if _thread.get_ident() != self.current.ident:
            raise RuntimeError("vclock: a thread the scheduler does not manage tried to block "
                               "(threads must be started through threading)")

    def _next(self):
        """The next thread to run; advances the clock when nothing is ready."""
        while not self.ready:
            while self.timers and self.timers[0][2] != self.timers[0][3].token:
                heapq.heappop(self.timers)
            if not self.timers:
                self.on_stall()
                raise Stalled()  # on_stall does not return; this is a safety net
            deadline = self.timers[0][0]
            if deadline > self.now_ns:
                self.now_ns = deadline  # the only place where virtual time advances
            while self.timers and self.timers[0][0] == deadline:
                _, _, token, vt = heapq.heappop(self.timers)
                if token != vt.token or not vt.waiting:
                    continue
                vt.waiting = False
                vt.woken = False
                vt.token += 1
                if vt.waitq is not None:
                    vt.waitq.remove(vt)
                    vt.waitq = None
                self.ready.append(vt)
        return self.ready.popleft()

    def block(self, deadline_ns=None, waitq=None, what=""):
        """Give up the baton until wake() or the deadline. The caller has put
        the current thread in `waitq` (if any). True if woken, False if the
        deadline passed."""
        self._check_current()
        me = self.current
        me.waiting = True
        me.woken = False
        me.token += 1
        me.waitq = waitq
        me.what = what
        if deadline_ns is not None:
            heapq.heappush(self.timers, (deadline_ns, next(self.seq), me.token, me))
        nxt = self._next()
        if nxt is not me:
            self.current = nxt
            nxt.gate.release()
            me.gate.acquire()
        return me.woken

    def wake(self, vt):
        """Make a blocked thread runnable (the caller has taken it out of its wait queue)."""
        if vt.waiting:
            vt.waiting = False
            vt.woken = True
            vt.token += 1
            vt.waitq = None
            self.ready.append(vt)

    def wait_in(self, waitq, deadline_ns=None, what=""):
        """Queue the current thread on waitq and block. True if a waker took it off."""
        waitq.append(self.current)
        return self.block(deadline_ns, waitq, what)

    # -- threads --

    def start_new_thread(self, function, args, kwargs=None):
        """threading._start_new_thread: a real OS thread that waits for the baton
        before it runs any Python code, and passes it on when it ends."""
        thread = getattr(function, "__self__", None)
        vt = VThread(thread)
        coordinator = self

        def run():
            vt.gate.acquire()
            vt.ident = _thread.get_ident()
            try:
                function(*args, **(kwargs or {}))
            finally:
                coordinator._exit_current()

        ident = _real_start_new_thread(run, ())
        if thread is not None:
            self.by_thread[thread] = vt
        self.threads.append(vt)
        self.ready.append(vt)
        return ident

    def _exit_current(self):
        me = self.current
        me.finished = True
        while me.joiners:
            self.wake(me.joiners.popleft())
        nxt = self._next()
        self.current = nxt
        nxt.gate.release()

    def wait_finished(self, vt, timeout_ns=None):
        """Join in virtual time. True when vt has finished."""
        if not vt.finished:
            deadline = None if timeout_ns is None else self.now_ns + timeout_ns
            self.wait_in(vt.joiners, deadline, "join " + vt.name)
        return vt.finished

    # -- time and cores --

    def sleep(self, ns):
        self.block(self.now_ns + ns, what="time.sleep")

    def cpu(self, ns):
        """Hold one of the machine's cores for ns of virtual time. When all are
        held, wait first come first served; a release hands the core to the
        first waiter."""
        if self.cores_free > 0:
            self.cores_free -= 1
        else:
            self.wait_in(self.core_waiters, None, "a core")
        self.block(self.now_ns + ns, what="concsim.cpu")
        if self.core_waiters:
            self.wake(self.core_waiters.popleft())
        else:
            self.cores_free += 1


COORD = None  # the one Coordinator of this process, set by main()


# ---------------------------------------------------------------------------
# Blocking primitives through the scheduler.

class VLock:
    """threading.Lock for the scheduler: the same API; a blocked acquire waits
    in virtual time. A release hands the lock to the longest waiter (FIFO
    hand-off; a real lock lets the releaser barge, and which waiter wins is up
    to the OS)."""

    __slots__ = ("_locked", "_waiters", "__weakref__")

    def __init__(self):
        self._locked = False
        self._waiters = collections.deque()

    def acquire(self, blocking=True, timeout=-1):
        if not blocking and timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        if timeout < 0 and timeout != -1:
            raise ValueError("timeout value must be a non-negative number")
        if not self._locked:
            self._locked = True
            return True
        if not blocking:
            return False
        deadline = None if timeout == -1 else COORD.now_ns + duration_ns(timeout)
        return COORD.wait_in(self._waiters, deadline, "a lock")

    def release(self):
        if not self._locked:
            raise RuntimeError("release unlocked lock")
        if self._waiters:
            COORD.wake(self._waiters.popleft())  # stays locked: handed over
        else:
            self._locked = False

    def locked(self):
        return self._locked

    def _at_fork_reinit(self):
        self._locked = False
        self._waiters.clear()

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    acquire_lock = acquire
    release_lock = release
    locked_lock = locked

    def __repr__(self):
        state = "locked" if self._locked else "unlocked"
        return "<%s %s object at %#x>" % (state, type(self).__qualname__, id(self))


def v_time():
    return COORD.now_ns / 1e9


def v_time_ns():
    return COORD.now_ns


def v_sleep(secs):
    check_sleep_arg(secs)
    COORD.sleep(duration_ns(secs))


def v_wait_for_tstate_lock(self, block=True, timeout=-1):
    """Thread._wait_for_tstate_lock (join, is_alive): the thread's tstate lock
    is a real lock released by C after the thread's last Python code, so first
    wait in virtual time for the thread to finish; then the real wait is
    only for that C clean-up, which runs no Python code."""
    vt = COORD.by_thread.get(self)
    if vt is not None and vt is not COORD.main:
        if not vt.finished:
            if not block:
                return
            timeout_ns = None if timeout is None or timeout < 0 else duration_ns(timeout)
            if not COORD.wait_finished(vt, timeout_ns):
                return
        return _orig_wait_for_tstate_lock(self, True, -1)
    return _orig_wait_for_tstate_lock(self, block, timeout)


_orig_wait_for_tstate_lock = threading.Thread._wait_for_tstate_lock


def install_thread_patches(cores):
    import queue
    # threading's Lock factory: Condition, Event, Semaphore, BoundedSemaphore,
    # Barrier, Thread._started and queue.Queue are pure Python over it, so they
    # all block through the scheduler.
    threading.Lock = VLock
    threading._allocate_lock = VLock
    # RLock(): the pure-Python RLock, built on _allocate_lock (the C one blocks in C).
    threading._CRLock = None
    # A new thread waits for the baton before it runs any Python code.
    threading._start_new_thread = COORD.start_new_thread
    threading.Thread._wait_for_tstate_lock = v_wait_for_tstate_lock
    # threading and queue bound time.monotonic at import (for timeouts).
    threading._time = v_time
    queue.time = v_time
    # ThreadPoolExecutor's work queue: the C SimpleQueue blocks in C; the
    # pure-Python one is a deque and a threading.Semaphore.
    queue.SimpleQueue = queue._PySimpleQueue
    # The clocks and sleep. loop.time() is time.monotonic(), so this is also
    # the loop's clock.
    time.time = time.monotonic = time.perf_counter = v_time
    time.time_ns = time.monotonic_ns = time.perf_counter_ns = v_time_ns
    time.sleep = v_sleep
    # The modelled machine: ThreadPoolExecutor's default max_workers is
    # min(32, os.cpu_count() + 4).
    os.cpu_count = lambda: cores


# ---------------------------------------------------------------------------
# The event loop: asyncio's own SelectorEventLoop on a selector that waits in
# virtual time.

def install_loop(asyncio):
    from asyncio import events

    class SeqTimerHandle(events.TimerHandle):
        """A TimerHandle ordered by (when, seq). On a real clock two call_later()
        calls read the clock twice and never get equal deadlines, so timers
        armed one after another with the same delay fire in the order they were
        armed; on a virtual clock their `when` values are equal. call_later
        gives its timers seq >= 1 in creation order; call_at gives 0, so equal
        explicit deadlines tie and pop in heapq's order, as in CPython."""

        __slots__ = ("_seq",)

        def __init__(self, when, callback, args, loop, context=None, seq=0):
            super().__init__(when, callback, args, loop, context)
            self._seq = seq

        def _key(self):
            return (self._when, self._seq)

        def __lt__(self, other):
            if isinstance(other, SeqTimerHandle):
                return self._key() < other._key()
            return NotImplemented

        def __le__(self, other):
            if isinstance(other, SeqTimerHandle):
                return self._key() < other._key() or self.__eq__(other)
            return NotImplemented

        def __gt__(self, other):
            if isinstance(other, SeqTimerHandle):
                return self._key() > other._key()
            return NotImplemented

        def __ge__(self, other):
            if isinstance(other, SeqTimerHandle):
                return self._key() > other._key() or self.__eq__(other)
            return NotImplemented

        __hash__ = events.TimerHandle.__hash__

    # repr() shows the class's name ("<TimerHandle when=... cb() at f.py:3>" in
    # asyncio's log messages): CPython's, not the harness's.
    SeqTimerHandle.__name__ = SeqTimerHandle.__qualname__ = "TimerHandle"

    class VirtualSelector(selectors.BaseSelector):
        """The loop's selector. The only file descriptor asyncio registers
        without real I/O is its self-pipe, written by call_soon_threadsafe; the
        registrations live in a real selector, polled without waiting. When
        nothing is ready, select(timeout) blocks the loop thread in virtual time
        until the loop's next timer or a write to the self-pipe."""

        def __init__(self):
            self._real = selectors.DefaultSelector()
            self._loop = None
            self._waiter = None
            # concsim.io(d): non-blocking I/O that completes exactly d on, as
            # a read that becomes ready (concsim's model of I/O): entries
            # (deadline_ns, seq, handle). select() returns the due ones as
            # readable, so the loop queues their callbacks as it queues a
            # socket's, before the timers that are due.
            self._io = []
            self._io_seq = itertools.count()

        def add_io(self, deadline_ns, handle):
            heapq.heappush(self._io, (deadline_ns, next(self._io_seq), handle))

        def _due_io(self):
            events_ = []
            while self._io and self._io[0][0] <= COORD.now_ns:
                _, _, handle = heapq.heappop(self._io)
                key = selectors.SelectorKey(_IoCompletion, -1, selectors.EVENT_READ, (handle, None))
                events_.append((key, selectors.EVENT_READ))
            return events_

        def register(self, fileobj, events_, data=None):
            return self._real.register(fileobj, events_, data)

        def unregister(self, fileobj):
            return self._real.unregister(fileobj)

        def modify(self, fileobj, events_, data=None):
            return self._real.modify(fileobj, events_, data)

        def get_map(self):
            return self._real.get_map()

        def close(self):
            self._real.close()

        def _deadline(self, timeout):
            now = COORD.now_ns
            if timeout is None:
                return self._io[0][0] if self._io else None
            if timeout <= 0:
                return now
            scheduled = self._loop._scheduled if self._loop is not None else None
            if scheduled:
                # Sleep until the earliest timer: T = ceil(when * 1e9), and at
                # least one nanosecond on (_run_once then fires the timers with
                # when < now + clock_resolution).
                deadline = math.ceil(scheduled[0]._when * 1e9)
                if timeout >= MAXIMUM_SELECT_TIMEOUT:
                    deadline = min(deadline, now + MAXIMUM_SELECT_TIMEOUT * NS_PER_S)
            else:
                deadline = now + math.ceil(timeout * 1e9)
            if self._io:
                deadline = min(deadline, self._io[0][0])
            return deadline if deadline > now else now + 1

        def select(self, timeout=None):
            ready = self._real.select(0) + self._due_io()
            if ready:
                return ready
            self._waiter = COORD.current
            try:
                COORD.block(self._deadline(timeout), what="the event loop's select()")
            finally:
                self._waiter = None
            return self._real.select(0) + self._due_io()

        def wakeup(self):
            """The self-pipe was written: wake the loop thread if it waits in select."""
            if self._waiter is not None:
                COORD.wake(self._waiter)

    class VirtualEventLoop(asyncio.SelectorEventLoop):
        def __init__(self):
            selector = VirtualSelector()
            super().__init__(selector)
            selector._loop = self
            # time.get_clock_info('monotonic').resolution on Linux; fixed here
            # because the rule names it.
            self._clock_resolution = 1e-09
            self._next_timer_seq = 0
            self._timer_seqs = itertools.count(1)

        def call_later(self, delay, callback, *args, context=None):
            # CPython's call_later, unchanged, calls self.call_at below; the
            # sequence number tells call_at that the deadline came from a clock read.
            self._next_timer_seq = next(self._timer_seqs)
            try:
                return super().call_later(delay, callback, *args, context=context)
            finally:
                self._next_timer_seq = 0

        def call_at(self, when, callback, *args, context=None):
            # BaseEventLoop.call_at of CPython 3.11, line for line, except that
            # the handle carries the sequence number of the tie rule.
            seq, self._next_timer_seq = self._next_timer_seq, 0
            if when is None:
                raise TypeError("when cannot be None")
            self._check_closed()
            if self._debug:
                self._check_thread()
                self._check_callback(callback, 'call_at')
            timer = SeqTimerHandle(when, callback, args, self, context, seq)
            if timer._source_traceback:
                del timer._source_traceback[-1]
            heapq.heappush(self._scheduled, timer)
            timer._scheduled = True
            return timer

        def _write_to_self(self):
            # The self-pipe write of call_soon_threadsafe; the scheduler must
            # also learn of it to wake a loop that waits in select().
            super()._write_to_self()
            self._selector.wakeup()

    class VirtualEventLoopPolicy(asyncio.DefaultEventLoopPolicy):
        _loop_factory = VirtualEventLoop

    asyncio.set_event_loop_policy(VirtualEventLoopPolicy())
    return VirtualEventLoop


# ---------------------------------------------------------------------------
# Output recording and the result.

# A path, absolute or relative: an optional leading slash (not after a word
# character, a dot or a slash), one or more directories, then the file name
# (kept).
_PATH_RE = re.compile(r"(?<![\w./])/?(?:[^\s/:'\"<>()]+/)+([^\s/:'\"<>()]+)")


def basename_paths(text):
    """File paths in a message reduced to their basenames."""
    return _PATH_RE.sub(lambda m: m.group(1), text)


class Recorder:
    def __init__(self, program):
        self.program = program
        self.output = []
        self.partial = {"stdout": None, "stderr": None}  # [text, t_ns, task]
        self.result = None
        self.asyncio = None

    def who(self):
        """The running task's name on a thread that runs an event loop, else the
        thread's name (also for a loop's plain callbacks, which run in no task)."""
        aio = self.asyncio
        if aio is not None:
            loop = aio.events._get_running_loop()
            if loop is not None:
                task = aio.tasks.current_task(loop)
                if task is not None:
                    return task.get_name()
        return threading.current_thread().name

    def write(self, stream, text):
        if not text:
            return
        t = COORD.now_ns
        task = self.who()
        pending = self.partial[stream]
        pieces = text.split("\n")
        for i, piece in enumerate(pieces[:-1]):
            if i == 0 and pending is not None:
                piece = pending[0] + piece
                self.partial[stream] = None
            self.output.append({"t_ns": t, "task": task, "stream": stream, "text": piece})
        last = pieces[-1]
        if len(pieces) == 1 and pending is not None:
            last = pending[0] + last
        if last:
            # A partial line keeps the time and task of its latest write.
            self.partial[stream] = [last, t, task]
        elif len(pieces) > 1:
            self.partial[stream] = None

    def log_message(self, formatted):
        """An asyncio logger message: its lines up to the traceback, paths as basenames."""
        t = COORD.now_ns
        task = self.who()
        for line in formatted.split("\n"):
            if line.startswith("Traceback"):
                break
            self.output.append({"t_ns": t, "task": task, "stream": "stderr",
                                "text": basename_paths(line)})

    def flush_partials(self):
        for stream in ("stdout", "stderr"):
            pending = self.partial[stream]
            if pending is not None:
                self.output.append({"t_ns": pending[1], "task": pending[2],
                                    "stream": stream, "text": pending[0]})
                self.partial[stream] = None


class RecordingStream(io.TextIOBase):
    """sys.stdout / sys.stderr for the program: every write is recorded."""

    def __init__(self, recorder, name):
        super().__init__()
        self._recorder = recorder
        self._name = name

    @property
    def encoding(self):
        return "utf-8"

    @property
    def errors(self):
        return "strict"

    @property
    def name(self):
        return "<%s>" % self._name

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not %s" % type(s).__name__)
        self._recorder.write(self._name, s)
        return len(s)

    def flush(self):
        pass


def exception_info(exc, program_path):
    """{type, message, traceback}: the frames from the program's first frame on,
    without the harness's own, files as basenames."""
    frames = traceback.extract_tb(exc.__traceback__)
    prog = os.path.realpath(program_path)
    me = os.path.realpath(__file__)
    start = 0
    for i, f in enumerate(frames):
        if os.path.realpath(f.filename) == prog:
            start = i
            break
    out = []
    for f in frames[start:]:
        if os.path.realpath(f.filename) == me:
            continue
        out.append({"file": os.path.basename(f.filename), "line": f.lineno, "function": f.name})
    return {"type": type(exc).__name__, "message": str(exc), "traceback": out}


class Harness:
    def __init__(self, program, cores, json_out, fmt):
        self.program = program
        self.cores = cores
        self.json_out = json_out
        self.fmt = fmt
        self.recorder = Recorder(program)
        self.finish_lock = _real_allocate_lock()

    def on_stall(self):
        waiting = ["%s waits on %s" % (vt.name, vt.what or "?")
                   for vt in COORD.threads if vt.waiting and not vt.finished]
        self.finish("stalled", None, detail="; ".join(waiting))

    def finish(self, status, exc_info, detail=None):
        """Write the result and end the process (other threads may be parked
        on their gates for good; nothing of theirs is left to run)."""
        self.finish_lock.acquire()
        try:
            rec = self.recorder
            rec.flush_partials()
            result = {
                "status": status,
                "end_time_ns": COORD.now_ns,
                "output": rec.output,
                "result": rec.result,
                "exception": exc_info,
                "program": os.path.basename(self.program),
                "cores": self.cores,
            }
            if detail:
                result["detail"] = detail
            text = json.dumps(result, indent=1) + "\n"
            if self.json_out:
                tmp = self.json_out + ".tmp%d" % os.getpid()
                with open(tmp, "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(tmp, self.json_out)
            if self.fmt == "text":
                _real_stdout.write(render_text(result))
            elif not self.json_out:
                _real_stdout.write(text)
            _real_stdout.flush()
            _real_stderr.flush()
        except BaseException:
            traceback.print_exc(file=_real_stderr)
            _real_stderr.flush()
            os._exit(3)
        os._exit(0 if status == "completed" else 1)

    def run(self):
        # The program finds concsim.py and its own directory's modules.
        # (sys.path[0] is this script's directory: the program's takes its place,
        # as for `python3 PROG.py`.)
        sys.path[0] = os.path.dirname(os.path.abspath(self.program))
        sys.path.insert(1, CONCSIM_MODULE_DIR)
        import concsim
        concsim._backend = Backend()

        import asyncio
        import logging
        install_loop(asyncio)
        self.recorder.asyncio = asyncio
        self._wrap_asyncio_run(asyncio)
        self._capture_asyncio_log(logging)

        sys.argv = [self.program]
        sys.stdout = RecordingStream(self.recorder, "stdout")
        sys.stderr = RecordingStream(self.recorder, "stderr")
        status, exc_info = "completed", None
        try:
            runpy.run_path(self.program, run_name="__main__")
        except SystemExit as e:
            # sys.exit(0) / sys.exit() complete; any other code fails, as the
            # process's exit status would.
            if e.code not in (None, 0):
                status, exc_info = "failed", exception_info(e, self.program)
        except BaseException as e:
            status, exc_info = "failed", exception_info(e, self.program)
        self._shutdown()
        self.finish(status, exc_info)

    def _shutdown(self):
        """What the interpreter does after the module, in virtual time:
        threading's exit hooks (concurrent.futures wakes and joins its
        workers), a join of every non-daemon thread, then atexit callbacks."""
        hooks = list(reversed(threading._threading_atexits))
        threading._threading_atexits.clear()
        for hook in hooks:
            hook()
        while True:
            pending = [vt for vt in COORD.threads
                       if vt is not COORD.main and not vt.finished
                       and not (vt.thread is not None and vt.thread.daemon)]
            if not pending:
                break
            COORD.wait_finished(pending[0])
        import atexit
        atexit._run_exitfuncs()

    def _wrap_asyncio_run(self, asyncio):
        recorder = self.recorder
        orig_run = asyncio.runners.run

        def run(main, *, debug=None):
            value = orig_run(main, debug=debug)
            recorder.result = repr(value)
            return value

        run.__doc__ = orig_run.__doc__
        asyncio.run = asyncio.runners.run = run

    def _capture_asyncio_log(self, logging):
        recorder = self.recorder

        class RecordHandler(logging.Handler):
            def emit(self, record):
                recorder.log_message(self.format(record))

        logger = logging.getLogger("asyncio")
        logger.addHandler(RecordHandler())
        logger.propagate = False


class _IoCompletion:
    """The file object of a concsim.io completion in the selector's events."""


class Backend:
    """What concsim.py calls under the harness."""

    def cpu(self, seconds):
        COORD.cpu(duration_ns(seconds))

    def io(self, seconds):
        """The future of an I/O operation that completes round(seconds * 1e9)
        ns from now, through the loop's select(), as concsim models it."""
        import asyncio
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        handle = asyncio.events.Handle(asyncio.futures._set_result_unless_cancelled, (fut, None), loop, None)
        loop._selector.add_io(COORD.now_ns + duration_ns(seconds), handle)
        return fut


def render_text(result):
    lines = ["status    %s" % result["status"],
             "end time  %d ns" % result["end_time_ns"]]
    for o in result["output"]:
        lines.append("%15d  %-22s %-6s %s" % (o["t_ns"], o["task"], o["stream"], o["text"]))
    lines.append("result    %s" % result["result"])
    if result["exception"]:
        e = result["exception"]
        lines.append("exception %s: %s" % (e["type"], e["message"]))
        for f in e["traceback"]:
            lines.append("  %s:%d in %s" % (f["file"], f["line"], f["function"]))
    if result.get("detail"):
        lines.append("detail    %s" % result["detail"])
    return "\n".join(lines) + "\n"


def watchdog(seconds):
    _real_sleep(seconds)
    _real_stderr.write("vclock.py: the program ran %g s of wall-clock time; stopped "
                       "(a blocking call the scheduler does not model?)\n" % seconds)
    _real_stderr.flush()
    os._exit(3)


def main(argv):
    global COORD
    ap = argparse.ArgumentParser(
        prog="vclock.py",
        description="Run a Python program under CPython's asyncio on a virtual clock.")
    ap.add_argument("program")
    ap.add_argument("--cores", type=int, default=4,
                    help="cores of the modelled machine (default 4, the ideal profile)")
    ap.add_argument("--json", metavar="OUT", help="write the result JSON to OUT")
    ap.add_argument("--format", choices=["json", "text"], default="json",
                    help="what to print on stdout (json unless --json is given)")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="wall-clock seconds before the run is abandoned (exit 3)")
    args = ap.parse_args(argv)
    if args.cores < 1:
        ap.error("--cores must be at least 1")
    if not os.path.isfile(args.program):
        sys.stderr.write("vclock.py: %s: no such file\n" % args.program)
        return 2
    harness = Harness(args.program, args.cores, args.json, args.format)
    COORD = Coordinator(args.cores, harness.on_stall)
    install_thread_patches(args.cores)
    _real_start_new_thread(watchdog, (args.timeout,))
    harness.run()
    return 3  # not reached: finish() ends the process


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
