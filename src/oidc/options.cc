#include "oidc/options.h"

#include <algorithm>

#include "push/jwt.h"

namespace parley::oidc {
namespace {

constexpr size_t kMaxProviders = 16;
constexpr size_t kMaxSecretBytes = 4096;

Status Invalid(std::string_view key, std::string_view why) {
  return Status(Code::kInvalidArgument,
                "config '" + std::string(key.substr(0, 80)) + "': " + std::string(why));
}

bool IsProviderName(std::string_view name) {
  return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsHttpUrl(std::string_view url) {
  return (url.starts_with("https://") || url.starts_with("http://")) && url.size() <= 512 &&
         url.find_first_of(" \t\"<>#?") == std::string_view::npos;
}

ProviderOptions* Find(OidcOptions& options, std::string_view name) {
  for (ProviderOptions& provider : options.providers) {
    if (provider.name == name) return &provider;
  }
  return nullptr;
}

}  // namespace

Status ApplyOidcKey(OidcOptions& options, std::string_view key, const std::string& value) {
  if (key == "oidc-provider") {
    if (!IsProviderName(value)) return Invalid(key, "a name is 1 to 32 of a-z, 0-9 and -");
    if (Find(options, value)) return Invalid(key, "provider '" + value + "' is declared twice");
    if (options.providers.size() >= kMaxProviders) return Invalid(key, "at most 16 providers");
    options.providers.push_back(ProviderOptions{.name = value, .display_name = value});
    return Status::Ok();
  }
  const size_t dot = key.find('.', 5);
  if (!key.starts_with("oidc.") || dot == std::string_view::npos) {
    return Status(Code::kInvalidArgument,
                  "unknown config key '" + std::string(key.substr(0, 64)) + "'");
  }
  ProviderOptions* provider = Find(options, key.substr(5, dot - 5));
  if (provider == nullptr) return Invalid(key, "declare the provider first with oidc-provider");
  const std::string_view field = key.substr(dot + 1);
  if (field == "issuer") {
    if (!IsHttpUrl(value)) return Invalid(key, "must be an http(s) URL");
    provider->issuer = value;
  } else if (field == "client-id") {
    if (value.empty() || value.size() > 256) return Invalid(key, "must be 1 to 256 characters");
    provider->client_id = value;
  } else if (field == "client-secret-file") {
    if (value.empty()) return Invalid(key, "must not be empty");
    provider->client_secret_file = value;
  } else if (field == "display-name") {
    if (value.empty() || value.size() > 64) return Invalid(key, "must be 1 to 64 characters");
    provider->display_name = value;
  } else if (field == "scopes") {
    if ((" " + value + " ").find(" openid ") == std::string::npos)
      return Invalid(key, "must include openid");
    if (value.size() > 256) return Invalid(key, "at most 256 characters");
    provider->scopes = value;
  } else if (field == "token-auth") {
    if (value != "client_secret_basic" && value != "client_secret_post") {
      return Invalid(key, "must be client_secret_basic or client_secret_post");
    }
    provider->secret_in_body = value == "client_secret_post";
  } else {
    return Status(Code::kInvalidArgument,
                  "unknown config key '" + std::string(key.substr(0, 64)) + "'");
  }
  return Status::Ok();
}

Status ValidateOidcOptions(OidcOptions& options) {
  for (ProviderOptions& provider : options.providers) {
    const std::string prefix = "oidc." + provider.name + ".";
    if (provider.issuer.empty()) return Invalid(prefix + "issuer", "is required");
    if (provider.issuer.starts_with("http://") && !options.http.allow_private) {
      return Invalid(prefix + "issuer", "must be https (http needs oidc-allow-private)");
    }
    if (provider.client_id.empty()) return Invalid(prefix + "client-id", "is required");
    if (provider.client_secret_file.empty()) {
      return Invalid(prefix + "client-secret-file", "is required");
    }
    Result<std::string> secret = push::ReadCredentialFile(
        provider.client_secret_file, kMaxSecretBytes, prefix + "client-secret-file");
    if (!secret.ok()) return secret.status();
    while (!secret->empty() && (secret->back() == '\n' || secret->back() == '\r')) {
      secret->pop_back();
    }
    if (secret->empty()) return Invalid(prefix + "client-secret-file", "the file is empty");
    provider.client_secret = std::move(*secret);
  }
  if (!options.providers.empty() && options.public_url.empty()) {
    return Invalid("oidc-provider", "needs public-url (the address providers send people back to)");
  }
  return Status::Ok();
}

}  // namespace parley::oidc
