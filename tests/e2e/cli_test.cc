// End-to-end test of the `parley` CLI against a real parleyd: the commands a person types, run
// as a child process, with their output and exit codes (config directory and password from
// the environment, so nothing touches the real home directory or a terminal).
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <array>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"
#include "tests/support/temp_dir.h"

namespace parley::e2e {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Wraps `text` in single quotes for /bin/sh.
std::string Quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    ASSERT_FALSE(home_.path().empty());
  }

  // Runs `parley --server URL ARGS...` as `profile` (its own config directory).
  CliRun Parley(const std::string& profile, const std::vector<std::string>& args) {
    std::string command = "PARLEY_CONFIG_DIR=" + Quote(home_.path() + "/" + profile) +
                          " PARLEY_PASSWORD=" + Quote(std::string(kTestPassword)) + " " +
                          Quote(PARLEY_CLI_PATH) + " --server " + Quote(server_->url());
    for (const std::string& arg : args) command += " " + Quote(arg);
    command += " 2>&1";
    CliRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    std::array<char, 4096> buffer;
    size_t got = 0;
    while ((got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
      run.output.append(buffer.data(), got);
    const int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
  }

  std::unique_ptr<ServerProcess> server_;
  testing_support::TempDir home_;
};

TEST_F(CliTest, RegisterLoginSendHistoryAndNotices) {
  for (const std::string name : {"root", "alice", "bob"}) {
    CliRun reg = Parley(name, {"register", name});
    ASSERT_EQ(reg.exit_code, 0) << reg.output;
    CliRun login = Parley(name, {"login", name});
    ASSERT_EQ(login.exit_code, 0) << login.output;
    EXPECT_NE(login.output.find("logged in as " + name), std::string::npos) << login.output;
  }
  CliRun whoami = Parley("alice", {"whoami"});
  EXPECT_EQ(whoami.exit_code, 0);
  EXPECT_NE(whoami.output.find("alice (id 2"), std::string::npos) << whoami.output;

  CliRun send = Parley("alice", {"send", "bob", "hello from the terminal 👋"});
  ASSERT_EQ(send.exit_code, 0) << send.output;
  CliRun history = Parley("bob", {"history", "alice"});
  ASSERT_EQ(history.exit_code, 0) << history.output;
  EXPECT_NE(history.output.find("hello from the terminal 👋"), std::string::npos) << history.output;

  // Notices: root becomes the admin with the setup token parleyd printed; alice may not send
  // until granted.
  auto setup_token = AdminSetupToken(*server_);
  ASSERT_TRUE(IsOk(setup_token));
  CliRun not_yet = Parley("root", {"notice", "--all", "hi all"});
  EXPECT_EQ(not_yet.exit_code, 1);
  EXPECT_NE(not_yet.output.find("forbidden"), std::string::npos) << not_yet.output;
  CliRun setup = Parley("root", {"admin-setup", *setup_token});
  ASSERT_EQ(setup.exit_code, 0) << setup.output;
  EXPECT_NE(setup.output.find("you are now a server admin"), std::string::npos) << setup.output;
  CliRun reused = Parley("alice", {"admin-setup", *setup_token});
  EXPECT_EQ(reused.exit_code, 1);
  EXPECT_NE(reused.output.find("forbidden"), std::string::npos) << reused.output;
  CliRun denied = Parley("alice", {"notice", "--all", "hi all"});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.output.find("forbidden"), std::string::npos) << denied.output;
  CliRun notice = Parley("root", {"notice", "--to", "bob", "--to", "alice", "please update"});
  ASSERT_EQ(notice.exit_code, 0) << notice.output;
  EXPECT_NE(notice.output.find("notice sent to 2 users"), std::string::npos) << notice.output;
  CliRun grant = Parley("root", {"admin", "grant", "alice"});
  ASSERT_EQ(grant.exit_code, 0) << grant.output;
  CliRun allowed = Parley("alice", {"notice", "--all", "hi all"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
  EXPECT_NE(allowed.output.find("notice sent to 3 users"), std::string::npos) << allowed.output;
  CliRun list = Parley("bob", {"conversations"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("hi all"), std::string::npos) << list.output;

  CliRun unknown = Parley("root", {"notice", "--to", "nobody", "x"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("not_found"), std::string::npos) << unknown.output;
  CliRun neither = Parley("root", {"notice", "x"});
  EXPECT_EQ(neither.exit_code, 1);
  EXPECT_NE(neither.output.find("invalid_argument"), std::string::npos) << neither.output;

  // Administration: bob reports alice's message; root lists the report, deletes the message,
  // disables and re-enables bob and reads it all back from the audit log.
  CliRun report = Parley("bob", {"report", "alice", "--seq", "1", "--reason", "spam"});
  ASSERT_EQ(report.exit_code, 0) << report.output;
  EXPECT_NE(report.output.find("report #1 sent"), std::string::npos) << report.output;
  CliRun reports = Parley("root", {"admin", "reports"});
  ASSERT_EQ(reports.exit_code, 0) << reports.output;
  EXPECT_NE(reports.output.find("#1 "), std::string::npos) << reports.output;
  EXPECT_NE(reports.output.find("spam"), std::string::npos) << reports.output;
  CliRun resolve = Parley("root", {"admin", "resolve", "1", "delete-message"});
  ASSERT_EQ(resolve.exit_code, 0) << resolve.output;
  CliRun gone = Parley("bob", {"history", "alice"});
  EXPECT_EQ(gone.output.find("hello from the terminal"), std::string::npos) << gone.output;
  // A public group reported by bob, who is not in it; root sees what bob saw and deletes it.
  CliRun created = Parley("alice", {"group", "create", "Deals", "--topic", "cheap", "--public"});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string group_id = created.output.substr(6, created.output.find(' ', 6) - 6);
  CliRun neither_target = Parley("bob", {"report", "--reason", "scam"});
  EXPECT_EQ(neither_target.exit_code, 1) << neither_target.output;
  CliRun group_report = Parley("bob", {"report", "--group", group_id, "--reason", "scam"});
  ASSERT_EQ(group_report.exit_code, 0) << group_report.output;
  EXPECT_NE(group_report.output.find("report #2 sent"), std::string::npos) << group_report.output;
  CliRun group_reports = Parley("root", {"admin", "reports"});
  ASSERT_EQ(group_reports.exit_code, 0) << group_reports.output;
  EXPECT_NE(group_reports.output.find("group #" + group_id), std::string::npos)
      << group_reports.output;
  EXPECT_NE(group_reports.output.find("group: Deals  public  1 members"), std::string::npos)
      << group_reports.output;
  CliRun group_shown = Parley("root", {"admin", "group", group_id});
  ASSERT_EQ(group_shown.exit_code, 0) << group_shown.output;
  EXPECT_NE(group_shown.output.find("topic: cheap"), std::string::npos) << group_shown.output;
  CliRun group_resolved = Parley("root", {"admin", "resolve", "2", "delete-group"});
  ASSERT_EQ(group_resolved.exit_code, 0) << group_resolved.output;
  EXPECT_EQ(Parley("root", {"admin", "group", group_id}).exit_code, 1);
  CliRun users = Parley("root", {"admin", "users", "bo"});
  ASSERT_EQ(users.exit_code, 0) << users.output;
  EXPECT_NE(users.output.find("bob (#3)"), std::string::npos) << users.output;
  EXPECT_EQ(users.output.find("alice"), std::string::npos) << users.output;
  CliRun disable = Parley("root", {"admin", "disable", "bob"});
  ASSERT_EQ(disable.exit_code, 0) << disable.output;
  CliRun refused = Parley("bob", {"whoami"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  CliRun shown = Parley("root", {"admin", "user", "bob"});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("disabled"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find("0 active sessions"), std::string::npos) << shown.output;
  ASSERT_EQ(Parley("root", {"admin", "enable", "bob"}).exit_code, 0);
  CliRun stats = Parley("root", {"admin", "stats"});
  ASSERT_EQ(stats.exit_code, 0) << stats.output;
  EXPECT_NE(stats.output.find("users: 3"), std::string::npos) << stats.output;
  CliRun audit = Parley("root", {"admin", "audit"});
  ASSERT_EQ(audit.exit_code, 0) << audit.output;
  for (const char* action : {"user.enable", "user.disable", "report.resolve", "user.admin_grant",
                             "notice.send", "admin.setup", "group.delete"}) {
    EXPECT_NE(audit.output.find(action), std::string::npos) << action << "\n" << audit.output;
  }
  CliRun denied_admin = Parley("bob", {"admin", "stats"});
  EXPECT_EQ(denied_admin.exit_code, 1);
  CliRun self = Parley("root", {"admin", "delete", "root"});
  EXPECT_EQ(self.exit_code, 1);
  EXPECT_NE(self.output.find("--yes"), std::string::npos) << self.output;
}

TEST_F(CliTest, UploadAndSendAFile) {
  for (const std::string name : {"alice", "bob"}) {
    ASSERT_EQ(Parley(name, {"register", name}).exit_code, 0);
    ASSERT_EQ(Parley(name, {"login", name}).exit_code, 0);
  }
  const std::string notes = home_.path() + "/notes.txt";
  const std::string gif = home_.path() + "/dot.gif";
  std::ofstream(notes) << "remember the milk\n";
  // The smallest GIF: 1x1, one colour.
  std::ofstream(gif, std::ios::binary) << std::string(
      "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00"
      "\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02"
      "D\x01\x00;",
      43);
  CliRun upload = Parley("alice", {"upload", notes});
  ASSERT_EQ(upload.exit_code, 0) << upload.output;
  EXPECT_EQ(upload.output.rfind("m_", 0), 0u) << upload.output;
  EXPECT_NE(upload.output.find(" file text/plain 18 bytes"), std::string::npos) << upload.output;
  CliRun image = Parley("alice", {"upload", gif});
  ASSERT_EQ(image.exit_code, 0) << image.output;
  EXPECT_NE(image.output.find(" image image/gif "), std::string::npos) << image.output;
  EXPECT_NE(image.output.find(" 1x1"), std::string::npos) << image.output;
  CliRun lying = Parley("alice", {"upload", notes, "--kind", "image"});
  EXPECT_EQ(lying.exit_code, 1);
  EXPECT_NE(lying.output.find("unsupported_media"), std::string::npos) << lying.output;

  CliRun send = Parley("alice", {"send", "bob", "--file", gif});
  ASSERT_EQ(send.exit_code, 0) << send.output;
  EXPECT_NE(send.output.find("sent to bob"), std::string::npos) << send.output;
  CliRun captioned = Parley("alice", {"send", "bob", "the list", "--file", notes});
  ASSERT_EQ(captioned.exit_code, 0) << captioned.output;
  CliRun nothing = Parley("alice", {"send", "bob"});
  EXPECT_EQ(nothing.exit_code, 1);
  CliRun history = Parley("bob", {"history", "alice"});
  ASSERT_EQ(history.exit_code, 0) << history.output;
  EXPECT_NE(history.output.find("the list"), std::string::npos) << history.output;
}

TEST_F(CliTest, StickerPacksAndStickerMessages) {
  for (const std::string name : {"alice", "bob"}) {
    ASSERT_EQ(Parley(name, {"register", name}).exit_code, 0);
    ASSERT_EQ(Parley(name, {"login", name}).exit_code, 0);
  }
  const std::string gif = home_.path() + "/dot.gif";
  std::ofstream(gif, std::ios::binary) << std::string(
      "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00"
      "\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02"
      "D\x01\x00;",
      43);
  CliRun created = Parley("alice", {"sticker", "create", "Dots"});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string slug = created.output.substr(0, created.output.find(' '));
  ASSERT_EQ(slug.size(), 32u) << created.output;
  CliRun added = Parley("alice", {"sticker", "add", slug, gif, "tiny dot"});
  ASSERT_EQ(added.exit_code, 0) << added.output;
  ASSERT_EQ(added.output.rfind("sticker #", 0), 0u) << added.output;
  const std::string id = added.output.substr(9, added.output.find('\n') - 9);
  CliRun packs = Parley("alice", {"sticker", "packs"});
  ASSERT_EQ(packs.exit_code, 0) << packs.output;
  EXPECT_NE(packs.output.find("default  Parley (built-in)"), std::string::npos) << packs.output;
  EXPECT_NE(packs.output.find("Dots (mine)"), std::string::npos) << packs.output;
  EXPECT_NE(packs.output.find("#" + id + " tiny dot"), std::string::npos) << packs.output;

  ASSERT_EQ(Parley("alice", {"sticker", "send", "bob", "3"}).exit_code, 0);
  CliRun sent = Parley("alice", {"sticker", "send", "bob", id});
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  CliRun history = Parley("bob", {"history", "alice"});
  ASSERT_EQ(history.exit_code, 0) << history.output;
  EXPECT_NE(history.output.find("[sticker #3] laugh"), std::string::npos) << history.output;
  EXPECT_NE(history.output.find("[sticker #" + id + "] tiny dot"), std::string::npos)
      << history.output;

  // Bob may send alice's sticker once he has collected her pack.
  CliRun refused = Parley("bob", {"sticker", "send", "alice", id});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("not_found"), std::string::npos) << refused.output;
  ASSERT_EQ(Parley("bob", {"sticker", "collect", slug}).exit_code, 0);
  EXPECT_EQ(Parley("bob", {"sticker", "send", "alice", id}).exit_code, 0);
  CliRun shown = Parley("bob", {"sticker", "show", slug});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_EQ(shown.output.find("(mine)"), std::string::npos) << shown.output;
  CliRun forbidden = Parley("bob", {"sticker", "delete", slug});
  EXPECT_EQ(forbidden.exit_code, 1);
  EXPECT_NE(forbidden.output.find("forbidden"), std::string::npos) << forbidden.output;
  EXPECT_EQ(Parley("alice", {"sticker", "delete", slug}).exit_code, 0);
}

TEST_F(CliTest, ExportMyDataThenDeleteTheAccount) {
  for (const std::string name : {"alice", "bob"}) {
    ASSERT_EQ(Parley(name, {"register", name}).exit_code, 0);
    ASSERT_EQ(Parley(name, {"login", name}).exit_code, 0);
  }
  ASSERT_EQ(Parley("alice", {"send", "bob", "kept in my export"}).exit_code, 0);
  const std::string zip = home_.path() + "/mine.zip";
  CliRun exported = Parley("alice", {"export", "--out", zip});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  std::ifstream file(zip, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.substr(0, 2), "PK") << exported.output;
  // Asked again while the export is ready, it downloads the same one.
  EXPECT_EQ(Parley("alice", {"export", "--out", zip}).exit_code, 0);

  CliRun unconfirmed = Parley("alice", {"delete-account"});  // stdin is no terminal: no "delete"
  EXPECT_EQ(unconfirmed.exit_code, 1);
  EXPECT_NE(unconfirmed.output.find("nothing was deleted"), std::string::npos)
      << unconfirmed.output;
  CliRun deleted = Parley("alice", {"delete-account", "--yes"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.output;
  EXPECT_NE(deleted.output.find("your account is deleted"), std::string::npos) << deleted.output;
  CliRun login = Parley("alice", {"login", "alice"});
  EXPECT_EQ(login.exit_code, 1);
  EXPECT_NE(login.output.find("unauthenticated"), std::string::npos) << login.output;
}

TEST_F(CliTest, ReplyEditReactDeleteAndFind) {
  for (const std::string name : {"alice", "bob"}) {
    ASSERT_EQ(Parley(name, {"register", name}).exit_code, 0);
    ASSERT_EQ(Parley(name, {"login", name}).exit_code, 0);
  }
  ASSERT_EQ(Parley("alice", {"send", "bob", "lunch at the Café?"}).exit_code, 0);
  CliRun reply = Parley("bob", {"reply", "alice", "1", "yes"});
  ASSERT_EQ(reply.exit_code, 0) << reply.output;
  EXPECT_NE(reply.output.find("seq 2"), std::string::npos) << reply.output;
  CliRun edit = Parley("alice", {"edit", "bob", "1", "lunch at the café at noon?"});
  ASSERT_EQ(edit.exit_code, 0) << edit.output;
  CliRun react = Parley("bob", {"react", "alice", "1", "👍"});
  ASSERT_EQ(react.exit_code, 0) << react.output;
  CliRun again = Parley("bob", {"react", "alice", "1", "👍"});
  EXPECT_NE(again.output.find("(no change)"), std::string::npos) << again.output;
  CliRun bad = Parley("bob", {"react", "alice", "1", "ok"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("invalid_argument"), std::string::npos) << bad.output;

  CliRun find = Parley("bob", {"find", "cafe noon"});
  ASSERT_EQ(find.exit_code, 0) << find.output;
  EXPECT_NE(find.output.find("[café]"), std::string::npos) << find.output;
  CliRun history = Parley("bob", {"history", "alice"});
  EXPECT_NE(history.output.find("(edited) 👍1"), std::string::npos) << history.output;
  EXPECT_NE(history.output.find("(re #1) yes"), std::string::npos) << history.output;

  CliRun forbidden = Parley("bob", {"delete", "alice", "1"});
  EXPECT_EQ(forbidden.exit_code, 1);
  EXPECT_NE(forbidden.output.find("forbidden"), std::string::npos) << forbidden.output;
  ASSERT_EQ(Parley("alice", {"delete", "bob", "1"}).exit_code, 0);
  CliRun gone = Parley("alice", {"delete", "bob", "1"});
  EXPECT_NE(gone.output.find("gone"), std::string::npos) << gone.output;
  history = Parley("bob", {"history", "alice"});
  EXPECT_NE(history.output.find("alice: (deleted)"), std::string::npos) << history.output;
  CliRun nothing = Parley("bob", {"find", "cafe"});
  EXPECT_EQ(nothing.output.find("café"), std::string::npos) << nothing.output;
}

TEST_F(CliTest, RetentionShowAndSet) {
  for (const std::string name : {"alice", "bob"}) {
    ASSERT_EQ(Parley(name, {"register", name}).exit_code, 0);
    ASSERT_EQ(Parley(name, {"login", name}).exit_code, 0);
  }
  ASSERT_EQ(Parley("alice", {"send", "bob", "hello"}).exit_code, 0);
  CliRun shown = Parley("bob", {"retention", "alice"});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("its policy: keep forever"), std::string::npos) << shown.output;
  CliRun set = Parley("bob", {"retention", "alice", "--days", "30", "--max-messages", "500"});
  ASSERT_EQ(set.exit_code, 0) << set.output;
  EXPECT_NE(set.output.find("applies:    30 days, 500 messages"), std::string::npos) << set.output;
  CliRun refused = Parley("bob", {"retention", "alice", "--days", "-3"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("invalid_argument"), std::string::npos) << refused.output;
}

}  // namespace
TEST_F(CliTest, PushWebhooksAndPreview) {
  ASSERT_EQ(Parley("bot", {"register", "bot"}).exit_code, 0);
  ASSERT_EQ(Parley("bot", {"login", "bot"}).exit_code, 0);
  CliRun added = Parley("bot", {"push", "webhook", "https://hooks.example.org/parley"});
  ASSERT_EQ(added.exit_code, 0) << added.output;
  EXPECT_NE(added.output.find("signing secret (shown once): "), std::string::npos) << added.output;
  CliRun listed = Parley("bot", {"push", "list"});
  EXPECT_NE(listed.output.find("webhook  https://hooks.example.org/parley"), std::string::npos)
      << listed.output;
  CliRun refused = Parley("bot", {"push", "webhook", "http://127.0.0.1/hook"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("invalid_argument"), std::string::npos) << refused.output;
  CliRun preview = Parley("bot", {"push", "preview", "none"});
  EXPECT_NE(preview.output.find("notifications show: none"), std::string::npos) << preview.output;
  const std::string id = listed.output.substr(0, listed.output.find(' '));
  ASSERT_EQ(Parley("bot", {"push", "remove", id}).exit_code, 0);
  EXPECT_EQ(Parley("bot", {"push", "list"}).output.find("webhook"), std::string::npos);
}

}  // namespace parley::e2e
