// XEP-0082 date-times as XMPP carries them (MAM's start/end, XEP-0203 delay stamps), to and
// from Parley's timestamps (milliseconds since the Unix epoch, base/clock.h). Pure,
// thread-safe.
#ifndef PARLEY_XMPP_XMPP_TIME_H_
#define PARLEY_XMPP_XMPP_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::xmpp {

// "CCYY-MM-DDThh:mm:ss[.sss...]" then "Z" or "+hh:mm"/"-hh:mm"; fractions past milliseconds
// are cut. nullopt for anything else: a missing zone, a day the month does not have, a year
// before 1970 or after 9999, trailing text.
std::optional<int64_t> ParseDateTime(std::string_view text);

// "CCYY-MM-DDThh:mm:ss.sssZ" (UTC).
std::string FormatDateTime(int64_t millis);

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_XMPP_TIME_H_
