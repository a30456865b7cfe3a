# asyncio for concsim's thread model: asyncio's API with a thread per task.
#
# `--model threads` runs an asyncio program as the thread model runs YAML
# programs: every task is a kernel thread. create_task and ensure_future
# start a thread running the coroutine; awaiting a task joins its thread;
# asyncio.sleep sleeps the thread (sleep(0) is sched_yield); gather, wait,
# wait_for and as_completed join threads, with timeouts; Lock, Semaphore,
# BoundedSemaphore, Event, Condition, Barrier and the queues block threads,
# with FIFO hand-offs; TaskGroup, shield, timeout and Barrier are CPython's
# code on these tasks (TaskGroup and Barrier in models/asyncio_shared.py,
# appended to this module); run_in_executor and to_thread start a thread and join it;
# asyncio.run runs main() on the calling thread, as the task "Task-1".
# Task.cancel() cannot interrupt a thread: CancelledError is raised at the
# task's next blocking point (at once if it is blocked); a task that never
# blocks again finishes normally. When main() returns, nothing is
# cancelled: the run ends when every task's thread has ended, as Python
# joins its threads at exit.
#
# The natives (models/threads/thread_asyncio.cc) are in this module's
# globals when it runs: Future, Task, CancelledError, InvalidStateError,
# current_task, all_tasks, iscoroutine, and the private _sleep, _start_task,
# _start_job, _run_main, _gather, _wait, _wait_for, _next_done, _deadline,
# _new_sync, _record_result, _time. The function signatures and messages
# follow CPython 3.11's Lib/asyncio (Copyright (c) 2001-2023 Python
# Software Foundation; the PSF License Agreement applies).

FIRST_COMPLETED = 'FIRST_COMPLETED'
FIRST_EXCEPTION = 'FIRST_EXCEPTION'
ALL_COMPLETED = 'ALL_COMPLETED'
_RETURN_WHEN = {ALL_COMPLETED: 0, FIRST_COMPLETED: 1, FIRST_EXCEPTION: 2}


class QueueEmpty(Exception):
    pass


class QueueFull(Exception):
    pass


class BrokenBarrierError(RuntimeError):
    pass


def isfuture(obj):
    return isinstance(obj, Future)


# ------------------------------------------------------------- tasks ----

def create_task(coro, *, name=None, context=None):
    if not iscoroutine(coro):
        raise TypeError(f"a coroutine was expected, got {coro!r}")
    return _start_task(coro, None if name is None else str(name))


# The type of the thread model's own awaitables (what gather() and
# concsim.io() return): each blocks the thread that awaits it.
_Awaitable = type(_gather([], False))


async def _wrap_awaitable(awaitable):
    return await awaitable


def ensure_future(coro_or_future, *, loop=None):
    if isfuture(coro_or_future):
        return coro_or_future
    if type(coro_or_future) is _Awaitable:
        # CPython wraps an awaitable in a task the same way.
        return _start_task(_wrap_awaitable(coro_or_future), None)
    if not iscoroutine(coro_or_future):
        raise TypeError('An asyncio.Future, a coroutine or an awaitable '
                        'is required')
    return _start_task(coro_or_future, None)


async def sleep(delay, result=None):
    return await _sleep(delay, result)


def gather(*coros_or_futures, return_exceptions=False):
    children = [ensure_future(c) for c in coros_or_futures]
    return _gather(children, return_exceptions)


async def wait(fs, *, timeout=None, return_when=ALL_COMPLETED):
    if isfuture(fs) or iscoroutine(fs):
        raise TypeError(f"expect a list of futures, not {type(fs).__name__}")
    if not fs:
        raise ValueError('Set of Tasks/Futures is empty.')
    if return_when not in (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED):
        raise ValueError(f'Invalid return_when value: {return_when}')
    futures = []
    for f in fs:
        if iscoroutine(f):
            raise TypeError("Passing coroutines is forbidden, use tasks explicitly.")
        if f not in futures:
            futures.append(f)
    return _wait(futures, timeout, _RETURN_WHEN[return_when])


async def wait_for(fut, timeout):
    fut = ensure_future(fut)
    return _wait_for(fut, timeout)


def as_completed(fs, *, timeout=None):
    if isfuture(fs) or iscoroutine(fs):
        raise TypeError(f"expect an iterable of futures, not {type(fs).__name__}")
    todo = []
    for f in fs:
        f = ensure_future(f)
        if f not in todo:
            todo.append(f)
    deadline = _deadline(timeout)
    left = list(todo)
    for _ in range(len(todo)):
        yield _next_done(left, deadline)


# shield() (asyncio_shared.py): CPython's, the outer future following the
# inner task; cancelling it (or the task that awaits it) leaves the inner
# task running.
_ensure_future = ensure_future


def _shield_outer(inner):
    return Future()


_CREATED = 'created'
_ENTERED = 'active'
_EXPIRING = 'expiring'
_EXPIRED = 'expired'
_EXITED = 'finished'


class Timeout:
    # CPython 3.11's timeouts.py. Its timer is the thread model's: at the
    # deadline the task is cancelled as by Task.cancel(), so the
    # CancelledError arrives at the task's next blocking point (at once if
    # it is blocked), and __aexit__ turns it into TimeoutError.
    def __init__(self, when):
        self._state = _CREATED
        self._timer = None
        self._task = None
        self._when = when

    def _poll(self):
        # The timer fired: what _on_timeout does in CPython.
        if self._timer is not None and _fired(self._timer):
            self._timer = None
            self._state = _EXPIRING

    def when(self):
        return self._when

    def reschedule(self, when):
        assert self._state is not _CREATED
        self._poll()
        if self._state is not _ENTERED:
            raise RuntimeError(
                f"Cannot change state of {self._state} Timeout",
            )
        self._when = when
        if self._timer is not None:
            _disarm(self._timer)
        if when is None:
            self._timer = None
        else:
            self._timer = _cancel_at(self._task, float(when))

    def expired(self):
        self._poll()
        return self._state in (_EXPIRING, _EXPIRED)

    def __repr__(self):
        self._poll()
        info = ['']
        if self._state is _ENTERED:
            when = round(self._when, 3) if self._when is not None else None
            info.append(f"when={when}")
        info_str = ' '.join(info)
        return f"<Timeout [{self._state}]{info_str}>"

    async def __aenter__(self):
        self._state = _ENTERED
        self._task = current_task()
        if self._task is None:
            raise RuntimeError("Timeout should be used inside a task")
        self.reschedule(self._when)
        return self

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        self._poll()
        assert self._state in (_ENTERED, _EXPIRING)
        if self._timer is not None:
            _disarm(self._timer)
            self._timer = None
        if self._state is _EXPIRING:
            self._state = _EXPIRED
            if self._task.uncancel() == 0 and exc_type is CancelledError:
                raise TimeoutError
        elif self._state is _ENTERED:
            self._state = _EXITED
        return None


def timeout(delay):
    return Timeout(get_running_loop().time() + delay if delay is not None else None)


def timeout_at(when):
    return Timeout(when)


def _call(func, args, kwargs):
    return func(*args, **kwargs)


def _job_name(func):
    return 'executor:' + getattr(func, '__name__', 'job')


async def to_thread(func, /, *args, **kwargs):
    return await _start_job(_call, (func, args, kwargs), _job_name(func))


async def _result_of(cfuture):
    return cfuture.result()


class _ThreadLoop:
    # What get_running_loop() gives: the loop's API that has a meaning when
    # every task is a thread.
    def time(self):
        return _time()

    def create_task(self, coro, *, name=None, context=None):
        return create_task(coro, name=name)

    def create_future(self):
        return Future()

    def run_in_executor(self, executor, func, *args):
        if executor is None:
            return _start_job(_call, (func, args, {}), _job_name(func))
        return _result_of(executor.submit(func, *args))

    def run_until_complete(self, future):
        if iscoroutine(future):
            return _run_main(future, None)
        raise TypeError('concsim: under --model threads, run_until_complete takes a coroutine')

    def is_running(self):
        return current_task() is not None

    def is_closed(self):
        return False

    def close(self):
        pass

    def call_exception_handler(self, context):
        # The thread model keeps no exception log (the event loop's
        # default handler and its messages are the event loop's).
        pass

    def get_debug(self):
        return False

    def set_debug(self, enabled):
        pass

    def __repr__(self):
        return '<concsim thread-model loop>'


_LOOP = _ThreadLoop()


def get_running_loop():
    if current_task() is None:
        raise RuntimeError('no running event loop')
    return _LOOP


def _get_running_loop():
    return _LOOP if current_task() is not None else None


def get_event_loop():
    return _LOOP


def new_event_loop():
    return _LOOP


def set_event_loop(loop):
    pass


def run(main, *, debug=None):
    if current_task() is not None:
        raise RuntimeError(
            "asyncio.run() cannot be called from a running event loop")
    if not iscoroutine(main):
        raise ValueError("a coroutine was expected, got {!r}".format(main))
    result = _run_main(main, None)
    _record_result(result)
    return result


# ------------------------------------------------------ synchronisation ----

class _ContextManagerMixin:
    async def __aenter__(self):
        await self.acquire()
        return None

    async def __aexit__(self, exc_type, exc, tb):
        self.release()


class Lock(_ContextManagerMixin):
    def __init__(self):
        self._s = _new_sync('lock', 1)

    def __repr__(self):
        res = super().__repr__()
        extra = 'locked' if self.locked() else 'unlocked'
        return f'<{res[1:-1]} [{extra}]>'

    def locked(self):
        return self._s.locked()

    async def acquire(self):
        return self._s.acquire()

    def release(self):
        if not self._s.locked():
            raise RuntimeError('Lock is not acquired.')
        self._s.release()


class Event:
    def __init__(self):
        self._s = _new_sync('event', 0)

    def __repr__(self):
        res = super().__repr__()
        extra = 'set' if self.is_set() else 'unset'
        return f'<{res[1:-1]} [{extra}]>'

    def is_set(self):
        return self._s.value() != 0

    def set(self):
        self._s.set()

    def clear(self):
        self._s.clear()

    async def wait(self):
        return self._s.wait()


class Condition(_ContextManagerMixin):
    def __init__(self, lock=None):
        if lock is None:
            lock = Lock()
        self._lock = lock
        self.locked = lock.locked
        self.acquire = lock.acquire
        self.release = lock.release
        self._cv = _new_sync('condition', 0)

    def __repr__(self):
        res = super().__repr__()
        extra = 'locked' if self.locked() else 'unlocked'
        return f'<{res[1:-1]} [{extra}]>'

    async def wait(self):
        if not self.locked():
            raise RuntimeError('cannot wait on un-acquired lock')
        self.release()
        try:
            self._cv.wait()
            return True
        finally:
            err = None
            while True:
                try:
                    await self.acquire()
                    break
                except CancelledError as e:
                    err = e
            if err is not None:
                raise err

    async def wait_for(self, predicate):
        result = predicate()
        while not result:
            await self.wait()
            result = predicate()
        return result

    def notify(self, n=1):
        if not self.locked():
            raise RuntimeError('cannot notify on un-acquired lock')
        self._cv.notify(n)

    def notify_all(self):
        self.notify(-1)


class Semaphore(_ContextManagerMixin):
    def __init__(self, value=1):
        if value < 0:
            raise ValueError("Semaphore initial value must be >= 0")
        self._s = _new_sync('semaphore', value)

    def __repr__(self):
        res = super().__repr__()
        value = self._s.value()
        extra = 'locked' if value == 0 else f'unlocked, value:{value}'
        return f'<{res[1:-1]} [{extra}]>'

    def locked(self):
        return self._s.value() == 0

    async def acquire(self):
        return self._s.acquire()

    def release(self):
        self._s.release()


class BoundedSemaphore(Semaphore):
    def __init__(self, value=1):
        if value < 0:
            raise ValueError("Semaphore initial value must be >= 0")
        self._s = _new_sync('bounded', value)


class Queue:
    def __init__(self, maxsize=0):
        self._maxsize = maxsize
        self._s = _new_sync('queue', maxsize if maxsize > 0 else 0)

    def __repr__(self):
        return f'<{type(self).__name__} at {id(self):#x} maxsize={self._maxsize!r}>'

    def qsize(self):
        return self._s.qsize()

    @property
    def maxsize(self):
        return self._maxsize

    def empty(self):
        return self._s.qsize() == 0

    def full(self):
        if self._maxsize <= 0:
            return False
        return self._s.qsize() >= self._maxsize

    async def put(self, item):
        self._s.put(item, True)

    def put_nowait(self, item):
        if not self._s.put(item, False):
            raise QueueFull

    async def get(self):
        return self._s.get(None)

    def get_nowait(self):
        empty = QueueEmpty
        item = self._s.get(empty)
        if item is empty:
            raise QueueEmpty
        return item

    def task_done(self):
        self._s.task_done()

    async def join(self):
        self._s.join()


class _OrderedQueue(Queue):
    # LifoQueue and PriorityQueue: asyncio's API over the queue module's
    # class of the same order, whose waits block the thread.
    def __init__(self, maxsize=0):
        import queue
        self._maxsize = maxsize
        self._q = getattr(queue, type(self).__name__)(maxsize)
        self._empty = queue.Empty
        self._full = queue.Full

    def qsize(self):
        return self._q.qsize()

    def empty(self):
        return self._q.empty()

    def full(self):
        return self._q.full()

    async def put(self, item):
        self._q.put(item)

    def put_nowait(self, item):
        try:
            self._q.put_nowait(item)
        except self._full:
            raise QueueFull from None

    async def get(self):
        return self._q.get()

    def get_nowait(self):
        try:
            return self._q.get_nowait()
        except self._empty:
            raise QueueEmpty from None

    def task_done(self):
        self._q.task_done()

    async def join(self):
        self._q.join()


class LifoQueue(_OrderedQueue):
    pass


class PriorityQueue(_OrderedQueue):
    pass
