#include "xmpp/sm_queue.h"

#include <charconv>
#include <limits>

namespace parley::xmpp {
namespace {

size_t SizeOf(const SmQueue::Entry& entry) {
  return entry.head.size() + (entry.frame ? entry.frame->size() - entry.offset : 0) +
         entry.tail.size();
}

// A scan over server-made XML that carries its state across the pieces of one write.
struct StanzaScanner {
  int depth = 0;
  bool in_tag = false;     // between '<' and '>'
  bool closing = false;    // the tag is an end tag
  bool name_done = false;  // the tag's name was read
  std::string name;        // of a tag opened at depth 0
  char quote = 0;          // inside an attribute value
  char previous = 0;
  uint32_t stanzas = 0;

  void Feed(std::string_view text) {
    for (char c : text) {
      if (!in_tag) {
        if (c == '<') {
          in_tag = true;
          closing = false;
          name_done = false;
          name.clear();
        }
      } else if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
        name_done = true;
      } else if (c == '>') {
        in_tag = false;
        if (closing) {
          if (depth > 0) --depth;
        } else if (name.empty() || name[0] == '?') {
          // an XML declaration
        } else {
          const bool empty = previous == '/';
          if (depth == 0 && (name == "message" || name == "presence" || name == "iq")) ++stanzas;
          if (!empty && name != "stream:stream") ++depth;
        }
      } else if (!name_done) {
        if (c == '/' && name.empty()) {
          closing = true;
        } else if (c == ' ' || c == '/' || c == '\t' || c == '\n') {
          name_done = !name.empty();
        } else {
          name += c;
        }
      }
      previous = c;
    }
  }
};

}  // namespace

uint32_t CountStanzas(std::string_view head, std::string_view middle, std::string_view tail) {
  StanzaScanner scanner;
  scanner.Feed(head);
  scanner.Feed(middle);
  scanner.Feed(tail);
  return scanner.stanzas;
}

std::optional<uint32_t> ParseH(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() ||
      value > std::numeric_limits<uint32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(value);
}

bool SmQueue::Add(Entry entry) {
  if (entry.stanzas == 0) return true;
  const size_t size = SizeOf(entry);
  if (unacked_stanzas_ + entry.stanzas > max_stanzas_ || bytes_ + size > max_bytes_) return false;
  sent_ += entry.stanzas;
  unacked_stanzas_ += entry.stanzas;
  bytes_ += size;
  entries_.push_back(std::move(entry));
  return true;
}

SmQueue::AckResult SmQueue::Ack(uint32_t h) {
  const uint32_t newly = h - acked_;                       // mod 2^32
  if (newly > sent_ - acked_) return AckResult::kTooHigh;  // more than sent, or going back
  acked_ = h;
  uint32_t left = newly;
  while (left > 0 && !entries_.empty()) {
    Entry& front = entries_.front();
    const uint32_t remaining = front.stanzas - acked_in_queue_;
    if (left < remaining) {
      acked_in_queue_ += left;
      break;
    }
    left -= remaining;
    acked_in_queue_ = 0;
    unacked_stanzas_ -= front.stanzas;
    bytes_ -= SizeOf(front);
    entries_.pop_front();
  }
  return AckResult::kOk;
}

}  // namespace parley::xmpp
