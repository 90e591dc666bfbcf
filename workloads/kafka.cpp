// The `kafka` workload (Maelstrom's): append-only logs under `key-count` keys
// ("k0", "k1", …; default 5). Each worker is a producer and a consumer:
//   send   {key, msg}              a msg no other send carries, to a random key
//   poll   {offsets: {key: from}}  some keys, each from the offset after the
//                                  last one this worker polled there
//   commit_offsets {offsets}       the last offset this worker polled, per key
//   list_committed_offsets {keys}  every key
// in the shares 0.5 / 0.3 / 0.1 / 0.1 (a commit with nothing polled yet is a
// poll). After the final heal, `final-polls` polls (default 5 or the node
// count, one per node in turn) read every key from offset 0, so an acknowledged send no poll
// ever returned is seen to be lost. Judged by the kafka checker.
#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "workloads/params.h"
#include "workloads/workload.h"

namespace fl {
namespace {

class KafkaWorkload : public Workload {
 public:
  explicit KafkaWorkload(const WorkloadOptions& opts) {
    WorkloadParams p("kafka", opts.params);
    keys_ = static_cast<int>(p.whole("key-count", 5, 1));
    // At least one final poll on every node: a node left unread is a node unjudged.
    final_polls_ = static_cast<int>(p.whole("final-polls", std::max(5, opts.nodes), 1));
  }
  std::string name() const override { return "kafka"; }

  OpSpec next(std::mt19937_64& rng) override {
    const double roll = std::uniform_real_distribution<double>(0, 1)(rng);
    if (roll < 0.5) {
      std::string key = key_name(std::uniform_int_distribution<int>(0, keys_ - 1)(rng));
      return {"send", {{"key", key}, {"msg", next_msg_.fetch_add(1, std::memory_order_relaxed)}}, std::nullopt};
    }
    std::lock_guard<std::mutex> lock(mu_);
    Consumer& c = consumers_[std::this_thread::get_id()];
    if (roll >= 0.9) {
      Json keys = Json::array();
      for (int k = 0; k < keys_; ++k) keys.push_back(key_name(k));
      return {"list_committed_offsets", {{"keys", keys}}, std::nullopt};
    }
    if (roll >= 0.8 && !c.polled.empty()) {
      Json offsets = Json::object();
      for (const auto& [key, last] : c.polled) offsets[key] = last;
      return {"commit_offsets", {{"offsets", offsets}}, std::nullopt};
    }
    Json offsets = Json::object();
    for (int k = 0; k < keys_; ++k)
      if (std::bernoulli_distribution(0.5)(rng)) offsets[key_name(k)] = from(c, key_name(k));
    if (offsets.empty()) {
      const std::string key = key_name(std::uniform_int_distribution<int>(0, keys_ - 1)(rng));
      offsets[key] = from(c, key);
    }
    return {"poll", {{"offsets", offsets}}, std::nullopt};
  }

  void completed(const OpSpec& op, const Completion& done) override {
    if (op.f != "poll" || done.type != OpType::Ok || !done.value.is_object()) return;
    std::lock_guard<std::mutex> lock(mu_);
    Consumer& c = consumers_[std::this_thread::get_id()];
    for (const auto& item : done.value.items()) {
      if (!item.value().is_array()) continue;
      for (const Json& e : item.value())
        if (e.is_array() && !e.empty() && e[0].is_number_integer()) {
          auto [it, fresh] = c.polled.emplace(item.key(), e[0].get<std::int64_t>());
          if (!fresh) it->second = std::max(it->second, e[0].get<std::int64_t>());
        }
    }
  }

  std::vector<OpSpec> final_ops() override {
    Json offsets = Json::object();
    for (int k = 0; k < keys_; ++k) offsets[key_name(k)] = 0;
    return std::vector<OpSpec>(static_cast<std::size_t>(final_polls_), OpSpec{"poll", {{"offsets", offsets}}, std::nullopt});
  }
  std::vector<std::string> checkers() const override { return {"kafka", "stats"}; }

 private:
  struct Consumer {
    std::map<std::string, std::int64_t> polled;  // key -> the highest offset polled there
  };
  static std::string key_name(int k) { return "k" + std::to_string(k); }
  static std::int64_t from(const Consumer& c, const std::string& key) {
    auto it = c.polled.find(key);
    return it == c.polled.end() ? 0 : it->second + 1;
  }

  int keys_ = 5;
  int final_polls_ = 5;
  std::atomic<std::int64_t> next_msg_{0};
  std::mutex mu_;
  std::map<std::thread::id, Consumer> consumers_;
};

}  // namespace

std::unique_ptr<Workload> make_kafka_workload(const WorkloadOptions& opts) {
  return std::make_unique<KafkaWorkload>(opts);
}

}  // namespace fl
