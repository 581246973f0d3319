// XEP-0363 HTTP File Upload: the service upload.DOMAIN answers disco and gives slots, which are
// chat::UploadSlots uploads: the same checks as the native upload (MediaService::Create: size
// limit, storage quota, kinds), nothing decided here (docs/xmpp.md, "HTTP upload").
#include <charconv>

#include "net/blocking.h"
#include "xmpp/c2s_session.h"
#include "xmpp/namespaces.h"
#include "xmpp/stanza_error.h"
#include "xmpp/upload_frames.h"

namespace parley::xmpp {
using boost::asio::awaitable;

namespace {

// A size attribute: decimal digits only (at most 18, so it fits), at least 1.
std::optional<int64_t> ParseSize(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t size = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), size);
  if (error != std::errc() || end != text.data() + text.size() || size < 0) return std::nullopt;
  return size;
}

std::string Trimmed(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return "";
  return std::string(text.substr(first, text.find_last_not_of(kSpace) - first + 1));
}

// XEP-0363's refusal of a file over the limit, which names the limit.
XmlElement FileTooLarge(const XmlElement& iq, std::string_view text, int64_t max_size) {
  XmlElement reply = ErrorReply(iq, {"modify", "not-acceptable"}, "");
  reply.children.clear();
  reply.Add(FileTooLargeError(text, max_size));
  return reply;
}

}  // namespace

awaitable<void> C2sSession::HandleUploadIq(const XmlElement& iq) {
  const XmlElement& payload = iq.children.front();
  const int64_t max_size = services_.uploads->media().options().max_upload_bytes;
  const bool get = iq.Attr("type") == "get";
  if (get && payload.ns == kDiscoInfoNs && payload.name == "query") {
    Reply(iq, UploadDiscoInfo(max_size));
    co_return;
  }
  if (get && payload.ns == kDiscoItemsNs && payload.name == "query") {
    Reply(iq, XmlElement(std::string(kDiscoItemsNs), "query"));
    co_return;
  }
  if (!get || payload.ns != kHttpUploadNs || payload.name != "request") {
    SendStanza(ErrorReply(iq, {"cancel", "service-unavailable"}, ""));
    co_return;
  }
  std::optional<int64_t> size = ParseSize(payload.Attr("size"));
  if (!size) {
    ReplyError(iq, Status(Code::kInvalidArgument, "size is a number of bytes"));
    co_return;
  }
  const chat::SlotRequest request{std::string(payload.Attr("filename")), *size,
                                  std::string(payload.Attr("content-type"))};
  auto requesting = net::OnWorker(services_.workers, [this, &request] {
    return services_.uploads->Request(user_id_, request);
  });
  Result<chat::UploadSlot> slot = co_await std::move(requesting);
  if (!slot.ok()) {
    if (slot.status().code() == Code::kTooLarge) {
      SendStanza(FileTooLarge(iq, slot.status().message(), max_size));
    } else {
      ReplyError(iq, slot.status());  // bad-request; resource-constraint for the quota
    }
    co_return;
  }
  const std::string& base = options_.upload_base_url;
  const std::string& name = slot->upload.name;
  Reply(iq,
        SlotElement(SlotUrl(base, slot->put_token, name), SlotUrl(base, slot->get_token, name)));
}

awaitable<void> C2sSession::AttachOwnUpload(const XmlElement& message, chat::SendCommand& command) {
  if (services_.uploads == nullptr) co_return;
  const XmlElement* oob = message.Child("x", kOobNs);
  const XmlElement* oob_url = oob != nullptr ? oob->Child("url", kOobNs) : nullptr;
  const std::string body = Trimmed(command.text);
  const std::string link = oob_url != nullptr ? Trimmed(oob_url->text) : body;
  const std::string token(TokenOfSlotUrl(options_.upload_base_url, link));
  if (token.empty()) co_return;
  auto finding = net::OnWorker(
      services_.workers, [this, &token] { return services_.uploads->OwnMedia(user_id_, token); });
  Result<store::Media> media = co_await std::move(finding);
  if (!media.ok()) co_return;
  command.media = media->id;
  if (body == link) command.text.clear();
}

}  // namespace parley::xmpp
