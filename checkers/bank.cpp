// The `bank` checker (Jepsen's bank test): `transfer` {"from","to","amount"},
// `read` → {"account": balance, …}. Every ok read must (1) hold every account,
// (2) sum to the conserved total, and (3) show no negative balance unless
// negatives are allowed. Options come from --init as a JSON object:
//   {"total": 100, "negative": false, "accounts": ["a","b",…]}
// total defaults to the sum of the first ok read, negative to false, accounts
// to every account named by any read or transfer. With no ok read: unknown
// (nothing to judge).
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checkers/anomalies.h"
#include "history/error.h"

namespace fl {
namespace {

std::string account_name(const Json& a) { return a.is_string() ? a.get<std::string>() : a.dump(); }

class BankChecker : public Checker {
 public:
  std::string name() const override { return "bank"; }
  std::string description() const override {
    return "bank: every read sees all accounts, conserves the total, no forbidden negative balance";
  }

  CheckResult check(const History& h, const CheckOptions& opts) const override {
    std::optional<double> total;
    bool negative = false;
    std::set<std::string> accounts;
    if (opts.init && opts.init->is_object()) {
      const Json& o = *opts.init;
      if (o.contains("total") && o["total"].is_number()) total = o["total"].get<double>();
      if (o.contains("negative") && o["negative"].is_boolean()) negative = o["negative"].get<bool>();
      if (o.contains("accounts") && o["accounts"].is_array())
        for (const Json& a : o["accounts"]) accounts.insert(account_name(a));
    }
    bool given_accounts = !accounts.empty();
    std::vector<const OpPair*> reads;
    for (const OpPair& p : h.pairs()) {
      const Op& inv = h[p.invoke];
      require_known_f(h, p, "bank", {"transfer", "read"});
      if (inv.f == "read" && h.outcome(p) == OpType::Ok) {
        const Json& v = h[p.complete].value;
        if (!v.is_object())
          throw BadInput(h.source(), h[p.complete].line,
                         fmt::format("a bank read must return an object of balances, got {}", show(v)));
        reads.push_back(&p);
        if (!given_accounts)
          for (const auto& [a, b] : v.items()) accounts.insert(a);
      } else if (inv.f == "transfer" && !given_accounts && inv.value.is_object()) {
        for (const char* side : {"from", "to"})
          if (inv.value.contains(side)) accounts.insert(account_name(inv.value[side]));
      }
    }
    AnomalyLog log;
    for (const OpPair* p : reads) {
      const Op& c = h[p->complete];
      double sum = 0;
      std::vector<std::string> missing;
      for (const std::string& a : accounts)
        if (!c.value.contains(a) || c.value[a].is_null()) missing.push_back(a);
      for (const auto& [a, b] : c.value.items()) {
        if (b.is_null()) continue;
        if (!b.is_number())
          throw BadInput(h.source(), c.line, fmt::format("balance of account {} must be a number, got {}", a, show(b)));
        double x = b.get<double>();
        sum += x;
        if (x < 0 && !negative)
          log.add("negative-balance", {c.index},
                  fmt::format("read (op {}) shows account {} with negative balance {}", c.index, a, show(b)),
                  {{"account", a}, {"balance", b}});
      }
      if (!missing.empty())
        log.add("missing-account", {c.index},
                fmt::format("read (op {}) does not show account(s) {}", c.index, fmt::format("{}", fmt::join(missing, ", "))),
                {{"accounts", missing}});
      if (!total) {
        if (missing.empty()) total = sum;
      } else if (missing.empty() && sum != *total)
        log.add("wrong-total", {c.index},
                fmt::format("read (op {}) sums to {} but the bank holds {}", c.index, sum, *total),
                {{"total", sum}, {"expected", *total}});
    }
    CheckResult r;
    log.write(r);
    r.detail["read-count"] = reads.size();
    if (total) r.detail["total"] = *total;
    r.detail["accounts"] = accounts;
    if (reads.empty()) nothing_to_judge(r, "no read of the balances succeeded");
    return r;
  }
};

}  // namespace

std::unique_ptr<Checker> make_bank_checker() { return std::make_unique<BankChecker>(); }

}  // namespace fl
