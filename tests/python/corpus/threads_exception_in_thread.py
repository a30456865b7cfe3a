# status: failed
# concsim: --model threads
# An exception in a thread is printed by threading.excepthook (to stderr,
# with the thread's name and a traceback) and does not stop the others; the
# main thread's top level runs on, and an exception that leaves it fails
# the program after the other threads have been joined at exit.
import threading
import time

START = time.monotonic()


def fail():
    time.sleep(0.1)
    raise ValueError("bad input in a thread")


def ok():
    time.sleep(0.2)
    print("ok finished", f"{time.monotonic() - START:.2f}")


for target in (fail, ok):
    threading.Thread(target=target, name=target.__name__).start()
time.sleep(0.15)
print("main goes on", f"{time.monotonic() - START:.2f}")
raise KeyError("main's own")
