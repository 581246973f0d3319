// The secret key file against the TOTP seeds stored under it (docs/operations.md, "The secret
// key file"): the start-up check and the rotation to a new key.
//
// CheckSecretKey opens one stored seed: a key that does not open it is refused with kInternal
// naming the cause ("made with another key" when the key file was replaced or lost), so
// parleyd stops at start-up rather than failing every two-step sign-in later.
// ResealSecrets opens every stored seed with `old_key` and seals it again with `new_key`
// (`parleyd --rotate-secret-key NEW_FILE`); run it with the server stopped. Seeds that open
// with `new_key` already are skipped, so an interrupted rotation is finished by running it
// again. It stops with kInternal (naming the user id) at a seed that opens with neither key.
// Blocking (store calls); thread-safe as the Store is.
#ifndef PARLEY_ACCOUNT_TWO_FACTOR_KEYS_H_
#define PARLEY_ACCOUNT_TWO_FACTOR_KEYS_H_

#include <cstdint>

#include "auth/secret_box.h"
#include "base/status.h"
#include "store/store.h"

namespace parley::account {

Status CheckSecretKey(store::Store& store, const auth::SecretBox& key);

// How many seeds were resealed.
Result<int64_t> ResealSecrets(store::Store& store, const auth::SecretBox& old_key,
                              const auth::SecretBox& new_key);

}  // namespace parley::account

#endif  // PARLEY_ACCOUNT_TWO_FACTOR_KEYS_H_
