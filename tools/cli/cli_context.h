// What every `parley` command needs: the server, the config directory (token, cursors), and
// how to read secrets. Also the command entry points (one per subcommand, defined in the
// *_commands.cc files), each returning the process exit code.
//
// Config directory: $PARLEY_CONFIG_DIR, else ~/.config/parley. It holds `token` (mode 0600) and
// `cursors.json` (the highest seq this device has shown, per conversation).
// Single-threaded program; nothing here is thread-safe.
#ifndef PARLEY_TOOLS_CLI_CLI_CONTEXT_H_
#define PARLEY_TOOLS_CLI_CLI_CONTEXT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "client/endpoint.h"
#include "client/frames.h"
#include "client/http_api.h"

namespace parley::cli {

struct CliContext {
  client::Endpoint endpoint;
  std::string config_dir;
  std::string password_flag;  // --password, empty when not given
};

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;

// Prints "parley: <code>: <message>" (plus `what` when not empty) to stderr; returns kExitFailure.
int Fail(const Status& status, std::string_view what = "");

std::string DefaultConfigDir();
Result<std::string> LoadToken(const CliContext& context);
Status SaveToken(const CliContext& context, const std::string& token);
void RemoveToken(const CliContext& context);
// An HttpApi carrying the stored token; kUnauthenticated with a hint when not logged in.
Result<std::unique_ptr<client::HttpApi>> AuthedApi(const CliContext& context);

using CursorMap = std::map<int64_t, int64_t>;  // conversation id -> highest seq shown
CursorMap LoadCursors(const CliContext& context);
void SaveCursors(const CliContext& context, const CursorMap& cursors);
std::vector<client::Cursor> ToCursorList(const CursorMap& cursors);

// --password, else $`env_var`, else a prompt on the terminal without echo (or a stdin line).
Result<std::string> ReadSecret(const std::string& flag_value, const char* env_var,
                               const char* prompt);

// "#42" names conversation 42 (a group) where a command takes USER; nullopt for a username.
std::optional<int64_t> ConversationRef(const std::string& name);

// The direct conversation with `peer_id` from the caller's list, if it exists yet.
Result<std::optional<int64_t>> FindDirectConversation(client::HttpApi& api, int64_t peer_id);
// The conversation `where` names: #ID as given, a username's direct conversation if any.
Result<int64_t> ResolveConversation(client::HttpApi& api, const std::string& where);

// The conversation `where` names: #ID as given, a username's direct conversation if any.
Result<int64_t> ResolveConversation(client::HttpApi& api, const std::string& where);

// Subcommands.
int RunRegister(const CliContext& context, const std::string& username,
                const std::string& display_name);
int RunLogin(const CliContext& context, const std::string& username, const std::string& device,
             bool print_token);
int RunLogout(const CliContext& context);
int RunWhoami(const CliContext& context);
int RunSessions(const CliContext& context);
int RunRevoke(const CliContext& context, int64_t session_id);
int RunPasswd(const CliContext& context);
// A new password from $PARLEY_NEW_PASSWORD, else prompted twice (kInvalidArgument if the two
// differ).
Result<std::string> ReadNewPassword();
// Shows the account's e-mail address; with ADDRESS sets it, with `remove` removes it.
int RunEmail(const CliContext& context, const std::string& address, bool remove);
int RunVerifyEmail(const CliContext& context, const std::string& token);
// Two-step sign-in: no action shows the state; "enable" (password), "confirm" CODE,
// "recovery-codes" CODE, "disable" CODE (password).
int RunTwoFactor(const CliContext& context, const std::string& action, const std::string& code);
// Asks for a code ($PARLEY_CODE, else a prompt) and finishes a login that answered `challenge`.
Result<client::LoginResult> FinishSecondStep(client::HttpApi& api, const std::string& challenge);
// Starts (or finds) my data export, waits for it with progress on stderr, and writes the zip
// to `out_file`.
int RunExport(const CliContext& context, const std::string& out_file);
// Deletes my account after a confirmation (skipped with `confirmed`), the password and, when
// the server asks for it, a two-step code ($PARLEY_CODE, else a prompt).
int RunDeleteAccount(const CliContext& context, bool confirmed);
// Without a token, asks for a reset mail for ACCOUNT; with one, sets a new password.
int RunResetPassword(const CliContext& context, const std::string& account,
                     const std::string& token);
// With a non-empty `file`, it is uploaded first and sent as the message's media (TEXT its
// caption, may be empty); `kind` as for RunUpload. A non-zero `sticker` sends that sticker
// instead (text and file must be empty).
int RunSend(const CliContext& context, const std::string& username, const std::string& text,
            const std::string& file = "", const std::string& kind = "", int64_t sticker = 0);
int RunHistory(const CliContext& context, const std::string& username,
               std::optional<int64_t> before, std::optional<int> limit);
int RunConversations(const CliContext& context);
// Replies, message operations and message search (op_commands.cc); `where` is USER or #ID.
int RunReply(const CliContext& context, const std::string& where, int64_t seq,
             const std::string& text);
int RunEdit(const CliContext& context, const std::string& where, int64_t seq,
            const std::string& text);
int RunDelete(const CliContext& context, const std::string& where, int64_t seq);
int RunReact(const CliContext& context, const std::string& where, int64_t seq,
             const std::string& emoji, bool off);
int RunFind(const CliContext& context, const std::string& query, const std::string& in,
            const std::string& before, std::optional<int> limit);
int RunFollow(const CliContext& context, const std::string& username);  // "" = everyone
// Neither set: show the policy; either set: set both (an unset one is 0, no limit).
struct RetentionArgs {
  std::optional<int64_t> days;
  std::optional<int64_t> max_messages;
};
int RunRetention(const CliContext& context, const std::string& where, const RetentionArgs& args);
int RunChat(const CliContext& context, const std::string& username);
int RunNotice(const CliContext& context, const std::string& text,
              const std::vector<std::string>& usernames, bool everyone);
// `parley admin VERB ...` (admin_commands.cc): server administration.
struct AdminArgs {
  std::string verb;        // grant, revoke, users, user, disable, enable, reset-password, logout,
                           // delete, stats, audit, reports, resolve, group
  std::string user;        // the username a verb acts on; users: the search text
  int64_t id = 0;          // resolve: the report id; group: the group id
  std::string action;      // resolve: dismiss, delete-message, disable-user, make-private or
                           // delete-group
  int64_t after = 0;       // users --after ID
  int64_t before = 0;      // audit / reports --before ID
  int limit = 50;          // users, audit, reports --limit
  bool all = false;        // reports --all: resolved ones too
  bool confirmed = false;  // delete --yes
};
int RunAdmin(const CliContext& context, const AdminArgs& args);
// `parley report WHERE --seq N --reason R` (a message), `parley report USER --reason R` or
// `parley report --group ID --reason R`.
int RunReport(const CliContext& context, const std::string& where, int64_t seq, int64_t group_id,
              const std::string& reason);
int RunAdminSetup(const CliContext& context, const std::string& setup_token);
// Push targets and settings (push_commands.cc): action list, webhook URL, remove ID,
// preview LEVEL.
int RunPush(const CliContext& context, const std::string& action, const std::string& argument);
// Social graph (social_commands.cc).
int RunSearch(const CliContext& context, const std::string& query);
int RunFriends(const CliContext& context);
int RunRequests(const CliContext& context);
int RunBlocks(const CliContext& context);
// action: befriend, accept, decline, cancel, unfriend, block or unblock; `note` for befriend.
int RunFriendAction(const CliContext& context, const std::string& action,
                    const std::string& username, const std::string& note);

// Media (media_commands.cc). `kind` image, voice or file; empty: guessed from the extension.
int RunUpload(const CliContext& context, const std::string& path, const std::string& kind);
// Uploads the file in chunks; returns the media object.
Result<nlohmann::json> UploadPath(client::HttpApi& api, const std::string& path, std::string kind);

// `parley group VERB ...` (group_commands.cc); which fields a verb uses is in main.cc.
struct GroupArgs {
  std::string verb;  // create, info, add, remove, leave, rename, topic, role, mute, unmute,
                     // transfer, delete, invite, join, request, requests, approve, reject, send
  int64_t group_id = 0;
  std::string user;                // the one user a verb acts on (username)
  std::vector<std::string> users;  // create, add (usernames)
  std::string text;                // name, topic, role, invite code or message text
  std::string topic;               // create --topic
  bool is_public = false;          // create --public
  int64_t minutes = 60;            // mute --minutes
  int64_t after = 0;               // info --after (members page)
};
int RunGroup(const CliContext& context, const GroupArgs& args);

// `parley moments VERB ...` (moment_commands.cc).
struct MomentArgs {
  std::string verb;                 // post, feed, like, unlike, comment, delete
  int64_t moment_id = 0;            // like, unlike, comment, delete
  std::string text;                 // post, comment
  std::vector<std::string> photos;  // post --photo FILE (repeatable)
  std::string location;             // post --location
  std::string user;                 // feed --user NAME: that user's moments
  std::string before;               // feed --before CURSOR
  int64_t reply_to = 0;             // comment --reply-to COMMENT
  std::string video;                // post --video FILE (instead of photos)
};
int RunMoments(const CliContext& context, const MomentArgs& args);

struct StickerArgs {
  std::string verb;        // packs, show, create, add, remove, delete, collect, drop, send
  std::string slug;        // show, add, remove, delete, collect, drop
  std::string name;        // create
  std::string file;        // add: an image FILE
  std::string keywords;    // add
  int64_t sticker_id = 0;  // remove, send
  std::string to;          // send: USER or #CONVERSATION
};
int RunStickers(const CliContext& context, const StickerArgs& args);

}  // namespace parley::cli

#endif  // PARLEY_TOOLS_CLI_CLI_CONTEXT_H_
