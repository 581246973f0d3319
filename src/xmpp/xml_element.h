// XmlElement: one XMPP stanza (or stream-level element) as a small tree, as the stream reader
// (xml_stream_reader.h) builds it and the writer (xml_writer.h) serializes it.
//
// Names are split: `ns` is the namespace URI, `name` the local name. Attribute names are local
// names, except xml:lang, kept under that name; other namespaced attributes are named
// "{uri}local". Text is the concatenated character data directly inside the element (XMPP
// payloads are not mixed content). A plain value: copyable, no behaviour beyond look-ups.
#ifndef PARLEY_XMPP_XML_ELEMENT_H_
#define PARLEY_XMPP_XML_ELEMENT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::xmpp {

struct XmlElement {
  std::string ns;
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<XmlElement> children;
  std::string text;

  XmlElement() = default;
  XmlElement(std::string ns_uri, std::string local_name)
      : ns(std::move(ns_uri)), name(std::move(local_name)) {}

  // The attribute's value; empty when absent.
  std::string_view Attr(std::string_view key) const;
  bool HasAttr(std::string_view key) const;
  // Sets (or replaces) an attribute; returns *this to chain.
  XmlElement& Set(std::string key, std::string value);
  // The first child with this local name and namespace; null if none.
  const XmlElement* Child(std::string_view local_name, std::string_view ns_uri) const;
  // Appends a child and returns it.
  XmlElement& Add(XmlElement child);
  // Appends a child with only text (<body>hi</body>) and returns *this.
  XmlElement& AddText(std::string ns_uri, std::string local_name, std::string text);
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_XML_ELEMENT_H_
