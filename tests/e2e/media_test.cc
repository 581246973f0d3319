// End-to-end tests of media (docs/protocol.md, "Media") against a real parleyd, with real
// files: images encoded by libvips in the test (tests/media/media_samples.h), a JPEG carrying
// EXIF with GPS, and the Ogg/WebM Opus fixtures of tests/media/data.
// - resumable uploads in chunks, a lost chunk answered by conflict + received, and resuming;
// - downloads: whole, Range (206/416), ETag/If-None-Match (304), HEAD, the security headers;
// - what processing guarantees: metadata stripped, the real type checked (lying types), broken
//   and oversized images refused, and the upload discarded on every refusal;
// - limits (zero, oversized, quota), hostile names and Content-Range headers;
// - media on messages: descriptors live, on catch-up and in history; who may fetch them;
// - avatars through media; the cleanup of abandoned uploads and never-sent media.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"
#include "tests/media/media_samples.h"

namespace parley::e2e {
namespace {

using client::HttpApi;
using client::WsClient;
using media::testing::DataPath;
using media::testing::EncodeImage;
using media::testing::InspectImageBytes;
using media::testing::ReadFile;
using nlohmann::json;

// Larger than the server's ordinary body limit (64 KiB), which chunks do not have.
constexpr int64_t kChunk = 96 * 1024;

template <typename T>
Code CodeOf(const Result<T>& result) {
  return result.ok() ? Code::kOk : result.status().code();
}
Code CodeOf(const Status& status) { return status.code(); }

std::string MediaPath(const json& media, std::string_view suffix = "") {
  return "/api/v1/media/" + media["id"].get<std::string>() + std::string(suffix);
}

class MediaTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer({}); }

  void StartServer(std::vector<std::string> extra_args) {
    ServerProcess::Options options;
    options.extra_args = {"--upload-chunk-bytes", std::to_string(kChunk)};
    options.extra_args.insert(options.extra_args.end(), extra_args.begin(), extra_args.end());
    apis_.clear();
    users_.clear();
    server_.reset();
    auto server = ServerProcess::Start(std::move(options));
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(server).value();
    for (const char* name : {"alice", "bob", "carol"}) {
      Result<TestUser> created = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(created));
      users_.push_back(std::move(created).value());
      apis_.push_back(ApiFor(*server_, &users_.back()));
    }
  }

  HttpApi& api(int i) { return *apis_[i]; }
  int64_t id(int i) const { return users_[i].id; }

  std::unique_ptr<WsClient> Connect(int i, client::SyncResult* sync = nullptr) {
    auto ws = ConnectUser(*server_, users_[i], {}, sync);
    EXPECT_TRUE(IsOk(ws)) << server_->output();
    return ws.ok() ? std::move(ws).value() : nullptr;
  }

  // Uploads and returns the media object; fails the test on error.
  json UploadOk(int user, std::string_view name, std::string_view kind, const std::string& bytes) {
    auto media = api(user).Upload(name, kind, bytes);
    EXPECT_TRUE(IsOk(media)) << server_->output();
    return media.ok() ? *media : json();
  }

  int StatusOf(int user, std::string_view path, const client::HttpHeaders& headers = {}) {
    auto response = api(user).Download(path, headers);
    return response.ok() ? response->status : -1;
  }

  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<HttpApi>> apis_;
};

// --- uploads ---

TEST_F(MediaTest, ChunkedUploadResumesAfterALostChunkAndCompletesIntoAnImage) {
  const std::string jpeg = EncodeImage("jpeg", 1200, 900);
  ASSERT_GT(jpeg.size(), static_cast<size_t>(2 * kChunk));
  const int64_t size = static_cast<int64_t>(jpeg.size());
  auto created = api(0).CreateUpload("holiday.jpg", size, "image");
  ASSERT_TRUE(IsOk(created));
  EXPECT_EQ((*created)["chunk_bytes"], kChunk);
  EXPECT_EQ((*created)["received"], 0);
  EXPECT_GT((*created)["expires_at"].get<int64_t>(), 0);
  const std::string upload = (*created)["upload_id"];
  ASSERT_EQ(upload.rfind("u_", 0), 0u);

  ASSERT_EQ(*api(0).PutUploadChunk(upload, 0, size, jpeg.substr(0, kChunk)), kChunk);
  // The second chunk is "lost": the client sends the third at the wrong offset.
  auto range = "bytes " + std::to_string(2 * kChunk) + "-" + std::to_string(3 * kChunk - 1) + "/" +
               std::to_string(size);
  auto wrong = api(0).Request("PUT", "/api/v1/uploads/" + upload, jpeg.substr(2 * kChunk, kChunk),
                              {{"Content-Range", range}});
  ASSERT_TRUE(IsOk(wrong));
  EXPECT_EQ(wrong->status, 409);
  EXPECT_EQ(wrong->body["error"]["code"], "conflict");
  EXPECT_EQ(wrong->body["received"], kChunk);
  // The same chunk again (a retry after a lost reply) is a conflict too, and changes nothing.
  EXPECT_EQ(CodeOf(api(0).PutUploadChunk(upload, 0, size, jpeg.substr(0, kChunk))),
            Code::kConflict);
  // Completing early: not every byte is there.
  EXPECT_EQ(CodeOf(api(0).CompleteUpload(upload)), Code::kConflict);
  // Someone else's upload does not exist for them.
  EXPECT_EQ(CodeOf(api(1).UploadStatus(upload)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(1).PutUploadChunk(upload, kChunk, size, "x")), Code::kNotFound);

  auto status = api(0).UploadStatus(upload);
  ASSERT_TRUE(IsOk(status));
  int64_t received = (*status)["received"];
  while (received < size) {
    const int64_t take = std::min(kChunk, size - received);
    auto put = api(0).PutUploadChunk(upload, received, size, jpeg.substr(received, take));
    ASSERT_TRUE(IsOk(put));
    received = *put;
  }
  auto media = api(0).CompleteUpload(upload);
  ASSERT_TRUE(IsOk(media)) << server_->output();
  EXPECT_EQ((*media)["kind"], "image");
  EXPECT_EQ((*media)["mime"], "image/jpeg");
  EXPECT_EQ((*media)["name"], "holiday.jpg");
  EXPECT_EQ((*media)["width"], 1200);
  EXPECT_EQ((*media)["height"], 900);
  EXPECT_EQ((*media)["preview"].get<std::string>().rfind("data:image/", 0), 0u);
  EXPECT_EQ((*media)["url"], MediaPath(*media));
  EXPECT_EQ((*media)["thumbnail_url"], MediaPath(*media, "/thumbnail"));
  EXPECT_EQ((*media)["id"].get<std::string>().size(), 34u);
  // The upload is over.
  EXPECT_EQ(CodeOf(api(0).UploadStatus(upload)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(0).CompleteUpload(upload)), Code::kNotFound);
}

TEST_F(MediaTest, ChunksAreCheckedAgainstTheDeclaredUpload) {
  auto created = api(0).CreateUpload("f.bin", 3000, "file");
  ASSERT_TRUE(IsOk(created));
  const std::string upload = (*created)["upload_id"];
  auto put = [&](const std::string& range, const std::string& body) {
    client::HttpHeaders headers;
    if (!range.empty()) headers.push_back({"Content-Range", range});
    auto response = api(0).Request("PUT", "/api/v1/uploads/" + upload, body, headers);
    return response.ok() ? response->status : -1;
  };
  const std::string ten(10, 'x');
  struct Case {
    std::string range;
    std::string body;
    int want;
  };
  const Case cases[] = {
      {"", ten, 422},                                   // no Content-Range
      {"bytes 0-9/abc", ten, 422},                      // not a number
      {"bytes 9-0/3000", ten, 422},                     // backwards
      {"bytes -1-8/3000", ten, 422},                    // negative
      {"bytes 0-9/3001", ten, 422},                     // not the declared total
      {"bytes 0-9/5", ten, 422},                        // end past total
      {"bytes=0-9/3000", ten, 422},                     // the Range syntax
      {"items 0-9/3000", ten, 422},                     // another unit
      {"bytes 0-99999999999999999999/3000", ten, 422},  // overflow
      {"bytes 0-9/3000x", ten, 422},                    // trailing garbage
      {"bytes 0-19/3000", ten, 422},                    // the body is shorter than the range
      {"bytes 0-4/3000", ten, 422},                     // and longer
      {"bytes 2990-2999/3000", ten, 409},               // not where the upload stands
      {"bytes 0-9/3000", ten, 200},
  };
  for (const Case& test : cases) EXPECT_EQ(put(test.range, test.body), test.want) << test.range;
  auto status = api(0).UploadStatus(upload);
  ASSERT_TRUE(IsOk(status));
  EXPECT_EQ((*status)["received"], 10);
  // A body over the chunk size is refused before it is read whole.
  auto big = api(0).PutUploadChunk(upload, 10, 3000, std::string(kChunk + 1, 'y'));
  EXPECT_EQ(CodeOf(big), Code::kTooLarge);
  // Every other request keeps the ordinary body limit.
  auto profile = api(0).Request("PATCH", "/api/v1/account/profile",
                                json{{"status_line", std::string(kChunk, 'z')}}.dump());
  ASSERT_TRUE(IsOk(profile));
  EXPECT_EQ(profile->status, 413);
  ASSERT_TRUE(IsOk(api(0).AbandonUpload(upload)));
  EXPECT_EQ(CodeOf(api(0).UploadStatus(upload)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(0).AbandonUpload(upload)), Code::kNotFound);
}

TEST_F(MediaTest, LimitsOnSizeKindAndQuota) {
  StartServer({"--max-upload-bytes", "200000", "--media-quota-bytes", "300000"});
  EXPECT_EQ(CodeOf(api(0).CreateUpload("a", 0, "file")), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(0).CreateUpload("a", -5, "file")), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(0).CreateUpload("a", 200001, "file")), Code::kTooLarge);
  EXPECT_EQ(CodeOf(api(0).CreateUpload("a", 10, "hologram")), Code::kInvalidArgument);
  for (const char* body : {"{}", R"({"name": "a", "size": "10", "kind": "file"})", "[1]", "no"}) {
    auto response = api(0).Request("POST", "/api/v1/uploads", body);
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, 400) << body;
  }
  auto first = api(0).CreateUpload("a", 200000, "file");
  ASSERT_TRUE(IsOk(first));
  // Open uploads count against the quota, finished media too.
  EXPECT_EQ(CodeOf(api(0).CreateUpload("b", 150000, "file")), Code::kQuotaExceeded);
  EXPECT_TRUE(IsOk(api(1).CreateUpload("b", 150000, "file")));  // bob has his own quota
  ASSERT_TRUE(IsOk(api(0).AbandonUpload((*first)["upload_id"].get<std::string>())));
  json done = UploadOk(0, "b", "file", std::string(150000, 'b'));
  EXPECT_EQ(done["size"], 150000);
  EXPECT_EQ(CodeOf(api(0).CreateUpload("c", 150001, "file")), Code::kQuotaExceeded);
  EXPECT_TRUE(IsOk(api(0).CreateUpload("c", 150000, "file")));
}

TEST_F(MediaTest, NamesAreSanitizedAndFilesAreServedAsAttachments) {
  struct Case {
    std::string name;
    std::string want;
  };
  const Case cases[] = {
      {"../../etc/passwd", "_.._etc_passwd"},
      {"a/b\\c.txt", "a_b_c.txt"},
      {"bad\x01\x1f\x7fname\n.txt", "badname.txt"},
      {"...hidden", "hidden"},
      {"", "file"},
      {"报告 ✓.pdf", "报告 ✓.pdf"},
  };
  for (const Case& test : cases) {
    json media = UploadOk(0, test.name, "file", "some bytes");
    EXPECT_EQ(media["name"], test.want) << test.name;
  }
  json long_name = UploadOk(0, std::string(1024, 'n') + ".txt", "file", "x");
  EXPECT_EQ(long_name["name"].get<std::string>().size(), 255u);

  json html = UploadOk(0, "页 \"x\".html", "file", "<html><script>alert(1)</script></html>");
  auto download = api(0).Download(MediaPath(html));
  ASSERT_TRUE(IsOk(download));
  EXPECT_EQ(download->status, 200);
  EXPECT_EQ(download->raw_body, "<html><script>alert(1)</script></html>");
  EXPECT_EQ(download->headers["content-type"], "application/octet-stream");
  EXPECT_EQ(download->headers["content-disposition"],
            "attachment; filename*=UTF-8''%E9%A1%B5%20%22x%22.html");
  EXPECT_EQ(download->headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(download->headers["content-security-policy"],
            "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
            "sandbox");
  EXPECT_EQ(download->headers["referrer-policy"], "no-referrer");
  EXPECT_EQ(StatusOf(0, MediaPath(html, "/thumbnail")), 404);
}

// --- processing ---

TEST_F(MediaTest, BytesDecideWhatAnUploadIs) {
  const std::string pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
  const std::string png = EncodeImage("png", 64, 48);
  const std::string jpeg = EncodeImage("jpeg", 640, 480);
  struct Case {
    std::string what;
    std::string kind;
    std::string bytes;
    Code want;
  };
  const Case cases[] = {
      {"a PDF declared as an image", "image", pdf, Code::kUnsupportedMedia},
      {"PNG bytes declared as voice", "voice", png, Code::kUnsupportedMedia},
      {"a truncated JPEG", "image", jpeg.substr(0, jpeg.size() / 2), Code::kInvalidArgument},
      {"a decompression bomb", "image", media::testing::PngHeaderClaiming(20000, 20000),
       Code::kTooLarge},
      {"text declared as an image", "image", "just text", Code::kUnsupportedMedia},
  };
  for (const Case& test : cases) {
    EXPECT_EQ(CodeOf(api(0).Upload("x", test.kind, test.bytes)), test.want) << test.what;
  }
  // Discarded: no upload, file or blob is left of them.
  const std::filesystem::path media_dir = std::filesystem::path(server_->data_dir()) / "media";
  EXPECT_TRUE(std::filesystem::is_empty(media_dir / "tmp"));
  EXPECT_TRUE(std::filesystem::is_empty(media_dir / "blobs"));
  // The PDF is fine as a file, with its real type.
  json file = UploadOk(0, "doc.pdf", "file", pdf);
  EXPECT_EQ(file["mime"], "application/pdf");
}

TEST_F(MediaTest, ServedImagesCarryNoMetadataAndComeUpright) {
  const std::string photo = media::testing::JpegWithExif(800, 600);
  ASSERT_TRUE(InspectImageBytes(photo).has_gps);
  json media = UploadOk(0, "gps.jpg", "image", photo);
  // EXIF orientation 6: the stored image is turned upright.
  EXPECT_EQ(media["width"], 600);
  EXPECT_EQ(media["height"], 800);
  auto served = api(0).Download(MediaPath(media));
  ASSERT_TRUE(IsOk(served));
  ASSERT_EQ(served->status, 200);
  EXPECT_EQ(served->raw_body.find(media::testing::kExifCameraMake), std::string::npos);
  const media::testing::ImageFacts facts = InspectImageBytes(served->raw_body);
  ASSERT_TRUE(facts.ok);
  EXPECT_FALSE(facts.has_gps);
  EXPECT_FALSE(facts.has_exif);
  EXPECT_EQ(facts.width, 600);
  EXPECT_EQ(media["size"], static_cast<int64_t>(served->raw_body.size()));

  auto thumbnail = api(0).Download(MediaPath(media, "/thumbnail"));
  ASSERT_TRUE(IsOk(thumbnail));
  ASSERT_EQ(thumbnail->status, 200);
  EXPECT_EQ(thumbnail->headers["content-type"], "image/webp");
  const media::testing::ImageFacts thumb = InspectImageBytes(thumbnail->raw_body);
  ASSERT_TRUE(thumb.ok);
  EXPECT_EQ(thumb.page_height, 320);
  EXPECT_FALSE(thumb.has_gps);
}

TEST_F(MediaTest, VoiceClipsHaveADuration) {
  json ogg = UploadOk(0, "clip.opus", "voice", ReadFile(DataPath("sine-2000ms.opus")));
  EXPECT_EQ(ogg["kind"], "voice");
  EXPECT_EQ(ogg["mime"], "audio/ogg");
  EXPECT_NEAR(ogg["duration_ms"].get<double>(), 2000, 30);
  EXPECT_FALSE(ogg.contains("width"));
  json webm = UploadOk(0, "rec.webm", "voice", ReadFile(DataPath("chromium-voice.webm")));
  EXPECT_EQ(webm["mime"], "audio/webm");
  EXPECT_GT(webm["duration_ms"].get<int64_t>(), 0);
  auto served = api(0).Download(MediaPath(ogg));
  ASSERT_TRUE(IsOk(served));
  EXPECT_EQ(served->headers["content-disposition"], "inline");
  EXPECT_EQ(served->headers["content-type"], "audio/ogg");
}

// --- downloads ---

TEST_F(MediaTest, DownloadsHonourRangesETagsAndHead) {
  json media = UploadOk(0, "p.png", "image", EncodeImage("png", 300, 200));
  const std::string path = MediaPath(media);
  auto whole = api(0).Download(path);
  ASSERT_TRUE(IsOk(whole));
  ASSERT_EQ(whole->status, 200);
  const std::string bytes = whole->raw_body;
  const int64_t size = media["size"];
  ASSERT_EQ(static_cast<int64_t>(bytes.size()), size);
  EXPECT_EQ(whole->headers["content-type"], "image/png");
  EXPECT_EQ(whole->headers["cache-control"], "private, max-age=31536000, immutable");
  EXPECT_EQ(whole->headers["content-disposition"], "inline");
  EXPECT_EQ(whole->headers["accept-ranges"], "bytes");
  const std::string etag = whole->headers["etag"];
  ASSERT_GT(etag.size(), 2u);

  auto part = api(0).Download(path, {{"Range", "bytes=10-109"}});
  ASSERT_TRUE(IsOk(part));
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->raw_body, bytes.substr(10, 100));
  EXPECT_EQ(part->headers["content-range"], "bytes 10-109/" + std::to_string(size));
  auto tail = api(0).Download(path, {{"Range", "bytes=-7"}});
  ASSERT_TRUE(IsOk(tail));
  EXPECT_EQ(tail->status, 206);
  EXPECT_EQ(tail->raw_body, bytes.substr(size - 7));
  auto open_end = api(0).Download(path, {{"Range", "bytes=" + std::to_string(size - 3) + "-"}});
  ASSERT_TRUE(IsOk(open_end));
  EXPECT_EQ(open_end->raw_body, bytes.substr(size - 3));
  auto beyond = api(0).Download(path, {{"Range", "bytes=" + std::to_string(size) + "-"}});
  ASSERT_TRUE(IsOk(beyond));
  EXPECT_EQ(beyond->status, 416);
  EXPECT_EQ(beyond->headers["content-range"], "bytes */" + std::to_string(size));
  // Forms not served as ranges get the whole file.
  for (const char* ignored : {"bytes=0-1,5-6", "lines=1-2", "bytes=x-y", "bytes=9-2"}) {
    auto response = api(0).Download(path, {{"Range", ignored}});
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, 200) << ignored;
    EXPECT_EQ(response->raw_body.size(), bytes.size()) << ignored;
  }

  auto cached = api(0).Download(path, {{"If-None-Match", etag}});
  ASSERT_TRUE(IsOk(cached));
  EXPECT_EQ(cached->status, 304);
  EXPECT_TRUE(cached->raw_body.empty());
  EXPECT_EQ(cached->headers["etag"], etag);
  EXPECT_EQ(StatusOf(0, path, {{"If-None-Match", "\"other\""}}), 200);

  auto head = api(0).Download(path, {}, "HEAD");
  ASSERT_TRUE(IsOk(head));
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->headers["content-length"], std::to_string(size));
  EXPECT_TRUE(head->raw_body.empty());
  // The connection is still usable after the HEAD.
  EXPECT_EQ(StatusOf(0, path), 200);

  auto info = api(0).Download(MediaPath(media, "/info"));
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ(info->body["id"], media["id"]);
  EXPECT_EQ(StatusOf(0, "/api/v1/media/m_00000000000000000000000000000000"), 404);
  EXPECT_EQ(StatusOf(0, "/api/v1/media/..%2F..%2Fparley.db"), 404);
  HttpApi anonymous(server_->endpoint());
  auto unauthenticated = anonymous.Download(path);
  ASSERT_TRUE(IsOk(unauthenticated));
  EXPECT_EQ(unauthenticated->status, 401);
}

// --- media on messages ---

TEST_F(MediaTest, MessagesCarryTheDescriptorLiveOnCatchUpAndInHistory) {
  auto alice_ws = Connect(0);
  auto bob_ws = Connect(1);
  ASSERT_TRUE(alice_ws && bob_ws);
  json photo = UploadOk(0, "p.jpg", "image", EncodeImage("jpeg", 400, 300));
  auto ack = alice_ws->SendFields(json{{"to", id(1)}, {"media", photo["id"]}});
  ASSERT_TRUE(IsOk(ack)) << server_->output();
  auto live = bob_ws->WaitForType("message");
  ASSERT_TRUE(IsOk(live));
  EXPECT_EQ((*live)["text"], "");
  const json& descriptor = (*live)["media"];
  EXPECT_EQ(descriptor["id"], photo["id"]);
  EXPECT_EQ(descriptor["kind"], "image");
  EXPECT_EQ(descriptor["width"], 400);
  EXPECT_EQ(descriptor["height"], 300);
  EXPECT_EQ(descriptor["preview"], photo["preview"]);
  EXPECT_EQ(descriptor["name"], "p.jpg");
  EXPECT_FALSE(descriptor.contains("url"));
  const int64_t conversation = (*live)["conversation_id"];

  json voice = UploadOk(0, "v.opus", "voice", ReadFile(DataPath("sine-2000ms.opus")));
  ASSERT_TRUE(IsOk(alice_ws->SendFields(
      json{{"conversation_id", conversation}, {"text", "listen"}, {"media", voice["id"]}})));

  bob_ws.reset();
  client::SyncResult sync;
  bob_ws = Connect(1, &sync);
  ASSERT_TRUE(bob_ws);
  ASSERT_EQ(sync.messages.size(), 2u);
  EXPECT_EQ(sync.messages[0]["media"]["id"], photo["id"]);
  EXPECT_EQ(sync.messages[1]["text"], "listen");
  EXPECT_EQ(sync.messages[1]["media"]["duration_ms"], voice["duration_ms"]);

  auto history = api(1).History(conversation);
  ASSERT_TRUE(IsOk(history));
  ASSERT_EQ((*history)["messages"].size(), 2u);
  EXPECT_EQ((*history)["messages"][0]["media"]["mime"], "image/jpeg");
  EXPECT_EQ((*history)["messages"][1]["media"]["kind"], "voice");

  // The receiver may fetch it now; a stranger may not.
  EXPECT_EQ(StatusOf(1, MediaPath(photo)), 200);
  EXPECT_EQ(StatusOf(1, MediaPath(photo, "/thumbnail")), 200);
  EXPECT_EQ(StatusOf(1, MediaPath(photo, "/info")), 200);
  EXPECT_EQ(StatusOf(2, MediaPath(photo)), 404);
  EXPECT_EQ(StatusOf(2, MediaPath(photo, "/info")), 404);
}

TEST_F(MediaTest, OnlyTheUploaderSendsAMediaAndOnlyMembersFetchIt) {
  auto alice_ws = Connect(0);
  auto bob_ws = Connect(1);
  auto carol_ws = Connect(2);
  ASSERT_TRUE(alice_ws && bob_ws && carol_ws);
  json photo = UploadOk(0, "p.jpg", "image", EncodeImage("jpeg", 64, 64));
  // Before it is sent, only alice sees it.
  EXPECT_EQ(StatusOf(0, MediaPath(photo)), 200);
  EXPECT_EQ(StatusOf(1, MediaPath(photo)), 404);
  // Bob cannot send alice's media, nor anything unknown; with neither text nor media, invalid.
  EXPECT_EQ(CodeOf(bob_ws->SendFields(json{{"to", id(2)}, {"media", photo["id"]}})),
            Code::kNotFound);
  EXPECT_EQ(CodeOf(bob_ws->SendFields(json{{"to", id(2)}, {"media", "m_nope"}})), Code::kNotFound);
  EXPECT_EQ(CodeOf(bob_ws->SendFields(json{{"to", id(2)}, {"media", 5}})), Code::kMalformed);
  EXPECT_EQ(CodeOf(bob_ws->SendFields(json{{"to", id(2)}})), Code::kMalformed);
  EXPECT_EQ(CodeOf(bob_ws->SendFields(json{{"to", id(2)}, {"text", ""}})), Code::kInvalidArgument);
  // A refused send creates no conversation.
  auto carol_list = api(2).Conversations();
  ASSERT_TRUE(IsOk(carol_list));
  EXPECT_TRUE(carol_list->empty());

  auto group = api(0).CreateGroup("Team", {id(1), id(2)});
  ASSERT_TRUE(IsOk(group));
  const int64_t group_id = (*group)["id"];
  ASSERT_TRUE(IsOk(alice_ws->SendFields(
      json{{"conversation_id", group_id}, {"text", "look"}, {"media", photo["id"]}})));
  EXPECT_EQ(StatusOf(1, MediaPath(photo)), 200);
  EXPECT_EQ(StatusOf(2, MediaPath(photo)), 200);
  // A removed member loses access.
  ASSERT_TRUE(IsOk(api(0).RemoveGroupMember(group_id, id(2))));
  EXPECT_EQ(StatusOf(2, MediaPath(photo)), 404);
  EXPECT_EQ(StatusOf(2, MediaPath(photo, "/thumbnail")), 404);
  EXPECT_EQ(StatusOf(1, MediaPath(photo)), 200);
  // Media of others cannot become one's avatar either.
  EXPECT_EQ(CodeOf(api(1).UpdateProfile(json{{"avatar", photo["id"]}})), Code::kNotFound);
}

TEST_F(MediaTest, AvatarsAreImagesTheUserUploadedAndEveryoneMayFetchThem) {
  json photo = UploadOk(0, "me.png", "image", EncodeImage("png", 500, 500));
  json voice = UploadOk(0, "v.opus", "voice", ReadFile(DataPath("sine-2000ms.opus")));
  EXPECT_EQ(CodeOf(api(0).UpdateProfile(json{{"avatar", voice["id"]}})), Code::kUnsupportedMedia);
  EXPECT_EQ(CodeOf(api(0).UpdateProfile(json{{"avatar", "https://example.com/a.png"}})),
            Code::kNotFound);
  auto updated = api(0).UpdateProfile(json{{"avatar", photo["id"]}});
  ASSERT_TRUE(IsOk(updated));
  auto seen = api(2).UserById(id(0));
  ASSERT_TRUE(IsOk(seen));
  EXPECT_EQ((*seen)["avatar"], photo["id"]);
  EXPECT_EQ(StatusOf(2, MediaPath(photo, "/thumbnail")), 200);
  EXPECT_EQ(StatusOf(2, MediaPath(voice)), 404);
  ASSERT_TRUE(IsOk(api(0).UpdateProfile(json{{"avatar", ""}})));
}

// --- cleanup ---

TEST_F(MediaTest, CleanupRemovesAbandonedUploadsAndUnsentMediaWithTheirBlobs) {
  StartServer(
      {"--media-cleanup-interval-s", "1", "--upload-expiry-s", "1", "--orphan-media-grace-s", "1"});
  auto alice_ws = Connect(0);
  ASSERT_TRUE(alice_ws);
  auto abandoned = api(0).CreateUpload("half.bin", 100, "file");
  ASSERT_TRUE(IsOk(abandoned));
  const std::string upload = (*abandoned)["upload_id"];
  ASSERT_TRUE(IsOk(api(0).PutUploadChunk(upload, 0, 100, std::string(40, 'h'))));
  json unsent = UploadOk(0, "unsent.jpg", "image", EncodeImage("jpeg", 200, 100));
  json sent = UploadOk(0, "sent.jpg", "image", EncodeImage("jpeg", 100, 200));
  ASSERT_TRUE(IsOk(alice_ws->SendFields(json{{"to", id(1)}, {"media", sent["id"]}})));

  const std::filesystem::path media_dir = std::filesystem::path(server_->data_dir()) / "media";
  auto blob_count = [&] {
    int count = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(media_dir / "blobs")) {
      if (entry.is_regular_file()) ++count;
    }
    return count;
  };
  EXPECT_EQ(blob_count(), 4);  // two images and their thumbnails
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline &&
         (CodeOf(api(0).UploadStatus(upload)) != Code::kNotFound ||
          StatusOf(0, MediaPath(unsent, "/info")) != 404 || blob_count() != 2)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(CodeOf(api(0).UploadStatus(upload)), Code::kNotFound);
  EXPECT_EQ(StatusOf(0, MediaPath(unsent, "/info")), 404);
  EXPECT_EQ(blob_count(), 2);
  EXPECT_TRUE(std::filesystem::is_empty(media_dir / "tmp"));
  // What was sent stays.
  EXPECT_EQ(StatusOf(0, MediaPath(sent)), 200);
  EXPECT_EQ(StatusOf(1, MediaPath(sent, "/thumbnail")), 200);
}

TEST_F(MediaTest, StrayBlobsAndTemporaryFilesLeftByACrashAreSwept) {
  StartServer({"--media-cleanup-interval-s", "1", "--orphan-media-grace-s", "1"});
  auto alice_ws = Connect(0);
  ASSERT_TRUE(alice_ws);
  json sent = UploadOk(0, "sent.png", "image", EncodeImage("png", 64, 48));
  ASSERT_TRUE(IsOk(alice_ws->SendFields(json{{"to", id(1)}, {"media", sent["id"]}})));
  auto open = api(0).CreateUpload("open.bin", 10, "file");
  ASSERT_TRUE(IsOk(open));
  const std::string open_id = (*open)["upload_id"];
  ASSERT_TRUE(IsOk(api(0).PutUploadChunk(open_id, 0, 10, "01234")));

  // What a crash between writing a file and committing its row leaves: a blob no media names
  // and the temporary files of an upload that no longer exists. Everything is made old, the
  // files that are in use too, so only the missing record tells them apart.
  const std::filesystem::path media_dir = std::filesystem::path(server_->data_dir()) / "media";
  const std::string stray_digest(64, 'a');
  std::filesystem::create_directories(media_dir / "blobs" / "aa");
  const std::filesystem::path stray_blob = media_dir / "blobs" / "aa" / stray_digest;
  const std::filesystem::path stray_temp = media_dir / "tmp" / "u_0123456789abcdef";
  const std::filesystem::path stray_out = media_dir / "tmp" / "u_0123456789abcdef.out";
  for (const auto& path : {stray_blob, stray_temp, stray_out}) {
    std::ofstream(path, std::ios::binary) << "left behind";
  }
  const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::hours(2);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(media_dir)) {
    if (entry.is_regular_file()) std::filesystem::last_write_time(entry.path(), old);
  }

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline &&
         (std::filesystem::exists(stray_blob) || std::filesystem::exists(stray_temp) ||
          std::filesystem::exists(stray_out))) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(std::filesystem::exists(stray_blob));
  EXPECT_FALSE(std::filesystem::exists(stray_temp));
  EXPECT_FALSE(std::filesystem::exists(stray_out));
  // What rows name stays: the sent image, its thumbnail, and the open upload's bytes.
  EXPECT_EQ(StatusOf(1, MediaPath(sent)), 200);
  EXPECT_EQ(StatusOf(1, MediaPath(sent, "/thumbnail")), 200);
  EXPECT_TRUE(std::filesystem::exists(media_dir / "tmp" / open_id));
  auto status = api(0).UploadStatus(open_id);
  ASSERT_TRUE(IsOk(status));
  EXPECT_EQ((*status)["received"], 5);
}

}  // namespace
}  // namespace parley::e2e
