# Claim S1's threaded twin: 10,000 threads, one per idle keep-alive
# connection, all alive at once and waiting. What they hold is the machine
# profile's, as for the YAML programs: on linux-modern each thread reserves
# an 8 MiB stack and a guard page (about 78 GiB of address space for
# 10,000) but keeps resident only the stack it touched and its kernel stack
# (about 240 MiB); with the lecture's arithmetic (--machine lecture) each
# commits 1 MiB: 10,000 MiB. The main thread is the process's own and is not
# counted.
#
#   concsim run configs/lectures/threads_idle.py --model threads --machine linux-modern
#   concsim run configs/lectures/threads_idle.py --model threads --machine lecture
#   PYTHONPATH=tools/python python3 configs/lectures/threads_idle.py
import threading
import time

N = 10_000
closed = threading.Event()


def idle_connection():
    closed.wait()  # nothing arrives on this connection until it is closed


threads = [threading.Thread(target=idle_connection) for _ in range(N)]
for t in threads:
    t.start()
print(f"{threading.active_count() - 1} threads waiting")
time.sleep(10)
closed.set()
for t in threads:
    t.join()
print(f"all closed; {threading.active_count()} thread left")
