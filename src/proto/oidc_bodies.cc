#include "proto/oidc_bodies.h"

#include "base/json_writer.h"
#include "proto/json_reader.h"

namespace parley::proto {

Result<OidcStepRequest> DecodeOidcStep(std::string_view body, bool needs_username,
                                       bool needs_password) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto ticket = RequiredString(*object, "ticket");
  if (!ticket.ok()) return ticket.status();
  OidcStepRequest request{.ticket = std::move(*ticket)};
  if (needs_username) {
    auto username = RequiredString(*object, "username");
    if (!username.ok()) return username.status();
    request.username = std::move(*username);
  }
  if (needs_password) {
    auto password = RequiredString(*object, "password");
    if (!password.ok()) return password.status();
    request.password = std::move(*password);
  }
  auto device = OptionalString(*object, "device");
  if (!device.ok()) return device.status();
  request.device = device->value_or("");
  return request;
}

std::string OidcProvidersBody(const std::vector<OidcProviderEntry>& providers) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("providers").BeginArray();
  for (const OidcProviderEntry& provider : providers) {
    w.BeginObject()
        .Field("name", provider.name)
        .Field("display_name", provider.display_name)
        .EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::string OidcAccountNeededBody(std::string_view provider_display_name,
                                  std::string_view suggested_username,
                                  std::string_view display_name, int64_t expires_at) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Key("account_needed")
      .Bool(true)
      .Field("provider", provider_display_name)
      .Field("suggested_username", suggested_username)
      .Field("display_name", display_name)
      .Field("expires_at", expires_at)
      .EndObject();
  return out;
}

std::string OidcIdentitiesBody(const std::vector<OidcIdentityEntry>& identities) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("identities").BeginArray();
  for (const OidcIdentityEntry& identity : identities) {
    w.BeginObject()
        .Field("provider", identity.provider)
        .Field("provider_display_name", identity.provider_display_name)
        .Field("subject", identity.subject)
        .Field("linked_at", identity.linked_at)
        .EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

}  // namespace parley::proto
