// GroupEventText: the stored text of a group event (chat/groups/group_rules.h, GroupEvent), the
// JSON object that a kEvent message carries and clients read (docs/protocol.md, "Group
// events"): `type` and `actor`, then only the fields the event's type uses. Pure; thread-safe.
#ifndef PARLEY_CHAT_GROUPS_GROUP_EVENT_TEXT_H_
#define PARLEY_CHAT_GROUPS_GROUP_EVENT_TEXT_H_

#include <string>

#include "chat/groups/group_rules.h"

namespace parley::chat {

std::string GroupEventText(const GroupEvent& event);

}  // namespace parley::chat

#endif  // PARLEY_CHAT_GROUPS_GROUP_EVENT_TEXT_H_
