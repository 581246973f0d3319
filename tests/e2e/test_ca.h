// TestCa: a throw-away certificate authority for TLS tests, made at test time with the openssl
// command (no key or certificate is checked in). Everything lives in a TempDir removed with the
// object: ca.pem/ca.key, and each issued leaf as NAME.pem/NAME.key (P-256 keys, 2 days valid).
//
// Issue() signs a server certificate whose subjectAltName lists `alt_names` ("DNS:localhost",
// "IP:127.0.0.1"). Thread-safety: none.
#ifndef PARLEY_TESTS_E2E_TEST_CA_H_
#define PARLEY_TESTS_E2E_TEST_CA_H_

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "tests/support/temp_dir.h"

namespace parley::e2e {

struct IssuedCert {
  std::string cert_file;  // PEM certificate
  std::string key_file;   // PEM private key
};

class TestCa {
 public:
  // Makes the CA's key and self-signed certificate; `name` (letters, digits, spaces and
  // dashes: it goes into a shell command, as Issue()'s names do) is its common name.
  static Result<TestCa> Create(const std::string& name);

  Result<IssuedCert> Issue(const std::string& file_name, const std::vector<std::string>& alt_names);

  const std::string& ca_file() const { return ca_file_; }
  const std::string& dir() const { return dir_->path(); }

 private:
  std::shared_ptr<testing_support::TempDir> dir_;
  std::string ca_file_;
  std::string ca_key_;
};

// Runs a shell command quietly (its output goes to the test log only on failure).
Status RunQuietly(const std::string& command);

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_TEST_CA_H_
