#include "push/jwt.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "push/web_push_crypto.h"

namespace parley::push {
namespace {

Result<std::string> SignRs256(EVP_PKEY* key, std::string_view data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t length = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytes, data.size()) != 1) {
    return Status(Code::kInternal, "push crypto: RS256");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, bytes,
                     data.size()) != 1) {
    return Status(Code::kInternal, "push crypto: RS256");
  }
  signature.resize(length);
  return signature;
}

}  // namespace

Result<std::unique_ptr<SigningKey>> SigningKey::FromPem(std::string_view pem, Algorithm algorithm,
                                                        std::string_view what) {
  auto invalid = [&](std::string why) {
    return Status(Code::kInvalidArgument, std::string(what) + " " + why);
  };
  if (pem.size() > 64 * 1024) return invalid("is over 64 KiB");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), int(pem.size())),
                                                BIO_free);
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (key == nullptr) return invalid("is not a PEM private key");
  std::unique_ptr<SigningKey> signing(new SigningKey(key, algorithm));
  if (algorithm == Algorithm::kRs256) {
    if (!EVP_PKEY_is_a(key, "RSA")) return invalid("is not an RSA key");
    if (EVP_PKEY_get_bits(key) < 2048) return invalid("is an RSA key under 2048 bits");
  } else {
    char group[32] = {};
    size_t length = 0;
    if (!EVP_PKEY_is_a(key, "EC") ||
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &length) != 1 ||
        std::string_view(group, length) != "prime256v1") {
      return invalid("is not a P-256 (ES256) key");
    }
  }
  return signing;
}

SigningKey::~SigningKey() { EVP_PKEY_free(key_); }

Result<std::string> SigningKey::Sign(std::string_view header_json,
                                     std::string_view claims_json) const {
  nlohmann::json header = nlohmann::json::parse(header_json, nullptr, false);
  if (!header.is_object()) return Status(Code::kInternal, "JWT header is not a JSON object");
  header["alg"] = algorithm_ == Algorithm::kRs256 ? "RS256" : "ES256";
  header["typ"] = "JWT";
  const std::string signing_input =
      Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims_json);
  auto signature = algorithm_ == Algorithm::kRs256 ? SignRs256(key_, signing_input)
                                                   : SignEs256(key_, signing_input);
  if (!signature.ok()) return signature.status();
  return signing_input + "." + Base64UrlEncode(*signature);
}

Result<std::string> ReadCredentialFile(const std::string& path, size_t max_bytes,
                                       std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status(Code::kInvalidArgument, std::string(what) + " " + path + " cannot be read");
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > max_bytes) {
    return Status(Code::kInvalidArgument, std::string(what) + " " + path + " is over " +
                                              std::to_string(max_bytes) + " bytes");
  }
  return text;
}

}  // namespace parley::push
