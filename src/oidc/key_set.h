// KeySet: a provider's public signing keys, parsed from its JWKS document (RFC 7517), and the
// check of a JWS signature against them with OpenSSL's EVP (no hand-written crypto).
//
// Accepted: RSA keys (kty RSA, at least 2048 bits) for RS256, P-256 keys (kty EC, crv P-256)
// for ES256. Keys for other uses ("use": "enc"), types or curves are skipped. A token's "alg"
// must fit the key's type (and the key's own "alg" when it names one); "none" and the HMAC
// algorithms are never accepted.
//
// Thread-safety: immutable after Parse; Verify may run on several threads at once.
#ifndef PARLEY_OIDC_KEY_SET_H_
#define PARLEY_OIDC_KEY_SET_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace parley::oidc {

class KeySet {
 public:
  // kInvalidArgument if `jwks_json` is not a JSON object with a "keys" array (at most 64 keys).
  static Result<std::shared_ptr<const KeySet>> Parse(std::string_view jwks_json);
  ~KeySet();
  KeySet(const KeySet&) = delete;
  KeySet& operator=(const KeySet&) = delete;

  // Checks `signature` over `signing_input` with the key `kid` (an empty kid: the only key
  // that fits `alg`). kNotFound if no key has that kid (the set may be stale); kUnauthenticated
  // for an algorithm that is not accepted or does not fit the key, or a wrong signature.
  Status Verify(std::string_view alg, std::string_view kid, std::string_view signing_input,
                std::string_view signature) const;

  size_t size() const { return keys_.size(); }

 private:
  struct Key {
    std::string kid;
    std::string alg;  // the JWK's "alg": RS256, ES256, or empty (any that fits the type)
    bool is_rsa = false;
    EVP_PKEY* pkey = nullptr;  // owned
  };
  KeySet() = default;
  std::vector<Key> keys_;
};

}  // namespace parley::oidc

#endif  // PARLEY_OIDC_KEY_SET_H_
