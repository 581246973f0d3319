#include "account/export_writer.h"

#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "chat/groups/group_rules.h"
#include "proto/kind_names.h"

namespace parley::account {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kHistoryPage = 50;
constexpr int kMomentsPage = 50;

Status FileError(std::string_view what) {
  return Status(Code::kInternal, "export: cannot write " + std::string(what));
}

// The staging directory: every part of the zip as a file, with the bytes counted against the
// bound. Removes the directory when destroyed.
class Staging {
 public:
  struct Part {
    std::string name;  // inside the zip
    std::string path;  // on disk
    bool compress = true;
  };

  Staging(std::string dir, int64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  ~Staging() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  Status Create() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    if (!fs::create_directories(dir_, ec) || ec) return FileError("the staging directory");
    return Status::Ok();
  }

  // Counts `bytes` more; kTooLarge past the bound.
  Status Count(int64_t bytes) {
    bytes_ += bytes;
    if (bytes_ > max_bytes_) {
      return Status(Code::kTooLarge, "your data is over the export limit of " +
                                         std::to_string(max_bytes_) + " bytes");
    }
    return Status::Ok();
  }

  // A new part written by the caller through the returned stream.
  Result<std::string> NewPart(std::string name, bool compress = true) {
    std::string path = (fs::path(dir_) / std::to_string(parts_.size())).string();
    parts_.push_back(Part{std::move(name), path, compress});
    return path;
  }

  // A media blob as a part: hard-linked (the blob may be removed meanwhile), else copied.
  Status AddFile(std::string name, const std::string& source, int64_t size) {
    if (Status s = Count(size); !s.ok()) return s;
    auto path = NewPart(std::move(name), /*compress=*/false);
    std::error_code ec;
    fs::create_hard_link(source, *path, ec);
    if (ec) {
      ec.clear();
      fs::copy_file(source, *path, ec);
      if (ec) return FileError("a media file");
    }
    return Status::Ok();
  }

  const std::vector<Part>& parts() const { return parts_; }

 private:
  std::string dir_;
  int64_t max_bytes_;
  int64_t bytes_ = 0;
  std::vector<Part> parts_;
};

// One JSON part written in pieces, so a long history never sits in memory whole.
class JsonPart {
 public:
  JsonPart(Staging& staging, std::string name) : staging_(staging) {
    auto path = staging_.NewPart(std::move(name));
    out_.open(*path, std::ios::binary | std::ios::trunc);
  }
  Status Write(std::string_view text) {
    if (!out_) return FileError("a JSON part");
    out_.write(text.data(), static_cast<std::streamsize>(text.size()));
    return staging_.Count(static_cast<int64_t>(text.size()));
  }
  // Writes `item` as the next element of the array opened by the caller.
  Status Item(const json& item) {
    if (Status s = Write(first_ ? "\n" : ",\n"); !s.ok()) return s;
    first_ = false;
    return Write(item.dump());
  }
  Status Close() {
    out_.close();
    return out_ ? Status::Ok() : FileError("a JSON part");
  }

 private:
  Staging& staging_;
  std::ofstream out_;
  bool first_ = true;
};

Status WriteWhole(Staging& staging, std::string name, const json& document) {
  JsonPart part(staging, std::move(name));
  if (Status s = part.Write(document.dump(2)); !s.ok()) return s;
  return part.Close();
}

json UserJson(const store::User& user) {
  return {{"id", user.id}, {"username", user.username}, {"display_name", user.display_name}};
}

// Where a media file goes in the zip: media/<id>/<name>.
std::string MediaEntry(const store::Media& media) {
  std::string name = media.name;
  for (char& c : name) {
    if (c == '/' || c == '\\') c = '_';
  }
  if (name.empty() || name == "." || name == "..") name = "file";
  return "media/" + media.id + "/" + name;
}

// The media the user owns, found while writing, copied at the end.
class OwnMedia {
 public:
  explicit OwnMedia(int64_t user_id) : user_id_(user_id) {}
  // The descriptor for the JSON, with "file" when the user owns it.
  json Describe(const store::Media& media) {
    json out = {{"id", media.id},         {"kind", media.kind},
                {"mime", media.mime},     {"size", media.size},
                {"name", media.name},     {"width", media.width},
                {"height", media.height}, {"duration_ms", media.duration_ms}};
    if (media.owner_id == user_id_) {
      found_.emplace(media.id, media);
      out["file"] = MediaEntry(media);
    }
    return out;
  }
  const std::map<std::string, store::Media>& found() const { return found_; }

 private:
  int64_t user_id_;
  std::map<std::string, store::Media> found_;
};

json MessageJson(const store::Message& m, OwnMedia& media) {
  json out = {
      {"seq", m.seq},   {"sender_id", m.sender_id},   {"kind", proto::MessageKindName(m.kind)},
      {"text", m.text}, {"created_at", m.created_at}, {"deleted", m.deleted}};
  if (m.edited_at != 0) out["edited_at"] = m.edited_at;
  if (m.reply_to != 0) out["reply_to"] = m.reply_to;
  if (m.target != 0) out["target"] = m.target;
  if (m.kind == store::MessageKind::kReaction) out["on"] = m.on;
  if (m.media && !m.deleted) out["media"] = media.Describe(*m.media);
  if (!m.reactions.empty()) {
    json reactions = json::array();
    for (const store::Reaction& r : m.reactions) {
      reactions.push_back({{"emoji", r.emoji}, {"users", r.users}});
    }
    out["reactions"] = std::move(reactions);
  }
  return out;
}

class Writer {
 public:
  Writer(store::Store& store, chat::Service& chat, media::BlobStore& blobs,
         const ExportTarget& target, const ExportProgress& progress)
      : store_(store),
        chat_(chat),
        blobs_(blobs),
        target_(target),
        progress_(progress),
        staging_(target.staging_dir, target.max_bytes),
        media_(target.user_id) {}

  Result<int64_t> Run() {
    if (Status s = staging_.Create(); !s.ok()) return s;
    auto conversations = store_.ListConversationStates(target_.user_id);
    if (!conversations.ok()) return conversations.status();
    total_ = 3 + static_cast<int64_t>(conversations->size());
    Tick(0);
    if (Status s = Profile(); !s.ok()) return s;
    if (Status s = Social(); !s.ok()) return s;
    json list = json::array();
    for (const store::ConversationSummary& c : *conversations) {
      auto described = Conversation(c);
      if (!described.ok()) return described.status();
      list.push_back(std::move(*described));
    }
    if (Status s = WriteWhole(staging_, "conversations.json", list); !s.ok()) return s;
    if (Status s = Moments(); !s.ok()) return s;
    if (Status s = MediaFiles(); !s.ok()) return s;
    if (Status s = Manifest(); !s.ok()) return s;
    return Zip();
  }

 private:
  void Tick(int64_t items) {
    done_ += items;
    if (progress_) progress_(done_, total_);
  }

  Status Profile() {
    auto user = store_.FindUserById(target_.user_id);
    if (!user.ok()) return user.status();
    json profile = {{"id", user->id},
                    {"username", user->username},
                    {"display_name", user->display_name},
                    {"created_at", user->created_at},
                    {"status_line", user->status_line},
                    {"language", user->language},
                    {"time_zone", user->time_zone},
                    {"is_admin", user->is_admin}};
    if (!user->avatar.empty()) {
      auto avatar = store_.FindMedia(user->avatar);
      if (avatar.ok()) profile["avatar"] = media_.Describe(*avatar);
    }
    auto email = store_.FindEmail(target_.user_id);
    if (!email.ok()) return email.status();
    if (*email) {
      profile["email"] = {{"address", (*email)->address}, {"verified", (*email)->verified}};
    }
    auto totp = store_.FindTotp(target_.user_id);
    if (!totp.ok()) return totp.status();
    profile["two_step_sign_in"] = totp->has_value() && (*totp)->enabled;
    // Sessions: names and times only; a token is stored as a hash and never leaves.
    auto devices = store_.ListDevices(target_.user_id, target_.now);
    if (!devices.ok()) return devices.status();
    json sessions = json::array();
    for (const store::Device& d : *devices) {
      sessions.push_back({{"id", d.id},
                          {"name", d.name},
                          {"created_at", d.created_at},
                          {"last_seen_at", d.last_seen_at},
                          {"expires_at", d.expires_at}});
    }
    profile["sessions"] = std::move(sessions);
    if (Status s = WriteWhole(staging_, "profile.json", profile); !s.ok()) return s;
    Tick(1);
    return Status::Ok();
  }

  Status Social() {
    auto friends = store_.ListFriends(target_.user_id);
    if (!friends.ok()) return friends.status();
    auto blocks = store_.ListBlocks(target_.user_id);
    if (!blocks.ok()) return blocks.status();
    auto requests = store_.ListFriendRequests(target_.user_id);
    if (!requests.ok()) return requests.status();
    const auto relations = [](const std::vector<store::Relation>& list) {
      json out = json::array();
      for (const store::Relation& r : list) {
        json entry = UserJson(r.user);
        entry["since"] = r.since;
        out.push_back(std::move(entry));
      }
      return out;
    };
    const auto request_list = [](const std::vector<store::FriendRequest>& list) {
      json out = json::array();
      for (const store::FriendRequest& r : list) {
        out.push_back({{"from_id", r.from_id},
                       {"to_id", r.to_id},
                       {"note", r.note},
                       {"created_at", r.created_at}});
      }
      return out;
    };
    json social = {{"friends", relations(*friends)},
                   {"blocked", relations(*blocks)},
                   {"friend_requests",
                    {{"incoming", request_list(requests->incoming)},
                     {"outgoing", request_list(requests->outgoing)}}}};
    if (Status s = WriteWhole(staging_, "friends.json", social); !s.ok()) return s;
    Tick(1);
    return Status::Ok();
  }

  // Writes messages/<id>.json; returns the conversation's entry in conversations.json.
  Result<json> Conversation(const store::ConversationSummary& c) {
    auto self = store_.FindMember(c.id, target_.user_id);
    if (!self.ok()) return self.status();
    json entry = {{"id", c.id},
                  {"kind", proto::ConversationKindName(c.kind)},
                  {"messages_file", "messages/" + std::to_string(c.id) + ".json"}};
    if (*self) {
      entry["role"] = chat::RoleName((*self)->role);
      entry["first_seq"] = (*self)->first_seq;
    }
    if (c.kind == store::ConversationKind::kGroup) {
      entry["name"] = c.name;
      entry["topic"] = c.topic;
    }
    if (c.kind == store::ConversationKind::kDirect) {
      auto ids = store_.MemberIds(c.id);
      if (!ids.ok()) return ids.status();
      entry["member_ids"] = *ids;
    }
    JsonPart part(staging_, entry["messages_file"].get<std::string>());
    if (Status s = part.Write("["); !s.ok()) return s;
    chat::HistoryQuery query{.after = 0, .limit = kHistoryPage};
    for (;;) {
      auto page = chat_.History(target_.user_id, c.id, query);
      if (!page.ok()) return page.status();
      for (const store::Message& m : page->messages) {
        if (Status s = part.Item(MessageJson(m, media_)); !s.ok()) return s;
      }
      if (!page->has_more || page->messages.empty()) break;
      query.after = page->messages.back().seq;
    }
    if (Status s = part.Write("\n]\n"); !s.ok()) return s;
    if (Status s = part.Close(); !s.ok()) return s;
    Tick(1);
    return entry;
  }

  Status Moments() {
    JsonPart part(staging_, "moments.json");
    if (Status s = part.Write("["); !s.ok()) return s;
    int64_t before = 0;
    for (;;) {
      auto moments = store_.AuthorMoments(target_.user_id, before, kMomentsPage);
      if (!moments.ok()) return moments.status();
      if (moments->empty()) break;
      std::vector<int64_t> ids;
      for (const store::Moment& m : *moments) ids.push_back(m.id);
      auto interactions = store_.MomentInteractionsOf(ids);
      if (!interactions.ok()) return interactions.status();
      for (const store::Moment& m : *moments) {
        json item = {{"id", m.id},
                     {"text", m.text},
                     {"location", m.location},
                     {"created_at", m.created_at},
                     {"media", json::array()},
                     {"likes", json::array()},
                     {"comments", json::array()}};
        for (const store::Media& media : m.media) item["media"].push_back(media_.Describe(media));
        // Everything on one's own moments is visible to its author.
        for (const store::MomentLike& like : interactions->likes) {
          if (like.moment_id != m.id) continue;
          item["likes"].push_back({{"user_id", like.user_id}, {"created_at", like.created_at}});
        }
        for (const store::MomentComment& comment : interactions->comments) {
          if (comment.moment_id != m.id) continue;
          item["comments"].push_back({{"id", comment.id},
                                      {"user_id", comment.user_id},
                                      {"reply_to", comment.reply_to},
                                      {"text", comment.text},
                                      {"created_at", comment.created_at}});
        }
        if (Status s = part.Item(item); !s.ok()) return s;
      }
      before = moments->back().id;
      if (moments->size() < static_cast<size_t>(kMomentsPage)) break;
    }
    if (Status s = part.Write("\n]\n"); !s.ok()) return s;
    if (Status s = part.Close(); !s.ok()) return s;
    Tick(1);
    return Status::Ok();
  }

  Status MediaFiles() {
    total_ += static_cast<int64_t>(media_.found().size());
    for (const auto& [id, media] : media_.found()) {
      auto path = blobs_.PathOf(media.digest);
      // A media removed meanwhile is left out; its descriptor stays in the JSON.
      if (path.ok()) {
        if (Status s = staging_.AddFile(MediaEntry(media), *path, media.size); !s.ok()) return s;
      }
      Tick(1);
    }
    return Status::Ok();
  }

  Status Manifest() {
    json manifest = {{"format", "parley-export"},
                     {"version", 1},
                     {"user_id", target_.user_id},
                     {"created_at", target_.now}};
    return WriteWhole(staging_, "manifest.json", manifest);
  }

  Result<int64_t> Zip() {
    int error = 0;
    zip_t* archive = zip_open(target_.zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (archive == nullptr) return FileError("the zip");
    for (const Staging::Part& part : staging_.parts()) {
      zip_source_t* source = zip_source_file(archive, part.path.c_str(), 0, 0);
      if (source == nullptr) {
        zip_discard(archive);
        return FileError("the zip");
      }
      const zip_int64_t index =
          zip_file_add(archive, part.name.c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
      if (index < 0) {
        zip_source_free(source);
        zip_discard(archive);
        return FileError("the zip");
      }
      // Media are compressed already (images, voice) or opaque: stored as they are.
      if (!part.compress) zip_set_file_compression(archive, index, ZIP_CM_STORE, 0);
    }
    // libzip writes to a temporary file beside zip_path and renames it when complete.
    if (zip_close(archive) != 0) {
      zip_discard(archive);
      return FileError("the zip");
    }
    std::error_code ec;
    const auto size = fs::file_size(target_.zip_path, ec);
    if (ec) return FileError("the zip");
    return static_cast<int64_t>(size);
  }

  store::Store& store_;
  chat::Service& chat_;
  media::BlobStore& blobs_;
  const ExportTarget& target_;
  const ExportProgress& progress_;
  Staging staging_;
  OwnMedia media_;
  int64_t done_ = 0;
  int64_t total_ = 0;
};

}  // namespace

Result<int64_t> WriteExport(store::Store& store, chat::Service& chat, media::BlobStore& blobs,
                            const ExportTarget& target, const ExportProgress& progress) {
  Writer writer(store, chat, blobs, target, progress);
  Result<int64_t> size = writer.Run();
  if (!size.ok()) {
    std::error_code ignored;
    fs::remove(target.zip_path, ignored);
  }
  return size;
}

}  // namespace parley::account
