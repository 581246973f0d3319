#include "oidc/key_set.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <nlohmann/json.hpp>

#include "base/base64.h"

namespace parley::oidc {
namespace {

constexpr size_t kMaxKeys = 64;
constexpr int kMinRsaBits = 2048;

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

// The base64url member `name` of `jwk` as a big-endian number; null if missing or bad.
Bn Number(const nlohmann::json& jwk, const char* name) {
  if (!jwk.contains(name) || !jwk[name].is_string()) return nullptr;
  std::optional<std::string> bytes = Base64UrlDecode(jwk[name].get<std::string>());
  if (!bytes || bytes->empty() || bytes->size() > 1024) return nullptr;
  return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes->data()),
                      static_cast<int>(bytes->size()), nullptr));
}

// An EVP_PKEY made from OSSL_PARAMs; null on any failure.
EVP_PKEY* FromParams(const char* type, OSSL_PARAM_BLD* build) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1) {
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) pkey = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return pkey;
}

EVP_PKEY* RsaKey(const nlohmann::json& jwk) {
  Bn n = Number(jwk, "n");
  Bn e = Number(jwk, "e");
  if (!n || !e || BN_num_bits(n.get()) < kMinRsaBits) return nullptr;
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  EVP_PKEY* pkey = nullptr;
  if (build && OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, n.get()) == 1 &&
      OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, e.get()) == 1) {
    pkey = FromParams("RSA", build);
  }
  OSSL_PARAM_BLD_free(build);
  return pkey;
}

EVP_PKEY* P256Key(const nlohmann::json& jwk) {
  if (jwk.value("crv", "") != "P-256") return nullptr;
  std::optional<std::string> x, y;
  if (jwk.contains("x") && jwk["x"].is_string())
    x = Base64UrlDecode(jwk["x"].get<std::string>());
  if (jwk.contains("y") && jwk["y"].is_string())
    y = Base64UrlDecode(jwk["y"].get<std::string>());
  if (!x || !y || x->size() != 32 || y->size() != 32) return nullptr;
  std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  EVP_PKEY* pkey = nullptr;
  if (build &&
      OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) == 1) {
    pkey = FromParams("EC", build);
  }
  OSSL_PARAM_BLD_free(build);
  return pkey;
}

// JWS ES256 signatures are r || s (32 bytes each); OpenSSL verifies DER ECDSA-Sig-Value.
std::optional<std::string> EcdsaDer(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(bytes, 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

bool VerifySha256(EVP_PKEY* pkey, std::string_view input, std::string_view signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr &&
            EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

Status Refused(std::string_view why) {
  return Status(Code::kUnauthenticated, "signature: " + std::string(why));
}

}  // namespace

Result<std::shared_ptr<const KeySet>> KeySet::Parse(std::string_view jwks_json) {
  nlohmann::json doc = nlohmann::json::parse(jwks_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return Status(Code::kInvalidArgument, "jwks: not a JSON object with a keys array");
  }
  if (doc["keys"].size() > kMaxKeys) return Status(Code::kInvalidArgument, "jwks: over 64 keys");
  std::shared_ptr<KeySet> set(new KeySet());
  for (const nlohmann::json& jwk : doc["keys"]) {
    if (!jwk.is_object() || jwk.value("use", "sig") != "sig") continue;
    const std::string kty = jwk.value("kty", "");
    Key key{
        .kid = jwk.contains("kid") && jwk["kid"].is_string() ? jwk["kid"].get<std::string>() : "",
        .alg = jwk.contains("alg") && jwk["alg"].is_string() ? jwk["alg"].get<std::string>() : "",
        .is_rsa = kty == "RSA"};
    if (kty == "RSA") {
      key.pkey = RsaKey(jwk);
    } else if (kty == "EC") {
      key.pkey = P256Key(jwk);
    }
    if (key.pkey != nullptr) set->keys_.push_back(std::move(key));
  }
  return std::shared_ptr<const KeySet>(std::move(set));
}

KeySet::~KeySet() {
  for (Key& key : keys_) EVP_PKEY_free(key.pkey);
}

Status KeySet::Verify(std::string_view alg, std::string_view kid, std::string_view signing_input,
                      std::string_view signature) const {
  if (alg != "RS256" && alg != "ES256") {
    return Refused("algorithm '" + std::string(alg.substr(0, 16)) + "' is not accepted");
  }
  const bool wants_rsa = alg == "RS256";
  const Key* chosen = nullptr;
  for (const Key& key : keys_) {
    if (kid.empty() ? key.is_rsa != wants_rsa : key.kid != kid) continue;
    if (chosen != nullptr) return Refused("the key id is ambiguous");
    chosen = &key;
  }
  if (chosen == nullptr) return Status(Code::kNotFound, "unknown_key: no key with this id");
  if (chosen->is_rsa != wants_rsa || (!chosen->alg.empty() && chosen->alg != alg)) {
    return Refused("the algorithm does not fit the key");
  }
  bool valid = false;
  if (wants_rsa) {
    valid = VerifySha256(chosen->pkey, signing_input, signature);
  } else if (std::optional<std::string> der = EcdsaDer(signature)) {
    valid = VerifySha256(chosen->pkey, signing_input, *der);
  }
  return valid ? Status::Ok() : Refused("the signature does not verify");
}

}  // namespace parley::oidc
