#include "tools/cli/line_reader.h"

#include <iostream>
#include <thread>

namespace parley::cli {

LineReader::LineReader() : shared_(std::make_shared<Shared>()) {
  std::thread([shared = shared_] {
    std::string line;
    while (std::getline(std::cin, line)) {
      std::lock_guard lock(shared->mutex);
      shared->lines.push_back(line);
    }
    std::lock_guard lock(shared->mutex);
    shared->eof = true;
  }).detach();
}

std::optional<std::string> LineReader::Poll() {
  std::lock_guard lock(shared_->mutex);
  if (shared_->lines.empty()) return std::nullopt;
  std::string line = std::move(shared_->lines.front());
  shared_->lines.pop_front();
  return line;
}

bool LineReader::at_end() {
  std::lock_guard lock(shared_->mutex);
  return shared_->eof && shared_->lines.empty();
}

}  // namespace parley::cli
