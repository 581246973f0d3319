// The authorization table of docs/protocol.md ("Authorization"), performed cell by cell against
// a real parleyd (direct messages require friendship, the default). The test reads the table
// from the document itself, so the documented rules and the server cannot drift apart: every
// row must name an action this test knows, and every action must have a row.
//
// Each cell runs on fresh state: user rows on a new pair of users set up in the relation the
// column names; group rows on a new group (owner, an admin, a member, a target member and a
// target admin, all of them the owner's friends) acted on by the user holding the column's role;
// sticker pack rows on a new pack with one sticker, acted on by its owner, a user who collected
// it (the `member` column) or a stranger.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

const std::vector<std::string> kColumns = {"stranger", "friend", "blocked",     "member",
                                           "admin",    "owner",  "server admin"};

// The table between the authorization-table markers: action -> column -> expected outcome.
using Table = std::map<std::string, std::map<std::string, std::string>>;

std::string Trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

Result<Table> ReadTable() {
  std::ifstream file(std::string(PARLEY_SOURCE_DIR) + "/docs/protocol.md");
  if (!file) return Status(Code::kNotFound, "docs/protocol.md not readable");
  Table table;
  std::string line;
  bool inside = false;
  while (std::getline(file, line)) {
    if (line.find("authorization-table: begin") != std::string::npos) inside = true;
    if (line.find("authorization-table: end") != std::string::npos) break;
    if (!inside || line.rfind("| ", 0) != 0 || line.rfind("| action", 0) == 0) continue;
    std::vector<std::string> cells;
    std::stringstream row(line.substr(1));
    std::string cell;
    while (std::getline(row, cell, '|')) cells.push_back(Trim(cell));
    if (cells.size() < kColumns.size() + 1) {
      return Status(Code::kMalformed, "short table row: " + line);
    }
    for (size_t i = 0; i < kColumns.size(); ++i) table[cells[0]][kColumns[i]] = cells[i + 1];
  }
  if (table.empty()) return Status(Code::kNotFound, "no authorization table in protocol.md");
  return table;
}

std::string Outcome(const Status& status) {
  return status.ok() ? "ok" : std::string(CodeName(status.code()));
}
template <typename T>
std::string Outcome(const Result<T>& result) {
  return Outcome(result.ok() ? Status::Ok() : result.status());
}

class AuthorizationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Every cell logs in fresh users from 127.0.0.1: lift the per-address login limit.
    auto server = ServerProcess::Start(ServerProcess::Options{
        {"--direct-messages-require-friendship", "true", "--group-adds-require-friendship", "true",
         "--login-attempts-per-address", "100000"}});
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    auto root = CreateUser(*server_, "root");  // the server admin, by the setup token
    ASSERT_TRUE(IsOk(root));
    ASSERT_TRUE(IsOk(ClaimAdminSetup(*server_, *root)));
    root_ = *root;
  }

  TestUser NewUser(const std::string& prefix) {
    auto user = CreateUser(*server_, prefix + std::to_string(++counter_));
    EXPECT_TRUE(IsOk(user));
    return user.ok() ? *user : TestUser{};
  }

  // `a` and `b` become friends.
  void Befriend(const TestUser& a, const TestUser& b) {
    EXPECT_TRUE(IsOk(ApiFor(*server_, &a)->SendFriendRequest(b.id)));
    EXPECT_TRUE(IsOk(ApiFor(*server_, &b)->AcceptFriendRequest(a.id)));
  }

  // --- user actions: `actor` acts on `target`, in the relation `column` ---
  std::string UserAction(const std::string& action, const std::string& column) {
    TestUser actor = NewUser("actor");
    TestUser target = NewUser("target");
    auto actor_api = ApiFor(*server_, &actor);
    auto target_api = ApiFor(*server_, &target);
    if (column == "friend") {
      EXPECT_TRUE(IsOk(actor_api->SendFriendRequest(target.id)));
      EXPECT_TRUE(IsOk(target_api->AcceptFriendRequest(actor.id)));
    } else if (column == "blocked") {
      EXPECT_TRUE(IsOk(target_api->Block(actor.id)));
    }
    if (action == "send a direct message") {
      auto ws = ConnectUser(*server_, actor);
      if (!ws.ok()) return "connect failed";
      return Outcome((*ws)->SendToUser(target.id, "hello"));
    }
    if (action == "send a friend request") return Outcome(actor_api->SendFriendRequest(target.id));
    if (action == "read the public profile") return Outcome(actor_api->UserById(target.id));
    if (action == "report the user") return Outcome(actor_api->ReportUser(target.id, "why"));
    if (action == "create a group with the user") {
      return Outcome(actor_api->CreateGroup("With", {target.id}));
    }
    if (action == "add the user to my group") {
      auto group = actor_api->CreateGroup("Mine", {});
      if (!group.ok()) return "create failed: " + Outcome(group);
      return Outcome(actor_api->AddGroupMembers(group->at("id").get<int64_t>(), {target.id}));
    }
    if (action.find("moment") != std::string::npos) return MomentAction(action, actor, target);
    return "unknown action";
  }

  // A moment action of `actor` on a moment `target` posted (the relation is set up already).
  std::string MomentAction(const std::string& action, const TestUser& actor,
                           const TestUser& target) {
    auto actor_api = ApiFor(*server_, &actor);
    nlohmann::json fields = {{"text", "my moment"}};
    if (action == "see the user's moment when left out of its audience") {
      fields["audience"] = {{"mode", "except"}, {"users", {actor.id}}};
    }
    auto moment = ApiFor(*server_, &target)->PostMoment(fields);
    if (!moment.ok()) return "post failed: " + Outcome(moment);
    const int64_t id = moment->at("id").get<int64_t>();
    if (action == "like the user's moment") return Outcome(actor_api->LikeMoment(id));
    if (action == "comment on the user's moment") {
      return Outcome(actor_api->CommentMoment(id, "nice"));
    }
    if (action == "delete the user's moment") return Outcome(actor_api->DeleteMoment(id));
    return Outcome(actor_api->Moment(id));
  }

  // --- server actions: an ordinary user ("stranger") or the server admin ---
  std::string ServerAction(const std::string& action, const std::string& column) {
    const TestUser actor = column == "server admin" ? root_ : NewUser("plain");
    TestUser someone = NewUser("someone");
    auto api = ApiFor(*server_, &actor);
    if (action == "send a system notice") {
      const std::vector<int64_t> to = {someone.id};
      return Outcome(api->SendNotice("notice", to));
    }
    if (action == "grant the admin role") return Outcome(api->SetAdmin(someone.id, true));
    if (action == "list and search users") return Outcome(api->AdminUsers("some"));
    if (action == "show a user's sessions") return Outcome(api->AdminUser(someone.id));
    if (action == "disable an account") return Outcome(api->AdminUserAction(someone.id, "disable"));
    if (action == "enable an account") return Outcome(api->AdminUserAction(someone.id, "enable"));
    if (action == "force a password reset") {
      return Outcome(api->AdminUserAction(someone.id, "password-reset"));
    }
    if (action == "revoke a user's sessions") return Outcome(api->AdminRevokeSessions(someone.id));
    if (action == "delete an account") return Outcome(api->AdminDeleteUser(someone.id));
    if (action == "read server statistics") return Outcome(api->AdminStats());
    if (action == "read the audit log") return Outcome(api->AuditLog());
    if (action == "list reports") return Outcome(api->AdminReports());
    if (action == "resolve a report") {
      auto report = ApiFor(*server_, &someone)->ReportUser(root_.id, "why");
      if (!report.ok()) return "report failed: " + Outcome(report);
      return Outcome(api->ResolveReport(report->at("id").get<int64_t>(), "dismiss"));
    }
    if (action == "show a group" || action == "delete a reported group") {
      auto group = ApiFor(*server_, &someone)->CreateGroup("Reported", {}, "", true);
      if (!group.ok()) return "create failed: " + Outcome(group);
      const int64_t group_id = group->at("id").get<int64_t>();
      if (action == "show a group") return Outcome(api->AdminGroup(group_id));
      auto report = ApiFor(*server_, &root_)->ReportGroup(group_id, "why");
      if (!report.ok()) return "report failed: " + Outcome(report);
      return Outcome(api->ResolveReport(report->at("id").get<int64_t>(), "delete_group"));
    }
    return "unknown action";
  }

  // --- group actions: the holder of `column` acts on a fresh group ---
  std::string GroupAction(const std::string& action, const std::string& column) {
    TestUser owner = NewUser("owner");
    TestUser admin = NewUser("admin");
    TestUser member = NewUser("member");
    TestUser target = NewUser("tmember");
    TestUser target_admin = NewUser("tadmin");
    TestUser stranger = NewUser("stranger");
    TestUser newcomer = NewUser("newcomer");
    auto owner_api = ApiFor(*server_, &owner);
    // Creators and admins put only their friends into groups.
    for (const TestUser* friend_of_owner : {&admin, &member, &target, &target_admin, &newcomer}) {
      Befriend(owner, *friend_of_owner);
    }
    Befriend(admin, newcomer);
    auto created =
        owner_api->CreateGroup("Authz", {admin.id, member.id, target.id, target_admin.id});
    if (!created.ok()) return "create failed: " + Outcome(created);
    const int64_t group = created->at("id").get<int64_t>();
    EXPECT_TRUE(IsOk(owner_api->SetGroupRole(group, admin.id, "admin")));
    EXPECT_TRUE(IsOk(owner_api->SetGroupRole(group, target_admin.id, "admin")));

    const std::map<std::string, TestUser> actors = {{"stranger", stranger},
                                                    {"member", member},
                                                    {"admin", admin},
                                                    {"owner", owner},
                                                    {"server admin", root_}};
    const TestUser& actor = actors.at(column);
    auto api = ApiFor(*server_, &actor);
    if (action == "read group history") return Outcome(api->History(group));
    if (action == "send into the group" || action == "send typing in the group") {
      auto ws = ConnectUser(*server_, actor);
      if (!ws.ok()) return "connect failed";
      if (action == "send into the group") return Outcome((*ws)->SendToConversation(group, "hi"));
      if (!(*ws)->Send(json{{"type", "typing"}, {"conversation_id", group}}).ok()) {
        return "send failed";
      }
      // Frames of a session are answered in order: an error for the typing frame comes
      // before the pong.
      if (!(*ws)->SendRaw(client::PingFrame("after-typing")).ok()) return "send failed";
      auto reply = (*ws)->WaitFor([](const json& frame) {
        return client::IsType(frame, "error") || client::IsType(frame, "pong");
      });
      if (!reply.ok()) return "no reply";
      return client::IsType(*reply, "pong") ? "ok" : reply->value("code", std::string("?"));
    }
    if (action == "read group info and members") return Outcome(api->GroupInfo(group));
    if (action == "add a member") return Outcome(api->AddGroupMembers(group, {newcomer.id}));
    if (action == "remove a member") return Outcome(api->RemoveGroupMember(group, target.id));
    if (action == "remove an admin") {
      return Outcome(api->RemoveGroupMember(group, target_admin.id));
    }
    if (action == "rename the group") return Outcome(api->UpdateGroup(group, {{"name", "New"}}));
    if (action == "mute a member") {
      return Outcome(api->MuteGroupMember(group, target.id, NowMillis() + 3'600'000));
    }
    if (action == "make a member admin") {
      return Outcome(api->SetGroupRole(group, target.id, "admin"));
    }
    if (action == "transfer ownership") return Outcome(api->TransferGroup(group, target.id));
    if (action == "make an invite link") return Outcome(api->CreateGroupInvite(group));
    if (action == "list invite links") return Outcome(api->GroupInvites(group));
    if (action == "revoke an invite link") {
      auto invite = owner_api->CreateGroupInvite(group);
      if (!invite.ok()) return "invite failed: " + Outcome(invite);
      return Outcome(api->RevokeGroupInvite(group, invite->at("code").get<std::string>()));
    }
    if (action == "ban a member") return Outcome(api->BanFromGroup(group, target.id));
    if (action == "list bans") return Outcome(api->GroupBans(group));
    if (action == "delete the group") return Outcome(api->DeleteGroup(group));
    if (action == "report the group") return Outcome(api->ReportGroup(group, "why"));
    if (action == "report the group when public") {
      EXPECT_TRUE(IsOk(owner_api->UpdateGroup(group, {{"is_public", true}})));
      return Outcome(api->ReportGroup(group, "why"));
    }
    return "unknown action";
  }

  // --- sticker pack actions: the holder of `column` acts on a fresh pack ---
  std::string PackAction(const std::string& action, const std::string& column) {
    TestUser owner = NewUser("packowner");
    TestUser collector = NewUser("collector");
    TestUser stranger = NewUser("packstranger");
    auto owner_api = ApiFor(*server_, &owner);
    auto pack = owner_api->CreateStickerPack("pack");
    if (!pack.ok()) return "create failed: " + Outcome(pack);
    const std::string slug = pack->at("slug").get<std::string>();
    auto image = owner_api->Upload("s.gif", "image", kTinyGif);
    if (!image.ok()) return "upload failed: " + Outcome(image);
    auto sticker = owner_api->AddSticker(slug, image->at("id").get<std::string>(), "tiny");
    if (!sticker.ok()) return "add failed: " + Outcome(sticker);
    const int64_t sticker_id = sticker->at("id").get<int64_t>();
    if (!ApiFor(*server_, &collector)->CollectStickerPack(slug).ok()) return "collect failed";
    const std::map<std::string, TestUser> actors = {
        {"stranger", stranger}, {"member", collector}, {"owner", owner}};
    const TestUser& actor = actors.at(column);
    auto api = ApiFor(*server_, &actor);
    if (action == "open a sticker pack by its link") return Outcome(api->StickerPack(slug));
    if (action == "add the sticker pack to my collection") {
      return Outcome(api->CollectStickerPack(slug));
    }
    if (action == "send a sticker of the pack") {
      TestUser peer = NewUser("peer");
      Befriend(actor, peer);
      auto ws = ConnectUser(*server_, actor);
      if (!ws.ok()) return "connect failed";
      return Outcome((*ws)->SendFields({{"to", peer.id}, {"sticker", sticker_id}}));
    }
    if (action == "add a sticker to the pack") {
      auto own = api->Upload("mine.gif", "image", kTinyGif);
      if (!own.ok()) return "upload failed: " + Outcome(own);
      return Outcome(api->AddSticker(slug, own->at("id").get<std::string>(), "more"));
    }
    if (action == "remove a sticker from the pack")
      return Outcome(api->RemoveSticker(slug, sticker_id));
    if (action == "reorder the pack's stickers") {
      return Outcome(api->ReorderStickers(slug, {sticker_id}));
    }
    if (action == "delete the sticker pack") return Outcome(api->DeleteStickerPack(slug));
    return "unknown action";
  }

  // A 1x1 GIF: the smallest image a sticker may be.
  static constexpr std::string_view kTinyGif{
      "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00"
      "\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02"
      "D\x01\x00;",
      43};

  std::unique_ptr<ServerProcess> server_;
  TestUser root_;
  int counter_ = 0;
};

TEST_F(AuthorizationTest, EveryCellOfTheDocumentedTableHolds) {
  auto table = ReadTable();
  ASSERT_TRUE(IsOk(table));
  const std::vector<std::string> user_actions = {
      "send a direct message",
      "send a friend request",
      "read the public profile",
      "create a group with the user",
      "add the user to my group",
      "see the user's moment",
      "see the user's moment when left out of its audience",
      "like the user's moment",
      "comment on the user's moment",
      "delete the user's moment",
      "report the user"};
  const std::vector<std::string> server_actions = {
      "send a system notice",   "grant the admin role",
      "list and search users",  "show a user's sessions",
      "disable an account",     "enable an account",
      "force a password reset", "revoke a user's sessions",
      "delete an account",      "read server statistics",
      "read the audit log",     "list reports",
      "resolve a report",       "show a group",
      "delete a reported group"};
  const std::vector<std::string> group_actions = {"read group history",
                                                  "send into the group",
                                                  "send typing in the group",
                                                  "read group info and members",
                                                  "add a member",
                                                  "remove a member",
                                                  "remove an admin",
                                                  "rename the group",
                                                  "mute a member",
                                                  "make a member admin",
                                                  "transfer ownership",
                                                  "make an invite link",
                                                  "list invite links",
                                                  "revoke an invite link",
                                                  "ban a member",
                                                  "list bans",
                                                  "delete the group",
                                                  "report the group",
                                                  "report the group when public"};
  const std::vector<std::string> pack_actions = {
      "open a sticker pack by its link", "add the sticker pack to my collection",
      "send a sticker of the pack",      "add a sticker to the pack",
      "remove a sticker from the pack",  "reorder the pack's stickers",
      "delete the sticker pack"};
  const size_t known =
      user_actions.size() + server_actions.size() + group_actions.size() + pack_actions.size();
  EXPECT_EQ(table->size(), known) << "the table and this test list different actions";

  auto contains = [](const std::vector<std::string>& list, const std::string& action) {
    return std::find(list.begin(), list.end(), action) != list.end();
  };
  int cells = 0;
  for (const auto& [action, row] : *table) {
    for (const auto& [column, expected] : row) {
      if (expected == "-") continue;
      SCOPED_TRACE(action + " as " + column);
      std::string actual;
      if (contains(user_actions, action)) {
        actual = UserAction(action, column);
      } else if (contains(server_actions, action)) {
        actual = ServerAction(action, column);
      } else if (contains(group_actions, action)) {
        actual = GroupAction(action, column);
      } else if (contains(pack_actions, action)) {
        actual = PackAction(action, column);
      } else {
        ADD_FAILURE() << "the table has an action this test does not know: " << action;
        break;
      }
      EXPECT_EQ(actual, expected);
      ++cells;
    }
  }
  EXPECT_GE(cells, 70);  // every applicable cell was performed
}

}  // namespace
}  // namespace parley::e2e
