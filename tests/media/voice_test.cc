// ProbeVoice on real recordings (opusenc's Ogg, Chromium MediaRecorder's WebM, committed under
// data/) and on containers written byte by byte here: durations, unknown sizes, the Duration
// element, other codecs, truncation and inconsistencies.
#include "media/voice.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "tests/media/media_samples.h"
#include "tests/support/temp_dir.h"

namespace parley::media {
namespace {

using testing::DataPath;
using testing::ReadFile;
using testing::WriteFile;

// ---- Ogg, written here (RFC 3533 pages with their CRC) ----

uint32_t OggCrc(const std::string& page) {
  uint32_t crc = 0;
  for (unsigned char c : page) {
    crc ^= static_cast<uint32_t>(c) << 24;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04c11db7u : crc << 1;
  }
  return crc;
}

void PutLittle(std::string* out, uint64_t value, int width) {
  for (int i = 0; i < width; ++i) out->push_back(static_cast<char>(value >> (8 * i)));
}

// One page holding one packet (under 255 * 255 bytes).
std::string OggPage(uint8_t flags, int64_t granule, uint32_t sequence, const std::string& packet) {
  std::string page = "OggS";
  page.push_back('\0');
  page.push_back(static_cast<char>(flags));
  PutLittle(&page, static_cast<uint64_t>(granule), 8);
  PutLittle(&page, 0x5EED, 4);  // serial
  PutLittle(&page, sequence, 4);
  PutLittle(&page, 0, 4);  // CRC, filled below
  std::string lacing;
  size_t left = packet.size();
  do {
    const size_t segment = left < 255 ? left : 255;
    lacing.push_back(static_cast<char>(segment));
    left -= segment;
    if (segment < 255) break;
  } while (true);
  page.push_back(static_cast<char>(lacing.size()));
  page += lacing + packet;
  const uint32_t crc = OggCrc(page);
  for (int i = 0; i < 4; ++i) page[22 + i] = static_cast<char>(crc >> (8 * i));
  return page;
}

std::string OpusHead(uint16_t pre_skip) {
  std::string head = "OpusHead";
  head.push_back(1);  // version
  head.push_back(1);  // channels
  PutLittle(&head, pre_skip, 2);
  PutLittle(&head, 48000, 4);
  PutLittle(&head, 0, 2);  // gain
  head.push_back(0);       // mapping family
  return head;
}

std::string OggOpus(uint16_t pre_skip, std::initializer_list<int64_t> granules) {
  std::string ogg = OggPage(0x02, 0, 0, OpusHead(pre_skip));
  ogg += OggPage(0, 0, 1, std::string("OpusTags\0\0\0\0\0\0\0\0", 16));
  uint32_t sequence = 2;
  for (int64_t granule : granules) ogg += OggPage(0, granule, sequence++, std::string(40, '\xF8'));
  return ogg;
}

// ---- WebM, written here (EBML elements) ----

std::string Id(uint32_t id) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    if ((id >> shift) != 0 || shift == 0) out.push_back(static_cast<char>(id >> shift));
  }
  return out;
}

// Sizes take one byte when they can (as libmagic expects in the EBML header), else eight.
std::string El(uint32_t id, const std::string& payload) {
  std::string out = Id(id);
  if (payload.size() < 127) {
    out.push_back(static_cast<char>(0x80 | payload.size()));
  } else {
    out.push_back('\x01');
    for (int shift = 48; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>(static_cast<uint64_t>(payload.size()) >> shift));
    }
  }
  return out + payload;
}

std::string UnknownSize(uint32_t id) { return Id(id) + "\x01\xFF\xFF\xFF\xFF\xFF\xFF\xFF"; }

std::string Uint(uint64_t value) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
  return out;
}

std::string Float(double value) { return Uint(std::bit_cast<uint64_t>(value)); }

// A SimpleBlock of track 1 at `relative` ticks into its cluster, holding one 20 ms Opus packet.
std::string Block(int16_t relative) {
  std::string block = "\x81";
  block.push_back(static_cast<char>(static_cast<uint16_t>(relative) >> 8));
  block.push_back(static_cast<char>(relative & 0xFF));
  block.push_back('\x80');                      // keyframe, no lacing
  block += std::string("\xF8\x01\x02\x03", 4);  // TOC: CELT fullband 20 ms, one frame
  return El(0xA3, block);
}

struct WebmSpec {
  std::string doc_type = "webm";
  std::string codec = "A_OPUS";
  std::string info;  // extra Info children
  bool tracks_first = true;
};

std::string Webm(const WebmSpec& spec, const std::string& clusters) {
  std::string out = El(0x1A45DFA3, El(0x4286, Uint(1)) + El(0x4282, spec.doc_type));
  const std::string tracks =
      El(0x1654AE6B, El(0xAE, El(0xD7, Uint(1)) + El(0x83, Uint(2)) + El(0x86, spec.codec)));
  out += UnknownSize(0x18538067);
  out += El(0x1549A966, El(0x2AD7B1, Uint(1'000'000)) + spec.info);
  if (spec.tracks_first) out += tracks;
  out += clusters;
  if (!spec.tracks_first) out += tracks;
  return out;
}

std::string Cluster(uint64_t timecode, const std::string& blocks) {
  return UnknownSize(0x1F43B675) + El(0xE7, Uint(timecode)) + blocks;
}

class VoiceTest : public ::testing::Test {
 protected:
  Result<VoiceInfo> Probe(const std::string& bytes) {
    const std::string path = dir_.path() + "/voice";
    WriteFile(path, bytes);
    return ProbeVoice(path);
  }
  void ExpectFailure(const std::string& bytes, Code code) {
    Result<VoiceInfo> voice = Probe(bytes);
    ASSERT_FALSE(voice.ok()) << "duration " << voice->duration_ms;
    EXPECT_EQ(voice.status().code(), code) << voice.status().message();
  }

  parley::testing_support::TempDir dir_;
};

TEST_F(VoiceTest, OpusencOggFixtureLastsItsTwoSeconds) {
  Result<VoiceInfo> voice = ProbeVoice(DataPath("sine-2000ms.opus"));
  ASSERT_TRUE(voice.ok()) << voice.status().message();
  EXPECT_EQ(voice->mime, "audio/ogg");
  EXPECT_NEAR(voice->duration_ms, 2000, 100);
}

TEST_F(VoiceTest, ChromiumMediaRecorderWebmFixtureMatchesChromiumsOwnDecode) {
  // The truth: the duration Chromium decoded from the same bytes when they were recorded.
  const std::string truth = ReadFile(DataPath("chromium-voice.json"));
  const size_t colon = truth.find(':');
  ASSERT_NE(colon, std::string::npos);
  const long decoded_ms = std::strtol(truth.c_str() + colon + 1, nullptr, 10);
  ASSERT_GT(decoded_ms, 1000);
  Result<VoiceInfo> voice = ProbeVoice(DataPath("chromium-voice.webm"));
  ASSERT_TRUE(voice.ok()) << voice.status().message();
  EXPECT_EQ(voice->mime, "audio/webm");
  EXPECT_NEAR(voice->duration_ms, decoded_ms, 100);
}

TEST_F(VoiceTest, OggDurationIsLastGranuleMinusPreSkip) {
  Result<VoiceInfo> voice = Probe(OggOpus(312, {312 + 24000, 312 + 72000}));
  ASSERT_TRUE(voice.ok()) << voice.status().message();
  EXPECT_EQ(voice->mime, "audio/ogg");
  EXPECT_EQ(voice->duration_ms, 1500);
}

TEST_F(VoiceTest, OggFailures) {
  ExpectFailure(OggOpus(312, {48312, 24312}), Code::kInvalidArgument);  // granule backwards
  ExpectFailure(OggOpus(312, {}), Code::kInvalidArgument);              // no audio at all
  std::string vorbis = OggPage(0x02, 0, 0, std::string("\x01vorbis") + std::string(23, '\x01'));
  vorbis += OggPage(0, 4800, 1, std::string(40, 'x'));
  ExpectFailure(vorbis, Code::kUnsupportedMedia);

  const std::string fixture = ReadFile(DataPath("sine-2000ms.opus"));
  ExpectFailure(fixture.substr(0, fixture.size() / 2), Code::kInvalidArgument);
  ExpectFailure(fixture.substr(0, fixture.size() - 1), Code::kInvalidArgument);
  std::string flipped = fixture;
  flipped[flipped.size() / 2] ^= 0x10;  // the page's CRC no longer matches
  ExpectFailure(flipped, Code::kInvalidArgument);
  ExpectFailure(fixture + "OggS", Code::kInvalidArgument);  // a trailing partial page
}

TEST_F(VoiceTest, WebmUnknownSizesAndBlockTimes) {
  Result<VoiceInfo> voice =
      Probe(Webm({}, Cluster(0, Block(0) + Block(20)) + Cluster(1000, Block(0) + Block(480))));
  ASSERT_TRUE(voice.ok()) << voice.status().message();
  EXPECT_EQ(voice->mime, "audio/webm");
  EXPECT_EQ(voice->duration_ms, 1500);  // last block at 1480 ms, plus its 20 ms packet
}

TEST_F(VoiceTest, WebmDurationElementIsHonoured) {
  WebmSpec spec;
  spec.info = El(0x4489, Float(2500.0));
  Result<VoiceInfo> voice = Probe(Webm(spec, Cluster(0, Block(0))));
  ASSERT_TRUE(voice.ok()) << voice.status().message();
  EXPECT_EQ(voice->duration_ms, 2500);
}

TEST_F(VoiceTest, WebmFailures) {
  WebmSpec vorbis;
  vorbis.codec = "A_VORBIS";
  ExpectFailure(Webm(vorbis, Cluster(0, Block(0))), Code::kUnsupportedMedia);
  WebmSpec matroska;
  matroska.doc_type = "matroska";
  ExpectFailure(Webm(matroska, Cluster(0, Block(0))), Code::kUnsupportedMedia);
  WebmSpec late_tracks;
  late_tracks.tracks_first = false;
  ExpectFailure(Webm(late_tracks, Cluster(0, Block(0))), Code::kInvalidArgument);
  WebmSpec zero_scale;
  zero_scale.info = El(0x2AD7B1, Uint(0));
  ExpectFailure(Webm(zero_scale, Cluster(0, Block(0))), Code::kInvalidArgument);
  ExpectFailure(Webm({}, Cluster(0, Block(-40))), Code::kInvalidArgument);  // before time zero
  ExpectFailure(Webm({}, ""), Code::kInvalidArgument);                      // no audio
  ExpectFailure(Webm({}, Cluster(1ULL << 62, Block(0))), Code::kInvalidArgument);

  const std::string recorded = ReadFile(DataPath("chromium-voice.webm"));
  ExpectFailure(recorded.substr(0, recorded.size() - 3), Code::kInvalidArgument);
  ExpectFailure(recorded.substr(0, recorded.size() / 2 + 1), Code::kInvalidArgument);
}

TEST_F(VoiceTest, AnythingElseIsUnsupported) {
  ExpectFailure("", Code::kUnsupportedMedia);
  ExpectFailure("RIFF....WAVEfmt ", Code::kUnsupportedMedia);
  ExpectFailure(testing::EncodeImage("png", 8, 8), Code::kUnsupportedMedia);
  Result<VoiceInfo> missing = ProbeVoice(dir_.path() + "/missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kUnsupportedMedia);
}

}  // namespace
}  // namespace parley::media
