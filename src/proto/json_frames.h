// JsonFrameEncoder: the JSON WebSocket protocol's frame for each of the chat domain's events
// (docs/protocol.md). The one encoder net/ gives its WebSocket sessions; the frames themselves
// are written by proto/server_frames.h and proto/social_frames.h.
//
// Stateless and thread-safe.
#ifndef PARLEY_PROTO_JSON_FRAMES_H_
#define PARLEY_PROTO_JSON_FRAMES_H_

#include "chat/fanout/frame_encoder.h"

namespace parley::proto {

class JsonFrameEncoder : public chat::FrameEncoder {
 public:
  chat::SharedFrame Encode(const chat::Event& event) const override;
};

}  // namespace parley::proto

#endif  // PARLEY_PROTO_JSON_FRAMES_H_
