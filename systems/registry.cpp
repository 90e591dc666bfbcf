// The system registry: one line per system, with the knobs (--opt) it reads.
#include "systems/system.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "systems/memory/memory.h"

namespace fl {

std::unique_ptr<System> make_etcd_system(const nlohmann::json& options);
std::unique_ptr<System> make_redis_system(const nlohmann::json& options);
std::unique_ptr<System> make_course_system(const nlohmann::json& options);
std::unique_ptr<System> make_http_system(const nlohmann::json& options);
std::unique_ptr<System> make_postgres_system(const nlohmann::json& options);
std::unique_ptr<System> make_maelstrom_system(const nlohmann::json& options);

namespace {

struct Entry {
  SystemInfo info;
  std::function<std::unique_ptr<System>(const nlohmann::json&)> make;
};

const RegistryEntry kDataRoot{"data-root", "where each node keeps its data and log"};
const RegistryEntry kHealthy{"healthy-within-s", "seconds a node may take to answer its health check"};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> v = {
      {{"memory", "in-process map of registers (no root); --bug stale-read breaks linearizability",
        {{"bug", "stale-read: reads from a lagging replica"},
         {"latency-us", "microseconds each op takes"},
         {"lost-replies", "the share of replies lost (the op happened; the client sees info)"}}},
       make_memory_system},
      {{"etcd", "etcd 3.4 (Debian etcd-server) in network namespaces, via its v3 JSON gateway",
        {{"binary", "the etcd binary"}, kDataRoot, {"client-port", "the client port"}, {"peer-port", "the peer port"},
         kHealthy, {"serializable", "serializable (not linearizable) reads"}}},
       make_etcd_system},
      {{"redis", "Redis 7 (Debian redis-server) primary + replicas with redis-sentinel failover, via hiredis",
        {{"wait", "WAIT for N replicas after every write (default 0: no WAIT)"},
         {"wait-timeout-ms", "how long WAIT may block (default 500)"},
         {"recheck-ms", "how often a client asks its Sentinel for the primary again (default 1000)"},
         {"down-after-ms", "Sentinel's down-after-milliseconds (default 2000)"},
         {"failover-timeout-ms", "Sentinel's failover-timeout (default 6000)"},
         {"appendfsync", "when the AOF is fsynced: always, everysec (default, as Redis's) or no"},
         {"port", "the server port"}, {"sentinel-port", "the Sentinel port"}, kDataRoot,
         {"server", "the redis-server binary"}, {"sentinel", "the redis-sentinel binary"}, kHealthy}},
       make_redis_system},
      {{"course", "fl-course, the course example designs (COURSE.md): --design NAME [--opt K[=V]]…",
        {{"design", "the design (--design)"}, {"binary", "the fl-course binary"}, kDataRoot, {"port", "the port"},
         kHealthy},
        true},
       make_course_system},
      {{"http", "any server speaking the course protocol (COURSE.md): --bin PATH [--opt K[=V]]…",
        {{"bin", "the server (--bin)"}, {"bin-args", "more arguments for it (--bin-args)"}, kDataRoot,
         {"port", "the port"}, kHealthy},
        true},
       make_http_system},
      {{"postgres", "PostgreSQL (Debian) primary and optional streaming replicas; --opt isolation=…, --opt replicas=N",
        {{"isolation", "read-committed, repeatable-read or serializable (default)"},
         {"replicas", "streaming replicas (default 0)"},
         {"synchronous-commit", "on (default), off (acknowledge before the WAL reaches the disk), local, remote_write or remote_apply"},
         {"data-checksums", "initdb --data-checksums: a page damaged on disk is refused when read (default false)"},
         {"bin-dir", "where PostgreSQL's binaries are"}, kDataRoot, {"port", "the port"}}},
       make_postgres_system},
      {{"maelstrom", "any node written to Maelstrom's protocol: --bin PATH [--bin-args \"…\"]; its messages travel as UDP datagrams between the nodes",
        {{"bin", "the node program (--bin)"}, {"bin-args", "more arguments for it (--bin-args)"},
         {"router", "the fl-mrouter binary"},
         {"service", "the fl-mservice binary, serving seq-kv, lin-kv, lww-kv and lin-tso (default: beside the router; none: no services)"},
         {"service-port", "fl-mservice's UDP port (default 7399)"},
         kDataRoot, {"port", "the routers' UDP port (default 7400)"}, kHealthy}},
       make_maelstrom_system},
  };
  return v;
}

}  // namespace

std::vector<SystemInfo> list_systems() {
  std::vector<SystemInfo> out;
  for (const Entry& e : entries()) out.push_back(e.info);
  return out;
}

std::unique_ptr<System> make_system(std::string_view name, const nlohmann::json& options) {
  for (const Entry& e : entries()) {
    if (e.info.name != name) continue;
    if (options.is_object() && !e.info.node_flags)
      for (const auto& item : options.items()) {
        // A plain string, not a structured binding: clang before 16 cannot capture one.
        const std::string key = item.key();
        const auto& k = e.info.knobs;
        if (std::none_of(k.begin(), k.end(), [&](const RegistryEntry& knob) { return knob.name == key; }))
          throw std::invalid_argument(unknown_name("--opt", key, k, "for the " + e.info.name + " system"));
      }
    return e.make(options);
  }
  return nullptr;
}

}  // namespace fl
