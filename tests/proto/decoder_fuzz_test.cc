// Seeded mutation fuzzing of every decoder of untrusted input: WebSocket client frames and
// HTTP request bodies. Deterministic (fixed seed), bounded (a fixed number of mutations), and
// checks the decoders' contract: never crash, and every failure carries a code and a message.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "proto/client_frames.h"
#include "proto/group_bodies.h"
#include "proto/http_requests.h"

namespace parley::proto {
namespace {

const std::vector<std::string>& Corpus() {
  static const std::vector<std::string> corpus = {
      R"({"type":"hello","protocol":1,"token":"pt_abc","cursors":[{"conversation_id":3,"seq":40}]})",
      R"({"type":"send","id":"c-1","to":2,"text":"hello 👩‍👩‍👧 你好"})",
      R"({"type":"send","id":"c-2","conversation_id":3,"text":"x","req":"r"})",
      R"({"type":"read","conversation_id":3,"seq":9})",
      R"({"type":"delivered","conversation_id":3,"seq":9})",
      R"({"type":"history","req":"h","conversation_id":3,"before":10,"limit":5})",
      R"({"type":"ping","req":"p"})",
      R"({"username":"alice","password":"correct horse","display_name":"Alice","device":"cli"})",
      R"({"old_password":"a","new_password":"b"})",
  };
  return corpus;
}

std::string Mutate(std::string input, std::mt19937& rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  const int edits = std::uniform_int_distribution<int>(1, 4)(rng);
  for (int i = 0; i < edits && !input.empty(); ++i) {
    std::uniform_int_distribution<size_t> at(0, input.size() - 1);
    switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
      case 0: input[at(rng)] = static_cast<char>(byte(rng)); break;
      case 1: input.insert(at(rng), 1, static_cast<char>(byte(rng))); break;
      case 2: input.erase(at(rng), 1); break;
      case 3: input.resize(at(rng)); break;
      case 4: {
        const size_t from = at(rng);
        input.insert(at(rng), input.substr(from, 16));
        break;
      }
      default: {
        static const char* kTokens[] = {"{", "}", "[", "]", "\"", ":", ",", "null", "1e999",
                                        "-0", "\\u0000", "\\ud800", "true", "99999999999999999999"};
        input.insert(at(rng), kTokens[std::uniform_int_distribution<int>(0, 13)(rng)]);
      }
    }
  }
  return input;
}

template <typename Decode>
void FuzzDecoder(Decode decode, int iterations) {
  std::mt19937 rng(20261123);
  for (int i = 0; i < iterations; ++i) {
    const std::string& seed = Corpus()[i % Corpus().size()];
    const std::string input = Mutate(seed, rng);
    const Status status = decode(input);
    if (!status.ok()) {
      EXPECT_NE(status.code(), Code::kInternal) << input;
      EXPECT_FALSE(status.message().empty()) << input;
    }
  }
}

TEST(DecoderFuzzTest, ClientFramesNeverCrash) {
  FuzzDecoder(
      [](const std::string& input) {
        auto decoded = DecodeClientFrame(input);
        return decoded.frame.ok() ? Status::Ok() : decoded.frame.status();
      },
      50000);
}

TEST(DecoderFuzzTest, HttpBodiesNeverCrash) {
  FuzzDecoder(
      [](const std::string& input) {
        auto reg = DecodeRegister(input);
        auto login = DecodeLogin(input);
        auto password = DecodePassword(input);
        if (!reg.ok()) return reg.status();
        if (!login.ok()) return login.status();
        return password.ok() ? Status::Ok() : password.status();
      },
      30000);
}

TEST(DecoderFuzzTest, GroupBodiesNeverCrash) {
  FuzzDecoder(
      [](const std::string& input) {
        Status first = DecodeNewGroup(input).status();
        (void)DecodeGroupPatch(input);
        (void)DecodeUsers(input);
        (void)DecodeRole(input);
        (void)DecodeUser(input);
        (void)DecodeMute(input);
        (void)DecodeInvite(input);
        (void)DecodeJoin(input);
        return first;
      },
      20000);
}

}  // namespace
}  // namespace parley::proto
