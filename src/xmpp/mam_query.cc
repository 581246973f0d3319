#include "xmpp/mam_query.h"

#include <charconv>

#include "xmpp/xmpp_time.h"

namespace parley::xmpp {
namespace {

Status BadRequest(std::string text) { return Status(Code::kInvalidArgument, std::move(text)); }

// A decimal number of at most `digits` digits, nothing else.
std::optional<int64_t> Number(std::string_view text, size_t digits) {
  if (text.empty() || text.size() > digits) return std::nullopt;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// The one <value/> of a form field; nullopt when it has none or several.
std::optional<std::string_view> FieldValue(const XmlElement& field) {
  const XmlElement* value = nullptr;
  for (const XmlElement& child : field.children) {
    if (child.name != "value" || child.ns != kDataFormsNs) continue;
    if (value != nullptr) return std::nullopt;
    value = &child;
  }
  if (value == nullptr) return std::nullopt;
  return std::string_view(value->text);
}

Status ReadForm(const XmlElement& form, MamQuery& query, bool& has_with) {
  if (form.Attr("type") != "submit") return BadRequest("the query form is of type submit");
  for (const XmlElement& field : form.children) {
    if (field.name != "field" || field.ns != kDataFormsNs) continue;
    const std::string_view var = field.Attr("var");
    std::optional<std::string_view> value = FieldValue(field);
    if (!value) return BadRequest("the field '" + std::string(var) + "' has one value");
    if (var == "FORM_TYPE") {
      if (*value != kMamNs) return BadRequest("the form is of type urn:xmpp:mam:2");
    } else if (var == "with") {
      std::optional<Jid> jid = ParseJid(*value);
      if (!jid || jid->local.empty() || !jid->resource.empty()) {
        return BadRequest("with is a bare JID user@domain");
      }
      query.with = std::move(*jid);
      has_with = true;
    } else if (var == "start" || var == "end") {
      std::optional<int64_t> at = ParseDateTime(*value);
      if (!at) return BadRequest(std::string(var) + " is an XEP-0082 date-time");
      (var == "start" ? query.start : query.end) = at;
    } else {
      return BadRequest("unknown field '" + std::string(var).substr(0, 64) + "'");
    }
  }
  return Status::Ok();
}

Status ReadResultSet(const XmlElement& set, MamQuery& query) {
  bool has_after = false;
  for (const XmlElement& child : set.children) {
    if (child.ns != kRsmNs) continue;
    if (child.name == "max") {
      std::optional<int64_t> max = Number(child.text, 9);
      if (!max) return BadRequest("max is a number of at most 9 digits");
      query.max = static_cast<int>(std::min<int64_t>(*max, kMamMaxPage));
    } else if (child.name == "before") {
      query.backwards = true;
      if (child.text.empty()) continue;  // the last page
      query.before = Number(child.text, 18);
      if (!query.before || *query.before < 1) return Status(Code::kNotFound, "no such id");
    } else if (child.name == "after") {
      std::optional<int64_t> after = Number(child.text, 18);
      if (!after) return Status(Code::kNotFound, "no such id");
      query.after = *after;
      has_after = true;
    } else if (child.name == "index") {
      return BadRequest("index is not supported: page with before/after");
    }
  }
  if (query.backwards && has_after) return BadRequest("give before or after, not both");
  return Status::Ok();
}

}  // namespace

Result<MamQuery> ParseMamQuery(const XmlElement& element, MamArchive archive) {
  MamQuery query;
  query.query_id = std::string(element.Attr("queryid"));
  if (query.query_id.size() > 256) return BadRequest("queryid is at most 256 bytes");
  bool has_with = false;
  for (const XmlElement& child : element.children) {
    Status status = Status::Ok();
    if (child.name == "x" && child.ns == kDataFormsNs) {
      status = ReadForm(child, query, has_with);
    } else if (child.name == "set" && child.ns == kRsmNs) {
      status = ReadResultSet(child, query);
    } else {
      status = BadRequest("unsupported element <" + child.name.substr(0, 64) + "/> in the query");
    }
    if (!status.ok()) return status;
  }
  if (archive == MamArchive::kRoom && has_with) {
    return BadRequest("a room's archive is read whole: no with");
  }
  if (query.start && query.end && *query.start > *query.end) {
    return BadRequest("start is after end");
  }
  return query;
}

}  // namespace parley::xmpp
