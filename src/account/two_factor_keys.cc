#include "account/two_factor_keys.h"

#include <string>
#include <vector>

#include "account/two_factor_service.h"

namespace parley::account {
namespace {

constexpr int kPage = 500;

}  // namespace

Status CheckSecretKey(store::Store& store, const auth::SecretBox& key) {
  auto first = store.TotpUserIdsAfter(0, 1);
  if (!first.ok()) return first.status();
  if (first->empty()) return Status::Ok();
  auto secret = store.FindTotp(first->front());
  if (!secret.ok()) return secret.status();
  if (!secret->has_value()) return Status::Ok();  // turned off meanwhile
  auto opened = key.Open((*secret)->sealed_seed, TotpSealContext((*secret)->user_id));
  if (!opened.ok()) {
    return Status(Code::kInternal,
                  "the secret key file does not open the stored two-step "
                  "sign-in seeds: " +
                      opened.status().message());
  }
  return Status::Ok();
}

Result<int64_t> ResealSecrets(store::Store& store, const auth::SecretBox& old_key,
                              const auth::SecretBox& new_key) {
  int64_t resealed = 0;
  int64_t after = 0;
  for (;;) {
    auto ids = store.TotpUserIdsAfter(after, kPage);
    if (!ids.ok()) return ids.status();
    if (ids->empty()) return resealed;
    for (int64_t user_id : *ids) {
      after = user_id;
      auto secret = store.FindTotp(user_id);
      if (!secret.ok()) return secret.status();
      if (!secret->has_value()) continue;
      const std::string context = TotpSealContext(user_id);
      if (new_key.Open((*secret)->sealed_seed, context).ok()) continue;  // moved already
      auto seed = old_key.Open((*secret)->sealed_seed, context);
      if (!seed.ok()) {
        return Status(Code::kInternal,
                      "user " + std::to_string(user_id) + "'s seed: " + seed.status().message());
      }
      if (Status s = store.ResealTotp(user_id, new_key.Seal(*seed, context)); !s.ok()) return s;
      ++resealed;
    }
  }
}

}  // namespace parley::account
