// The random module (random.cc): CPython 3.11's Mersenne Twister and
// Lib/random.py's algorithms, so that seeded programs draw CPython's numbers.
#pragma once

#include <cstdint>

#include "models/vm/value.h"

namespace concsim::vm {

class Vm;

// A new `random` module. Generators seeded without a value (the module's
// own at import, random.seed(), random.Random()) are seeded from run_seed
// and a count of such generators, where CPython reads the OS's entropy: a
// run is repeatable, and another --seed gives other numbers.
Value make_random_module(Vm& vm, std::uint64_t run_seed);

}  // namespace concsim::vm
