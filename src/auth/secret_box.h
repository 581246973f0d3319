// SecretBox: encryption of the secrets the server must keep at rest (TOTP seeds), with
// libsodium's XChaCha20-Poly1305 AEAD under a 32-byte key read from a file named in the config.
//
// Key file: the key in standard base64 on one line, mode 0600. LoadOrCreate makes one (random,
// 0600, never overwriting) when the file is missing; a file that exists but does not hold a
// key is kInvalidArgument naming the file, so the server refuses to start rather than make a
// new key that could not open what the old one sealed.
//
// Sealed format: 0x01 (version) | key id (8 bytes: BLAKE2b of the key) | nonce (24 random
// bytes) | ciphertext with its 16-byte tag. The key id lets Open tell, in its kInternal
// message, "sealed under another key" (the key file was changed or lost) from tampering or
// corruption. `context` is authenticated, not stored: seal a user's secret with the user id
// as context, so a sealed value copied to another row does not open.
// Thread-safe after construction (immutable).
#ifndef PARLEY_AUTH_SECRET_BOX_H_
#define PARLEY_AUTH_SECRET_BOX_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace parley::auth {

class SecretBox {
 public:
  static constexpr size_t kKeyBytes = 32;
  static constexpr size_t kKeyIdBytes = 8;

  // Reads the key file, creating it first if it does not exist.
  static Result<std::unique_ptr<SecretBox>> LoadOrCreate(const std::string& path);
  // From raw key bytes (tests, rotation tools). kInvalidArgument unless 32 bytes.
  static Result<std::unique_ptr<SecretBox>> FromKey(std::string_view key);
  ~SecretBox();
  SecretBox(const SecretBox&) = delete;
  SecretBox& operator=(const SecretBox&) = delete;

  std::string Seal(std::string_view plaintext, std::string_view context) const;
  Result<std::string> Open(std::string_view sealed, std::string_view context) const;
  // A 16-byte keyed BLAKE2b of `message` under a subkey of the key for `context` (capability
  // URLs: chat/media/upload_slots.h), as 32 lowercase hex digits. Another key, context or
  // message gives an unrelated value.
  std::string Mac(std::string_view message, std::string_view context) const;

 private:
  explicit SecretBox(std::string_view key);

  std::array<unsigned char, kKeyBytes> key_{};
  std::array<unsigned char, kKeyIdBytes> key_id_{};
};

}  // namespace parley::auth

#endif  // PARLEY_AUTH_SECRET_BOX_H_
