// Machine profiles: the shipped ones say what configs/claims/README.md says, every value of
// a realistic profile names its source, and mistakes are located errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "app/load/config.h"
#include "app/load/machine.h"
#include "thread_helpers.h"

namespace concsim::testing {
namespace {

using models::MachineProfile;

std::string error_of(const std::string& yaml) {
  try {
    profile_from(yaml);
  } catch (const load::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << yaml;
  return "";
}

TEST(MachineProfiles, IdealHasCoresAndNothingElse) {
  const MachineProfile p = load::load_machine("ideal");
  EXPECT_EQ(p.name, "ideal");
  EXPECT_EQ(p.cores, 4);
  for (sim::Duration d : {p.thread_create, p.thread_exit, p.context_switch, p.wakeup_latency, p.syscall,
                          p.pick_base, p.pick_per_thread, p.refill_per_thread, p.refill_cap}) {
    EXPECT_EQ(d, 0);
  }
  EXPECT_EQ(p.stack_resident + p.kernel_stack + p.socket_buffer, 0);
  EXPECT_EQ(p.max_threads, load::kUnlimitedCount);
  EXPECT_EQ(p.ram_bytes, load::kUnlimitedBytes);
}

TEST(MachineProfiles, LectureCommitsOneMebibytePerThread) {
  const MachineProfile p = load::load_machine("lecture");
  EXPECT_EQ(p.stack_reserved, MiB);
  EXPECT_EQ(p.stack_resident, MiB);
  EXPECT_EQ(p.guard_bytes + p.kernel_stack + p.socket_buffer, 0);
}

// configs/claims/README.md section C, figure by figure; the scheduler is CFS with Linux
// 6.1's constants for two CPUs, the costs calibrate's on one such machine.
TEST(MachineProfiles, LinuxModernIsThisProjectsMachine) {
  const MachineProfile p = load::load_machine("linux-modern");
  EXPECT_EQ(p.cores, 2);
  EXPECT_EQ(p.ram_bytes, 24 * GiB);
  EXPECT_EQ(p.policy, models::SchedPolicy::kCfs);
  // kernel/sched/fair.c: 6 ms, 0.75 ms and 1 ms, each x (1 + ilog2(2)).
  EXPECT_EQ(p.sched_latency, ms(12));
  EXPECT_EQ(p.min_granularity, us(1500));
  EXPECT_EQ(p.wakeup_granularity, ms(2));
  EXPECT_EQ(p.wakeup_latency, 0);  // when a woken thread runs is the scheduler's
  // A pinned hand-off in the model (the waker's FUTEX_WAKE, the switch, the
  // woken thread's return from FUTEX_WAIT) within configs/claims/README.md C's figures:
  // 1.2-2 us per switch pinned, ~4 us per condition-variable ping-pong.
  const sim::Duration handoff = p.futex_wake + p.context_switch + p.futex_wait;
  EXPECT_GE(handoff, us(1) + 200);
  EXPECT_LE(handoff, us(4));
  EXPECT_NE(p.sources.at("costs.context_switch").find("calibrate"), std::string::npos);
  EXPECT_GT(p.cache.private_bytes, 0);  // the cache model is on
  EXPECT_LT(p.cache.private_hit, p.cache.shared_hit);
  EXPECT_LT(p.cache.shared_hit, p.cache.memory);
  EXPECT_EQ(p.stack_reserved, 8 * MiB);
  EXPECT_EQ(p.stack_reserved + p.guard_bytes, 8196 * KiB);  // +8,196 KiB virtual per thread
  EXPECT_NEAR(static_cast<double>(p.stack_resident), 8.4 * 1024, 10);  // +8.4 KiB resident
  EXPECT_EQ(p.kernel_stack, 16 * KiB);
  EXPECT_EQ(p.max_map_count, 65'530);
  EXPECT_LE(p.max_threads, 32'768);  // pid_max
  // The thread count is the wall that is hit first, before the mappings'.
  EXPECT_LT(p.max_threads - 1, p.max_map_count / p.mappings_per_thread);
}

TEST(MachineProfiles, Seda2001IsScaledFromCapriccioByTheClockRatio) {
  const MachineProfile p = load::load_machine("seda-2001");
  EXPECT_EQ(p.cores, 4);
  EXPECT_EQ(p.ram_bytes, 2 * GiB);
  EXPECT_EQ(p.policy, models::SchedPolicy::kLinux22);
  EXPECT_EQ(p.address_space, 3 * GiB);  // i386: TASK_SIZE 0xC0000000
  EXPECT_EQ(p.cache.task_align, 8 * KiB);  // the task_union
  // Capriccio Table 1, LinuxThreads, at 2.4 GHz, x 2.4 GHz / 500 MHz.
  EXPECT_NEAR(static_cast<double>(p.thread_create), 37'900 * 4.8, 500);
  EXPECT_NEAR(static_cast<double>(p.context_switch), 710 * 4.8, 50);
  EXPECT_EQ(p.min_granularity, ms(200));  // Linux 2.2's fixed slices
}

// Every value written in a realistic profile says where it comes from.
TEST(MachineProfiles, EveryValueOfTheRealisticProfilesNamesItsSource) {
  for (const char* name : {"lecture", "linux-modern", "seda-2001"}) {
    const std::string path = std::string("configs/machines/") + name + ".yaml";
    const MachineProfile p = load::load_machine(name);
    const load::Document doc = load::Document::load_file(path);
    int values = 0;
    for (const auto& [section, node] : doc.root().entries()) {
      if (!node.is_map()) continue;
      for (const std::string& key : node.keys()) {
        ++values;
        const auto it = p.sources.find(section + "." + key);
        EXPECT_TRUE(it != p.sources.end() && !it->second.empty()) << name << ": " << section << "." << key;
      }
    }
    EXPECT_GE(values, 25) << name;
  }
}

TEST(MachineProfiles, ExtendsKeepsTheBaseAndItsSources) {
  const MachineProfile p = profile_from(R"(
extends: linux-modern
description: more cores
hardware: {cores: 8}
)");
  EXPECT_EQ(p.name, "profile");  // the file's stem
  EXPECT_EQ(p.description, "more cores");
  EXPECT_EQ(p.cores, 8);
  EXPECT_EQ(p.thread_create, 24'067);
  EXPECT_EQ(p.sources.count("hardware.cores"), 0u);  // overridden without a source
  EXPECT_NE(p.sources.at("costs.thread_create").find("24.07us"), std::string::npos);
}

TEST(MachineProfiles, AValueMayCarryItsSource) {
  const MachineProfile p = profile_from(R"(
costs:
  context_switch: {value: 1.5us, source: "measured with perf bench sched pipe"}
)");
  EXPECT_EQ(p.context_switch, 1500);
  EXPECT_EQ(p.sources.at("costs.context_switch"), "measured with perf bench sched pipe");
}

TEST(MachineProfiles, APathLoadsLikeAName) {
  EXPECT_EQ(load::load_machine("configs/machines/seda-2001.yaml").cores, load::load_machine("seda-2001").cores);
}

TEST(MachineProfileErrors, UnknownKeysSuggestTheClosestOne) {
  EXPECT_EQ(error_of("costs:\n  contex_switch: 1us\n"),
            "profile.yaml:2:3: costs.contex_switch: unknown key; did you mean \"context_switch\"?");
  EXPECT_NE(error_of("schedulr: {pick: linear}\n").find("did you mean \"scheduler\""), std::string::npos);
  EXPECT_NE(error_of("hardware: {cores: {value: 2, sorce: x}}\n").find("did you mean \"source\""), std::string::npos);
}

TEST(MachineProfileErrors, ValuesNeedTheirUnitsAndRanges) {
  const std::string fast = error_of("costs:\n  syscall: fast\n");
  EXPECT_NE(fast.find("profile.yaml:2:12: costs.syscall:"), std::string::npos) << fast;
  EXPECT_NE(error_of("hardware: {ram: 24}\n").find("hardware.ram"), std::string::npos);  // 24 bytes: too small
  EXPECT_NE(error_of("hardware: {cores: 0}\n").find("hardware.cores"), std::string::npos);
  EXPECT_NE(error_of("scheduler: {pick: quadratic}\n").find("scheduler.pick"), std::string::npos);
  // A zero slice would preempt forever.
  EXPECT_NE(error_of("scheduler: {min_granularity: 0s}\n").find("scheduler.min_granularity"), std::string::npos);
  EXPECT_NE(error_of("limits: {max_threads: lots}\n").find("limits.max_threads"), std::string::npos);
}

TEST(MachineProfileErrors, ResidentStackCannotExceedReservedStack) {
  const std::string e = error_of("memory: {stack_reserved: 8KiB, stack_resident: 16KiB}\n");
  EXPECT_NE(e.find("memory.stack_resident: stack_resident (16384 B) cannot exceed stack_reserved (8192 B)"),
            std::string::npos)
      << e;
}

TEST(MachineProfileErrors, UnknownProfileNamesSuggestTheClosestOne) {
  try {
    load::load_machine("linux-modren");
    FAIL() << "no error";
  } catch (const load::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown machine profile \"linux-modren\"; did you mean \"linux-modern\"?"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NE(error_of("extends: idael\n").find("profile.yaml:1:10: extends: unknown machine profile \"idael\"; did you mean \"ideal\"?"),
            std::string::npos);
}

TEST(MachineProfileErrors, AnExtendsCycleIsCaught) {
  const std::string path = ::testing::TempDir() + "concsim_cycle.yaml";
  {
    std::ofstream f(path);
    f << "extends: " << path << "\n";
  }
  try {
    load::load_machine(path);
    FAIL() << "no error";
  } catch (const load::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("a cycle?"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace concsim::testing
