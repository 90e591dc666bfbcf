#include "systems/maelstrom/router_counts.h"

#include <cstdint>
#include <map>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace fl {

Json router_counts(const std::string& jsonl) {
  struct Incarnation {
    Json counters;
    bool final = false;
  };
  std::map<std::string, Incarnation> by_incarnation;
  int unreadable = 0;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    Json j = Json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("incarnation") || !j["incarnation"].is_string() || !j.contains("counters") ||
        !j["counters"].is_object()) {
      ++unreadable;
      continue;
    }
    const std::string id = j["incarnation"].get<std::string>();
    Incarnation& inc = by_incarnation[id];
    inc.counters = j["counters"];
    inc.final = inc.final || (j.contains("final") && j["final"] == true);
  }
  Json out = Json::object();
  for (const char* d : kRouterDirections) {
    std::uint64_t msgs = 0, bytes = 0;
    for (const auto& entry : by_incarnation) {
      const Incarnation& inc = entry.second;  // a lambda may not capture a structured binding (clang, C++17)
      auto count = [&](const char* what) -> std::uint64_t {
        const Json* c = inc.counters.contains(d) ? &inc.counters[d] : nullptr;
        if (!c || !c->is_object() || !c->contains(what) || !(*c)[what].is_number_integer() ||
            (*c)[what].get<std::int64_t>() < 0)
          return 0;
        return (*c)[what].get<std::uint64_t>();
      };
      msgs += count("msgs");
      bytes += count("bytes");
    }
    out[d] = {{"msgs", msgs}, {"bytes", bytes}};
  }
  int killed = 0;
  for (const auto& [id, inc] : by_incarnation) killed += !inc.final;
  out["incarnations"] = by_incarnation.size();
  std::vector<std::string> why;
  if (by_incarnation.empty()) why.push_back("its router left no counts");
  if (killed > 0)
    why.push_back(fmt::format("{} of its router's {} runs never stopped cleanly (killed), so what {} carried after "
                              "its last count (at most a second) is missing",
                              killed, by_incarnation.size(), killed == 1 ? "it" : "each"));
  if (unreadable > 0) why.push_back(fmt::format("{} line(s) of its counts were unreadable", unreadable));
  out["complete"] = why.empty();
  if (!why.empty()) {
    std::string reason;
    for (const std::string& w : why) reason += (reason.empty() ? "" : "; ") + w;
    out["reason"] = reason;
  }
  return out;
}

}  // namespace fl
