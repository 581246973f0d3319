// TLS contexts: parleyd's server context (its certificate, reloadable) and a client context
// (the CAs a client trusts). Both allow TLS 1.2 and 1.3 only; TLS 1.2 only with ECDHE key
// exchange and AEAD ciphers (AES-GCM, ChaCha20-Poly1305); no compression, no renegotiation.
//
// ServerContext::Current() hands out the context new connections use; Reload() reads the
// certificate chain and key files again and swaps it in only if they load and match, so a bad
// file on reload keeps the server on the old certificate. Connections already open keep the
// context they started with (tls::Stream holds it). Thread-safe.
#ifndef PARLEY_TLS_CONTEXT_H_
#define PARLEY_TLS_CONTEXT_H_

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"

namespace parley::tls {

class ServerContext {
 public:
  // Loads a PEM certificate chain (leaf first) and its PEM private key.
  static Result<std::unique_ptr<ServerContext>> Load(std::string cert_file, std::string key_file);

  std::shared_ptr<boost::asio::ssl::context> Current() const;
  // kInvalidArgument (with the file and OpenSSL's reason) when the files do not load.
  Status Reload();

 private:
  ServerContext(std::string cert_file, std::string key_file)
      : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)) {}

  const std::string cert_file_;
  const std::string key_file_;
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> current_;  // guarded by mutex_
};

// A client context that checks the server's certificate against the PEM CAs in `ca_file`, or
// against the system's CAs when it is empty.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeClientContext(const std::string& ca_file);

}  // namespace parley::tls

#endif  // PARLEY_TLS_CONTEXT_H_
