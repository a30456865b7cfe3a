#!/usr/bin/env python3
"""The harness's own correctness (tools/pydiff/vclock.py).

Each test runs a small program under the harness and checks virtual times
worked out from asyncio's semantics and the virtual-time rules
(tools/pydiff/README.md), with the reasoning beside each expectation; none is
copied from the harness's output.

Arithmetic used throughout: a timer armed at loop time `now` with delay d has
when = now + d (a float sum); the loop's clock then jumps to
ceil(when * 1e9) ns. For 0.5, 0.25, 1.0 and their sums everything is exact.
"""

import heapq
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
VCLOCK = os.path.join(ROOT, "tools", "pydiff", "vclock.py")
S = 1_000_000_000


def run(source, *extra):
    """Run `source` as prog.py under the harness; the result document and the exit code."""
    with tempfile.TemporaryDirectory() as tmp:
        prog = os.path.join(tmp, "prog.py")
        with open(prog, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(source))
        out = os.path.join(tmp, "out.json")
        proc = subprocess.run([sys.executable, VCLOCK, prog, "--json", out, *extra],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONHASHSEED="0"), timeout=60)
        if not os.path.exists(out):
            raise AssertionError("the harness wrote no result (exit %d): %s"
                                 % (proc.returncode, proc.stderr))
        with open(out, encoding="utf-8") as f:
            return json.load(f), proc.returncode


def lines(doc):
    return [(o["t_ns"], o["task"], o["text"]) for o in doc["output"]]


class GatherAndTimers(unittest.TestCase):
    def test_gather_ends_at_the_longest_fetch(self):
        doc, rc = run("""
            import asyncio
            async def fetch(name, d):
                await asyncio.sleep(d)
                print(name)
                return name
            async def main():
                return await asyncio.gather(fetch("A", 1.0), fetch("B", 0.5), fetch("C", 0.8))
            asyncio.run(main())
        """)
        # All three timers are armed at t=0 with when = 1.0, 0.5, 0.8. The
        # products when * 1e9 round to the integers 1e9, 5e8, 8e8 (0.8's
        # error, 4e-17, is far below the double spacing at 8e8, 1.2e-7), so
        # the clock stops at exactly those times, and gather's result reaches
        # the main task in the same instant as A: the end is 1.0 s, not 2.3 s.
        self.assertEqual(rc, 0)
        self.assertEqual(doc["status"], "completed")
        self.assertEqual(lines(doc), [(S // 2, "Task-3", "B"), (8 * S // 10, "Task-4", "C"),
                                      (S, "Task-2", "A")])
        self.assertEqual(doc["end_time_ns"], S)
        self.assertEqual(doc["result"], "['A', 'B', 'C']")

    def test_float_deadlines_round_up_to_the_next_nanosecond(self):
        doc, _ = run("""
            import asyncio
            async def main():
                for i in range(3):
                    await asyncio.sleep(0.1)
                    print(i)
            asyncio.run(main())
        """)
        # when = 0.1, then 0.1 + 0.1 = 0.2, then 0.2 + 0.1 = 0.30000000000000004
        # (float sums, as CPython's call_later computes them). 0.1e9 and 0.2e9
        # round to integers; 0.30000000000000004 * 1e9 = 300000000.0000000444
        # rounds to the double 300000000.0000000596 (spacing 2**-24 at 3e8),
        # whose ceiling is 300000001.
        self.assertEqual([t for t, _, _ in lines(doc)], [100000000, 200000000, 300000001])

    def test_call_later_ties_fire_in_creation_order_call_at_ties_in_heap_order(self):
        doc, _ = run("""
            import asyncio
            async def main():
                loop = asyncio.get_running_loop()
                when = loop.time() + 1
                for n in "abcd":
                    loop.call_at(when, print, "at", n)
                for n in "abcde":
                    loop.call_later(1, print, "later", n)
                await asyncio.sleep(2)
            asyncio.run(main())
        """)
        # call_later: on a real clock each call reads the clock anew, so equal
        # delays fire in the order armed. call_at with one `when` value: the
        # handles compare equal and pop in the order heapq gives for four
        # equal items pushed in order, computed here with heapq itself.
        class Equal:
            def __init__(self, name):
                self.name = name

            def __lt__(self, other):
                return False
        heap = []
        for n in "abcd":
            heapq.heappush(heap, Equal(n))
        heap_order = [heapq.heappop(heap).name for _ in range(4)]
        self.assertEqual(heap_order, ["a", "c", "b", "d"])  # not FIFO: the point of the test
        texts = [text for _, _, text in lines(doc)]
        self.assertEqual(texts, ["at " + n for n in heap_order] + ["later " + n for n in "abcde"])
        # The call_at timers (seq 0) come before the call_later ones (seq >= 1).
        self.assertTrue(all(t == S for t, _, _ in lines(doc)))


class BlockingCalls(unittest.TestCase):
    def test_time_sleep_freezes_the_loop(self):
        doc, _ = run("""
            import asyncio, time
            async def ticker():
                for i in range(4):
                    await asyncio.sleep(0.25)
                    print("tick", i)
            async def main():
                t = asyncio.create_task(ticker())
                await asyncio.sleep(0.6)
                time.sleep(1)
                print("returned")
                await t
            asyncio.run(main())
        """)
        # Ticks at 0.25 and 0.5. At 0.6 the main task blocks the loop's
        # thread for 1 s (600000000 + round(1.0 * 1e9) ns); the tick due at
        # 0.75 runs only when the loop runs again, at 1.6 s, after "returned".
        # The next timer is armed then: 1.6 + 0.25 = 1.85 (the double nearest
        # 1.85), 1.85e9 rounds to an integer: 1.85 s; then 2.1 s.
        self.assertEqual(lines(doc), [
            (250000000, "Task-2", "tick 0"),
            (500000000, "Task-2", "tick 1"),
            (1600000000, "Task-1", "returned"),
            (1600000000, "Task-2", "tick 2"),
            (1850000000, "Task-2", "tick 3"),
        ])

    def test_cpu_on_the_loop_holds_a_core_and_freezes_the_loop(self):
        doc, _ = run("""
            import asyncio, time
            from concsim import cpu
            def job():
                cpu(1)
                print("job done")
            async def main():
                loop = asyncio.get_running_loop()
                fut = loop.run_in_executor(None, job)
                cpu(1)
                print("loop done")
                await fut
            asyncio.run(main())
        """, "--cores", "1")
        # One core: the executor job starts first (submit starts the worker,
        # which takes the core at t=0); the loop's cpu(1) waits for it and
        # runs from 1 s to 2 s.
        self.assertEqual(lines(doc), [(S, "asyncio_0", "job done"), (2 * S, "Task-1", "loop done")])
        self.assertEqual(doc["end_time_ns"], 2 * S)

    def test_negative_sleep_raises_as_cpython(self):
        doc, rc = run("""
            import time
            time.sleep(-1)
        """)
        self.assertEqual(rc, 1)
        self.assertEqual(doc["exception"]["type"], "ValueError")
        self.assertEqual(doc["exception"]["message"], "sleep length must be non-negative")


class Executors(unittest.TestCase):
    def test_executor_jobs_overlap(self):
        doc, _ = run("""
            import asyncio, time
            async def main():
                loop = asyncio.get_running_loop()
                await asyncio.gather(*(loop.run_in_executor(None, time.sleep, 1) for _ in range(3)))
                print("done")
            asyncio.run(main())
        """)
        # Three workers (up to min(32, 4 + 4) = 8), each sleeping 1 s from
        # t=0: they overlap and all results arrive at 1 s.
        self.assertEqual(lines(doc), [(S, "Task-1", "done")])
        self.assertEqual(doc["end_time_ns"], S)

    def test_cpu_jobs_share_the_cores(self):
        source = """
            import asyncio
            from concsim import cpu
            async def main():
                loop = asyncio.get_running_loop()
                await asyncio.gather(*(loop.run_in_executor(None, cpu, 1) for _ in range(6)))
            asyncio.run(main())
        """
        # Six 1 s computations on the default executor. With 4 cores (8
        # workers) four run from 0 to 1 s and two from 1 to 2 s; with 2 cores
        # (6 workers) three rounds: 3 s; with 8 cores (12 workers) one: 1 s.
        for cores, end in ((4, 2 * S), (2, 3 * S), (8, S)):
            doc, _ = run(source, "--cores", str(cores))
            self.assertEqual(doc["end_time_ns"], end, "cores=%d" % cores)

    def test_a_started_thread_runs_until_it_blocks_before_the_starter(self):
        doc, _ = run("""
            import asyncio, time
            def job(n):
                print("job", n, "starts")
                time.sleep(1)
            async def main():
                loop = asyncio.get_running_loop()
                f1 = loop.run_in_executor(None, job, 1)
                print("submitted 1")
                f2 = loop.run_in_executor(None, job, 2)
                print("submitted 2")
                await asyncio.gather(f1, f2)
            asyncio.run(main())
        """)
        # Thread.start() waits for the new thread's _started event, so each
        # submit that starts a worker lets that worker run first, until its
        # time.sleep; then the loop thread goes on.
        self.assertEqual([text for _, _, text in lines(doc)],
                         ["job 1 starts", "submitted 1", "job 2 starts", "submitted 2"])

    def test_zero_length_sleep_yields(self):
        doc, _ = run("""
            import threading, time
            def other():
                print("A1")
                time.sleep(0)
                print("A2")
            t = threading.Thread(target=other)
            print("before")
            t.start()
            print("after start")
            time.sleep(0)
            print("after sleep(0)")
        """)
        # start() lets the new thread run first: it prints A1, then its
        # sleep(0) yields to the main thread (runnable since A signalled
        # that it started). The main thread's sleep(0) registers its
        # deadline (now) after A's, so A runs first and prints A2. Nothing
        # advances the clock.
        self.assertEqual([(t, text) for t, _, text in lines(doc)],
                         [(0, "before"), (0, "A1"), (0, "after start"), (0, "A2"),
                          (0, "after sleep(0)")])

    def test_custom_pool_queues_the_third_job(self):
        doc, _ = run("""
            import asyncio, time
            from concurrent.futures import ThreadPoolExecutor
            def job(n):
                time.sleep(1)
                print("job", n)
            async def main():
                loop = asyncio.get_running_loop()
                with ThreadPoolExecutor(max_workers=2) as pool:
                    await asyncio.gather(*(loop.run_in_executor(pool, job, n) for n in range(3)))
            asyncio.run(main())
        """)
        # Two workers: jobs 0 and 1 from 0 to 1 s; job 2 waits in the pool's
        # queue and is taken by the first worker to finish (worker 0, whose
        # sleep was registered first), from 1 to 2 s.
        self.assertEqual(lines(doc), [(S, "ThreadPoolExecutor-0_0", "job 0"),
                                      (S, "ThreadPoolExecutor-0_1", "job 1"),
                                      (2 * S, "ThreadPoolExecutor-0_0", "job 2")])


class OutputAndResult(unittest.TestCase):
    def test_names_of_tasks_threads_and_callbacks(self):
        doc, _ = run("""
            import asyncio, threading
            def in_thread():
                print("worker")
            async def child():
                print("child")
            async def main():
                print("main")
                await asyncio.create_task(child())
                asyncio.get_running_loop().call_soon(print, "callback")
                await asyncio.sleep(0)
                await asyncio.to_thread(in_thread)
                t = threading.Thread(target=in_thread, name="mine")
                t.start()
                t.join()
            print("module")
            asyncio.run(main())
        """)
        # The main task of asyncio.run is Task-1; a loop callback runs in no
        # task (its thread's name); the default executor's threads are
        # asyncio_N (CPython 3.11's run_in_executor names them so).
        self.assertEqual([(task, text) for _, task, text in lines(doc)], [
            ("MainThread", "module"), ("Task-1", "main"), ("Task-2", "child"),
            ("MainThread", "callback"), ("asyncio_0", "worker"), ("mine", "worker")])

    def test_partial_lines_and_streams(self):
        doc, _ = run("""
            import sys, time
            print("a", end="")
            time.sleep(1)
            print("b")
            print("err", file=sys.stderr)
            print("tail", end="")
            time.sleep(1)
        """)
        # A line is recorded at the write that completes it (1 s); the final
        # partial line keeps the time of its last write (1 s, not the end, 2 s).
        self.assertEqual([(o["t_ns"], o["stream"], o["text"]) for o in doc["output"]],
                         [(S, "stdout", "ab"), (S, "stderr", "err"), (S, "stdout", "tail")])
        self.assertEqual(doc["end_time_ns"], 2 * S)

    def test_escaping_exception_and_its_frames(self):
        doc, rc = run("""
            import asyncio

            async def inner():
                await asyncio.sleep(0.5)
                raise KeyError("k")

            async def main():
                await inner()

            asyncio.run(main())
        """)
        self.assertEqual(rc, 1)
        self.assertEqual(doc["status"], "failed")
        self.assertEqual(doc["end_time_ns"], S // 2)
        exc = doc["exception"]
        self.assertEqual((exc["type"], exc["message"]), ("KeyError", "'k'"))
        ours = [(f["line"], f["function"]) for f in exc["traceback"] if f["file"] == "prog.py"]
        # Lines of the program (its first line is the blank one after the
        # opening quotes): asyncio.run on 11, await inner() on 9, the raise on 6.
        self.assertEqual(ours, [(11, "<module>"), (9, "main"), (6, "inner")])

    def test_stall(self):
        doc, rc = run("""
            import asyncio
            async def main():
                await asyncio.sleep(0.5)
                await asyncio.Event().wait()
            asyncio.run(main())
        """)
        # Nothing can set the event and no timer is left: stalled at 0.5 s.
        self.assertEqual(rc, 1)
        self.assertEqual(doc["status"], "stalled")
        self.assertEqual(doc["end_time_ns"], S // 2)
        self.assertIn("select()", doc["detail"])

    def test_threads_left_running_are_joined_at_exit(self):
        doc, _ = run("""
            import threading, time
            def late():
                time.sleep(2)
                print("late")
            threading.Thread(target=late).start()
            print("module end")
        """)
        # The interpreter joins non-daemon threads after the module: the run
        # ends when the thread does, at 2 s.
        self.assertEqual([(t, text) for t, _, text in lines(doc)], [(0, "module end"), (2 * S, "late")])
        self.assertEqual(doc["end_time_ns"], 2 * S)


if __name__ == "__main__":
    unittest.main()
