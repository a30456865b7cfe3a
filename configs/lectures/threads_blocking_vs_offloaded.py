# Claim S8's threaded twin (blocking_vs_executor.yaml; lecture 22, slides 7
# and 8): a ticker thread due every 0.1 s beside a 1 s blocking call. With a
# thread per task a blocking call blocks only its own thread, so whether
# the main thread makes it itself or hands it to a ThreadPoolExecutor, the
# ticker keeps time: the opposite of the event loop, which the same call
# freezes. What does delay the ticker is computation: under the GIL a
# thread that computes holds the interpreter, and the ticker, woken on
# time, waits a switch interval (5 ms) for it before it can print.
#
#   concsim run configs/lectures/threads_blocking_vs_offloaded.py --model threads
#   concsim run configs/lectures/threads_blocking_vs_offloaded.py --model threads --set threads.gil=false
#   PYTHONPATH=tools/python python3 configs/lectures/threads_blocking_vs_offloaded.py
#
# Ticks 0 to 21 come at 0.1 s to 2.2 s exactly; the computation starts at
# 2.25 s, so tick 22 (due at 2.3 s) prints at 2.305 s and tick 23 at 2.410 s.
# Without the GIL they come at 2.3 s and 2.4 s.
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from concsim import cpu

start = time.monotonic()


def stamp():
    return f"{time.monotonic() - start:.3f} s"


def ticker():
    for i in range(24):
        time.sleep(0.1)
        print(f"tick {i} at {stamp()}")


def blocking_read():
    time.sleep(1.0)  # e.g. requests.get() or a synchronous database driver
    return "data"


t = threading.Thread(target=ticker, name="ticker")
t.start()
time.sleep(0.25)
print(f"blocking call in the main thread at {stamp()}")
r1 = blocking_read()
print(f"it returned {r1} at {stamp()}; now the same call in a worker thread")
with ThreadPoolExecutor(max_workers=1) as pool:
    r2 = pool.submit(blocking_read).result()
print(f"the worker returned {r2} at {stamp()}; now 1 s of computation")
cpu(1.0)
print(f"computation done at {stamp()}")
t.join()
