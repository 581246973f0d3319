// The cryptography of Web Push: payload encryption (RFC 8291, "aes128gcm" content coding of
// RFC 8188) and the server's VAPID identity (RFC 8292: an ES256-signed JWT plus the P-256 public
// key the browser subscribed with). OpenSSL underneath; errors are Status values.
//
// Thread-safety: the free functions are thread-safe. A VapidKey is immutable after creation and
// may sign from several threads at once.
#ifndef PARLEY_PUSH_WEB_PUSH_CRYPTO_H_
#define PARLEY_PUSH_WEB_PUSH_CRYPTO_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "auth/secret_box.h"
#include "base/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace parley::push {

// The largest plaintext whose encrypted body fits the 4096 bytes push services accept: 4096 less
// the header (86: salt, record size, key id length, key id), the delimiter (1) and the tag (16).
inline constexpr size_t kMaxWebPushPlaintext = 4096 - 86 - 1 - 16;

// Encrypts `plaintext` for a subscription: `ua_public` is its p256dh key (65 bytes, an
// uncompressed P-256 point), `auth_secret` its 16-byte auth secret. Returns the whole body:
// header (salt, record size, the server's ephemeral public key) and one record.
// kInvalidArgument for bad keys or a plaintext over kMaxWebPushPlaintext.
Result<std::string> EncryptWebPush(std::string_view plaintext, std::string_view ua_public,
                                   std::string_view auth_secret);

// The same with a given salt (16 bytes) and ephemeral private key (32 bytes), for the test
// vector of RFC 8291 Appendix A. Never use fixed values outside tests.
Result<std::string> EncryptWebPushWith(std::string_view plaintext, std::string_view ua_public,
                                       std::string_view auth_secret, std::string_view salt,
                                       std::string_view as_private);

// HMAC-SHA256 (the webhook signature and HKDF both use it).
std::string HmacSha256(std::string_view key, std::string_view data);

// The server's VAPID key pair (P-256).
class VapidKey {
 public:
  // Reads the private key at `path`, or generates one and writes it there (mode 0600, written
  // to a temporary file, fsynced and renamed, so a crash never leaves half a key). The file
  // holds the PEM sealed by `box` (push/sealed_field.h); a clear PEM file (servers from before
  // sealing, or an operator's own key) is read and rewritten sealed. kInternal naming the
  // file when `box` does not open it (another key file) or it holds no EC private key.
  static Result<std::unique_ptr<VapidKey>> LoadOrCreate(const std::string& path,
                                                        const auth::SecretBox& box);
  // Seals the key file at `path` again under `new_key` (parleyd --rotate-secret-key): whether
  // it was resealed (false: no such file, or `new_key` opens it already).
  static Result<bool> ResealFile(const std::string& path, const auth::SecretBox& old_key,
                                 const auth::SecretBox& new_key);
  static Result<std::unique_ptr<VapidKey>> Generate();
  ~VapidKey();
  VapidKey(const VapidKey&) = delete;
  VapidKey& operator=(const VapidKey&) = delete;

  // The public key as 65 raw bytes, and as the base64url text browsers take as
  // applicationServerKey and push services as the `k` parameter.
  const std::string& public_key() const { return public_raw_; }
  std::string public_key_base64url() const;

  // A compact JWS (ES256) with claims {"aud": audience, "exp": expires_at_s, "sub": subject}.
  Result<std::string> SignJwt(std::string_view audience, std::string_view subject,
                              int64_t expires_at_s) const;
  // The Authorization header value: "vapid t=<jwt>, k=<public key>".
  Result<std::string> AuthorizationHeader(std::string_view audience, std::string_view subject,
                                          int64_t expires_at_s) const;

 private:
  explicit VapidKey(EVP_PKEY* key);
  EVP_PKEY* key_;  // owned
  std::string public_raw_;
};

// ES256 over `data` with `key` (a P-256 private key): the 64-byte R || S a JWS carries.
Result<std::string> SignEs256(EVP_PKEY* key, std::string_view data);

}  // namespace parley::push

#endif  // PARLEY_PUSH_WEB_PUSH_CRYPTO_H_
