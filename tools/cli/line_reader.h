// LineReader: reads stdin lines on its own thread so a single-threaded loop can poll them.
//
// Thread-safety: Poll() and at_end() may be called from any one consumer thread. The reader
// thread is detached (a blocking read cannot be interrupted portably); it only touches the
// shared state, which lives as long as either side needs it.
#ifndef PARLEY_TOOLS_CLI_LINE_READER_H_
#define PARLEY_TOOLS_CLI_LINE_READER_H_

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace parley::cli {

class LineReader {
 public:
  LineReader();
  // The next complete line, if one was read.
  std::optional<std::string> Poll();
  // True once input has ended and every line was polled.
  bool at_end();

 private:
  struct Shared {
    std::mutex mutex;
    std::deque<std::string> lines;  // guarded by mutex
    bool eof = false;               // guarded by mutex
  };
  std::shared_ptr<Shared> shared_;
};

}  // namespace parley::cli

#endif  // PARLEY_TOOLS_CLI_LINE_READER_H_
