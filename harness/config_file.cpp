#include "harness/config_file.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "harness/commands.h"
#include "history/error.h"

namespace fl {
namespace {

struct Setting {
  std::string name;                 // long flag name, with dashes
  std::vector<std::string> inputs;  // what the command line would have given
};

std::string dashed(std::string s) {
  std::replace(s.begin(), s.end(), '_', '-');
  return s;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A JSON value as one command-line word: strings as they are, the rest as JSON.
std::string word(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::vector<Setting> from_json(const std::string& text, const std::string& path, const std::vector<std::string>& kv,
                               const std::vector<std::string>& ignored) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::int64_t line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(std::min(e.byte, text.size())), '\n');
    throw BadInput(path, line, "not valid JSON");
  }
  if (!j.is_object()) throw BadInput(path, 1, "a config file must hold one JSON object");
  std::vector<Setting> out;
  for (auto& [key, v] : j.items()) {
    std::string name = dashed(key);
    if (contains(ignored, name) || v.is_null()) continue;
    Setting s{name, {}};
    if (v.is_object() && contains(kv, name)) {
      for (auto& [k, x] : v.items()) s.inputs.push_back(k + "=" + word(x));
    } else if (v.is_array()) {
      for (const auto& x : v) s.inputs.push_back(word(x));
    } else if (v.is_object()) {
      throw BadInput(path, 1, fmt::format("\"{}\" cannot be an object", key));
    } else {
      s.inputs.push_back(word(v));
    }
    if (!s.inputs.empty()) out.push_back(std::move(s));
  }
  return out;
}

std::vector<Setting> from_toml(const std::string& text, const std::vector<std::string>& kv) {
  std::istringstream in(text);
  std::vector<CLI::ConfigItem> items = CLI::ConfigTOML().from_config(in);
  std::vector<Setting> out;
  for (const auto& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // CLI11's section markers
    std::string section;
    for (const auto& p : item.parents) section += (section.empty() ? "" : "-") + dashed(p);
    if (!section.empty() && contains(kv, section)) {
      out.push_back({section, {item.name + "=" + (item.inputs.empty() ? "true" : item.inputs.front())}});
      continue;
    }
    std::string name = section.empty() ? dashed(item.name) : section + "-" + dashed(item.name);
    out.push_back({name, item.inputs});
  }
  return out;
}

}  // namespace

void apply_config_file(CLI::App& cmd, const std::string& path, const std::vector<std::string>& kv,
                       const std::vector<std::string>& ignored) {
  std::ifstream f(path);
  if (!f) throw UsageError(fmt::format("cannot read the config file {}", path));
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  auto first = text.find_first_not_of(" \t\r\n");
  std::vector<Setting> settings;
  try {
    settings = first != std::string::npos && text[first] == '{' ? from_json(text, path, kv, ignored) : from_toml(text, kv);
  } catch (const CLI::Error& e) {
    throw BadInput(path, 1, e.what());
  }
  for (Setting& s : settings) {
    CLI::Option* op = cmd.get_option_no_throw("--" + s.name);
    if (!op || s.name == "config")
      throw UsageError(fmt::format("{}: \"{}\" is not a setting of `faultline {}`", path, s.name, cmd.get_name()));
    if (op->count() > 0 && !contains(kv, s.name)) continue;  // the command line wins
    try {
      if (op->get_expected_min() == 0) {  // a flag
        op->add_result(s.inputs.empty() ? std::string("true") : s.inputs.front());
      } else {
        // K=V options merge: the command line's words come after, so they win.
        std::vector<std::string> given = op->count() > 0 ? op->results() : std::vector<std::string>{};
        op->clear();
        for (const auto& w : s.inputs) op->add_result(w);
        for (const auto& w : given) op->add_result(w);
      }
      op->run_callback();
    } catch (const CLI::Error& e) {
      throw UsageError(fmt::format("{}: {} = {}: {}", path, s.name, fmt::join(s.inputs, ", "), e.what()));
    }
  }
}

}  // namespace fl
