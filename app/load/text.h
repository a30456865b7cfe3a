// Small text helpers shared by the loading layer's messages.
#pragma once

#include <string>
#include <string_view>

namespace concsim::load {

// `text` in double quotes for a message, with quotes, backslashes and control
// bytes escaped and anything past 40 bytes cut (on a UTF-8 boundary) and
// marked with "...", so that hostile input cannot flood or garble a message.
std::string quote(std::string_view text);

// `text` for a message as it stands (no quotes, nothing cut), with what a
// terminal would act on rather than show escaped: C0 and C1 control
// characters and DEL (\x1b, \u009b: the starts of escape sequences), the
// bidirectional overrides and isolates that reorder a line's characters
// (\u202e), and bytes that are not UTF-8 (\xff). For key paths and file
// names, which are short and must stay recognisable.
std::string escape_controls(std::string_view text);

// escape_controls of at most the first `max_bytes` of `text` (cut on a
// UTF-8 boundary); when cut, followed by "... (N bytes in all)". For a
// message that quotes what a run produced, which may be megabytes.
std::string excerpt(std::string_view text, std::size_t max_bytes);

}  // namespace concsim::load
