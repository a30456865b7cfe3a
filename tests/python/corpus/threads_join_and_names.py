# status: completed
# concsim: --model threads
# threading.Thread with start/join, names (given and Thread-N (target)),
# daemon, current_thread() and main_thread(), active_count(); each thread
# sleeps a different time, so the order of their lines does not depend on
# how threads are scheduled.
import threading
import time

START = time.monotonic()


def work(delay, results):
    time.sleep(delay)
    me = threading.current_thread()
    print(f"{me.name} woke at {time.monotonic() - START:.2f}, daemon={me.daemon}")
    results.append(me.name)


results = []
threads = [threading.Thread(target=work, args=(d, results)) for d in (0.3, 0.1, 0.2)]
named = threading.Thread(target=work, args=(0.4, results), name="worker", daemon=True)
for t in threads + [named]:
    t.start()
print("started", threading.active_count(), threading.current_thread().name,
      threading.current_thread() is threading.main_thread())
for t in threads:
    t.join()
print("joined three", results, [t.is_alive() for t in threads])
named.join(timeout=0.05)
print("timed join returns at", f"{time.monotonic() - START:.2f}", named.is_alive())
named.join()
print("all", results, threading.active_count())
