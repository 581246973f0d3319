// SmtpMailer: the Mailer over SMTP with libcurl: one background thread sends the queued mails
// one by one, each on its own connection, with STARTTLS (required unless the URL is smtps://,
// which is TLS from the first byte) and AUTH when a user name is set. The server's certificate
// is checked against the system's CAs or SmtpOptions::ca_file, and its name against the URL's
// host.
//
// Bounds: at most `queue_limit` mails wait (Send() then fails with kUnavailable); each send
// has `timeout_ms`; a mail that fails is tried `attempts` times in all, waiting 1 s, 2 s, 4 s
// ... between tries, then dropped with a log line (never its text, only its recipient's
// domain). Stop() (or the destructor) stops the thread after the mail being sent; mails still
// queued are dropped and counted in the log.
// Thread-safe: Send() from any thread.
#ifndef PARLEY_MAIL_SMTP_MAILER_H_
#define PARLEY_MAIL_SMTP_MAILER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"
#include "mail/mail.h"

namespace parley::mail {

struct SmtpOptions {
  std::string url;          // smtp://host[:port] (STARTTLS) or smtps://host[:port]; empty: no mail
  std::string from;         // the envelope and header sender, a plain address
  std::string username;     // AUTH user; empty: no AUTH
  std::string password;     // AUTH password (keep it in the config file, not on the command line)
  std::string ca_file;      // PEM CAs for the server's certificate; empty: the system's
  int timeout_ms = 30'000;  // one whole send
  size_t queue_limit = 1'000;  // mails waiting at most
  int attempts = 3;            // tries per mail
};

// Sends one mail now, on the calling thread (SmtpMailer's thread uses it). kUnavailable when
// the SMTP exchange fails (the message says why: connection, TLS, AUTH, a refused recipient).
Status SendOverSmtp(const SmtpOptions& options, const Mail& mail);

class SmtpMailer final : public Mailer {
 public:
  // kInvalidArgument when the options are unusable (no URL, another scheme, a bad sender).
  static Result<std::unique_ptr<SmtpMailer>> Start(SmtpOptions options);
  ~SmtpMailer() override;
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;

  Status Send(Mail mail) override;
  void Stop();

  struct Stats {
    int64_t sent = 0;
    int64_t failed = 0;   // dropped after every attempt
    int64_t refused = 0;  // Send() returned kUnavailable: queue full or stopped
  };
  Stats stats() const;

 private:
  explicit SmtpMailer(SmtpOptions options) : options_(std::move(options)) {}
  void Run();

  const SmtpOptions options_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Mail> queue_;  // guarded by mutex_
  bool stopping_ = false;   // guarded by mutex_
  Stats stats_;             // guarded by mutex_
};

}  // namespace parley::mail

#endif  // PARLEY_MAIL_SMTP_MAILER_H_
