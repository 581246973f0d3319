// Service: the chat domain's entry point for connected devices. It applies the rules of
// sending and reading, hands writes to the MessageWriter, and publishes what they committed as
// typed events (chat/fanout/events.h) to an EventSink: the message to every member, the ack or the
// error to the sending device.
//
// Thread-safety: all methods are thread-safe. Send and MarkCursor never block (they queue);
// the read methods (History, Sync, Conversations) block on the store and must be called from
// worker threads, never from an I/O thread.
// Ownership: the Service borrows everything passed to its constructor; all must outlive it,
// and the writer must be stopped before the Service is destroyed (its callbacks use it).
#ifndef PARLEY_CHAT_SERVICE_H_
#define PARLEY_CHAT_SERVICE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "chat/commands.h"
#include "chat/fanout/event_sink.h"
#include "chat/fanout/peer.h"
#include "chat/messaging/catch_up.h"
#include "chat/messaging/message_writer.h"
#include "store/store.h"

namespace parley::chat {

struct ServiceOptions {
  size_t max_text_bytes = 16 * 1024;  // UTF-8 bytes of one message's text
  size_t max_client_id_bytes = 64;
  int sync_limit = 200;           // messages replayed per conversation on connect
  int catch_up_page = 64;         // messages read from the store at a time while replaying
  int max_history_limit = 200;    // messages per history page
  size_t max_search_bytes = 256;  // bytes of a search query
  int max_search_limit = 50;      // results per search page
  // Where ack latency and message counts are recorded (set by app/, not a config key); null:
  // nowhere.
  metrics::ServerMetrics* metrics = nullptr;
};

struct HistoryQuery {
  std::optional<int64_t> before;  // at most one of before/after
  std::optional<int64_t> after;
  int limit = 50;
};

struct HistoryPage {
  std::vector<store::Message> messages;  // ascending seq
  bool has_more = false;                 // more exist in the direction asked
  bool backwards = true;                 // read from `before` (or the newest) towards older
  // Set when the page reaches the range the retention policy removed (as far as the member
  // could have read it): the client shows a marker there, never a silent gap.
  std::optional<PrunedRange> pruned;
};

class Service {
 public:
  Service(store::Store& store, EventSink& events, MessageWriter& writer, ServiceOptions options);

  const ServiceOptions& options() const { return options_; }

  // Validates and queues a send (or a message operation: edit, delete, react). `origin` (the
  // sending device) gets Acked or RequestFailed carrying the client id; every member is the
  // audience of MessageCommitted, `origin` skipped (not for a reaction that changed nothing,
  // nor for a duplicate).
  void Send(SendCommand command, std::weak_ptr<Peer> origin);

  // Raises a cursor. Every member is the audience of ReceiptMoved (when it moved); `origin`
  // gets RequestFailed (echoing `req`) if it failed.
  void MarkCursor(CursorCommand command, std::weak_ptr<Peer> origin, std::string req);

  Result<HistoryPage> History(int64_t user_id, int64_t conversation_id, const HistoryQuery& query);

  // What a device that just said hello missed (chat/messaging/catch_up.h): the plan, then its pages of
  // at most options().catch_up_page messages.
  // `since`: the hello's sync token, empty when it sent none (catch_up.h).
  Result<CatchUp> PlanCatchUp(int64_t user_id, std::span<const Cursor> cursors,
                              std::string_view since = {});
  Result<std::vector<store::Message>> CatchUpPage(CatchUp& plan);

  Result<std::vector<store::ConversationSummary>> Conversations(int64_t user_id);
  // The same list without last messages and unread counts (left empty and 0): who is in which
  // conversation, for a fraction of the cost.
  Result<std::vector<store::ConversationSummary>> ConversationStates(int64_t user_id);

  // Messages the user can read that match query.text (query.user_id is set to user_id).
  // kInvalidArgument for an empty, oversized or wordless query or a limit out of range,
  // kMalformed for text that is not UTF-8, kNotFound for a conversation the user is not in.
  Result<store::SearchPage> Search(int64_t user_id, store::SearchQuery query);

  // A user's public profile by username (password hash cleared).
  Result<store::User> FindUser(std::string_view username);

 private:
  Status ValidateSend(const SendCommand& command) const;
  Status ValidateOp(const SendCommand& command) const;
  Status ValidateText(const std::string& text) const;

  store::Store& store_;
  EventSink& events_;
  MessageWriter& writer_;
  const ServiceOptions options_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_SERVICE_H_
