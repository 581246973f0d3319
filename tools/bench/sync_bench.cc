#include "tools/bench/sync_bench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "client/frames.h"
#include "client/http_api.h"
#include "client/wire_codes.h"
#include "client/ws_client.h"
#include "client/ws_connection.h"
#include "tools/bench/latency.h"
#include "tools/bench/proc_stats.h"
#include "tools/bench/shard.h"
#include "tools/bench/user_setup.h"

namespace parley::bench {
namespace {

using std::chrono::milliseconds;
constexpr size_t kSendWindow = 256;          // sends in flight while filling the conversations
constexpr milliseconds kStepTimeout{60000};  // one sync, or one window of acks

// One hello -> synced, as the server answered it.
struct SyncRun {
  int64_t nanos = 0;                   // hello sent -> synced received
  int64_t messages = 0;                // `message` frames replayed before synced
  std::vector<client::Cursor> latest;  // from synced: the listed conversations at their last seq
  std::string since;                   // synced's token, for the next hello
};

// Creates `count` groups owned by `token`'s user alone, `threads` HTTP clients at once.
Result<std::vector<int64_t>> CreateGroups(const BenchOptions& options, const std::string& token,
                                          int count) {
  std::vector<int64_t> groups(static_cast<size_t>(count));
  std::atomic<int> next{0};
  std::mutex mutex;
  Status failure;  // guarded by mutex: the first failure stops every worker
  auto worker = [&] {
    client::HttpApi api(options.endpoint);
    api.set_token(token);
    for (int i = next++; i < count; i = next++) {
      auto group = api.CreateGroup("sync " + std::to_string(i), {});
      std::lock_guard lock(mutex);
      if (!failure.ok()) return;
      if (!group.ok()) {
        failure = group.status();
        return;
      }
      groups[static_cast<size_t>(i)] = (*group)["id"].get<int64_t>();
      if ((i + 1) % 1000 == 0) std::cerr << "  " << i + 1 << " groups created\n";
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, options.setup_threads); ++t) threads.emplace_back(worker);
  for (std::thread& thread : threads) thread.join();
  if (!failure.ok()) return failure;
  return groups;
}

// Sends one message into each group, kSendWindow at a time, each window waiting for its acks.
Status SendOneEach(const BenchOptions& options, const std::string& token,
                   const std::vector<int64_t>& groups) {
  client::WsClient sender;
  Status connected = sender.Connect(options.endpoint);
  if (!connected.ok()) return connected;
  auto synced = sender.HelloAndSync(token, {}, kStepTimeout);
  if (!synced.ok()) return synced.status();
  const std::string text(static_cast<size_t>(std::max(1, options.size)), 'x');
  for (size_t at = 0; at < groups.size(); at += kSendWindow) {
    const size_t end = std::min(groups.size(), at + kSendWindow);
    for (size_t i = at; i < end; ++i) {
      Status sent = sender.SendRaw(
          client::SendToConversationFrame(client::NewClientId("s-"), groups[i], text));
      if (!sent.ok()) return sent;
    }
    for (size_t i = at; i < end; ++i) {
      auto reply = sender.WaitFor(
          [](const nlohmann::json& frame) {
            return client::IsType(frame, "ack") || client::IsType(frame, "error");
          },
          kStepTimeout);
      if (!reply.ok()) return reply.status();
      if (client::IsType(*reply, "error")) {
        return Status(Code::kInternal, "send refused: " + reply->value("code", std::string()));
      }
    }
  }
  sender.Close();
  return Status::Ok();
}

// Reads the listed conversations' last seqs and the token out of a synced frame.
void ReadSynced(std::string_view synced, SyncRun& run) {
  nlohmann::json frame = nlohmann::json::parse(synced, nullptr, /*allow_exceptions=*/false);
  if (!frame.is_object() || !frame["conversations"].is_array()) return;
  for (const nlohmann::json& entry : frame["conversations"]) {
    run.latest.push_back(
        {entry.value("conversation_id", int64_t{0}), entry.value("last_seq", int64_t{0})});
  }
  if (frame["since"].is_string()) run.since = frame["since"].get<std::string>();
}

// Opens a connection, then times hello -> synced. The hello's frames are built before the clock
// starts, so a long cursor list costs the client nothing in the figure.
Result<SyncRun> TimeOneSync(const client::Endpoint& endpoint, const std::string& token,
                            const std::vector<client::Cursor>& cursors, std::string_view since) {
  std::vector<std::string> hello =
      client::HelloFrames(token, cursors, client::kProtocolVersion, true, since);
  client::EventLoop loop;
  SyncRun run;
  int64_t started = 0;
  std::string synced, error;
  bool closed = false;
  int close_code = 0;
  std::shared_ptr<client::WsConnection> ws;
  client::WsConnection::Handlers handlers;
  handlers.on_open = [&] {
    started = NowNanos();
    for (std::string& frame : hello) {
      Status sent = ws->Send(std::move(frame));
      if (!sent.ok()) error = "hello not sent: " + client::FormatStatus(sent);
    }
  };
  handlers.on_frame = [&](std::string_view frame) {
    client::ForEachObject(frame, [&](std::string_view object) {
      if (!synced.empty()) return;
      if (object.find("\"type\":\"message\"") != std::string_view::npos) {
        ++run.messages;
      } else if (object.find("\"type\":\"synced\"") != std::string_view::npos) {
        run.nanos = NowNanos() - started;
        synced = object;
      } else if (object.find("\"type\":\"error\"") != std::string_view::npos) {
        error = "server: " + std::string(object);
      }
    });
  };
  handlers.on_close = [&](const Status&, int code) {
    closed = true;
    close_code = code;
  };
  ws = client::WsConnection::Create(loop, std::move(handlers));
  ws->Open(endpoint);
  loop.RunUntil([&] { return !synced.empty() || closed || !error.empty(); }, kStepTimeout);
  if (ws->is_open()) ws->Close(1000);
  loop.RunUntil([&] { return closed; }, milliseconds(2000));
  if (synced.empty()) {
    return Status(Code::kUnavailable,
                  error.empty() ? "no synced; close code " + std::to_string(close_code) : error);
  }
  ReadSynced(synced, run);
  return run;
}

// `server_cpu_s`: the server's CPU time over the series (nullopt without --pid), printed per
// sync: unlike the wall time, it does not grow when other processes share the machine.
void PrintSeries(const char* label, LatencySamples& samples, int64_t messages, size_t conversations,
                 std::optional<double> server_cpu_s, int repeats) {
  std::printf(
      "hello -> synced, %s: p50 %.2f ms  max %.2f ms  (%lld messages replayed, %zu "
      "conversations in synced)",
      label, samples.PercentileMillis(0.5), samples.PercentileMillis(1.0),
      static_cast<long long>(messages), conversations);
  if (server_cpu_s) std::printf("  server CPU %.1f ms per sync", *server_cpu_s * 1e3 / repeats);
  std::printf("\n");
}

}  // namespace

int RunSyncBench(const BenchOptions& options) {
  const int count = options.conversations;
  char run_id[8];
  std::snprintf(run_id, sizeof(run_id), "%06x",
                static_cast<unsigned>(std::random_device{}() & 0xffffff));
  std::cerr << "sync run " << run_id << ": one user in " << count << " conversations\n";
  auto users = SetUpUsers(options, std::string("s") + run_id, 1);
  if (!users.ok()) {
    std::cerr << "parley-bench: user setup failed: " << client::FormatStatus(users.status())
              << "\n";
    return 1;
  }
  const std::string& token = (*users)[0].token;
  const int64_t setup_start = NowNanos();
  auto groups = CreateGroups(options, token, count);
  if (!groups.ok()) {
    std::cerr << "parley-bench: group setup failed: " << client::FormatStatus(groups.status())
              << " (start parleyd with --group-creations-per-hour " << count << " or more)\n";
    return 1;
  }
  Status filled = SendOneEach(options, token, *groups);
  if (!filled.ok()) {
    std::cerr << "parley-bench: sending failed: " << client::FormatStatus(filled) << "\n";
    return 1;
  }
  std::cerr << count << " conversations with a message each ready in "
            << (NowNanos() - setup_start) / 1e9 << " s\n";

  // Three series of --repeats syncs: fresh, cursors without a token (the full list), cursors
  // with the token of the previous sync (the delta: nothing changed in between).
  constexpr int kSeries = 3;
  constexpr const char* kNames[kSeries] = {"fresh", "with cursors", "with cursors and token"};
  LatencySamples samples[kSeries];
  SyncRun last[kSeries];
  // Server CPU seconds at the start of each series, and at the end.
  std::optional<double> cpu_marks[kSeries + 1];
  for (int series = 0; series < kSeries; ++series) {
    cpu_marks[series] = ReadProcessCpuSeconds(options.server_pid);
    for (int repeat = 0; repeat < options.repeats; ++repeat) {
      const std::vector<client::Cursor> none;
      const std::vector<client::Cursor>& cursors = series == 0 ? none : last[0].latest;
      // The token of this series' previous sync (the first takes the cursor series' last).
      const std::string since =
          series < 2 ? std::string() : (repeat == 0 ? last[1].since : last[2].since);
      auto run = TimeOneSync(options.endpoint, token, cursors, since);
      if (!run.ok()) {
        std::cerr << "parley-bench: sync " << kNames[series] << ": "
                  << client::FormatStatus(run.status()) << "\n";
        return 2;
      }
      samples[series].Add(run->nanos);
      last[series] = std::move(run).value();
    }
  }
  cpu_marks[kSeries] = ReadProcessCpuSeconds(options.server_pid);
  auto spent = [&](int from) -> std::optional<double> {
    if (!cpu_marks[from] || !cpu_marks[from + 1]) return std::nullopt;
    return *cpu_marks[from + 1] - *cpu_marks[from];
  };
  std::printf("sync: 1 user in %d conversations (groups, one message each), %d repeats\n", count,
              options.repeats);
  PrintSeries("fresh device (no cursors)", samples[0], last[0].messages, last[0].latest.size(),
              spent(0), options.repeats);
  PrintSeries("cursors at the latest seq", samples[1], last[1].messages, last[1].latest.size(),
              spent(1), options.repeats);
  PrintSeries("cursors and token", samples[2], last[2].messages, last[2].latest.size(), spent(2),
              options.repeats);
  std::fflush(stdout);
  // Every group is listed without a token (and the notices conversation, once the user has
  // one); with one, none: nothing changed between the syncs.
  const bool full = last[0].latest.size() >= static_cast<size_t>(count) &&
                    last[1].latest.size() == last[0].latest.size();
  return full && last[2].latest.empty() && last[2].messages == 0 ? 0 : 2;
}

}  // namespace parley::bench
