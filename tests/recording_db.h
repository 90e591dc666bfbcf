// RecordingDb: a Db for tests that runs nothing and records, in order,
// every hook called ("kill n2", "start n2", …). It names `leader` as its
// primary when that node is among the hosts (none if empty), and calls
// itself `name` (a nemesis may judge a system by it: "etcd" is a Go binary).
// Thread-safe: a nemesis may call the hooks of several nodes at once.
#pragma once

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/db.h"

namespace fl::test {

class RecordingDb : public Db {
 public:
  explicit RecordingDb(std::string leader = "", std::string name = "recording")
      : leader_(std::move(leader)), name_(std::move(name)) {}

  std::string name() const override { return name_; }
  void setup(const std::vector<Host*>&) override {}
  void teardown(const std::vector<Host*>&) noexcept override {}
  void start(Host& h) override { note("start", h); }
  void kill(Host& h) override { note("kill", h); }
  void pause(Host& h) override { note("pause", h); }
  void resume(Host& h) override { note("resume", h); }
  std::vector<int> pids(Host&) override { return {}; }
  std::vector<std::string> log_files(Host&) override { return {}; }
  std::vector<std::string> primaries(const std::vector<Host*>& hosts) override {
    for (Host* h : hosts)
      if (!leader_.empty() && h->name() == leader_) return {leader_};
    return {};
  }

  // The hooks called so far, in order.
  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> l(mu_);
    return calls_;
  }
  // How many calls equal `call` ("kill n2"), or, with a hook name alone
  // ("kill"), how many calls of that hook on any node.
  int count(const std::string& call) {
    std::lock_guard<std::mutex> l(mu_);
    bool hook_only = call.find(' ') == std::string::npos;
    return static_cast<int>(std::count_if(calls_.begin(), calls_.end(), [&](const std::string& c) {
      return hook_only ? c.rfind(call + " ", 0) == 0 : c == call;
    }));
  }

 private:
  void note(const std::string& what, Host& h) {
    std::lock_guard<std::mutex> l(mu_);
    calls_.push_back(what + " " + h.name());
  }
  std::string leader_, name_;
  std::mutex mu_;
  std::vector<std::string> calls_;
};

}  // namespace fl::test
