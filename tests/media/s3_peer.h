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

  // The requests answered so far with `method` whose query has `parameter` ("" for any).
  std::vector<nlohmann::json> Requests(const std::string& method, const std::string& parameter) {
    std::vector<nlohmann::json> found;
    for (const nlohmann::json& line :
         peer_->Lines([](const nlohmann::json& l) { return l.contains("request"); })) {
      const nlohmann::json& request = line["request"];
      if (request["method"] == method &&
          (parameter.empty() || request["query"].contains(parameter))) {
        found.push_back(request);
      }
    }
    return found;
  }

 private:
  testing_support::TempDir dir_;
  std::unique_ptr<e2e::PeerProcess> peer_;
  int port_ = 0;
};

}  // namespace parley::media::testing

#endif  // PARLEY_TESTS_MEDIA_S3_PEER_H_
