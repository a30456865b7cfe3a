// concsim-mm1: the M/M/1 model of mm1.h as a program, for
// tools/bench/mm1_compare.sh. Prints one JSON object on one line, with the
// same keys as tools/bench/mm1_simpy.py:
//
//   concsim-mm1 [--customers N] [--seed S] [--lambda L] [--mu M]
//
//   {"simulator": "concsim", "version": "0.1.0", "customers": N,
//    "events": E, "kernel_events": K, "seconds": S, "events_per_s": R,
//    "mean_time_in_system": W, "lambda": L, "mu": M, "seed": S}
//
// seconds is the wall-clock time of building and running the model.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tools/bench/mm1.h"

#ifndef CONCSIM_VERSION
#define CONCSIM_VERSION "unknown"
#endif

namespace {

[[noreturn]] void usage() {
  std::fputs("usage: concsim-mm1 [--customers N] [--seed S] [--lambda L] [--mu M]\n", stderr);
  std::exit(2);
}

double parse_double(const char* s) {
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  if (end == s || *end != '\0') usage();
  return v;
}

std::uint64_t parse_u64(const char* s) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (end == s || *end != '\0' || s[0] == '-') usage();
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  concsim::bench::MM1Params p;
  for (int i = 1; i < argc; ++i) {
    if (i + 1 >= argc) usage();
    const char* v = argv[i + 1];
    if (std::strcmp(argv[i], "--customers") == 0) {
      p.customers = parse_u64(v);
    } else if (std::strcmp(argv[i], "--seed") == 0) {
      p.seed = parse_u64(v);
    } else if (std::strcmp(argv[i], "--lambda") == 0) {
      p.lambda = parse_double(v);
    } else if (std::strcmp(argv[i], "--mu") == 0) {
      p.mu = parse_double(v);
    } else {
      usage();
    }
    ++i;
  }
  if (!(p.lambda > 0) || !(p.mu > 0) || p.customers == 0) usage();
  const auto start = std::chrono::steady_clock::now();
  const concsim::bench::MM1Result r = concsim::bench::run_mm1(p);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "{\"simulator\": \"concsim\", \"version\": \"%s\", \"customers\": %llu, \"events\": %llu, "
      "\"kernel_events\": %llu, \"seconds\": %.6f, \"events_per_s\": %.1f, "
      "\"mean_time_in_system\": %.6f, \"lambda\": %.15g, \"mu\": %.15g, \"seed\": %llu}\n",
      CONCSIM_VERSION, static_cast<unsigned long long>(r.customers),
      static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.kernel_events),
      seconds, static_cast<double>(r.events) / seconds, r.mean_time_in_system, p.lambda, p.mu,
      static_cast<unsigned long long>(p.seed));
  return r.customers == p.customers ? 0 : 1;
}
