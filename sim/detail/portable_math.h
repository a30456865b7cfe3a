// Logarithm and exponential from basic IEEE-754 operations only.
//
// The C library's log and exp may differ in the last bit between libm
// versions and between code paths chosen by CPU features (FMA variants), and
// one bit is enough to change a sampled duration after rounding to whole
// nanoseconds. These versions use +, -, *, /, frexp and ldexp, all exactly
// specified, in a fixed order; the project compiles with -ffp-contract=off so
// no fused multiply-add changes the rounding. Accuracy: a few ulp, which is
// ample for sampling.
#pragma once

namespace concsim::sim::detail {

// Natural logarithm for x > 0 (returns -inf for 0, NaN for x < 0).
double portable_log(double x);
// e^x; saturates to +inf above ~709.78 and to 0 below ~-745.
double portable_exp(double x);

}  // namespace concsim::sim::detail
