// /metrics on a real parleyd, scraped and parsed by a Prometheus text parser from npm
// (tests/peers/prometheus_scrape.mjs, parse-prometheus-text-format): the values move as real
// traffic does, and the token and the listeners decide who may read them.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

constexpr const char* kToken = "metrics-token-0123456789abcdef";

class MetricsTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> args) {
    ServerProcess::Options options;
    options.extra_args = std::move(args);
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    auto peer = PeerProcess::Start({PARLEY_NODE_PATH, "prometheus_scrape.mjs"}, PARLEY_PEERS_DIR);
    ASSERT_TRUE(IsOk(peer));
    scraper_ = std::move(*peer);
  }

  // The metrics listener's port, from parleyd's "metrics on" line; 0 if it printed none.
  uint16_t MetricsPort() const {
    std::smatch match;
    const std::string output = server_->output();
    static const std::regex kLine("parleyd metrics on http://[^:]+:([0-9]+)/metrics");
    if (!std::regex_search(output, match, kLine)) return 0;
    return static_cast<uint16_t>(std::stoi(match[1]));
  }

  // One scrape through the npm parser: {"status", "families"} or {"status", "body"}.
  json Scrape(const std::string& url, const char* token) {
    const int id = ++requests_;
    scraper_->WriteLine(
        json{{"id", id}, {"url", url}, {"token", token ? json(token) : json(nullptr)}}.dump());
    json answer =
        scraper_->WaitForLine([id](const json& line) { return line.value("id", 0) == id; });
    EXPECT_FALSE(answer.is_null()) << "no answer from the scraper";
    EXPECT_FALSE(answer.contains("error")) << answer.dump();
    return answer;
  }

  json ScrapeOk(const char* token = kToken) {
    json answer = Scrape(server_->url() + "/metrics", token);
    EXPECT_EQ(answer.value("status", 0), 200) << answer.dump();
    return answer;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<PeerProcess> scraper_;
  int requests_ = 0;
};

const json* Family(const json& scrape, const std::string& name) {
  if (!scrape.contains("families")) return nullptr;
  for (const json& family : scrape["families"]) {
    if (family.value("name", "") == name) return &family;
  }
  return nullptr;
}

// The value of the sample of `name` whose labels include `labels`; -1 when there is none.
double Value(const json& scrape, const std::string& name, const json& labels = json::object()) {
  const json* family = Family(scrape, name);
  if (family == nullptr) return -1;
  for (const json& metric : (*family)["metrics"]) {
    bool matches = true;
    for (const auto& [key, value] : labels.items()) {
      if (!metric.contains("labels") || metric["labels"].value(key, "") != value) matches = false;
    }
    if (matches) return std::stod(metric["value"].get<std::string>());
  }
  return -1;
}

// A histogram's _count; -1 when absent.
double HistogramCount(const json& scrape, const std::string& name) {
  const json* family = Family(scrape, name);
  if (family == nullptr || (*family)["metrics"].empty()) return -1;
  return std::stod((*family)["metrics"][0]["count"].get<std::string>());
}

TEST_F(MetricsTest, ValuesFollowRealTraffic) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--metrics-token", kToken}));
  const json before = ScrapeOk();
  ASSERT_NE(Family(before, "parley_messages_received_total"), nullptr) << before.dump();
  EXPECT_EQ(before["content_type"], "text/plain; version=0.0.4; charset=utf-8");
  for (const char* name :
       {"parley_connections", "parley_sessions", "parley_writer_queue_depth",
        "parley_ack_latency_seconds", "parley_commit_latency_seconds", "parley_commit_batch_size",
        "parley_fanout_lag_seconds", "parley_replay_sessions", "parley_replayed_messages_total",
        "parley_push_outcomes_total", "parley_errors_total", "parley_media_received_bytes_total",
        "parley_search_index_lag_seconds", "parley_messages_delivered_total"}) {
    EXPECT_NE(Family(before, name), nullptr) << name;
  }

  Result<TestUser> alice = CreateUser(*server_, "alice");
  ASSERT_TRUE(IsOk(alice));
  Result<TestUser> bob = CreateUser(*server_, "bob");
  ASSERT_TRUE(IsOk(bob));
  auto alice_ws = ConnectUser(*server_, *alice);
  ASSERT_TRUE(IsOk(alice_ws));
  auto bob_ws = ConnectUser(*server_, *bob);
  ASSERT_TRUE(IsOk(bob_ws));
  constexpr int kSends = 12;
  int64_t conversation_id = 0;
  for (int i = 0; i < kSends; ++i) {
    Result<json> ack = (*alice_ws)->SendToUser(bob->id, "hi", "c-" + std::to_string(i));
    ASSERT_TRUE(IsOk(ack));
    conversation_id = (*ack)["conversation_id"];
  }
  // A resend is acked again but stores nothing.
  ASSERT_TRUE(IsOk((*alice_ws)->SendToUser(bob->id, "hi", "c-0")));
  // A send to nobody: an error frame (not_found) from the domain.
  auto refused = (*alice_ws)->SendToUser(987654, "hi", "c-x");
  ASSERT_FALSE(refused.ok());
  // An HTTP error: no such user.
  auto missing = ApiFor(*server_, &*alice)->UserById(987654);
  ASSERT_FALSE(missing.ok());
  // An upload: its bytes count.
  const std::string file(5000, 'x');
  auto media = ApiFor(*server_, &*alice)->Upload("notes.txt", "file", file);
  ASSERT_TRUE(IsOk(media));
  // Every message reached bob's session before the scrape.
  DrainUntilPong(**bob_ws);

  const json after = ScrapeOk();
  EXPECT_EQ(Value(after, "parley_messages_received_total") -
                Value(before, "parley_messages_received_total"),
            kSends);
  EXPECT_EQ(Value(after, "parley_messages_delivered_total") -
                Value(before, "parley_messages_delivered_total"),
            kSends);
  EXPECT_EQ(HistogramCount(after, "parley_ack_latency_seconds") -
                HistogramCount(before, "parley_ack_latency_seconds"),
            kSends + 1);  // the resend is acked too (the refused send gets an error)
  EXPECT_GT(HistogramCount(after, "parley_commit_latency_seconds"),
            HistogramCount(before, "parley_commit_latency_seconds"));
  EXPECT_GT(HistogramCount(after, "parley_commit_batch_size"),
            HistogramCount(before, "parley_commit_batch_size"));
  EXPECT_GT(HistogramCount(after, "parley_fanout_lag_seconds"),
            HistogramCount(before, "parley_fanout_lag_seconds"));
  EXPECT_EQ(Value(after, "parley_sessions"), 2);
  EXPECT_GE(Value(after, "parley_connections"), 2);
  EXPECT_GE(Value(after, "parley_errors_total", {{"code", "not_found"}, {"transport", "ws"}}), 1);
  EXPECT_GE(Value(after, "parley_errors_total", {{"code", "not_found"}, {"transport", "http"}}), 1);
  EXPECT_GE(Value(after, "parley_media_received_bytes_total") -
                Value(before, "parley_media_received_bytes_total"),
            static_cast<double>(file.size()));

  // Bob comes back and replays what he missed while away.
  bob_ws->reset();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(IsOk((*alice_ws)->SendToUser(bob->id, "later", "d-" + std::to_string(i))));
  }
  client::Cursor seen{conversation_id, kSends};
  auto back = ConnectUser(*server_, *bob, std::span<const client::Cursor>(&seen, 1));
  ASSERT_TRUE(IsOk(back));
  const json replayed = ScrapeOk();
  EXPECT_EQ(Value(replayed, "parley_replayed_messages_total") -
                Value(after, "parley_replayed_messages_total"),
            3);
  EXPECT_EQ(Value(replayed, "parley_replay_sessions"), 0);  // the replay has ended
}

TEST_F(MetricsTest, TheTokenDecidesOnTheMainListener) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--metrics-token", kToken}));
  const std::string url = server_->url() + "/metrics";
  EXPECT_EQ(Scrape(url, nullptr)["status"], 401);
  EXPECT_EQ(Scrape(url, "metrics-token-0123456789abcdeX")["status"], 401);
  EXPECT_EQ(Scrape(url, "metrics-token-0123456789abcdef-longer")["status"], 401);
  EXPECT_EQ(Scrape(url, "")["status"], 401);
  EXPECT_EQ(Scrape(url, kToken)["status"], 200);
  // A user's token is not the metrics token.
  Result<TestUser> alice = CreateUser(*server_, "alice");
  ASSERT_TRUE(IsOk(alice));
  EXPECT_EQ(Scrape(url, alice->token.c_str())["status"], 401);
  // Only GET and HEAD.
  auto posted = RawHttpExchange(server_->port(),
                                std::string("POST /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: "
                                            "Bearer ") +
                                    kToken + "\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(IsOk(posted));
  EXPECT_EQ(posted->status, 404);
}

TEST_F(MetricsTest, NotServedWithoutAToken) {
  ASSERT_NO_FATAL_FAILURE(StartServer({}));
  EXPECT_EQ(Scrape(server_->url() + "/metrics", nullptr)["status"], 404);
  EXPECT_EQ(Scrape(server_->url() + "/metrics", kToken)["status"], 404);
  EXPECT_EQ(MetricsPort(), 0);
}

TEST_F(MetricsTest, ASeparateListenerServesOnlyMetrics) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--metrics-listen", "127.0.0.1:0"}));
  const uint16_t port = MetricsPort();
  ASSERT_NE(port, 0) << server_->output();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const json scrape = Scrape(base + "/metrics", nullptr);
  EXPECT_EQ(scrape["status"], 200);
  EXPECT_NE(Family(scrape, "parley_sessions"), nullptr);
  // Nothing else is served there, and the main listener has no /metrics without a token.
  EXPECT_EQ(Scrape(base + "/healthz", nullptr)["status"], 404);
  EXPECT_EQ(Scrape(base + "/api/v1/account", nullptr)["status"], 404);
  EXPECT_EQ(Scrape(server_->url() + "/metrics", nullptr)["status"], 404);
  // Hostile input there: an oversized header is dropped, a garbage request too; it still serves.
  auto huge =
      RawHttpExchange(port, "GET /metrics HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n");
  EXPECT_FALSE(huge.ok());
  auto garbage = RawHttpExchange(port, "\x16\x03\x01 not http\r\n\r\n");
  EXPECT_FALSE(garbage.ok());
  EXPECT_EQ(Scrape(base + "/metrics", nullptr)["status"], 200);
}

TEST_F(MetricsTest, TheSeparateListenerAlsoChecksAToken) {
  ASSERT_NO_FATAL_FAILURE(
      StartServer({"--metrics-listen", "127.0.0.1:0", "--metrics-token", kToken}));
  const std::string url = "http://127.0.0.1:" + std::to_string(MetricsPort()) + "/metrics";
  EXPECT_EQ(Scrape(url, nullptr)["status"], 401);
  EXPECT_EQ(Scrape(url, kToken)["status"], 200);
}

}  // namespace
}  // namespace parley::e2e
