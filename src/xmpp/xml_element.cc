#include "xmpp/xml_element.h"

namespace parley::xmpp {

std::string_view XmlElement::Attr(std::string_view key) const {
  for (const auto& [k, v] : attributes) {
    if (k == key) return v;
  }
  return {};
}

bool XmlElement::HasAttr(std::string_view key) const {
  for (const auto& attribute : attributes) {
    if (attribute.first == key) return true;
  }
  return false;
}

XmlElement& XmlElement::Set(std::string key, std::string value) {
  for (auto& [k, v] : attributes) {
    if (k == key) {
      v = std::move(value);
      return *this;
    }
  }
  attributes.emplace_back(std::move(key), std::move(value));
  return *this;
}

const XmlElement* XmlElement::Child(std::string_view local_name, std::string_view ns_uri) const {
  for (const XmlElement& child : children) {
    if (child.name == local_name && child.ns == ns_uri) return &child;
  }
  return nullptr;
}

XmlElement& XmlElement::Add(XmlElement child) {
  children.push_back(std::move(child));
  return children.back();
}

XmlElement& XmlElement::AddText(std::string ns_uri, std::string local_name, std::string text) {
  XmlElement& child = Add(XmlElement(std::move(ns_uri), std::move(local_name)));
  child.text = std::move(text);
  return *this;
}

}  // namespace parley::xmpp
