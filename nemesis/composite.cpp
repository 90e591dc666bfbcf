#include "nemesis/composite.h"

#include <algorithm>

#include <stdexcept>

namespace fl {
namespace {

// Lifts the fields the runner reads from a part's value to the composite's.
void lift(nlohmann::json& to, const nlohmann::json& part) {
  if (!part.is_object()) return;
  if (part.contains("shaper") && !to.contains("shaper")) to["shaper"] = part["shaper"];
  if (part.contains("error") && !to.contains("error")) to["error"] = part["error"];
  if (part.contains("problem") && part["problem"].is_string()) {
    std::string p = part["problem"];
    to["problem"] = to.contains("problem") ? to["problem"].get<std::string>() + "; " + p : p;
  }
}

}  // namespace

CompositeNemesis::CompositeNemesis(std::string name, std::vector<std::unique_ptr<Nemesis>> parts)
    : name_(std::move(name)), parts_(std::move(parts)) {}

std::string CompositeNemesis::unavailable(const Db* db) const {
  for (const auto& p : parts_)
    if (std::string why = p->unavailable(db); !why.empty()) return why;
  return "";
}

NemesisEvent CompositeNemesis::start(NemesisContext& ctx) {
  if (started_ > 0) stop(ctx);
  nlohmann::json value = {{"parts", nlohmann::json::object()}};
  for (; started_ < parts_.size(); ++started_) {
    try {
      NemesisEvent e = parts_[started_]->start(ctx);
      value["parts"][parts_[started_]->name()] = e.value;
      lift(value, e.value);
    } catch (const std::exception&) {
      stop(ctx);  // what did start is undone before the error is told
      throw;
    }
  }
  return {"start-" + name_, value};
}

NemesisEvent CompositeNemesis::stop(NemesisContext& ctx) {
  nlohmann::json value = {{"parts", nlohmann::json::object()}};
  std::string first_error;
  while (started_ > 0) {
    Nemesis& p = *parts_[--started_];
    try {
      NemesisEvent e = p.stop(ctx);
      value["parts"][p.name()] = e.value;
      lift(value, e.value);
    } catch (const std::exception& e) {  // the other parts are still undone
      if (first_error.empty()) first_error = p.name() + ": " + e.what();
    }
  }
  if (!first_error.empty()) throw std::runtime_error(first_error);
  return {"stop-" + name_, value};
}

bool CompositeNemesis::needs_data_mount() const {
  for (const auto& p : parts_)
    if (p->needs_data_mount()) return true;
  return false;
}

long CompositeNemesis::data_mount_writeback_ms() const {
  long ms = 0;
  for (const auto& p : parts_) ms = std::max(ms, p->data_mount_writeback_ms());
  return ms;
}

}  // namespace fl
