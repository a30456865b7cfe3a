# status: completed
# concsim: --model threads
# concurrent.futures.ThreadPoolExecutor from synchronous code: submit and
# result, map in argument order (iterated with a for loop), an exception
# from a job, done() and a timeout on result(), wait and as_completed, and
# the pool's workers' names.
import threading
import time
from concurrent.futures import (ThreadPoolExecutor, TimeoutError, as_completed,
                                wait, FIRST_COMPLETED)


START = time.monotonic()


def now():
    return f"{time.monotonic() - START:.2f}"


def square(x):
    time.sleep(0.1 * x)
    return x * x


def whoami():
    time.sleep(0.05)  # both workers busy at once: one job each
    return threading.current_thread().name


def broken():
    time.sleep(0.05)
    raise ValueError("no")


with ThreadPoolExecutor(max_workers=2) as ex:
    fs = [ex.submit(square, x) for x in (1, 2, 3)]
    print([f.result() for f in fs], now())
    for r in ex.map(square, [2, 1]):
        print("map", r, now())
    f = ex.submit(broken)
    try:
        f.result()
    except ValueError as e:
        print("raised", e, f.done(), repr(f.exception()))
    slow = ex.submit(square, 3)
    try:
        slow.result(timeout=0.1)
    except TimeoutError:
        print("TimeoutError", now(), slow.done())
    print(slow.result(), now())
    fs = [ex.submit(square, x) for x in (3, 1)]
    done, not_done = wait(fs, return_when=FIRST_COMPLETED)
    print("wait", [f.result() for f in done], len(not_done), now())
    for f in as_completed(fs):
        print("as_completed", f.result(), now())
    print(sorted([f.result() for f in [ex.submit(whoami) for _ in range(2)]]))
print("after the pool", threading.active_count(), now())
