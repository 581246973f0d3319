#include "mail/smtp_mailer.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>

#include "base/log.h"
#include "base/random_hex.h"
#include "mail/compose.h"

namespace parley::mail {
namespace {

// libcurl's global state, made once before the first handle (thread-safe since C++11 statics).
void InitCurlOnce() {
  static const bool initialized = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == 0; }();
  (void)initialized;
}

struct Upload {
  std::string_view rest;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->rest.size());
  std::memcpy(buffer, upload->rest.data(), n);
  upload->rest.remove_prefix(n);
  return n;
}

std::string DomainOf(const std::string& address) {
  const size_t at = address.rfind('@');
  return at == std::string::npos ? "" : address.substr(at + 1);
}

int64_t NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status SendOverSmtp(const SmtpOptions& options, const Mail& mail) {
  auto message = ComposeMessage(mail, options.from, NowUnixSeconds(), RandomHex(16));
  if (!message.ok()) return message.status();
  InitCurlOnce();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status(Code::kUnavailable, "cannot start libcurl");
  CURL* handle = curl.get();
  Upload upload{*message};
  const std::string from = "<" + options.from + ">";
  const std::string to = "<" + mail.to + ">";
  curl_slist* recipients = curl_slist_append(nullptr, to.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients_owner(recipients,
                                                                               curl_slist_free_all);
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(handle, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // STARTTLS is required: a server (or a man in the middle) that does not offer it gets no mail.
  curl_easy_setopt(handle, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(handle, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!options.ca_file.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.username.empty()) {
    curl_easy_setopt(handle, CURLOPT_USERNAME, options.username.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, options.password.c_str());
  }
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message->size()));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms));
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  const CURLcode result = curl_easy_perform(handle);
  if (result != CURLE_OK) {
    return Status(Code::kUnavailable,
                  std::string("SMTP: ") + (error[0] != '\0' ? error : curl_easy_strerror(result)));
  }
  return Status::Ok();
}

Result<std::unique_ptr<SmtpMailer>> SmtpMailer::Start(SmtpOptions options) {
  if (!options.url.starts_with("smtp://") && !options.url.starts_with("smtps://")) {
    return Status(Code::kInvalidArgument, "smtp-url must be smtp://HOST[:PORT] or smtps://...");
  }
  if (!IsPlainAddress(options.from)) {
    return Status(Code::kInvalidArgument, "smtp-from must be a plain address (local@domain)");
  }
  options.attempts = std::max(1, options.attempts);
  InitCurlOnce();
  std::unique_ptr<SmtpMailer> mailer(new SmtpMailer(std::move(options)));
  mailer->thread_ = std::thread([m = mailer.get()] { m->Run(); });
  return mailer;
}

SmtpMailer::~SmtpMailer() { Stop(); }

Status SmtpMailer::Send(Mail mail) {
  if (Status s = CheckMail(mail); !s.ok()) return s;
  std::lock_guard lock(mutex_);
  if (stopping_ || queue_.size() >= options_.queue_limit) {
    ++stats_.refused;
    return Status(Code::kUnavailable, "the mail queue is full; try again later");
  }
  queue_.push_back(std::move(mail));
  wake_.notify_one();
  return Status::Ok();
}

void SmtpMailer::Stop() {
  size_t dropped = 0;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    dropped = queue_.size();
    queue_.clear();
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  if (dropped > 0)
    Log(LogLevel::kWarning, "mail_dropped_at_stop", {{"count", std::to_string(dropped)}});
}

SmtpMailer::Stats SmtpMailer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void SmtpMailer::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Mail mail = std::move(queue_.front());
    queue_.pop_front();
    Status status = Status::Ok();
    auto pause = std::chrono::seconds(1);
    for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
      lock.unlock();
      status = SendOverSmtp(options_, mail);
      lock.lock();
      if (status.ok() || stopping_ || attempt == options_.attempts) break;
      // Wait before trying again, unless told to stop.
      if (wake_.wait_for(lock, pause, [this] { return stopping_; })) break;
      pause *= 2;
    }
    if (status.ok()) {
      ++stats_.sent;
      continue;
    }
    ++stats_.failed;
    Log(LogLevel::kWarning, "mail_failed",
        {{"domain", DomainOf(mail.to)}, {"reason", status.message()}});
  }
}

}  // namespace parley::mail
