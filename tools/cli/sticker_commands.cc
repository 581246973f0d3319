// parley sticker packs | show | create | add | remove | delete | collect | drop | send
// (docs/protocol.md, "Sticker packs").
#include <iostream>

#include "client/http_api.h"
#include "tools/cli/cli_context.h"

namespace parley::cli {

using nlohmann::json;

namespace {

// "SLUG  NAME (mine|built-in)" and one line per sticker: "  #ID keywords".
void PrintPack(const json& pack) {
  std::cout << pack.value("slug", std::string()) << "  " << pack.value("name", std::string());
  if (pack.value("builtin", false)) std::cout << " (built-in)";
  if (pack.value("mine", false)) std::cout << " (mine)";
  std::cout << "\n";
  for (const json& sticker : pack.value("stickers", json::array())) {
    std::cout << "  #" << sticker.value("id", int64_t{0}) << " "
              << sticker.value("keywords", std::string()) << "\n";
  }
}

int Shelf(client::HttpApi& api) {
  auto shelf = api.StickerShelf();
  if (!shelf.ok()) return Fail(shelf.status(), "stickers");
  const json recent = shelf->value("recent", json::array());
  if (!recent.empty()) {
    std::cout << "recent:";
    for (const json& sticker : recent) std::cout << " #" << sticker.value("id", int64_t{0});
    std::cout << "\n";
  }
  for (const json& pack : shelf->value("packs", json::array())) PrintPack(pack);
  return kExitOk;
}

int Add(client::HttpApi& api, const StickerArgs& args) {
  auto uploaded = UploadPath(api, args.file, "image");
  if (!uploaded.ok()) return Fail(uploaded.status(), args.file);
  auto sticker = api.AddSticker(args.slug, uploaded->value("id", std::string()), args.keywords);
  if (!sticker.ok()) return Fail(sticker.status(), "add");
  std::cout << "sticker #" << sticker->value("id", int64_t{0}) << "\n";
  return kExitOk;
}

}  // namespace

int RunStickers(const CliContext& context, const StickerArgs& args) {
  if (args.verb == "send") return RunSend(context, args.to, "", "", "", args.sticker_id);
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  client::HttpApi& http = **api;
  if (args.verb == "packs") return Shelf(http);
  if (args.verb == "add") return Add(http, args);
  if (args.verb == "show" || args.verb == "create") {
    auto pack =
        args.verb == "show" ? http.StickerPack(args.slug) : http.CreateStickerPack(args.name);
    if (!pack.ok()) return Fail(pack.status(), args.verb);
    PrintPack(*pack);
    return kExitOk;
  }
  Status done;
  if (args.verb == "remove") {
    done = http.RemoveSticker(args.slug, args.sticker_id);
  } else if (args.verb == "delete") {
    done = http.DeleteStickerPack(args.slug);
  } else {  // collect, drop
    done = http.CollectStickerPack(args.slug, args.verb == "collect");
  }
  return done.ok() ? kExitOk : Fail(done, args.verb);
}

}  // namespace parley::cli
