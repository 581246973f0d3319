#include "chat/service.h"

#include <algorithm>
#include <chrono>

#include "base/utf8.h"
#include "chat/messaging/message_rules.h"
#include "chat/messaging/search_indexer.h"

namespace parley::chat {

Service::Service(store::Store& store, EventSink& events, MessageWriter& writer,
                 ServiceOptions options)
    : store_(store), events_(events), writer_(writer), options_(options) {}

Status Service::ValidateSend(const SendCommand& command) const {
  if (command.client_id.empty() || command.client_id.size() > options_.max_client_id_bytes) {
    return Status(Code::kInvalidArgument, "id must be 1 to 64 bytes");
  }
  if (command.kind != store::MessageKind::kText) return ValidateOp(command);
  if ((command.to_user_id != 0) == (command.conversation_id != 0)) {
    return Status(Code::kInvalidArgument, "give exactly one of to and conversation_id");
  }
  if (command.to_user_id == command.sender_id) {
    return Status(Code::kInvalidArgument, "cannot send a direct message to oneself");
  }
  if (command.reply_to < 0) return Status(Code::kInvalidArgument, "reply_to must be a seq");
  if (command.sticker != 0) {  // the writer checks the sender may use it
    if (command.sticker < 0 || !command.text.empty() || !command.media.empty()) {
      return Status(Code::kInvalidArgument, "a sticker is sent without text or media");
    }
    return Status::Ok();
  }
  if (command.text.empty() && !command.media.empty()) return Status::Ok();  // no caption
  return ValidateText(command.text);
}

Status Service::ValidateText(const std::string& text) const {
  if (text.empty()) return Status(Code::kInvalidArgument, "text is empty");
  if (text.size() > options_.max_text_bytes) {
    return Status(Code::kTooLarge,
                  "text is longer than " + std::to_string(options_.max_text_bytes) + " bytes");
  }
  return Status::Ok();
}

// An edit, delete or react: it names a message of a conversation; its own rules (ownership,
// tombstones) are the writer's.
Status Service::ValidateOp(const SendCommand& command) const {
  if (command.conversation_id <= 0 || command.to_user_id != 0) {
    return Status(Code::kInvalidArgument, "conversation_id is required");
  }
  if (command.target <= 0) return Status(Code::kInvalidArgument, "seq must be at least 1");
  switch (command.kind) {
    case store::MessageKind::kEdit:
      return ValidateText(command.text);
    case store::MessageKind::kReaction:
      if (!IsReactionEmoji(command.text)) {
        return Status(Code::kInvalidArgument, "emoji must be a single emoji of at most 32 bytes");
      }
      return Status::Ok();
    case store::MessageKind::kDelete:
      return Status::Ok();
    default:
      return Status(Code::kInvalidArgument, "not a message operation");
  }
}

void Service::Send(SendCommand command, std::weak_ptr<Peer> origin) {
  if (Status valid = ValidateSend(command); !valid.ok()) {
    events_.Reply(origin, events::RequestFailed{valid, command.client_id, ""});
    return;
  }
  std::string client_id = command.client_id;
  auto done = [this, origin, client_id,
               taken = std::chrono::steady_clock::now()](Result<SendOutcome> outcome) {
    if (!outcome.ok()) {
      events_.Reply(origin, events::RequestFailed{outcome.status(), client_id, ""});
      return;
    }
    events_.Reply(origin, events::Acked{outcome->message, outcome->duplicate, outcome->changed});
    metrics::ServerMetrics* metrics = options_.metrics;
    if (metrics != nullptr) {
      const std::chrono::duration<double> latency = std::chrono::steady_clock::now() - taken;
      metrics->ack_latency.Observe(latency.count());
    }
    if (outcome->duplicate || !outcome->changed) return;
    auto peer = origin.lock();
    const int64_t sender_id = outcome->message.sender_id;
    ReachHandler count;
    if (metrics != nullptr) {
      metrics->messages_received.Add();
      count = [metrics, sender_id](const Reach& reach) {
        metrics->messages_delivered.Add(static_cast<uint64_t>(
            std::count_if(reach.reached.begin(), reach.reached.end(),
                          [sender_id](int64_t user) { return user != sender_id; })));
      };
    }
    events_.Publish(Audience{*outcome->member_ids, peer.get()},
                    events::MessageCommitted{std::move(outcome->message), outcome->direct_recipient_id}, std::move(count));
  };
  Status queued = writer_.Submit(std::move(command), std::move(done));
  if (!queued.ok()) events_.Reply(origin, events::RequestFailed{queued, client_id, ""});
}

void Service::MarkCursor(CursorCommand command, std::weak_ptr<Peer> origin, std::string req) {
  if (command.seq < 0) {
    events_.Reply(
        origin, events::RequestFailed{Status(Code::kInvalidArgument, "seq must be >= 0"), "", req});
    return;
  }
  auto done = [this, origin, req](Result<CursorOutcome> outcome) {
    if (!outcome.ok()) {
      events_.Reply(origin, events::RequestFailed{outcome.status(), "", req});
      return;
    }
    if (!outcome->moved) return;  // receipts announce movement only
    events_.Publish(Audience{*outcome->member_ids},
                    events::ReceiptMoved{outcome->conversation_id, outcome->member});
  };
  Status queued = writer_.Submit(std::move(command), std::move(done));
  if (!queued.ok()) events_.Reply(origin, events::RequestFailed{queued, "", req});
}

Result<HistoryPage> Service::History(int64_t user_id, int64_t conversation_id,
                                     const HistoryQuery& query) {
  if (query.before && query.after) {
    return Status(Code::kInvalidArgument, "give at most one of before and after");
  }
  if (query.limit < 1 || query.limit > options_.max_history_limit) {
    return Status(Code::kInvalidArgument,
                  "limit must be 1 to " + std::to_string(options_.max_history_limit));
  }
  auto member = store_.FindMember(conversation_id, user_id);
  if (!member.ok()) return member.status();
  if (!member->has_value()) return Status(Code::kNotFound, "no such conversation");
  // A member who joined late reads from their join on, never what came before.
  const int64_t floor = (*member)->first_seq - 1;

  // One more than asked tells whether more exist in that direction.
  const int fetch = query.limit + 1;
  auto messages =
      query.after ? store_.MessagesAfter(conversation_id, std::max(*query.after, floor), fetch)
                  : store_.MessagesBefore(conversation_id, query.before.value_or(INT64_MAX), fetch);
  if (!messages.ok()) return messages.status();
  HistoryPage page;
  page.messages = std::move(*messages);
  page.backwards = !query.after;
  if (!query.after) {
    std::erase_if(page.messages, [floor](const store::Message& m) { return m.seq <= floor; });
  }
  page.has_more = page.messages.size() > static_cast<size_t>(query.limit);
  if (page.has_more) {
    if (query.after) {
      page.messages.pop_back();  // ascending: the extra one is the newest
    } else {
      page.messages.erase(page.messages.begin());  // the extra one is the oldest
    }
  }
  // Read after the messages: the pruner may have moved on since, so the range is cut to what
  // the page holds.
  auto retention = store_.FindRetention(conversation_id);
  if (!retention.ok()) return retention.status();
  int64_t through = retention->pruned_through;
  if (!page.messages.empty()) through = std::min(through, page.messages.front().seq - 1);
  // Forwards, the range starts after what the caller has (as in catch-up).
  const int64_t from = (query.after ? std::max(*query.after, floor) : floor) + 1;
  const bool reaches = query.after ? from <= through : !page.has_more;
  if (reaches && through >= from) page.pruned = PrunedRange{from, through};
  return page;
}

Result<CatchUp> Service::PlanCatchUp(int64_t user_id, std::span<const Cursor> cursors,
                                     std::string_view since) {
  return CatchUp::Plan(store_, user_id, cursors, since, options_.sync_limit);
}

Result<std::vector<store::Message>> Service::CatchUpPage(CatchUp& plan) {
  return plan.NextPage(store_, options_.catch_up_page);
}

Result<std::vector<store::ConversationSummary>> Service::Conversations(int64_t user_id) {
  return store_.ListConversations(user_id);
}

Result<std::vector<store::ConversationSummary>> Service::ConversationStates(int64_t user_id) {
  return store_.ListConversationStates(user_id);
}

Result<store::SearchPage> Service::Search(int64_t user_id, store::SearchQuery query) {
  if (query.text.empty() || query.text.size() > options_.max_search_bytes) {
    return Status(Code::kInvalidArgument,
                  "q must be 1 to " + std::to_string(options_.max_search_bytes) + " bytes");
  }
  if (!IsValidUtf8(query.text)) return Status(Code::kMalformed, "q is not valid UTF-8");
  if (query.limit < 1 || query.limit > options_.max_search_limit) {
    return Status(Code::kInvalidArgument,
                  "limit must be 1 to " + std::to_string(options_.max_search_limit));
  }
  if (query.conversation_id != 0) {
    auto member = store_.FindMember(query.conversation_id, user_id);
    if (!member.ok()) return member.status();
    if (!member->has_value()) return Status(Code::kNotFound, "no such conversation");
  }
  query.user_id = user_id;
  if (Status indexed = IndexQueuedMessages(store_); !indexed.ok()) return indexed;
  return store_.SearchMessages(query);
}

Result<store::User> Service::FindUser(std::string_view username) {
  auto user = store_.FindUserByName(username);
  if (!user.ok()) {
    if (user.status().code() == Code::kNotFound) return Status(Code::kNotFound, "no such user");
    return user.status();
  }
  user->password_hash.clear();
  return user;
}

}  // namespace parley::chat
