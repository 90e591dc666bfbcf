// Workers: each worker talks to one node for the whole run (worker w to
// node w mod n, as Jepsen's do), also after an info retired its process.
#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <set>

#include "cluster/namespace_host.h"
#include "harness/generator.h"
#include "harness/recorder.h"
#include "harness/workers.h"
#include "history/format.h"
#include "temp_store.h"
#include "tests/recording_db.h"

using namespace fl;

namespace {

// Every third op of a client is indeterminate, so workers retire processes
// often; the system counts the clients made per node.
class InfoEveryThird : public System {
 public:
  std::string name() const override { return "info-every-third"; }
  std::vector<std::string> workloads() const override { return {"register"}; }
  Db& db() override { return db_; }
  std::unique_ptr<Client> make_client(const std::string&, Host* node, const ClientOptions&) override {
    std::lock_guard<std::mutex> l(mu);
    ++clients_on[node->name()];
    return std::make_unique<ThirdClient>();
  }
  std::mutex mu;
  std::map<std::string, int> clients_on;

 private:
  struct ThirdClient : Client {
    int n = 0;
    Completion invoke(const OpSpec& op) override {
      return ++n % 3 == 0 ? Completion{OpType::Info, nullptr, "timed out"} : Completion{OpType::Ok, op.value, ""};
    }
  };
  test::RecordingDb db_;
};

}  // namespace

TEST_CASE("a worker keeps its node after an info retires its process, whatever the concurrency", "[no-cluster]") {
  test::TempStore dir;
  std::filesystem::create_directories(dir.path);
  std::string path = dir.path + "/history.jsonl";
  // Hosts that are never run on: only their names matter here.
  NamespaceHost n1("n1", "fl-n1", "127.0.0.1"), n2("n2", "fl-n2", "127.0.0.1"), n3("n3", "fl-n3", "127.0.0.1");
  InfoEveryThird system;
  auto workload = make_workload("register", {});
  {
    Recorder recorder(path);
    GeneratorOptions g;
    g.ops_limit = 600;
    g.workers = 10;  // not a multiple of the 3 nodes
    Generator generator(*workload, g);
    WorkersOptions w;
    w.concurrency = 10;
    w.workload = "register";
    Workers workers(system, {&n1, &n2, &n3}, recorder, w);
    workers.start(generator);
    workers.join();
    recorder.close();
    CHECK(workers.errors().empty());
  }
  History h = read_history(path, Format::Jsonl);
  std::size_t infos = 0;
  for (const Op& op : h.ops()) {
    infos += op.type == OpType::Info;
    // Process p is played by worker p mod 10, which talks to node (p mod 10) mod 3.
    std::string expected = "n" + std::to_string(op.process % 10 % 3 + 1);
    INFO("process " << op.process << " op " << op.index);
    CHECK(op.node == expected);
  }
  CHECK(infos > 100);
  // A fresh client for every retired process, always on the worker's node.
  int clients = 0;
  for (const auto& [node, n] : system.clients_on) clients += n;
  CHECK(system.clients_on.size() == 3);
  CHECK(clients == static_cast<int>(10 + infos));
}
