# status: completed
# Synchronous code with time.sleep and the clocks, no event loop: the
# virtual clock advances by exactly the sleeps.
import time

t0 = time.time()
p0 = time.perf_counter()
m0 = time.monotonic_ns()
for d in (0.5, 0.25, 0, 1):
    time.sleep(d)
    print(f"slept {d}: elapsed {time.time() - t0:.3f}")
print("perf_counter", f"{time.perf_counter() - p0:.2f}")
print("monotonic_ns delta in ms", (time.monotonic_ns() - m0) // 1_000_000)
try:
    time.sleep(-1)
except ValueError as e:
    print("ValueError:", e)
