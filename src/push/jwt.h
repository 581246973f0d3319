// Jwt: the signed tokens FCM and APNs authenticate with. A compact JWS (RFC 7515) over a JSON
// header and claims, signed RS256 (RSASSA-PKCS1-v1_5 with SHA-256, FCM's service-account
// assertion) or ES256 (APNs provider tokens), and the private keys they are signed with, read
// from PEM (a service account's "private_key", an APNs .p8 file). OpenSSL underneath.
//
// Thread-safety: a SigningKey is immutable after loading and may sign from several threads.
#ifndef PARLEY_PUSH_JWT_H_
#define PARLEY_PUSH_JWT_H_

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace parley::push {

class SigningKey {
 public:
  enum class Algorithm { kRs256, kEs256 };
  // A PEM private key (PKCS#8 "BEGIN PRIVATE KEY" or the traditional forms). kInvalidArgument
  // if it is not PEM, or not an RSA key (of at least 2048 bits) for kRs256, or not a P-256
  // key for kEs256. `what` names the key in errors ("the FCM service account's private_key").
  static Result<std::unique_ptr<SigningKey>> FromPem(std::string_view pem, Algorithm algorithm,
                                                     std::string_view what);
  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  // base64url(header) "." base64url(claims) "." base64url(signature); `header` gets "alg"
  // and "typ" added. Both must be JSON objects (text, as nlohmann::json dumps it).
  Result<std::string> Sign(std::string_view header_json, std::string_view claims_json) const;

 private:
  SigningKey(EVP_PKEY* key, Algorithm algorithm) : key_(key), algorithm_(algorithm) {}
  EVP_PKEY* key_;  // owned
  const Algorithm algorithm_;
};

// The contents of a file named in the configuration, at most `max_bytes`. kInvalidArgument
// naming `what` when it cannot be read or is larger.
Result<std::string> ReadCredentialFile(const std::string& path, size_t max_bytes,
                                       std::string_view what);

}  // namespace parley::push

#endif  // PARLEY_PUSH_JWT_H_
