#!/usr/bin/env python3
"""M/M/1 in SimPy: the peer of concsim's BM_MM1 and concsim-mm1 (tools/bench/mm1.h).

One server (Resource(capacity=1), first come first served), Poisson arrivals
at rate lambda from an arrivals generator, exponential service at rate mu,
a fixed number of customers. Prints one JSON object on one line:

  {"simulator": "simpy", "version": ..., "customers": N, "events": E,
   "seconds": S, "events_per_s": R, "mean_time_in_system": W,
   "lambda": L, "mu": M, "seed": S}

The definitions are those of tools/bench/mm1.h, so the two can be compared:
customer 0 arrives at time 0, customer i + 1 an exponential gap after
customer i, no arrival after the last one; "events" are the model's events,
two per customer (arrival and departure), not SimPy's internal event notices;
the mean time in system is averaged over all customers in model time units
(theory: 1 / (mu - lambda)); seconds is the wall-clock time of building and
running the model. The seed seeds Python's random.Random with
"<seed>/arrivals" and "<seed>/service": the numbers differ from concsim's,
the distributions do not.

Works with SimPy 3 and later (import simpy) and with SimPy 2 (import
SimPy.Simulation), which is what Debian 12's python3-simpy package ships.

usage: mm1_simpy.py [--customers N] [--seed S] [--lambda L] [--mu M]
"""
import argparse
import json
import random
import sys
import time


def run_simpy3(simpy, n, lam, mu, seed):
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    arrivals = random.Random(f"{seed}/arrivals")
    service = random.Random(f"{seed}/service")
    stats = [0.0, 0]  # total time in system, customers done

    def customer():
        arrive = env.now
        with server.request() as req:
            yield req
            yield env.timeout(service.expovariate(mu))
        stats[0] += env.now - arrive
        stats[1] += 1

    def source():
        for i in range(n):
            env.process(customer())
            if i + 1 < n:
                yield env.timeout(arrivals.expovariate(lam))

    env.process(source())
    env.run()
    return stats


def run_simpy2(n, lam, mu, seed):
    from SimPy.Simulation import Process, Resource, Simulation, hold, release, request

    sim = Simulation()
    sim.initialize()
    server = Resource(capacity=1, sim=sim)
    arrivals = random.Random(f"{seed}/arrivals")
    service = random.Random(f"{seed}/service")
    stats = [0.0, 0]

    class Customer(Process):
        def visit(self):
            arrive = self.sim.now()
            yield request, self, server
            yield hold, self, service.expovariate(mu)
            yield release, self, server
            stats[0] += self.sim.now() - arrive
            stats[1] += 1

    class Source(Process):
        def generate(self):
            for i in range(n):
                c = Customer(sim=self.sim)
                self.sim.activate(c, c.visit())
                if i + 1 < n:
                    yield hold, self, arrivals.expovariate(lam)

    src = Source(sim=sim)
    sim.activate(src, src.generate())
    sim.simulate(until=float("inf"))
    return stats


def main():
    ap = argparse.ArgumentParser(description="M/M/1 in SimPy, as JSON")
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lambda", dest="lam", type=float, default=0.8)
    ap.add_argument("--mu", type=float, default=1.0)
    args = ap.parse_args()
    if args.customers < 1 or args.lam <= 0 or args.mu <= 0:
        ap.error("customers must be >= 1, lambda and mu > 0")

    try:
        import simpy  # SimPy 3 and later

        version = simpy.__version__ if hasattr(simpy, "__version__") else "3+"
        start = time.perf_counter()
        total, done = run_simpy3(simpy, args.customers, args.lam, args.mu, args.seed)
    except ImportError:
        try:
            import SimPy  # SimPy 2: Debian 12's python3-simpy
        except ImportError:
            sys.exit("mm1_simpy.py: SimPy is not installed (Debian: apt-get install python3-simpy)")
        version = SimPy.__version__
        start = time.perf_counter()
        total, done = run_simpy2(args.customers, args.lam, args.mu, args.seed)
    seconds = time.perf_counter() - start

    events = 2 * done  # arrival and departure of every customer
    print(json.dumps({
        "simulator": "simpy",
        "version": version,
        "customers": done,
        "events": events,
        "seconds": round(seconds, 6),
        "events_per_s": round(events / seconds, 1),
        "mean_time_in_system": round(total / done, 6),
        "lambda": args.lam,
        "mu": args.mu,
        "seed": args.seed,
    }))
    return 0 if done == args.customers else 1


if __name__ == "__main__":
    sys.exit(main())
