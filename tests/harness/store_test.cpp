#include <filesystem>

#include <catch2/catch.hpp>

#include "harness/store.h"
#include "temp_store.h"

using namespace fl;
namespace fs = std::filesystem;

TEST_CASE("a run's folder is store/<test>/<YYYYmmddTHHMMSS>/ with nodes/, and latest points at it", "[no-cluster]") {
  test::TempStore root;
  std::time_t t = 1795000000;  // 2026-11-18T11:06:40Z
  RunStore s = RunStore::create(root.path, "etcd-register", t);
  CHECK(s.dir() == root.path + "/etcd-register/20261118T110640");
  CHECK(fs::is_directory(s.dir() + "/nodes"));
  CHECK(fs::is_symlink(root.path + "/latest"));
  CHECK(fs::read_symlink(root.path + "/latest") == fs::path("etcd-register/20261118T110640"));
  CHECK(fs::equivalent(root.path + "/latest", s.dir()));
  CHECK(fs::is_directory(s.node_dir("n1")));
  CHECK(s.history_path() == s.dir() + "/history.jsonl");
}

TEST_CASE("a new run's folder already holds an empty history.jsonl, so a run killed during setup is checkable", "[no-cluster]") {
  test::TempStore root;
  RunStore s = RunStore::create(root.path, "etcd-register", 1795000000);
  CHECK(fs::is_regular_file(s.history_path()));
  CHECK(fs::file_size(s.history_path()) == 0);
  CHECK_FALSE(fs::exists(s.log_path()));
}

TEST_CASE("two runs in the same second get separate folders and latest follows the newer", "[no-cluster]") {
  test::TempStore root;
  std::time_t t = 1795000000;
  RunStore a = RunStore::create(root.path, "memory-register", t);
  RunStore b = RunStore::create(root.path, "memory-register", t);
  CHECK(a.dir() != b.dir());
  CHECK(b.dir() == a.dir() + "-2");
  CHECK(fs::equivalent(root.path + "/latest", b.dir()));
}

TEST_CASE("a test name that would escape the store is refused", "[no-cluster]") {
  test::TempStore root;
  CHECK_THROWS(RunStore::create(root.path, "../x", 0));
  CHECK_THROWS(RunStore::create(root.path, "latest", 0));
  CHECK_THROWS(RunStore::create(root.path, "", 0));
}
