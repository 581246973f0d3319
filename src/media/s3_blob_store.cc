#include "media/s3_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>

namespace parley::media {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "blobs/";
constexpr int kListPage = 1000;

Status Invalid() { return Status(Code::kInvalidArgument, "not a blob digest"); }

std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Reads up to `size` bytes at `offset` of `fd`.
Result<std::string> ReadAt(int fd, int64_t offset, int64_t size, const std::string& path) {
  std::string bytes(static_cast<size_t>(size), '\0');
  int64_t done = 0;
  while (done < size) {
    const ssize_t n =
        pread(fd, bytes.data() + done, static_cast<size_t>(size - done), offset + done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status(Code::kInternal, "read " + path + ": " + std::strerror(errno));
    if (n == 0) return Status(Code::kInternal, "read " + path + ": file shrank");
    done += n;
  }
  return bytes;
}

// "2026-12-05T22:00:00.000Z" as Unix milliseconds; -1 if it is not that.
int64_t ParseIsoTime(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) < 6) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

class S3BlobStore final : public BlobStore {
 public:
  explicit S3BlobStore(S3Options options) : client_(std::move(options)) {}

  Result<std::string> Put(const std::string& path) override {
    Result<std::string> digest = Sha256OfFile(path);
    if (!digest.ok()) return digest.status();
    std::error_code error;
    const auto size = static_cast<int64_t>(fs::file_size(path, error));
    if (error) return Status(Code::kInternal, "stat " + path + ": " + error.message());
    // Only an unreachable store stops here: any other answer to the HEAD (a 500 from a store
    // writing the same key for another Put right now) just means the bytes are sent.
    Result<int64_t> stored = SizeOf(*digest);
    if (!stored.ok() && stored.status().code() == Code::kUnavailable) return stored.status();
    if (!stored.ok() || *stored != size) {
      const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return Status(Code::kInternal, "open " + path + ": " + std::strerror(errno));
      const Status sent = size <= client_.options().part_bytes
                              ? PutWhole(S3KeyOf(*digest), fd, size, path)
                              : PutInParts(S3KeyOf(*digest), fd, size, path);
      close(fd);
      if (!sent.ok()) return sent;
    }
    if (unlink(path.c_str()) != 0) {
      return Status(Code::kInternal, "unlink " + path + ": " + std::strerror(errno));
    }
    return digest;
  }

  Result<std::string> PathOf(const std::string& digest) override {
    if (!IsDigest(digest)) return Invalid();
    const std::string& cache = client_.options().cache_dir;
    const std::string copy = cache + "/" + digest;
    if (utimensat(AT_FDCWD, copy.c_str(), nullptr, 0) == 0) return copy;  // marks it used
    Result<int64_t> size = SizeOf(digest);
    if (!size.ok()) return size.status();
    std::error_code error;
    fs::create_directories(cache, error);
    if (error) return Status(Code::kInternal, "cannot create " + cache + ": " + error.message());
    const std::string part = copy + ".part" + std::to_string(std::random_device()());
    const int fd = open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Status(Code::kInternal, "open " + part + ": " + std::strerror(errno));
    S3Request get{"GET", S3KeyOf(digest), {}, {}, "", fd, *size};
    Result<S3Reply> fetched = Send(get);
    close(fd);
    Result<std::string> hashed = fetched.ok() ? Sha256OfFile(part) : fetched.status();
    if (!hashed.ok() || *hashed != digest) {
      unlink(part.c_str());
      if (!hashed.ok()) return hashed.status();
      return Status(Code::kInternal, "S3 object " + S3KeyOf(digest) + " does not hash to its name");
    }
    if (rename(part.c_str(), copy.c_str()) != 0) {
      unlink(part.c_str());
      return Status(Code::kInternal, "rename " + part + ": " + std::strerror(errno));
    }
    TrimCache(copy);
    return copy;
  }

  Result<int64_t> SizeOf(const std::string& digest) override {
    if (!IsDigest(digest)) return Invalid();
    Result<S3Reply> head = Send({"HEAD", S3KeyOf(digest)});
    if (!head.ok()) return head.status();
    auto length = head->headers.find("content-length");
    if (length == head->headers.end()) {
      return Status(Code::kInternal, "S3 HEAD " + S3KeyOf(digest) + ": no Content-Length");
    }
    char* end = nullptr;
    const long long size = std::strtoll(length->second.c_str(), &end, 10);
    if (end == length->second.c_str() || *end != '\0' || size < 0) {
      return Status(Code::kInternal, "S3 HEAD " + S3KeyOf(digest) + ": bad Content-Length");
    }
    return static_cast<int64_t>(size);
  }

  Status Remove(const std::string& digest) override {
    if (!IsDigest(digest)) return Invalid();
    unlink((client_.options().cache_dir + "/" + digest).c_str());
    Result<S3Reply> deleted = Send({"DELETE", S3KeyOf(digest)});
    if (!deleted.ok() && deleted.status().code() != Code::kNotFound) return deleted.status();
    return Status::Ok();
  }

  Result<std::vector<std::string>> ListOlderThan(int64_t unix_ms) override {
    std::vector<std::string> digests;
    std::string token;
    for (;;) {
      S3Request list{"GET", ""};
      list.query = {{"list-type", "2"},
                    {"prefix", std::string(kPrefix)},
                    {"max-keys", std::to_string(kListPage)}};
      if (!token.empty()) list.query.emplace_back("continuation-token", token);
      Result<S3Reply> page = Send(list);
      if (!page.ok()) return page.status();
      if (page->body.find("<ListBucketResult") == std::string::npos) {
        return Status(Code::kInternal, "S3 list of " + client_.options().bucket +
                                           ": the answer is not a bucket listing");
      }
      for (std::string_view entry : XmlElements(page->body, "Contents")) {
        const std::string key = XmlText(entry, "Key");
        const int64_t modified = ParseIsoTime(XmlText(entry, "LastModified"));
        const size_t slash = key.rfind('/');
        const std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
        if (!IsDigest(name) || key != S3KeyOf(name)) continue;  // not ours
        if (modified >= 0 && modified < unix_ms) digests.push_back(name);
      }
      token = XmlText(page->body, "NextContinuationToken");
      if (XmlText(page->body, "IsTruncated") != "true" || token.empty()) return digests;
    }
  }

  Result<std::string> DownloadUrl(const std::string& digest, const std::string& content_type,
                                  const std::string& content_disposition) override {
    if (!IsDigest(digest)) return Invalid();
    return client_.PresignedUrl(S3KeyOf(digest),
                                {{"response-content-type", content_type},
                                 {"response-content-disposition", content_disposition},
                                 {"response-cache-control", "private, max-age=300"}},
                                std::time(nullptr));
  }

  Status CheckBucket() {
    S3Request list{"GET", ""};
    list.query = {{"list-type", "2"}, {"max-keys", "0"}};  // the bucket, not its keys
    Result<S3Reply> page = client_.Send(list);
    if (!page.ok()) return page.status();
    if (page->body.find("<ListBucketResult") == std::string::npos) {
      return Status(Code::kInternal, "S3 bucket " + client_.options().bucket + " at " +
                                         client_.options().endpoint +
                                         ": the answer is not a bucket listing");
    }
    return Status::Ok();
  }

 private:
  // A request of a running server: a bucket that stops accepting the credentials is the
  // server's trouble, not the caller's, so those errors become kUnavailable (a 503 for an HTTP
  // client, never a 401 that would sign it out).
  Result<S3Reply> Send(const S3Request& request) {
    Result<S3Reply> reply = client_.Send(request);
    if (!reply.ok() && (reply.status().code() == Code::kUnauthenticated ||
                        reply.status().code() == Code::kForbidden)) {
      return Status(Code::kUnavailable, reply.status().message());
    }
    return reply;
  }

  // One part (or the whole blob): sent with its MD5, and the ETag the store computed from what
  // it received must be that MD5.
  Result<std::string> SendPart(S3Request request, std::string bytes) {
    const std::string md5 = Md5Hex(bytes);
    request.method = "PUT";
    request.headers.emplace_back("content-md5", Md5Base64(bytes));
    request.body = std::move(bytes);  // one copy of the part in memory
    Result<S3Reply> sent = Send(request);
    if (!sent.ok()) return sent.status();
    const std::string etag = sent->headers["etag"];
    if (etag != Quoted(md5) && etag != md5) {
      return Status(Code::kInternal, "S3 PUT " + request.key + ": the store's ETag " + etag +
                                         " is not the MD5 of the bytes sent");
    }
    return Quoted(md5);
  }

  Status PutWhole(const std::string& key, int fd, int64_t size, const std::string& path) {
    Result<std::string> bytes = ReadAt(fd, 0, size, path);
    if (!bytes.ok()) return bytes.status();
    S3Request put{"PUT", key};
    put.headers = {{"content-type", "application/octet-stream"}};
    return SendPart(std::move(put), std::move(*bytes)).status();
  }

  Status PutInParts(const std::string& key, int fd, int64_t size, const std::string& path) {
    S3Request start{"POST", key, {{"uploads", ""}}, {{"content-type", "application/octet-stream"}}};
    Result<S3Reply> started = Send(start);
    if (!started.ok()) return started.status();
    const std::string upload_id = XmlText(started->body, "UploadId");
    if (upload_id.empty()) return Status(Code::kInternal, "S3 multipart start: no UploadId");
    Status done = SendParts(key, upload_id, fd, size, path);
    if (!done.ok()) Send({"DELETE", key, {{"uploadId", upload_id}}});  // abort
    return done;
  }

  Status SendParts(const std::string& key, const std::string& upload_id, int fd, int64_t size,
                   const std::string& path) {
    const int64_t part_bytes = client_.options().part_bytes;
    std::string manifest = "<CompleteMultipartUpload>";
    int number = 1;
    for (int64_t offset = 0; offset < size; offset += part_bytes, ++number) {
      Result<std::string> bytes = ReadAt(fd, offset, std::min(part_bytes, size - offset), path);
      if (!bytes.ok()) return bytes.status();
      S3Request part{"PUT", key, {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}}};
      Result<std::string> etag = SendPart(std::move(part), std::move(*bytes));
      if (!etag.ok()) return etag.status();
      manifest += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + *etag +
                  "</ETag></Part>";
    }
    manifest += "</CompleteMultipartUpload>";
    S3Request complete{
        "POST", key, {{"uploadId", upload_id}}, {{"content-type", "application/xml"}}, manifest};
    Result<S3Reply> completed = Send(complete);
    if (!completed.ok()) return completed.status();
    // S3 may answer 200 and still fail the completion, with an <Error> body.
    if (completed->body.find("<CompleteMultipartUploadResult") == std::string::npos) {
      return Status(Code::kInternal, "S3 multipart completion of " + key +
                                         " failed: " + XmlText(completed->body, "Code"));
    }
    return Status::Ok();
  }

  // Removes the least recently used copies until the cache fits, keeping `keep` and copies used
  // within cache_fresh_ms.
  void TrimCache(const std::string& keep) {
    struct Entry {
      int64_t used_ms;
      int64_t size;
      std::string path;
    };
    std::vector<Entry> entries;
    int64_t total = 0;
    std::error_code error;
    for (fs::directory_iterator it(client_.options().cache_dir, error), end; !error && it != end;
         it.increment(error)) {
      struct stat st;
      if (stat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      const int64_t used =
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
      entries.push_back({used, static_cast<int64_t>(st.st_size), it->path().string()});
      total += st.st_size;
    }
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.used_ms < b.used_ms; });
    const int64_t fresh = NowMs() - client_.options().cache_fresh_ms;
    for (const Entry& entry : entries) {
      if (total <= client_.options().cache_bytes || entry.used_ms >= fresh) break;
      if (entry.path != keep && unlink(entry.path.c_str()) == 0) total -= entry.size;
    }
  }

  S3Client client_;
};

}  // namespace

std::string S3KeyOf(const std::string& digest) {
  return std::string(kPrefix) + digest.substr(0, 2) + "/" + digest;
}

Result<std::unique_ptr<BlobStore>> OpenS3BlobStore(const S3Options& options) {
  if (options.endpoint.empty() || options.bucket.empty()) {
    return Status(Code::kInvalidArgument, "S3 media store: s3-endpoint and s3-bucket are required");
  }
  auto store = std::make_unique<S3BlobStore>(options);
  if (Status reachable = store->CheckBucket(); !reachable.ok()) {
    return Status(reachable.code(), "S3 media store: " + reachable.message());
  }
  return std::unique_ptr<BlobStore>(std::move(store));
}

}  // namespace parley::media
