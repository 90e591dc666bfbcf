// The registries of the checkers layer: every checker and every
// linearizability model that exists, found by name. Adding one is one new
// file and one line in the matching registry .cpp.
// Every registry of faultline (systems, workloads, nemeses, checkers,
// models) has one shape: list_<kinds>() gives each entry's name and
// description in a stable order, and find_<kind> / make_<kind> give nullptr
// for a name no entry holds. Whoever got the name from a user says so with
// unknown_name(), the one sentence for every registry.
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

// `unknown nemesis "x" (known: a, b, c)`: the sentence for a name that no
// entry of a registry holds (`whose` may follow the name: "of the bank
// workload"). `entries` is what list_<kinds>() returned. Names are spelt
// with dashes: a name with underscores that matches one that way is named.
template <class Entries>
std::string unknown_name(std::string_view kind, std::string_view name, const Entries& entries,
                         std::string_view whose = "") {
  std::string known, dashed(name), hint;
  for (char& c : dashed)
    if (c == '_') c = '-';
  for (const auto& e : entries) {
    known += (known.empty() ? "" : ", ") + e.name;
    if (e.name == dashed && dashed != name) hint = "; names are spelt with dashes: " + dashed;
  }
  if (known.empty()) known = "none";
  return "unknown " + std::string(kind) + " \"" + std::string(name) + "\"" + (whose.empty() ? "" : " ") +
         std::string(whose) + " (known: " + known + ")" + hint;
}

// All checkers, in a stable order. The pointers live for the whole program.
const std::vector<const Checker*>& all_checkers();
std::vector<RegistryEntry> list_checkers();
const Checker* find_checker(std::string_view name);  // nullptr if unknown

// All linearizability models (checkers/models/registry.cpp).
std::vector<RegistryEntry> list_models();

}  // namespace fl
