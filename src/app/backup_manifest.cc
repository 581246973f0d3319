#include "app/backup_manifest.h"

#include <charconv>
#include <set>

namespace parley::app {
namespace {

constexpr std::string_view kHeader = "parley-backup 1";
constexpr std::string_view kBlobPrefix = "media/";

bool IsSha256Hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsKnownPath(std::string_view path) {
  return path == "parley.db" || path == "push.db" || path == "vapid_private.pem" ||
         !DigestOfBlobEntry(path).empty();
}

Status Bad(size_t line, const std::string& why) {
  return Status(Code::kInvalidArgument,
                "backup manifest line " + std::to_string(line) + ": " + why);
}

// "<sha256> <size> <path>"
Result<ManifestEntry> ParseEntry(std::string_view text, size_t line) {
  const size_t first = text.find(' ');
  const size_t second = first == std::string_view::npos ? first : text.find(' ', first + 1);
  if (second == std::string_view::npos) return Bad(line, "expected '<sha256> <size> <path>'");
  ManifestEntry entry;
  entry.sha256 = std::string(text.substr(0, first));
  if (!IsSha256Hex(entry.sha256)) return Bad(line, "not a SHA-256");
  const std::string_view size = text.substr(first + 1, second - first - 1);
  auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), entry.size);
  if (size.empty() || ec != std::errc() || end != size.data() + size.size() || entry.size < 0) {
    return Bad(line, "not a size");
  }
  entry.path = std::string(text.substr(second + 1));
  if (!IsKnownPath(entry.path)) return Bad(line, "not a file a backup holds");
  if (const std::string digest = DigestOfBlobEntry(entry.path);
      !digest.empty() && digest != entry.sha256) {
    return Bad(line, "a media blob's name is not its SHA-256");
  }
  return entry;
}

}  // namespace

std::string BlobEntryPath(const std::string& digest) { return std::string(kBlobPrefix) + digest; }

std::string DigestOfBlobEntry(std::string_view path) {
  if (path.substr(0, kBlobPrefix.size()) != kBlobPrefix) return "";
  const std::string_view digest = path.substr(kBlobPrefix.size());
  return IsSha256Hex(digest) ? std::string(digest) : "";
}

std::string FormatManifest(const std::vector<ManifestEntry>& entries) {
  std::string text = std::string(kHeader) + "\n";
  for (const ManifestEntry& entry : entries) {
    text += entry.sha256 + " " + std::to_string(entry.size) + " " + entry.path + "\n";
  }
  return text + "end " + std::to_string(entries.size()) + "\n";
}

Result<std::vector<ManifestEntry>> ParseManifest(std::string_view text) {
  if (text.size() > kMaxManifestBytes) return Bad(0, "too large");
  std::vector<ManifestEntry> entries;
  std::set<std::string> seen;
  size_t line = 0;
  bool ended = false;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    if (newline == std::string_view::npos) return Bad(line + 1, "not terminated by a newline");
    const std::string_view current = text.substr(0, newline);
    text.remove_prefix(newline + 1);
    ++line;
    if (ended) return Bad(line, "text after the end line");
    if (line == 1) {
      if (current != kHeader) return Bad(line, "not a Parley backup manifest");
      continue;
    }
    if (current.substr(0, 4) == "end ") {
      if (current.substr(4) != std::to_string(entries.size())) {
        return Bad(line, "the end line does not count the entries");
      }
      ended = true;
      continue;
    }
    if (entries.size() >= kMaxManifestEntries) return Bad(line, "too many entries");
    Result<ManifestEntry> entry = ParseEntry(current, line);
    if (!entry.ok()) return entry.status();
    if (!seen.insert(entry->path).second) return Bad(line, "duplicate " + entry->path);
    entries.push_back(std::move(*entry));
  }
  if (!ended) return Bad(line, "no end line (an incomplete backup)");
  if (!seen.contains("parley.db")) return Bad(line, "no parley.db");
  return entries;
}

}  // namespace parley::app
