#include "chat/reports.h"

#include <string>

namespace parley::chat {
namespace {

Status NoSuchMessage() { return Status(Code::kNotFound, "no such message"); }

constexpr Resolution kResolutions[] = {Resolution::kDismiss, Resolution::kDeleteMessage,
                                       Resolution::kDisableUser};

}  // namespace

std::string_view ResolutionName(Resolution resolution) {
  switch (resolution) {
    case Resolution::kDismiss:
      return "dismiss";
    case Resolution::kDeleteMessage:
      return "delete_message";
    case Resolution::kDisableUser:
      return "disable_user";
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

Result<store::Report> Reports::File(int64_t reporter_id, const ReportRequest& request,
                                    int64_t now) {
  if (request.reason.empty()) return Status(Code::kInvalidArgument, "give a reason");
  if (request.reason.size() > options_.max_reason_bytes) {
    return Status(Code::kTooLarge, "the reason is longer than " +
                                       std::to_string(options_.max_reason_bytes) + " bytes");
  }
  const bool of_message = request.conversation_id != 0 || request.seq != 0;
  if (of_message == (request.user_id != 0)) {
    return Status(Code::kInvalidArgument, "report either a message or a user");
  }
  store::Report report;
  report.reporter_id = reporter_id;
  report.reason = request.reason;
  report.created_at = now;
  if (of_message) {
    auto sender = ReadableSender(reporter_id, request.conversation_id, request.seq);
    if (!sender.ok()) return sender.status();
    report.user_id = *sender;
    report.conversation_id = request.conversation_id;
    report.seq = request.seq;
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

Result<int64_t> Reports::ReadableSender(int64_t reporter_id, int64_t conversation_id, int64_t seq) {
  if (conversation_id <= 0 || seq <= 0) return NoSuchMessage();
  auto member = store_.FindMember(conversation_id, reporter_id);
  if (!member.ok()) return member.status();
  if (!member->has_value() || seq < (*member)->first_seq) return NoSuchMessage();
  auto messages = store_.MessagesAfter(conversation_id, seq - 1, 1);
  if (!messages.ok()) return messages.status();
  if (messages->empty()) return NoSuchMessage();
  const store::Message& message = messages->front();
  if (message.seq != seq || message.kind != store::MessageKind::kText || message.deleted) {
    return NoSuchMessage();
  }
  return message.sender_id;
}

}  // namespace parley::chat
