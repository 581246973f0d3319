// S3Peer: a real S3 server for the tests, tests/peers/s3_peer.mjs (the npm s3rver package) on
// loopback on a free port, keeping its objects in a temporary directory the test can read to
// check what landed in the bucket. The peer process ends with the object (PeerProcess).
#ifndef PARLEY_TESTS_MEDIA_S3_PEER_H_
#define PARLEY_TESTS_MEDIA_S3_PEER_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/s3_client.h"
#include "tests/e2e/peer_process.h"
#include "tests/support/temp_dir.h"

namespace parley::media::testing {

class S3Peer {
 public:
  static constexpr const char* kBucket = "parley-media";
  static constexpr const char* kAccessKey = "S3RVER";  // the one key s3rver knows
  static constexpr const char* kSecretKey = "S3RVER";

  // Starts the peer and waits until it listens.
  Status Start() {
    auto peer = e2e::PeerProcess::Start({PARLEY_NODE_PATH, PARLEY_PEERS_DIR "/s3_peer.mjs", "--dir",
                                         dir_.path(), "--bucket", kBucket},
                                        PARLEY_PEERS_DIR);
    if (!peer.ok()) return peer.status();
    peer_ = std::move(*peer);
    const nlohmann::json line =
        peer_->WaitForLine([](const nlohmann::json& l) { return l.contains("listening"); });
    if (line.is_null()) return Status(Code::kUnavailable, "s3_peer.mjs did not start");
    port_ = line["listening"].get<int>();
    return Status::Ok();
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Settings for a store in this bucket, its download cache in `cache_dir`.
  media::S3Options Options(const std::string& cache_dir) const {
    media::S3Options options;
    options.endpoint = endpoint();
    options.bucket = kBucket;
    options.credentials = {kAccessKey, kSecretKey, "us-east-1"};
    options.cache_dir = cache_dir;
    return options;
  }

  // Where s3rver keeps the bytes of the object `key`.
  std::string ObjectFile(const std::string& key) const {
    return dir_.path() + "/" + kBucket + "/" + key + "._S3rver_object";
  }

  // How many requests with `method` whose query has `parameter` ("" for any) were answered,
  // once at least `at_least` were (or 10 s passed): the peer logs a request as it answers it,
  // so the line may arrive just after the client has its answer.
  size_t CountRequests(const std::string& method, const std::string& parameter, size_t at_least) {
    auto matches = [&](const nlohmann::json& line) {
      const nlohmann::json& request = line["request"];
      return request["method"] == method &&
             (parameter.empty() || request["query"].contains(parameter));
    };
    size_t seen = 0;
    peer_->WaitForLine([&](const nlohmann::json& line) {
      if (!line.contains("request")) return false;
      if (line["n"] == 1) seen = 0;  // WaitForLine scans every line again on each wake
      seen += matches(line) ? 1 : 0;
      return seen >= at_least;
    });
    return peer_
        ->Lines(
            [&](const nlohmann::json& line) { return line.contains("request") && matches(line); })
        .size();
  }

 private:
  testing_support::TempDir dir_;
  std::unique_ptr<e2e::PeerProcess> peer_;
  int port_ = 0;
};

}  // namespace parley::media::testing

#endif  // PARLEY_TESTS_MEDIA_S3_PEER_H_
