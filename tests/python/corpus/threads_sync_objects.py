# status: completed
# concsim: --model threads
# threading's Lock, RLock, Condition (wait, wait_for, notify, notify_all),
# Semaphore, BoundedSemaphore, Event (wait with and without a timeout) and
# Barrier, each wait ended by a sleep of another thread or a timeout, so the
# order does not depend on how threads are scheduled.
import threading
import time


START = time.monotonic()


def now():
    return f"{time.monotonic() - START:.2f}"


lock = threading.Lock()
print("lock", lock.acquire(), lock.locked(), lock.acquire(blocking=False))
lock.release()
print("released", lock.locked())


def holder():
    with lock:
        time.sleep(0.2)


t = threading.Thread(target=holder)
t.start()
time.sleep(0.05)
print("acquire with timeout", lock.acquire(timeout=0.1), now())
print("acquire blocking", lock.acquire(), now())
lock.release()
t.join()

r = threading.RLock()
with r:
    with r:
        print("rlock twice")
try:
    threading.RLock().release()
except RuntimeError as e:
    print("RuntimeError:", e)

cond = threading.Condition()
box = []


def consumer(name):
    with cond:
        cond.wait_for(lambda: box)
        print(name, "took", box.pop(0), now())


cs = [threading.Thread(target=consumer, args=(f"c{i}",)) for i in range(3)]
for c in cs:
    c.start()
for i in range(3):
    time.sleep(0.1)
    with cond:
        box.append(i)
        cond.notify()
for c in cs:
    c.join()
with cond:
    print("wait timeout", cond.wait(timeout=0.05), now())

sem = threading.BoundedSemaphore(2)


def limited(i):
    with sem:
        time.sleep(0.1 * (i + 1))
        print("limited", i, now())


ls = [threading.Thread(target=limited, args=(i,)) for i in range(4)]
for x in ls:
    x.start()
for x in ls:
    x.join()
try:
    sem.release()
except ValueError as e:
    print("ValueError:", e)

ev = threading.Event()


def setter():
    time.sleep(0.3)
    ev.set()


threading.Thread(target=setter).start()
print("event", ev.is_set(), ev.wait(0.1), now())
print("event", ev.wait(), ev.is_set(), now())
ev.clear()
print("cleared", ev.is_set())

bar = threading.Barrier(3, action=lambda: print("barrier action", now()))


def arrive(d):
    time.sleep(d)
    i = bar.wait()
    time.sleep(d)
    print("through", d, i, now())


bs = [threading.Thread(target=arrive, args=(d,)) for d in (0.3, 0.1, 0.2)]
for b in bs:
    b.start()
for b in bs:
    b.join()
print("barrier", bar.parties, bar.n_waiting, bar.broken)
