#include "tls/context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace parley::tls {
namespace asio = boost::asio;
namespace ssl = asio::ssl;

namespace {

// Mozilla's "intermediate" TLS 1.2 suites without finite-field DHE. TLS 1.3's suites are all
// AEAD; OpenSSL's defaults stay.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// OpenSSL's reason for the last failure, or the error code's message.
std::string Reason(const boost::system::error_code& ec) {
  const unsigned long err = ERR_get_error();
  ERR_clear_error();
  if (err == 0) return ec.message();
  char text[256];
  ERR_error_string_n(err, text, sizeof text);
  return text;
}

Status Restrict(ssl::context& context) {
  SSL_CTX* native = context.native_handle();
  context.set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                      ssl::context::single_dh_use);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    return Status(Code::kInternal, "cannot restrict TLS: " + Reason({}));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<ServerContext>> ServerContext::Load(std::string cert_file,
                                                           std::string key_file) {
  std::unique_ptr<ServerContext> server(
      new ServerContext(std::move(cert_file), std::move(key_file)));
  if (Status s = server->Reload(); !s.ok()) return s;
  return server;
}

std::shared_ptr<ssl::context> ServerContext::Current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

Status ServerContext::Reload() {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  if (Status s = Restrict(*context); !s.ok()) return s;
  boost::system::error_code ec;
  context->use_certificate_chain_file(cert_file_, ec);
  if (ec) {
    return Status(Code::kInvalidArgument,
                  "cannot load the TLS certificate " + cert_file_ + ": " + Reason(ec));
  }
  context->use_private_key_file(key_file_, ssl::context::pem, ec);
  if (ec) {
    return Status(Code::kInvalidArgument,
                  "cannot load the TLS key " + key_file_ + ": " + Reason(ec));
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return Status(Code::kInvalidArgument,
                  "the TLS key " + key_file_ + " does not match the certificate: " + Reason({}));
  }
  std::lock_guard lock(mutex_);
  current_ = std::move(context);
  return Status::Ok();
}

Result<std::shared_ptr<ssl::context>> MakeClientContext(const std::string& ca_file) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  if (Status s = Restrict(*context); !s.ok()) return s;
  boost::system::error_code ec;
  if (ca_file.empty()) {
    context->set_default_verify_paths(ec);
  } else {
    context->load_verify_file(ca_file, ec);
  }
  if (ec) {
    return Status(Code::kInvalidArgument, "cannot load the CA file " + ca_file + ": " + Reason(ec));
  }
  context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  return context;
}

}  // namespace parley::tls
