#include "xmpp/xml_stream_reader.h"

#include <expat.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "xmpp/namespaces.h"

namespace parley::xmpp {
namespace {

constexpr char kSeparator = '\x01';   // between namespace URI and local name in expat's names
constexpr size_t kSliceBytes = 1024;  // fed to expat at once, so the size limit bites in time

XmlStreamReader* ReaderOf(void* user_data) { return static_cast<XmlStreamReader*>(user_data); }

// "uri\x01local" -> {uri, local}; a name without a namespace has an empty uri.
std::pair<std::string, std::string> SplitName(const char* expat_name) {
  std::string_view name(expat_name);
  size_t at = name.find(kSeparator);
  if (at == std::string_view::npos) return {"", std::string(name)};
  return {std::string(name.substr(0, at)), std::string(name.substr(at + 1))};
}

std::string AttributeName(const char* expat_name) {
  auto [ns, local] = SplitName(expat_name);
  if (ns.empty()) return local;
  if (ns == kXmlNs) return "xml:" + local;
  return "{" + ns + "}" + local;
}

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

extern "C" {
void StartHandler(void* data, const XML_Char* name, const XML_Char** attributes) {
  ReaderOf(data)->OnStart(name, attributes);
}
void EndHandler(void* data, const XML_Char* name) { ReaderOf(data)->OnEnd(name); }
void TextHandler(void* data, const XML_Char* text, int length) {
  ReaderOf(data)->OnText(text, length);
}
void NamespaceHandler(void* data, const XML_Char* prefix, const XML_Char* uri) {
  ReaderOf(data)->OnNamespace(prefix, uri);
}
void XmlDeclHandler(void* data, const XML_Char*, const XML_Char* encoding, int) {
  ReaderOf(data)->OnXmlDecl(encoding);
}
void DoctypeHandler(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  ReaderOf(data)->Refuse(StreamCondition::kRestrictedXml, "a DTD");
}
void EntityDeclHandler(void* data, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                       const XML_Char*, const XML_Char*, const XML_Char*) {
  ReaderOf(data)->Refuse(StreamCondition::kRestrictedXml, "an entity declaration");
}
void SkippedEntityHandler(void* data, const XML_Char*, int) {
  ReaderOf(data)->Refuse(StreamCondition::kRestrictedXml, "an entity reference");
}
void ProcessingInstructionHandler(void* data, const XML_Char*, const XML_Char*) {
  ReaderOf(data)->Refuse(StreamCondition::kRestrictedXml, "a processing instruction");
}
void CommentHandler(void* data, const XML_Char*) {
  ReaderOf(data)->Refuse(StreamCondition::kRestrictedXml, "a comment");
}
}

}  // namespace

XmlStreamReader::XmlStreamReader(XmlLimits limits) : limits_(limits), tokens_(limits.stanza_burst) {
  CreateParser();
}

XmlStreamReader::~XmlStreamReader() { XML_ParserFree(parser_); }

void XmlStreamReader::CreateParser() {
  if (parser_ != nullptr) XML_ParserFree(parser_);
  // The encoding is fixed to UTF-8 whatever the document declares (OnXmlDecl refuses others).
  parser_ = XML_ParserCreateNS("UTF-8", kSeparator);
  XML_SetUserData(parser_, this);
  XML_SetElementHandler(parser_, StartHandler, EndHandler);
  XML_SetCharacterDataHandler(parser_, TextHandler);
  XML_SetStartNamespaceDeclHandler(parser_, NamespaceHandler);
  XML_SetXmlDeclHandler(parser_, XmlDeclHandler);
  XML_SetStartDoctypeDeclHandler(parser_, DoctypeHandler);
  XML_SetEntityDeclHandler(parser_, EntityDeclHandler);
  XML_SetSkippedEntityHandler(parser_, SkippedEntityHandler);
  XML_SetProcessingInstructionHandler(parser_, ProcessingInstructionHandler);
  XML_SetCommentHandler(parser_, CommentHandler);
  XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);
  depth_ = 0;
  default_ns_.reset();
  stanza_ = XmlElement();
  open_.clear();
  fed_bytes_ = 0;
  boundary_ = 0;
}

void XmlStreamReader::Restart() {
  if (!failure_) CreateParser();
}

FeedResult XmlStreamReader::Feed(std::string_view bytes, int64_t now_ms) {
  if (failure_) return *failure_;
  now_ms_ = now_ms;
  events_.clear();
  // Expat honours a UTF-16 byte order mark over the encoding it was given; 0xFE and 0xFF are
  // never UTF-8, so a stream starting with either is refused here.
  if (fed_bytes_ == 0 && !bytes.empty() &&
      (static_cast<unsigned char>(bytes[0]) == 0xFE ||
       static_cast<unsigned char>(bytes[0]) == 0xFF)) {
    Fail(StreamCondition::kUnsupportedEncoding, "only UTF-8 is read");
    return *failure_;
  }
  // NUL is never XML; expat would take "<\0" for UTF-16 without a byte order mark.
  if (bytes.find('\0') != std::string_view::npos) {
    Fail(StreamCondition::kNotWellFormed, "a NUL byte");
    return *failure_;
  }
  while (!bytes.empty() && !failure_) {
    const std::string_view slice = bytes.substr(0, kSliceBytes);
    bytes.remove_prefix(slice.size());
    fed_bytes_ += static_cast<int64_t>(slice.size());
    if (XML_Parse(parser_, slice.data(), static_cast<int>(slice.size()), XML_FALSE) !=
            XML_STATUS_OK &&
        !failure_) {
      const XML_Error code = XML_GetErrorCode(parser_);
      Fail(code == XML_ERROR_UNKNOWN_ENCODING || code == XML_ERROR_INCORRECT_ENCODING
               ? StreamCondition::kUnsupportedEncoding
               : StreamCondition::kNotWellFormed,
           XML_ErrorString(code));
    }
    if (!failure_ && fed_bytes_ - boundary_ > static_cast<int64_t>(limits_.max_stanza_bytes)) {
      Fail(StreamCondition::kPolicyViolation, "stanza too large");
    }
  }
  if (failure_) return *failure_;
  return std::move(events_);
}

void XmlStreamReader::Fail(StreamCondition condition, std::string text) {
  if (failure_) return;
  failure_ = StreamFailure{condition, std::move(text)};
  XML_StopParser(parser_, XML_FALSE);
}

void XmlStreamReader::Refuse(StreamCondition condition, const char* what) {
  Fail(condition, std::string(what) + " is not allowed in an XMPP stream");
}

void XmlStreamReader::MarkBoundary() {
  boundary_ = XML_GetCurrentByteIndex(parser_) + XML_GetCurrentByteCount(parser_);
}

bool XmlStreamReader::TakeRateToken() {
  if (refilled_at_ms_ >= 0 && now_ms_ > refilled_at_ms_) {
    tokens_ = std::min(limits_.stanza_burst,
                       tokens_ + (now_ms_ - refilled_at_ms_) * limits_.stanzas_per_second / 1000);
  }
  refilled_at_ms_ = now_ms_;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

void XmlStreamReader::OnXmlDecl(const char* encoding) {
  if (encoding != nullptr && !EqualsIgnoringCase(encoding, "UTF-8")) {
    Fail(StreamCondition::kUnsupportedEncoding, "only UTF-8 is read");
  }
}

void XmlStreamReader::OnNamespace(const char* prefix, const char* uri) {
  if (failure_ || depth_ != 0 || prefix != nullptr) return;
  default_ns_ = uri == nullptr ? "" : uri;
}

void XmlStreamReader::OnStart(const char* name, const char** attributes) {
  if (failure_) return;
  auto [ns, local] = SplitName(name);
  if (depth_ == 0) {
    if (ns != kStreamNs || local != "stream") {
      Fail(StreamCondition::kInvalidNamespace, "the stream must be a stream:stream");
      return;
    }
    if (default_ns_ != kClientNs) {
      Fail(StreamCondition::kInvalidNamespace, "the stream's namespace must be jabber:client");
      return;
    }
  } else if (depth_ == 1) {
    if ((local == "message" || local == "presence" || local == "iq") != (ns == kClientNs)) {
      Fail(StreamCondition::kInvalidNamespace, "stanzas are in jabber:client");
      return;
    }
    boundary_ = XML_GetCurrentByteIndex(parser_);
  } else if (depth_ > limits_.max_depth) {
    Fail(StreamCondition::kPolicyViolation, "stanza nested too deep");
    return;
  }
  XmlElement element(std::move(ns), std::move(local));
  int count = 0;
  for (const char** a = attributes; *a != nullptr; a += 2) {
    if (++count > limits_.max_attributes) {
      Fail(StreamCondition::kPolicyViolation, "too many attributes");
      return;
    }
    element.attributes.emplace_back(AttributeName(a[0]), a[1]);
  }
  ++depth_;
  if (depth_ == 1) {
    events_.push_back(xml_events::StreamOpened{std::move(element)});
    MarkBoundary();
  } else if (depth_ == 2) {
    stanza_ = std::move(element);
    open_.assign(1, &stanza_);
  } else {
    open_.push_back(&open_.back()->Add(std::move(element)));
  }
}

void XmlStreamReader::OnEnd(const char*) {
  if (failure_) return;
  --depth_;
  if (depth_ == 0) {
    events_.push_back(xml_events::StreamClosed{});
    return;
  }
  open_.pop_back();
  if (depth_ > 1) return;
  MarkBoundary();
  if (!TakeRateToken()) {
    Fail(StreamCondition::kPolicyViolation, "too many stanzas per second");
    return;
  }
  events_.push_back(xml_events::Stanza{std::move(stanza_)});
  stanza_ = XmlElement();
}

void XmlStreamReader::OnText(const char* text, int length) {
  if (failure_) return;
  if (depth_ >= 2) {
    open_.back()->text.append(text, static_cast<size_t>(length));
    return;
  }
  // Between stanzas only whitespace (keepalives) may appear.
  if (!std::all_of(text, text + length, IsXmlSpace)) {
    Fail(StreamCondition::kBadFormat, "text outside a stanza");
    return;
  }
  MarkBoundary();
}

}  // namespace parley::xmpp
