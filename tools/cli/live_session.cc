#include "tools/cli/live_session.h"

#include <algorithm>
#include <iostream>
#include <thread>

#include "client/frames.h"
#include "client/wire_codes.h"

namespace parley::cli {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kFramePollInterval{100};
constexpr int kMaxGapPages = 10;  // at most 2000 missed messages are printed per gap
constexpr int kMaxBackoffSeconds = 30;

int64_t IntField(const json& object, const char* key) { return object.value(key, int64_t{0}); }

}  // namespace

LiveSession::LiveSession(const CliContext& context, std::unique_ptr<client::HttpApi> api,
                         std::optional<client::User> peer, bool chat,
                         std::optional<int64_t> conversation)
    : context_(context), api_(std::move(api)), peer_(std::move(peer)), chat_(chat) {
  cursors_ = LoadCursors(context_);
  if (conversation) {
    peer_conversation_ = *conversation;
    wanted_[*conversation] = true;
    fixed_conversation_ = true;
  }
  if (peer_) names_.Add(peer_->id, peer_->username);
}

int LiveSession::Run() {
  if (chat_) input_ = std::make_unique<LineReader>();
  int backoff_seconds = 1;
  for (;;) {
    Status connected = Connect();
    if (connected.ok()) {
      backoff_seconds = 1;
      Outcome outcome = Pump();
      if (outcome == Outcome::kFinished) return kExitOk;
      connected = ws_->close_status();
    }
    if (connected.code() == Code::kUnauthenticated ||
        connected.code() == Code::kUnsupportedVersion) {
      return Fail(connected, "connect");
    }
    std::cerr << "parley: disconnected (" << client::FormatStatus(connected)
              << "); reconnecting in " << backoff_seconds << "s\n";
    std::this_thread::sleep_for(std::chrono::seconds(backoff_seconds));
    backoff_seconds = std::min(backoff_seconds * 2, kMaxBackoffSeconds);
  }
}

Status LiveSession::Connect() {
  ws_ = std::make_unique<client::WsClient>();
  synced_ = false;
  if (Status status = ws_->Connect(context_.endpoint); !status.ok()) return status;
  std::vector<client::Cursor> cursors = ToCursorList(cursors_);
  Result<json> welcome = ws_->Hello(api_->token(), cursors, std::chrono::seconds(10), since_);
  if (!welcome.ok()) return welcome.status();
  self_id_ = IntField((*welcome)["user"], "id");
  names_.Add(self_id_, (*welcome)["user"].value("username", std::string("me")));
  return Status::Ok();
}

LiveSession::Outcome LiveSession::Pump() {
  for (;;) {
    Result<json> frame = ws_->Next(kFramePollInterval);
    if (frame.ok()) {
      OnFrame(*frame);
    } else if (ws_->closed()) {
      return Outcome::kDisconnected;
    } else if (frame.status().code() == Code::kMalformed) {
      std::cerr << "parley: " << client::FormatStatus(frame.status()) << "\n";
    }
    if (!chat_ || !synced_) continue;
    while (std::optional<std::string> line = input_->Poll()) {
      if (!line->empty()) SendLine(*line);
    }
    if (input_->at_end() && pending_sends_.empty()) {
      ws_->Close();
      return Outcome::kFinished;
    }
  }
}

void LiveSession::OnFrame(const json& frame) {
  if (client::IsType(frame, "message")) {
    OnMessage(frame);
  } else if (client::IsType(frame, "synced")) {
    OnSynced(frame);
  } else if (client::IsType(frame, "ack")) {
    OnAck(frame);
  } else if (client::IsType(frame, "error")) {
    Status error = client::StatusFromErrorFrame(frame);
    std::cerr << "parley: server error: " << client::FormatStatus(error) << "\n";
    if (frame.contains("id") && frame["id"].is_string()) {
      pending_sends_.erase(frame["id"].get<std::string>());  // a rejected send is not retried
    }
  }
  // receipt, pong and frames of later protocol revisions need no action here.
}

void LiveSession::OnMessage(const json& message) {
  int64_t conversation = IntField(message, "conversation_id");
  int64_t seq = IntField(message, "seq");
  if (!Wanted(conversation)) return;
  if (seq > cursors_[conversation] + 1) FillGap(conversation);
  Show(message);
  if (synced_) MarkRead();
}

void LiveSession::OnSynced(const json& synced) {
  synced_ = true;
  // A reconnect of this run asks only for what changed since (the cursors cover the rest).
  since_ = synced.value("since", std::string());
  for (const json& removed : synced.value("removed", json::array())) {
    if (removed.is_number_integer()) cursors_.erase(removed.get<int64_t>());
  }
  for (const json& entry : synced.value("conversations", json::array())) {
    int64_t conversation = IntField(entry, "conversation_id");
    if (!Wanted(conversation)) continue;
    if (IntField(entry, "last_seq") > cursors_[conversation]) FillGap(conversation);
  }
  MarkRead();
  if (chat_) SendPending();
}

void LiveSession::OnAck(const json& ack) {
  auto it = pending_sends_.find(ack.value("id", std::string()));
  if (it == pending_sends_.end()) return;
  int64_t conversation = IntField(ack, "conversation_id");
  peer_conversation_ = conversation;
  wanted_[conversation] = true;
  json message = {{"conversation_id", conversation},
                  {"seq", IntField(ack, "seq")},
                  {"sender_id", self_id_},
                  {"id", it->first},
                  {"text", it->second},
                  {"created_at", IntField(ack, "created_at")}};
  pending_sends_.erase(it);
  OnMessage(message);
}

// Prints what this device is missing in `conversation`, from HTTP history after its cursor.
void LiveSession::FillGap(int64_t conversation) {
  for (int page = 0; page < kMaxGapPages; ++page) {
    client::HistoryPage query{std::nullopt, cursors_[conversation], 200};
    Result<json> history = api_->History(conversation, query);
    if (!history.ok()) {
      std::cerr << "parley: cannot fetch missed messages: "
                << client::FormatStatus(history.status()) << "\n";
      return;
    }
    const json& messages = (*history)["messages"];
    for (const json& message : messages) Show(message);
    if (messages.empty() || !history->value("has_more", false)) return;
  }
}

void LiveSession::Show(const json& message) {
  int64_t conversation = IntField(message, "conversation_id");
  int64_t seq = IntField(message, "seq");
  if (seq <= cursors_[conversation]) return;  // seen already: display exactly once
  std::cout << FormatMessage(message, names_) << std::endl;
  cursors_[conversation] = seq;
  unread_marks_.insert(conversation);
}

void LiveSession::MarkRead() {
  if (unread_marks_.empty()) return;
  for (int64_t conversation : unread_marks_) {
    Status sent = ws_->SendRaw(client::ReadFrame(conversation, cursors_[conversation]));
    if (!sent.ok()) break;  // the reconnect sends the cursors again
  }
  unread_marks_.clear();
  SaveCursors(context_, cursors_);
}

bool LiveSession::Wanted(int64_t conversation) {
  if (!peer_ && !fixed_conversation_) return true;
  auto it = wanted_.find(conversation);
  if (it != wanted_.end()) return it->second;
  if (fixed_conversation_) return wanted_[conversation] = false;
  // A conversation not seen before: is it the direct one with peer_?
  Result<std::optional<int64_t>> direct = FindDirectConversation(*api_, peer_->id);
  if (!direct.ok()) return false;  // not remembered: asked again next time
  if (direct->has_value()) {
    peer_conversation_ = **direct;
    wanted_[**direct] = true;
  }
  return wanted_[conversation] = (direct->has_value() && **direct == conversation);
}

void LiveSession::SendLine(const std::string& text) {
  std::string id = client::NewClientId("cli-");
  pending_sends_[id] = text;
  std::string frame = peer_conversation_
                          ? client::SendToConversationFrame(id, *peer_conversation_, text)
                          : client::SendToUserFrame(id, peer_->id, text);
  ws_->SendRaw(std::move(frame));  // on failure the reconnect resends it
}

// After a reconnect: unacknowledged sends go again under their ids (the server deduplicates).
void LiveSession::SendPending() {
  for (const auto& [id, text] : pending_sends_) {
    std::string frame = peer_conversation_
                            ? client::SendToConversationFrame(id, *peer_conversation_, text)
                            : client::SendToUserFrame(id, peer_->id, text);
    ws_->SendRaw(std::move(frame));
  }
}

}  // namespace parley::cli
