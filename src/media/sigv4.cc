#include "media/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>

namespace parley::media {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Hex(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 15]);
  }
  return out;
}

std::string Digest(const EVP_MD* md, std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &size, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Trimmed(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const size_t last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

std::string CanonicalQuery(std::vector<std::pair<std::string, std::string>> query) {
  for (auto& [name, value] : query) {
    name = UriEncode(name, false);
    value = UriEncode(value, false);
  }
  std::sort(query.begin(), query.end());
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

// The canonical headers block and the signed header names, both sorted by lowercase name.
std::pair<std::string, std::string> CanonicalHeaders(
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<std::pair<std::string, std::string>> sorted;
  for (const auto& [name, value] : headers) sorted.emplace_back(Lower(name), Trimmed(value));
  std::sort(sorted.begin(), sorted.end());
  std::string block;
  std::string names;
  for (const auto& [name, value] : sorted) {
    block += name + ":" + value + "\n";
    if (!names.empty()) names += ';';
    names += name;
  }
  return {block, names};
}

std::string Scope(const S3Credentials& credentials, std::string_view amz_date) {
  return std::string(amz_date.substr(0, 8)) + "/" + credentials.region + "/s3/aws4_request";
}

std::string Signature(const S3Credentials& credentials, std::string_view amz_date,
                      const std::string& canonical_request) {
  const std::string to_sign = std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" +
                              Scope(credentials, amz_date) + "\n" + Sha256Hex(canonical_request);
  std::string key = Hmac("AWS4" + credentials.secret_key, amz_date.substr(0, 8));
  key = Hmac(key, credentials.region);
  key = Hmac(key, "s3");
  key = Hmac(key, "aws4_request");
  const std::string signature = Hmac(key, to_sign);
  return Hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

std::string CanonicalRequest(const SignedRequest& request, const std::string& query) {
  const auto [headers, names] = CanonicalHeaders(request.headers);
  return request.method + "\n" + UriEncode(request.path, true) + "\n" + query + "\n" + headers +
         "\n" + names + "\n" + request.payload_hash;
}

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                            c == '~' || (keep_slash && c == '/');
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 15]);
    }
  }
  return out;
}

std::string AuthorizationHeader(const S3Credentials& credentials, const SignedRequest& request,
                                std::string_view amz_date) {
  const std::string canonical = CanonicalRequest(request, CanonicalQuery(request.query));
  return std::string(kAlgorithm) + " Credential=" + credentials.access_key + "/" +
         Scope(credentials, amz_date) +
         ",SignedHeaders=" + CanonicalHeaders(request.headers).second +
         ",Signature=" + Signature(credentials, amz_date, canonical);
}

std::string PresignedQuery(const S3Credentials& credentials, const SignedRequest& request,
                           std::string_view amz_date, int64_t expires_s) {
  std::vector<std::pair<std::string, std::string>> query = request.query;
  query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  query.emplace_back("X-Amz-Credential",
                     credentials.access_key + "/" + Scope(credentials, amz_date));
  query.emplace_back("X-Amz-Date", std::string(amz_date));
  query.emplace_back("X-Amz-Expires", std::to_string(expires_s));
  query.emplace_back("X-Amz-SignedHeaders", CanonicalHeaders(request.headers).second);
  const std::string canonical_query = CanonicalQuery(query);
  SignedRequest unsigned_payload = request;
  unsigned_payload.payload_hash = "UNSIGNED-PAYLOAD";
  const std::string canonical = CanonicalRequest(unsigned_payload, canonical_query);
  return canonical_query + "&X-Amz-Signature=" + Signature(credentials, amz_date, canonical);
}

std::string Sha256Hex(std::string_view bytes) {
  const std::string digest = Digest(EVP_sha256(), bytes);
  return Hex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
}

std::string Md5Hex(std::string_view bytes) {
  const std::string digest = Digest(EVP_md5(), bytes);
  return Hex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
}

std::string Md5Base64(std::string_view bytes) {
  const std::string digest = Digest(EVP_md5(), bytes);
  unsigned char out[32];
  const int size = EVP_EncodeBlock(out, reinterpret_cast<const unsigned char*>(digest.data()),
                                   static_cast<int>(digest.size()));
  return std::string(reinterpret_cast<char*>(out), static_cast<size_t>(size));
}

std::string AmzDate(int64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char out[20];
  std::strftime(out, sizeof(out), "%Y%m%dT%H%M%SZ", &utc);
  return out;
}

}  // namespace parley::media
