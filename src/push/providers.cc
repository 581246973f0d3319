#include "push/providers.h"

#include <algorithm>
#include <cctype>

#include "push/target_rules.h"

namespace parley::push {
namespace {

constexpr size_t kMaxCredentialFile = 64 * 1024;

Status CheckBaseUrl(std::string_view name, std::string_view url, bool allow_http) {
  auto parsed = ParseEndpoint(url, allow_http);
  if (!parsed.ok())
    return Status(Code::kInvalidArgument, std::string(name) + ": " + parsed.status().message());
  if (url.ends_with('/')) {
    return Status(Code::kInvalidArgument, std::string(name) + " must not end with /");
  }
  return Status::Ok();
}

// Key ids, team ids and bundle ids go into headers and JWTs: a restricted alphabet.
Status CheckName(std::string_view name, std::string_view value, std::string_view extra) {
  const bool valid =
      !value.empty() && value.size() <= 255 && std::all_of(value.begin(), value.end(), [&](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               extra.find(c) != std::string_view::npos;
      });
  if (valid) return Status::Ok();
  return Status(Code::kInvalidArgument,
                std::string(name) + " must be set: letters and digits" +
                    (extra.empty() ? "" : ", and \"" + std::string(extra) + "\""));
}

}  // namespace

Result<std::unique_ptr<Providers>> Providers::Load(const ProviderOptions& options,
                                                   const HttpClient& http, bool allow_http,
                                                   int ttl_seconds, BadgeOf badge_of) {
  std::unique_ptr<Providers> providers(new Providers());
  if (!options.fcm_service_account_file.empty()) {
    if (Status s = CheckBaseUrl("push-fcm-url", options.fcm_url, allow_http); !s.ok()) return s;
    auto json = ReadCredentialFile(options.fcm_service_account_file, kMaxCredentialFile,
                                   "push-fcm-service-account");
    if (!json.ok()) return json.status();
    auto account = ParseServiceAccount(*json, allow_http);
    if (!account.ok()) {
      return Status(Code::kInvalidArgument, "push-fcm-service-account " +
                                                options.fcm_service_account_file + ": " +
                                                account.status().message());
    }
    providers->account_ = std::move(*account);
    providers->fcm_auth_ = std::make_unique<FcmAuth>(providers->account_, http);
    providers->fcm_sender_ =
        std::make_unique<FcmSender>(*providers->fcm_auth_, http, options.fcm_url,
                                    providers->account_.project_id, ttl_seconds, badge_of);
  }
  if (!options.apns_key_file.empty()) {
    const ApnsOptions& apns = options.apns;
    if (Status s = CheckBaseUrl("push-apns-url", apns.base_url, allow_http); !s.ok()) return s;
    for (const Status& s : {CheckName("push-apns-key-id", apns.key_id, ""),
                            CheckName("push-apns-team-id", apns.team_id, ""),
                            CheckName("push-apns-topic", apns.topic, ".-_")}) {
      if (!s.ok()) return s;
    }
    auto pem = ReadCredentialFile(options.apns_key_file, kMaxCredentialFile, "push-apns-key-file");
    if (!pem.ok()) return pem.status();
    auto key = SigningKey::FromPem(*pem, SigningKey::Algorithm::kEs256, "push-apns-key-file");
    if (!key.ok()) return key.status();
    ApnsOptions with_ttl = apns;
    with_ttl.ttl_seconds = ttl_seconds;
    providers->apns_sender_ =
        std::make_unique<ApnsSender>(std::move(*key), http, with_ttl, std::move(badge_of));
  }
  return providers;
}

}  // namespace parley::push
