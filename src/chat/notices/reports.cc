#include "chat/notices/reports.h"

#include <string>
#include <utility>

#include "chat/groups/groups.h"

namespace parley::chat {
namespace {

Status NoSuchMessage() { return Status(Code::kNotFound, "no such message"); }
Status NoSuchGroup() { return Status(Code::kNotFound, "no such group"); }

constexpr Resolution kResolutions[] = {Resolution::kDismiss, Resolution::kDeleteMessage,
                                       Resolution::kDisableUser, Resolution::kMakePrivate,
                                       Resolution::kDeleteGroup};

}  // namespace

std::string_view ResolutionName(Resolution resolution) {
  switch (resolution) {
    case Resolution::kDismiss:
      return "dismiss";
    case Resolution::kDeleteMessage:
      return "delete_message";
    case Resolution::kDisableUser:
      return "disable_user";
    case Resolution::kMakePrivate:
      return "make_private";
    case Resolution::kDeleteGroup:
      return "delete_group";
  }
  return "dismiss";
}

std::optional<Resolution> ResolutionNamed(std::string_view name) {
  for (Resolution resolution : kResolutions) {
    if (ResolutionName(resolution) == name) return resolution;
  }
  return std::nullopt;
}

Reports::Reports(store::Store& store, ReportOptions options)
    : store_(store), options_(options), filed_(options.per_user, options.max_tracked_users) {}

void Reports::ShareLimits(SharedBuckets* shared) { filed_.Share(shared, "reports.filed"); }

Result<store::Report> Reports::File(int64_t reporter_id, const ReportRequest& request,
                                    int64_t now) {
  if (request.reason.empty()) return Status(Code::kInvalidArgument, "give a reason");
  if (request.reason.size() > options_.max_reason_bytes) {
    return Status(Code::kTooLarge, "the reason is longer than " +
                                       std::to_string(options_.max_reason_bytes) + " bytes");
  }
  const bool of_message = request.conversation_id != 0 || request.seq != 0;
  const int targets = int(of_message) + int(request.group_id != 0) + int(request.user_id != 0);
  if (targets != 1) {
    return Status(Code::kInvalidArgument, "report one of a message, a group or a user");
  }
  store::Report report;
  report.reporter_id = reporter_id;
  report.reason = request.reason;
  report.created_at = now;
  if (of_message) {
    Status s = OfMessage(reporter_id, request.conversation_id, request.seq, report);
    if (!s.ok()) return s;
  } else if (request.group_id != 0) {
    if (Status s = OfGroup(reporter_id, request.group_id, report); !s.ok()) return s;
    if (report.user_id == reporter_id) {
      return Status(Code::kInvalidArgument, "you cannot report your own group");
    }
  } else {
    auto user = store_.FindUserById(request.user_id);
    if (!user.ok()) return user.status();
    report.user_id = user->id;
  }
  if (report.user_id == reporter_id) {
    return Status(Code::kInvalidArgument, "you cannot report yourself");
  }
  if (!filed_.Allow(std::to_string(reporter_id), now)) {
    return Status(Code::kRateLimited, "too many reports; try again later");
  }
  auto id = store_.AddReport(report);
  if (!id.ok()) return id.status();
  report.id = *id;
  return report;
}

Status Reports::OfMessage(int64_t reporter_id, int64_t conversation_id, int64_t seq,
                          store::Report& report) {
  if (conversation_id <= 0 || seq <= 0) return NoSuchMessage();
  auto member = store_.FindMember(conversation_id, reporter_id);
  if (!member.ok()) return member.status();
  if (!member->has_value() || seq < (*member)->first_seq) return NoSuchMessage();
  auto messages = store_.MessagesAfter(conversation_id, seq - 1, 1);
  if (!messages.ok()) return messages.status();
  if (messages->empty()) return NoSuchMessage();
  store::Message& message = messages->front();
  if (message.seq != seq || message.kind != store::MessageKind::kText || message.deleted) {
    return NoSuchMessage();
  }
  report.user_id = message.sender_id;
  report.conversation_id = conversation_id;
  report.seq = seq;
  report.snapshot.message_kind = "text";  // the only kind reports take
  report.snapshot.message_text = std::move(message.text);
  return Status::Ok();
}

Status Reports::OfGroup(int64_t reporter_id, int64_t group_id, store::Report& report) {
  if (group_id <= 0) return NoSuchGroup();
  auto group = store_.FindGroup(group_id);
  if (!group.ok()) return group.status().code() == Code::kNotFound ? NoSuchGroup() : group.status();
  auto member = store_.FindMember(group_id, reporter_id);
  if (!member.ok()) return member.status();
  if (!member->has_value()) {
    // Outside it, a public group shows as the directory shows it: not to those banned.
    if (!group->is_public) return NoSuchGroup();
    auto bans = store_.GroupBans(group_id);
    if (!bans.ok()) return bans.status();
    for (const store::GroupBan& ban : *bans) {
      if (ban.user_id == reporter_id) return NoSuchGroup();
    }
  }
  auto owner = GroupOwner(store_, group_id);
  if (!owner.ok()) return owner.status();
  report.user_id = *owner;
  report.group_id = group_id;
  report.snapshot.group_name = std::move(group->name);
  report.snapshot.group_topic = std::move(group->topic);
  report.snapshot.group_public = group->is_public;
  report.snapshot.group_members = group->member_count;
  return Status::Ok();
}

}  // namespace parley::chat
