// DiskfsCase: what an end-to-end case on fl-diskfs holds for its run — the
// cluster guard, a store, the system's data root (removed at the end) — and
// its check, pass or fail, that nothing is left: no process working in the
// data root, no fl-diskfs of its own (fl-diskfs's own tests may run beside
// it), no fl- namespace. Needs FL_DISKFS_BINARY.
#pragma once

#include <string>

#include <catch2/catch.hpp>

#include "e2e_support.h"
#include "temp_store.h"

namespace fl::test {

struct DiskfsCase {
  explicit DiskfsCase(std::string root) : data_root(std::move(root)), remove_data{data_root} {}
  ~DiskfsCase() {
    CHECK(processes_working_in(data_root).empty());
    CHECK(processes_left(FL_DISKFS_BINARY, data_root).empty());
    CHECK(lines_with({"ip", "netns", "list"}, "fl-").empty());
  }
  ClusterGuard guard;
  TempStore store;
  const std::string data_root;
  RemoveDir remove_data;
};

}  // namespace fl::test
