#include "tools/bench/shard.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>

#include "client/frames.h"
#include "client/wire_codes.h"

namespace parley::bench {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kTickInterval{2};
constexpr size_t kDefaultRateWindow = 256;
constexpr double kMaxBurstSeconds = 0.1;  // the ticker never catches up more than this

// Only frames a non-primary connection acts on are parsed there; message frames (the bulk of
// the traffic, carrying our own texts) are recognised without parsing them.
bool NeedsParse(std::string_view text) {
  for (std::string_view marker : {"\"ack\"", "\"error\"", "\"synced\"", "\"welcome\""}) {
    if (text.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

// The send time a bench text starts with ("b<nanos>:..."), 0 when it is not one of ours.
int64_t SendTimeOf(const std::string& text) {
  if (text.size() < 2 || text[0] != 'b') return 0;
  int64_t nanos = 0;
  auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), nanos);
  return ec == std::errc() && end != text.data() + text.size() && *end == ':' ? nanos : 0;
}

}  // namespace

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Shard::Shard(const BenchOptions& options, const std::vector<BenchUser>& users,
             std::vector<int> connection_users, std::vector<bool> primary, int recipients,
             std::string id_prefix, int max_opening)
    : options_(options),
      users_(users),
      recipients_(recipients),
      id_prefix_(std::move(id_prefix)),
      max_opening_(static_cast<size_t>(std::max(1, max_opening))),
      rng_(std::random_device{}()) {
  window_ = options.window > 0 ? static_cast<size_t>(options.window)
                               : (options.rate > 0 ? kDefaultRateWindow : 4);
  conns_.resize(connection_users.size());
  for (size_t i = 0; i < conns_.size(); ++i) {
    conns_[i].user = connection_users[i];
    conns_[i].primary = primary[i];
  }
}

Shard::~Shard() { Join(); }

void Shard::Start() {
  loop_.Post([this] {
    OpenMore();
    if (conns_.empty()) ready_ = true;
  });
  thread_ = std::thread([this] { loop_.Run(); });
}

void Shard::BeginSending(RunPlan plan) {
  loop_.Post([this, plan] {
    plan_ = plan;
    sending_ = true;
    last_tick_ns_ = NowNanos();
    if (options_.rate > 0) return Tick();
    for (size_t index : live_) {
      for (size_t k = 0; k < window_; ++k) SendOne(index);
    }
  });
}

void Shard::Finish() {
  loop_.Post([this] {
    sending_ = false;
    stopping_ = true;
    for (Conn& conn : conns_) {
      if (conn.ws && conn.ws->is_open()) conn.ws->Close(1000);
    }
    loop_.After(milliseconds(1500), [this] { loop_.Stop(); });
  });
}

void Shard::Join() {
  if (thread_.joinable()) thread_.join();
}

void Shard::OpenMore() {
  while (opening_ < max_opening_ && next_to_open_ < conns_.size() && !stopping_) {
    Open(next_to_open_++);
  }
  if (opening_ == 0 && next_to_open_ == conns_.size()) ready_ = true;
}

void Shard::Open(size_t index) {
  ++opening_;
  client::WsConnection::Handlers handlers;
  handlers.on_open = [this, index] {
    const std::string& token = users_[static_cast<size_t>(conns_[index].user)].token;
    conns_[index].ws->Send(client::HelloFrame(token, {}, client::kProtocolVersion, /*batch=*/true));
  };
  handlers.on_frame = [this, index](std::string_view text) {
    client::ForEachObject(text, [&](std::string_view object) { OnFrame(index, object); });
  };
  handlers.on_close = [this, index](const Status&, int code) { OnClose(index, code); };
  conns_[index].ws = client::WsConnection::Create(loop_, std::move(handlers));
  conns_[index].ws->Open(options_.EndpointOfUser(conns_[index].user));
}

void Shard::OnFrame(size_t index, std::string_view text) {
  Conn& conn = conns_[index];
  if (!conn.primary && !NeedsParse(text)) return;
  json frame = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!frame.is_object()) return;
  std::string type = frame.value("type", std::string());
  if (type == "synced") return OnSynced(index);
  if (type == "ack") return OnAck(index, frame.value("id", std::string()));
  if (type == "error") {
    return OnError(index, frame.value("code", std::string("?")), frame.value("id", std::string()));
  }
  if (type == "message" && conn.primary) {
    OnMessage(index, frame.value("sender_id", int64_t{0}), frame.value("text", std::string()));
  }
}

void Shard::OnSynced(size_t index) {
  Conn& conn = conns_[index];
  if (conn.established) return;
  conn.established = true;
  live_.push_back(index);
  ++stats_.established;
  ++established_count_;
  --opening_;
  OpenMore();
}

void Shard::OnAck(size_t index, const std::string& id) {
  Conn& conn = conns_[index];
  auto it = conn.unacked.find(id);
  if (it == conn.unacked.end()) return;
  ++stats_.acked;
  acked_so_far_.fetch_add(1, std::memory_order_relaxed);
  if (Measured(it->second)) {
    ++stats_.measured_acked;
    stats_.ack.Add(NowNanos() - it->second);
  }
  conn.unacked.erase(it);
  AfterReply(index, /*back_off=*/false);
}

void Shard::OnError(size_t index, const std::string& code, const std::string& id) {
  ++stats_.errors[code];
  Conn& conn = conns_[index];
  if (!conn.established) return;  // a hello error: the server closes the connection next
  if (id.empty() || conn.unacked.erase(id) == 0) return;
  AfterReply(index, /*back_off=*/code == "rate_limited");
}

void Shard::OnMessage(size_t index, int64_t sender_id, const std::string& text) {
  if (sender_id == users_[static_cast<size_t>(conns_[index].user)].id) return;  // own echo
  int64_t sent_at = SendTimeOf(text);
  if (sent_at == 0) return;
  ++stats_.delivered;
  if (Measured(sent_at)) {
    ++stats_.measured_delivered;
    stats_.deliver.Add(NowNanos() - sent_at);
  }
}

void Shard::OnClose(size_t index, int close_code) {
  Conn& conn = conns_[index];
  if (!conn.established) {
    ++stats_.failed;
    ++stats_.errors["connect_failed"];
    --opening_;
    OpenMore();
    return;
  }
  live_.erase(std::remove(live_.begin(), live_.end(), index), live_.end());
  if (!stopping_) ++stats_.errors["closed_" + std::to_string(close_code)];
}

void Shard::SendOne(size_t index) {
  Conn& conn = conns_[index];
  int64_t now = NowNanos();
  if (!sending_ || now >= plan_.stop_ns || !conn.ws->is_open()) return;
  std::uniform_int_distribution<int> pick(0, recipients_ - 2);
  int recipient = pick(rng_);
  if (recipient >= conn.user) ++recipient;  // anyone but the sender
  std::string id = id_prefix_ + std::to_string(next_id_++);
  std::string text = "b" + std::to_string(now) + ":";
  if (text.size() < static_cast<size_t>(options_.size)) {
    text.append(static_cast<size_t>(options_.size) - text.size(), 'x');
  }
  Status queued =
      conn.ws->Send(client::SendToUserFrame(id, users_[static_cast<size_t>(recipient)].id, text));
  if (!queued.ok()) {
    ++stats_.errors["send_queue_full"];
    return;
  }
  conn.unacked.emplace(std::move(id), now);
  ++stats_.sent;
  sent_so_far_.fetch_add(1, std::memory_order_relaxed);
  if (Measured(now)) ++stats_.measured_sent;
}

// A reply freed a window slot: in rate-0 mode it is refilled (later, after a rate_limited).
void Shard::AfterReply(size_t index, bool back_off) {
  if (options_.rate > 0 || !sending_) return;
  if (!back_off) return SendOne(index);
  loop_.After(milliseconds(50), [this, index] { SendOne(index); });
}

void Shard::Tick() {
  int64_t now = NowNanos();
  if (!sending_ || now >= plan_.stop_ns) return;
  double elapsed_s = static_cast<double>(now - last_tick_ns_) / 1e9;
  last_tick_ns_ = now;
  due_sends_ = std::min(due_sends_ + options_.rate * elapsed_s,
                        std::max(1.0, options_.rate * kMaxBurstSeconds));
  std::uniform_int_distribution<size_t> pick(0, live_.empty() ? 0 : live_.size() - 1);
  for (; due_sends_ >= 1.0 && !live_.empty(); due_sends_ -= 1.0) {
    size_t index = live_[pick(rng_)];
    if (conns_[index].unacked.size() >= window_) {
      ++stats_.skipped;
      continue;
    }
    SendOne(index);
  }
  loop_.After(kTickInterval, [this] { Tick(); });
}

bool Shard::Measured(int64_t send_ns) const {
  return send_ns >= plan_.measure_from_ns && send_ns < plan_.stop_ns;
}

}  // namespace parley::bench
