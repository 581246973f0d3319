// Payload: what a notification shows and the JSON every provider carries (docs/protocol.md,
// "Push notifications"). Privacy is applied here, once, when a job is queued: with preview
// `sender` the text never reaches the outbox, with `none` neither does the sender.
//
// Pure functions; thread-safe.
#ifndef PARLEY_PUSH_PAYLOAD_H_
#define PARLEY_PUSH_PAYLOAD_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "push/notification.h"
#include "push/push_store.h"

namespace parley::push {

// The longest preview text, in bytes (cut at a UTF-8 character boundary).
inline constexpr size_t kMaxPreviewBytes = 200;

// The stricter of the server's and the user's preview levels.
inline Preview Stricter(Preview a, Preview b) { return a > b ? a : b; }

// The job a notification becomes at preview level `preview`; `sender_name` is the sender's
// display name (or username), `group_name` the group's name ("" for a direct conversation).
// The group's name shows only where the sender's does (preview full or sender): a group
// message's title is "Sender · Group", being added says "added you to Group".
Job MakeJob(const Notification& notification, Preview preview, std::string_view sender_name,
            std::string_view group_name = {});

// The JSON object sent for a job: {"v":1,"kind":...,"conversation_id":...,"seq":...,
// "count":...,"sender_id":...,"title":...,"body":...}, title and body never empty.
std::string PayloadJson(const Job& job);

// `text` cut to at most `max_bytes` without splitting a UTF-8 character.
std::string CutUtf8(std::string_view text, size_t max_bytes);

}  // namespace parley::push

#endif  // PARLEY_PUSH_PAYLOAD_H_
