# Claim S10's threaded twin (atomic_between_awaits.yaml; lecture 21 shows
# the threaded code, lecture 22 the asyncio one): four threads each add 10
# to a shared balance by reading it, computing the new one for 10 ms and
# writing it back. A thread can lose its turn between the read and the
# write: under CPython's GIL, a thread that has waited a switch interval
# (5 ms, sys.getswitchinterval()) takes the interpreter from one that is
# computing, so updates are lost even though only one thread runs Python at
# a time. With a Lock around the read-compute-write none is lost.
#
#   concsim run configs/lectures/threads_lost_update.py --model threads
#   concsim run configs/lectures/threads_lost_update.py --model threads --set threads.gil=false
#   PYTHONPATH=tools/python python3 configs/lectures/threads_lost_update.py
#
# The second line runs without the GIL (a free-threaded Python): the four
# threads compute side by side on four cores, read the same balance every
# time and write the same one back: 10 of 40. Under the GIL the count is
# concsim's (deterministic per seed) and CPython's differs from run to run:
# either way some updates are lost.
import threading

from concsim import cpu

balance = 0
locked_balance = 0
lock = threading.Lock()


def deposit(times):
    global balance
    for _ in range(times):
        current = balance        # read
        cpu(0.010)               # 10 ms of work between the read and the write
        balance = current + 1    # write


def deposit_locked(times):
    global locked_balance
    for _ in range(times):
        with lock:
            current = locked_balance
            cpu(0.010)
            locked_balance = current + 1


def run(target):
    threads = [threading.Thread(target=target, args=(10,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


run(deposit)
print(f"without a lock: {balance} of 40")
run(deposit_locked)
print(f"with a lock: {locked_balance} of 40")
