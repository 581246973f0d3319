#include "auth/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "base/sodium_init.h"

namespace parley::auth {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const EVP_MD* Digest(TotpHash hash) {
  switch (hash) {
    case TotpHash::kSha256:
      return EVP_sha256();
    case TotpHash::kSha512:
      return EVP_sha512();
    case TotpHash::kSha1:
      break;
  }
  return EVP_sha1();
}

int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

}  // namespace

std::string HotpCode(std::string_view key, uint64_t counter, int digits, TotpHash hash) {
  unsigned char message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(Digest(hash), key.data(), static_cast<int>(key.size()), message, sizeof(message), mac,
       &mac_size);
  // Dynamic truncation (RFC 4226 section 5.3).
  const unsigned offset = mac[mac_size - 1] & 0x0f;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                          static_cast<uint32_t>(mac[offset + 3]);
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

int64_t TotpStep(int64_t unix_seconds) {
  return unix_seconds >= 0 ? unix_seconds / kTotpStepSeconds
                           : (unix_seconds - kTotpStepSeconds + 1) / kTotpStepSeconds;
}

std::string TotpCode(std::string_view key, int64_t unix_seconds, int digits, TotpHash hash) {
  return HotpCode(key, static_cast<uint64_t>(TotpStep(unix_seconds)), digits, hash);
}

std::optional<int64_t> MatchTotp(std::string_view key, std::string_view code, int64_t unix_seconds,
                                 int window) {
  if (code.size() != static_cast<size_t>(kTotpDigits)) return std::nullopt;
  internal::EnsureSodium();
  const int64_t now = TotpStep(unix_seconds);
  std::optional<int64_t> matched;
  // Every candidate is computed and compared, so the time does not say which step matched.
  for (int64_t step = now - window; step <= now + window; ++step) {
    if (step < 0) continue;
    const std::string expected = HotpCode(key, static_cast<uint64_t>(step));
    if (sodium_memcmp(expected.data(), code.data(), expected.size()) == 0) matched = step;
  }
  return matched;
}

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += kBase32Alphabet[(buffer >> (bits - 5)) & 0x1f];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32Alphabet[(buffer << (5 - bits)) & 0x1f];
  return out;
}

Result<std::string> Base32Decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ') continue;
    const int value = Base32Value(c);
    if (value < 0) return Status(Code::kInvalidArgument, "not base32");
    buffer = (buffer << 5) | static_cast<uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

}  // namespace parley::auth
