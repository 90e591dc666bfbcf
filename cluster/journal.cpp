#include "cluster/journal.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cluster/host.h"

namespace fl::journal {
namespace {

std::mutex& local_lock() {
  static std::mutex m;
  return m;
}

// flock() is per open file description, so threads of one process need the
// mutex as well; other faultline processes are kept out by the flock.
class Lock {
 public:
  Lock() : guard_(local_lock()) {
    std::filesystem::create_directories(dir());
    fd_ = open(path(".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0) {
      while (flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
  }
  ~Lock() {
    if (fd_ >= 0) close(fd_);
  }

 private:
  std::lock_guard<std::mutex> guard_;
  int fd_ = -1;
};

void write_unlocked(const std::string& name, const nlohmann::json& content) {
  std::filesystem::create_directories(dir());
  std::string target = path(name);
  std::string tmp = fmt::format("{}.tmp.{}", target, getpid());
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << content.dump(2) << "\n";
    f.flush();
    if (!f) throw ClusterError(fmt::format("cannot write the journal file {}", tmp));
  }
  if (std::rename(tmp.c_str(), target.c_str()) != 0)
    throw ClusterError(fmt::format("cannot write the journal file {}: {}", target, std::strerror(errno)));
}

std::optional<nlohmann::json> read_unlocked(const std::string& name) {
  std::ifstream f(path(name));
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  try {
    return nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::exception&) {
    throw ClusterError(fmt::format("the journal file {} is not valid JSON; inspect it, clean up by hand, then delete it",
                                   path(name)));
  }
}

}  // namespace

std::string dir() { return "/run/faultline"; }

std::string path(const std::string& name) { return dir() + "/" + name; }

std::optional<nlohmann::json> read(const std::string& name) {
  Lock lock;
  return read_unlocked(name);
}

void write(const std::string& name, const nlohmann::json& content) {
  Lock lock;
  write_unlocked(name, content);
}

void remove(const std::string& name) {
  Lock lock;
  std::error_code ec;
  std::filesystem::remove(path(name), ec);
}

void update(const std::string& name, const std::function<void(nlohmann::json&)>& change) {
  Lock lock;
  nlohmann::json j = read_unlocked(name).value_or(nlohmann::json());
  change(j);
  if (j.is_null()) {
    std::error_code ec;
    std::filesystem::remove(path(name), ec);
  } else {
    write_unlocked(name, j);
  }
}

}  // namespace fl::journal
