// parley moments post | feed | like | unlike | comment | delete (docs/protocol.md, "Moments").
#include <iostream>

#include "client/http_api.h"
#include "tools/cli/cli_context.h"
#include "tools/cli/format.h"

namespace parley::cli {

using nlohmann::json;

namespace {

// One moment as lines: "#ID AUTHOR TIME [@ PLACE]", the text, photos, likes and comments.
void PrintMoment(const json& moment) {
  std::cout << "#" << moment.value("id", int64_t{0}) << " user "
            << moment.value("author_id", int64_t{0}) << " "
            << FormatDateTime(moment.value("created_at", int64_t{0}));
  const std::string place = moment.value("location", std::string());
  if (!place.empty()) std::cout << " @ " << place;
  std::cout << "\n";
  const std::string text = moment.value("text", std::string());
  if (!text.empty()) std::cout << "  " << text << "\n";
  for (const json& media : moment.value("media", json::array())) {
    std::cout << "  [" << media.value("kind", std::string()) << " "
              << media.value("id", std::string()) << "]\n";
  }
  const json likes = moment.value("likes", json::array());
  if (!likes.empty()) {
    std::cout << "  likes:";
    for (const json& like : likes) std::cout << " user " << like.value("user_id", int64_t{0});
    std::cout << "\n";
  }
  for (const json& comment : moment.value("comments", json::array())) {
    std::cout << "  comment #" << comment.value("id", int64_t{0}) << " user "
              << comment.value("user_id", int64_t{0});
    if (comment.contains("reply_to")) {
      std::cout << " (reply to user " << comment.value("reply_to_user_id", int64_t{0}) << ")";
    }
    std::cout << ": " << comment.value("text", std::string()) << "\n";
  }
}

int Feed(client::HttpApi& api, const MomentArgs& args) {
  int64_t author = 0;
  if (!args.user.empty()) {
    auto user = api.LookupUser(args.user);
    if (!user.ok()) return Fail(user.status(), "moments");
    author = user->id;
  }
  auto page = api.Moments(author, args.before, 20);
  if (!page.ok()) return Fail(page.status(), "moments");
  for (const json& moment : page->value("moments", json::array())) PrintMoment(moment);
  if (page->contains("next")) {
    std::cout << "more: --before " << page->value("next", std::string()) << "\n";
  }
  return kExitOk;
}

int Post(client::HttpApi& api, const MomentArgs& args) {
  json media = json::array();
  for (const std::string& path : args.photos) {
    auto uploaded = UploadPath(api, path, "image");
    if (!uploaded.ok()) return Fail(uploaded.status(), path);
    media.push_back(uploaded->value("id", std::string()));
  }
  if (!args.video.empty()) {
    auto uploaded = UploadPath(api, args.video, "video");
    if (!uploaded.ok()) return Fail(uploaded.status(), args.video);
    media.push_back(uploaded->value("id", std::string()));
  }
  json fields = {{"text", args.text}, {"media", media}, {"location", args.location}};
  auto moment = api.PostMoment(fields);
  if (!moment.ok()) return Fail(moment.status(), "post");
  std::cout << "posted #" << moment->value("id", int64_t{0}) << "\n";
  return kExitOk;
}

}  // namespace

int RunMoments(const CliContext& context, const MomentArgs& args) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  client::HttpApi& http = **api;
  if (args.verb == "feed") return Feed(http, args);
  if (args.verb == "post") return Post(http, args);
  Status done;
  if (args.verb == "like" || args.verb == "unlike") {
    done = http.LikeMoment(args.moment_id, args.verb == "like");
  } else if (args.verb == "delete") {
    done = http.DeleteMoment(args.moment_id);
  } else {  // comment
    auto comment = http.CommentMoment(args.moment_id, args.text, args.reply_to);
    if (comment.ok()) std::cout << "comment #" << comment->value("id", int64_t{0}) << "\n";
    done = comment.ok() ? Status::Ok() : comment.status();
  }
  return done.ok() ? kExitOk : Fail(done, args.verb);
}

}  // namespace parley::cli
