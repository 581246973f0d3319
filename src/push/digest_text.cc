// ComposeDigest (push/digest.h): the digest mail's words in English, Chinese and French.
#include <string_view>

#include "push/digest.h"
#include "push/payload.h"

namespace parley::push {
namespace {

// The longest text quoted for one conversation, and how many conversations are listed.
constexpr size_t kQuoteBytes = 120;
constexpr size_t kListed = 10;

struct Words {
  // {N} is replaced by a number, {NAME} by a name.
  std::string_view subject_one;    // one unread message
  std::string_view subject_many;   // {N} unread messages
  std::string_view greeting;       // {NAME}
  std::string_view missed_one;     // one message
  std::string_view missed_in_one;  // {N} messages in one conversation
  std::string_view missed;         // {N} messages in {C} conversations
  std::string_view group;          // a group, when names are hidden
  std::string_view person;         // a conversation, when names are hidden
  std::string_view image, voice, file;
  std::string_view more_one;  // one more conversation
  std::string_view more;      // {N} more conversations
  std::string_view open;      // Open Parley:
  std::string_view why;       // why this mail came, how to stop it
  std::string_view video;     // [video]
};

constexpr Words kEnglish = {
    "You have 1 unread message on Parley",
    "You have {N} unread messages on Parley",
    "Hello {NAME},",
    "While you were away, 1 message arrived:",
    "While you were away, {N} messages arrived in 1 conversation:",
    "While you were away, {N} messages arrived in {C} conversations:",
    "A group",
    "A conversation",
    "[image]",
    "[voice message]",
    "[file]",
    "... and 1 more conversation",
    "... and {N} more conversations",
    "Open Parley:",
    "You get this e-mail because you turned on e-mail summaries in Parley's notification "
    "settings. Turn them off there to stop them.",
    "[video]",
};

constexpr Words kChinese = {
    "你在 Parley 上有 1 条未读消息",
    "你在 Parley 上有 {N} 条未读消息",
    "{NAME}，你好：",
    "你离开期间，收到了 1 条消息：",
    "你离开期间，1 个会话中收到了 {N} 条消息：",
    "你离开期间，{C} 个会话中收到了 {N} 条消息：",
    "一个群组",
    "一个会话",
    "[图片]",
    "[语音消息]",
    "[文件]",
    "……还有 1 个会话",
    "……还有 {N} 个会话",
    "打开 Parley：",
    "你收到这封邮件，是因为你在 Parley 的通知设置中开启了邮件摘要。可在那里关闭。",
    "[视频]",
};

constexpr Words kFrench = {
    "Vous avez 1 message non lu sur Parley",
    "Vous avez {N} messages non lus sur Parley",
    "Bonjour {NAME},",
    "Pendant votre absence, 1 message est arrivé :",
    "Pendant votre absence, {N} messages sont arrivés dans 1 conversation :",
    "Pendant votre absence, {N} messages sont arrivés dans {C} conversations :",
    "Un groupe",
    "Une conversation",
    "[image]",
    "[message vocal]",
    "[fichier]",
    "… et 1 autre conversation",
    "… et {N} autres conversations",
    "Ouvrir Parley :",
    "Vous recevez cet e-mail parce que vous avez activé les résumés par e-mail dans les "
    "réglages de notification de Parley. Désactivez-les là pour ne plus en recevoir.",
    "[vidéo]",
};

const Words& WordsFor(std::string_view language) {
  if (language.substr(0, 2) == "zh") return kChinese;
  if (language.substr(0, 2) == "fr") return kFrench;
  return kEnglish;
}

std::string Fill(std::string_view pattern, std::string_view key, std::string_view value) {
  std::string out(pattern);
  for (size_t at = out.find(key); at != std::string::npos; at = out.find(key, at + value.size())) {
    out.replace(at, key.size(), value);
  }
  return out;
}

// Names and texts come from users: one line each, no control characters.
std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  return out;
}

std::string Quote(const MissedConversation& c, Preview preview, const Words& words) {
  std::string what;
  if (!c.media_kind.empty()) {
    what = c.media_kind == "image"   ? words.image
           : c.media_kind == "voice" ? words.voice
           : c.media_kind == "video" ? words.video
                                     : words.file;
  }
  if (!c.last_text.empty()) {
    if (!what.empty()) what += ' ';
    what += "\"" + OneLine(CutUtf8(c.last_text, kQuoteBytes)) + "\"";
  }
  if (preview == Preview::kFull && c.is_group && !c.last_sender.empty() && !what.empty()) {
    what = OneLine(c.last_sender) + ": " + what;
  }
  return what;
}

}  // namespace

mail::Mail ComposeDigest(const DigestContent& content, Preview preview,
                         const std::string& public_url) {
  const Words& words = WordsFor(content.language);
  int64_t total = 0;
  for (const MissedConversation& c : content.conversations) total += c.unread;

  mail::Mail mail;
  mail.to = content.address;
  mail.subject = total == 1 ? std::string(words.subject_one)
                            : Fill(words.subject_many, "{N}", std::to_string(total));
  std::string& text = mail.text;
  text = Fill(words.greeting, "{NAME}", OneLine(content.name)) + "\n\n";
  const std::string_view missed = total == 1                          ? words.missed_one
                                  : content.conversations.size() == 1 ? words.missed_in_one
                                                                      : words.missed;
  text += Fill(Fill(missed, "{N}", std::to_string(total)), "{C}",
               std::to_string(content.conversations.size())) +
          "\n\n";
  size_t listed = 0;
  for (const MissedConversation& c : content.conversations) {
    if (listed == kListed) break;
    ++listed;
    std::string title = preview == Preview::kNone
                            ? std::string(c.is_group ? words.group : words.person)
                            : OneLine(c.title);
    text += "- " + title + " (" + std::to_string(c.unread) + ")";
    if (preview == Preview::kFull) {
      const std::string quote = Quote(c, preview, words);
      if (!quote.empty()) text += ": " + quote;
    }
    text += "\n";
  }
  if (content.conversations.size() > listed) {
    const size_t more = content.conversations.size() - listed;
    text +=
        (more == 1 ? std::string(words.more_one) : Fill(words.more, "{N}", std::to_string(more))) +
        "\n";
  }
  if (!public_url.empty()) text += "\n" + std::string(words.open) + " " + public_url + "/\n";
  text += "\n-- \n" + std::string(words.why) + "\n";
  return mail;
}

}  // namespace parley::push
