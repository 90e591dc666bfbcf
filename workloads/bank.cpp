#include "workloads/bank.h"

#include <memory>
#include <stdexcept>

namespace fl {

BankSpec BankSpec::from(const Json& params) {
  BankSpec s;
  if (params.is_object()) {
    s.accounts = params.value("accounts", s.accounts);
    s.total = params.value("total", s.total);
    s.max_transfer = params.value("max-transfer", s.max_transfer);
    s.read_fraction = params.value("read-fraction", s.read_fraction);
  }
  if (s.accounts < 2 || s.total < 0 || s.max_transfer < 1 || !(s.read_fraction >= 0 && s.read_fraction <= 1))
    throw std::invalid_argument(
        "the bank workload needs accounts >= 2, total >= 0, max-transfer >= 1 and read-fraction within [0, 1]");
  return s;
}

std::int64_t BankSpec::initial_balance(int account) const {
  return total / accounts + (account == 0 ? total % accounts : 0);
}

namespace {

class BankWorkload : public Workload {
 public:
  explicit BankWorkload(const WorkloadOptions& opts) : spec_(BankSpec::from(opts.params)) {}
  std::string name() const override { return "bank"; }
  OpSpec next(std::mt19937_64& rng) override {
    if (std::bernoulli_distribution(spec_.read_fraction)(rng)) return OpSpec{"read", nullptr, std::nullopt};
    std::uniform_int_distribution<int> account(0, spec_.accounts - 1);
    int from = account(rng), to = account(rng);
    while (to == from) to = account(rng);
    std::int64_t amount = std::uniform_int_distribution<std::int64_t>(1, spec_.max_transfer)(rng);
    return OpSpec{"transfer", Json{{"from", from}, {"to", to}, {"amount", amount}}, std::nullopt};
  }
  std::vector<OpSpec> final_ops() override { return {OpSpec{"read", nullptr, std::nullopt}}; }
  std::vector<std::string> checkers() const override { return {"bank", "stats"}; }
  std::optional<Json> init() const override {
    Json accounts = Json::array();
    for (int a = 0; a < spec_.accounts; ++a) accounts.push_back(std::to_string(a));
    return Json{{"total", spec_.total}, {"negative", false}, {"accounts", accounts}};
  }

 private:
  BankSpec spec_;
};

}  // namespace

std::unique_ptr<Workload> make_bank_workload(const WorkloadOptions& opts) {
  return std::make_unique<BankWorkload>(opts);
}

}  // namespace fl
