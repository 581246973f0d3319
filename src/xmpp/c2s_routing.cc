// C2sSession: the domain's events, as XmppFrameEncoder made them, completed with the JIDs
// this session knows, and dropped when they are not for XMPP (yet): the user's own presence,
// the user's own messages unless carbons are on (c2s_carbons.cc) and group messages (no MUC
// yet). Frames that name a user or a conversation the session does not know wait, in order,
// while it reads them (Resolve).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <unordered_set>

#include "net/blocking.h"
#include "xmpp/c2s_session.h"
#include "xmpp/subscription_frames.h"
#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using asio::awaitable;

void C2sSession::Remember(int64_t user_id, const std::string& username) {
  usernames_[user_id] = username;
  std::string key = username;
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  user_ids_[key] = user_id;
}

int64_t C2sSession::OtherSide(const xmpp::Route& route) const {
  // A closed request names both sides: the other one is the subject.
  if (route.kind == 'q' && route.user_id == user_id_) return route.conversation_id;
  return route.user_id;
}

void C2sSession::RouteFrame(chat::SharedFrame frame) {
  if (phase_ != Phase::kBound) return;  // attached only once bound
  if (resolving_) {
    pending_.push_back(std::move(frame));
    return;
  }
  std::optional<xmpp::Route> route = ReadRoute(*frame);
  if (!route) return;
  LearnDirect(*route);
  switch (Decide(*route)) {
    case Decision::kWrite:
      Write(*route, frame);
      break;
    case Decision::kDrop:
      break;
    case Decision::kResolve:
      pending_.push_back(std::move(frame));
      resolving_ = true;
      asio::co_spawn(
          executor_, [self = shared_from_this()] { return self->Resolve(); }, asio::detached);
      break;
  }
}

void C2sSession::LearnDirect(const xmpp::Route& route) {
  if (route.kind != 'm' || route.direct_recipient_id == 0) return;
  const int64_t peer = route.user_id == user_id_ ? route.direct_recipient_id : route.user_id;
  if (route.user_id != user_id_ && route.direct_recipient_id != user_id_) return;
  auto [known, inserted] = direct_peer_.try_emplace(route.conversation_id, peer);
  if (!inserted && known->second == peer) return;  // the usual case: nothing to write
  known->second = peer;
  direct_with_[peer] = route.conversation_id;
}

C2sSession::Decision C2sSession::Decide(const xmpp::Route& route) const {
  switch (route.kind) {
    case 'x':
      return Decision::kWrite;
    case 'r':
      return usernames_.contains(route.user_id) ? Decision::kWrite : Decision::kDrop;
    case 'q':
      return usernames_.contains(OtherSide(route)) ? Decision::kWrite : Decision::kResolve;
    case 'p':
      if (route.user_id == user_id_) return Decision::kDrop;
      return usernames_.contains(route.user_id) ? Decision::kWrite : Decision::kResolve;
    case 'a':
      return Decision::kWrite;  // Reflect drops what is not a groupchat send of this session
    case 'g':
    case 'o':  // a joined room's: the usernames are the room's own (c2s_muc_events.cc)
      return joined_rooms_.contains(route.conversation_id) ? Decision::kWrite : Decision::kDrop;
    case 'c': {  // a contact's cursors in the direct conversation with them
      if (route.user_id == user_id_) return Decision::kDrop;
      auto conversation = direct_peer_.find(route.conversation_id);
      if (conversation == direct_peer_.end()) return Decision::kResolve;
      if (conversation->second != route.user_id) return Decision::kDrop;  // a group
      return usernames_.contains(route.user_id) ? Decision::kWrite : Decision::kResolve;
    }
    case 'm': {
      if (joined_rooms_.contains(route.conversation_id)) {  // a group's, in a room joined
        return usernames_.contains(route.user_id) ? Decision::kWrite : Decision::kResolve;
      }
      auto conversation = direct_peer_.find(route.conversation_id);
      if (route.user_id == user_id_) {  // sent from another device: a carbon, if enabled
        if (!carbons_) return Decision::kDrop;
        if (conversation == direct_peer_.end()) return Decision::kResolve;
        if (conversation->second == 0) return Decision::kDrop;  // a group
        return usernames_.contains(conversation->second) ? Decision::kWrite : Decision::kResolve;
      }
      if (conversation == direct_peer_.end()) return Decision::kResolve;
      if (conversation->second != route.user_id) return Decision::kDrop;  // a group
      return usernames_.contains(route.user_id) ? Decision::kWrite : Decision::kResolve;
    }
    default:
      return Decision::kDrop;
  }
}

void C2sSession::Write(const xmpp::Route& route, const chat::SharedFrame& frame) {
  const size_t tail_offset = static_cast<size_t>(route.tail.data() - frame->data());
  switch (route.kind) {
    case 'x':
      Queue(Outgoing{"", frame, tail_offset, {}});
      return;
    case 'r': {
      const std::string jid = XmlEscape(usernames_.at(route.user_id) + "@" + options_.domain);
      Send("<iq type='set' id='roster-" + std::to_string(++next_id_) +
           "'><query xmlns='jabber:iq:roster'><item jid='" + jid +
           "' subscription='remove'/></query></iq>");
      return;
    }
    case 'q': {
      const std::string other = usernames_.at(OtherSide(route)) + "@" + options_.domain;
      std::string stanzas =
          RequestClosedStanzas(user_id_, route.user_id, route.tail, other, ++next_id_);
      if (!stanzas.empty()) Send(std::move(stanzas));
      return;
    }
    case 'a':
      Reflect(route);
      return;
    case 'g':
    case 'o':
      WriteRoomEvent(route);
      return;
    case 'c':
      WriteMarkers(route);
      return;
    case 'm':
      if (joined_rooms_.contains(route.conversation_id)) {
        WriteGroupchat(route, frame);
        return;
      }
      if (route.user_id == user_id_) {
        WriteCarbon(route, frame);
        return;
      }
      [[fallthrough]];
    case 'p': {
      if (route.kind == 'p') ForwardPresenceToRooms(route);
      const std::string element = route.kind == 'p' ? "<presence from='" : "<message from='";
      Queue(Outgoing{element + XmlEscape(usernames_.at(route.user_id) + "@" + options_.domain),
                     frame,
                     tail_offset,
                     {}});
      return;
    }
  }
}

// Reads what the pending frames need (the user's conversations, the senders' usernames) on a
// worker, then routes them in order; frames that came in meanwhile and need more get another
// round. What is still unknown after the last round is not this user's direct chat: dropped.
awaitable<void> C2sSession::Resolve() {
  constexpr int kRounds = 3;
  for (int round = 1; round <= kRounds && !pending_.empty() && !closing_; ++round) {
    std::unordered_set<int64_t> users;
    bool conversations = false;
    for (const chat::SharedFrame& frame : pending_) {
      std::optional<xmpp::Route> route = ReadRoute(*frame);
      if (route) LearnDirect(*route);
      const int64_t subject = route ? OtherSide(*route) : 0;
      if (subject == 0) continue;
      const bool own = subject == user_id_;  // a carbon's: the contact is needed
      if (!own && !usernames_.contains(subject)) users.insert(subject);
      if (route->kind != 'm' && route->kind != 'c') continue;
      auto conversation = direct_peer_.find(route->conversation_id);
      if (conversation == direct_peer_.end()) {
        conversations = true;
      } else if (own && conversation->second != 0 && !usernames_.contains(conversation->second)) {
        users.insert(conversation->second);
      }
    }
    auto reading = net::OnWorker(services_.workers, [this, &users, conversations] {
      std::vector<store::User> profiles;
      for (int64_t id : users) {
        if (Result<store::User> user = services_.social.Profile(id); user.ok()) {
          profiles.push_back(std::move(*user));
        }
      }
      std::vector<store::ConversationSummary> summaries;
      if (conversations) {
        if (auto listed = services_.chat.ConversationStates(user_id_); listed.ok()) {
          summaries = std::move(*listed);
        }
      }
      return std::make_pair(std::move(profiles), std::move(summaries));
    });
    auto [profiles, summaries] = co_await std::move(reading);
    for (const store::User& user : profiles) Remember(user.id, user.username);
    for (const store::ConversationSummary& summary : summaries) {
      const bool direct =
          summary.kind == store::ConversationKind::kDirect && !summary.others.empty();
      const int64_t peer = direct ? summary.others.front().user_id : 0;
      direct_peer_[summary.id] = peer;
      if (direct) direct_with_[peer] = summary.id;
    }
    // Frames that arrived during the read are in pending_ too, in order.
    std::deque<chat::SharedFrame> frames = std::move(pending_);
    pending_.clear();
    for (chat::SharedFrame& frame : frames) {
      std::optional<xmpp::Route> route = ReadRoute(*frame);
      if (!route) continue;
      if (round == kRounds && (route->kind == 'm' || route->kind == 'c') &&
          !direct_peer_.contains(route->conversation_id)) {
        direct_peer_[route->conversation_id] = 0;
      }
      const Decision decision = Decide(*route);
      if (decision == Decision::kResolve && round < kRounds) {
        pending_.push_back(std::move(frame));
      } else if (decision == Decision::kWrite && pending_.empty()) {
        Write(*route, frame);
      } else if (decision == Decision::kWrite) {
        pending_.push_back(std::move(frame));  // stays behind an earlier frame, in order
      }
    }
  }
  pending_.clear();
  resolving_ = false;
}

}  // namespace parley::xmpp
