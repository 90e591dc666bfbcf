// SshHealGuard: for a test that journals faults on an SSH host (the test
// sshd at `address`). Declared after the sshd fixture, so that it runs first
// while sshd still answers, it heals whatever a failed check left
// (heal_journaled) and removes the host's journal, so the next test finds
// none.
#pragma once

#include <filesystem>
#include <string>

#include "cluster/journal.h"
#include "nemesis/fault_journal.h"

namespace fl::test {

struct SshHealGuard {
  std::string address;
  ~SshHealGuard() {
    try {
      heal_journaled();
    } catch (...) {
    }
    std::error_code ec;
    std::filesystem::remove(journal::dir() + "/hosts/" + address + ".json", ec);
    std::filesystem::remove(journal::dir() + "/hosts", ec);  // only if empty
  }
};

}  // namespace fl::test
