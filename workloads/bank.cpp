// The `bank` workload (Jepsen's bank test): accounts 0…accounts-1, each
// starting with `balance`; clients move money between two random accounts
//   transfer {"from": a, "to": b, "amount": n}    (1 <= n <= max-transfer)
// and read every balance
//   read null → {"0": 10, "1": 7, …}
// (a fraction read-fraction of ops, default 0.3), and after the final heal
// one read per node (final-reads, default 3). Over any system whose client
// maps these two ops (the course protocol: POST /bank/transfer, GET /bank).
// Judged by the bank checker with the total the accounts started with: every
// read must show every account, sum to that total, and no negative balance.
// Knobs (--workload-opt): accounts (8), balance (10), max-transfer (5),
// read-fraction, final-reads.
#include <memory>

#include "workloads/params.h"
#include "workloads/workload.h"

namespace fl {
namespace {

class BankWorkload : public Workload {
 public:
  explicit BankWorkload(const WorkloadOptions& opts) {
    WorkloadParams p("bank", opts.params);
    accounts_ = p.whole("accounts", 8, 2);
    balance_ = p.whole("balance", 10, 0);
    max_transfer_ = p.whole("max-transfer", 5, 1);
    final_reads_ = p.whole("final-reads", 3, 1);
    read_fraction_ = p.fraction("read-fraction", 0.3);
  }
  std::string name() const override { return "bank"; }
  std::string description() const override {
    return "transfers between accounts and reads of every balance (bank checker: total conserved, no negatives)";
  }
  OpSpec next(std::mt19937_64& rng) override {
    if (std::uniform_real_distribution<double>(0, 1)(rng) < read_fraction_) return {"read", nullptr, std::nullopt};
    std::uniform_int_distribution<std::int64_t> account(0, accounts_ - 1), amount(1, max_transfer_);
    std::int64_t from = account(rng), to = account(rng);
    while (to == from) to = account(rng);
    return {"transfer", {{"from", from}, {"to", to}, {"amount", amount(rng)}}, std::nullopt};
  }
  std::vector<OpSpec> final_ops() override {
    return std::vector<OpSpec>(static_cast<std::size_t>(final_reads_), OpSpec{"read", nullptr, std::nullopt});
  }
  std::vector<std::string> checkers() const override { return {"bank", "stats"}; }
  std::optional<Json> init() const override {
    Json names = Json::array();
    for (std::int64_t a = 0; a < accounts_; ++a) names.push_back(a);
    return Json{{"accounts", names}, {"total", accounts_ * balance_}, {"negative", false}};
  }

 private:
  std::int64_t accounts_, balance_, max_transfer_, final_reads_;
  double read_fraction_;
};

}  // namespace

std::unique_ptr<Workload> make_bank_workload(const WorkloadOptions& opts) {
  return std::make_unique<BankWorkload>(opts);
}

}  // namespace fl
