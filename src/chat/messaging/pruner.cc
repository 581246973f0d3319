#include "chat/messaging/pruner.h"

#include <algorithm>
#include <string>
#include <thread>
#include <utility>

#include "base/log.h"

namespace parley::chat {
namespace {

constexpr int kConversationPage = 500;
constexpr int64_t kDayMs = 24LL * 3600 * 1000;

}  // namespace

Pruner::Pruner(store::Store& store, RetentionOptions options, std::function<int64_t()> now)
    : store_(store),
      options_(options),
      now_(std::move(now)),
      periodic_(options.interval, [this] { Pass(); }) {}

void Pruner::Stop() {
  stopping_ = true;
  periodic_.Stop();
}

Pruner::Stats Pruner::stats() const {
  return Stats{messages_.load(), media_.load(), batches_.load(), longest_batch_us_.load()};
}

void Pruner::Pass() {
  const Stats before = stats();
  const auto started = std::chrono::steady_clock::now();
  if (Status s = RunPass(); !s.ok()) {
    Log(LogLevel::kWarning, "pruning_failed", {{"reason", s.message()}});
  }
  const Stats after = stats();
  if (after.batches == before.batches) return;  // nothing was due: no line every interval
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  Log(LogLevel::kInfo, "pruned",
      {{"messages", std::to_string(after.messages - before.messages)},
       {"media", std::to_string(after.media - before.media)},
       {"batches", std::to_string(after.batches - before.batches)},
       {"longest_batch_us", std::to_string(after.longest_batch_us)},
       {"pass_ms", std::to_string(took.count())}});
}

Status Pruner::RunPass() {
  const int64_t now = now_();
  int64_t after = 0;
  while (!stopping_) {
    auto page = store_.RetentionStates(after, kConversationPage);
    if (!page.ok()) return page.status();
    for (const store::ConversationRetention& state : *page) {
      if (stopping_) return Status::Ok();
      if (Status s = PruneConversation(state, now); !s.ok()) return s;
    }
    if (static_cast<int>(page->size()) < kConversationPage) return Status::Ok();
    after = page->back().conversation_id;
  }
  return Status::Ok();
}

Status Pruner::PruneConversation(const store::ConversationRetention& state, int64_t now) {
  const store::RetentionPolicy policy = Stricter(options_.server, state.policy);
  store::PruneLimits limits;
  if (policy.max_messages > 0) limits.through_seq = state.last_seq - policy.max_messages;
  if (policy.days > 0) limits.created_before = now - policy.days * kDayMs;
  const bool by_count = limits.through_seq > state.pruned_through;
  if (by_count || limits.created_before > 0) {
    for (bool more = true; more && !stopping_;) {
      const auto started = std::chrono::steady_clock::now();
      auto step = store_.PruneMessages(state.conversation_id, limits, options_.batch);
      if (!step.ok()) return step.status();
      const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - started);
      Record(*step, took, /*media=*/false);
      more = step->more;
      if (more) GiveWayToWrites(took);
    }
  }
  if (options_.media_days <= 0) return Status::Ok();
  const int64_t media_before = now - options_.media_days * kDayMs;
  for (bool more = true; more && !stopping_;) {
    const auto started = std::chrono::steady_clock::now();
    auto step = store_.PruneMedia(state.conversation_id, media_before, options_.batch);
    if (!step.ok()) return step.status();
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    Record(*step, took, /*media=*/true);
    more = step->more;
    if (more) GiveWayToWrites(took);
  }
  return Status::Ok();
}

// The store's writes take turns on one lock that is not fair: a thread that takes it again
// at once keeps it. Back-to-back batches starved the message writer (sends waited seconds while
// 1M messages were pruned), so the pruner rests as long as its batch took before the next:
// it holds the write lock at most half the time, and sends get it between two batches.
void Pruner::GiveWayToWrites(std::chrono::microseconds took) {
  std::this_thread::sleep_for(std::max(took, std::chrono::microseconds(1000)));
}

void Pruner::Record(const store::PruneStep& step, std::chrono::microseconds took, bool media) {
  if (step.removed == 0) return;
  (media ? media_ : messages_) += step.removed;
  ++batches_;
  int64_t longest = longest_batch_us_.load();
  while (took.count() > longest &&
         !longest_batch_us_.compare_exchange_weak(longest, took.count())) {
  }
}

}  // namespace parley::chat
