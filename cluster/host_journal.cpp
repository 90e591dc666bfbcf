#include "cluster/host_journal.h"

#include <mutex>

#include <fmt/format.h>

#include "cluster/journal.h"

namespace fl::host_journal {
namespace {

std::mutex& lock() {
  static std::mutex m;
  return m;
}

nlohmann::json read_unlocked(Host& host) {
  RunResult r = host.run({"cat", path(host)}, {std::chrono::seconds(20), {}, {}});
  if (r.timed_out) throw ClusterError(fmt::format("reading the journal on {} timed out", host.name()));
  if (!r.ok()) return nullptr;  // no journal yet
  try {
    return nlohmann::json::parse(r.out);
  } catch (const nlohmann::json::exception&) {
    throw ClusterError(fmt::format("the journal {} on {} is not valid JSON; inspect it, clean up by hand, then delete it",
                                   path(host), host.name()));
  }
}

}  // namespace

bool empty(const nlohmann::json& j) {
  if (!j.is_object()) return true;
  for (auto& [k, v] : j.items())
    if (k != "host" && !v.is_null() && !(v.is_array() && v.empty()) && !(v.is_object() && v.empty())) return false;
  return true;
}

std::string path(const Host& host) { return journal::dir() + "/hosts/" + host.address() + ".json"; }

nlohmann::json read(Host& host) {
  std::lock_guard<std::mutex> guard(lock());
  return read_unlocked(host);
}

void update(Host& host, const std::function<void(nlohmann::json&)>& change) {
  std::lock_guard<std::mutex> guard(lock());
  nlohmann::json j = read_unlocked(host);
  change(j);
  RunOptions o;
  o.timeout = std::chrono::seconds(20);
  if (empty(j)) {
    // The folder goes too once it is empty: nothing of ours stays behind.
    host.run_checked({"sh", "-c", "rm -f \"$1\"; rmdir \"${1%/*}\" 2>/dev/null; true", "sh", path(host)}, o);
    return;
  }
  o.input = j.dump(2) + "\n";
  // The script is fixed; the path arrives as $1, never as shell text.
  host.run_checked({"sh", "-c", "mkdir -p \"${1%/*}\" && cat > \"$1.tmp\" && mv -f \"$1.tmp\" \"$1\"", "sh", path(host)},
                   o);
}

}  // namespace fl::host_journal
