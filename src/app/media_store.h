// The blob store the configuration names (docs/operations.md, "Media on S3-compatible
// storage"): the local media directory, or the S3 bucket of the s3-* settings with its secret
// key read from s3-secret-key-file and its download cache under <media-dir>/cache. Opening the
// S3 store checks that the bucket answers, so parleyd refuses to start without it.
#ifndef PARLEY_APP_MEDIA_STORE_H_
#define PARLEY_APP_MEDIA_STORE_H_

#include <memory>
#include <string>

#include "app/config.h"
#include "base/status.h"
#include "media/blob_store.h"

namespace parley::app {

enum class BlobBackend { kLocal, kS3 };

// The backend media-store selects.
BlobBackend ConfiguredBackend(const Config& config);

// Opens `backend` with the settings of `config`; `media_dir` is the resolved media directory
// (blobs/, tmp/, and the S3 download cache).
Result<std::unique_ptr<media::BlobStore>> OpenBlobStore(const Config& config, BlobBackend backend,
                                                        const std::string& media_dir);

}  // namespace parley::app

#endif  // PARLEY_APP_MEDIA_STORE_H_
