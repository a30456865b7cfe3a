// A vector of fixed-size chunks: stable references, growth without copying
// (a million tasks never briefly need twice their memory, as a doubling
// std::vector would), and an index that costs a shift and a mask into a
// small table of chunks. std::deque gives the first two, but its 512-byte
// chunks hold four tasks, so its table of chunks for a million tasks is
// itself megabytes and every access missed the cache twice (measured: a
// sixth of the loop's time at a million connections).
//
// The chunks come from a ChunkArena (models/chunk_arena.h), on huge pages
// once the vector is large.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "models/chunk_arena.h"

namespace concsim::models {

template <class T, unsigned kShift = 10>
class ChunkedVector {
 public:
  static constexpr std::size_t kChunk = std::size_t{1} << kShift;
  static_assert(alignof(T) <= 64, "chunks are aligned to a cache line");

  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector&) = delete;
  ChunkedVector& operator=(const ChunkedVector&) = delete;
  ~ChunkedVector() { clear(); }

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  const T& operator[](std::size_t i) const { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  T& back() { return (*this)[size_ - 1]; }
  // Appends a default-constructed element and returns it. A new chunk's
  // elements are value-initialised at once, as make_unique<T[]> did.
  T& emplace_back() {
    if ((size_ >> kShift) == chunks_.size()) {
      // Room first, so that a chunk once built is always recorded (and destroyed).
      if (chunks_.size() == chunks_.capacity()) chunks_.reserve(2 * chunks_.size() + 1);
      T* chunk = static_cast<T*>(arena_.allocate());
      std::uninitialized_value_construct_n(chunk, kChunk);
      chunks_.push_back(chunk);
    }
    return (*this)[size_++];
  }
  void clear() {
    for (T* chunk : chunks_) std::destroy_n(chunk, kChunk);
    chunks_.clear();
    chunks_.shrink_to_fit();
    arena_.release();
    size_ = 0;
  }

  template <class V, class Owner>
  class Iter {
   public:
    Iter(Owner* v, std::size_t i) : v_(v), i_(i) {}
    V& operator*() const { return (*v_)[i_]; }
    Iter& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iter& o) const { return i_ != o.i_; }

   private:
    Owner* v_;
    std::size_t i_;
  };
  Iter<T, ChunkedVector> begin() { return {this, 0}; }
  Iter<T, ChunkedVector> end() { return {this, size_}; }
  Iter<const T, const ChunkedVector> begin() const { return {this, 0}; }
  Iter<const T, const ChunkedVector> end() const { return {this, size_}; }

 private:
  ChunkArena arena_{kChunk * sizeof(T)};
  std::vector<T*> chunks_;
  std::size_t size_ = 0;
};

}  // namespace concsim::models
