// The registries of the checkers layer: every checker and every
// linearizability model that exists, found by name. Adding one is one new
// file and one line in the matching registry .cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checkers/checker.h"

namespace fl {

struct RegistryEntry {
  std::string name;
  std::string description;
};

// All checkers, in a stable order. The pointers live for the whole program.
const std::vector<const Checker*>& all_checkers();
const Checker* find_checker(std::string_view name);  // nullptr if unknown

// All linearizability models (checkers/models/registry.cpp).
std::vector<RegistryEntry> list_models();

}  // namespace fl
