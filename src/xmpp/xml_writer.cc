#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace {

// Appends `text` escaped. Whitespace a reader would normalize away is written as a character
// reference: \r anywhere (line ends become \n), \t and \n in attributes (they become spaces).
void AppendEscaped(std::string& out, std::string_view text, bool attribute) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
      case '\n':
        if (attribute) {
          out += c == '\t' ? "&#9;" : "&#10;";
        } else {
          out += c;
        }
        break;
      default:
        // XML 1.0 has no way to carry the other controls, escaped or not.
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\xEF\xBF\xBD";  // U+FFFD
        } else {
          out += c;
        }
    }
  }
}

void Append(std::string& out, const XmlElement& element, std::string_view parent_ns) {
  out += '<';
  out += element.name;
  if (element.ns != parent_ns) {
    out += " xmlns='";
    AppendEscaped(out, element.ns, true);
    out += '\'';
  }
  for (const auto& [key, value] : element.attributes) {
    out += ' ';
    out += key;
    out += "='";
    AppendEscaped(out, value, true);
    out += '\'';
  }
  if (element.children.empty() && element.text.empty()) {
    out += "/>";
    return;
  }
  out += '>';
  AppendEscaped(out, element.text, false);
  for (const XmlElement& child : element.children) Append(out, child, element.ns);
  out += "</";
  out += element.name;
  out += '>';
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(out, text, true);
  return out;
}

std::string Serialize(const XmlElement& element, std::string_view parent_ns) {
  std::string out;
  Append(out, element, parent_ns);
  return out;
}

}  // namespace parley::xmpp
