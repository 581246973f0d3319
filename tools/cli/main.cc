// parley: the command-line client of a Parley server. See `parley --help`.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <tuple>
#include <utility>

#include "client/endpoint.h"
#include "tools/cli/cli_context.h"

namespace {

std::string DefaultServer() {
  const char* server = std::getenv("PARLEY_SERVER");
  return server != nullptr && *server != '\0' ? server : "http://127.0.0.1:8080";
}

std::string DefaultCaFile() {
  const char* file = std::getenv("PARLEY_CA_FILE");
  return file != nullptr ? file : "";
}

std::string DefaultDevice() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return std::string("cli@") + host;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace parley::cli;
  CLI::App app{"parley: command-line client for a Parley chat server"};
  app.require_subcommand(1);
  std::string server = DefaultServer();
  CliContext context;
  context.config_dir = DefaultConfigDir();
  app.add_option("--server", server, "server URL, http:// or https:// ($PARLEY_SERVER)")
      ->capture_default_str();
  std::string ca_file = DefaultCaFile();
  app.add_option("--ca-file", ca_file,
                 "PEM CAs to trust for https:// ($PARLEY_CA_FILE; default: the system's)");
  app.add_option("--config-dir", context.config_dir, "token and cursor files ($PARLEY_CONFIG_DIR)")
      ->capture_default_str();
  app.add_option("--password", context.password_flag,
                 "password (else $PARLEY_PASSWORD, else prompted)");

  std::string username, display_name, text, device = DefaultDevice();
  bool print_token = false;
  int64_t session_id = 0;
  std::optional<int64_t> before;
  std::optional<int> limit;
  int exit_code = kExitFailure;

  auto* reg = app.add_subcommand("register", "create an account");
  reg->add_option("USER", username)->required();
  reg->add_option("--display-name", display_name, "shown name (default: the username)");
  auto* login = app.add_subcommand("login", "log in and store the token");
  login->add_option("USER", username)->required();
  login->add_option("--device", device, "device name")->capture_default_str();
  login->add_flag("--print-token", print_token, "print the token instead of storing it");
  auto* logout = app.add_subcommand("logout", "revoke the stored token");
  auto* whoami = app.add_subcommand("whoami", "show the logged-in account");
  auto* sessions = app.add_subcommand("sessions", "list my logged-in devices");
  auto* revoke = app.add_subcommand("revoke", "log one of my devices out");
  revoke->add_option("ID", session_id, "session id from `parley sessions`")->required();
  auto* passwd = app.add_subcommand("passwd", "change my password ($PARLEY_NEW_PASSWORD)");
  std::string email_address, reset_token;
  bool remove_email = false;
  auto* email = app.add_subcommand("email", "show, set or remove my e-mail address");
  email->add_option("ADDRESS", email_address, "the new address (a verification mail is sent)");
  email->add_flag("--remove", remove_email, "remove the address");
  std::string two_factor_action, two_factor_code;
  auto* two_factor =
      app.add_subcommand("2fa",
                         "two-step sign-in: show it, or enable | confirm CODE | disable CODE | "
                         "recovery-codes CODE");
  two_factor->add_option("ACTION", two_factor_action)
      ->check(CLI::IsMember({"enable", "confirm", "disable", "recovery-codes"}));
  two_factor->add_option("CODE", two_factor_code, "a code from the app, or a recovery code");
  auto* verify_email =
      app.add_subcommand("verify-email", "verify my e-mail address with the mailed code");
  verify_email->add_option("CODE", reset_token)->required();
  auto* reset_password = app.add_subcommand(
      "reset-password",
      "mail a reset code to ACCOUNT's verified address; with --token, set a new password "
      "($PARLEY_NEW_PASSWORD)");
  reset_password->add_option("ACCOUNT", username, "username or e-mail address");
  reset_password->add_option("--token", reset_token, "the code from the mail");
  std::string export_file = "parley-export.zip";
  auto* export_data = app.add_subcommand("export", "download all my data as a zip");
  export_data->add_option("--out", export_file, "where to write it")->capture_default_str();
  bool delete_confirmed = false;
  auto* delete_account = app.add_subcommand(
      "delete-account", "delete my account for good (asks the password; $PARLEY_CODE with 2fa)");
  delete_account->add_flag("--yes", delete_confirmed, "do not ask for confirmation");
  auto* send = app.add_subcommand(
      "send", "send a message to USER (or to conversation #ID, e.g. a group) and wait for its ack");
  send->add_option("USER", username)->required();
  send->add_option("TEXT", text, "the text, or the caption of --file");
  std::string file, kind;
  auto* send_file =
      send->add_option("--file", file, "upload FILE and send it as the message's media");
  send->add_option("--kind", kind, "image, voice, file or video (default: from the extension)");
  std::string video;
  send->add_option("--video", video, "upload FILE as a video (WebM or MP4) and send it")
      ->excludes(send_file);
  auto* upload = app.add_subcommand("upload", "upload FILE; prints the media id");
  upload->add_option("FILE", file)->required();
  upload->add_option("--kind", kind, "image, voice, file or video (default: from the extension)");
  int64_t seq = 0;
  std::string where, in, cursor;
  bool off = false;
  auto* reply = app.add_subcommand("reply", "reply to message SEQ in WHERE (USER or #ID)");
  reply->add_option("WHERE", where)->required();
  reply->add_option("SEQ", seq)->required();
  reply->add_option("TEXT", text)->required();
  auto* edit = app.add_subcommand("edit", "replace the text of my message SEQ in WHERE");
  edit->add_option("WHERE", where)->required();
  edit->add_option("SEQ", seq)->required();
  edit->add_option("TEXT", text)->required();
  auto* del = app.add_subcommand("delete", "delete message SEQ in WHERE");
  del->add_option("WHERE", where)->required();
  del->add_option("SEQ", seq)->required();
  auto* react = app.add_subcommand("react", "react to message SEQ in WHERE with EMOJI");
  react->add_option("WHERE", where)->required();
  react->add_option("SEQ", seq)->required();
  react->add_option("EMOJI", text)->required();
  react->add_flag("--off", off, "remove the reaction");
  auto* find = app.add_subcommand("find", "search my messages for words");
  find->add_option("QUERY", text)->required();
  find->add_option("--in", in, "only in USER's direct conversation or #ID");
  find->add_option("--before", cursor, "the cursor a previous page printed");
  find->add_option("--limit", limit, "how many (1-50, default 20)");
  RetentionArgs retention_args;
  auto* retention = app.add_subcommand(
      "retention", "show or set how long WHERE (USER or #ID) keeps its messages");
  retention->add_option("WHERE", where)->required();
  retention->add_option("--days", retention_args.days, "remove messages older (0: no limit)");
  retention->add_option("--max-messages", retention_args.max_messages,
                        "keep only the newest this many (0: no limit)");
  auto* history = app.add_subcommand("history", "show messages with a user");
  history->add_option("USER", username)->required();
  history->add_option("--before", before, "only messages with seq below this");
  history->add_option("--limit", limit, "how many (1-200, default 50)");
  auto* conversations = app.add_subcommand("conversations", "list conversations, unread counts");
  auto* follow =
      app.add_subcommand("follow", "print messages live (all, with USER, or in conversation #ID)");
  follow->add_option("USER", username);
  auto* chat =
      app.add_subcommand("chat", "chat with USER (or in conversation #ID): stdin lines are sent");
  chat->add_option("USER", username)->required();
  std::vector<std::string> recipients;
  bool everyone = false;
  auto* notice = app.add_subcommand("notice", "send a system notice (server admins)");
  notice->add_option("TEXT", text)->required();
  notice->add_option("--to", recipients, "usernames to notify");
  notice->add_flag("--all", everyone, "notify every user");
  AdminArgs admin_args;
  auto* admin = app.add_subcommand("admin",
                                   "administer the server's accounts and reports "
                                   "(server admins)");
  admin->require_subcommand(1);
  auto admin_verb = [&](const char* name, const char* help) {
    auto* command = admin->add_subcommand(name, help);
    command->callback([&admin_args, name] { admin_args.verb = name; });
    return command;
  };
  for (auto [name, help] : {std::pair{"grant", "grant USER the server-admin role"},
                            {"revoke", "revoke USER's server-admin role"},
                            {"user", "show USER's account, sessions and last activity"},
                            {"disable", "disable USER: sessions end, logins are refused"},
                            {"enable", "enable USER again"},
                            {"reset-password", "remove USER's password and end their sessions"},
                            {"logout", "end every session of USER"}}) {
    admin_verb(name, help)->add_option("USER", admin_args.user)->required();
  }
  auto* admin_delete = admin_verb("delete", "delete USER's account (cannot be undone)");
  admin_delete->add_option("USER", admin_args.user)->required();
  admin_delete->add_flag("--yes", admin_args.confirmed, "confirm");
  auto* admin_users = admin_verb("users", "list users, or those matching QUERY");
  admin_users->add_option("QUERY", admin_args.user);
  admin_users->add_option("--after", admin_args.after, "users after this id");
  admin_users->add_option("--limit", admin_args.limit, "how many")->capture_default_str();
  admin_verb("stats", "server statistics");
  auto* admin_audit = admin_verb("audit", "the audit log of admin actions, newest first");
  admin_audit->add_option("--before", admin_args.before, "entries before this id");
  admin_audit->add_option("--limit", admin_args.limit, "how many")->capture_default_str();
  auto* admin_reports = admin_verb("reports", "open reports, newest first");
  admin_reports->add_flag("--all", admin_args.all, "resolved ones too");
  admin_reports->add_option("--before", admin_args.before, "reports before this id");
  admin_reports->add_option("--limit", admin_args.limit, "how many")->capture_default_str();
  auto* admin_resolve = admin_verb("resolve",
                                   "resolve report ID: dismiss, delete-message, disable-user, "
                                   "make-private or delete-group");
  admin_resolve->add_option("ID", admin_args.id)->required();
  admin_resolve->add_option("ACTION", admin_args.action)
      ->required()
      ->check(CLI::IsMember(
          {"dismiss", "delete-message", "disable-user", "make-private", "delete-group"}));
  admin_verb("group", "show group ID: name, topic, visibility, members, owner")
      ->add_option("ID", admin_args.id)
      ->required();
  std::string report_reason;
  int64_t report_seq = 0;
  int64_t report_group = 0;
  auto* report = app.add_subcommand("report",
                                    "report USER, with --seq the message SEQ in WHERE (USER or "
                                    "#ID), or with --group the group ID, to the admins");
  report->add_option("WHERE", username);
  report->add_option("--seq", report_seq, "the message's seq");
  report->add_option("--group", report_group, "the group's id");
  report->add_option("--reason", report_reason, "why")->required();
  std::string setup_token;
  auto* admin_setup = app.add_subcommand(
      "admin-setup", "become the server admin with the one-time TOKEN parleyd printed at start");
  admin_setup->add_option("TOKEN", setup_token)->required();

  auto* push = app.add_subcommand("push", "list, add (webhooks) and remove push targets");
  push->require_subcommand(1);
  std::string push_action, push_argument;
  auto push_verb = [&](const char* name, const char* help, const char* argument) {
    auto* command = push->add_subcommand(name, help);
    command->callback([&push_action, name] { push_action = name; });
    if (argument != nullptr) command->add_option(argument, push_argument)->required();
  };
  push_verb("list", "my push targets", nullptr);
  push_verb("webhook", "register a signed webhook at URL (prints its secret once)", "URL");
  push_verb("remove", "remove push target ID", "ID");
  push_verb("preview", "what notifications show: full, sender or none", "LEVEL");

  GroupArgs group_args;
  auto* group = app.add_subcommand("group", "create and manage groups (see `parley group --help`)");
  group->require_subcommand(1);
  auto verb = [&](const char* name, const char* help) {
    auto* command = group->add_subcommand(name, help);
    command->callback([&group_args, name] { group_args.verb = name; });
    return command;
  };
  auto* create = verb("create", "create a group with NAME and members USERS");
  create->add_option("NAME", group_args.text)->required();
  create->add_option("USERS", group_args.users);
  create->add_option("--topic", group_args.topic, "topic");
  create->add_flag("--public", group_args.is_public, "anyone may ask to join");
  verb("join", "join a group with an invite CODE")->add_option("CODE", group_args.text)->required();
  auto* find_groups = verb("find", "list public groups whose name or topic contains TEXT (all: \"\")");
  find_groups->add_option("TEXT", group_args.text)->required();
  find_groups->add_option("--after", group_args.after, "groups after this id");
  auto* info = verb("info", "show a group and its members");
  info->add_option("GROUP", group_args.group_id)->required();
  info->add_option("--after", group_args.after, "members after this user id");
  auto* add = verb("add", "add USERS to GROUP");
  add->add_option("GROUP", group_args.group_id)->required();
  add->add_option("USERS", group_args.users)->required();
  for (auto [name, help] : {std::pair{"leave", "leave GROUP"},
                            {"delete", "delete GROUP (owner)"},
                            {"invite", "make an invite code"},
                            {"invites", "list the invite codes that still work"},
                            {"bans", "list the users banned from GROUP"},
                            {"request", "ask to join a public GROUP"},
                            {"requests", "list pending join requests"}}) {
    verb(name, help)->add_option("GROUP", group_args.group_id)->required();
  }
  for (auto [name, help] : {std::pair{"remove", "remove USER from GROUP"},
                            {"transfer", "make USER the owner"},
                            {"unmute", "let USER send again"},
                            {"approve", "approve USER's join request"},
                            {"reject", "reject USER's join request"},
                            {"ban", "ban USER from GROUP (removes a member; no way back in)"},
                            {"unban", "lift USER's ban"}}) {
    auto* command = verb(name, help);
    command->add_option("GROUP", group_args.group_id)->required();
    command->add_option("USER", group_args.user)->required();
  }
  for (auto [name, help, what] : {std::tuple{"rename", "rename GROUP", "NAME"},
                                  {"topic", "set GROUP's topic", "TOPIC"},
                                  {"revoke", "revoke the invite CODE of GROUP", "CODE"},
                                  {"send", "send TEXT into GROUP", "TEXT"}}) {
    auto* command = verb(name, help);
    command->add_option("GROUP", group_args.group_id)->required();
    command->add_option(what, group_args.text)->required();
  }
  auto* role = verb("role", "set USER's ROLE (admin or member)");
  role->add_option("GROUP", group_args.group_id)->required();
  role->add_option("USER", group_args.user)->required();
  role->add_option("ROLE", group_args.text)->required();
  auto* mute = verb("mute", "stop USER from sending for --minutes");
  mute->add_option("GROUP", group_args.group_id)->required();
  mute->add_option("USER", group_args.user)->required();
  mute->add_option("--minutes", group_args.minutes, "how long")->capture_default_str();
  MomentArgs moment_args;
  auto* moments = app.add_subcommand("moments", "post to and read Moments, the friends-only feed");
  moments->require_subcommand(1);
  auto moment_verb = [&](const char* name, const char* help) {
    auto* command = moments->add_subcommand(name, help);
    command->callback([&moment_args, name] { moment_args.verb = name; });
    return command;
  };
  auto* moment_post = moment_verb("post", "post TEXT to all my friends");
  moment_post->add_option("TEXT", moment_args.text);
  auto* moment_photo =
      moment_post->add_option("--photo", moment_args.photos, "an image FILE (up to 9)");
  moment_post->add_option("--video", moment_args.video, "one video FILE (WebM or MP4)")
      ->excludes(moment_photo);
  moment_post->add_option("--location", moment_args.location, "where");
  auto* moment_feed = moment_verb("feed", "my feed, newest first (or --user NAME's moments)");
  moment_feed->add_option("--user", moment_args.user, "one user's moments");
  moment_feed->add_option("--before", moment_args.before, "the next page's cursor");
  for (auto [name, help] : {std::pair{"like", "like moment ID"},
                            {"unlike", "take my like of moment ID back"},
                            {"delete", "delete my moment ID"}}) {
    moment_verb(name, help)->add_option("ID", moment_args.moment_id)->required();
  }
  auto* moment_comment = moment_verb("comment", "comment TEXT on moment ID");
  moment_comment->add_option("ID", moment_args.moment_id)->required();
  moment_comment->add_option("TEXT", moment_args.text)->required();
  moment_comment->add_option("--reply-to", moment_args.reply_to, "the comment answered");
  StickerArgs sticker_args;
  auto* stickers = app.add_subcommand("sticker", "sticker packs: list, make, share, send");
  stickers->require_subcommand(1);
  auto sticker_verb = [&](const char* name, const char* help) {
    auto* command = stickers->add_subcommand(name, help);
    command->callback([&sticker_args, name] { sticker_args.verb = name; });
    return command;
  };
  sticker_verb("packs", "my sticker packs (built-in first) and recent stickers");
  sticker_verb("create", "create a pack named NAME; prints its SLUG (its share link's key)")
      ->add_option("NAME", sticker_args.name)
      ->required();
  for (auto [name, help] : {std::pair{"show", "show pack SLUG (any shared pack)"},
                            {"delete", "delete my pack SLUG"},
                            {"collect", "add pack SLUG to my collection"},
                            {"drop", "remove pack SLUG from my collection"}}) {
    sticker_verb(name, help)->add_option("SLUG", sticker_args.slug)->required();
  }
  auto* sticker_add = sticker_verb("add", "add image FILE to my pack SLUG with KEYWORDS");
  sticker_add->add_option("SLUG", sticker_args.slug)->required();
  sticker_add->add_option("FILE", sticker_args.file)->required();
  sticker_add->add_option("KEYWORDS", sticker_args.keywords)->required();
  auto* sticker_remove = sticker_verb("remove", "remove sticker ID from my pack SLUG");
  sticker_remove->add_option("SLUG", sticker_args.slug)->required();
  sticker_remove->add_option("ID", sticker_args.sticker_id)->required();
  auto* sticker_send = sticker_verb("send", "send sticker ID to USER (or #CONVERSATION)");
  sticker_send->add_option("USER", sticker_args.to)->required();
  sticker_send->add_option("ID", sticker_args.sticker_id)->required();
  auto* search = app.add_subcommand("search", "find users by username or display name");
  search->add_option("QUERY", text)->required();
  auto* friends = app.add_subcommand("friends", "list my friends with their presence");
  auto* requests = app.add_subcommand("requests", "list friend requests to and from me");
  auto* blocks = app.add_subcommand("blocks", "list the users I blocked");
  std::string note;
  std::vector<std::pair<std::string, CLI::App*>> friend_actions;
  for (auto [name, help] : {std::pair{"befriend", "send USER a friend request"},
                            {"accept", "accept USER's friend request"},
                            {"decline", "decline USER's friend request"},
                            {"cancel", "cancel my friend request to USER"},
                            {"unfriend", "remove USER from my friends"},
                            {"block", "block USER (ends friendship and requests)"},
                            {"unblock", "unblock USER"}}) {
    auto* command = app.add_subcommand(name, help);
    command->add_option("USER", username)->required();
    if (std::string_view(name) == "befriend") command->add_option("--note", note, "a short note");
    friend_actions.emplace_back(name, command);
  }

  CLI11_PARSE(app, argc, argv);
  parley::Result<parley::client::Endpoint> endpoint = parley::client::ParseServerUrl(server);
  if (!endpoint.ok()) return Fail(endpoint.status());
  if (endpoint->tls) {
    if (parley::Status s = endpoint->UseCaFile(ca_file); !s.ok()) return Fail(s);
  }
  context.endpoint = *endpoint;

  if (reg->parsed()) exit_code = RunRegister(context, username, display_name);
  if (login->parsed()) exit_code = RunLogin(context, username, device, print_token);
  if (logout->parsed()) exit_code = RunLogout(context);
  if (whoami->parsed()) exit_code = RunWhoami(context);
  if (sessions->parsed()) exit_code = RunSessions(context);
  if (revoke->parsed()) exit_code = RunRevoke(context, session_id);
  if (passwd->parsed()) exit_code = RunPasswd(context);
  if (email->parsed()) exit_code = RunEmail(context, email_address, remove_email);
  if (two_factor->parsed()) exit_code = RunTwoFactor(context, two_factor_action, two_factor_code);
  if (verify_email->parsed()) exit_code = RunVerifyEmail(context, reset_token);
  if (reset_password->parsed()) {
    exit_code =
        username.empty() == reset_token.empty()
            ? Fail(parley::Status(parley::Code::kInvalidArgument, "give ACCOUNT, or --token CODE"))
            : RunResetPassword(context, username, reset_token);
  }
  if (export_data->parsed()) exit_code = RunExport(context, export_file);
  if (delete_account->parsed()) exit_code = RunDeleteAccount(context, delete_confirmed);
  if (send->parsed()) {
    if (!video.empty()) {
      file = video;
      kind = "video";
    }
    exit_code = text.empty() && file.empty()
                    ? Fail(parley::Status(parley::Code::kInvalidArgument,
                                          "give TEXT, --file or --video, or both"))
                    : RunSend(context, username, text, file, kind);
  }
  if (upload->parsed()) exit_code = RunUpload(context, file, kind);
  if (history->parsed()) exit_code = RunHistory(context, username, before, limit);
  if (conversations->parsed()) exit_code = RunConversations(context);
  if (reply->parsed()) exit_code = RunReply(context, where, seq, text);
  if (edit->parsed()) exit_code = RunEdit(context, where, seq, text);
  if (del->parsed()) exit_code = RunDelete(context, where, seq);
  if (react->parsed()) exit_code = RunReact(context, where, seq, text, off);
  if (find->parsed()) exit_code = RunFind(context, text, in, cursor, limit);
  if (retention->parsed()) exit_code = RunRetention(context, where, retention_args);
  if (follow->parsed()) exit_code = RunFollow(context, username);
  if (chat->parsed()) exit_code = RunChat(context, username);
  if (notice->parsed()) exit_code = RunNotice(context, text, recipients, everyone);
  if (admin->parsed()) exit_code = RunAdmin(context, admin_args);
  if (report->parsed()) {
    exit_code = RunReport(context, username, report_seq, report_group, report_reason);
  }
  if (admin_setup->parsed()) exit_code = RunAdminSetup(context, setup_token);
  if (group->parsed()) exit_code = RunGroup(context, group_args);
  if (push->parsed()) exit_code = RunPush(context, push_action, push_argument);
  if (moments->parsed()) exit_code = RunMoments(context, moment_args);
  if (stickers->parsed()) exit_code = RunStickers(context, sticker_args);
  if (search->parsed()) exit_code = RunSearch(context, text);
  if (friends->parsed()) exit_code = RunFriends(context);
  if (requests->parsed()) exit_code = RunRequests(context);
  if (blocks->parsed()) exit_code = RunBlocks(context);
  for (auto& [name, command] : friend_actions) {
    if (command->parsed()) exit_code = RunFriendAction(context, name, username, note);
  }
  return exit_code;
}
