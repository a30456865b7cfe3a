// 128-bit integers for exact intermediate sums and products. GCC and Clang
// provide them on 64-bit targets; __extension__ tells -Wpedantic we know.
#pragma once

namespace concsim::sim::detail {
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;
}  // namespace concsim::sim::detail
