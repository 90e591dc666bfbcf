// The lattice of transactional consistency models and anomalies that Elle
// reasons with (Adya's PL-levels, Bailis et al.'s HATs, Cerone et al.'s
// axioms, Daudjee & Salem's strong-session and strong variants): which
// anomaly implies which, which model implies which, and which anomalies each
// model forbids. From a set of anomalies found it derives the models ruled
// out ("not": the weakest; "also-not": the stronger rest), and from the
// models a user expects it derives the anomalies that make a history invalid.
// Names are Elle's friendly names (serializable, strong-serializable, …);
// canonical names (PL-2, PL-SS, …) are accepted on input. Pure and thread-safe.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace fl::txn {

using Names = std::set<std::string>;

// True if `model` is a model we know (friendly or canonical name).
bool known_model(const std::string& model);
// Every model name a user may give, sorted (for error messages).
std::vector<std::string> model_names();
// True if `anomaly` is a named anomaly of the lattice (G0, G1c-realtime, …).
bool known_anomaly(const std::string& anomaly);

// The anomalies themselves plus every anomaly they imply (G0 → G1c, …).
Names implied_anomalies(const Names& anomalies);
// The anomalies themselves plus every anomaly that implies one of them.
Names anomalies_implying(const Names& anomalies);
// Anomalies that cannot occur if every model in `models` holds.
Names anomalies_prohibited_by(const Names& models);
// Canonical models ruled out by these anomalies, closed upwards.
Names impossible_models(const Names& anomalies);
// Canonical models ruled out once `models` (canonical) are, closed upwards.
Names models_above(const Names& models);

struct Boundary {
  std::vector<std::string> not_models;   // the weakest models ruled out
  std::vector<std::string> also_not;     // the other (stronger) ones
  std::vector<std::string> strongest_possible;  // the strongest transactional models not ruled out
};
// Friendly names, sorted.
Boundary boundary(const Names& anomalies);

std::string canonical_model(const std::string& model);
std::string friendly_model(const std::string& model);

// Topological depth of an anomaly in the implication-plus-severity order
// (worse and more basic anomalies first); the cycle search tries anomaly
// classes in this order.
int anomaly_depth(const std::string& anomaly);

}  // namespace fl::txn
