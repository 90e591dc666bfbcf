// A scratch store folder for one test, removed when the test ends (pass or fail).
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace fl::test {

struct TempStore {
  std::string path;
  TempStore() {
    static std::atomic<int> n{0};
    path = (std::filesystem::temp_directory_path() /
            ("fl-harness-test-" + std::to_string(getpid()) + "-" + std::to_string(n++)))
               .string();
    std::filesystem::remove_all(path);
  }
  ~TempStore() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace fl::test
