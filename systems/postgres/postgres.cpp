// The postgres system: PostgresDb on the nodes, libpq clients that run each
// op as one transaction at the chosen isolation level. Workloads:
// list-append (a table of keys and comma-joined lists, appended with
// INSERT … ON CONFLICT DO UPDATE), rw-register (a table of keys and values)
// and bank (a table of balances; a transfer reads both balances and writes
// the new ones, so weak isolation can lose updates).
// Outcomes (Jepsen's rule): an error before COMMIT — a serialization
// failure, a refused statement, a timeout or a lost connection — leaves the
// transaction uncommitted (the server aborts it): fail. A refused COMMIT is
// fail; a COMMIT whose answer never came is info.
// Options (--opt): isolation=read-committed|repeatable-read|serializable
// (default serializable); replicas=N (streaming replicas on the next N
// nodes; read-only transactions of clients bound to a replica run there,
// at repeatable read, which is what a hot standby offers);
// synchronous-commit=on|off|… (PostgreSQL's setting; off acknowledges a
// COMMIT before its WAL is flushed); data-checksums (initdb's); bin-dir,
// data-root, port.
#include <memory>
#include <set>
#include <thread>
#include <stdexcept>

#include <fmt/format.h>

#include "systems/postgres/pg_session.h"
#include "systems/postgres/postgres_db.h"
#include "systems/system.h"
#include "workloads/bank.h"

namespace fl {
namespace {

std::string begin_sql(const std::string& isolation, bool read_only) {
  std::string level = isolation == "read-committed" ? "READ COMMITTED"
                      : isolation == "repeatable-read" ? "REPEATABLE READ"
                                                       : "SERIALIZABLE";
  return "BEGIN ISOLATION LEVEL " + level + (read_only ? " READ ONLY" : "");
}

Json attempted(const Json& txn) {
  // What a failed or unknown txn tried: its micro-ops, reads unknown.
  Json out = Json::array();
  if (txn.is_array())
    for (const Json& m : txn) out.push_back(m.size() == 3 && m[0] == "r" ? Json::array({"r", m[1], nullptr}) : m);
  return out;
}

// One client: a session to the primary, and one to its own node when that
// node is a replica (for read-only transactions).
class PgClient : public Client {
 public:
  PgClient(PostgresDb& db, Host* node, std::string isolation, std::string workload, double timeout_s,
           const Json& workload_params)
      : isolation_(std::move(isolation)), workload_(std::move(workload)), primary_(db.primary_conninfo(timeout_s), timeout_s) {
    if (node && db.is_replica(*node)) replica_ = std::make_unique<PgSession>(db.conninfo(*node, timeout_s), timeout_s);
    if (workload_ == "bank") bank_ = BankSpec::from(workload_params);
  }

  Completion invoke(const OpSpec& op) override {
    if (workload_ == "bank") return op.f == "transfer" ? transfer(op.value) : read_balances();
    if (op.f != "txn" || !op.value.is_array()) return {OpType::Fail, op.value, "not a transaction"};
    bool read_only = true;
    for (const Json& m : op.value) read_only &= m[0] == "r";
    PgSession& s = read_only && replica_ ? *replica_ : primary_;
    Completion c;
    Json done = Json::array();
    auto body = [&]() -> std::optional<Completion> {
      for (const Json& m : op.value) {
        std::string k = m[1].dump();
        if (m[0] == "r") {
          PgResult r = s.exec(workload_ == "list-append" ? "SELECT v FROM fl_append WHERE k = $1"
                                                         : "SELECT v FROM fl_register WHERE k = $1",
                              {k});
          if (!r.ok) return aborted(s, r, op.value);
          const auto* cell = r.rows.empty() ? nullptr : &r.rows[0][0];
          done.push_back(Json::array({"r", m[1], workload_ == "list-append" ? parse_list(cell) : parse_value(cell)}));
        } else {
          PgResult r = s.exec(workload_ == "list-append"
                                  ? "INSERT INTO fl_append AS t (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET "
                                    "v = t.v || ',' || EXCLUDED.v"
                                  : "INSERT INTO fl_register AS t (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE "
                                    "SET v = EXCLUDED.v",
                              {k, m[2].dump()});
          if (!r.ok) return aborted(s, r, op.value);
          done.push_back(m);
        }
      }
      return std::nullopt;
    };
    return run(s, read_only, op.value, body, [&] { return Completion{OpType::Ok, done, ""}; });
  }

 private:
  // BEGIN, the body, COMMIT, with the outcome rules of the file comment.
  template <class Body, class Ok>
  Completion run(PgSession& s, bool read_only, const Json& what, Body body, Ok ok) {
    std::string why;
    if (!s.connect(why)) return refused(attempted(what), why);
    bool on_replica = &s != &primary_;
    PgResult b = s.exec(begin_sql(on_replica && isolation_ == "serializable" ? "repeatable-read" : isolation_,
                                  read_only));
    if (!b.ok) return aborted(s, b, what);
    if (auto failed = body()) return *failed;
    PgResult c = s.exec("COMMIT");
    if (c.connection_lost) return {OpType::Info, attempted(what), "COMMIT unanswered: " + c.error};
    if (!c.ok) return {OpType::Fail, attempted(what), fmt::format("COMMIT refused ({}): {}", c.sqlstate, first_line(c.error))};
    return ok();
  }

  static std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

  Completion aborted(PgSession& s, const PgResult& r, const Json& what) {
    if (!r.connection_lost) s.exec("ROLLBACK");
    std::string why =
        r.connection_lost ? "before COMMIT: " + r.error : fmt::format("{} ({})", first_line(r.error), r.sqlstate);
    return {OpType::Fail, attempted(what), why};
  }

  // No connection: nothing was sent, so fail. A server that refuses
  // connections (restarting after a crash, which takes seconds) is asked again
  // no faster than 20 times a second by each client: answering at once would
  // fill the history with tens of thousands of identical failures a second.
  static Completion refused(Json value, const std::string& why) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return {OpType::Fail, std::move(value), "cannot connect: " + why};
  }

  static Json parse_list(const std::optional<std::string>* cell) {
    Json out = Json::array();
    if (!cell || !*cell || (*cell)->empty()) return out;
    std::size_t start = 0;
    const std::string& s = **cell;
    while (start <= s.size()) {
      std::size_t comma = s.find(',', start);
      if (comma == std::string::npos) comma = s.size();
      out.push_back(std::stoll(s.substr(start, comma - start)));
      start = comma + 1;
    }
    return out;
  }
  static Json parse_value(const std::optional<std::string>* cell) {
    if (!cell || !*cell) return nullptr;
    return std::stoll(**cell);
  }

  void ensure_accounts(PgSession& s) {
    if (accounts_ready_) return;
    std::string values;
    for (int a = 0; a < bank_.accounts; ++a)
      values += fmt::format("{}({}, {})", a ? ", " : "", a, bank_.initial_balance(a));
    PgResult r = s.exec("INSERT INTO fl_bank (account, balance) VALUES " + values + " ON CONFLICT DO NOTHING");
    accounts_ready_ = r.ok;
  }

  Completion transfer(const Json& t) {
    std::string why;
    if (!primary_.connect(why)) return refused(t, why);
    ensure_accounts(primary_);
    std::string from = t["from"].dump(), to = t["to"].dump();
    std::int64_t amount = t["amount"].get<std::int64_t>();
    auto body = [&]() -> std::optional<Completion> {
      PgResult a = primary_.exec("SELECT balance FROM fl_bank WHERE account = $1", {from});
      if (!a.ok) return aborted(primary_, a, t);
      PgResult b = primary_.exec("SELECT balance FROM fl_bank WHERE account = $1", {to});
      if (!b.ok) return aborted(primary_, b, t);
      if (a.rows.empty() || b.rows.empty() || !a.rows[0][0] || !b.rows[0][0]) {
        primary_.exec("ROLLBACK");
        return Completion{OpType::Fail, t, "no such account"};
      }
      std::int64_t fa = std::stoll(*a.rows[0][0]) - amount, tb = std::stoll(*b.rows[0][0]) + amount;
      if (fa < 0) {
        primary_.exec("ROLLBACK");
        return Completion{OpType::Fail, t, "insufficient funds"};
      }
      // Absolute values, as an application would write them: with weak
      // isolation a concurrent transfer's update can be lost.
      for (auto [acct, bal] : {std::pair{from, fa}, std::pair{to, tb}}) {
        PgResult u = primary_.exec("UPDATE fl_bank SET balance = $2 WHERE account = $1", {acct, std::to_string(bal)});
        if (!u.ok) return aborted(primary_, u, t);
      }
      return std::nullopt;
    };
    return run(primary_, false, t, body, [&] { return Completion{OpType::Ok, t, ""}; });
  }

  Completion read_balances() {
    PgSession& s = replica_ ? *replica_ : primary_;
    Json balances = Json::object();
    auto body = [&]() -> std::optional<Completion> {
      PgResult r = s.exec("SELECT account, balance FROM fl_bank ORDER BY account");
      if (!r.ok) return aborted(s, r, nullptr);
      for (const auto& row : r.rows)
        if (row[0] && row[1]) balances[*row[0]] = std::stoll(*row[1]);
      return std::nullopt;
    };
    if (&s == &primary_) {
      std::string why;
      if (primary_.connect(why)) ensure_accounts(primary_);
    }
    return run(s, true, nullptr, body, [&] { return Completion{OpType::Ok, balances, ""}; });
  }

  std::string isolation_, workload_;
  PgSession primary_;
  std::unique_ptr<PgSession> replica_;
  BankSpec bank_;
  bool accounts_ready_ = false;
};

class PostgresSystem : public System {
 public:
  PostgresSystem(PostgresOptions opts, std::string isolation) : db_(std::move(opts)), isolation_(std::move(isolation)) {}
  std::string name() const override { return "postgres"; }
  std::vector<std::string> workloads() const override { return {"list-append", "rw-register", "bank"}; }
  Db& db() override { return db_; }
  std::unique_ptr<Client> make_client(const std::string& workload, Host* node, const ClientOptions& opts) override {
    db_.use_table(workload == "bank" ? "fl_bank" : workload == "list-append" ? "fl_append" : "fl_register");
    return std::make_unique<PgClient>(db_, node, isolation_, workload, opts.timeout_s, opts.workload_params);
  }

 private:
  PostgresDb db_;
  std::string isolation_;
};

}  // namespace

std::unique_ptr<System> make_postgres_system(const nlohmann::json& options) {
  PostgresOptions o;
  std::string isolation = "serializable";
  if (options.is_object()) {
    o.bin_dir = options.value("bin-dir", o.bin_dir);
    o.data_root = options.value("data-root", o.data_root);
    o.port = options.value("port", o.port);
    o.replicas = options.value("replicas", o.replicas);
    isolation = options.value("isolation", isolation);
    o.synchronous_commit = options.value("synchronous-commit", o.synchronous_commit);
    if (options.contains("data-checksums")) {
      if (!options["data-checksums"].is_boolean())
        throw std::invalid_argument("data-checksums takes true or false");
      o.data_checksums = options["data-checksums"].get<bool>();
    }
  }
  if (isolation != "read-committed" && isolation != "repeatable-read" && isolation != "serializable")
    throw std::invalid_argument("isolation must be read-committed, repeatable-read or serializable, not " + isolation);
  static const std::set<std::string> commit_modes = {"", "on", "off", "local", "remote_write", "remote_apply"};
  if (!commit_modes.count(o.synchronous_commit))
    throw std::invalid_argument("synchronous-commit must be on, off, local, remote_write or remote_apply, not " +
                                o.synchronous_commit);
  if (o.replicas < 0) throw std::invalid_argument("replicas must be 0 or more");
  return std::make_unique<PostgresSystem>(std::move(o), std::move(isolation));
}

}  // namespace fl
