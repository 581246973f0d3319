#include "net/upload_slot_http.h"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>
#include <string>

#include "net/api_media.h"
#include "net/blocking.h"
#include "net/upload_chunk.h"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using ChunkWriter = chat::MediaService::ChunkWriter;

namespace {

// The token of /xmpp-upload/TOKEN/FILENAME (the file name is not checked: it is for show).
std::string_view TokenOf(std::string_view target) {
  std::string_view rest = target.substr(kUploadSlotPrefix.size());
  rest = rest.substr(0, rest.find('?'));
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return {};
  return rest.substr(0, slash);
}

// The whole file as one body: its length must be the declared size, known before any byte.
Status CheckLength(const HeaderParser& parser, int64_t declared) {
  if (parser.chunked() || !parser.content_length()) {
    return Status(Code::kInvalidArgument, "Content-Length is required: the file's declared size");
  }
  const uint64_t length = *parser.content_length();
  if (length > static_cast<uint64_t>(declared)) {
    return Status(Code::kTooLarge, "the body is larger than the slot's declared size");
  }
  if (length != static_cast<uint64_t>(declared)) {
    return Status(Code::kInvalidArgument, "the body must be exactly the slot's declared size");
  }
  return Status::Ok();
}

// Writes the body into the upload one MediaService chunk after another. Blocking: on workers.
class SlotWriter {
 public:
  SlotWriter(chat::MediaService& media, store::Upload upload)
      : media_(media), upload_(std::move(upload)) {}

  Status Write(std::string_view bytes) {
    while (!bytes.empty()) {
      if (!chunk_) {
        const int64_t length = std::min(media_.options().chunk_bytes, upload_.size - received_);
        if (length <= 0) return Status(Code::kTooLarge, "the body runs past the declared size");
        auto begun =
            media_.BeginChunk(upload_.owner_id, upload_.id, {received_, length, upload_.size});
        if (!begun.ok()) return begun.status();
        started_ = true;
        chunk_ = std::move(*begun);
        chunk_length_ = length;
        chunk_written_ = 0;
      }
      const size_t take = static_cast<size_t>(
          std::min<int64_t>(chunk_length_ - chunk_written_, static_cast<int64_t>(bytes.size())));
      if (Status written = chunk_->Write(bytes.substr(0, take)); !written.ok()) return written;
      chunk_written_ += static_cast<int64_t>(take);
      bytes.remove_prefix(take);
      if (chunk_written_ == chunk_length_) {
        auto received = chunk_->Finish();
        chunk_.reset();
        if (!received.ok()) return received.status();
        received_ = *received;
      }
    }
    return Status::Ok();
  }

  bool complete() const { return !chunk_ && received_ == upload_.size; }

  // Removes what this PUT wrote: a failed PUT stores nothing. A PUT refused before writing
  // (another one is at work on the slot) leaves the slot alone.
  void Abandon() {
    chunk_.reset();
    if (started_) (void)media_.Abandon(upload_.owner_id, upload_.id);
  }

 private:
  chat::MediaService& media_;
  const store::Upload upload_;
  std::unique_ptr<ChunkWriter> chunk_;
  int64_t chunk_length_ = 0;
  int64_t chunk_written_ = 0;
  int64_t received_ = 0;
  bool started_ = false;  // a chunk was begun: the upload holds this PUT's bytes
};

awaitable<SlotAnswer> ReceiveSlotBody(tls::Stream& stream, beast::flat_buffer& buffer,
                                      HeaderParser& parser, std::string_view token,
                                      Context& context, beast::error_code& ec) {
  const Request head = HeadOf(parser);
  chat::UploadSlots& slots = *context.upload_slots;
  auto finding = OnWorker(context.workers, [&] { return slots.PendingUpload(token); });
  Result<store::Upload> upload = co_await std::move(finding);
  if (!upload.ok()) co_return SlotAnswer{ErrorResponse(head, upload.status()), true};
  if (Status length = CheckLength(parser, upload->size); !length.ok()) {
    co_return SlotAnswer{ErrorResponse(head, length), true};
  }
  auto completion = context.completions.TryEnter(upload->owner_id);
  if (!completion) {
    const Status busy(Code::kRateLimited, "too many of your uploads are being completed");
    co_return SlotAnswer{ErrorResponse(head, busy), true};
  }
  if (head[http::field::expect] == "100-continue") {
    http::response<http::empty_body> proceed{http::status::continue_, head.version()};
    auto writing =
        http::async_write(stream, proceed, asio::redirect_error(asio::use_awaitable, ec));
    co_await std::move(writing);
    if (ec) co_return SlotAnswer{Response{}, true};
  }
  SlotWriter writer(context.media, *upload);
  auto pumping = PumpBody(
      stream, buffer, parser, static_cast<uint64_t>(upload->size),
      [&writer](std::string_view piece) { return writer.Write(piece); }, context, ec);
  Status streamed = co_await std::move(pumping);
  if (ec || !streamed.ok() || !writer.complete()) {
    co_await OnWorker(context.workers, [&] {
      writer.Abandon();
      return 0;
    });
    if (ec) co_return SlotAnswer{Response{}, true};
    if (streamed.ok()) streamed = Status(Code::kInvalidArgument, "the body was cut short");
    co_return SlotAnswer{ErrorResponse(head, streamed), true};
  }
  auto completing = OnPool(context.media_work,
                           [&] { return context.media.Complete(upload->owner_id, upload->id); });
  Result<store::Media> media = co_await std::move(completing);
  if (!media.ok()) {
    co_await OnWorker(context.workers, [&] {
      writer.Abandon();  // gone already unless the pool was full
      return 0;
    });
    co_return SlotAnswer{ErrorResponse(head, media.status()), false};
  }
  co_return SlotAnswer{EmptyResponse(head, 201), false};
}

}  // namespace

bool IsUploadSlotRequest(std::string_view target) {
  return target.substr(0, kUploadSlotPrefix.size()) == kUploadSlotPrefix;
}

awaitable<SlotAnswer> ServeUploadSlot(tls::Stream& stream, beast::flat_buffer& buffer,
                                      HeaderParser& parser, Context& context,
                                      beast::error_code& ec) {
  const Request head = HeadOf(parser);
  const std::string target(head.target().data(), head.target().size());
  const std::string_view token = TokenOf(target);
  const auto method = head.method();
  if (context.upload_slots == nullptr || token.empty()) {
    co_return SlotAnswer{ErrorResponse(head, Status(Code::kNotFound, "no such path")),
                         !parser.is_done()};
  }
  if (method == http::verb::put) {
    auto receiving = ReceiveSlotBody(stream, buffer, parser, token, context, ec);
    co_return co_await std::move(receiving);
  }
  if (method != http::verb::get && method != http::verb::head) {
    Response refusal = EmptyResponse(head, 405);
    refusal.set(http::field::allow, "PUT, GET, HEAD");
    co_return SlotAnswer{std::move(refusal), !parser.is_done()};
  }
  chat::UploadSlots& slots = *context.upload_slots;
  auto opened = co_await OnWorker(context.workers, [&] {
    return OpenMediaFile(context.media, slots.Open(token), /*thumbnail=*/false);
  });
  if (!opened.ok()) co_return SlotAnswer{ErrorResponse(head, opened.status()), !parser.is_done()};
  co_return SlotAnswer{ServeOpenedMedia(head, *opened, /*thumbnail=*/false), !parser.is_done()};
}

}  // namespace parley::net
