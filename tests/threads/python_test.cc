// Python programs on the thread model (`concsim run prog.py --model
// threads`): threading, queue and concurrent.futures on the kernel's
// threads, the GIL, memory and limits. Every expected value is worked out in
// the comment above it from the program and the machine profile.
#include <gtest/gtest.h>

#include <string>

#include "python_helpers.h"
#include "thread_helpers.h"

namespace concsim::testing {
namespace {

std::string text_of(const PyThreadRun& r) {
  std::string s;
  for (const std::string& t : r.texts()) s += t + "\n";
  return s;
}

// ------------------------------------------------------------ lost update ----

// Ten threads add 100 each to a shared counter with a read, 1 us of
// computation and a write; the same with a Lock around the three.
const char* kLostUpdate = R"(
import threading
from concsim import cpu

counter = 0
locked = 0
lock = threading.Lock()

def worker():
    global counter, locked
    for _ in range(100):
        tmp = counter
        cpu(0.000_001)
        counter = tmp + 1
        with lock:
            tmp = locked
            cpu(0.000_001)
            locked = tmp + 1

threads = [threading.Thread(target=worker) for _ in range(10)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter, locked)
)";

int first_int(const std::string& s) { return std::stoi(s.substr(0, s.find(' '))); }
int second_int(const std::string& s) { return std::stoi(s.substr(s.find(' ') + 1)); }

// Without the GIL, ideal's 4 cores run 4 workers at once: they read the same
// value, compute side by side and write the same value back, so updates are
// lost. The Lock makes each read-compute-write one step: none is lost.
TEST(PythonThreads, LostUpdateWithoutTheGilAndNoneWithALock) {
  PyOptions o;
  o.gil = false;
  const auto r = run_python_threads(kLostUpdate, "ideal", o);
  ASSERT_TRUE(r->completed()) << text_of(*r);
  ASSERT_EQ(r->texts().size(), 1u);
  const std::string line = r->texts()[0];
  EXPECT_LT(first_int(line), 1000);
  EXPECT_GT(first_int(line), 0);
  EXPECT_EQ(second_int(line), 1000);
  // The same on a machine with costs, 2 cores and a time slice.
  const auto m = run_python_threads(kLostUpdate, "linux-modern", o);
  ASSERT_TRUE(m->completed());
  EXPECT_LT(first_int(m->texts()[0]), 1000);
  EXPECT_EQ(second_int(m->texts()[0]), 1000);
}

// With the GIL one thread runs Python at a time, and a waiting thread asks
// for the lock only after a switch interval (5 ms). Each worker computes
// 200 x 1 us = 200 us in all, so it finishes before anyone asks: the
// workers run one after the other and no update is lost, lock or not.
TEST(PythonThreads, TheGilSerialisesShortUpdates) {
  const auto r = run_python_threads(kLostUpdate, "ideal");
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->texts(), (std::vector<std::string>{"1000 1000"}));
  // 2,000 us of computation, one at a time, and nothing else costs time.
  EXPECT_EQ(r->host->finish_time(), us(2000));
}

// But a computation longer than the switch interval is cut by it: a 10 ms
// computation between the read and the write lets the other thread run its
// read, and updates are lost even with the GIL. With the Lock, a thread that
// takes the GIL finds the lock held and blocks (releasing the GIL), so the
// 20 updates of 10 ms run one after the other: 200 ms.
TEST(PythonThreads, TheSwitchIntervalCutsLongUpdatesUnlessLocked) {
  const char* racy = R"(
import threading
from concsim import cpu
counter = 0
def worker():
    global counter
    for _ in range(10):
        tmp = counter
        cpu(0.010)
        counter = tmp + 1
ts = [threading.Thread(target=worker) for _ in range(2)]
for t in ts: t.start()
for t in ts: t.join()
print(counter)
)";
  const auto r = run_python_threads(racy, "ideal");
  ASSERT_TRUE(r->completed());
  ASSERT_EQ(r->texts().size(), 1u);
  EXPECT_LT(std::stoi(r->texts()[0]), 20);
  // The GIL makes the 200 ms of computation serial in either case.
  EXPECT_EQ(r->host->finish_time(), ms(200));

  std::string locked = racy;
  locked.replace(locked.find("        tmp = counter"), std::string("        tmp = counter").size(),
                 "        lock.acquire()\n        tmp = counter");
  locked.replace(locked.find("        counter = tmp + 1"), std::string("        counter = tmp + 1").size(),
                 "        counter = tmp + 1\n        lock.release()");
  locked.replace(locked.find("counter = 0"), std::string("counter = 0").size(), "counter = 0\nlock = threading.Lock()");
  const auto l = run_python_threads(locked, "ideal");
  ASSERT_TRUE(l->completed()) << text_of(*l);
  EXPECT_EQ(l->texts(), (std::vector<std::string>{"20"}));
  EXPECT_EQ(l->host->finish_time(), ms(200));
}

// ------------------------------------------------------------------ the GIL ----

const char* kCpuAndIo = R"(
import threading, time
from concsim import cpu

def crunch():
    cpu(1.0)

def fetch():
    time.sleep(1.0)

for target in (crunch, fetch):
    start = time.perf_counter()
    threads = [threading.Thread(target=target) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"{target.__name__} {time.perf_counter() - start:.3f}")
)";

// Four CPU-bound threads of 1 s each on ideal's 4 cores: with the GIL only
// one computes at a time, 4 x 1 s = 4 s (ideal charges nothing for the
// hand-offs); without it they run in parallel, 1 s. Four threads sleeping
// 1 s release the GIL while they sleep: 1 s either way.
TEST(PythonThreads, CpuBoundThreadsTakeNTimesAsLongWithTheGilIoBoundOverlap) {
  const auto with = run_python_threads(kCpuAndIo, "ideal");
  ASSERT_TRUE(with->completed());
  EXPECT_EQ(with->texts(), (std::vector<std::string>{"crunch 4.000", "fetch 1.000"}));
  PyOptions o;
  o.gil = false;
  const auto without = run_python_threads(kCpuAndIo, "ideal", o);
  ASSERT_TRUE(without->completed());
  EXPECT_EQ(without->texts(), (std::vector<std::string>{"crunch 1.000", "fetch 1.000"}));
  // linux-modern (2 cores, costs): with the GIL still one core's worth of
  // work at a time, a little over 4 s; without it two cores, a little over 2 s.
  const auto lm = run_python_threads(kCpuAndIo, "linux-modern");
  ASSERT_TRUE(lm->completed());
  EXPECT_EQ(lm->texts()[0].substr(0, 8), "crunch 4");
  const auto lm2 = run_python_threads(kCpuAndIo, "linux-modern", o);
  ASSERT_TRUE(lm2->completed());
  EXPECT_EQ(lm2->texts()[0].substr(0, 8), "crunch 2");
}

// Two CPU-bound threads take turns of about one switch interval, so both
// end near 2 s (run one after the other, A would end at 1 s): A's last turn
// ends at most a few intervals before B's, and B ends at 2 s (ideal charges
// nothing for the hand-offs). A computation that ends just as a drop request
// comes prints only at its thread's next turn, so A may print at 2 s too. The main thread's own hand-offs (start()
// waits for the new thread to run; join) and CPython's rule that a waiter
// whose wait saw the GIL change hands waits another interval shift the
// turns by whole intervals, so the test bounds A's end rather than fixing
// it. With sys.setswitchinterval(0.001) the turns are 1 ms.
TEST(PythonThreads, CpuBoundThreadsTakeTurnsOfTheSwitchInterval) {
  const std::string program = R"(
import sys, threading, time
from concsim import cpu
SET
print(sys.getswitchinterval())
def crunch():
    cpu(1.0)
    print(threading.current_thread().name, time.monotonic_ns())
a = threading.Thread(target=crunch, name="A")
b = threading.Thread(target=crunch, name="B")
a.start(); b.start(); a.join(); b.join()
)";
  for (const auto& [set, interval] : {std::pair<std::string, sim::Time>{"", ms(5)},
                                      std::pair<std::string, sim::Time>{"sys.setswitchinterval(0.001)", ms(1)}}) {
    std::string p = program;
    p.replace(p.find("SET"), 3, set);
    const auto r = run_python_threads(p, "ideal", {.record = true});
    ASSERT_TRUE(r->completed()) << set;
    const std::vector<std::string> t = r->texts();
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0], interval == ms(5) ? "0.005" : "0.001");
    ASSERT_EQ(t[1].substr(0, 2), "A ");
    const sim::Time a_end = std::stoll(t[1].substr(2));
    EXPECT_LE(a_end, ms(2000)) << set;
    EXPECT_GE(a_end, ms(2000) - 4 * interval) << set;
    EXPECT_EQ(t[2], "B 2000000000") << set;
    // About one drop of the GIL per interval of computation: 2 s / interval.
    std::int64_t drops = 0;
    for (const models::TraceLine& l : r->host->recorder().lines()) drops += l.event == "drops the GIL (switch interval)";
    EXPECT_GE(drops, ms(2000) / interval - 10) << set;
    EXPECT_LE(drops, ms(2000) / interval) << set;
  }
}

// ---------------------------------------------------------------- the limit ----
// (10,000 idle threads and their memory: lecture_test.cc, threads_idle.py.)

const char* kLimitProfile = R"(
extends: ideal
limits: {max_threads: 4}
)";

// max_threads 4 counts the main thread: three threads start, the fourth
// start() raises RuntimeError("can't start new thread") as CPython's does.
// Uncaught, it ends the module with that exception; the three started
// threads are still joined at exit (threading._shutdown) and finish.
TEST(PythonThreads, TheThreadLimitIsAnExceptionOfTheProgram) {
  const char* program = R"(
import threading, time
def idle():
    time.sleep(1)
    print("slept")
for i in range(10):
    threading.Thread(target=idle).start()
    print("started", i)
)";
  const auto r = run_python_threads(program, profile_from(kLimitProfile));
  ASSERT_TRUE(r->host->finished());
  const models::threads::Outcome& o = r->host->outcome();
  EXPECT_TRUE(o.failed);
  EXPECT_EQ(o.type, "RuntimeError");
  EXPECT_EQ(o.message, "can't start new thread");
  EXPECT_EQ(r->texts(), (std::vector<std::string>{"started 0", "started 1", "started 2", "slept", "slept", "slept"}));
  EXPECT_EQ(r->host->stats().refused, 1u);
  const models::Metrics m = r->host->metrics();
  ASSERT_TRUE(m.limit_hit.has_value());
  EXPECT_EQ(m.limit_hit->which, "threads");
  EXPECT_EQ(r->host->finish_time(), ms(1000));

  // Caught, the program goes on; with on_limit queue the start waits for a
  // thread to exit instead: 10 threads of 1 s, 3 at a time, end at 4 s.
  const char* caught = R"(
import threading, time
def idle():
    time.sleep(1)
n = 0
for i in range(10):
    try:
        threading.Thread(target=idle).start()
        n += 1
    except RuntimeError as e:
        print("refused:", e)
print("started", n)
)";
  const auto c = run_python_threads(caught, profile_from(kLimitProfile));
  ASSERT_TRUE(c->completed());
  EXPECT_FALSE(c->host->outcome().failed);
  EXPECT_EQ(c->texts().back(), "started 3");
  EXPECT_EQ(c->texts().size(), 8u);
  PyOptions q;
  q.on_limit = models::OnThreadLimit::kQueue;
  const auto qr = run_python_threads(caught, profile_from(kLimitProfile), q);
  ASSERT_TRUE(qr->completed());
  EXPECT_EQ(qr->texts(), (std::vector<std::string>{"started 10"}));
  EXPECT_EQ(qr->host->finish_time(), ms(4000));
}

// -------------------------------------------- threading's objects, timed ----

// Every wait below ends at a time fixed by the program: a timeout, a sleep
// of another thread, or the last arrival at a barrier.
TEST(PythonThreads, ThreadingObjectsWaitAndWakeAtTheProgramsTimes) {
  const char* program = R"(
import threading, queue, time

def at(what):
    print(f"{what} {time.monotonic():.3f}")

q = queue.Queue(maxsize=2)
def producer():
    for i in range(4):
        q.put(i)
        at(f"put {i}")
def consumer():
    for _ in range(4):
        time.sleep(0.1)
        at(f"got {q.get()}")
p = threading.Thread(target=producer); c = threading.Thread(target=consumer)
p.start(); c.start(); p.join(); c.join()

try:
    q.get(timeout=0.25)
except queue.Empty:
    at("empty")

ev = threading.Event()
threading.Thread(target=lambda: (time.sleep(0.3), ev.set())).start()
at(f"wait {ev.wait(timeout=0.1)}")
at(f"wait {ev.wait()}")

bar = threading.Barrier(3)
def arrive(d):
    time.sleep(d)
    bar.wait()
    at(f"through {d}")
ts = [threading.Thread(target=arrive, args=(d,)) for d in (0.3, 0.1, 0.2)]
for t in ts: t.start()
for t in ts: t.join()

sem = threading.Semaphore(2)
def limited():
    with sem:
        time.sleep(0.5)
ts = [threading.Thread(target=limited) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
at("four through a semaphore of 2")

cond = threading.Condition()
items = []
def waiter():
    with cond:
        cond.wait_for(lambda: items)
        at(f"cond {items[0]} {threading.current_thread().name}")
w = threading.Thread(target=waiter, name="waiter", daemon=True)
w.start()
time.sleep(0.2)
with cond:
    items.append(42)
    cond.notify()
w.join()

r = threading.RLock()
with r:
    with r:
        at(f"reentrant {threading.current_thread().name} {w.daemon}")
)";
  const auto r = run_python_threads(program, "ideal");
  ASSERT_TRUE(r->completed()) << text_of(*r);
  // The queue holds 2: puts 0 and 1 at once, each later put when a get makes
  // room (the consumer takes one every 0.1 s). Then a 0.25 s timeout (0.65),
  // a 0.1 s timeout (0.75), the set 0.3 s after the thread started (0.95),
  // the barrier at the last arrival (+0.3: 1.25), the semaphore in two
  // rounds of 0.5 s (2.25), the condition after 0.2 s (2.45).
  EXPECT_EQ(text_of(*r),
            "put 0 0.000\nput 1 0.000\ngot 0 0.100\nput 2 0.100\ngot 1 0.200\nput 3 0.200\n"
            "got 2 0.300\ngot 3 0.400\nempty 0.650\nwait False 0.750\nwait True 0.950\n"
            "through 0.3 1.250\nthrough 0.1 1.250\nthrough 0.2 1.250\n"
            "four through a semaphore of 2 2.250\ncond 42 waiter 2.450\nreentrant MainThread True 2.450\n");
}

// ThreadPoolExecutor(max_workers=2): four 0.1 s jobs run two at a time, so
// the results are ready at 0.2 s; map gives them in argument order, 0.2 s
// later (each pair at its end); list(map(...)) of two waits 0.1 s more, on
// the main thread, inside list(). An exception in a job comes back from
// result().
TEST(PythonThreads, ThreadPoolExecutorRunsJobsOnItsWorkers) {
  const char* program = R"(
import time, threading
from concurrent.futures import ThreadPoolExecutor

def square(x):
    time.sleep(0.1)
    return x * x

def broken():
    raise ValueError("no")

with ThreadPoolExecutor(max_workers=2) as ex:
    fs = [ex.submit(square, i) for i in range(4)]
    print([f.result() for f in fs], time.monotonic())
    for r in ex.map(square, [4, 5, 6, 7]):
        print(r, time.monotonic())
    print(list(ex.map(square, [8, 9])), time.monotonic())
    try:
        ex.submit(broken).result()
    except ValueError as e:
        print("raised", e)
print(threading.active_count())
)";
  const auto r = run_python_threads(program, "ideal");
  ASSERT_TRUE(r->completed()) << text_of(*r);
  EXPECT_EQ(text_of(*r), "[0, 1, 4, 9] 0.2\n16 0.3\n25 0.3\n36 0.4\n49 0.4\n[64, 81] 0.5\nraised no\n1\n");
}

// asyncio under the thread model: each task is a thread, so three sleeping
// tasks are three threads beside the main one, and gather still ends at the
// longest sleep.
TEST(PythonThreads, AsyncioTasksAreThreads) {
  const char* program = R"(
import asyncio

async def fetch(name, delay):
    await asyncio.sleep(delay)
    return name

async def main():
    return await asyncio.gather(fetch("A", 1.0), fetch("B", 0.5), fetch("C", 0.8))

print(asyncio.run(main()))
)";
  const auto r = run_python_threads(program, "ideal");
  ASSERT_TRUE(r->completed()) << text_of(*r);
  EXPECT_EQ(r->texts(), (std::vector<std::string>{"['A', 'B', 'C']"}));
  EXPECT_EQ(r->host->finish_time(), ms(1000));
  EXPECT_EQ(r->host->stats().peak_threads, 4);
}

// Threads that wait for what never comes stall the run, which says where
// each waits: the program's line (and the call of threading it is in), and
// the main thread joining them at exit.
TEST(PythonThreads, AStallSaysWhereEachThreadWaits) {
  const char* program = R"(
import threading
ev = threading.Event()
def waiter():
    ev.wait()
threading.Thread(target=waiter, name="waiter").start()
print("main done")
)";
  const auto r = run_python_threads(program, "ideal");
  EXPECT_EQ(r->result.reason, sim::StopReason::kStalled);
  EXPECT_EQ(r->texts(), (std::vector<std::string>{"main done"}));
  ASSERT_EQ(r->result.waiting.size(), 2u);
  EXPECT_EQ(r->result.waiting[0].task, "MainThread");
  EXPECT_EQ(r->result.waiting[0].waits_on, "the other threads at exit (threading._shutdown joins them)");
  EXPECT_EQ(r->result.waiting[1].task, "waiter");
  EXPECT_EQ(r->result.waiting[1].waits_on.rfind("at test.py:5 in waiter, in threading.py:", 0), 0u)
      << r->result.waiting[1].waits_on;
}

// concsim.cpu in a loop that never blocks would run until the end of time:
// like a YAML program's thread, it is stopped after the compute budget's
// steps in a row (models/runaway.h), as a failure of the program.
TEST(PythonThreads, AnEndlessLoopOfCpuCallsIsStoppedAsARunaway) {
  PyOptions o;
  o.compute_budget = 1000;
  const auto r = run_python_threads("import concsim\nwhile True:\n    concsim.cpu(0.001)\n", "ideal", o);
  EXPECT_EQ(r->result.reason, sim::StopReason::kStopped);
  const std::string detail =
      "thread MainThread ran more than 1000 compute steps in a row without blocking (an endless loop?)";
  EXPECT_EQ(r->result.detail, detail);
  EXPECT_TRUE(r->host->outcome().failed);
  EXPECT_EQ(r->host->outcome().type, "RuntimeError");
  EXPECT_EQ(r->host->outcome().message, "concsim: endless loop: " + detail);
  // The 1001st call stops the run at the end of the thousandth's 1 ms.
  EXPECT_EQ(r->host->finish_time(), ms(1000));
}

TEST(PythonThreads, ALongComputationThatPausesIsNotARunaway) {
  // 2500 calls in a row would pass a budget of 1000; a time.sleep(0) (a
  // system call that sleeps for no time) or an asyncio.sleep(0) (a
  // sched_yield) every 500 is a pause.
  PyOptions o;
  o.compute_budget = 1000;
  const char* program = R"(
import asyncio, concsim, time
for i in range(5):
    for _ in range(500):
        concsim.cpu(0.000001)
    time.sleep(0)
async def main():
    for i in range(5):
        for _ in range(500):
            concsim.cpu(0.000001)
        await asyncio.sleep(0)
asyncio.run(main())
print("done")
)";
  const auto r = run_python_threads(program, "ideal", o);
  EXPECT_TRUE(r->completed()) << r->result.detail;
  EXPECT_EQ(r->printed_at("done"), us(5000));
}

// Creating a thread costs the machine the profile's thread_create wherever
// the program creates it: in a list comprehension (on the creating task's
// thread, which pays) or in a generator that f(*...) consumes (where the
// creator cannot wait, so the new thread pays before it runs). The system
// time of the two runs is the same, and it includes 100 creations. Without
// the GIL: with it, the list's run makes 100 futex waits more than the
// generator's (100 x linux-modern's calibrated futex_wait of 339 ns, 0 in
// the profile before calibration): the threads wait for the GIL in another
// order, which is not what this test is about.
TEST(PythonThreads, ThreadCreationIsPaidWhereverTheProgramCreatesThreads) {
  const std::string program = R"(
import asyncio
async def job():
    await asyncio.sleep(0.1)
async def main():
    await asyncio.gather(*TASKS)
asyncio.run(main())
)";
  sim::Duration system[2] = {0, 0};
  const char* forms[2] = {"[asyncio.create_task(job()) for _ in range(100)]",
                          "(asyncio.create_task(job()) for _ in range(100))"};
  for (int i = 0; i < 2; ++i) {
    std::string p = program;
    p.replace(p.find("TASKS"), 5, forms[i]);
    PyOptions o;
    o.gil = false;
    const auto r = run_python_threads(p, "linux-modern", o);
    ASSERT_TRUE(r->completed()) << forms[i];
    EXPECT_EQ(r->host->stats().peak_threads, 101) << forms[i];
    system[i] = r->host->metrics().cpu.system_ns;
    EXPECT_GE(system[i], 100 * r->profile.thread_create) << forms[i];
  }
  EXPECT_EQ(system[0], system[1]);
}

// Preemption makes the order concsim's, but the same seed gives the same run.
TEST(PythonThreads, RunsAreDeterministic) {
  PyOptions o;
  o.gil = false;
  const auto a = run_python_threads(kLostUpdate, "linux-modern", o);
  const auto b = run_python_threads(kLostUpdate, "linux-modern", o);
  EXPECT_EQ(a->texts(), b->texts());
  EXPECT_EQ(a->host->finish_time(), b->host->finish_time());
}

}  // namespace
}  // namespace concsim::testing
