// Media rules: who may use a media, and for what. A media belongs to its uploader; only they
// may attach it to a message or make it their avatar. Who may fetch it: the uploader, anyone
// logged in for an avatar, otherwise the members of a conversation holding a message that
// carries it (from their first readable seq on) and those who see a moment that carries it
// (chat/social/moment_rules.h). Everyone else is told kNotFound, so media ids
// reveal nothing.
//
// Stateless functions; the WriteTxn ones run inside a writer task or send, the Store one on a
// worker thread (it blocks).
#ifndef PARLEY_CHAT_MEDIA_MEDIA_RULES_H_
#define PARLEY_CHAT_MEDIA_MEDIA_RULES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/store.h"

namespace parley::chat {

// The media `sender_id` may attach to a message; kNotFound unless they uploaded it.
Result<store::Media> SendableMedia(store::WriteTxn& txn, int64_t sender_id,
                                   std::string_view media_id);

// Makes the media public as `user_id`'s avatar: it must be an image they uploaded (kNotFound,
// kUnsupportedMedia otherwise).
Status UseAsAvatar(store::WriteTxn& txn, int64_t user_id, std::string_view media_id, int64_t now);

// The longest file name an upload may give, in bytes.
inline constexpr size_t kMaxFileNameBytes = 255;

// An uploaded file's name made safe to show and to put in a header: path separators become
// '_', control characters and invalid UTF-8 are dropped, leading dots and spaces are stripped,
// and it is cut to kMaxFileNameBytes (at a character boundary). Never empty ("file" when nothing is
// left). It is never used as a path.
std::string SanitizeFileName(std::string_view name);

// The media if `user_id` may fetch it; kNotFound otherwise.
Result<store::Media> ReadableMedia(store::Store& store, int64_t user_id, std::string_view media_id);

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MEDIA_MEDIA_RULES_H_
