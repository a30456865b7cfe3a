# status: completed
# concsim: --model threads
# queue.Queue between threads: a bounded queue blocks its producer until
# the consumer makes room; get and put with timeouts raise Empty and Full
# when they run out; task_done/join; LifoQueue and PriorityQueue order;
# get_nowait/put_nowait. Lines of two threads never fall due at the same
# instant (on a real clock their order would be chance).
import queue
import threading
import time


START = time.monotonic()


def now():
    return f"{time.monotonic() - START:.2f}"


q = queue.Queue(maxsize=2)


def producer():
    for i in range(5):
        q.put(i)
        print("put", i, now())
    q.put(None)


def consumer():
    while True:
        time.sleep(0.1)
        item = q.get()
        if item is None:
            break
        time.sleep(0.05)  # off the instant the producer's put returns
        print("got", item, now())


p = threading.Thread(target=producer)
c = threading.Thread(target=consumer)
p.start()
c.start()
p.join()
c.join()

try:
    q.get(timeout=0.25)
except queue.Empty:
    print("Empty after", now())
q.put(1)
q.put(2)
try:
    q.put(3, timeout=0.15)
except queue.Full:
    print("Full after", now(), q.qsize(), q.full())
try:
    q.put_nowait(3)
except queue.Full:
    print("put_nowait: Full")
print(q.get_nowait(), q.get(), q.empty())
try:
    q.get_nowait()
except queue.Empty:
    print("get_nowait: Empty")

jobs = queue.Queue()
for n in (3, 1, 1):
    jobs.put(n)


def worker(name):
    while True:
        n = jobs.get()
        time.sleep(n / 10)
        print(name, "did", n, now())
        jobs.task_done()


for i in range(2):
    threading.Thread(target=worker, args=(f"w{i}",), daemon=True).start()
jobs.join()
print("all jobs done", now())

lifo = queue.LifoQueue()
prio = queue.PriorityQueue()
for x in (2, 3, 1):
    lifo.put(x)
    prio.put((x, f"job{x}"))
print([lifo.get() for _ in range(3)], [prio.get() for _ in range(3)])
