// parley_postgres_fixture start|stop STATE_FILE: the ctest fixture `postgres`
// (tests/CMakeLists.txt). `start` runs before the run's tests labelled `postgres` and leaves one
// PostgreSQL server up for all of them, its port in STATE_FILE (tests/support/postgres_server.h,
// StartDetached); `stop` runs after them, failed or not, and stops it and deletes its cluster. Exit
// status 0 on success, 1 with the reason on stderr otherwise, 2 on a usage error.
#include <cstdio>
#include <string>

#include "tests/support/postgres_server.h"

int main(int argc, char** argv) {
  using parley::testing_support::PostgresServer;
  const std::string command = argc == 3 ? argv[1] : "";
  if (command != "start" && command != "stop") {
    std::fprintf(stderr, "usage: %s start|stop STATE_FILE\n", argv[0]);
    return 2;
  }
  parley::Status status = command == "start" ? PostgresServer::StartDetached(argv[2])
                                             : PostgresServer::StopDetached(argv[2]);
  if (!status.ok()) {
    std::fprintf(stderr, "postgres fixture %s: %s\n", command.c_str(), status.message().c_str());
    return 1;
  }
  return 0;
}
