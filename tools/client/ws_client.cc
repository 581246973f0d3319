#include "client/ws_client.h"

#include "client/wire_codes.h"

namespace parley::client {
namespace {

using nlohmann::json;
constexpr const char* kInvalidFrame = "<invalid>";

bool HasStringField(const json& frame, const char* key, std::string_view value) {
  auto it = frame.find(key);
  return it != frame.end() && it->is_string() && it->get_ref<const std::string&>() == value;
}

}  // namespace

WsClient::WsClient() = default;

WsClient::~WsClient() {
  if (connection_) {
    connection_->Detach();
    connection_->Abort();
  }
}

Status WsClient::Connect(const Endpoint& endpoint, std::chrono::milliseconds timeout) {
  if (connection_) return Status(Code::kInvalidArgument, "WsClient::Connect called twice");
  WsConnection::Handlers handlers;
  handlers.on_open = [this] { opened_ = true; };
  handlers.on_frame = [this](std::string_view text) {
    Result<json> frame = ParseFrame(text);
    inbox_.push_back(frame.ok() ? std::move(frame).value()
                                : json{{"type", kInvalidFrame}, {"raw", text}});
  };
  handlers.on_close = [this](const Status& why, int code) {
    closed_ = true;
    close_code_ = code;
    close_status_ = why;
  };
  WsConnection::Options options;
  options.connect_timeout = timeout;
  connection_ = WsConnection::Create(loop_, std::move(handlers), options);
  connection_->Open(endpoint);
  loop_.RunUntil([this] { return opened_ || closed_; }, timeout + std::chrono::seconds(1));
  if (opened_) return Status::Ok();
  if (closed_) return close_status_;
  return Status(Code::kUnavailable, "websocket connect timed out");
}

Result<json> WsClient::Hello(std::string_view token, std::span<const Cursor> cursors,
                             std::chrono::milliseconds timeout, std::string_view since) {
  for (std::string& frame : HelloFrames(token, cursors, kProtocolVersion, false, since)) {
    if (Status sent = SendRaw(std::move(frame), timeout); !sent.ok()) return sent;
  }
  Result<json> reply =
      WaitFor([](const json& f) { return IsType(f, "welcome") || IsType(f, "error"); }, timeout);
  if (!reply.ok()) return reply;
  if (IsType(*reply, "error")) return StatusFromErrorFrame(*reply);
  return reply;
}

Result<SyncResult> WsClient::HelloAndSync(std::string_view token, std::span<const Cursor> cursors,
                                          std::chrono::milliseconds timeout,
                                          std::string_view since) {
  Result<json> welcome = Hello(token, cursors, timeout, since);
  if (!welcome.ok()) return welcome.status();
  SyncResult result;
  result.welcome = std::move(welcome).value();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    Result<json> frame =
        WaitFor([](const json& f) { return IsType(f, "message") || IsType(f, "synced"); },
                std::max(left, std::chrono::milliseconds(0)));
    if (!frame.ok()) return frame.status();
    if (IsType(*frame, "synced")) {
      result.synced = std::move(frame).value();
      return result;
    }
    result.messages.push_back(std::move(frame).value());
  }
}

Status WsClient::SendRaw(std::string text, std::chrono::milliseconds timeout) {
  if (!connection_) return Status(Code::kUnavailable, "not connected");
  if (closed_) return close_status_.ok() ? Status(Code::kUnavailable, "closed") : close_status_;
  if (Status queued = connection_->Send(std::move(text)); !queued.ok()) return queued;
  bool written =
      loop_.RunUntil([this] { return closed_ || connection_->queued_bytes() == 0; }, timeout);
  if (closed_) return Status(Code::kUnavailable, "connection closed while sending");
  if (!written) return Status(Code::kUnavailable, "send timed out");
  return Status::Ok();
}

Result<json> WsClient::SendToUser(int64_t to_user_id, std::string_view text, std::string id,
                                  std::chrono::milliseconds timeout) {
  if (id.empty()) id = NewClientId();
  std::string frame = SendToUserFrame(id, to_user_id, text);
  return SendAndAwaitAck(std::move(id), std::move(frame), timeout);
}

Result<json> WsClient::SendToConversation(int64_t conversation_id, std::string_view text,
                                          std::string id, std::chrono::milliseconds timeout) {
  if (id.empty()) id = NewClientId();
  std::string frame = SendToConversationFrame(id, conversation_id, text);
  return SendAndAwaitAck(std::move(id), std::move(frame), timeout);
}

Result<json> WsClient::SendFields(json fields, std::chrono::milliseconds timeout) {
  fields["type"] = "send";
  if (!fields.contains("id") || !fields["id"].is_string()) fields["id"] = NewClientId();
  std::string id = fields["id"].get<std::string>();
  return SendAndAwaitAck(std::move(id), Serialize(fields), timeout);
}

Result<json> WsClient::SendAndAwaitAck(std::string id, std::string frame,
                                       std::chrono::milliseconds timeout) {
  if (Status sent = SendRaw(std::move(frame), timeout); !sent.ok()) return sent;
  Result<json> reply = WaitFor(
      [&id](const json& f) {
        return (IsType(f, "ack") || IsType(f, "error")) && HasStringField(f, "id", id);
      },
      timeout);
  if (!reply.ok()) return reply;
  if (IsType(*reply, "error")) return StatusFromErrorFrame(*reply);
  return reply;
}

Result<json> WsClient::TakeFrame(size_t index) {
  json frame = std::move(inbox_[index]);
  inbox_.erase(inbox_.begin() + static_cast<std::ptrdiff_t>(index));
  if (IsType(frame, kInvalidFrame)) {
    return Status(Code::kMalformed, "server sent an invalid frame: " + frame["raw"].dump());
  }
  return frame;
}

Result<json> WsClient::Next(std::chrono::milliseconds timeout) {
  return WaitFor([](const json&) { return true; }, timeout);
}

Result<json> WsClient::WaitFor(const Predicate& match, std::chrono::milliseconds timeout) {
  size_t scanned = 0;
  std::optional<size_t> found;
  auto scan = [&] {
    for (; scanned < inbox_.size() && !found; ++scanned) {
      if (IsType(inbox_[scanned], kInvalidFrame) || match(inbox_[scanned])) found = scanned;
    }
    return found.has_value() || closed_;
  };
  if (!scan()) loop_.RunUntil(scan, timeout);
  if (found) return TakeFrame(*found);
  if (closed_) {
    Status why =
        close_status_.ok() ? Status(Code::kUnavailable, "connection closed") : close_status_;
    return why;
  }
  return Status(Code::kUnavailable, "timed out waiting for a frame");
}

Result<json> WsClient::WaitForType(std::string_view type, std::chrono::milliseconds timeout) {
  return WaitFor([type](const json& f) { return IsType(f, type); }, timeout);
}

int WsClient::WaitForClose(std::chrono::milliseconds timeout) {
  loop_.RunUntil([this] { return closed_; }, timeout);
  return closed_ ? close_code_ : 0;
}

void WsClient::Close(int code, std::chrono::milliseconds timeout) {
  if (!connection_ || closed_) return;
  connection_->Close(code);
  if (!loop_.RunUntil([this] { return closed_; }, timeout)) connection_->Abort();
  loop_.RunUntil([this] { return closed_; }, std::chrono::milliseconds(100));
}

}  // namespace parley::client
