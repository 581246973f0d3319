#include "auth/secret_box.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/sodium_init.h"

namespace parley::auth {
namespace {

constexpr unsigned char kVersion = 1;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kHeaderBytes = 1 + SecretBox::kKeyIdBytes + kNonceBytes;
constexpr int kBase64 = sodium_base64_VARIANT_ORIGINAL;

Status FileError(const std::string& path, std::string_view what) {
  return Status(Code::kInvalidArgument, "secret key file " + path + ": " + std::string(what));
}

// Writes a new random key to `path` (which must not exist), mode 0600.
Status CreateKeyFile(const std::string& path) {
  unsigned char key[SecretBox::kKeyBytes];
  randombytes_buf(key, sizeof(key));
  char encoded[sodium_base64_ENCODED_LEN(SecretBox::kKeyBytes, kBase64)];
  sodium_bin2base64(encoded, sizeof(encoded), key, sizeof(key), kBase64);
  sodium_memzero(key, sizeof(key));
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return FileError(path, std::strerror(errno));
  std::string line = std::string(encoded) + "\n";
  sodium_memzero(encoded, sizeof(encoded));
  const bool written =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && fsync(fd) == 0;
  sodium_memzero(line.data(), line.size());
  close(fd);
  return written ? Status::Ok() : FileError(path, "cannot write");
}

}  // namespace

Result<std::unique_ptr<SecretBox>> SecretBox::LoadOrCreate(const std::string& path) {
  internal::EnsureSodium();
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    if (errno != ENOENT) return FileError(path, std::strerror(errno));
    if (Status s = CreateKeyFile(path); !s.ok()) return s;
  }
  std::ifstream in(path);
  if (!in) return FileError(path, "cannot read");
  std::string text;
  std::getline(in, text);
  unsigned char key[kKeyBytes];
  size_t key_size = 0;
  const bool decoded = sodium_base642bin(key, sizeof(key), text.data(), text.size(), " \r\t",
                                         &key_size, nullptr, kBase64) == 0;
  sodium_memzero(text.data(), text.size());
  if (!decoded || key_size != kKeyBytes) {
    sodium_memzero(key, sizeof(key));
    return FileError(path, "expected a 32-byte key in base64 on the first line");
  }
  auto box = std::unique_ptr<SecretBox>(
      new SecretBox(std::string_view(reinterpret_cast<const char*>(key), kKeyBytes)));
  sodium_memzero(key, sizeof(key));
  return box;
}

Result<std::unique_ptr<SecretBox>> SecretBox::FromKey(std::string_view key) {
  internal::EnsureSodium();
  if (key.size() != kKeyBytes) return Status(Code::kInvalidArgument, "a key is 32 bytes");
  return std::unique_ptr<SecretBox>(new SecretBox(key));
}

SecretBox::SecretBox(std::string_view key) {
  std::memcpy(key_.data(), key.data(), kKeyBytes);
  crypto_generichash(key_id_.data(), key_id_.size(), key_.data(), key_.size(), nullptr, 0);
}

SecretBox::~SecretBox() { sodium_memzero(key_.data(), key_.size()); }

// The context (which holds no NUL) and a NUL come first, so no two (context, message) pairs
// hash the same bytes.
std::string SecretBox::Mac(std::string_view message, std::string_view context) const {
  constexpr size_t kMacBytes = 16;
  crypto_generichash_state state;
  crypto_generichash_init(&state, key_.data(), key_.size(), kMacBytes);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(context.data()),
                            context.size());
  const unsigned char separator = 0;
  crypto_generichash_update(&state, &separator, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                            message.size());
  unsigned char mac[kMacBytes];
  crypto_generichash_final(&state, mac, kMacBytes);
  char hex[2 * kMacBytes + 1];
  sodium_bin2hex(hex, sizeof hex, mac, kMacBytes);
  return std::string(hex, 2 * kMacBytes);
}

std::string SecretBox::Seal(std::string_view plaintext, std::string_view context) const {
  std::string sealed(kHeaderBytes + plaintext.size() + kTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  out[0] = kVersion;
  std::memcpy(out + 1, key_id_.data(), kKeyIdBytes);
  unsigned char* nonce = out + 1 + kKeyIdBytes;
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out + kHeaderBytes, &written, reinterpret_cast<const unsigned char*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const unsigned char*>(context.data()), context.size(),
      nullptr, nonce, key_.data());
  return sealed;
}

Result<std::string> SecretBox::Open(std::string_view sealed, std::string_view context) const {
  if (sealed.size() < kHeaderBytes + kTagBytes ||
      static_cast<unsigned char>(sealed[0]) != kVersion) {
    return Status(Code::kInternal, "sealed secret is malformed");
  }
  const auto* in = reinterpret_cast<const unsigned char*>(sealed.data());
  if (sodium_memcmp(in + 1, key_id_.data(), kKeyIdBytes) != 0) {
    return Status(Code::kInternal,
                  "sealed secret was made with another key: the secret key file changed or was "
                  "replaced (restore it, or rotate the secrets: docs/security.md)");
  }
  std::string plaintext(sealed.size() - kHeaderBytes - kTagBytes, '\0');
  unsigned long long size = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &size, nullptr, in + kHeaderBytes,
          sealed.size() - kHeaderBytes, reinterpret_cast<const unsigned char*>(context.data()),
          context.size(), in + 1 + kKeyIdBytes, key_.data()) != 0) {
    return Status(Code::kInternal, "sealed secret does not open: tampered with or corrupt");
  }
  return plaintext;
}

}  // namespace parley::auth
