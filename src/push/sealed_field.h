// Sealed fields: how push.db and the VAPID key file keep secrets at rest, sealed by the
// server's SecretBox (auth/secret_box.h, docs/operations.md "The secret key file").
//
// A sealed field is text: kSealedPrefix, then the SecretBox output in base64url. The prefix
// tells sealed values from the clear ones written by servers before sealing existed, which
// are upgraded when found (PushStore::Open, VapidKey::LoadOrCreate). An empty value stays
// empty: there is nothing to hide, and it keeps "no secret" (a webhook's Web Push keys, a
// Web Push target's signing secret) visible as such.
// Pure functions; thread-safe.
#ifndef PARLEY_PUSH_SEALED_FIELD_H_
#define PARLEY_PUSH_SEALED_FIELD_H_

#include <string>
#include <string_view>

#include "auth/secret_box.h"
#include "base/status.h"

namespace parley::push {

inline constexpr std::string_view kSealedPrefix = "parley-sealed:";

bool IsSealedField(std::string_view stored);
std::string SealField(const auth::SecretBox& box, std::string_view value, std::string_view context);
// kInternal for a clear (unsealed) non-empty value, bad base64url, or what SecretBox::Open
// refuses (its message says whether another key sealed it).
Result<std::string> OpenField(const auth::SecretBox& box, std::string_view stored,
                              std::string_view context);

}  // namespace parley::push

#endif  // PARLEY_PUSH_SEALED_FIELD_H_
