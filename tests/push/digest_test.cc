// E-mail digests: the rules of a quiet period (DecideDigest), the mail's words at each preview
// level and language (ComposeDigest), and DigestMailer over a real DeliveryStore and PushStore
// with a scripted source and a recording mailer: one mail per period, nothing without an
// address or unread messages, muted conversations left out, a later miss kept; the stores on
// SQLite and on PostgreSQL (push_backends.h).
#include "push/digest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <unordered_set>
#include <vector>

#include "tests/push/push_backends.h"
#include "tests/support/temp_dir.h"

namespace parley::push {
namespace {

constexpr int64_t kAfter = 1000;

PendingDigest Pending(int64_t since, int64_t last_missed, int64_t sent_at = 0) {
  return PendingDigest{7, since, last_missed, 1, sent_at};
}

TEST(DecideDigest, WaitsSendsOncePerPeriodAndDropsWhenTheUserCameBack) {
  EXPECT_EQ(DecideDigest(Pending(100, 100), 50, 100 + kAfter - 1, kAfter), DigestStep::kWait);
  EXPECT_EQ(DecideDigest(Pending(100, 100), 50, 100 + kAfter, kAfter), DigestStep::kSend);
  EXPECT_EQ(DecideDigest(Pending(100, 900, 1100), 50, 5000, kAfter), DigestStep::kWait)
      << "sent already in this period";
  EXPECT_EQ(DecideDigest(Pending(100, 900), 900, 5000, kAfter), DigestStep::kDrop)
      << "online after the last miss";
  EXPECT_EQ(DecideDigest(Pending(100, 900, 1100), 2000, 5000, kAfter), DigestStep::kDrop);
  EXPECT_EQ(DecideDigest(Pending(100, 900), 500, 5000, kAfter), DigestStep::kRestart)
      << "back between two misses";
  EXPECT_EQ(DecideDigest(Pending(100, 100), 0, 100 + kAfter, kAfter), DigestStep::kSend)
      << "never seen";
}

DigestContent Content(std::string language = "") {
  DigestContent content;
  content.address = "bob@example.org";
  content.language = std::move(language);
  content.name = "Bob";
  content.conversations.push_back({3, false, "Alice", 2, "Alice", "see\nyou at 8", ""});
  content.conversations.push_back({9, true, "Hiking club", 1, "Carol", "", "image"});
  return content;
}

TEST(ComposeDigest, FullPreviewShowsNamesAndTextsOnOneLine) {
  const mail::Mail mail = ComposeDigest(Content(), Preview::kFull, "https://chat.example.org");
  EXPECT_EQ(mail.to, "bob@example.org");
  EXPECT_EQ(mail.subject, "You have 3 unread messages on Parley");
  EXPECT_NE(mail.text.find("Hello Bob,\n"), std::string::npos);
  EXPECT_NE(mail.text.find("3 messages arrived in 2 conversations:"), std::string::npos);
  EXPECT_NE(mail.text.find("- Alice (2): \"see you at 8\"\n"), std::string::npos) << mail.text;
  EXPECT_NE(mail.text.find("- Hiking club (1): Carol: [image]\n"), std::string::npos) << mail.text;
  EXPECT_NE(mail.text.find("Open Parley: https://chat.example.org/\n"), std::string::npos);
}

TEST(ComposeDigest, SenderPreviewHidesTextsAndNonePreviewHidesNames) {
  mail::Mail mail = ComposeDigest(Content(), Preview::kSender, "");
  EXPECT_NE(mail.text.find("- Alice (2)\n"), std::string::npos) << mail.text;
  EXPECT_EQ(mail.text.find("see"), std::string::npos);
  EXPECT_EQ(mail.text.find("Open Parley"), std::string::npos) << "no public URL, no link";
  mail = ComposeDigest(Content(), Preview::kNone, "");
  EXPECT_NE(mail.text.find("- A conversation (2)\n- A group (1)\n"), std::string::npos)
      << mail.text;
  for (const char* hidden : {"Alice", "Hiking", "Carol", "image"}) {
    EXPECT_EQ(mail.text.find(hidden), std::string::npos) << hidden;
  }
}

TEST(ComposeDigest, SpeaksTheProfilesLanguageAndCountsInTheSingular) {
  EXPECT_EQ(ComposeDigest(Content("zh-CN"), Preview::kFull, "").subject,
            "你在 Parley 上有 3 条未读消息");
  EXPECT_EQ(ComposeDigest(Content("fr"), Preview::kFull, "").subject,
            "Vous avez 3 messages non lus sur Parley");
  EXPECT_EQ(ComposeDigest(Content("de"), Preview::kFull, "").subject,
            "You have 3 unread messages on Parley");
  DigestContent one = Content();
  one.conversations.resize(1);
  one.conversations[0].unread = 1;
  const mail::Mail mail = ComposeDigest(one, Preview::kFull, "");
  EXPECT_EQ(mail.subject, "You have 1 unread message on Parley");
  EXPECT_NE(mail.text.find("While you were away, 1 message arrived:"), std::string::npos);
}

TEST(ComposeDigest, ListsTenConversationsAndCountsTheRest) {
  DigestContent many = Content();
  many.conversations.clear();
  for (int i = 0; i < 13; ++i) {
    many.conversations.push_back({i + 1, false, "P" + std::to_string(i), 1, "", "", ""});
  }
  const mail::Mail mail = ComposeDigest(many, Preview::kSender, "");
  EXPECT_NE(mail.text.find("- P9 (1)\n... and 3 more conversations\n"), std::string::npos)
      << mail.text;
  EXPECT_EQ(mail.text.find("P10"), std::string::npos);
}

class ScriptedSource : public DigestSource {
 public:
  int64_t SeenAt(int64_t user_id) override { return seen[user_id]; }
  Result<DigestContent> Read(int64_t user_id) override {
    ++reads;
    return contents[user_id];
  }
  std::map<int64_t, int64_t> seen;
  std::map<int64_t, DigestContent> contents;
  int reads = 0;
};

class RecordingMailer : public mail::Mailer {
 public:
  Status Send(mail::Mail mail) override {
    sent.push_back(std::move(mail));
    return Status::Ok();
  }
  std::vector<mail::Mail> sent;
};

class DigestMailerTest : public ::testing::TestWithParam<PushBackend> {
 protected:
  void SetUp() override {
    auto where = GetParam().where(dir_.path());
    ASSERT_TRUE(where.ok()) << where.status().message();
    where_ = *where;
    auto settings = PushStore::Open(where_, *box_);
    ASSERT_TRUE(settings.ok()) << settings.status().message();
    settings_ = std::move(*settings);
    auto deliveries = DeliveryStore::Open(where_);
    ASSERT_TRUE(deliveries.ok());
    deliveries_ = std::move(*deliveries);
    options_.after_ms = kAfter;
    options_.check_period = std::chrono::hours(1);  // the test runs the passes
  }

  testing_support::TempDir dir_;
  PushDbOptions where_;
  std::unique_ptr<auth::SecretBox> box_ =
      std::move(*auth::SecretBox::FromKey(std::string(32, 'k')));
  std::unique_ptr<PushStore> settings_;
  std::unique_ptr<DeliveryStore> deliveries_;
  ScriptedSource source_;
  RecordingMailer mailer_;
  DigestOptions options_;
};

INSTANTIATE_TEST_SUITE_P(Backends, DigestMailerTest, AllPushBackends(), PushBackendName);

TEST_P(DigestMailerTest, MailsOncePerQuietPeriodAndKeepsALaterMiss) {
  ASSERT_TRUE(deliveries_->SetPrefs(7, DeliveryPrefs{.email_digest = true}).ok());
  source_.contents[7] = Content();
  DigestMailer digests(*deliveries_, *settings_, source_, mailer_, options_);
  ASSERT_TRUE(deliveries_->NoteMissed({7}, 100).ok());
  digests.Pass(100 + kAfter - 1);
  EXPECT_TRUE(mailer_.sent.empty());
  digests.Pass(100 + kAfter);
  ASSERT_EQ(mailer_.sent.size(), 1u);
  ASSERT_TRUE(deliveries_->NoteMissed({7}, 5000).ok());
  digests.Pass(9000);
  EXPECT_EQ(mailer_.sent.size(), 1u) << "one per quiet period";
  EXPECT_EQ(digests.sent(), 1u);

  // Back online after the last miss: dropped, so the next miss starts a new period.
  source_.seen[7] = 9500;
  digests.Pass(9600);
  EXPECT_TRUE(deliveries_->Pending()->empty());
  ASSERT_TRUE(deliveries_->NoteMissed({7}, 10000).ok());
  digests.Pass(10000 + kAfter);
  EXPECT_EQ(mailer_.sent.size(), 2u);

  // Turning digests off forgets the pending one.
  ASSERT_TRUE(deliveries_->SetPrefs(7, DeliveryPrefs{}).ok());
  EXPECT_TRUE(deliveries_->Pending()->empty());
  EXPECT_FALSE(deliveries_->PrefsOf(7)->email_digest);
}

TEST_P(DigestMailerTest, NothingIsMailedWithoutAnAddressOrAnythingUnreadOrUnmuted) {
  source_.contents[1] = Content();
  source_.contents[1].address.clear();
  source_.contents[2] = Content();
  source_.contents[2].conversations.clear();
  source_.contents[3] = Content();
  ASSERT_TRUE(settings_->SetMute(3, Mute{3, 0}).ok());
  ASSERT_TRUE(settings_->SetMute(3, Mute{9, 500}).ok());  // expired at the pass
  ASSERT_TRUE(deliveries_->NoteMissed({1, 2, 3}, 100).ok());
  DigestMailer digests(*deliveries_, *settings_, source_, mailer_, options_);
  digests.Pass(100 + kAfter);
  EXPECT_EQ(source_.reads, 3);
  ASSERT_EQ(mailer_.sent.size(), 1u);
  EXPECT_EQ(mailer_.sent[0].subject, "You have 1 unread message on Parley")
      << "the muted conversation is left out";
}

TEST_P(DigestMailerTest, DropKeepsAMissNotedAfterTheRead) {
  ASSERT_TRUE(deliveries_->NoteMissed({7}, 100).ok());
  auto read = deliveries_->Pending();
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(deliveries_->NoteMissed({7}, 200).ok());
  ASSERT_TRUE(deliveries_->Drop(7, (*read)[0].last_missed).ok());
  ASSERT_EQ(deliveries_->Pending()->size(), 1u);
  EXPECT_EQ((*deliveries_->Pending())[0].missed, 2);
}

TEST_P(DigestMailerTest, PrefsSurviveAReopen) {
  ASSERT_TRUE(deliveries_->SetPrefs(5, DeliveryPrefs{true, true}).ok());
  deliveries_.reset();
  auto reopened = DeliveryStore::Open(where_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE((*reopened)->WantsWhenAway(5));
  EXPECT_TRUE((*reopened)->PrefsOf(5)->email_digest);
  EXPECT_EQ(*(*reopened)->WantingDigests({5, 6}), std::unordered_set<int64_t>({5}));
}

}  // namespace
}  // namespace parley::push
