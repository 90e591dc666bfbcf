#include "checkers/linear/timeline.h"

#include <algorithm>
#include <map>

namespace fl {

std::string render_timeline(const std::vector<TimelineOp>& ops) {
  if (ops.empty()) return "";
  std::vector<std::int64_t> times;
  for (const TimelineOp& op : ops) {
    times.push_back(op.call);
    if (op.ret >= 0) times.push_back(op.ret);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  auto rank = [&](std::int64_t t) {
    return static_cast<std::size_t>(std::lower_bound(times.begin(), times.end(), t) - times.begin());
  };
  // Column of each event: far enough right that every op ending there fits its label.
  std::vector<std::size_t> x(times.size() + 1, 0);
  for (std::size_t k = 1; k <= times.size(); ++k) {
    x[k] = x[k - 1] + 2;
    for (const TimelineOp& op : ops) {
      const std::size_t b = op.ret >= 0 ? rank(op.ret) : times.size();
      if (b == k) x[k] = std::max(x[k], x[rank(op.call)] + op.label.size() + 6);
    }
  }
  std::map<std::int64_t, std::string> lines;
  const std::size_t width = x.back() + 2;
  for (const TimelineOp& op : ops) {
    std::string& line = lines[op.process];
    if (line.empty()) line.assign(width, ' ');
    const std::size_t a = x[rank(op.call)];
    const bool open = op.ret < 0;
    const std::size_t b = open ? width - 1 : x[rank(op.ret)];
    for (std::size_t c = a; c <= b && c < width; ++c) line[c] = '-';
    line[a] = '|';
    line[b] = open ? '?' : '|';
    const std::size_t room = b - a - 1;
    const std::size_t start = a + 1 + (room > op.label.size() ? (room - op.label.size()) / 2 : 0);
    for (std::size_t c = 0; c < op.label.size() && start + c < b; ++c) line[start + c] = op.label[c];
  }
  std::size_t name_width = 0;
  for (const auto& [p, line] : lines) name_width = std::max(name_width, std::to_string(p).size());
  std::string out;
  for (auto& [p, line] : lines) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::string name = "process " + std::to_string(p);
    name.resize(8 + name_width + 1, ' ');
    out += name + line + "\n";
  }
  return out;
}

}  // namespace fl
