// The HTTP routes of the user's own data (docs/protocol.md, "Downloading my data" and
// "Deleting the account"):
//   POST /api/v1/account/export                  start preparing my export (202)
//   GET  /api/v1/account/export                  its state and progress; the link when ready
//   GET  /api/v1/account/export/{id}/download    the zip (mine only, until it expires)
//   POST /api/v1/account/delete                  {"password", "code"?}: delete my account
#include <boost/beast/core/file.hpp>
#include <boost/beast/http/field.hpp>

#include "base/clock.h"
#include "net/api_routes.h"
#include "net/blocking.h"
#include "proto/account_data_bodies.h"

namespace parley::net {
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

Status Unavailable() { return Status(Code::kUnavailable, "this server does not offer it"); }

Response ExportResponse(const Request& request, unsigned status,
                        const account::ExportStatus& export_status) {
  proto::ExportView view{.state = account::ExportStateName(export_status.state),
                         .items_done = export_status.items_done,
                         .items_total = export_status.items_total,
                         .started_at = export_status.started_at,
                         .size = export_status.size,
                         .expires_at = export_status.expires_at};
  if (export_status.state == account::ExportState::kReady) {
    view.download_url = "/api/v1/account/export/" + export_status.id + "/download";
  }
  if (!export_status.error.ok()) {
    view.error_code = CodeName(export_status.error.code());
    view.error_message = export_status.error.message();
  }
  return JsonResponse(request, status, proto::ExportBody(view));
}

// Blocking: runs on a worker. The file is opened at once, so its expiry later does not cut the
// download short.
Result<FileReply> OpenExport(account::ExportService& exports, const Request& request,
                             int64_t user_id, const std::string& id) {
  auto file = exports.Download(user_id, id, NowMillis());
  if (!file.ok()) return file.status();
  FileReply reply{http::response_header<>(), beast::file(), 0, 0, request.keep_alive()};
  beast::error_code ec;
  reply.file.open(file->path.c_str(), beast::file_mode::scan, ec);
  if (ec) return Status(Code::kNotFound, "no such export");
  reply.length = static_cast<int64_t>(reply.file.size(ec));
  if (ec) return Status(Code::kInternal, "export: cannot read the file");
  reply.head.result(http::status::ok);
  reply.head.version(request.version());
  reply.head.set(http::field::server, "parleyd");
  SetSecurityHeaders(reply.head, Policy::kInert);
  reply.head.set(http::field::content_type, "application/zip");
  reply.head.set(http::field::content_disposition, "attachment; filename=\"parley-export.zip\"");
  reply.head.set(http::field::cache_control, "no-store");
  return reply;
}

}  // namespace

boost::asio::awaitable<std::optional<ApiResponse>> HandleAccountDataApi(
    const Request& request, const Segments& path, const auth::Principal& me, Context& context,
    const std::string& client_address) {
  if (path.size() < 4 || path[2] != "account") co_return std::nullopt;
  const auto method = request.method();
  if (method == http::verb::post && Matches(path, {"api", "v1", "account", "delete"})) {
    if (context.deletion == nullptr) co_return ErrorResponse(request, Unavailable());
    auto body = proto::DecodeDeleteAccount(request.body());
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    // The password check costs an argon2id hash: one in flight per user.
    auto slot = context.password_changes.TryEnter(me.user.id);
    if (!slot) {
      co_return ErrorResponse(
          request, Status(Code::kRateLimited, "a password check of yours is already running"));
    }
    account::AccountDeletion& deletion = *context.deletion;
    auto deleting = OnPool(context.hashing, [&] {
      return deletion.Delete(me, body->password, body->code, client_address, NowMillis());
    });
    Status status = co_await std::move(deleting);
    co_return StatusResponse(request, status);
  }
  if (path[3] != "export") co_return std::nullopt;
  if (context.exports == nullptr) co_return ErrorResponse(request, Unavailable());
  account::ExportService& exports = *context.exports;
  if (Matches(path, {"api", "v1", "account", "export"})) {
    if (method == http::verb::post) {
      auto started = exports.Start(me.user.id, NowMillis());
      if (!started.ok()) co_return ErrorResponse(request, started.status());
      co_return ExportResponse(request, 202, *started);
    }
    if (method == http::verb::get) {
      auto status = exports.StatusOf(me.user.id, NowMillis());
      if (!status.ok()) co_return ErrorResponse(request, status.status());
      co_return ExportResponse(request, 200, *status);
    }
    co_return std::nullopt;
  }
  if (method == http::verb::get &&
      Matches(path, {"api", "v1", "account", "export", "*", "download"})) {
    auto opened = co_await OnWorker(
        context.workers, [&] { return OpenExport(exports, request, me.user.id, path[4]); });
    if (!opened.ok()) co_return ErrorResponse(request, opened.status());
    co_return std::move(*opened);
  }
  co_return std::nullopt;
}

}  // namespace parley::net
