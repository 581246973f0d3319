#include "xmpp/upload_frames.h"

#include "xmpp/namespaces.h"
#include "xmpp/stanza_error.h"

namespace parley::xmpp {
namespace {

constexpr std::string_view kSlotPath = "/xmpp-upload/";  // net/upload_slot_http.h

XmlElement Feature(std::string_view var) {
  XmlElement feature(std::string(kDiscoInfoNs), "feature");
  feature.Set("var", std::string(var));
  return feature;
}

XmlElement FormField(std::string var, std::string value, bool hidden) {
  XmlElement field(std::string(kDataFormsNs), "field");
  field.Set("var", std::move(var));
  if (hidden) field.Set("type", "hidden");
  field.AddText(std::string(kDataFormsNs), "value", std::move(value));
  return field;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string UploadDomain(std::string_view domain) { return "upload." + std::string(domain); }

XmlElement UploadDiscoItem(std::string_view domain) {
  XmlElement item(std::string(kDiscoItemsNs), "item");
  item.Set("jid", UploadDomain(domain)).Set("name", "Parley file upload");
  return item;
}

XmlElement UploadDiscoInfo(int64_t max_file_size) {
  XmlElement query(std::string(kDiscoInfoNs), "query");
  query.Add(XmlElement(std::string(kDiscoInfoNs), "identity"))
      .Set("category", "store")
      .Set("type", "file")
      .Set("name", "Parley file upload");
  query.Add(Feature(kDiscoInfoNs));
  query.Add(Feature(kHttpUploadNs));
  XmlElement form(std::string(kDataFormsNs), "x");
  form.Set("type", "result");
  form.Add(FormField("FORM_TYPE", std::string(kHttpUploadNs), /*hidden=*/true));
  form.Add(FormField("max-file-size", std::to_string(max_file_size), /*hidden=*/false));
  query.Add(std::move(form));
  return query;
}

std::string SlotUrl(std::string_view base, std::string_view token, std::string_view filename) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string url = std::string(base) + std::string(kSlotPath) + std::string(token) + "/";
  for (unsigned char c : filename) {
    if (IsUnreserved(c)) {
      url.push_back(static_cast<char>(c));
    } else {
      url.push_back('%');
      url.push_back(kHex[c >> 4]);
      url.push_back(kHex[c & 15]);
    }
  }
  return url;
}

XmlElement SlotElement(const std::string& put_url, const std::string& get_url) {
  XmlElement slot(std::string(kHttpUploadNs), "slot");
  slot.Add(XmlElement(std::string(kHttpUploadNs), "put")).Set("url", put_url);
  slot.Add(XmlElement(std::string(kHttpUploadNs), "get")).Set("url", get_url);
  return slot;
}

XmlElement FileTooLargeError(std::string_view text, int64_t max_file_size) {
  XmlElement error = ErrorElement({"modify", "not-acceptable"}, text);
  XmlElement too_large(std::string(kHttpUploadNs), "file-too-large");
  too_large.AddText(std::string(kHttpUploadNs), "max-file-size", std::to_string(max_file_size));
  error.Add(std::move(too_large));
  return error;
}

std::string_view TokenOfSlotUrl(std::string_view base, std::string_view url) {
  if (base.empty() || url.substr(0, base.size()) != base) return {};
  url.remove_prefix(base.size());
  if (url.substr(0, kSlotPath.size()) != kSlotPath) return {};
  url.remove_prefix(kSlotPath.size());
  const size_t slash = url.find('/');
  if (slash == std::string_view::npos || slash == 0) return {};
  const std::string_view name = url.substr(slash + 1);
  for (unsigned char c : name) {  // one path segment, as SlotUrl writes it
    if (!IsUnreserved(c) && c != '%') return {};
  }
  return url.substr(0, slash);
}

}  // namespace parley::xmpp
