// The one Catch2 main shared by every test executable. A case that brings up
// fl- namespaces first takes the machine-wide cluster lock named by
// FL_CLUSTER_LOCK (ctest sets it for those cases; tests/CMakeLists.txt), the
// same lock `flock /tmp/fl-cluster.lock faultline test …` takes, so a test run
// and a cluster someone else runs by hand never share the namespaces.
#define CATCH_CONFIG_RUNNER
#include <fcntl.h>
#include <sys/file.h>

#include <cstdlib>

#include <catch2/catch.hpp>

int main(int argc, char** argv) {
  if (const char* path = std::getenv("FL_CLUSTER_LOCK"); path && *path) {
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) flock(fd, LOCK_EX);  // held until exit; not inherited by what the case starts
  }
  return Catch::Session().run(argc, argv);
}
