// TcpTransport: a client-to-server stream on a TCP connection (RFC 6120), in the clear or
// after STARTTLS over TLS (the connection's tls::Stream). Input is read as it arrives and parsed
// by an XmlStreamReader; the stream header is <stream:stream> and its footer </stream:stream>.
#ifndef PARLEY_XMPP_TCP_TRANSPORT_H_
#define PARLEY_XMPP_TCP_TRANSPORT_H_

#include <array>

#include "tls/stream.h"
#include "xmpp/c2s_transport.h"

namespace parley::xmpp {

class TcpTransport final : public C2sTransport {
 public:
  TcpTransport(tls::Stream stream, const XmlLimits& limits);

  boost::asio::any_io_executor executor() override { return stream_.get_executor(); }
  boost::asio::awaitable<bool> Open() override;
  boost::asio::awaitable<std::optional<std::string_view>> Read() override;
  FeedResult Parse(std::string_view input, int64_t now_ms) override;
  void RestartStream() override { reader_.Restart(); }
  std::string StreamHeader(std::string_view id, std::string_view domain) const override;
  std::string_view StreamFooter() const override { return "</stream:stream>"; }
  void Write(std::array<boost::asio::const_buffer, 3> buffers, WriteDone done) override;
  bool secure() const override { return stream_.is_tls(); }
  bool can_start_tls() const override { return !stream_.is_tls(); }
  boost::asio::awaitable<bool> StartTls(std::shared_ptr<boost::asio::ssl::context> tls) override;
  void Shutdown(WriteDone done) override;
  void Abort() override;

 private:
  tls::Stream stream_;
  XmlStreamReader reader_;
  std::array<char, 4096> buffer_;
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_TCP_TRANSPORT_H_
