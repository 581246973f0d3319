// CookieBrowser: what a browser does in a redirect flow, for tests: GET and form POST with a
// cookie jar (libcurl's cookie engine), redirects NOT followed, so a test reads each Location
// and decides where to go next (the provider's pages, then parleyd's callback).
//
// Ownership: one curl handle per object; one thread per object.
#ifndef PARLEY_TESTS_E2E_COOKIE_BROWSER_H_
#define PARLEY_TESTS_E2E_COOKIE_BROWSER_H_

#include <curl/curl.h>

#include <memory>
#include <string>

namespace parley::e2e {

struct BrowserReply {
  long status = 0;  // 0: the request failed
  std::string location;
  std::string body;
};

class CookieBrowser {
 public:
  // `ca_file`: PEM CAs to trust for https (empty: the system's).
  explicit CookieBrowser(const std::string& ca_file = "") : curl_(curl_easy_init()) {
    curl_easy_setopt(curl_.get(), CURLOPT_COOKIEFILE, "");  // an empty in-memory jar
    if (!ca_file.empty()) curl_easy_setopt(curl_.get(), CURLOPT_CAINFO, ca_file.c_str());
  }

  BrowserReply Get(const std::string& url) { return Perform(url, nullptr); }
  // POST application/x-www-form-urlencoded `form`.
  BrowserReply Post(const std::string& url, const std::string& form) { return Perform(url, &form); }

 private:
  struct Cleanup {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  };

  static size_t Collect(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
  }

  BrowserReply Perform(const std::string& url, const std::string* form) {
    CURL* curl = curl_.get();
    BrowserReply reply;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    if (form != nullptr) curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS, form->c_str());
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 15000L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
    if (curl_easy_perform(curl) != CURLE_OK) return reply;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    char* location = nullptr;
    curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
    if (location != nullptr) reply.location = location;
    return reply;
  }

  std::unique_ptr<CURL, Cleanup> curl_;
};

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_COOKIE_BROWSER_H_
