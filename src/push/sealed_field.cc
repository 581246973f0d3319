#include "push/sealed_field.h"

#include "base/base64.h"

namespace parley::push {

bool IsSealedField(std::string_view stored) {
  return stored.substr(0, kSealedPrefix.size()) == kSealedPrefix;
}

std::string SealField(const auth::SecretBox& box, std::string_view value,
                      std::string_view context) {
  if (value.empty()) return std::string();
  return std::string(kSealedPrefix) + Base64UrlEncode(box.Seal(value, context));
}

Result<std::string> OpenField(const auth::SecretBox& box, std::string_view stored,
                              std::string_view context) {
  if (stored.empty()) return std::string();
  if (!IsSealedField(stored)) return Status(Code::kInternal, "secret stored in the clear");
  auto sealed = Base64UrlDecode(stored.substr(kSealedPrefix.size()));
  if (!sealed) return Status(Code::kInternal, "sealed secret is malformed");
  return box.Open(*sealed, context);
}

}  // namespace parley::push
