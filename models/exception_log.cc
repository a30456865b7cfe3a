#include "models/exception_log.h"

namespace concsim::models {
namespace {

std::string key_of(const RaisedException& e) {
  std::string key = e.type;
  key += '\0';
  key += e.message;
  key += '\0';
  key += std::to_string(e.line);
  key += ':';
  key += std::to_string(e.column);
  key += ':';
  key += e.path;
  return key;
}

}  // namespace

std::uint32_t ExceptionLog::find_or_add(const RaisedException& e) {
  const auto [it, fresh] = index_.try_emplace(key_of(e), static_cast<std::uint32_t>(entries_.size()));
  if (fresh) {
    if (entries_.size() >= kMaxEntries) {
      index_.erase(it);
      return kUnlisted;
    }
    entries_.push_back(e);
    entries_.back().count = 0;
    entries_.back().tasks_failed = 0;
    entries_.back().requests_failed = 0;
  }
  return it->second;
}

std::uint32_t ExceptionLog::raised(std::string_view type, std::string_view message, int line, int column,
                                   std::string_view path, sim::Time now) {
  ++total_;
  RaisedException e;
  e.type = type;
  e.message = message;
  e.line = line;
  e.column = column;
  e.path = path;
  e.first_at = now;
  const std::uint32_t entry = find_or_add(e);
  if (entry == kUnlisted) {
    ++unlisted_;
  } else {
    ++entries_[entry].count;
  }
  return entry;
}

void ExceptionLog::task_failed(std::uint32_t entry) {
  if (entry < entries_.size()) ++entries_[entry].tasks_failed;
}

void ExceptionLog::request_failed(std::uint32_t entry) {
  if (entry < entries_.size()) ++entries_[entry].requests_failed;
}

void ExceptionLog::merge(const ExceptionLog& other) {
  total_ += other.total_;
  unlisted_ += other.unlisted_;
  for (const RaisedException& e : other.entries_) {
    const std::uint32_t entry = find_or_add(e);
    if (entry == kUnlisted) {
      unlisted_ += e.count;
      continue;
    }
    RaisedException& mine = entries_[entry];
    if (mine.count == 0 || e.first_at < mine.first_at) mine.first_at = e.first_at;
    mine.count += e.count;
    mine.tasks_failed += e.tasks_failed;
    mine.requests_failed += e.requests_failed;
  }
}

}  // namespace concsim::models
