#!/usr/bin/env python3
"""random without random.seed() under concsim: CPython seeds it from the OS;
concsim derives the seed from the run's --seed, so a run is repeatable and
another seed gives other numbers. (Seeded draws are compared with CPython by
the corpus: random_*.py.)

usage: test_random_seed.py --concsim PATH
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import unittest

PROGRAM = """\
import random
print(random.random(), random.randint(1, 10 ** 9))
print(random.Random().random(), random.Random().random())
random.seed()
print(random.random())
random.seed(5)
print(random.random())
"""

CONCSIM = None


def run(seed, *args):
    with tempfile.TemporaryDirectory() as tmp:
        prog = os.path.join(tmp, "draws.py")
        with open(prog, "w", encoding="utf-8") as f:
            f.write(PROGRAM)
        out = subprocess.run([CONCSIM, "run", prog, "--seed", str(seed), "--format", "json", *args],
                             capture_output=True, text=True, check=True).stdout
    return [line["text"] for line in json.loads(out)["output"]]


class UnseededRandom(unittest.TestCase):
    def test_the_same_seed_draws_the_same_numbers(self):
        self.assertEqual(run(7), run(7))

    def test_another_seed_draws_other_numbers(self):
        a, b = run(7), run(8)
        for i in range(3):
            self.assertNotEqual(a[i], b[i])
        # random.seed(5) is CPython's sequence whatever the run's seed.
        self.assertEqual(a[3], b[3])
        self.assertEqual(a[3], "0.6229016948897019")

    def test_the_thread_model_draws_what_the_event_loop_draws(self):
        self.assertEqual(run(7, "--model", "threads"), run(7))

    def test_each_unseeded_generator_differs(self):
        first, instances, reseeded, _ = run(7)
        x, y = instances.split()
        self.assertNotEqual(x, y)
        self.assertNotEqual(first.split()[0], x)
        self.assertNotEqual(first.split()[0], reseeded)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--concsim", required=True)
    args, rest = parser.parse_known_args()
    CONCSIM = args.concsim
    unittest.main(argv=[sys.argv[0]] + rest)
