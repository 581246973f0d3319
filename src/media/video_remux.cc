#include "media/video_remux.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libswscale/swscale.h>
}

namespace parley::media::internal {
namespace {

// No single allocation of libav* may exceed this (process-wide: only video processing uses
// libav*). A 4096 x 4096 frame needs 24 MB in 8-bit 4:2:0, 96 MB in the worst pixel format.
constexpr size_t kMaxAllocation = 128 << 20;
constexpr int kIoBufferBytes = 64 << 10;
constexpr int kStreamCap = 64;          // streams a demuxer may create while opening
constexpr int kMaxPosterPackets = 300;  // video packets fed to the decoder for one frame
constexpr const char* kDemuxers = "matroska,webm,mov,mp4,m4a,3gp,3g2,mj2";

void StartFfmpegOnce() {
  av_log_set_level(AV_LOG_QUIET);
  av_max_alloc(kMaxAllocation);
}

void StartLibav() {
  static const bool started = (StartFfmpegOnce(), true);  // thread-safe: C++ magic static
  (void)started;
}

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }
Status Unsupported(std::string message) {
  return Status(Code::kUnsupportedMedia, std::move(message));
}

// --- the input: a demuxer over a file descriptor, opening nothing else ---

int ReadFd(void* opaque, uint8_t* buffer, int size) {
  const int fd = *static_cast<int*>(opaque);
  for (;;) {
    const ssize_t n = ::read(fd, buffer, static_cast<size_t>(size));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return AVERROR(errno);
    return n == 0 ? AVERROR_EOF : static_cast<int>(n);
  }
}

int64_t SeekFd(void* opaque, int64_t offset, int whence) {
  const int fd = *static_cast<int*>(opaque);
  if (whence & AVSEEK_SIZE) {
    struct stat st;
    return fstat(fd, &st) == 0 ? static_cast<int64_t>(st.st_size) : AVERROR(errno);
  }
  const off_t at = ::lseek(fd, static_cast<off_t>(offset), whence & ~AVSEEK_FORCE);
  return at < 0 ? AVERROR(errno) : static_cast<int64_t>(at);
}

// Demuxers that would open another file or URL (references in MOV, playlists) get this.
int RefuseOpen(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

class Input {
 public:
  ~Input() {
    if (format_ != nullptr) avformat_close_input(&format_);
    if (io_ != nullptr) {
      av_freep(&io_->buffer);
      avio_context_free(&io_);
    }
    if (fd_ >= 0) ::close(fd_);
  }

  Status Open(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return Status(Code::kInternal, "media: cannot open the upload");
    auto* buffer = static_cast<uint8_t*>(av_malloc(kIoBufferBytes));
    if (buffer == nullptr) return Status(Code::kInternal, "media: out of memory");
    io_ = avio_alloc_context(buffer, kIoBufferBytes, 0, &fd_, ReadFd, nullptr, SeekFd);
    if (io_ == nullptr) {
      av_free(buffer);
      return Status(Code::kInternal, "media: out of memory");
    }
    format_ = avformat_alloc_context();
    if (format_ == nullptr) return Status(Code::kInternal, "media: out of memory");
    format_->pb = io_;
    format_->io_open = RefuseOpen;
    format_->max_streams = kStreamCap;
    AVDictionary* options = nullptr;
    av_dict_set(&options, "format_whitelist", kDemuxers, 0);
    av_dict_set(&options, "protocol_whitelist", "none", 0);
    const int opened = avformat_open_input(&format_, nullptr, nullptr, &options);
    av_dict_free(&options);
    // On failure avformat_open_input has freed the context (not our AVIOContext).
    if (opened < 0) return Invalid("the video cannot be read (truncated or corrupt)");
    return Status::Ok();
  }

  AVFormatContext* get() const { return format_; }

 private:
  int fd_ = -1;
  AVIOContext* io_ = nullptr;
  AVFormatContext* format_ = nullptr;
};

// --- streams and limits ---

bool AllowedVideo(AVCodecID id) {
  return id == AV_CODEC_ID_VP8 || id == AV_CODEC_ID_VP9 || id == AV_CODEC_ID_AV1 ||
         id == AV_CODEC_ID_H264;
}
bool AllowedAudio(AVCodecID id) {
  return id == AV_CODEC_ID_OPUS || id == AV_CODEC_ID_VORBIS || id == AV_CODEC_ID_AAC;
}

struct Chosen {
  int video = -1;
  int audio = -1;
};

Result<Chosen> ChooseStreams(AVFormatContext* in) {
  Chosen chosen;
  for (unsigned i = 0; i < in->nb_streams; ++i) {
    const AVStream* stream = in->streams[i];
    const AVCodecParameters* par = stream->codecpar;
    const std::string codec = avcodec_get_name(par->codec_id);
    if (par->codec_type == AVMEDIA_TYPE_VIDEO &&
        (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0) {
      if (chosen.video >= 0) return Unsupported("the video has more than one video stream");
      if (!AllowedVideo(par->codec_id)) {
        return Unsupported("the video codec " + codec + " is not accepted (VP8, VP9, AV1, H.264)");
      }
      chosen.video = static_cast<int>(i);
    } else if (par->codec_type == AVMEDIA_TYPE_AUDIO) {
      if (chosen.audio >= 0) return Unsupported("the video has more than one audio stream");
      if (!AllowedAudio(par->codec_id)) {
        return Unsupported("the audio codec " + codec + " is not accepted (Opus, Vorbis, AAC)");
      }
      chosen.audio = static_cast<int>(i);
    }
  }
  if (chosen.video < 0) return Unsupported("the file has no video stream");
  return chosen;
}

Status CheckHeader(AVFormatContext* in, const AVCodecParameters* video, const VideoLimits& limits) {
  if (video->width <= 0 || video->height <= 0) return Invalid("the video has no picture size");
  if (video->width > limits.max_side || video->height > limits.max_side ||
      int64_t{video->width} * video->height > limits.max_pixels) {
    return Status(Code::kTooLarge, "the video is " + std::to_string(video->width) + "x" +
                                       std::to_string(video->height) + " pixels; at most " +
                                       std::to_string(limits.max_side) + " on a side and " +
                                       std::to_string(limits.max_pixels) + " in all");
  }
  if (in->duration != AV_NOPTS_VALUE && in->duration / 1000 > limits.max_duration_ms) {
    return Status(Code::kTooLarge, "the video is longer than " +
                                       std::to_string(limits.max_duration_ms / 1000) + " s");
  }
  return Status::Ok();
}

// Clockwise degrees (0, 90, 180, 270) from the stream's display matrix, as ffmpeg's CLI reads it.
int RotationOf(const AVStream* stream) {
  size_t size = 0;
  const uint8_t* matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (matrix == nullptr || size < 9 * sizeof(int32_t)) return 0;
  const double degrees = -av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (std::isnan(degrees)) return 0;
  const int quarter = static_cast<int>(std::lround(degrees / 90.0));
  return ((quarter % 4) + 4) % 4 * 90;
}

// --- the poster: the first frame that decodes, scaled down as RGB ---

struct CodecFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFree>;
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;

Result<CodecPtr> OpenDecoder(const AVCodecParameters* par, const VideoLimits& limits) {
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (codec == nullptr) return Unsupported("no decoder for this video codec");
  CodecPtr context(avcodec_alloc_context3(codec));
  if (!context) return Status(Code::kInternal, "media: out of memory");
  if (avcodec_parameters_to_context(context.get(), par) < 0) {
    return Invalid("the video's codec parameters are invalid");
  }
  context->thread_count = 1;
  context->max_pixels = limits.max_pixels;
  if (avcodec_open2(context.get(), codec, nullptr) < 0) {
    return Invalid("the video's decoder cannot start");
  }
  return context;
}

class Poster {
 public:
  Poster(CodecPtr decoder, int side) : decoder_(std::move(decoder)), side_(side) {}

  bool done() const { return !rgb_.empty(); }
  // Feeds one packet (nullptr: the end) and keeps the first frame that comes out.
  Status Feed(const AVPacket* packet) {
    if (done() || (packet != nullptr && ++fed_ > kMaxPosterPackets)) return Status::Ok();
    // A packet the decoder refuses (broken, or a frame is waiting) is skipped: a later one may
    // decode, and a waiting frame is taken below either way.
    (void)avcodec_send_packet(decoder_.get(), packet);
    FramePtr frame(av_frame_alloc());
    if (!frame) return Status(Code::kInternal, "media: out of memory");
    if (avcodec_receive_frame(decoder_.get(), frame.get()) < 0) return Status::Ok();
    return Convert(frame.get());
  }
  void MoveTo(RemuxedVideo* out) {
    out->poster_rgb = std::move(rgb_);
    out->poster_width = width_;
    out->poster_height = height_;
  }

 private:
  Status Convert(const AVFrame* frame) {
    if (frame->width <= 0 || frame->height <= 0) return Invalid("a video frame has no pixels");
    const double scale = std::min(1.0, double{1.0} * side_ / std::max(frame->width, frame->height));
    width_ = std::max(1, static_cast<int>(std::lround(frame->width * scale)));
    height_ = std::max(1, static_cast<int>(std::lround(frame->height * scale)));
    SwsContext* sws =
        sws_getContext(frame->width, frame->height, static_cast<AVPixelFormat>(frame->format),
                       width_, height_, AV_PIX_FMT_RGB24, SWS_BILINEAR, nullptr, nullptr, nullptr);
    if (sws == nullptr) return Unsupported("the video's pixel format is not supported");
    std::string rgb(static_cast<size_t>(width_) * static_cast<size_t>(height_) * 3, '\0');
    uint8_t* planes[4] = {reinterpret_cast<uint8_t*>(rgb.data()), nullptr, nullptr, nullptr};
    const int strides[4] = {width_ * 3, 0, 0, 0};
    const int rows =
        sws_scale(sws, frame->data, frame->linesize, 0, frame->height, planes, strides);
    sws_freeContext(sws);
    if (rows != height_) return Invalid("a video frame cannot be converted");
    rgb_ = std::move(rgb);
    return Status::Ok();
  }

  CodecPtr decoder_;
  int side_;
  int fed_ = 0;
  std::string rgb_;
  int width_ = 0;
  int height_ = 0;
};

// --- the output: stream copy, no metadata ---

class Output {
 public:
  ~Output() {
    if (format_ == nullptr) return;
    if (format_->pb != nullptr) avio_closep(&format_->pb);
    avformat_free_context(format_);
  }

  // WebM for VP8/VP9/AV1 with Opus/Vorbis (or no audio), else MP4.
  static bool FitsWebm(const AVStream* video, const AVStream* audio) {
    const AVCodecID v = video->codecpar->codec_id;
    const bool video_ok = v == AV_CODEC_ID_VP8 || v == AV_CODEC_ID_VP9 || v == AV_CODEC_ID_AV1;
    const AVCodecID a = audio == nullptr ? AV_CODEC_ID_OPUS : audio->codecpar->codec_id;
    return video_ok && (a == AV_CODEC_ID_OPUS || a == AV_CODEC_ID_VORBIS);
  }

  Status Open(const std::string& path, bool webm) {
    const std::string url = "file:" + path;
    if (avformat_alloc_output_context2(&format_, nullptr, webm ? "webm" : "mp4", url.c_str()) < 0) {
      return Status(Code::kInternal, "media: cannot start the video muxer");
    }
    format_->flags |= AVFMT_FLAG_BITEXACT;  // no "encoder" tag either
    format_->protocol_whitelist = av_strdup("file");
    AVDictionary* options = nullptr;
    av_dict_set(&options, "protocol_whitelist", "file", 0);
    const int opened = avio_open2(&format_->pb, url.c_str(), AVIO_FLAG_WRITE, nullptr, &options);
    av_dict_free(&options);
    if (opened < 0) return Status(Code::kInternal, "media: cannot write the video");
    return Status::Ok();
  }

  // A stream copying `in`'s codec parameters and its display matrix, nothing else.
  Result<int> AddStream(const AVStream* in) {
    AVStream* out = avformat_new_stream(format_, nullptr);
    if (out == nullptr || avcodec_parameters_copy(out->codecpar, in->codecpar) < 0) {
      return Status(Code::kInternal, "media: out of memory");
    }
    out->codecpar->codec_tag = 0;
    out->time_base = in->time_base;
    size_t size = 0;
    const uint8_t* matrix = av_stream_get_side_data(in, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (matrix != nullptr && size > 0) {
      uint8_t* copy = av_stream_new_side_data(out, AV_PKT_DATA_DISPLAYMATRIX, size);
      if (copy == nullptr) return Status(Code::kInternal, "media: out of memory");
      std::memcpy(copy, matrix, size);
    }
    return out->index;
  }

  Status WriteHeader(bool webm) {
    AVDictionary* options = nullptr;
    if (!webm) av_dict_set(&options, "movflags", "+faststart", 0);
    const int written = avformat_write_header(format_, &options);
    av_dict_free(&options);
    if (written < 0) return Unsupported("these codecs cannot be stored together");
    return Status::Ok();
  }

  AVFormatContext* get() const { return format_; }

 private:
  AVFormatContext* format_ = nullptr;
};

// --- the copy loop ---

struct Mapping {
  int in = -1;
  int out = -1;
  AVRational in_base{};
};

// Tracks the span of all packets' timestamps, in milliseconds.
class Span {
 public:
  Status Add(const AVPacket* packet, AVRational base, int64_t max_ms) {
    // Timestamps past this are hostile (and would overflow the sums below).
    constexpr int64_t kMaxTimestampMs = int64_t{1} << 40;  // 35 years
    const int64_t ts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
    if (ts == AV_NOPTS_VALUE) return Status::Ok();
    const AVRational millis{1, 1000};
    const int64_t start = av_rescale_q(ts, base, millis);
    const int64_t length = av_rescale_q(std::max<int64_t>(packet->duration, 0), base, millis);
    if (start < -kMaxTimestampMs || start > kMaxTimestampMs || length < 0 ||
        length > kMaxTimestampMs) {
      return Invalid("the video's timestamps are out of range");
    }
    first_ = std::min(first_, start);
    last_ = std::max(last_, start + length);
    if (ms() > max_ms) {
      return Status(Code::kTooLarge,
                    "the video is longer than " + std::to_string(max_ms / 1000) + " s");
    }
    return Status::Ok();
  }
  int64_t ms() const { return last_ > first_ ? last_ - first_ : 0; }

 private:
  int64_t first_ = std::numeric_limits<int64_t>::max();
  int64_t last_ = std::numeric_limits<int64_t>::min();
};

Status CopyPackets(AVFormatContext* in, Output& out, const Mapping (&map)[2], Poster& poster,
                   const VideoLimits& limits, Span& span) {
  PacketPtr packet(av_packet_alloc());
  if (!packet) return Status(Code::kInternal, "media: out of memory");
  for (;;) {
    const int read = av_read_frame(in, packet.get());
    if (read == AVERROR_EOF) break;
    if (read < 0) return Invalid("the video is truncated or corrupt");
    const Mapping* m = nullptr;
    for (const Mapping& candidate : map) {
      if (candidate.in >= 0 && candidate.in == packet->stream_index) m = &candidate;
    }
    if (m == nullptr) {
      av_packet_unref(packet.get());
      continue;
    }
    if (Status s = span.Add(packet.get(), m->in_base, limits.max_duration_ms); !s.ok()) return s;
    if (m == &map[0]) {
      if (Status s = poster.Feed(packet.get()); !s.ok()) return s;
    }
    av_packet_rescale_ts(packet.get(), m->in_base, out.get()->streams[m->out]->time_base);
    packet->stream_index = m->out;
    packet->pos = -1;
    if (av_interleaved_write_frame(out.get(), packet.get()) < 0) {
      return Invalid("the video's timestamps are inconsistent");
    }
  }
  if (Status s = poster.Feed(nullptr); !s.ok()) return s;
  if (!poster.done()) return Invalid("no frame of the video decodes");
  if (av_write_trailer(out.get()) < 0) return Invalid("the video cannot be rewritten");
  return Status::Ok();
}

// A file that declares its duration must hold about that much: a cut one ends early (demuxers
// stop quietly at the end of a cut file). Recorders that declare none are taken as they are.
Status CheckWhole(AVFormatContext* in, int64_t measured_ms) {
  if (in->duration == AV_NOPTS_VALUE || in->duration <= 0) return Status::Ok();
  const int64_t declared_ms = in->duration / 1000;
  const int64_t slack_ms = std::max<int64_t>(500, declared_ms / 20);
  if (measured_ms + slack_ms >= declared_ms) return Status::Ok();
  return Invalid("the video is cut short: " + std::to_string(measured_ms) + " of " +
                 std::to_string(declared_ms) + " ms");
}

}  // namespace

Result<RemuxedVideo> RemuxVideo(const std::string& input_path, const std::string& output_path,
                                const VideoLimits& limits) {
  StartLibav();
  Input input;
  if (Status s = input.Open(input_path); !s.ok()) return s;
  AVFormatContext* in = input.get();
  if (static_cast<int64_t>(in->nb_streams) > limits.max_streams) {
    return Status(Code::kTooLarge, "the video has " + std::to_string(in->nb_streams) +
                                       " streams; at most " + std::to_string(limits.max_streams));
  }
  auto chosen = ChooseStreams(in);
  if (!chosen.ok()) return chosen.status();
  const AVStream* video = in->streams[chosen->video];
  const AVStream* audio = chosen->audio >= 0 ? in->streams[chosen->audio] : nullptr;
  if (Status s = CheckHeader(in, video->codecpar, limits); !s.ok()) return s;
  auto decoder = OpenDecoder(video->codecpar, limits);
  if (!decoder.ok()) return decoder.status();
  Poster poster(std::move(*decoder), limits.poster_side);

  const bool webm = Output::FitsWebm(video, audio);
  Output output;
  if (Status s = output.Open(output_path, webm); !s.ok()) return s;
  Mapping map[2];
  for (int i = 0; i < 2; ++i) {
    const AVStream* stream = i == 0 ? video : audio;
    if (stream == nullptr) continue;
    auto index = output.AddStream(stream);
    if (!index.ok()) return index.status();
    map[i] = Mapping{stream->index, *index, stream->time_base};
  }
  if (Status s = output.WriteHeader(webm); !s.ok()) return s;
  Span span;
  if (Status s = CopyPackets(in, output, map, poster, limits, span); !s.ok()) return s;
  if (Status s = CheckWhole(in, span.ms()); !s.ok()) return s;

  RemuxedVideo result;
  result.mime = webm ? "video/webm" : "video/mp4";
  result.width = video->codecpar->width;
  result.height = video->codecpar->height;
  result.rotation = RotationOf(video);
  result.duration_ms = span.ms();
  poster.MoveTo(&result);
  return result;
}

}  // namespace parley::media::internal
