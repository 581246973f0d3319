// XEP-0363 HTTP File Upload as XMPP elements (docs/xmpp.md, "HTTP upload"): the upload
// service's address and disco answers, the slot, the file-too-large error, and the URLs of
// upload slots (chat/media/upload_slots.h) as XMPP clients see them:
// BASE/xmpp-upload/TOKEN/FILENAME, BASE being C2sOptions::upload_base_url.
// Pure functions, no I/O.
#ifndef PARLEY_XMPP_UPLOAD_FRAMES_H_
#define PARLEY_XMPP_UPLOAD_FRAMES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "xmpp/xml_element.h"

namespace parley::xmpp {

// "upload.DOMAIN": the upload service's JID, listed in the server's disco#items.
std::string UploadDomain(std::string_view domain);

// The <item/> of the service for the server's disco#items.
XmlElement UploadDiscoItem(std::string_view domain);

// disco#info of the service: identity store/file, the feature, and the XEP-0128 form with
// max-file-size.
XmlElement UploadDiscoInfo(int64_t max_file_size);

// BASE/xmpp-upload/TOKEN/FILENAME, the file name percent-encoded but for RFC 3986's unreserved.
std::string SlotUrl(std::string_view base, std::string_view token, std::string_view filename);

// <slot><put url/><get url/></slot>.
XmlElement SlotElement(const std::string& put_url, const std::string& get_url);

// The <error/> of a refused request for a file over the limit: not-acceptable with
// <file-too-large><max-file-size/></file-too-large>.
XmlElement FileTooLargeError(std::string_view text, int64_t max_file_size);

// The TOKEN of a URL SlotUrl made with `base` (any file name); empty for any other text.
std::string_view TokenOfSlotUrl(std::string_view base, std::string_view url);

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_UPLOAD_FRAMES_H_
