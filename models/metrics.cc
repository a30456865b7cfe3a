#include "models/metrics.h"

namespace concsim::models {

LatencySummary summarize(sim::LatencyRecorder& latencies) {
  LatencySummary s;
  s.count = latencies.count();
  s.mean = latencies.mean();
  s.p50 = latencies.percentile(50);
  s.p90 = latencies.percentile(90);
  s.p99 = latencies.percentile(99);
  s.p999 = latencies.percentile(99.9);
  s.max = latencies.max();
  return s;
}

}  // namespace concsim::models
