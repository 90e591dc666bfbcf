// The system registry: one line per system.
#include "systems/system.h"

#include <functional>

#include "systems/memory/memory.h"

namespace fl {

std::unique_ptr<System> make_etcd_system(const nlohmann::json& options);
std::unique_ptr<System> make_redis_system(const nlohmann::json& options);
std::unique_ptr<System> make_course_system(const nlohmann::json& options);
std::unique_ptr<System> make_http_system(const nlohmann::json& options);
std::unique_ptr<System> make_postgres_system(const nlohmann::json& options);

namespace {

struct Entry {
  SystemInfo info;
  std::function<std::unique_ptr<System>(const nlohmann::json&)> make;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> v = {
      {{"memory", "in-process map of registers (no root); --bug stale-read breaks linearizability"},
       make_memory_system},
      {{"etcd", "etcd 3.4 (Debian etcd-server) in network namespaces, via its v3 JSON gateway"},
       make_etcd_system},
      {{"redis", "Redis 7 (Debian redis-server) primary + replicas with redis-sentinel failover, via hiredis"},
       make_redis_system},
      {{"course", "fl-course, the course example designs (COURSE.md): --design NAME [--opt K[=V]]…"},
       make_course_system},
      {{"http", "any server speaking the course protocol (COURSE.md): --bin PATH [--opt K[=V]]…"},
       make_http_system},
      {{"postgres", "PostgreSQL (Debian) primary and optional streaming replicas; isolation and replicas via --opt"},
       make_postgres_system},
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
  for (const Entry& e : entries())
    if (e.info.name == name) return e.make(options);
  return nullptr;
}

}  // namespace fl
