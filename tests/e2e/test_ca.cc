#include "tests/e2e/test_ca.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string_view>

namespace parley::e2e {

Status RunQuietly(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return Status(Code::kInternal, "cannot run: " + command);
  char buffer[4096];
  size_t got = 0;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  if (pclose(pipe) != 0) return Status(Code::kInternal, command + " failed: " + output);
  return Status::Ok();
}

Result<TestCa> TestCa::Create(const std::string& name) {
  // The names go into shell commands.
  const auto plain = [](const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '-';
    });
  };
  if (!plain(name)) return Status(Code::kInvalidArgument, "CA names: letters, digits, ' ', '-'");
  TestCa ca;
  ca.dir_ = std::make_shared<testing_support::TempDir>();
  if (ca.dir_->path().empty()) return Status(Code::kInternal, "no temporary directory");
  ca.ca_file_ = ca.dir_->path() + "/ca.pem";
  ca.ca_key_ = ca.dir_->path() + "/ca.key";
  Status made = RunQuietly(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"
      " -subj '/CN=" +
      name + "' -keyout " + ca.ca_key_ + " -out " + ca.ca_file_ +
      " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
  if (!made.ok()) return made;
  return ca;
}

Result<IssuedCert> TestCa::Issue(const std::string& file_name,
                                 const std::vector<std::string>& alt_names) {
  const auto safe = [](const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) ||
             std::string_view(":.-_,").find(c) != std::string_view::npos;
    });
  };
  if (!safe(file_name)) return Status(Code::kInvalidArgument, "bad file name " + file_name);
  for (const std::string& name : alt_names) {
    if (!safe(name)) return Status(Code::kInvalidArgument, "bad alt name " + name);
  }
  const std::string base = dir_->path() + "/" + file_name;
  IssuedCert issued{base + ".pem", base + ".key"};
  std::string sans;
  for (const std::string& name : alt_names) sans += (sans.empty() ? "" : ",") + name;
  {
    std::ofstream ext(base + ".ext");
    ext << "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=" << sans
        << "\n";
    if (!ext) return Status(Code::kInternal, "cannot write " + base + ".ext");
  }
  Status made = RunQuietly(
      "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
      " -subj '/CN=" +
      file_name + "' -keyout " + issued.key_file + " -out " + base + ".csr");
  if (!made.ok()) return made;
  made =
      RunQuietly("openssl x509 -req -days 2 -in " + base + ".csr -CA " + ca_file_ + " -CAkey " +
                 ca_key_ + " -CAcreateserial -extfile " + base + ".ext -out " + issued.cert_file);
  if (!made.ok()) return made;
  return issued;
}

}  // namespace parley::e2e
