// RunStore: the folder of one run (DESIGN.md's store):
//   <root>/<test>/<YYYYmmddTHHMMSS>/{history.jsonl, results.json, test.json,
//   faultline.log, nodes/<node>/}, and <root>/latest -> <test>/<stamp>.
// A second run of the same test within the same second gets "-2", "-3", …
// after the stamp rather than mixing two runs in one folder.
// create() makes the folder with nodes/ and an empty history.jsonl before
// anything else, so a run killed at any moment after leaves a checkable history.
// Not thread-safe; the runner owns it.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

namespace fl {

class RunStore {
 public:
  // Creates the run's folder (and nodes/) and repoints <root>/latest at it.
  // Throws std::runtime_error with the path if the disk refuses.
  static RunStore create(const std::string& root, const std::string& test_name, std::time_t now);

  const std::string& dir() const { return dir_; }
  std::string history_path() const { return dir_ + "/history.jsonl"; }
  std::string wire_path() const { return dir_ + "/wire.jsonl"; }
  std::string log_path() const { return dir_ + "/faultline.log"; }
  std::string test_json_path() const { return dir_ + "/test.json"; }
  // Bytes an unprivileged writer may still put on the run folder's
  // filesystem (statvfs); -1 when it cannot be told.
  std::int64_t free_bytes() const;
  // Creates nodes/<node>/ and returns it.
  std::string node_dir(const std::string& node) const;

 private:
  explicit RunStore(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

// "YYYYmmddTHHMMSS" of `now` in UTC.
std::string store_stamp(std::time_t now);

}  // namespace fl
