#include "push/web_push_crypto.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "base/base64.h"
#include "push/sealed_field.h"

namespace parley::push {
namespace {

constexpr size_t kRecordSize = 4096;

Status CryptoError(std::string_view what) {
  return Status(Code::kInternal, "push crypto: " + std::string(what));
}

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

// A P-256 key from an uncompressed public point and, when given, the private scalar.
Result<Pkey> P256FromRaw(std::string_view public_raw, std::string_view private_raw = {}) {
  if (public_raw.size() != 65 || public_raw[0] != 0x04) {
    return Status(Code::kInvalidArgument, "a P-256 public key is 65 bytes starting with 0x04");
  }
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  BIGNUM* priv = nullptr;
  if (build == nullptr) return CryptoError("param builder");
  OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, public_raw.data(),
                                   public_raw.size());
  if (!private_raw.empty()) {
    priv = BN_bin2bn(reinterpret_cast<const unsigned char*>(private_raw.data()),
                     static_cast<int>(private_raw.size()), nullptr);
    OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_PRIV_KEY, priv);
  }
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
  EVP_PKEY* key = nullptr;
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  const int selection = private_raw.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR;
  const bool ok = params != nullptr && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                  EVP_PKEY_fromdata(ctx.get(), &key, selection, params) == 1;
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(build);
  BN_free(priv);
  if (!ok) return Status(Code::kInvalidArgument, "not a valid P-256 key");
  Pkey owned(key);
  // fromdata does not check that the point is on the curve; a public-key check does.
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return Status(Code::kInvalidArgument, "the P-256 public key is not a point on the curve");
  }
  return owned;
}

Result<std::string> RawPublic(EVP_PKEY* key) {
  unsigned char buffer[65];
  size_t length = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, buffer, sizeof buffer,
                                      &length) != 1 ||
      length != 65) {
    return CryptoError("cannot read a public key");
  }
  return std::string(reinterpret_cast<char*>(buffer), length);
}

Result<std::string> Ecdh(EVP_PKEY* mine, EVP_PKEY* theirs) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, mine, nullptr));
  size_t length = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), theirs) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &length) != 1) {
    return CryptoError("ECDH");
  }
  std::string secret(length, '\0');
  if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(secret.data()), &length) != 1) {
    return CryptoError("ECDH");
  }
  secret.resize(length);
  return secret;
}

// HKDF-SHA256 (RFC 5869) for outputs of at most one block (32 bytes), all Web Push needs.
std::string Hkdf(std::string_view salt, std::string_view ikm, std::string_view info,
                 size_t length) {
  const std::string prk = HmacSha256(salt, ikm);
  std::string block(info);
  block.push_back('\x01');
  return HmacSha256(prk, block).substr(0, length);
}

Result<std::string> Encrypt(std::string_view plaintext, std::string_view ua_public,
                            std::string_view auth_secret, std::string_view salt, EVP_PKEY* as_key) {
  if (plaintext.size() > kMaxWebPushPlaintext) {
    return Status(Code::kInvalidArgument,
                  "push payload over " + std::to_string(kMaxWebPushPlaintext) + " bytes");
  }
  if (auth_secret.size() != 16) {
    return Status(Code::kInvalidArgument, "a push auth secret is 16 bytes");
  }
  auto ua_key = P256FromRaw(ua_public);
  if (!ua_key.ok()) return ua_key.status();
  auto as_public = RawPublic(as_key);
  if (!as_public.ok()) return as_public.status();
  auto shared = Ecdh(as_key, ua_key->get());
  if (!shared.ok()) return shared.status();

  // RFC 8291 section 3.4: the input keying material binds both public keys.
  std::string key_info = "WebPush: info";
  key_info.push_back('\0');
  key_info.append(ua_public).append(*as_public);
  const std::string ikm = Hkdf(auth_secret, *shared, key_info, 32);
  // RFC 8188 section 2.2 and 2.3.
  const std::string cek = Hkdf(salt, ikm, std::string("Content-Encoding: aes128gcm\0", 28), 16);
  const std::string nonce = Hkdf(salt, ikm, std::string("Content-Encoding: nonce\0", 24), 12);

  std::string record(plaintext);
  record.push_back('\x02');  // the delimiter of the last (and only) record; no padding
  std::string body;
  body.reserve(86 + record.size() + 16);
  body.append(salt);
  for (int shift = 24; shift >= 0; shift -= 8) {
    body.push_back(static_cast<char>((kRecordSize >> shift) & 0xff));
  }
  body.push_back(static_cast<char>(as_public->size()));
  body.append(*as_public);

  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  auto u = [](const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); };
  std::string out(record.size() + 16, '\0');
  int written = 0;
  int final_written = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, u(cek), u(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &written,
                        u(record), static_cast<int>(record.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + written,
                          &final_written) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16,
                          out.data() + written + final_written) != 1) {
    return CryptoError("AES-128-GCM");
  }
  out.resize(static_cast<size_t>(written + final_written) + 16);
  body.append(out);
  return body;
}

constexpr std::string_view kVapidSealContext = "vapid private key";

Status WriteKeyFile(std::string_view text, const std::string& path) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status(Code::kInternal, "cannot write " + temp);
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return Status(Code::kInternal, "cannot write " + path);
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

Status WriteSealedKeyFile(std::string_view pem, const auth::SecretBox& box,
                          const std::string& path) {
  return WriteKeyFile(SealField(box, pem, kVapidSealContext) + "\n", path);
}

// The file's text without surrounding whitespace; nullopt when there is no file.
std::optional<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const size_t end = s.find_last_not_of(" \r\n\t");
  return end == std::string::npos ? std::string() : s.substr(0, end + 1);
}

Result<std::string> PemOf(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return CryptoError("PEM");
  std::string pem;
  if (PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    pem.assign(data, static_cast<size_t>(size));
  }
  BIO_free(bio);
  if (pem.empty()) return CryptoError("PEM");
  return pem;
}

// The PEM in the key file's text, opened by `box` when sealed.
Result<std::string> KeyFilePem(const std::string& text, const auth::SecretBox& box,
                               const std::string& path) {
  if (!IsSealedField(text)) return text;
  auto pem = OpenField(box, text, kVapidSealContext);
  if (!pem.ok()) {
    return Status(Code::kInternal, "push: the secret key file does not open the VAPID key " + path +
                                       ": " + pem.status().message());
  }
  return pem;
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &length);
  return std::string(reinterpret_cast<char*>(mac), length);
}

Result<std::string> EncryptWebPush(std::string_view plaintext, std::string_view ua_public,
                                   std::string_view auth_secret) {
  Pkey ephemeral(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!ephemeral) return CryptoError("key generation");
  unsigned char salt[16];
  if (RAND_bytes(salt, sizeof salt) != 1) return CryptoError("random");
  return Encrypt(plaintext, ua_public, auth_secret,
                 std::string_view(reinterpret_cast<char*>(salt), sizeof salt), ephemeral.get());
}

Result<std::string> EncryptWebPushWith(std::string_view plaintext, std::string_view ua_public,
                                       std::string_view auth_secret, std::string_view salt,
                                       std::string_view as_private) {
  // Derive the public point from the private scalar.
  BIGNUM* scalar = BN_bin2bn(reinterpret_cast<const unsigned char*>(as_private.data()),
                             static_cast<int>(as_private.size()), nullptr);
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  EC_POINT* point = group ? EC_POINT_new(group) : nullptr;
  unsigned char raw[65];
  size_t length = 0;
  if (scalar && point && EC_POINT_mul(group, point, scalar, nullptr, nullptr, nullptr) == 1) {
    length =
        EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, raw, sizeof raw, nullptr);
  }
  EC_POINT_free(point);
  EC_GROUP_free(group);
  BN_free(scalar);
  if (length != 65) return CryptoError("bad test private key");
  auto key = P256FromRaw(std::string_view(reinterpret_cast<char*>(raw), 65), as_private);
  if (!key.ok()) return key.status();
  return Encrypt(plaintext, ua_public, auth_secret, salt, key->get());
}

Result<std::string> SignEs256(EVP_PKEY* key, std::string_view data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return CryptoError("ES256");
  }
  std::string der(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return CryptoError("ES256");
  }
  const unsigned char* cursor = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(length));
  if (sig == nullptr) return CryptoError("ES256 signature");
  std::string raw(64, '\0');
  const bool ok =
      BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32) == 32 &&
      BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32) ==
          32;
  ECDSA_SIG_free(sig);
  if (!ok) return CryptoError("ES256 signature");
  return raw;
}

VapidKey::VapidKey(EVP_PKEY* key) : key_(key) {}
VapidKey::~VapidKey() { EVP_PKEY_free(key_); }

Result<std::unique_ptr<VapidKey>> VapidKey::Generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) return CryptoError("key generation");
  std::unique_ptr<VapidKey> vapid(new VapidKey(key));
  auto raw = RawPublic(key);
  if (!raw.ok()) return raw.status();
  vapid->public_raw_ = std::move(*raw);
  return vapid;
}

Result<std::unique_ptr<VapidKey>> VapidKey::LoadOrCreate(const std::string& path,
                                                         const auth::SecretBox& box) {
  if (std::optional<std::string> text = ReadKeyFile(path)) {
    auto pem = KeyFilePem(*text, box, path);
    if (!pem.ok()) return pem.status();
    BIO* bio = BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size()));
    EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    OPENSSL_cleanse(pem->data(), pem->size());
    if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
      EVP_PKEY_free(key);
      return Status(Code::kInternal, "push: " + path + " is not an EC private key");
    }
    std::unique_ptr<VapidKey> vapid(new VapidKey(key));
    auto raw = RawPublic(key);
    if (!raw.ok()) return Status(Code::kInternal, "push: " + path + " is not a P-256 key");
    vapid->public_raw_ = std::move(*raw);
    if (!IsSealedField(*text)) {  // a clear PEM: from now on, sealed
      auto clear = PemOf(key);
      if (!clear.ok()) return clear.status();
      if (Status s = WriteSealedKeyFile(*clear, box, path); !s.ok()) return s;
    }
    return vapid;
  }
  auto vapid = Generate();
  if (!vapid.ok()) return vapid.status();
  auto pem = PemOf((*vapid)->key_);
  if (!pem.ok()) return pem.status();
  if (Status s = WriteSealedKeyFile(*pem, box, path); !s.ok()) return s;
  return vapid;
}

Result<bool> VapidKey::ResealFile(const std::string& path, const auth::SecretBox& old_key,
                                  const auth::SecretBox& new_key) {
  std::optional<std::string> text = ReadKeyFile(path);
  if (!text) return false;
  if (IsSealedField(*text) && OpenField(new_key, *text, kVapidSealContext).ok()) return false;
  auto pem = KeyFilePem(*text, old_key, path);
  if (!pem.ok()) return pem.status();
  if (Status s = WriteSealedKeyFile(*pem, new_key, path); !s.ok()) return s;
  return true;
}

std::string VapidKey::public_key_base64url() const { return Base64UrlEncode(public_raw_); }

Result<std::string> VapidKey::SignJwt(std::string_view audience, std::string_view subject,
                                      int64_t expires_at_s) const {
  // The audience and subject come from configuration and the target's URL origin, which
  // target_rules checked to hold no quote or backslash; escape anyway.
  auto quoted = [](std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    return out + "\"";
  };
  const std::string header = Base64UrlEncode(R"({"typ":"JWT","alg":"ES256"})");
  const std::string claims =
      Base64UrlEncode("{\"aud\":" + quoted(audience) + ",\"exp\":" + std::to_string(expires_at_s) +
                      ",\"sub\":" + quoted(subject) + "}");
  const std::string signing_input = header + "." + claims;
  auto signature = SignEs256(key_, signing_input);
  if (!signature.ok()) return signature.status();
  return signing_input + "." + Base64UrlEncode(*signature);
}

Result<std::string> VapidKey::AuthorizationHeader(std::string_view audience,
                                                  std::string_view subject,
                                                  int64_t expires_at_s) const {
  auto jwt = SignJwt(audience, subject, expires_at_s);
  if (!jwt.ok()) return jwt.status();
  return "vapid t=" + *jwt + ", k=" + public_key_base64url();
}

}  // namespace parley::push
