#include "mail/compose.h"

#include <sodium.h>

#include <algorithm>
#include <ctime>

#include "base/utf8.h"

namespace parley::mail {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr size_t kBase64LineChars = 76;

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f;
  });
}

// RFC 2047: one or more "=?UTF-8?B?...?=" words, each from whole UTF-8 characters and short
// enough for a 76-character line.
std::string EncodedWords(std::string_view text) {
  constexpr size_t kChunkBytes = 45;  // 60 base64 characters, 72 with the markers
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = std::min(text.size(), at + kChunkBytes);
    // Never split a character: back up to a lead byte.
    while (end < text.size() && end > at &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

std::string RfcDate(int64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char text[64];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return text;
}

}  // namespace

bool IsPlainAddress(std::string_view address) {
  if (address.empty() || address.size() > kMaxAddressBytes) return false;
  const size_t at = address.find('@');
  if (at == 0 || at == std::string_view::npos || at != address.rfind('@') ||
      at + 1 == address.size()) {
    return false;
  }
  const std::string_view domain = address.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(address.begin(), address.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f &&
           std::string_view("\"<>()[],;:\\").find(c) == std::string_view::npos;
  });
}

Status CheckMail(const Mail& mail) {
  if (!IsPlainAddress(mail.to)) return Status(Code::kInvalidArgument, "not an e-mail address");
  if (mail.subject.size() > kMaxSubjectBytes ||
      mail.subject.find_first_of("\r\n") != std::string::npos || !IsValidUtf8(mail.subject)) {
    return Status(Code::kInvalidArgument, "a subject is one line of UTF-8, at most 200 bytes");
  }
  if (mail.text.size() > kMaxTextBytes || !IsValidUtf8(mail.text)) {
    return Status(Code::kInvalidArgument, "the text must be UTF-8, at most 64 KiB");
  }
  return Status::Ok();
}

Result<std::string> ComposeMessage(const Mail& mail, std::string_view from, int64_t now_unix_s,
                                   std::string_view message_id_token) {
  if (Status s = CheckMail(mail); !s.ok()) return s;
  if (!IsPlainAddress(from)) return Status(Code::kInvalidArgument, "bad sender address");
  const std::string_view domain = from.substr(from.find('@') + 1);
  std::string out;
  out += "Date: " + RfcDate(now_unix_s) + std::string(kCrlf);
  out += "From: <" + std::string(from) + ">" + std::string(kCrlf);
  out += "To: <" + mail.to + ">" + std::string(kCrlf);
  out += "Subject: " + (IsAscii(mail.subject) ? mail.subject : EncodedWords(mail.subject)) +
         std::string(kCrlf);
  out += "Message-ID: <" + std::string(message_id_token) + "@" + std::string(domain) + ">" +
         std::string(kCrlf);
  out +=
      "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n";
  // The body with CRLF line ends, then base64 in lines of 76 characters.
  std::string body;
  for (char c : mail.text) {
    if (c == '\n' && (body.empty() || body.back() != '\r')) body += '\r';
    body += c;
  }
  const std::string encoded = Base64(body);
  for (size_t at = 0; at < encoded.size(); at += kBase64LineChars) {
    out += encoded.substr(at, kBase64LineChars) + std::string(kCrlf);
  }
  return out;
}

}  // namespace parley::mail
