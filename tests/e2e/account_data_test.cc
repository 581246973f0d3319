// End-to-end tests of a user's own data (docs/protocol.md, "Downloading my data" and "Deleting
// the account") against a real parleyd: the export zip is downloaded, opened with libzip and its
// JSON parsed (what I may read is in it, what I may not is not, my media bytes are); nobody
// else can fetch it; deleting the account needs the password (and a code with two-step
// sign-in), ends every session at once, hands groups on and leaves "deleted user" behind.
#include <sqlite3.h>
#include <zip.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "auth/totp.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

// Every entry of a zip held in memory, by name; empty when the bytes are no zip.
std::map<std::string, std::string> Unzip(const std::string& bytes) {
  std::map<std::string, std::string> entries;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) return entries;
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (archive == nullptr) {
    zip_source_free(source);
    return entries;
  }
  const zip_int64_t count = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive, i, 0, &stat) != 0) continue;
    zip_file_t* file = zip_fopen_index(archive, i, 0);
    if (file == nullptr) continue;
    std::string content(stat.size, '\0');
    const zip_int64_t read = zip_fread(file, content.data(), stat.size);
    zip_fclose(file);
    if (read == static_cast<zip_int64_t>(stat.size)) entries[stat.name] = std::move(content);
  }
  zip_close(archive);
  return entries;
}

// The texts of the messages of one messages/<id>.json part.
std::vector<std::string> Texts(const std::string& part) {
  std::vector<std::string> texts;
  for (const json& message : json::parse(part)) texts.push_back(message.at("text"));
  return texts;
}

// Rows of `table` in the server's push.db naming `user_id` (-1 if it cannot be read); read-only,
// beside the running server (WAL).
int64_t PushRows(const ServerProcess& server, const std::string& table, int64_t user_id) {
  const std::string path = server.data_dir() + "/push.db";
  sqlite3* db = nullptr;
  int64_t count = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    const std::string sql = "SELECT count(*) FROM " + table + " WHERE user_id = ?1";
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      sqlite3_bind_int64(stmt, 1, user_id);
      if (sqlite3_step(stmt) == SQLITE_ROW) count = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return count;
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

class AccountDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Group adds without friendship keep the setup short; the rules are tested elsewhere.
    auto server = ServerProcess::Start(
        ServerProcess::Options{.extra_args = {"--group-adds-require-friendship", "false"}});
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    for (const char* name : {"alice", "bob", "carol", "dave"}) {
      auto user = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(user));
      users_.push_back(*user);
      apis_.push_back(ApiFor(*server_, &users_.back()));
    }
  }

  client::HttpApi& api(int i) { return *apis_[i]; }
  int64_t id(int i) const { return users_[i].id; }

  client::HttpResponse Post(int user, const std::string& target, const std::string& body) {
    auto response = api(user).Request("POST", target, body);
    EXPECT_TRUE(IsOk(response));
    return response.ok() ? *response : client::HttpResponse{};
  }

  // Polls the export until it is no longer queued or running (bounded by `deadline`).
  json AwaitExport(int user) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      auto state = api(user).ExportState();
      EXPECT_TRUE(IsOk(state));
      if (!state.ok()) return json();
      const std::string name = (*state)["state"];
      if ((name != "queued" && name != "running") || std::chrono::steady_clock::now() > deadline) {
        return *state;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polls the condition
    }
  }

  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<client::HttpApi>> apis_;
};

enum { kAlice = 0, kBob = 1, kCarol = 2, kDave = 3 };

TEST_F(AccountDataTest, ExportHoldsWhatIMayReadAndNothingElse) {
  auto bob_ws = ConnectUser(*server_, users_[kBob]);
  ASSERT_TRUE(IsOk(bob_ws));
  auto alice_ws = ConnectUser(*server_, users_[kAlice]);
  ASSERT_TRUE(IsOk(alice_ws));
  // A group alice joins late: what came before is hidden from her.
  auto group = api(kBob).CreateGroup("Team", {id(kCarol)});
  ASSERT_TRUE(IsOk(group));
  const int64_t group_id = (*group)["id"];
  ASSERT_TRUE(IsOk((*bob_ws)->SendToConversation(group_id, "before alice joined")));
  ASSERT_TRUE(IsOk(api(kBob).AddGroupMembers(group_id, {id(kAlice)})));
  ASSERT_TRUE(IsOk((*bob_ws)->SendToConversation(group_id, "after alice joined")));
  const std::string file_bytes = "alice's notes\n" + std::string(5000, 'x') + "\x01\x02\xff";
  auto media = api(kAlice).Upload("notes.bin", "file", file_bytes);
  ASSERT_TRUE(IsOk(media));
  ASSERT_TRUE(IsOk((*alice_ws)->SendFields(
      json{{"conversation_id", group_id}, {"text", "alice in group"}, {"media", (*media)["id"]}})));
  // A conversation alice is not in.
  ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(id(kCarol), "secret between bob and carol")));
  ASSERT_TRUE(IsOk((*alice_ws)->SendToUser(id(kBob), "hello bob")));
  ASSERT_TRUE(IsOk(api(kAlice).PostMoment(json{{"text", "my moment"}})));

  auto started = api(kAlice).StartExport();
  ASSERT_TRUE(IsOk(started));
  EXPECT_TRUE((*started)["state"] == "queued" || (*started)["state"] == "running");
  // One export at a time: while it is prepared, and while the ready one waits.
  EXPECT_EQ(api(kAlice).StartExport().status().code(), Code::kConflict);
  const json ready = AwaitExport(kAlice);
  ASSERT_EQ(ready["state"], "ready") << ready.dump();
  EXPECT_EQ(ready["items_done"], ready["items_total"]);
  EXPECT_GT(ready["expires_at"].get<int64_t>(), ready["started_at"].get<int64_t>());
  EXPECT_EQ(api(kAlice).StartExport().status().code(), Code::kConflict);
  const std::string url = ready["download_url"];

  // Nobody else fetches it, even with the link; nobody else has an export.
  auto stolen = api(kBob).Download(url);
  ASSERT_TRUE(IsOk(stolen));
  EXPECT_EQ(stolen->status, 404);
  EXPECT_EQ(api(kBob).ExportState().status().code(), Code::kNotFound);
  auto anonymous = ApiFor(*server_)->Download(url);
  ASSERT_TRUE(IsOk(anonymous));
  EXPECT_EQ(anonymous->status, 401);
  auto guessed =
      api(kAlice).Download("/api/v1/account/export/0123456789abcdef0123456789abcdef/download");
  ASSERT_TRUE(IsOk(guessed));
  EXPECT_EQ(guessed->status, 404);

  auto download = api(kAlice).Download(url);
  ASSERT_TRUE(IsOk(download));
  ASSERT_EQ(download->status, 200);
  EXPECT_EQ(download->headers["content-type"], "application/zip");
  EXPECT_EQ(static_cast<int64_t>(download->raw_body.size()), ready["size"].get<int64_t>());
  const std::map<std::string, std::string> zip = Unzip(download->raw_body);
  ASSERT_TRUE(zip.contains("manifest.json"));
  ASSERT_TRUE(zip.contains("profile.json"));
  const json profile = json::parse(zip.at("profile.json"));
  EXPECT_EQ(profile["username"], "alice");
  ASSERT_FALSE(profile["sessions"].empty());
  for (const auto& [name, content] : zip) {
    EXPECT_EQ(content.find("secret between bob and carol"), std::string::npos) << name;
    EXPECT_EQ(content.find("before alice joined"), std::string::npos) << name;
    EXPECT_EQ(content.find("password"), std::string::npos) << name;
    EXPECT_EQ(content.find(users_[kAlice].token), std::string::npos) << name;
  }
  const json conversations = json::parse(zip.at("conversations.json"));
  ASSERT_EQ(conversations.size(), 2u);  // the group and the direct one with bob
  std::string group_file;
  for (const json& c : conversations) {
    if (c["id"] == group_id) group_file = c["messages_file"];
  }
  ASSERT_TRUE(zip.contains(group_file)) << conversations.dump();
  const std::vector<std::string> texts = Texts(zip.at(group_file));
  EXPECT_TRUE(Contains(texts, "after alice joined"));
  EXPECT_TRUE(Contains(texts, "alice in group"));
  // My media: its bytes, named in the message.
  std::string media_entry;
  for (const json& message : json::parse(zip.at(group_file))) {
    if (message.contains("media")) media_entry = message["media"].value("file", "");
  }
  ASSERT_TRUE(zip.contains(media_entry)) << media_entry;
  EXPECT_EQ(zip.at(media_entry), file_bytes);
  const json moments = json::parse(zip.at("moments.json"));
  ASSERT_EQ(moments.size(), 1u);
  EXPECT_EQ(moments[0]["text"], "my moment");
  EXPECT_TRUE(zip.contains("friends.json"));
}

TEST_F(AccountDataTest, AnExportOverTheSizeBoundFailsWithTooLargeAndMayBeRetried) {
  ASSERT_TRUE(IsOk(server_->Restart(
      {"--group-adds-require-friendship", "false", "--export-max-bytes", "4000"})));
  apis_[kAlice] = ApiFor(*server_, &users_[kAlice]);
  ASSERT_TRUE(IsOk(api(kAlice).Upload("big.bin", "file", std::string(6000, 'b'))));
  auto alice_ws = ConnectUser(*server_, users_[kAlice]);
  ASSERT_TRUE(IsOk(alice_ws));
  auto media = api(kAlice).Upload("big2.bin", "file", std::string(6000, 'c'));
  ASSERT_TRUE(IsOk(media));
  ASSERT_TRUE(IsOk((*alice_ws)->SendFields(json{{"to", id(kBob)}, {"media", (*media)["id"]}})));
  ASSERT_TRUE(IsOk(api(kAlice).StartExport()));
  const json failed = AwaitExport(kAlice);
  ASSERT_EQ(failed["state"], "failed") << failed.dump();
  EXPECT_EQ(failed["error"]["code"], "too_large");
  EXPECT_FALSE(failed.contains("download_url"));
  // A failed export does not hold the user's one slot; no zip is left in the exports directory.
  EXPECT_TRUE(IsOk(api(kAlice).StartExport()));
  EXPECT_EQ(AwaitExport(kAlice)["state"], "failed");
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(server_->data_dir()) / "exports")) {
    ADD_FAILURE() << "left behind: " << entry.path();
  }
}

TEST_F(AccountDataTest, ExportAndDeletionRefuseBadInput) {
  for (const char* body :
       {"not json", "{}", R"({"password": 5})", R"({"password": "x", "code": 7})", "[]"}) {
    EXPECT_EQ(Post(kAlice, "/api/v1/account/delete", body).status, 400) << body;
  }
  EXPECT_EQ(
      Post(kAlice, "/api/v1/account/delete",
           json{{"password", users_[kAlice].password}, {"code", std::string(100, '1')}}.dump())
          .status,
      422);
  EXPECT_EQ(Post(kAlice, "/api/v1/account/delete", std::string(2 << 20, 'x')).status, 413);
  EXPECT_EQ(api(kAlice).DeleteAccount("wrong password").code(), Code::kUnauthenticated);
  auto wrong_method = api(kAlice).Request("PUT", "/api/v1/account/export", "{}");
  ASSERT_TRUE(IsOk(wrong_method));
  EXPECT_EQ(wrong_method->status, 404);
  // Nothing happened: the account and its session still work.
  EXPECT_TRUE(IsOk(api(kAlice).Account()));
}

TEST_F(AccountDataTest, DeletionNeedsTheCodeWhenTwoStepIsOn) {
  auto started = api(kAlice).StartTwoStep(users_[kAlice].password);
  ASSERT_TRUE(IsOk(started));
  auto seed = auth::Base32Decode((*started)["secret"].get<std::string>());
  ASSERT_TRUE(IsOk(seed));
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto confirmed = api(kAlice).ConfirmTwoStep(auth::TotpCode(*seed, now - 30));
  ASSERT_TRUE(IsOk(confirmed));
  const std::string recovery = (*confirmed)["recovery_codes"][0];

  EXPECT_EQ(api(kAlice).DeleteAccount(users_[kAlice].password).code(), Code::kUnauthenticated);
  EXPECT_EQ(
      api(kAlice).DeleteAccount(users_[kAlice].password, auth::TotpCode(*seed, now + 300)).code(),
      Code::kUnauthenticated);
  EXPECT_EQ(api(kAlice).DeleteAccount("wrong password", recovery).code(), Code::kUnauthenticated);
  ASSERT_TRUE(IsOk(api(kAlice).Account()));  // refused: nothing happened

  ASSERT_TRUE(IsOk(api(kAlice).DeleteAccount(users_[kAlice].password, recovery)));
  auto login = ApiFor(*server_)->Login("alice", users_[kAlice].password, "again");
  EXPECT_EQ(login.status().code(), Code::kUnauthenticated);
}

TEST_F(AccountDataTest, DeletionEndsSessionsHandsGroupsOnAndLeavesADeletedUser) {
  // alice owns a group where bob joined before carol, and carol is an admin: carol inherits.
  auto group = api(kAlice).CreateGroup("Alice's", {id(kBob)});
  ASSERT_TRUE(IsOk(group));
  const int64_t group_id = (*group)["id"];
  ASSERT_TRUE(IsOk(api(kAlice).AddGroupMembers(group_id, {id(kCarol)})));
  ASSERT_TRUE(IsOk(api(kAlice).SetGroupRole(group_id, id(kCarol), "admin")));
  // A group alice is alone in is dissolved (leaving it is what deletes it: chat/groups/groups.h).
  ASSERT_TRUE(IsOk(api(kAlice).CreateGroup("Just me", {})));
  // dave is her friend, with a direct conversation.
  ASSERT_TRUE(IsOk(api(kAlice).SendFriendRequest(id(kDave))));
  ASSERT_TRUE(IsOk(api(kDave).AcceptFriendRequest(id(kAlice))));
  auto alice_ws = ConnectUser(*server_, users_[kAlice]);
  ASSERT_TRUE(IsOk(alice_ws));
  auto to_dave = (*alice_ws)->SendToUser(id(kDave), "hi dave");
  ASSERT_TRUE(IsOk(to_dave));
  const int64_t direct_id = (*to_dave)["conversation_id"];
  auto media = api(kAlice).Upload("photo.bin", "file", std::string(3000, 'p'));
  ASSERT_TRUE(IsOk(media));
  const std::string media_id = (*media)["id"];
  ASSERT_TRUE(IsOk((*alice_ws)->SendFields(
      json{{"conversation_id", group_id}, {"text", "see this"}, {"media", media_id}})));
  auto bob_sees = api(kBob).Download("/api/v1/media/" + media_id);
  ASSERT_TRUE(IsOk(bob_sees));
  ASSERT_EQ(bob_sees->status, 200);
  auto second_device = LoginDevice(*server_, users_[kAlice]);
  ASSERT_TRUE(IsOk(second_device));
  // Notification settings in push.db.
  auto settings = api(kAlice).Request("PUT", "/api/v1/push/settings",
                                      json{{"preview", "sender"},
                                           {"quiet_hours", {{"start", "22:00"}, {"end", "07:00"}}},
                                           {"when_away", true}}
                                          .dump());
  ASSERT_TRUE(IsOk(settings));
  ASSERT_EQ(settings->status, 200) << settings->raw_body;
  const std::vector<std::string> push_tables = {"settings", "quiet_hours", "delivery_prefs"};
  for (const std::string& table : push_tables)
    ASSERT_EQ(PushRows(*server_, table, id(kAlice)), 1) << table;

  ASSERT_TRUE(IsOk(api(kAlice).DeleteAccount(users_[kAlice].password)));

  // Every session ended: the live socket is closed, both tokens are refused, and so is the
  // password.
  EXPECT_NE((*alice_ws)->WaitForClose(std::chrono::seconds(10)), 0);
  EXPECT_EQ(api(kAlice).Account().status().code(), Code::kUnauthenticated);
  EXPECT_EQ(ApiFor(*server_, &*second_device)->Account().status().code(), Code::kUnauthenticated);
  EXPECT_EQ(ApiFor(*server_)->Login("alice", users_[kAlice].password, "x").status().code(),
            Code::kUnauthenticated);

  // The group passed to the oldest admin.
  auto info = api(kCarol).GroupInfo(group_id);
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ((*info)["group"]["member_count"], 2);
  for (const json& member : (*info)["members"]) {
    EXPECT_NE(member["user_id"], id(kAlice));
    if (member["user_id"] == id(kCarol)) EXPECT_EQ(member["role"], "owner");
  }

  // dave: no friend any more; alice shows as a deleted user, her message as deleted.
  auto friends = api(kDave).Friends();
  ASSERT_TRUE(IsOk(friends));
  EXPECT_TRUE(friends->empty());
  auto profile = api(kDave).UserById(id(kAlice));
  ASSERT_TRUE(IsOk(profile));
  EXPECT_EQ((*profile)["display_name"], "Deleted user");
  EXPECT_TRUE((*profile)["username"].get<std::string>().starts_with("~deleted-"));
  auto history = api(kDave).History(direct_id);
  ASSERT_TRUE(IsOk(history));
  bool saw_tombstone = false;
  for (const json& message : (*history)["messages"]) {
    EXPECT_NE(message.value("text", ""), "hi dave");
    if (message["sender_id"] == id(kAlice) && message.value("deleted", false)) saw_tombstone = true;
  }
  EXPECT_TRUE(saw_tombstone) << history->dump();
  // Her media is gone for everyone.
  auto gone = api(kBob).Download("/api/v1/media/" + media_id);
  ASSERT_TRUE(IsOk(gone));
  EXPECT_EQ(gone->status, 404);
  for (const std::string& table : push_tables) {
    EXPECT_EQ(PushRows(*server_, table, id(kAlice)), 0) << table;
  }
  // The username is free again.
  EXPECT_TRUE(IsOk(CreateUser(*server_, "alice")));
}

}  // namespace
}  // namespace parley::e2e
