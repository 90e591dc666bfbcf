#include "cluster/owner.h"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace fl {

std::uint64_t process_start_ticks(int pid) {
  if (pid <= 0) return 0;
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return 0;
  // The command name (field 2) may hold spaces and parentheses: count from
  // the last ')'. Field 3 follows it; the start time is field 22.
  auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i)
    if (!(rest >> field)) return 0;
  if (field.empty() || field.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoull(field);
}

namespace {

std::string own_command() {
  std::ifstream f("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(f)), {});
  std::string cmd;
  for (char c : raw) cmd += c == '\0' ? ' ' : c;
  while (!cmd.empty() && cmd.back() == ' ') cmd.pop_back();
  if (cmd.size() > 160) cmd = cmd.substr(0, 157) + "...";
  return cmd;
}

}  // namespace

ClusterOwner ClusterOwner::self() {
  ClusterOwner o;
  o.pid = static_cast<int>(getpid());
  o.start_ticks = process_start_ticks(o.pid);
  o.command = own_command();
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  o.since = buf;
  return o;
}

std::optional<ClusterOwner> ClusterOwner::from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("pid") || !j["pid"].is_number_integer() || !j.contains("start_ticks") ||
      !j["start_ticks"].is_number_unsigned())
    return std::nullopt;
  ClusterOwner o;
  o.pid = j["pid"].get<int>();
  o.start_ticks = j["start_ticks"].get<std::uint64_t>();
  o.command = j.value("command", "");
  o.since = j.value("since", "");
  return o;
}

nlohmann::json ClusterOwner::to_json() const {
  return {{"pid", pid}, {"start_ticks", start_ticks}, {"command", command}, {"since", since}};
}

bool ClusterOwner::alive() const { return start_ticks != 0 && process_start_ticks(pid) == start_ticks; }

bool ClusterOwner::is_self() const { return pid == static_cast<int>(getpid()) && alive(); }

std::string ClusterOwner::describe() const {
  std::string s = fmt::format("pid {}", pid);
  if (!command.empty()) s += fmt::format(" ({})", command);
  if (!since.empty()) s += fmt::format(", since {}", since);
  return s;
}

}  // namespace fl
