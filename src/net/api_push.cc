// The HTTP routes of push notifications (docs/protocol.md, "Push notifications"):
//   GET    /api/v1/push/vapid-key            the server's VAPID public key
//   GET    /api/v1/push/targets              the caller's targets
//   POST   /api/v1/push/targets              register this device's target
//   DELETE /api/v1/push/targets/{id}
//   GET    /api/v1/push/settings             preview level and mutes
//   PUT    /api/v1/push/settings             {"preview", "quiet_hours", "when_away",
//                                             "email_digest"}: any of them
//   PUT    /api/v1/push/mutes/{conversation} {"until": ms}; DELETE unmutes
#include "base/clock.h"
#include "net/api_routes.h"
#include "net/blocking.h"
#include "proto/push_bodies.h"

namespace parley::net {
namespace http = boost::beast::http;

RouteResult HandlePushApi(const Request& request, const Segments& path, const auth::Principal& me,
                          Context& context) {
  if (path.size() < 4 || path[2] != "push") co_return std::nullopt;
  push::Registry& registry = context.push;
  const auto method = request.method();
  if (method == http::verb::get && Matches(path, {"api", "v1", "push", "vapid-key"})) {
    co_return JsonResponse(request, 200, proto::VapidKeyBody(registry.options().vapid_public_key));
  }
  if (method == http::verb::get && Matches(path, {"api", "v1", "push", "targets"})) {
    auto targets = co_await OnWorker(context.workers, [&] { return registry.List(me.user.id); });
    if (!targets.ok()) co_return ErrorResponse(request, targets.status());
    co_return JsonResponse(request, 200, proto::TargetsBody(*targets));
  }
  if (method == http::verb::post && Matches(path, {"api", "v1", "push", "targets"})) {
    auto registration = proto::DecodeTargetRegistration(request.body());
    if (!registration.ok()) co_return ErrorResponse(request, registration.status());
    auto target = co_await OnWorker(context.workers, [&] {
      return registry.Register(me.user.id, me.device_id, *registration, NowMillis());
    });
    if (!target.ok()) co_return ErrorResponse(request, target.status());
    co_return JsonResponse(request, 201, proto::TargetBody(*target, /*with_secret=*/true));
  }
  if (method == http::verb::delete_ && Matches(path, {"api", "v1", "push", "targets", "*"})) {
    auto id = ParseInt(path[4]);
    if (!id) co_return ErrorResponse(request, Status(Code::kNotFound, "no such push target"));
    Status status =
        co_await OnWorker(context.workers, [&] { return registry.Remove(me.user.id, *id); });
    co_return StatusResponse(request, status);
  }
  if (Matches(path, {"api", "v1", "push", "settings"}) &&
      (method == http::verb::get || method == http::verb::put)) {
    if (method == http::verb::put) {
      auto update = proto::DecodePushSettings(request.body());
      if (!update.ok()) co_return ErrorResponse(request, update.status());
      Status status = co_await OnWorker(context.workers, [&] {
        if (update->when_away || update->email_digest) {
          bool verified = false;
          if (update->email_digest.value_or(false)) {
            auto email = context.email.GetEmail(me);
            if (!email.ok()) return email.status();
            verified = email->verified;
          }
          if (Status s = registry.SetDelivery(me.user.id, update->when_away, update->email_digest,
                                              verified);
              !s.ok()) {
            return s;
          }
        }
        if (update->quiet_hours) {
          if (Status s = registry.SetQuietHours(me.user.id, *update->quiet_hours); !s.ok()) {
            return s;
          }
        }
        return update->preview ? registry.SetPreview(me.user.id, *update->preview) : Status::Ok();
      });
      if (!status.ok()) co_return ErrorResponse(request, status);
    }
    auto settings =
        co_await OnWorker(context.workers, [&] { return registry.SettingsOf(me.user.id); });
    if (!settings.ok()) co_return ErrorResponse(request, settings.status());
    co_return JsonResponse(request, 200, proto::PushSettingsBody(*settings));
  }
  if (Matches(path, {"api", "v1", "push", "mutes", "*"}) &&
      (method == http::verb::put || method == http::verb::delete_)) {
    auto conversation = ParseInt(path[4]);
    if (!conversation) {
      co_return ErrorResponse(request, Status(Code::kNotFound, "no such conversation"));
    }
    Status status;
    if (method == http::verb::put) {
      auto until = proto::DecodePushMute(request.body());
      if (!until.ok()) co_return ErrorResponse(request, until.status());
      status = co_await OnWorker(context.workers,
                                 [&] { return registry.Mute(me.user.id, *conversation, *until); });
    } else {
      status = co_await OnWorker(context.workers,
                                 [&] { return registry.Unmute(me.user.id, *conversation); });
    }
    co_return StatusResponse(request, status);
  }
  co_return std::nullopt;
}

}  // namespace parley::net
