// One fuzz input driven through the JSON readers of the sweep commands,
// shared by the libFuzzer target (fuzz_json.cc) and the GoogleTest that
// replays the regressions found (fuzz_regression_test.cc).
//
// An input is any text. It goes through parse_json and, whatever it holds,
// through every reader that takes such a file from disk: the definition of
// sweep.json (read by `--resume` and `merge`, and inside a baseline), the
// grid it expands to, a point file (`--resume`, `merge`, `baseline`) for
// the point it names, and a baseline (`check`). Whatever they reject must
// be a sweep::InputError (or, for a point file, "not complete"); anything
// else escapes and libFuzzer reports it as a crash. What the writers write
// from an accepted value must read back to the same bytes.
#pragma once

#include <string>
#include <string_view>

namespace concsim::fuzz {

struct JsonOutcome {
  bool parsed = false;      // the text is JSON
  bool definition = false;  // ... a sweep definition, which expanded to a grid
  bool point = false;       // ... a complete point file for the point it names
  bool baseline = false;    // ... a baseline
  int input_errors = 0;     // InputErrors thrown (and caught)
};

// Throws std::logic_error when a written value does not read back the same,
// and whatever else escapes the readers.
JsonOutcome drive_json(std::string_view data);

}  // namespace concsim::fuzz
