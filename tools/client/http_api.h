// HttpApi: blocking calls to a Parley server's HTTP API (/api/v1, docs/protocol.md).
//
// Each call sends one HTTP/1.1 request over a kept-alive connection (reopened when the server
// closed it) and waits up to the configured timeout. Error responses become a Status carrying
// the protocol code of the body ({"error": {"code", "message"}}); transport failures become
// kUnavailable. Authenticated calls use the token given to set_token() (or returned by Login()).
//
// Thread-safety: none; use one HttpApi per thread. Owns its socket.
#ifndef PARLEY_TOOLS_CLIENT_HTTP_API_H_
#define PARLEY_TOOLS_CLIENT_HTTP_API_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "client/endpoint.h"

namespace parley::client {

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
};

struct LoginResult {
  // Non-empty when the account has two-step sign-in on: no session yet (token empty); finish
  // with SecondFactor(challenge, code).
  std::string challenge;
  std::string token;
  int64_t device_id = 0;
  int64_t expires_at = 0;  // Unix ms
  User user;
};

struct HttpResponse {
  int status = 0;
  nlohmann::json body;  // null when the body was empty or not JSON
  std::string raw_body;
  std::map<std::string, std::string> headers;  // names in lower case
};

// Request headers beyond the usual ones (a Content-Type given here replaces application/json).
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HistoryPage {
  std::optional<int64_t> before;  // at most one of before/after
  std::optional<int64_t> after;
  std::optional<int> limit;
};

class HttpApi {
 public:
  explicit HttpApi(Endpoint endpoint,
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
  ~HttpApi();
  HttpApi(const HttpApi&) = delete;
  HttpApi& operator=(const HttpApi&) = delete;

  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& token() const { return token_; }
  const Endpoint& endpoint() const { return endpoint_; }

  // POST /accounts. An empty display_name lets the server default it to the username.
  Result<User> Register(std::string_view username, std::string_view password,
                        std::string_view display_name = "");
  // POST /sessions. On success also adopts the new token for later calls.
  Result<LoginResult> Login(std::string_view username, std::string_view password,
                            std::string_view device = "cli");
  Status Logout();                           // DELETE /sessions/current
  Result<nlohmann::json> ListSessions();     // the "sessions" array
  Status RevokeSession(int64_t session_id);  // DELETE /sessions/{id}
  Status ChangePassword(std::string_view old_password, std::string_view new_password);
  Result<nlohmann::json> Account();                    // {"user": ..., "device_id": ...}
  Result<User> LookupUser(std::string_view username);  // GET /users/{username}
  Result<nlohmann::json> Conversations();              // the "conversations" array
  // GET /conversations/{id}/messages: {"messages": [...], "has_more": bool}.
  Result<nlohmann::json> History(int64_t conversation_id, const HistoryPage& page = {});
  // GET /search: {"results": [{"message", "snippet"}], "next"?}. conversation_id 0: all;
  // before: the `next` of the previous page ("" for the first).
  Result<nlohmann::json> SearchMessages(std::string_view q, int64_t conversation_id = 0,
                                        std::string_view before = "", int limit = 20);
  Status Healthz();
  // GET /conversations/{id}/retention: {"conversation", "effective", "media_days",
  // "pruned_through", "can_change"}; PUT sets the conversation's own policy (0: no limit).
  Result<nlohmann::json> Retention(int64_t conversation_id);
  Result<nlohmann::json> SetRetention(int64_t conversation_id, int64_t days, int64_t max_messages);

  // --- e-mail and password reset --- (docs/protocol.md, "E-mail and password reset")
  Result<nlohmann::json> Email();  // GET /account/email: {"email", "verified"}
  // PUT /account/email; an empty email removes the address.
  Result<nlohmann::json> SetEmail(std::string_view email, std::string_view password);
  Status VerifyEmail(std::string_view token);             // POST /account/email/verify
  Status RequestPasswordReset(std::string_view account);  // POST /password-reset
  Status ResetPassword(std::string_view token, std::string_view new_password);  // .../confirm
  // --- end e-mail and password reset ---

  // --- two-step sign-in --- (docs/protocol.md, "Two-step sign-in")
  Result<LoginResult> SecondFactor(std::string_view challenge, std::string_view code);
  Result<nlohmann::json> TwoStep();                                // GET /account/2fa
  Result<nlohmann::json> StartTwoStep(std::string_view password);  // {"secret", "uri"}
  Result<nlohmann::json> ConfirmTwoStep(std::string_view code);    // {"recovery_codes"}
  Result<nlohmann::json> NewRecoveryCodes(std::string_view code);  // {"recovery_codes"}
  Status DisableTwoStep(std::string_view password, std::string_view code);

  // --- my own data (docs/protocol.md, "Downloading my data", "Deleting the account") ---
  Result<nlohmann::json> StartExport();  // POST /account/export: the export object
  Result<nlohmann::json> ExportState();  // GET /account/export: the export object
  // POST /account/delete; `code` empty: none sent (two-step sign-in off).
  Status DeleteAccount(std::string_view password, std::string_view code = "");
  // --- end two-step sign-in ---

  // --- server admin ---
  // POST /admin/notices: to the listed users, or to everyone when `users` is empty. Returns
  // how many users received it.
  Result<int64_t> SendNotice(std::string_view text, std::span<const int64_t> users = {});
  Status SetAdmin(int64_t user_id, bool is_admin);       // PUT /admin/users/{id}
  Status ClaimAdminSetup(std::string_view setup_token);  // POST /admin/setup
  // Administration (docs/protocol.md, "Administration"); the replies' JSON as documented there.
  // GET /admin/users?q=&after=&limit=: {"users", "has_more"}.
  Result<nlohmann::json> AdminUsers(std::string_view query = "", int64_t after_id = 0,
                                    int limit = 50);
  Result<nlohmann::json> AdminUser(int64_t user_id);  // GET /admin/users/{id}
  // POST /admin/users/{id}/{action}: "disable", "enable" or "password-reset".
  Status AdminUserAction(int64_t user_id, std::string_view action);
  Status AdminRevokeSessions(int64_t user_id);  // DELETE /admin/users/{id}/sessions
  Status AdminDeleteUser(int64_t user_id);      // DELETE /admin/users/{id}
  Result<nlohmann::json> AdminStats();          // GET /admin/stats
  // GET /admin/audit?before=&limit=: {"entries", "has_more"}, newest first.
  Result<nlohmann::json> AuditLog(int64_t before_id = 0, int limit = 50);
  // GET /admin/reports?state=open|all&before=&limit=: {"reports", "has_more"}, newest first.
  Result<nlohmann::json> AdminReports(bool open_only = true, int64_t before_id = 0, int limit = 50);
  // GET /admin/groups/{id}: the "group" object.
  Result<nlohmann::json> AdminGroup(int64_t group_id);
  // POST /admin/reports/{id}/resolve: the "report" object afterwards.
  Result<nlohmann::json> ResolveReport(int64_t report_id, std::string_view action);
  // --- reports (any user): POST /reports; the "report" object ---
  Result<nlohmann::json> ReportMessage(int64_t conversation_id, int64_t seq,
                                       std::string_view reason);
  Result<nlohmann::json> ReportUser(int64_t user_id, std::string_view reason);
  Result<nlohmann::json> ReportGroup(int64_t group_id, std::string_view reason);

  // --- groups --- (docs/protocol.md, "Groups"); ids are group (conversation) ids.
  // POST /groups: the "group" object of the reply.
  Result<nlohmann::json> CreateGroup(std::string_view name, const std::vector<int64_t>& members,
                                     std::string_view topic = "", bool is_public = false);
  // GET /groups/{id}: {"group", "members", "has_more", "next_after"}.
  Result<nlohmann::json> GroupInfo(int64_t group_id, int64_t after = 0, int limit = 100);
  // GET /groups/{id}/members.
  Result<nlohmann::json> GroupMembers(int64_t group_id, int64_t after = 0, int limit = 100);
  // PATCH /groups/{id} with the given fields ({"name"?, "topic"?, "is_public"?}).
  Status UpdateGroup(int64_t group_id, const nlohmann::json& fields);
  Status DeleteGroup(int64_t group_id);
  Status AddGroupMembers(int64_t group_id, const std::vector<int64_t>& users);
  // Removes a member; when user_id is the caller, leaves.
  Status RemoveGroupMember(int64_t group_id, int64_t user_id);
  Status SetGroupRole(int64_t group_id, int64_t user_id, std::string_view role);
  Status TransferGroup(int64_t group_id, int64_t user_id);
  // until_ms == 0 unmutes.
  Status MuteGroupMember(int64_t group_id, int64_t user_id, int64_t until_ms);
  // POST /groups/{id}/invites: the "invite" object ({"code", "expires_at", ...}). 0: default.
  Result<nlohmann::json> CreateGroupInvite(int64_t group_id, int64_t ttl_ms = 0,
                                           int64_t max_uses = 0);
  Result<nlohmann::json> GroupInvites(int64_t group_id);  // the "invites" array
  Status RevokeGroupInvite(int64_t group_id, std::string_view code);
  Status BanFromGroup(int64_t group_id, int64_t user_id);    // PUT /groups/{id}/bans/{user}
  Status UnbanFromGroup(int64_t group_id, int64_t user_id);  // DELETE the same
  Result<nlohmann::json> GroupBans(int64_t group_id);        // the "bans" array
  // POST /groups/join: the "group" object.
  Result<nlohmann::json> JoinGroup(std::string_view code);
  Status RequestToJoinGroup(int64_t group_id);
  Result<nlohmann::json> GroupJoinRequests(int64_t group_id);  // the "requests" array
  // The directory of public groups whose name or topic contains `query` (the "groups" array).
  Result<nlohmann::json> PublicGroups(std::string_view query, int64_t after_id = 0,
                                      int limit = 20);
  Status AnswerGroupJoinRequest(int64_t group_id, int64_t user_id, bool approve);
  // --- end groups ---

  // --- social graph (friends, blocks, profiles) ---
  // GET /users?q=&after=&limit=: the "users" array.
  Result<nlohmann::json> SearchUsers(std::string_view query, int64_t after_id = 0, int limit = 20);
  Result<nlohmann::json> UserById(int64_t user_id);  // GET /users/id/{id}: the "user" object
  // PATCH /account/profile with the given fields; returns the account body.
  Result<nlohmann::json> UpdateProfile(const nlohmann::json& fields);
  Result<nlohmann::json> Friends();         // the "friends" array
  Result<nlohmann::json> FriendRequests();  // {"incoming": [...], "outgoing": [...]}
  // POST /friends/requests: {"request": ...} (pending) or {"friend": ...} (mutual: friends).
  Result<nlohmann::json> SendFriendRequest(int64_t to_user_id, std::string_view note = "");
  Result<nlohmann::json> AcceptFriendRequest(int64_t from_user_id);  // {"friend": ...}
  Status DeclineFriendRequest(int64_t from_user_id);
  Status CancelFriendRequest(int64_t to_user_id);
  Status RemoveFriend(int64_t user_id);
  Result<nlohmann::json> Blocks();  // the "blocks" array
  Status Block(int64_t user_id);
  Status Unblock(int64_t user_id);
  // --- end of social graph ---

  // --- sticker packs --- (http_api_stickers.cc; docs/protocol.md, "Sticker packs")
  // GET /stickers: {"packs": [...], "recent": [...]}.
  Result<nlohmann::json> StickerShelf();
  Result<nlohmann::json> CreateStickerPack(std::string_view name);  // the "pack"
  Result<nlohmann::json> StickerPack(std::string_view slug);        // the "pack"
  Status DeleteStickerPack(std::string_view slug);
  // POST /stickers/packs/{slug}/stickers {"media", "keywords"}: the "sticker".
  Result<nlohmann::json> AddSticker(std::string_view slug, std::string_view media_id,
                                    std::string_view keywords);
  Status RemoveSticker(std::string_view slug, int64_t sticker_id);
  Status ReorderStickers(std::string_view slug, const std::vector<int64_t>& sticker_ids);
  // PUT (on) or DELETE /stickers/collection/{slug}.
  Status CollectStickerPack(std::string_view slug, bool on = true);
  Status ReorderStickerCollection(const std::vector<std::string>& slugs);
  // --- end of sticker packs ---

  // --- moments --- (http_api_moments.cc; docs/protocol.md, "Moments")
  // POST /moments with {"text", "media", "location", "audience"} as given: the "moment".
  Result<nlohmann::json> PostMoment(const nlohmann::json& fields);
  // GET /moments (author_id 0) or /moments/users/{author_id}: {"moments": [...], "next"?}.
  Result<nlohmann::json> Moments(int64_t author_id = 0, std::string_view before = "",
                                 int limit = 20);
  Result<nlohmann::json> Moment(int64_t moment_id);  // the "moment"
  Status DeleteMoment(int64_t moment_id);
  // PUT /moments/{id}/audience {"mode", "users"}: the "moment".
  Result<nlohmann::json> SetMomentAudience(int64_t moment_id, std::string_view mode,
                                           const std::vector<int64_t>& users = {});
  Status LikeMoment(int64_t moment_id, bool on = true);
  // POST /moments/{id}/comments: the "comment".
  Result<nlohmann::json> CommentMoment(int64_t moment_id, std::string_view text,
                                       int64_t reply_to = 0);
  Status DeleteMomentComment(int64_t moment_id, int64_t comment_id);
  // --- end of moments ---

  // --- media --- (http_api_media.cc; docs/protocol.md, "Media")
  // POST /uploads: {"upload_id", "chunk_bytes", "received", ...}.
  Result<nlohmann::json> CreateUpload(std::string_view name, int64_t size, std::string_view kind);
  // PUT /uploads/{id} with Content-Range: bytes start..start+size-1/total; returns `received`.
  Result<int64_t> PutUploadChunk(std::string_view upload_id, int64_t start, int64_t total,
                                 std::string_view bytes);
  Result<nlohmann::json> UploadStatus(std::string_view upload_id);    // GET /uploads/{id}
  Result<nlohmann::json> CompleteUpload(std::string_view upload_id);  // the media object
  Status AbandonUpload(std::string_view upload_id);                   // DELETE /uploads/{id}
  // The whole flow for bytes in memory: create, PUT chunks of the server's chunk_bytes,
  // complete. Returns the media object.
  Result<nlohmann::json> Upload(std::string_view name, std::string_view kind,
                                std::string_view bytes);
  // GET (or HEAD) of a media path such as "/api/v1/media/m_.../thumbnail", with any extra
  // headers (Range, If-None-Match); every HTTP status comes back as a response.
  Result<HttpResponse> Download(std::string_view path, const HttpHeaders& headers = {},
                                std::string_view method = "GET");
  // --- end of media ---

  // Any request, for tests: returns every HTTP status as a response (only transport failures
  // are errors). `target` is the path and query, e.g. "/api/v1/account".
  Result<HttpResponse> Request(std::string_view method, std::string_view target,
                               std::optional<std::string> body = std::nullopt,
                               const HttpHeaders& headers = {});

 private:
  struct Transport;  // the Asio/Beast connection, defined in http_api.cc

  // Request() + maps non-2xx responses to their Status.
  Result<nlohmann::json> Call(std::string_view method, std::string_view target,
                              std::optional<nlohmann::json> body = std::nullopt);

  Endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  std::string token_;
  std::unique_ptr<Transport> transport_;
};

// Percent-encodes one path segment.
std::string EscapePathSegment(std::string_view segment);

// The upload kind a file is most likely meant as, from its name's extension (any case):
// "image" (.jpg .jpeg .png .webp .gif), "voice" (.ogg .opus .webm), "video" (.mp4 .m4v .mov
// .mkv) or "file".
std::string GuessMediaKind(std::string_view file_name);

}  // namespace parley::client

#endif  // PARLEY_TOOLS_CLIENT_HTTP_API_H_
