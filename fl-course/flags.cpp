#include "flags.h"

#include <algorithm>

namespace course {

Flags Flags::parse(int argc, char** argv) { return parse(std::vector<std::string>(argv + 1, argv + argc)); }

Flags Flags::parse(const std::vector<std::string>& args) {
  Flags f;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 3 || a.compare(0, 2, "--") != 0)
      throw FlagError("unexpected argument \"" + a + "\": every argument is --name [value]");
    std::string name = a.substr(2), value = "true";
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size() && args[i + 1].compare(0, 2, "--") != 0) {
      value = args[++i];
    }
    if (f.values_.count(name)) throw FlagError("--" + name + " is given twice");
    f.values_[name] = value;
  }
  return f;
}

std::string Flags::text(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::int64_t Flags::integer(const std::string& name, std::int64_t fallback, std::int64_t min,
                            std::int64_t max) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  std::size_t used = 0;
  std::int64_t v = 0;
  try {
    v = std::stoll(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != it->second.size() || used == 0)
    throw FlagError("--" + name + " needs a whole number, not \"" + it->second + "\"");
  if (v < min || v > max)
    throw FlagError("--" + name + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", not " + it->second);
  return v;
}

bool Flags::on(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return false;
  if (it->second == "true" || it->second == "1" || it->second == "yes") return true;
  if (it->second == "false" || it->second == "0" || it->second == "no") return false;
  throw FlagError("--" + name + " is a switch: give it alone, or with true or false, not \"" + it->second + "\"");
}

std::string Flags::choice(const std::string& name, const std::string& fallback,
                          const std::vector<std::string>& allowed) const {
  std::string v = text(name, fallback);
  if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return v;
  std::string known;
  for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
  throw FlagError("--" + name + " must be one of " + known + ", not \"" + v + "\"");
}

void Flags::check_known(const std::vector<FlagSpec>& node, const std::vector<FlagSpec>& design,
                        const std::string& design_name) const {
  auto declared = [](const std::vector<FlagSpec>& specs, const std::string& n) {
    return std::any_of(specs.begin(), specs.end(), [&](const FlagSpec& s) { return s.name == n; });
  };
  for (const auto& [name, value] : values_) {
    if (declared(node, name) || declared(design, name)) continue;
    std::string known = design.empty() ? "none" : describe_flags(design);
    throw FlagError("unknown option --" + name + " for design " + design_name + " (its options: " + known + ")");
  }
}

std::string describe_flags(const std::vector<FlagSpec>& specs) {
  std::string out;
  for (const FlagSpec& s : specs) {
    if (!out.empty()) out += ", ";
    out += "--" + s.name;
    if (!s.value.empty()) out += " " + s.value;
  }
  return out;
}

}  // namespace course
