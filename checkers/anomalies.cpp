#include "checkers/anomalies.h"

#include <fmt/format.h>

#include "history/error.h"

namespace fl {

void AnomalyLog::add(const std::string& kind, std::vector<std::int64_t> ops, std::string explanation,
                     Json extra) {
  ++total_;
  std::size_t& n = counts_[kind];
  if (n++ >= kMaxPerKind) return;
  Json a = std::move(extra);
  if (!a.is_object()) a = Json::object();
  a["kind"] = kind;
  a["ops"] = std::move(ops);
  a["explanation"] = std::move(explanation);
  kept_.push_back(std::move(a));
}

std::size_t AnomalyLog::count(const std::string& kind) const {
  auto it = counts_.find(kind);
  return it == counts_.end() ? 0 : it->second;
}

void AnomalyLog::write(CheckResult& r) const {
  r.valid = total_ ? Validity::Invalid : Validity::Valid;
  r.detail["anomalies"] = kept_;
  Json counts = Json::object();
  for (const auto& [kind, n] : counts_) counts[kind] = n;
  r.detail["anomaly-counts"] = counts;
  for (const auto& [kind, n] : counts_) {
    r.summary += fmt::format("    {} × {}", n, kind);
    for (const Json& a : kept_)
      if (a["kind"] == kind) {
        r.summary += fmt::format(", e.g. {}", a["explanation"].get<std::string>());
        break;
      }
    r.summary += "\n";
  }
}

std::int64_t op_index(const History& h, const OpPair& p) {
  return p.complete >= 0 ? h[p.complete].index : h[p.invoke].index;
}

const Json& op_argument(const History& h, const OpPair& p) { return h[p.invoke].value; }

const Json& op_result(const History& h, const OpPair& p) {
  static const Json null_value;
  return p.complete >= 0 ? h[p.complete].value : null_value;
}

void require_known_f(const History& h, const OpPair& p, const char* checker,
                     std::initializer_list<const char*> known) {
  require_known_f(h.source(), h[static_cast<std::size_t>(p.invoke)], checker, known);
}

void require_known_f(const std::string& source, const Op& inv, const char* checker,
                     std::initializer_list<const char*> known) {
  std::string names;
  for (const char* f : known) {
    if (inv.f == f) return;
    names += (names.empty() ? "" : ", ") + std::string(f);
  }
  throw BadInput(source, inv.line,
                 fmt::format("the {} checker cannot interpret an op \"{}\" (it knows {})", checker, inv.f, names));
}

void nothing_to_judge(CheckResult& r, const std::string& why) {
  r.valid = Validity::Unknown;
  r.detail["reason"] = why;
  r.summary += "    nothing to judge: " + why + "\n";
}

std::string show(const Json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::string key_name(const Json& key) { return key.is_null() ? "the register" : "key " + show(key); }

std::uint32_t ValueIds::id(const Json& v) {
  if (v.is_number_integer()) {
    auto [it, fresh] = ints_.try_emplace(v.get<std::int64_t>(), next_);
    if (fresh) ++next_;
    return it->second;
  }
  auto [it, fresh] = others_.try_emplace(v.is_string() ? "s" + v.get<std::string>() : "j" + v.dump(), next_);
  if (fresh) ++next_;
  return it->second;
}

std::uint32_t ValueIds::find(const Json& v) const {
  if (v.is_number_integer()) {
    auto it = ints_.find(v.get<std::int64_t>());
    return it == ints_.end() ? kNone : it->second;
  }
  auto it = others_.find(v.is_string() ? "s" + v.get<std::string>() : "j" + v.dump());
  return it == others_.end() ? kNone : it->second;
}

}  // namespace fl
