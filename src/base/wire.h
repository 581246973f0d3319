// A tiny binary format for values that leave the process (the cluster bus, cluster/bus_message.h;
// shared short-lived entries, base/pending_table.h): unsigned LEB128 varints,
// zigzag signed varints, bytes with a varint length prefix, bools and single bytes.
//
// WireWriter appends to a string the caller owns (it must outlive the writer). Encodings are
// canonical: a varint has no redundant high zero groups and a bool is 0 or 1, so WireReader
// accepts exactly what WireWriter writes.
//
// WireReader reads a view the caller keeps alive while it and the views it returns are in use.
// It never reads past its input. The first error sticks: that read and every later one return
// zero values, and status() reports kMalformed with what failed first. Every length it reads is
// checked against a limit the caller gives and against the bytes left, so no length read from
// the input can make a caller allocate more elements than there are input bytes.
//
// Both are plain single-threaded values.
#ifndef PARLEY_BASE_WIRE_H_
#define PARLEY_BASE_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace parley {

inline constexpr size_t kMaxVarintBytes = 10;  // 64 bits in groups of 7

// Bytes of `value` as an unsigned varint (1 to 10).
inline size_t VarintSize(uint64_t value) {
  size_t size = 1;
  for (; value >= 0x80; value >>= 7) ++size;
  return size;
}

// Small magnitudes of either sign become small unsigned values: 0, -1, 1, -2 -> 0, 1, 2, 3.
// Unsigned arithmetic throughout: no signed overflow, no shift of a negative value.
inline uint64_t ZigZag(int64_t value) {
  const auto bits = static_cast<uint64_t>(value);
  return (bits << 1) ^ (0 - (bits >> 63));
}
inline int64_t UnZigZag(uint64_t value) {
  return static_cast<int64_t>((value >> 1) ^ (0 - (value & 1)));
}

class WireWriter {
 public:
  explicit WireWriter(std::string* out) : out_(out) {}

  void U8(uint8_t value) { out_->push_back(static_cast<char>(value)); }
  void Bool(bool value) { U8(value ? 1 : 0); }
  void Varint(uint64_t value) {
    char buffer[kMaxVarintBytes];
    size_t size = 0;
    for (; value >= 0x80; value >>= 7) buffer[size++] = static_cast<char>((value & 0x7f) | 0x80);
    buffer[size++] = static_cast<char>(value);
    out_->append(buffer, size);
  }
  void SignedVarint(int64_t value) { Varint(ZigZag(value)); }
  // The length as a varint, then the bytes.
  void Bytes(std::string_view bytes) {
    Varint(bytes.size());
    out_->append(bytes);
  }

 private:
  std::string* out_;
};

class WireReader {
 public:
  explicit WireReader(std::string_view input) : input_(input) {}

  uint8_t U8() {
    if (ok() && position_ < input_.size()) return static_cast<uint8_t>(input_[position_++]);
    Fail("truncated");
    return 0;
  }
  bool Bool() {  // 0 or 1; any other byte is an error
    const uint8_t byte = U8();
    if (byte > 1) Fail("bool not 0 or 1");
    return byte == 1 && ok();
  }
  uint64_t Varint() {
    // Most numbers on the bus fit one byte: that case inline, the rest in VarintSlow.
    if (ok() && position_ < input_.size() && static_cast<uint8_t>(input_[position_]) < 0x80) {
      return static_cast<uint8_t>(input_[position_++]);
    }
    return VarintSlow();
  }
  int64_t SignedVarint() { return UnZigZag(Varint()); }
  // A length-prefixed run of at most `max_size` bytes, as a view into the input.
  std::string_view Bytes(size_t max_size);
  // An element count of at most `max_count`, each element taking at least one byte of what
  // is left: a count the input cannot hold is an error before anything is allocated for it.
  size_t Count(size_t max_count);

  // Fails the read with `what` (a string literal) unless it already failed: for the caller's
  // own checks (a value out of range, bytes left over).
  void Fail(const char* what);

  bool ok() const { return error_ == nullptr; }
  size_t remaining() const { return input_.size() - position_; }
  // OK, or kMalformed naming the first failure.
  Status status() const;

 private:
  uint64_t VarintSlow();

  std::string_view input_;
  size_t position_ = 0;
  const char* error_ = nullptr;  // a string literal; null while no read failed
};

}  // namespace parley

#endif  // PARLEY_BASE_WIRE_H_
