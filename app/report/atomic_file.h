// Writing result files so that nothing is half-written or clobbered.
//
// write_file_atomically writes a file all at once or not at all: the content
// goes to a temporary file beside the target, is flushed, and is renamed over
// it, so a reader (or a resumed sweep) never sees half a result.
//
// write_output_file is for a path the user named (--out, baseline -o,
// calibrate --out, --trace, --text-trace), where something may already be:
//  - nothing, or a regular file: replaced atomically as above; an existing
//    file keeps its permission bits, and a file we may not write (read-only)
//    is refused, not replaced;
//  - a character device or a FIFO (/dev/null, /dev/stdout, a named pipe):
//    written through, as a shell's `>` writes, never replaced by a file;
//    such a write cannot be atomic;
//  - a symbolic link: followed; what it points to decides as above, and a
//    regular file is replaced where it is, so that the link stays a link. A
//    link to nothing is refused rather than followed to create a file;
//  - anything else (a directory, a block device, a socket): refused.
#pragma once

#include <string>

namespace concsim::report {

// Returns false and sets *error when the file could not be written; the
// target is then untouched and no temporary file is left behind.
bool write_file_atomically(const std::string& path, const std::string& content, std::string* error);

// Returns false and sets *error (naming the path) when the content could not
// be written or the path is refused; a regular file is then untouched.
bool write_output_file(const std::string& path, const std::string& content, std::string* error);

}  // namespace concsim::report
