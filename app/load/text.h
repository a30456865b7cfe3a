// Small text helpers shared by the loading layer's messages.
#pragma once

#include <string>
#include <string_view>

namespace concsim::load {

// `text` in double quotes for a message, with quotes, backslashes and control
// bytes escaped and anything past 40 bytes cut (on a UTF-8 boundary) and
// marked with "...", so that hostile input cannot flood or garble a message.
std::string quote(std::string_view text);

}  // namespace concsim::load
