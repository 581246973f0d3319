#include "proto/account_data_bodies.h"

#include "base/json_writer.h"
#include "proto/json_reader.h"

namespace parley::proto {

Result<DeleteAccountRequest> DecodeDeleteAccount(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto password = RequiredString(*object, "password");
  if (!password.ok()) return password.status();
  auto code = OptionalString(*object, "code");
  if (!code.ok()) return code.status();
  return DeleteAccountRequest{std::move(*password), code->value_or("")};
}

std::string ExportBody(const ExportView& view) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Field("state", view.state)
      .Field("items_done", view.items_done)
      .Field("items_total", view.items_total)
      .Field("started_at", view.started_at);
  if (view.state == "ready") {
    w.Field("size", view.size).Field("download_url", view.download_url);
  }
  if (view.expires_at != 0) w.Field("expires_at", view.expires_at);
  if (!view.error_code.empty()) {
    w.Key("error")
        .BeginObject()
        .Field("code", view.error_code)
        .Field("message", view.error_message)
        .EndObject();
  }
  w.EndObject();
  return out;
}

}  // namespace parley::proto
