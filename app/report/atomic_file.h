// Writes a file all at once or not at all: the content goes to a temporary
// file beside the target, is flushed, and is renamed over it, so a reader (or
// a resumed sweep) never sees half a result.
#pragma once

#include <string>

namespace concsim::report {

// Returns false and sets *error when the file could not be written; the
// target is then untouched and no temporary file is left behind.
bool write_file_atomically(const std::string& path, const std::string& content, std::string* error);

}  // namespace concsim::report
