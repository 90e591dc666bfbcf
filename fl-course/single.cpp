// `single`: one node (the first of --peers) holds all the data; every other
// node forwards each request to it and relays the answer. Linearizable by
// construction — one copy, one lock, durable before it answers — and
// unavailable wherever the home node cannot be reached: a forwarder cut off
// from it answers 503 (the request never left) or 504 (it may have arrived).
#include "design.h"
#include "local_kv.h"

namespace course {
namespace {

class Single : public Design {
 public:
  using Design::Design;
  std::string name() const override { return "single"; }
  Promises promises() const override { return {true, {"read", "write", "cas", "add"}}; }

  void start() override {
    if (!home()) return;
    store_ = std::make_unique<Store>(node_.data_dir, "single", node_.durability);
    kv_ = std::make_unique<LocalKv>(*store_);
  }
  void peer_routes(Router& r) override {
    r.post("/peer/single/op", [this](const Json& op) {
      if (!home()) return unavailable("not the home node", node_.first());
      return kv_->apply(op).reply;
    });
  }
  Json health() override { return {{"role", home() ? "home" : "forwarder"}, {"primary", home()}}; }

  Reply read(const std::string& key) override { return serve(kv_request("read", key)); }
  Reply write(const std::string& key, const Json& v) override { return serve(kv_request("write", key, v)); }
  Reply cas(const std::string& key, const Json& from, const Json& to) override {
    return serve(kv_request("cas", key, nullptr, from, to));
  }
  Reply add(const std::string& key, const Json& v) override { return serve(kv_request("add", key, v)); }

 private:
  bool home() const { return node_.name == node_.first(); }
  Reply serve(const Json& op) {
    if (home()) return kv_->apply(op).reply;
    return relay(node_.peers->call(node_.first(), "/peer/single/op", op), node_.first());
  }
  std::unique_ptr<Store> store_;
  std::unique_ptr<LocalKv> kv_;
};

}  // namespace

std::unique_ptr<Design> make_single(Node& node) { return std::make_unique<Single>(node); }

}  // namespace course
