#include "base/wire.h"

namespace parley {

uint64_t WireReader::VarintSlow() {
  if (!ok()) return 0;
  uint64_t value = 0;
  for (size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (position_ >= input_.size()) {
      Fail("truncated varint");
      return 0;
    }
    const auto byte = static_cast<uint8_t>(input_[position_++]);
    // The tenth group holds only bit 63.
    if (i == kMaxVarintBytes - 1 && byte > 1) break;
    value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      // A last group of zero after others is a longer spelling of a shorter varint.
      if (byte == 0 && i > 0) break;
      return value;
    }
  }
  Fail("over-long varint");
  return 0;
}

std::string_view WireReader::Bytes(size_t max_size) {
  const uint64_t size = Varint();
  if (!ok()) return {};
  if (size > max_size) {
    Fail("bytes over their limit");
    return {};
  }
  if (size > remaining()) {
    Fail("bytes past the end");
    return {};
  }
  std::string_view bytes = input_.substr(position_, size);
  position_ += size;
  return bytes;
}

size_t WireReader::Count(size_t max_count) {
  const uint64_t count = Varint();
  if (!ok()) return 0;
  if (count > max_count) {
    Fail("count over its limit");
    return 0;
  }
  if (count > remaining()) {
    Fail("count past the end");
    return 0;
  }
  return count;
}

void WireReader::Fail(const char* what) {
  if (ok()) error_ = what;
}

Status WireReader::status() const {
  if (ok()) return Status::Ok();
  return Status(Code::kMalformed, error_);
}

}  // namespace parley
