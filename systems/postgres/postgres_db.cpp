#include "systems/postgres/postgres_db.h"

#include <csignal>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "systems/postgres/pg_session.h"

namespace fl {

PostgresDb::PostgresDb(PostgresOptions opts) : opts_(std::move(opts)) {
  if (opts_.bin_dir.empty()) {
    // Debian installs each major version under /usr/lib/postgresql/<v>/bin.
    std::error_code ec;
    int best = -1;
    for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      int v = std::atoi(e.path().filename().c_str());
      if (v > best && std::filesystem::exists(e.path() / "bin" / "postgres")) {
        best = v;
        opts_.bin_dir = (e.path() / "bin").string();
      }
    }
  }
}

Argv PostgresDb::as_postgres(Argv argv) const {
  Argv out = {"setpriv", "--reuid=" + opts_.os_user, "--regid=" + opts_.os_user, "--init-groups", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::string PostgresDb::data_dir(const Host& host) const { return opts_.data_root + "/" + host.name(); }
std::string PostgresDb::log_path(const Host& host) const { return opts_.data_root + "/" + host.name() + ".log"; }

std::string PostgresDb::conninfo(const Host& host, double timeout_s) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = serving_.find(host.name());
  if (it == serving_.end()) return "";
  return fmt::format("host={} port={} dbname=postgres user=postgres connect_timeout={}", it->second, opts_.port,
                     std::max(1, static_cast<int>(timeout_s + 0.999)));
}

std::string PostgresDb::primary_conninfo(double timeout_s) const {
  std::lock_guard<std::mutex> lock(mu_);
  return fmt::format("host={} port={} dbname=postgres user=postgres connect_timeout={}", primary_address_,
                     opts_.port, std::max(1, static_cast<int>(timeout_s + 0.999)));
}

bool PostgresDb::is_replica(const Host& host) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = replica_.find(host.name());
  return it != replica_.end() && it->second;
}

void PostgresDb::wait_ready(Host& h) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(opts_.healthy_within_s);
  std::string info = conninfo(h, 1);
  while (!pg_ready(info)) {
    if (pids(h).empty())
      throw SystemFailure(fmt::format("postgres on {} exited during startup; see {}", h.name(), log_path(h)));
    if (std::chrono::steady_clock::now() > deadline)
      throw SystemFailure(fmt::format("postgres on {} did not accept connections within {:g} s; see {}", h.name(),
                                     opts_.healthy_within_s, log_path(h)));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void PostgresDb::setup(const std::vector<Host*>& hosts) {
  if (opts_.bin_dir.empty())
    throw ClusterError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres); run scripts/setup");
  if (hosts.empty()) throw ClusterError("postgres needs at least one node");
  if (opts_.replicas >= static_cast<int>(hosts.size()))
    throw ClusterError(fmt::format("{} replicas need {} nodes (--nodes)", opts_.replicas, opts_.replicas + 1));
  {
    std::lock_guard<std::mutex> lock(mu_);
    primary_address_ = hosts[0]->address();
    serving_.clear();
    replica_.clear();
  }
  Host& primary = *hosts[0];
  primary.run_checked({"mkdir", "-p", opts_.data_root});
  primary.run_checked({"chown", opts_.os_user + ":" + opts_.os_user, opts_.data_root});
  for (int i = 0; i <= opts_.replicas; ++i) prepare_data_dir(*hosts[i]);
  std::string dir = data_dir(primary);
  // Not synced file by file (seconds through a data mount): a data mount is
  // made durable whole once the node is set up (settle()).
  Argv initdb = {opts_.bin_dir + "/initdb", "-D", dir, "-U", "postgres", "--auth=trust", "--no-sync", "--locale=C",
                 "-E", "UTF8"};
  if (opts_.data_checksums) initdb.push_back("--data-checksums");
  primary.run_checked(as_postgres(initdb), RunOptions{std::chrono::seconds(120), "", {}});
  // Listen on the node's own address only, and on no Unix socket (nothing
  // touches /var/run/postgresql, and a base backup copies no socket lock).
  std::string conf = fmt::format(
      "listen_addresses = '{}'\nport = {}\nunix_socket_directories = ''\nmax_connections = 300\n"
      "wal_level = replica\nmax_wal_senders = 10\nhot_standby = on\ndeadlock_timeout = '100ms'\nlog_line_prefix = '%m [%p] '\n",
      primary.address(), opts_.port);
  if (!opts_.synchronous_commit.empty()) conf += fmt::format("synchronous_commit = {}\n", opts_.synchronous_commit);
  primary.run_checked(as_postgres({"tee", "-a", dir + "/postgresql.conf"}), RunOptions{std::chrono::seconds(10), conf, {}});
  std::string hba = "host all all 0.0.0.0/0 trust\nhost replication all 0.0.0.0/0 trust\n";
  primary.run_checked(as_postgres({"tee", "-a", dir + "/pg_hba.conf"}), RunOptions{std::chrono::seconds(10), hba, {}});
  {
    std::lock_guard<std::mutex> lock(mu_);
    serving_[primary.name()] = primary.address();
    replica_[primary.name()] = false;
  }
  start(primary);
  wait_ready(primary);
  {
    PgSession s(conninfo(primary, 10), 30);
    std::string why;
    if (!s.connect(why)) throw ClusterError(fmt::format("cannot connect to postgres on {}: {}", primary.name(), why));
    for (const char* sql : {"CREATE TABLE fl_append (k BIGINT PRIMARY KEY, v TEXT NOT NULL)",
                            "CREATE TABLE fl_register (k BIGINT PRIMARY KEY, v BIGINT)",
                            "CREATE TABLE fl_bank (account BIGINT PRIMARY KEY, balance BIGINT NOT NULL)"}) {
      PgResult r = s.exec(sql);
      if (!r.ok) throw ClusterError(fmt::format("postgres on {}: {}: {}", primary.name(), sql, r.error));
    }
    // Where the tables' rows and their primary-key indexes live, for the
    // disk faults that damage a file.
    std::map<std::string, std::vector<std::string>> files;
    for (const char* table : {"fl_append", "fl_register", "fl_bank"})
      for (const std::string& relation : {std::string(table), std::string(table) + "_pkey"}) {
        PgResult r = s.exec(fmt::format("SELECT pg_relation_filepath('{}')", relation));
        if (r.ok && r.rows.size() == 1 && !r.rows[0].empty() && r.rows[0][0]) files[table].push_back(*r.rows[0][0]);
      }
    std::lock_guard<std::mutex> lock(mu_);
    table_files_ = files;
  }
  for (int i = 1; i <= opts_.replicas; ++i) {
    Host& h = *hosts[i];
    h.run_checked(as_postgres({opts_.bin_dir + "/pg_basebackup", "-h", primary.address(), "-p",
                               std::to_string(opts_.port), "-U", "postgres", "-D", data_dir(h), "-R", "-X", "stream",
                               "--no-sync"}),
                  RunOptions{std::chrono::seconds(120), "", {}});
    // The copied configuration names the primary's address; this node
    // listens on its own.
    std::string own = fmt::format("listen_addresses = '{}'\n", h.address());
    h.run_checked(as_postgres({"tee", "-a", data_dir(h) + "/postgresql.conf"}), RunOptions{std::chrono::seconds(10), own, {}});
    {
      std::lock_guard<std::mutex> lock(mu_);
      serving_[h.name()] = h.address();
      replica_[h.name()] = true;
    }
    start(h);
    wait_ready(h);
  }
  if (data_mount_)
    for (int i = 0; i <= opts_.replicas; ++i) data_mount_->sync(*hosts[i], data_dir(*hosts[i]));
}

// An empty data directory for initdb or a base backup: through the data
// mount when there is one, owned by the postgres user either way.
void PostgresDb::prepare_data_dir(Host& h) {
  std::string dir = data_dir(h);
  h.run_checked({"rm", "-rf", dir, log_path(h), dir + ".backing", dir + ".diskfs.log"});
  h.run_checked({"mkdir", "-p", dir});
  if (data_mount_) data_mount_->mount(h, dir);
  h.run_checked({"chown", opts_.os_user + ":" + opts_.os_user, dir});
  h.run_checked({"chmod", "0700", dir});
}

std::vector<std::string> PostgresDb::data_files() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [table, files] : table_files_)
    if (table_in_use_.empty() || table == table_in_use_) out.insert(out.end(), files.begin(), files.end());
  return out;
}

void PostgresDb::teardown(const std::vector<Host*>& hosts) noexcept {
  for (Host* h : hosts) {
    try {
      daemons_.stop(*h, std::chrono::seconds(10), SIGINT);  // fast shutdown: abort sessions, checkpoint, exit
      if (opts_.data_checksums) verify_checksums(*h);
    } catch (...) {
      // Teardown must not throw; `faultline cluster down` removes what is left.
    }
  }
  if (data_mount_)
    for (Host* h : hosts) data_mount_->unmount(*h, data_dir(*h));
  for (Host* h : hosts) {
    try {
      h->run({"rm", "-rf", data_dir(*h)});
    } catch (...) {
    }
  }
}

// With data checksums, every page of the stopped cluster is read once more
// by PostgreSQL's own pg_checksums, and its verdict goes to the end of the
// node's log: a page a disk fault damaged and no query read during the run
// is still found (needs the clean shutdown teardown asks for).
void PostgresDb::verify_checksums(Host& h) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!serving_.count(h.name())) return;
  }
  RunResult r = h.run(as_postgres({opts_.bin_dir + "/pg_checksums", "--check", "-D", data_dir(h)}),
                      RunOptions{std::chrono::seconds(60), "", {}});
  std::string text = fmt::format("faultline: pg_checksums --check exited {}:\n{}{}", r.exit_code, r.out, r.err);
  h.run({"tee", "-a", log_path(h)}, RunOptions{std::chrono::seconds(10), text, {}});
}

void PostgresDb::start(Host& host) {
  DaemonSpec spec;
  spec.name = "postgres";
  spec.argv = as_postgres({opts_.bin_dir + "/postgres", "-D", data_dir(host)});
  spec.log_path = log_path(host);
  daemons_.spawn(host, spec);
}

void PostgresDb::kill(Host& host) { daemons_.kill(host); }
void PostgresDb::pause(Host& host) { daemons_.pause(host); }
void PostgresDb::resume(Host& host) { daemons_.resume(host); }
std::vector<int> PostgresDb::pids(Host& host) { return daemons_.pids(host); }

std::string PostgresDb::unavailable() const {
  if (opts_.bin_dir.empty() || !std::filesystem::exists(opts_.bin_dir + "/postgres"))
    return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres): install the postgresql package "
           "(scripts/setup does)";
  if (!std::filesystem::exists("/usr/bin/setpriv"))
    return "setpriv (util-linux) is missing: postgres must run as the postgres user";
  return "";
}

std::vector<std::string> PostgresDb::log_files(Host& host) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!serving_.count(host.name())) return {};
  return {log_path(host)};
}

}  // namespace fl
