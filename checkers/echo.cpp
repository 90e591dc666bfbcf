// The `echo` checker (Maelstrom's echo workload): `echo` v → v. Every ok
// echo must return exactly what it sent; one that does not is `wrong-echo`.
// Unknown when no echo was acknowledged (nothing to judge).
#include <fmt/format.h>

#include "checkers/anomalies.h"

namespace fl {
namespace {

class EchoChecker : public Checker {
 public:
  std::string name() const override { return "echo"; }
  std::string description() const override { return "echo: every acknowledged echo returns what it sent"; }

  CheckResult check(const History& h, const CheckOptions&) const override {
    AnomalyLog log;
    std::int64_t ok = 0;
    for (const OpPair& p : h.pairs()) {
      require_known_f(h, p, "echo", {"echo"});
      if (h.outcome(p) != OpType::Ok) continue;
      ++ok;
      if (op_result(h, p) != op_argument(h, p))
        log.add("wrong-echo", {op_index(h, p)},
                fmt::format("echo (op {}) sent {} but got {} back", op_index(h, p), show(op_argument(h, p)),
                            show(op_result(h, p))));
    }
    CheckResult res;
    log.write(res);
    res.detail["ok-count"] = ok;
    if (ok == 0) nothing_to_judge(res, "no echo was acknowledged");
    return res;
  }
};

}  // namespace

std::unique_ptr<Checker> make_echo_checker() { return std::make_unique<EchoChecker>(); }

}  // namespace fl
