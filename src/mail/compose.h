// ComposeMessage: the RFC 5322 bytes of a Mail: Date, From, To, Subject (an RFC 2047
// encoded-word when not plain ASCII), Message-ID, MIME-Version and a text/plain UTF-8 body in
// base64 (so no line is too long and no body line can end the SMTP DATA). Lines end in CRLF.
//
// The rules that keep outside input from forging headers or recipients: an address is
// `local@domain` of printable ASCII without spaces, quotes, angle brackets, commas or
// semicolons, at most 254 bytes; a subject has no CR or LF and at most 200 bytes; the text is
// valid UTF-8 of at most 64 KiB. Anything else is kInvalidArgument. Pure functions.
#ifndef PARLEY_MAIL_COMPOSE_H_
#define PARLEY_MAIL_COMPOSE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "mail/mail.h"

namespace parley::mail {

inline constexpr size_t kMaxAddressBytes = 254;
inline constexpr size_t kMaxSubjectBytes = 200;
inline constexpr size_t kMaxTextBytes = 64 * 1024;

// Whether `address` is a plain `local@domain` (see above).
bool IsPlainAddress(std::string_view address);

Status CheckMail(const Mail& mail);

// `from` must be a plain address too; `now_unix_s` and `message_id_token` (letters and digits)
// make the Date and Message-ID headers.
Result<std::string> ComposeMessage(const Mail& mail, std::string_view from, int64_t now_unix_s,
                                   std::string_view message_id_token);

}  // namespace parley::mail

#endif  // PARLEY_MAIL_COMPOSE_H_
