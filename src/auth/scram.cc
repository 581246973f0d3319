#include "auth/scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <vector>

#include "base/base64.h"
#include "base/random_hex.h"

namespace parley::auth {
namespace {

constexpr size_t kKeyBytes = 32;

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string Sha256(std::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return std::string(reinterpret_cast<char*>(out), sizeof(out));
}

Status Malformed(std::string what) { return Status(Code::kMalformed, "SCRAM: " + std::move(what)); }

// "a=1,b=2" -> attributes in order; false if an element is not "x=value".
bool SplitAttributes(std::string_view text, std::vector<std::pair<char, std::string_view>>& out) {
  while (true) {
    const size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    if (item.size() < 2 || item[1] != '=') return false;
    out.emplace_back(item[0], item.substr(2));
    if (comma == std::string_view::npos) return true;
    text.remove_prefix(comma + 1);
  }
}

// saslname: "=2C" is ',' and "=3D" is '='; any other '=', or a control character, is
// malformed.
Result<std::string> UnescapeName(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (static_cast<unsigned char>(name[i]) < 0x20) return Malformed("control character");
    if (name[i] != '=') {
      out += name[i];
    } else if (name.substr(i, 3) == "=2C") {
      out += ',';
      i += 2;
    } else if (name.substr(i, 3) == "=3D") {
      out += '=';
      i += 2;
    } else {
      return Malformed("bad escape in the username");
    }
  }
  if (out.empty()) return Malformed("empty username");
  return out;
}

bool PrintableNonce(std::string_view nonce) {
  if (nonce.empty()) return false;
  for (char c : nonce) {
    if (c < 0x21 || c > 0x7E || c == ',') return false;
  }
  return true;
}

}  // namespace

store::ScramCredentials DeriveScramCredentials(std::string_view password, std::string salt,
                                               int64_t iterations) {
  unsigned char salted[kKeyBytes];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                    sizeof(salted), salted);
  const std::string_view salted_password(reinterpret_cast<char*>(salted), sizeof(salted));
  store::ScramCredentials credentials;
  credentials.salt = std::move(salt);
  credentials.iterations = iterations;
  credentials.stored_key = Sha256(Hmac(salted_password, "Client Key"));
  credentials.server_key = Hmac(salted_password, "Server Key");
  OPENSSL_cleanse(salted, sizeof(salted));
  return credentials;
}

store::ScramCredentials NewScramCredentials(std::string_view password, int64_t iterations) {
  return DeriveScramCredentials(password, RandomBytes(16), iterations);
}

std::string NewScramNonce() { return RandomHex(18); }

Result<ScramClientFirst> ParseScramClientFirst(std::string_view message) {
  // gs2-header: cbind-flag "," [authzid] ","
  const size_t first_comma = message.find(',');
  if (first_comma == std::string_view::npos) return Malformed("no gs2 header");
  const std::string_view flag = message.substr(0, first_comma);
  if (flag.starts_with("p=")) {
    return Status(Code::kInvalidArgument, "SCRAM: channel binding is not offered");
  }
  if (flag != "n" && flag != "y") return Malformed("bad channel binding flag");
  const size_t second_comma = message.find(',', first_comma + 1);
  if (second_comma == std::string_view::npos) return Malformed("no gs2 header");
  const std::string_view authzid = message.substr(first_comma + 1, second_comma - first_comma - 1);
  if (!authzid.empty() && !authzid.starts_with("a=")) return Malformed("bad authzid");

  ScramClientFirst first;
  first.gs2_header = std::string(message.substr(0, second_comma + 1));
  first.bare = std::string(message.substr(second_comma + 1));
  std::vector<std::pair<char, std::string_view>> attributes;
  if (!SplitAttributes(first.bare, attributes) || attributes.size() < 2) {
    return Malformed("bad client-first-message");
  }
  if (attributes[0].first == 'm') {
    return Status(Code::kInvalidArgument, "SCRAM: no mandatory extension is supported");
  }
  if (attributes[0].first != 'n' || attributes[1].first != 'r') {
    return Malformed("expected n= and r=");
  }
  Result<std::string> username = UnescapeName(attributes[0].second);
  if (!username.ok()) return username.status();
  first.username = std::move(*username);
  if (!PrintableNonce(attributes[1].second)) return Malformed("bad nonce");
  first.nonce = std::string(attributes[1].second);
  if (!authzid.empty()) {
    Result<std::string> identity = UnescapeName(authzid.substr(2));
    if (!identity.ok()) return identity.status();
    if (*identity != first.username) {
      return Status(Code::kInvalidArgument, "SCRAM: acting as another user is not supported");
    }
  }
  return first;
}

ScramServer::ScramServer(ScramClientFirst first, store::ScramCredentials credentials,
                         std::string_view server_nonce)
    : first_(std::move(first)), credentials_(std::move(credentials)) {
  nonce_ = first_.nonce + std::string(server_nonce);
  server_first_ = "r=" + nonce_ + ",s=" + Base64Encode(credentials_.salt) +
                  ",i=" + std::to_string(credentials_.iterations);
}

Result<std::string> ScramServer::Finish(std::string_view client_final) const {
  const size_t proof_at = client_final.rfind(",p=");
  if (proof_at == std::string_view::npos) return Malformed("no proof");
  const std::string_view without_proof = client_final.substr(0, proof_at);
  std::vector<std::pair<char, std::string_view>> attributes;
  if (!SplitAttributes(without_proof, attributes) || attributes.size() < 2 ||
      attributes[0].first != 'c' || attributes[1].first != 'r') {
    return Malformed("expected c= and r=");
  }
  std::optional<std::string> proof = Base64Decode(client_final.substr(proof_at + 3));
  if (!proof || proof->size() != kKeyBytes) return Malformed("bad proof");
  const Status refused(Code::kUnauthenticated, "wrong username or password");
  if (Base64Decode(attributes[0].second) != first_.gs2_header) return refused;
  if (attributes[1].second != nonce_) return refused;

  const std::string auth_message =
      first_.bare + "," + server_first_ + "," + std::string(without_proof);
  const std::string client_signature = Hmac(credentials_.stored_key, auth_message);
  std::string client_key(kKeyBytes, '\0');
  for (size_t i = 0; i < kKeyBytes; ++i) client_key[i] = (*proof)[i] ^ client_signature[i];
  const std::string stored_key = Sha256(client_key);
  if (credentials_.stored_key.size() != stored_key.size() ||
      CRYPTO_memcmp(stored_key.data(), credentials_.stored_key.data(), stored_key.size()) != 0) {
    return refused;
  }
  return "v=" + Base64Encode(Hmac(credentials_.server_key, auth_message));
}

}  // namespace parley::auth
