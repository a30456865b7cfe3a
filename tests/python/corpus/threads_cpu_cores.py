# status: completed
# concsim: --model threads --set threads.gil=false
# Four threads that each compute for 1 s run side by side on four cores:
# without a GIL (the harness has none; concsim with threads.gil off) they
# finish at 1.0, 1.1, 1.2 and 1.3 s. Under plain CPython the GIL makes them
# take turns, about 4.6 s in all (see tools/pydiff/README.md).
import threading
import time

from concsim import cpu

START = time.monotonic()


def crunch(name, seconds):
    cpu(seconds)
    print(name, "done at", f"{time.monotonic() - START:.2f}")


threads = [threading.Thread(target=crunch, args=(f"t{i}", 1.0 + i / 10)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("four in parallel:", f"{time.monotonic() - START:.2f}")
