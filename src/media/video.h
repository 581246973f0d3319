// Video messages: checks an uploaded video with FFmpeg's libraries (libavformat, libavcodec,
// libswscale) and rewrites it without metadata; makes a poster frame (libvips) and a tiny inline
// preview.
//
// Contract
// - ProcessVideo reads only `input_path` (through a file descriptor: libav* opens no file, URL or
//   protocol of its own, and the demuxers cannot follow references to other files) and writes
//   only `output_path` and `poster_path` (both replaced). On failure neither is left behind.
// - Accepted: a WebM/Matroska or MP4/QuickTime file, decided from the bytes (libmagic, then the
//   demuxer's probe), never from the name or the declared type; one video stream (VP8, VP9, AV1,
//   H.264) and at most one audio stream (Opus, Vorbis, AAC); other streams (subtitles, data,
//   timecodes) are dropped.
// - Errors: kUnsupportedMedia for another container or a codec outside that list;
//   kInvalidArgument when the file does not demux or no frame decodes (truncated, corrupt);
//   kTooLarge over a limit of VideoLimits (dimensions and stream count are checked from the
//   header, before any frame is decoded; the duration as packets are read).
// - The output is a stream copy (no re-encode) into WebM when the codecs allow it (VP8/VP9/AV1
//   with Opus/Vorbis), else MP4 with its index first ("faststart", so playback starts before the
//   whole file is fetched). No global or stream metadata is copied (title, location, creation
//   time, encoder); only the display matrix (rotation) is kept.
// - Width and height are of the picture as shown (after rotation); the duration is the end of
//   the last packet, measured (recorders often write none).
// - Bounded: at most VideoLimits::max_streams streams, one decoder thread, a cap on any single
//   allocation by libav*, decoders limited to max_pixels per frame; one frame decoded.
// - Thread-safe; call it from a worker thread. CPU: about the time to read the file plus one
//   frame's decode.
#ifndef PARLEY_MEDIA_VIDEO_H_
#define PARLEY_MEDIA_VIDEO_H_

#include <cstdint>
#include <string>

#include "base/status.h"

namespace parley::media {

struct VideoLimits {
  int64_t max_bytes = 100LL << 20;          // the upload's size at most
  int64_t max_duration_ms = 5 * 60 * 1000;  // five minutes
  int max_side = 4096;                      // width and height each at most
  int64_t max_pixels = 3840 * 2160;         // width * height at most
  int max_streams = 4;                      // streams in the container at most
  int poster_side = 640;                    // the poster's longer side, in pixels
  int preview_side = 24;                    // the inline preview's longer side
};

struct ProcessedVideo {
  std::string mime;  // of the rewritten file: "video/webm" or "video/mp4"
  int width = 0;     // as shown (after rotation)
  int height = 0;
  int64_t duration_ms = 0;
  std::string preview;      // "data:image/webp;base64,..." of the poster (a few hundred bytes)
  std::string poster_mime;  // of the poster: "image/webp"
};

Result<ProcessedVideo> ProcessVideo(const std::string& input_path, const std::string& output_path,
                                    const std::string& poster_path, const VideoLimits& limits);

}  // namespace parley::media

#endif  // PARLEY_MEDIA_VIDEO_H_
