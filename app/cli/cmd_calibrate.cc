// concsim calibrate [--out FILE]: measure this host, write a machine profile.
#include <iostream>
#include <sstream>

#include "app/calibrate/calibrate.h"
#include "app/cli/command.h"

namespace concsim::cli {

std::string calibrate_help() {
  std::ostringstream out;
  out << "Usage: concsim calibrate [--out FILE] [--quick] [--repetitions N] [--threads N] [--fibers N]\n"
         "                         [--python PATH]\n\n"
         "Measures this host and writes a machine profile (the format of configs/machines/):\n"
         "cores and RAM; system call and epoll_wait costs; thread creation, exit and\n"
         "context switches (pinned and unpinned hand-offs); memory per blocked thread;\n"
         "Boost.Fiber creation, switch and memory; the kernel's thread limits (read, not\n"
         "provoked); the CPU time of interpreted Python, if a python3 is found. Each value's\n"
         "source says how it was measured and its spread over the repetitions. Takes a few seconds (longer on a loaded machine); progress goes to stderr.\n\n"
         "Options:\n"
         "  --out FILE         write the profile here (atomically) instead of stdout\n"
         "  --quick            2 repetitions and 500 threads and fibers per batch\n"
         "  --repetitions N    runs of every measurement, 1..50 (default 5)\n"
         "  --threads N        blocked threads per memory batch, 16..20000 (default 2000;\n"
         "                     capped at a quarter of the host's remaining thread headroom)\n"
         "  --fibers N         fibers per memory batch, 1..100000 (default 2000)\n"
         "  --python PATH      the CPython that python.op_cost is measured with (default\n"
         "                     /usr/bin/python3, else python3 on PATH; none: not measured)\n";
  return out.str();
}

int cmd_calibrate(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("out", po::value<std::string>(), "")("quick", "")("repetitions", po::value<int>(), "")(
      "threads", po::value<long long>(), "")("fibers", po::value<long long>(), "")(
      "python", po::value<std::string>(), "");
  const po::variables_map vm = parse(args, desc, "calibrate", 0);
  calibrate::Options o;
  if (vm.count("quick")) {
    o.repetitions = 2;
    o.threads = 500;
    o.fibers = 500;
  }
  if (vm.count("repetitions")) {
    o.repetitions = vm["repetitions"].as<int>();
    if (o.repetitions < 1 || o.repetitions > 50) throw UsageError{"--repetitions: expected 1..50", "calibrate"};
  }
  if (vm.count("threads")) {
    o.threads = vm["threads"].as<long long>();
    if (o.threads < 16 || o.threads > 20000) throw UsageError{"--threads: expected 16..20000", "calibrate"};
  }
  if (vm.count("fibers")) {
    o.fibers = vm["fibers"].as<long long>();
    if (o.fibers < 1 || o.fibers > 100000) throw UsageError{"--fibers: expected 1..100000", "calibrate"};
  }
  if (vm.count("python")) o.python = vm["python"].as<std::string>();
  const calibrate::ProfileDoc doc =
      calibrate::calibrate(o, [](const std::string& what) { std::cerr << "calibrate: " << what << '\n'; });
  const std::string text = calibrate::render_profile(doc);
  if (vm.count("out")) {
    const std::string path = vm["out"].as<std::string>();
    if (!write_output(path, text)) return kFailed;
    std::cerr << "calibrate: wrote " << path << '\n';
  } else {
    std::cout << text;
  }
  return kOk;
}

}  // namespace concsim::cli
