// Runs independent pieces of work on a fixed number of std::threads.
//
// Each sweep point is its own Simulation and model, sharing nothing mutable
// with the others (models/ and app/ keep no mutable statics; the only
// statics are constant tables initialised thread-safely), so points can run
// at once and their results cannot depend on how many do.
#pragma once

#include <cstddef>
#include <functional>

namespace concsim::sweep {

// Calls work(i) for every i in [0, count), on up to `threads` threads, each
// taking the next index when it is free. When a call throws, no further
// index starts; once the running ones end, the first exception is rethrown.
void for_each_parallel(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& work);

}  // namespace concsim::sweep
