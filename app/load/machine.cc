#include "app/load/machine.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>

#include "app/load/suggest.h"
#include "app/load/text.h"

namespace concsim::load {
namespace {

using models::MachineProfile;

// A chain of `extends` deeper than this is a cycle or a mistake.
constexpr int kMaxExtendsDepth = 8;
constexpr sim::Duration kMaxCost = 10 * sim::kSecond;
constexpr const char* kMachinesDir = "configs/machines/";

bool is_path(const std::string& s) {
  const auto ends_with = [&](std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return s.find('/') != std::string::npos || ends_with(".yaml") || ends_with(".yml");
}

bool is_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '_' || c == '.';
         });
}

std::vector<std::string> known_names() {
  std::set<std::string> names;
  std::vector<std::string> dirs{kMachinesDir};
#ifdef CONCSIM_SOURCE_DIR
  dirs.push_back(std::string(CONCSIM_SOURCE_DIR) + "/" + kMachinesDir);
#endif
  for (const std::string& dir : dirs) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".yaml") names.insert(it->path().stem().string());
    }
  }
  return {names.begin(), names.end()};
}

// The file a name or path stands for; on failure a message without location.
std::optional<std::string> resolve(const std::string& name_or_path, std::string* error) {
  if (is_path(name_or_path)) return name_or_path;
  if (!is_name(name_or_path)) {
    *error = "a machine profile name has only letters, digits, '-', '_' and '.', got " + quote(name_or_path);
    return std::nullopt;
  }
  for (const std::string& candidate : machine_search_path(name_or_path)) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  }
  const std::vector<std::string> names = known_names();
  *error = "unknown machine profile " + quote(name_or_path);
  const std::string close = suggest(name_or_path, names);
  if (!close.empty()) {
    *error += "; did you mean \"" + close + "\"?";
  } else if (!names.empty()) {
    *error += "; known profiles:";
    for (const std::string& n : names) *error += " " + n;
  }
  return std::nullopt;
}

class ProfileReader {
 public:
  explicit ProfileReader(int depth) : depth_(depth) {}

  MachineProfile read(const Document& doc) {
    const Node root = doc.root();
    root.expect_document(
        {"name", "description", "extends", "hardware", "costs", "scheduler", "cache", "memory", "limits", "python"},
        "machine profile");
    if (auto e = root.get("extends")) p_ = extend(*e);
    const std::string stem = std::filesystem::path(doc.name()).stem().string();
    p_.name = stem;
    p_.description.clear();
    if (auto n = root.get("name")) {
      p_.name = n->as_string();
      if (p_.name.empty()) n->fail("expected a non-empty name");
    }
    if (auto n = root.get("description")) p_.description = n->as_string();
    if (auto s = section(root, "hardware", {"cores", "ram", "swap"})) read_hardware(*s);
    if (auto s = section(root, "costs", {"thread_create", "thread_exit", "context_switch", "wakeup_latency",
                                         "syscall", "poll", "per_event", "futex_wait", "futex_wake", "ipi",
                                         "page_fault", "pipe_read", "pipe_write"})) {
      read_costs(*s);
    }
    if (auto s = section(root, "scheduler", {"policy", "pick", "pick_base", "pick_per_thread", "refill_per_thread",
                                             "refill_cap", "sched_latency", "min_granularity", "goodness",
                                             "runqueue_lock", "wakeup_granularity"})) {
      read_scheduler(*s);
    }
    if (auto s = section(root, "cache", {"line", "private", "private_ways", "private_hit", "shared", "shared_ways",
                                         "shared_hit", "memory", "misses_in_flight", "thread_working_set",
                                         "sched_bytes_per_task", "task_align"})) {
      read_cache(*s);
    }
    if (auto s = section(root, "memory", {"stack_reserved", "stack_resident", "guard", "kernel_stack",
                                          "socket_buffer", "task_frame", "page"})) {
      read_memory(*s);
    }
    if (auto s = section(root, "limits", {"max_threads", "max_map_count", "mappings_per_thread", "address_space",
                                          "overcommit", "overcommit_ratio", "on_oom", "swap_slowdown"})) {
      read_limits(*s);
    }
    if (auto s = section(root, "python", {"op_cost"})) read_python(*s);
    check(root);
    return p_;
  }

 private:
  MachineProfile extend(const Node& e) {
    const std::string base = e.as_string();
    if (depth_ >= kMaxExtendsDepth) {
      e.fail("profiles extend each other more than " + std::to_string(kMaxExtendsDepth) + " deep (a cycle?)");
    }
    std::string error;
    const std::optional<std::string> path = resolve(base, &error);
    if (!path) e.fail(error);
    ProfileReader reader(depth_ + 1);
    MachineProfile p = reader.read(Document::load_file(*path));
    return p;
  }

  std::optional<Node> section(const Node& root, std::string_view name, std::initializer_list<std::string_view> keys) {
    std::optional<Node> s = root.get(name);
    if (!s) return std::nullopt;
    s->expect_keys(keys);
    section_ = std::string(name);
    return s;
  }

  // A value written bare or as {value, source}; records the source.
  std::optional<Node> leaf(const Node& section, std::string_view key) {
    std::optional<Node> n = section.get(key);
    if (!n) return std::nullopt;
    const std::string where = section_ + "." + std::string(key);
    if (!n->is_map()) {
      p_.sources.erase(where);  // an inherited source no longer applies
      return n;
    }
    n->expect_keys({"value", "source"});
    const Node v = n->require("value");
    if (auto src = n->get("source")) {
      p_.sources[where] = src->as_string();
    } else {
      p_.sources.erase(where);
    }
    return v;
  }

  static bool unlimited(const Node& v) { return v.is_scalar() && !v.is_quoted() && v.as_string() == "unlimited"; }

  void duration(const Node& s, std::string_view key, sim::Duration* out, sim::Duration min = 0) {
    if (auto v = leaf(s, key)) *out = v->as_duration(min, kMaxCost);
  }
  void size(const Node& s, std::string_view key, std::int64_t* out, std::int64_t min, std::int64_t max,
            bool may_be_unlimited) {
    if (auto v = leaf(s, key)) *out = may_be_unlimited && unlimited(*v) ? kUnlimitedBytes : v->as_size(min, max);
  }
  void count(const Node& s, std::string_view key, std::int64_t* out, std::int64_t min, std::int64_t max,
             bool may_be_unlimited) {
    if (auto v = leaf(s, key)) *out = may_be_unlimited && unlimited(*v) ? kUnlimitedCount : v->as_int(min, max);
  }

  void read_hardware(const Node& s) {
    if (auto v = leaf(s, "cores")) p_.cores = static_cast<int>(v->as_int(1, 4096));
    size(s, "ram", &p_.ram_bytes, std::int64_t{1} << 20, kUnlimitedBytes, true);
    size(s, "swap", &p_.swap_bytes, 0, kUnlimitedBytes, false);
  }

  void read_costs(const Node& s) {
    duration(s, "thread_create", &p_.thread_create);
    duration(s, "thread_exit", &p_.thread_exit);
    duration(s, "context_switch", &p_.context_switch);
    duration(s, "wakeup_latency", &p_.wakeup_latency);
    duration(s, "syscall", &p_.syscall);
    duration(s, "poll", &p_.poll);
    duration(s, "per_event", &p_.per_event);
    duration(s, "futex_wait", &p_.futex_wait);
    duration(s, "futex_wake", &p_.futex_wake);
    duration(s, "ipi", &p_.ipi);
    duration(s, "page_fault", &p_.page_fault);
    duration(s, "pipe_read", &p_.pipe_read);
    duration(s, "pipe_write", &p_.pipe_write);
  }

  void read_scheduler(const Node& s) {
    if (auto v = leaf(s, "policy")) {
      p_.policy = v->as_enum<models::SchedPolicy>({{"fifo", models::SchedPolicy::kFifo},
                                                   {"linux22", models::SchedPolicy::kLinux22},
                                                   {"o1", models::SchedPolicy::kO1},
                                                   {"cfs", models::SchedPolicy::kCfs}});
    }
    duration(s, "goodness", &p_.goodness);
    if (auto v = leaf(s, "runqueue_lock")) p_.runqueue_lock = v->as_bool();
    duration(s, "wakeup_granularity", &p_.wakeup_granularity);
    if (auto v = leaf(s, "pick")) {
      p_.pick_model = v->as_enum<models::PickCost>({{"constant", models::PickCost::kConstant},
                                                    {"logarithmic", models::PickCost::kLogarithmic},
                                                    {"linear", models::PickCost::kLinear}});
    }
    duration(s, "pick_base", &p_.pick_base);
    duration(s, "pick_per_thread", &p_.pick_per_thread);
    duration(s, "refill_per_thread", &p_.refill_per_thread);
    duration(s, "refill_cap", &p_.refill_cap);
    duration(s, "sched_latency", &p_.sched_latency);
    // A slice shorter than a microsecond would spend the run preempting.
    duration(s, "min_granularity", &p_.min_granularity, sim::kMicrosecond);
  }

  void read_cache(const Node& s) {
    models::CacheProfile& c = p_.cache;
    size(s, "line", &c.line, 8, 4096, false);
    size(s, "private", &c.private_bytes, 0, kMaxPerThreadBytes, false);
    count(s, "private_ways", &c.private_ways, 1, 1024, false);
    duration(s, "private_hit", &c.private_hit);
    size(s, "shared", &c.shared_bytes, 0, kMaxPerThreadBytes, false);
    count(s, "shared_ways", &c.shared_ways, 1, 1024, false);
    duration(s, "shared_hit", &c.shared_hit);
    duration(s, "memory", &c.memory);
    count(s, "misses_in_flight", &c.misses_in_flight, 1, 1024, false);
    size(s, "thread_working_set", &c.thread_working_set, 0, kMaxPerThreadBytes, false);
    size(s, "sched_bytes_per_task", &c.sched_bytes_per_task, 0, 1 << 20, false);
    size(s, "task_align", &c.task_align, 0, 1 << 30, false);
  }

  void read_memory(const Node& s) {
    size(s, "page", &p_.page_size, 512, std::int64_t{1} << 30, false);
    size(s, "stack_reserved", &p_.stack_reserved, 0, kMaxPerThreadBytes, false);
    size(s, "stack_resident", &p_.stack_resident, 0, kMaxPerThreadBytes, false);
    size(s, "guard", &p_.guard_bytes, 0, kMaxPerThreadBytes, false);
    size(s, "kernel_stack", &p_.kernel_stack, 0, kMaxPerThreadBytes, false);
    size(s, "socket_buffer", &p_.socket_buffer, 0, kMaxPerThreadBytes, false);
    size(s, "task_frame", &p_.task_frame, 0, kMaxPerThreadBytes, false);
  }

  void read_limits(const Node& s) {
    count(s, "max_threads", &p_.max_threads, 1, kUnlimitedCount, true);
    count(s, "max_map_count", &p_.max_map_count, 1, kUnlimitedCount, true);
    count(s, "mappings_per_thread", &p_.mappings_per_thread, 0, 1000, false);
    size(s, "address_space", &p_.address_space, std::int64_t{1} << 20, kUnlimitedBytes, true);
    if (auto v = leaf(s, "overcommit")) {
      p_.overcommit = v->as_enum<models::Overcommit>({{"heuristic", models::Overcommit::kHeuristic},
                                                      {"always", models::Overcommit::kAlways},
                                                      {"never", models::Overcommit::kNever}});
    }
    if (auto v = leaf(s, "overcommit_ratio")) p_.overcommit_ratio = v->as_fraction();
    if (auto v = leaf(s, "on_oom")) {
      p_.on_oom = v->as_enum<models::OnOutOfMemory>({{"kill", models::OnOutOfMemory::kKill},
                                                     {"swap", models::OnOutOfMemory::kSwap}});
    }
    if (auto v = leaf(s, "swap_slowdown")) p_.swap_slowdown = static_cast<double>(v->as_int(1, 1'000'000));
  }

  // python.op_cost: a duration that may be a fraction of a nanosecond
  // ("14.2ns", "0.5ns", "950ps"), kept in picoseconds.
  void read_python(const Node& s) {
    const std::optional<Node> v = leaf(s, "op_cost");
    if (!v) return;
    const std::string expected = "expected the CPU time of one interpreted instruction like \"14.2ns\" or \"950ps\"";
    if (!v->is_scalar()) v->fail(expected + ", got " + v->describe());
    const std::string text = v->as_string();
    std::size_t digits = 0;
    while (digits < text.size() && ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) ++digits;
    const std::string number = text.substr(0, digits);
    const std::string unit = text.substr(digits);
    double per_unit = 0;
    if (unit == "ps") {
      per_unit = 1;
    } else if (unit == "ns") {
      per_unit = 1e3;
    } else if (unit == "us") {
      per_unit = 1e6;
    } else if (unit.empty() || unit == "s") {
      per_unit = 1e12;  // only 0 is sensible here
    } else {
      v->fail(expected + ", got " + quote(text) + "; units are ps, ns, us");
    }
    char* end = nullptr;
    const double x = number.empty() ? -1 : std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size() || std::count(number.begin(), number.end(), '.') > 1) {
      v->fail(expected + ", got " + quote(text));
    }
    const double ps = std::nearbyint(x * per_unit);
    if (unit.empty() && x != 0) v->fail(expected + "; a bare number needs a unit");
    if (ps > 1e9) v->fail(quote(text) + " is more than 1 ms per instruction");
    p_.python_op_cost_ps = static_cast<std::int64_t>(ps);
  }

  // Rules across keys, reported at the key that breaks them.
  void check(const Node& root) {
    if (p_.stack_resident > p_.stack_reserved) {
      const std::optional<Node> memory = root.get("memory");
      const std::string msg = "stack_resident (" + std::to_string(p_.stack_resident) +
                              " B) cannot exceed stack_reserved (" + std::to_string(p_.stack_reserved) + " B)";
      if (memory && memory->has("stack_resident")) memory->fail_key("stack_resident", msg);
      if (memory && memory->has("stack_reserved")) memory->fail_key("stack_reserved", msg);
      root.fail(msg);
    }
  }

  int depth_;
  MachineProfile p_;
  std::string section_;
};

}  // namespace

std::vector<std::string> machine_search_path(const std::string& name) {
  std::vector<std::string> out{kMachinesDir + name + ".yaml"};
#ifdef CONCSIM_SOURCE_DIR
  out.push_back(std::string(CONCSIM_SOURCE_DIR) + "/" + kMachinesDir + name + ".yaml");
#endif
  return out;
}

std::optional<std::string> machine_file_error(const std::string& name_or_path) {
  std::string error;
  const std::optional<std::string> path = resolve(name_or_path, &error);
  if (!path) return error;
  // A path that names nothing is the workload's mistake, not the profile's.
  std::error_code ec;
  if (!std::filesystem::exists(*path, ec)) {
    return "no machine profile at " + quote(*path) + ": the file does not exist";
  }
  return std::nullopt;
}

models::MachineProfile load_machine(const std::string& name_or_path) {
  std::string error;
  const std::optional<std::string> path = resolve(name_or_path, &error);
  if (!path) throw ConfigError(SourcePos{name_or_path, 1, 1}, "machine", error);
  return read_machine(Document::load_file(*path));
}

models::MachineProfile read_machine(const Document& doc) {
  ProfileReader reader(0);
  return reader.read(doc);
}

std::int64_t* numeric_value(models::MachineProfile& p, const std::string& key) {
  models::CacheProfile& c = p.cache;
  const std::pair<const char*, std::int64_t*> table[] = {
      {"hardware.ram", &p.ram_bytes},
      {"hardware.swap", &p.swap_bytes},
      {"costs.thread_create", &p.thread_create},
      {"costs.thread_exit", &p.thread_exit},
      {"costs.context_switch", &p.context_switch},
      {"costs.wakeup_latency", &p.wakeup_latency},
      {"costs.syscall", &p.syscall},
      {"costs.poll", &p.poll},
      {"costs.per_event", &p.per_event},
      {"costs.futex_wait", &p.futex_wait},
      {"costs.futex_wake", &p.futex_wake},
      {"costs.ipi", &p.ipi},
      {"costs.page_fault", &p.page_fault},
      {"costs.pipe_read", &p.pipe_read},
      {"costs.pipe_write", &p.pipe_write},
      {"scheduler.pick_base", &p.pick_base},
      {"scheduler.pick_per_thread", &p.pick_per_thread},
      {"scheduler.refill_per_thread", &p.refill_per_thread},
      {"scheduler.refill_cap", &p.refill_cap},
      {"scheduler.sched_latency", &p.sched_latency},
      {"scheduler.min_granularity", &p.min_granularity},
      {"scheduler.goodness", &p.goodness},
      {"scheduler.wakeup_granularity", &p.wakeup_granularity},
      {"cache.line", &c.line},
      {"cache.private", &c.private_bytes},
      {"cache.private_ways", &c.private_ways},
      {"cache.private_hit", &c.private_hit},
      {"cache.shared", &c.shared_bytes},
      {"cache.shared_ways", &c.shared_ways},
      {"cache.shared_hit", &c.shared_hit},
      {"cache.memory", &c.memory},
      {"cache.misses_in_flight", &c.misses_in_flight},
      {"cache.thread_working_set", &c.thread_working_set},
      {"cache.sched_bytes_per_task", &c.sched_bytes_per_task},
      {"cache.task_align", &c.task_align},
      {"memory.page", &p.page_size},
      {"memory.stack_reserved", &p.stack_reserved},
      {"memory.stack_resident", &p.stack_resident},
      {"memory.guard", &p.guard_bytes},
      {"memory.kernel_stack", &p.kernel_stack},
      {"memory.socket_buffer", &p.socket_buffer},
      {"memory.task_frame", &p.task_frame},
      {"limits.max_threads", &p.max_threads},
      {"limits.max_map_count", &p.max_map_count},
      {"limits.mappings_per_thread", &p.mappings_per_thread},
      {"limits.address_space", &p.address_space},
      {"python.op_cost", &p.python_op_cost_ps},  // in picoseconds
  };
  for (const auto& [name, value] : table) {
    if (key == name) return value;
  }
  return nullptr;
}

bool scale_value(models::MachineProfile& p, const std::string& key, double factor) {
  std::int64_t* v = numeric_value(p, key);
  if (v == nullptr) return false;
  const bool at_least_one = key == "cache.line" || key == "cache.private_ways" || key == "cache.shared_ways" ||
                            key == "cache.misses_in_flight" || key == "memory.page";
  const double scaled = std::nearbyint(static_cast<double>(*v) * factor);
  *v = std::max<std::int64_t>(scaled >= 9.2e18 ? INT64_MAX : static_cast<std::int64_t>(scaled), at_least_one ? 1 : 0);
  return true;
}

std::string machine_fingerprint(const std::string& name_or_path) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a's offset basis
  std::string name = name_or_path;
  for (int depth = 0; depth <= kMaxExtendsDepth; ++depth) {
    std::string error;
    const std::optional<std::string> path = resolve(name, &error);
    if (!path) return "";
    std::ifstream in(*path, std::ios::binary);
    if (!in) return "";
    std::ostringstream bytes;
    bytes << in.rdbuf();
    // Each file's bytes, then a separator, into one FNV-1a.
    for (unsigned char c : bytes.str() + '\0') {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    // Only a profile that names `extends` needs reading as YAML.
    if (bytes.str().find("extends") == std::string::npos) break;
    std::string base;
    try {
      const std::optional<Node> e = Document::load_file(*path).root().get("extends");
      if (!e) break;
      base = e->as_string();
    } catch (const ConfigError&) {
      return "";
    }
    name = base;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(16, '0');
  for (int i = 15; i >= 0; --i) {
    hex[static_cast<std::size_t>(i)] = kHex[h & 0xF];
    h >>= 4;
  }
  return "fnv1a64:" + hex;
}

}  // namespace concsim::load
