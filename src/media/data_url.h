// Internal to media/: a "data:" URL of some bytes (base64), for the tiny inline previews of
// images and videos. Thread-safe.
#ifndef PARLEY_MEDIA_DATA_URL_H_
#define PARLEY_MEDIA_DATA_URL_H_

#include <string>
#include <string_view>

namespace parley::media::internal {

// "data:<mime>;base64,<bytes in base64>"
std::string DataUrl(std::string_view mime, const std::string& bytes);

}  // namespace parley::media::internal

#endif  // PARLEY_MEDIA_DATA_URL_H_
