#include "cluster/bus_message.h"

#include <optional>
#include <type_traits>
#include <utility>

#include "base/wire.h"
#include "cluster/event_fields.h"

namespace parley::cluster {

static_assert(std::variant_size_v<BusBody> == 6, "list the new message's fields");

namespace fields {

// The bus's own messages (the events' lists are in cluster/event_fields.h).

template <typename Io>
void Fields(Io& io, typename Io::template Ref<bus::Published> m) {
  auto& [audience, event] = m;
  io.List(audience, kMaxAudience);
  io(event);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<bus::PresenceReport> m) {
  auto& [users, snapshot] = m;
  io.List(users, kMaxAudience);
  io(snapshot);
}

template <typename Io>
void Fields(Io&, typename Io::template Ref<bus::Heartbeat>) {}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<bus::SnapshotRequest> m) {
  auto& [node_id] = m;
  io(node_id);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<bus::CloseDevice> m) {
  auto& [user_id, device_id, reason] = m;
  io(user_id, device_id, reason);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<bus::CloseOtherDevices> m) {
  auto& [user_id, keep_device_id, reason] = m;
  io(user_id, keep_device_id, reason);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<BusHeader> m) {
  auto& [node_id, seq] = m;
  io(node_id, seq);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<BusMessage> m) {
  auto& [header, body] = m;
  io(header, body);
}

}  // namespace fields

namespace {

// The largest value of each enum on the wire: a decoded value above it is malformed. (An
// enumerator added after these must be named here.)
constexpr uint64_t LastValue(store::MessageKind) { return uint64_t(store::MessageKind::kSticker); }
constexpr uint64_t LastValue(store::Role) { return uint64_t(store::Role::kOwner); }
constexpr uint64_t LastValue(chat::PresenceStatus) { return uint64_t(chat::PresenceStatus::kAway); }
constexpr uint64_t LastValue(chat::CloseReason) {
  return uint64_t(chat::CloseReason::kRateLimited);
}
constexpr uint64_t LastValue(Code) { return uint64_t(Code::kAccountDisabled); }

// Counts the bytes WireWriter would write, so Encode allocates once.
class SizeSink {
 public:
  void U8(uint8_t) { ++size_; }
  void Bool(bool) { ++size_; }
  void Varint(uint64_t value) { size_ += VarintSize(value); }
  void SignedVarint(int64_t value) { size_ += VarintSize(ZigZag(value)); }
  void Bytes(std::string_view bytes) { size_ += VarintSize(bytes.size()) + bytes.size(); }
  size_t size() const { return size_; }

 private:
  size_t size_ = 0;
};

// Walks a value into `Sink` (SizeSink or WireWriter), each member by its type.
template <typename Sink>
class Put {
 public:
  template <typename T>
  using Ref = const T&;

  explicit Put(Sink* sink) : sink_(sink) {}

  template <typename... T>
  void operator()(const T&... values) {
    (One(values), ...);
  }
  template <typename T>
  void List(const std::vector<T>& values, size_t) {
    One(values);
  }

 private:
  void One(int64_t value) { sink_->SignedVarint(value); }
  void One(uint64_t value) { sink_->Varint(value); }
  void One(bool value) { sink_->Bool(value); }
  void One(const std::string& value) { sink_->Bytes(value); }
  void One(const Status& status) {
    One(status.code());
    One(status.message());
  }
  template <typename E>
  requires std::is_enum_v<E>
  void One(E value) { sink_->Varint(static_cast<uint64_t>(value)); }
  template <typename T>
  void One(const std::optional<T>& value) {
    One(value.has_value());
    if (value) One(*value);
  }
  template <typename T>
  void One(const std::vector<T>& values) {
    sink_->Varint(values.size());
    for (const T& value : values) One(value);
  }
  template <typename A, typename B>
  void One(const std::pair<A, B>& pair) {
    One(pair.first);
    One(pair.second);
  }
  template <typename... T>
  void One(const std::variant<T...>& value) {
    sink_->U8(static_cast<uint8_t>(value.index()));
    Alternative(value, std::index_sequence_for<T...>());
  }
  template <typename V, size_t... I>
  void Alternative(const V& value, std::index_sequence<I...>) {
    (void)((value.index() == I ? (One(*std::get_if<I>(&value)), true) : false) || ...);
  }
  template <typename T>
  requires std::is_class_v<T>
  void One(const T& value) { fields::Fields(*this, value); }

  Sink* sink_;
};

// Walks the input into a value, each member by its type; failures stick in the WireReader.
class Get {
 public:
  template <typename T>
  using Ref = T&;

  explicit Get(WireReader* wire) : wire_(wire) {}

  template <typename... T>
  void operator()(T&... values) {
    (One(values), ...);
  }
  template <typename T>
  void List(std::vector<T>& values, size_t max_count) {
    values.resize(wire_->Count(max_count));
    for (T& value : values) {
      if (!wire_->ok()) break;
      One(value);
    }
  }

 private:
  void One(int64_t& value) { value = wire_->SignedVarint(); }
  void One(uint64_t& value) { value = wire_->Varint(); }
  void One(bool& value) { value = wire_->Bool(); }
  void One(std::string& value) { value.assign(wire_->Bytes(kMaxBusMessageBytes)); }
  void One(Status& status) {
    Code code = Code::kOk;
    std::string message;
    One(code);
    One(message);
    status = Status(code, std::move(message));
  }
  template <typename E>
  requires std::is_enum_v<E>
  void One(E& value) {
    uint64_t raw = wire_->Varint();
    if (raw > LastValue(E{})) {
      wire_->Fail("enum value out of range");
      raw = 0;
    }
    value = static_cast<E>(raw);
  }
  template <typename T>
  void One(std::optional<T>& value) {
    if (wire_->Bool()) {
      One(value.emplace());
    } else {
      value.reset();
    }
  }
  template <typename T>
  void One(std::vector<T>& values) {
    List(values, kMaxBusMessageBytes);
  }
  template <typename A, typename B>
  void One(std::pair<A, B>& pair) {
    One(pair.first);
    One(pair.second);
  }
  template <typename... T>
  void One(std::variant<T...>& value) {
    const uint8_t index = wire_->U8();
    if (index >= sizeof...(T)) {
      wire_->Fail("unknown variant tag");
      return;
    }
    Emplace(value, index, std::index_sequence_for<T...>());
  }
  // Reads into the alternative `index`, constructed only if it is not the one held already:
  // the big ones (a Message is 600 bytes) are zeroed whenever a variant constructs
  // them, and the first alternatives are the ones a fresh BusMessage holds.
  template <typename V, size_t... I>
  void Emplace(V& value, uint8_t index, std::index_sequence<I...>) {
    (void)((index == I
                ? (One(value.index() == I ? std::get<I>(value) : value.template emplace<I>()), true)
                : false) ||
           ...);
  }
  template <typename T>
  requires std::is_class_v<T>
  void One(T& value) { fields::Fields(*this, value); }

  WireReader* wire_;
};

// Writes what Put writes for BusMessage{header, bus::Published{audience, event}}, version
// first, from the parts.
template <typename Sink>
void PutPublished(Sink& sink, const BusHeader& header, std::span<const int64_t> audience,
                  const chat::Event& event) {
  static_assert(std::is_same_v<std::variant_alternative_t<0, BusBody>, bus::Published>);
  Put<Sink> put(&sink);
  sink.U8(kBusFormatVersion);
  put(header);
  sink.U8(0);  // the variant tag of bus::Published
  sink.Varint(audience.size());
  for (int64_t user_id : audience) sink.SignedVarint(user_id);
  put(event);
}

}  // namespace

std::string EncodePublished(const BusHeader& header, std::span<const int64_t> audience,
                            const chat::Event& event) {
  SizeSink size;
  PutPublished(size, header, audience, event);
  std::string bytes;
  bytes.reserve(size.size());
  WireWriter writer(&bytes);
  PutPublished(writer, header, audience, event);
  return bytes;
}

std::string Encode(const BusMessage& message) {
  SizeSink size;
  size.U8(kBusFormatVersion);
  Put<SizeSink> measure(&size);
  measure(message);

  std::string bytes;
  bytes.reserve(size.size());
  WireWriter writer(&bytes);
  writer.U8(kBusFormatVersion);
  Put<WireWriter> write(&writer);
  write(message);
  return bytes;
}

Result<BusMessage> Decode(std::string_view bytes) {
  if (bytes.size() > kMaxBusMessageBytes) {
    return Status(Code::kTooLarge, "bus message over 16 MiB");
  }
  WireReader wire(bytes);
  if (wire.U8() != kBusFormatVersion) wire.Fail("unsupported bus format");
  BusMessage message;
  Get read(&wire);
  read(message);
  if (wire.ok() && wire.remaining() != 0) wire.Fail("bytes after the message");
  if (!wire.ok()) return wire.status();
  return message;
}

}  // namespace parley::cluster
