#include "xmpp/muc_rooms.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace parley::xmpp {

std::string ConferenceDomain(std::string_view domain) {
  return "conference." + std::string(domain);
}

std::optional<int64_t> RoomIdOf(std::string_view local) {
  if (local.empty() || local.size() > 18 || local.front() == '0') return std::nullopt;
  int64_t id = 0;
  auto [end, error] = std::from_chars(local.data(), local.data() + local.size(), id);
  if (error != std::errc() || end != local.data() + local.size()) return std::nullopt;
  return id;
}

std::string RoomJid(int64_t group_id, std::string_view domain) {
  return std::to_string(group_id) + "@" + ConferenceDomain(domain);
}

std::string_view MucRoleOf(store::Role role) {
  return role == store::Role::kMember ? "participant" : "moderator";
}

XmlElement ServerDiscoItems(std::string_view domain) {
  XmlElement query(std::string(kDiscoItemsNs), "query");
  query.Add(XmlElement(std::string(kDiscoItemsNs), "item"))
      .Set("jid", ConferenceDomain(domain))
      .Set("name", "Parley groups");
  return query;
}

std::string XmppTimestamp(int64_t unix_millis) {
  const std::time_t seconds = static_cast<std::time_t>(unix_millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char out[80];  // ample for any int fields, so never truncated
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(unix_millis % 1000));
  return out;
}

}  // namespace parley::xmpp
