#include "chat/messaging/retention.h"

#include <algorithm>
#include <string>

namespace parley::chat {
namespace {

int64_t Smaller(int64_t a, int64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return std::min(a, b);
}

// Whether the member may set the policy of a conversation of this kind.
bool MaySet(store::ConversationKind kind, store::Role role) {
  switch (kind) {
    case store::ConversationKind::kDirect:
      return true;
    case store::ConversationKind::kGroup:
      return role == store::Role::kOwner || role == store::Role::kAdmin;
    case store::ConversationKind::kSystem:
      return false;
  }
  return false;
}

}  // namespace

store::RetentionPolicy Stricter(const store::RetentionPolicy& a, const store::RetentionPolicy& b) {
  return store::RetentionPolicy{Smaller(a.days, b.days), Smaller(a.max_messages, b.max_messages)};
}

Status ValidatePolicy(const store::RetentionPolicy& policy) {
  if (policy.days < 0 || policy.days > kMaxRetentionDays) {
    return Status(Code::kInvalidArgument, "days must be 0 to " + std::to_string(kMaxRetentionDays));
  }
  if (policy.max_messages < 0 || policy.max_messages > kMaxRetentionMessages) {
    return Status(Code::kInvalidArgument,
                  "max_messages must be 0 to " + std::to_string(kMaxRetentionMessages));
  }
  return Status::Ok();
}

Retention::Retention(store::Store& store, MessageWriter& writer, RetentionOptions options)
    : store_(store), writer_(writer), options_(options) {}

Result<RetentionView> Retention::Get(int64_t user_id, int64_t conversation_id) {
  auto member = store_.FindMember(conversation_id, user_id);
  if (!member.ok()) return member.status();
  if (!member->has_value()) return Status(Code::kNotFound, "no such conversation");
  auto state = store_.FindRetention(conversation_id);
  if (!state.ok()) return state.status();
  RetentionView view;
  view.conversation = state->policy;
  view.effective = Stricter(options_.server, state->policy);
  view.media_days = options_.media_days;
  view.pruned_through = state->pruned_through;
  view.can_change = MaySet(state->kind, (*member)->role);
  return view;
}

Status Retention::Set(int64_t user_id, int64_t conversation_id,
                      const store::RetentionPolicy& policy) {
  if (Status s = ValidatePolicy(policy); !s.ok()) return s;
  // The role check and the write run in one writer transaction, so a demotion cannot slip
  // between them.
  return writer_.Run([&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto kind = txn.KindOf(conversation_id);
    if (!kind.ok()) return kind.status();
    auto members = txn.Members(conversation_id);
    if (!members.ok()) return members.status();
    const auto self =
        std::find_if(members->begin(), members->end(),
                     [user_id](const store::Member& m) { return m.user_id == user_id; });
    if (self == members->end()) return Status(Code::kNotFound, "no such conversation");
    if (!MaySet(*kind, self->role)) {
      return Status(Code::kForbidden, *kind == store::ConversationKind::kSystem
                                          ? "a system conversation follows the server's retention"
                                          : "only the group's owner and admins may change this");
    }
    return txn.SetRetention(conversation_id, policy);
  });
}

}  // namespace parley::chat
