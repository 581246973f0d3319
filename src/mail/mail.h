// Mailer: sends e-mail for the server (account verification, password reset, digests) without
// blocking the caller. The one interface the rest of parleyd sees; SmtpMailer (smtp_mailer.h)
// implements it over SMTP, tests use a fake.
//
// Mail is plain UTF-8 text to one recipient. Send() validates and queues; delivery happens
// later on the mailer's own thread, so a slow or down SMTP server never delays a request.
// Thread-safe.
#ifndef PARLEY_MAIL_MAIL_H_
#define PARLEY_MAIL_MAIL_H_

#include <string>

#include "base/status.h"

namespace parley::mail {

struct Mail {
  std::string to;       // one address, "local@domain"
  std::string subject;  // UTF-8, one line
  std::string text;     // UTF-8 body, lines separated by \n
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // kInvalidArgument: a bad address, a subject with a line break, text that is not UTF-8 or is
  // too long (ComposeMessage's rules); kUnavailable: the queue is full or the mailer stopped.
  virtual Status Send(Mail mail) = 0;
};

}  // namespace parley::mail

#endif  // PARLEY_MAIL_MAIL_H_
