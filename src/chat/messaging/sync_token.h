// SyncToken: the opaque `since` of `synced` and `hello` (docs/protocol.md, "hello"): the
// store::SyncPoint a device's last sync was read at, bound to the user it was given to. As text
// "1.<epoch>.<user_id>.<version>" (at most kMaxSyncTokenBytes), but clients must not rely on
// that. Decoding never fails loudly: a text that is not a token this code wrote is no token,
// and the device then syncs in full. Pure functions; thread-safe.
#ifndef PARLEY_CHAT_MESSAGING_SYNC_TOKEN_H_
#define PARLEY_CHAT_MESSAGING_SYNC_TOKEN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/types.h"

namespace parley::chat {

inline constexpr size_t kMaxSyncTokenBytes = 128;

struct SyncToken {
  int64_t user_id = 0;
  store::SyncPoint point;
};

std::string EncodeSyncToken(const SyncToken& token);
// nullopt unless `text` is exactly what EncodeSyncToken writes (epoch 1 to 32 lowercase hex
// digits, user id > 0, version >= 0, plain decimal).
std::optional<SyncToken> DecodeSyncToken(std::string_view text);

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MESSAGING_SYNC_TOKEN_H_
