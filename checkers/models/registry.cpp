// The linearizability model registry: one line per model.
#include "checkers/registry.h"

#include <memory>

#include "checkers/models/model.h"

namespace fl {

// Each model file defines one factory; declare it here and add it below.
std::unique_ptr<Model> make_register_model();
std::unique_ptr<Model> make_cas_register_model();
std::unique_ptr<Model> make_mutex_model();
std::unique_ptr<Model> make_kv_model();
std::unique_ptr<Model> make_multi_register_model();
std::unique_ptr<Model> make_set_model();
std::unique_ptr<Model> make_fifo_queue_model();
std::unique_ptr<Model> make_unordered_queue_model();

std::vector<const Model*> all_models() {
  static const std::vector<std::unique_ptr<Model>> owned = [] {
    std::vector<std::unique_ptr<Model>> v;
    v.push_back(make_register_model());
    v.push_back(make_cas_register_model());
    v.push_back(make_mutex_model());
    v.push_back(make_kv_model());
    v.push_back(make_multi_register_model());
    v.push_back(make_set_model());
    v.push_back(make_fifo_queue_model());
    v.push_back(make_unordered_queue_model());
    return v;
  }();
  std::vector<const Model*> view;
  for (const auto& m : owned) view.push_back(m.get());
  return view;
}

const Model* find_model(std::string_view name) {
  if (name.empty()) name = "cas-register";
  for (const Model* m : all_models())
    if (m->name() == name) return m;
  return nullptr;
}

std::vector<RegistryEntry> list_models() {
  std::vector<RegistryEntry> out;
  for (const Model* m : all_models()) out.push_back({m->name(), m->description()});
  return out;
}

}  // namespace fl
